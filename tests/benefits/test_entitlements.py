"""What happens to a grant after its approval: suspended when the person leaves the registers it rests on (the
nightly job, exact on the day and catching up), and suspended, resumed or terminated by a supervisor with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benefits.applications.entitlements import (
    entitlement_resume,
    entitlement_suspend,
    entitlement_terminate,
    entitlements_suspend_off_register,
)
from benefits.models import Entitlement
from benefits.tasks import entitlements_expire_task
from casework import services
from casework.models import Register
from core.errors import Conflict, PermissionDenied

from .workflow import monthly_grant

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def hard_to_employ(world, graduate):
    """张三 recognised as a person with employment difficulties since 2026-08-01."""
    register = Register.objects.get(code="hard_to_employ")
    return services.registry_entry_add(actor=world.alice, register=register, person=graduate, entered_on=D(2026, 8, 1))


def test_a_grant_resting_on_a_register_is_suspended_from_the_day_the_person_leaves_it(world, graduate, hard_to_employ):
    grant = monthly_grant(world, graduate, end=D(2029, 11, 30), holds_while_on=["hard_to_employ"])
    Entitlement.objects.filter(pk=grant.pk).update(family="other_family")
    other = monthly_grant(world, graduate, end=D(2029, 11, 30), override_reason="已领取过: 测试")  # rests on none
    services.registry_entry_exit(actor=world.alice, entry=hard_to_employ, exited_on=D(2026, 12, 5), reason="employed")

    assert entitlements_suspend_off_register(today=D(2026, 12, 4)) == 0  # still on it on the day before
    assert entitlements_suspend_off_register(today=D(2026, 12, 12)) == 1  # a week late: caught up
    grant.refresh_from_db()
    assert grant.status == "suspended"
    assert "2026-12-05" in grant.status_reason and "就业困难人员" in grant.status_reason
    assert "已就业" in grant.status_reason  # the exit reason, as the register shows it
    history = grant.history.count()
    assert entitlements_suspend_off_register(today=D(2026, 12, 13)) == 0  # a second run: no second effect
    assert grant.history.count() == history
    other.refresh_from_db()
    assert other.status == "active"


def test_a_person_on_the_register_keeps_the_grant_and_the_nightly_task_runs_every_step(world, graduate, hard_to_employ):
    grant = monthly_grant(world, graduate, end=D(2026, 12, 31), holds_while_on=["hard_to_employ"])
    assert entitlements_expire_task("2026-12-20") == {"expired": 0, "suspended": 0, "suspended_off_register": 0}
    assert entitlements_expire_task("2027-01-01") == {"expired": 1, "suspended": 0, "suspended_off_register": 0}
    grant.refresh_from_db()
    assert grant.status == "expired"


def test_the_rule_of_a_grant_names_the_registers_it_rests_on(world, graduate, hard_to_employ):
    """End to end: the approval stores the rule's ``holds_while_on`` (大连's public-welfare-post subsidy; the post
    itself is not in the records, so the supervisor overrides)."""
    from benefits.applications.services import application_approve

    from .workflow import recommended

    application = recommended(world, graduate, "dalian_public_welfare_post_subsidy")
    application_approve(actor=world.bob, application=application, override_reason="岗位安置材料已核实")
    assert Entitlement.objects.get(application=application).holds_while_on == ["hard_to_employ"]


def test_a_supervisor_suspends_resumes_and_terminates_with_a_reason(world, graduate, hard_to_employ):
    grant = monthly_grant(world, graduate, end=D(2029, 11, 30), holds_while_on=["hard_to_employ"])
    with pytest.raises(PermissionDenied):  # a caseworker cannot
        entitlement_suspend(actor=world.alice, entitlement=grant, reason="checking")
    with pytest.raises(ValidationError):
        entitlement_suspend(actor=world.bob, entitlement=grant, reason=" ")
    entitlement_suspend(actor=world.bob, entitlement=grant, reason="核实灵活就业情况")
    grant.refresh_from_db()
    assert (grant.status, grant.status_reason) == ("suspended", "核实灵活就业情况")
    with pytest.raises(Conflict):  # not active any more
        entitlement_suspend(actor=world.bob, entitlement=grant, reason="again")

    services.registry_entry_exit(actor=world.alice, entry=hard_to_employ, exited_on=D(2026, 12, 1), reason="other")
    with pytest.raises(Conflict, match="就业困难人员"):  # its ground no longer holds
        entitlement_resume(actor=world.bob, entitlement=grant, reason="核实无误", today=D(2026, 12, 2))
    register = Register.objects.get(code="hard_to_employ")
    services.registry_entry_add(actor=world.alice, register=register, person=graduate, entered_on=D(2026, 12, 2))
    entitlement_resume(actor=world.bob, entitlement=grant, reason="核实无误", today=D(2026, 12, 2))
    grant.refresh_from_db()
    assert grant.status == "active"

    entitlement_terminate(actor=world.bob, entitlement=grant, reason="错误发放")
    grant.refresh_from_db()
    assert grant.status == "terminated"
    reasons = [row.history_change_reason for row in grant.history.order_by("history_id")]
    assert reasons[-3:] == ["suspended by hand", "resumed", "terminated"]


def test_resuming_a_grant_past_its_end_expires_it(world, graduate):
    grant = monthly_grant(world, graduate, end=D(2026, 12, 31))
    entitlement_suspend(actor=world.bob, entitlement=grant, reason="核实")
    entitlement_resume(actor=world.bob, entitlement=grant, reason="核实无误", today=D(2027, 1, 3))
    grant.refresh_from_db()
    assert grant.status == "expired"


def test_resuming_is_refused_while_another_grant_of_the_family_is_active(world, graduate):
    first = monthly_grant(world, graduate, end=D(2029, 11, 30))
    entitlement_suspend(actor=world.bob, entitlement=first, reason="核实")
    second = monthly_grant(world, graduate, end=D(2029, 11, 30), override_reason="已领取过: 测试")
    assert second.status == "active" and second.family == first.family
    with pytest.raises(Conflict):
        entitlement_resume(actor=world.bob, entitlement=first, reason="核实无误", today=D(2026, 12, 2))
    first.refresh_from_db()
    assert first.status == "suspended"


# --- console and API ----------------------------------------------------------------------------------------------


def test_the_grants_page_lists_the_area_and_a_supervisor_suspends_from_the_grant_page(world, graduate, console_as):
    from django.urls import reverse

    grant = monthly_grant(world, graduate, end=D(2029, 11, 30))
    alice = console_as(world.alice)
    page = alice.get(reverse("benefits:entitlement-list")).content.decode()
    assert reverse("benefits:entitlement-detail", args=[grant.pk]) in page and graduate.masked_id_number in page
    assert graduate.id_number not in page
    detail = reverse("benefits:entitlement-detail", args=[grant.pk])
    assert 'value="suspend"' not in alice.get(detail).content.decode()  # a caseworker sees no form
    alice.post(detail, {"action": "suspend", "reason": "核实"})
    grant.refresh_from_db()
    assert grant.status == "active"

    bob = console_as(world.bob)
    response = bob.post(detail, {"action": "suspend", "reason": ""})
    assert "reason" in response.context["form"].errors
    bob.post(detail, {"action": "suspend", "reason": "核实灵活就业情况"})
    grant.refresh_from_db()
    assert grant.status == "suspended"
    page = bob.get(detail).content.decode()
    assert "核实灵活就业情况" in page and 'value="resume"' in page

    carol = console_as(world.carol)  # 济南: another area
    assert carol.get(detail).status_code == 404
    assert (
        reverse("benefits:entitlement-detail", args=[grant.pk])
        not in carol.get(reverse("benefits:entitlement-list") + "?status=").content.decode()
    )


def test_the_grants_api_lists_with_constant_queries_and_changes_status_only_through_actions(
    world, graduate, api_as, django_assert_num_queries
):
    from django.urls import reverse

    first = monthly_grant(world, graduate, end=D(2029, 11, 30))
    bob = api_as(world.bob)
    url = reverse("api:benefits:entitlement-list")
    with django_assert_num_queries(6) as one:
        assert bob.get(url).json()["count"] == 1
    for end in (D(2027, 1, 31), D(2028, 1, 31)):  # other families, so that each can be active
        Entitlement.objects.filter(family=first.family).update(family=f"other-{end.year}")
        monthly_grant(world, graduate, end=end, override_reason="测试数据")
    with django_assert_num_queries(len(one.captured_queries)):
        body = bob.get(url, {"status": ""}).json()
    assert body["count"] == 3 and body["results"][0]["end"] == "2027-01-31"  # ending first on top
    assert bob.get(url, {"status": "active", "ending_by": "2028-12-31"}).json()["count"] == 2

    detail = reverse("api:benefits:entitlement-detail", args=[first.pk])
    data = bob.get(detail).json()
    assert data["party"]["id_masked"] == graduate.masked_id_number and "id_number" not in data["party"]
    assert bob.patch(detail, {"status": "active"}, format="json").status_code == 405  # no way around the services

    act = reverse("api:benefits:entitlement-transition", args=[first.pk, "terminate"])
    assert api_as(world.alice).post(act, {"reason": "x"}, format="json").status_code == 403
    assert api_as(world.carol).post(act, {"reason": "x"}, format="json").status_code == 404
    bob = api_as(world.bob)  # one client, signed in again
    refused = bob.post(act, {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    done = bob.post(act, {"reason": "错误发放"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "terminated"
    assert bob.post(act, {"reason": "again"}, format="json").status_code == 409
    assert bob.post(reverse("api:benefits:entitlement-transition", args=[first.pk, "pay"]), {}).status_code == 404
