"""The portal's page shells (/portal/): each renders in Chinese and in English, the applicant's pages send everyone
else to the sign-in page, nothing about the applicant is in the HTML (the scripts get it from the API), every
field has its label, and the scripts carry no words of their own."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from casework.models import Person

pytestmark = pytest.mark.django_db

OPEN = ["home", "screen", "register", "login"]
APPLICANT = ["claim", "profile", "apply", "application-list", "application-detail", "payments"]
SCRIPTS = Path(settings.BASE_DIR) / "portal" / "static" / "portal"


def url(name):
    return reverse(f"portal:{name}", args=[7] if name == "application-detail" else [])


@pytest.fixture
def dan(world, graduate, client):
    """dan, signed in, has claimed 张三's record (a graduate with a phone on file)."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan)
    client.force_login(world.dan)
    return client


class Page(HTMLParser):
    """The parts of a page the checks read: its fields, labels, table headers, scripts and styles."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.labels, self.headers, self.assets, self.lang = [], set(), [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.fields.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag == "th":
            self.headers.append(attrs)
        elif tag in ("script", "link") and (attrs.get("src") or attrs.get("href")):
            self.assets.append(attrs.get("src") or attrs.get("href"))


def render(client, name, language):
    if language != settings.LANGUAGE_CODE:
        client.post(reverse("set_language"), {"language": language, "next": url(name)})
    response = client.get(url(name))
    assert response.status_code == 200, (name, response.status_code)
    return response


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", OPEN + APPLICANT)
def test_each_page_renders_in_both_languages_with_its_script(world, dan, client, name, language):
    if name in OPEN:
        client.logout()
    response = render(client, name, language)
    body = response.content.decode()
    page = Page(body)
    assert page.lang == ("zh-CN" if language == "zh-hans" else "en")
    skip, other = ("跳到正文", "English") if language == "zh-hans" else ("Skip to content", "简体中文")
    assert skip in body and f'lang="{"en" if language == "zh-hans" else "zh-hans"}">{other}</button>' in body
    assert "csrftoken" in response.cookies  # the scripts send it back on every change
    scripts = [asset for asset in page.assets if asset.endswith(".js")]
    assert "/static/portal/header.js" in scripts and all(s.startswith("/static/portal/") for s in scripts)
    assert all(not re.match(r"^(https?:)?//", asset) for asset in page.assets), page.assets  # no CDN


@pytest.mark.parametrize("name", APPLICANT)
def test_applicant_pages_send_anyone_else_to_the_portal_sign_in(world, client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={url(name)}"
    client.force_login(world.alice)  # staff: no record of their own here
    assert client.get(url(name)).status_code == 403


def test_the_signed_in_header_offers_the_applicant_pages_and_sign_out(world, dan, client):
    body = client.get(reverse("portal:home")).content.decode()
    for name in ("profile", "apply", "application-list", "payments"):
        assert f'href="{url(name)}"' in body
    assert 'id="sign-out"' in body and f'href="{url("register")}"' not in body
    client.logout()
    body = client.get(reverse("portal:home")).content.decode()
    assert 'id="sign-out"' not in body and f'href="{url("register")}"' in body
    assert f'href="{url("profile")}"' not in body


@pytest.mark.parametrize("name", OPEN + APPLICANT)
def test_no_personal_data_is_in_the_html(world, graduate, dan, client, name):
    body = render(client, name, "zh-hans").content.decode()
    for value in (
        graduate.name,
        graduate.id_number,
        graduate.masked_id_number,
        graduate.phone,
        graduate.masked_phone,
        world.dan.full_name,
    ):
        assert value not in body, (name, value)


@pytest.mark.parametrize("name", OPEN + APPLICANT)
def test_every_field_has_a_label_and_every_table_header_a_scope(world, dan, client, name):
    page = Page(render(client, name, "zh-hans").content.decode())
    for field in page.fields:
        assert field.get("id") in page.labels, (name, field)
    assert all(header.get("scope") in ("col", "row") for header in page.headers), name


def test_the_screener_asks_city_birth_date_and_situation_first(client):
    body = client.get(reverse("portal:screen")).content.decode()
    assert '<option value="dalian">大连</option>' in body
    assert 'id="f-birth-date"' in body and 'name="birth_date"' in body
    for situation in ("unemployed", "employed", "public_welfare_post", "flexible", "self_employed"):
        assert f'id="s-{situation}" name="situation" value="{situation}"' in body
    # the rest is asked one question at a time, in the card the script fills
    assert 'id="asking"' in body and 'id="question-form"' in body


def test_the_language_switch_comes_back_to_the_same_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:screen")})
    assert response["Location"] == reverse("portal:screen")
    assert '<html lang="en"' in client.get(reverse("portal:screen")).content.decode()


def test_the_scripts_hold_no_words_of_their_own():
    """Every word a script shows comes from its page (translated there): no Chinese in the scripts, and no
    string literal that reads like an English phrase (selectors and class names are lower case)."""
    scripts = sorted(SCRIPTS.glob("*.js"))
    assert len(scripts) >= 10
    for script in scripts:
        # comments may quote the page
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script.read_text(encoding="utf-8"), flags=re.DOTALL)
        assert not re.search(r"[\u3400-\u9fff]", code), script.name
        literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`', code)
        words = [text for pair in literals for text in pair if re.search(r"[A-Z][a-z]+ [A-Za-z]+", text)]
        assert words == [], (script.name, words)


@pytest.mark.parametrize("path", ["/static/portal/api.js", "/static/portal/portal.css"])
def test_the_assets_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
