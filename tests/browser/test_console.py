"""The console in a real Chromium: a demo caseworker signs in, sees the Chinese home page, switches to English."""

from urllib.parse import urlparse

import pytest

from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    """The demo's service units and users (these pages need no people: the whole demo is built elsewhere)."""
    from accounts.demo import bootstrap_demo

    bootstrap_demo()


def test_caseworker_signs_in_to_a_chinese_home_page_and_switches_to_english(demo_world, live_server, page, screenshot):
    sign_in(page, live_server, "dalian.caseworker")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", name="欢迎，大连社区就业专干").is_visible()
    assert page.get_by_role("cell", name="大连市 / 中山区 / 青泥洼桥街道 / 友好社区").is_visible()
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="服务单位").is_visible()
    assert nav.get_by_role("link", name="工作人员").count() == 0  # caseworkers have no staff list
    screenshot(page, "console-home-zh")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Welcome, 大连社区就业专干").is_visible()
    assert page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Service units").is_visible()
    screenshot(page, "console-home-en")

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="欢迎，大连社区就业专干").is_visible()


def test_a_wrong_password_is_refused_in_chinese(demo_world, live_server, page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("dalian.caseworker")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确。"


def test_supervisor_sees_the_communities_of_the_district(demo_world, live_server, page, screenshot):
    sign_in(page, live_server, "dalian.supervisor")
    page.get_by_role("link", name="服务单位").first.click()
    page.wait_for_load_state()
    for community in ["友好社区", "天津街社区", "桃源社区", "东港社区"]:
        assert page.get_by_role("link", name=community, exact=True).is_visible()
    assert page.get_by_role("link", name="白云新村社区").count() == 0  # 西岗区 is another district
    assert page.get_by_role("link", name="芙蓉社区").count() == 0  # 济南
    screenshot(page, "console-units")


def test_api_docs_load_with_no_external_request(demo_world, live_server, page):
    host = urlparse(live_server.url).netloc
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server, "dalian.admin")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Casework API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag", timeout=15000)
    external = [url for url in requested if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc != host]
    assert requested and not external, external
