"""A supervisor merges two records of one person in Chromium: on the comparison page "merge, keep this one", the
box ticked, and the kept person's page shows each register and each contact once, the other record a pointer."""

import datetime

import pytest
from django.conf import settings

from tests.browser.signin import sign_in
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def pair(world):
    """李博 (supervisor of 中山区) able to sign in; 赵六 twice, ID numbers one digit apart, both on one register,
    each with a note of their own."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.views_security import DEMO_DEVICE
    from casework import services
    from casework.duplicates import duplicates_detect
    from casework.models import DuplicateCandidate, Register

    from ..casework.test_duplicates import id_of

    world.bob.set_password(settings.CASEWORK_DEMO_PASSWORD)
    world.bob.save(update_fields=["password"])
    TOTPDevice.objects.create(user=world.bob, name=DEMO_DEVICE, confirmed=True)
    keep = make_person(world.youhao, "赵六", id_number=id_of("21020219850304015"))
    gone = make_person(world.tianjinjie, "赵六", id_number=id_of("21020319850304015"))
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    for person, text in ((keep, "第一条记录的备注"), (gone, "第二条记录的备注")):
        services.registry_entry_add(actor=world.bob, register=register, person=person, entered_on=D(2026, 7, 10))
        services.case_note_add(actor=world.bob, person=person, text=text)
    duplicates_detect()
    return keep, gone, DuplicateCandidate.objects.get(), register


def test_a_supervisor_merges_two_records_and_the_person_page_shows_everything_once(pair, live_server, page):
    keep, gone, candidate, register = pair
    side = "a" if candidate.person_a_id == keep.pk else "b"
    sign_in(page, live_server, "bob", start=f"/console/duplicates/{candidate.pk}/")
    form = page.locator(f"#merge-{side}")
    form.get_by_label("我已比对两条记录：是同一个人。").check()
    form.get_by_role("button", name="合并，保留此记录").click()
    page.wait_for_url(f"{live_server.url}/console/people/{keep.pk}/")
    assert "两条记录已合并" in page.content()
    page.goto(f"{live_server.url}/console/people/{keep.pk}/?tab=registers")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and register.name_zh in rows.first.inner_text()  # one entry, not the copy's too
    page.goto(f"{live_server.url}/console/people/{keep.pk}/?tab=contacts")
    for text in ("第一条记录的备注", "第二条记录的备注"):
        assert page.get_by_text(text).count() == 1
    page.goto(f"{live_server.url}/console/people/{gone.pk}/")
    page.locator("#merged-into a").click()
    page.wait_for_url(f"{live_server.url}/console/people/{keep.pk}/")
