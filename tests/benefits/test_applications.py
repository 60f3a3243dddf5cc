"""The application workflow: every transition through its service, four eyes on every decision, the rules run
again at decision time, and the entitlements the database lets exist only once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import Membership, Role
from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_reject,
    application_return,
    application_submit,
    application_withdraw,
    entitlement_end,
)
from benefits.models import Application, Entitlement, Lead, Program
from benefits.screening.proactive import proactive_screen
from casework import services
from core.errors import Conflict, PermissionDenied
from tests.benefits.workflow import JOB_SEEKING, TODAY, monthly_grant, recommended
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def second_supervisor(world):
    unit = Membership.objects.get(user=world.bob, role=Role.SUPERVISOR).unit
    user = UserFactory(username="hui", full_name="何慧")
    Membership.objects.create(user=user, unit=unit, role=Role.SUPERVISOR)
    return user


def test_an_approved_application_grants_its_entitlement(world, graduate):
    proactive_screen(today=TODAY)
    assert Lead.objects.filter(person=graduate, program__code=JOB_SEEKING, closed_on__isnull=True).exists()
    application = recommended(world, graduate)
    lead = Lead.objects.get(person=graduate, program__code=JOB_SEEKING)
    assert lead.close_reason == Lead.CloseReason.APPLIED  # applying closes the 主动服务 lead
    proactive_screen(today=TODAY + datetime.timedelta(days=1))  # and the next night does not open it again
    assert not Lead.objects.filter(person=graduate, program__code=JOB_SEEKING, closed_on__isnull=True).exists()
    application_approve(actor=world.bob, application=application, on=TODAY)
    application.refresh_from_db()
    assert (application.state, application.decided_by, application.decision["eligible"]) == (
        "approved",
        world.bob,
        True,
    )
    grant = application.entitlement
    assert (grant.once, grant.start, grant.end, grant.amount_per_period, grant.status) == (
        True,
        TODAY,
        TODAY,
        Decimal("1000.00"),
        "active",
    )
    reasons = list(application.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["created", "submitted", "recommended", "approved"]


def test_nobody_decides_what_they_created_submitted_or_recommended(world, graduate):
    application = recommended(world, graduate, by=world.bob)  # the supervisor took the case himself
    for decide in (application_approve, application_reject):
        with pytest.raises(PermissionDenied, match="您推荐了此申请，须由另一位审核人员审批"):
            decide(actor=world.bob, application=application, note="no")
    with pytest.raises(PermissionDenied, match="审核人员"):
        application_approve(actor=world.alice, application=application)  # a caseworker never decides
    application.refresh_from_db()
    assert application.state == "recommended" and not Entitlement.objects.exists()


def test_the_refusal_says_which_part_the_supervisor_took(world, graduate, people):
    program = Program.objects.get(code=JOB_SEEKING)
    by_bob = application_create(actor=world.bob, program=program, person=graduate, requested_start=TODAY)
    application_submit(actor=world.alice, application=by_bob)
    application_recommend(actor=world.alice, application=by_bob)
    with pytest.raises(PermissionDenied, match="您创建了此申请，须由另一位审核人员审批"):
        application_approve(actor=world.bob, application=by_bob)
    application_withdraw(actor=world.alice, application=by_bob)
    submitted = application_create(actor=world.alice, program=program, person=graduate, requested_start=TODAY)
    application_submit(actor=world.bob, application=submitted)
    application_recommend(actor=world.alice, application=submitted)
    with pytest.raises(PermissionDenied, match="您提交了此申请，须由另一位审核人员审批"):
        application_reject(actor=world.bob, application=submitted, note="no")


def test_no_state_is_skipped(world, graduate):
    application = application_create(
        actor=world.alice, program=Program.objects.get(code=JOB_SEEKING), person=graduate, requested_start=TODAY
    )
    with pytest.raises(Conflict):
        application_approve(actor=world.bob, application=application)
    with pytest.raises(Conflict):
        application_recommend(actor=world.alice, application=application)
    application_submit(actor=world.alice, application=application)
    with pytest.raises(Conflict):
        application_approve(actor=world.bob, application=application)
    assert Application.objects.get(pk=application.pk).state == "submitted"
    assert Application._meta.get_field("state").editable is False  # no form, serializer or admin can set it


def test_returned_for_evidence_then_submitted_again(world, graduate):
    application = recommended(world, graduate)
    with pytest.raises(ValidationError):
        application_return(actor=world.bob, application=application, note=" ")
    application_return(actor=world.bob, application=application, note="缺少毕业证书")
    application.refresh_from_db()
    assert (application.state, application.recommended_by) == ("returned", None)
    application_submit(actor=world.alice, application=application)
    application_recommend(actor=world.alice, application=application)
    application_approve(actor=world.bob, application=application, on=TODAY)
    assert Application.objects.get(pk=application.pk).state == "approved"


def test_an_ineligible_result_blocks_approval_unless_overridden_with_a_reason(world, graduate):
    services.person_update(actor=world.alice, person=graduate, education="senior")  # not a college graduate
    application = recommended(world, graduate)
    with pytest.raises(Conflict, match="书面说明理由"):
        application_approve(actor=world.bob, application=application, on=TODAY)
    assert Application.objects.get(pk=application.pk).state == "recommended"
    application_approve(actor=world.bob, application=application, on=TODAY, override_reason="学历证书已另行核实")
    application.refresh_from_db()
    assert application.state == "approved" and application.override_reason == "学历证书已另行核实"
    assert application.decision["eligible"] is False  # the rules' answer is kept with the decision
    assert application.history.first().history_change_reason == "approved with an override"


def test_above_the_threshold_a_second_different_supervisor_approves(world, graduate, second_supervisor, settings):
    settings.CASEWORK_SECOND_APPROVAL_ABOVE_CNY = Decimal("999.99")
    application = recommended(world, graduate)
    application_approve(actor=world.bob, application=application, on=TODAY)
    application.refresh_from_db()
    assert (application.state, application.first_approved_by) == ("recommended", world.bob)
    with pytest.raises(PermissionDenied, match="另一名审核人员"):
        application_approve(actor=world.bob, application=application, on=TODAY)
    application_approve(actor=second_supervisor, application=application, on=TODAY)
    application.refresh_from_db()
    assert (application.state, application.decided_by) == ("approved", second_supervisor)


def test_a_one_time_subsidy_is_granted_once_whatever_the_route(world, graduate):
    application_approve(actor=world.bob, application=recommended(world, graduate), on=TODAY)
    again = recommended(world, graduate)
    with pytest.raises(Conflict, match="书面说明理由"):  # the rule sees the earlier grant
        application_approve(actor=world.bob, application=again, on=TODAY)
    with pytest.raises(Conflict, match="已向此对象发放过"):  # and the database refuses an override
        application_approve(actor=world.bob, application=again, on=TODAY, override_reason="再发一次")
    again.refresh_from_db()
    assert again.state == "recommended" and Entitlement.objects.filter(person=graduate).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL")
def test_two_approvals_at_the_same_moment_grant_a_one_time_subsidy_once(world, graduate, second_supervisor):
    first, second = recommended(world, graduate), recommended(world, graduate)
    barrier, outcomes = threading.Barrier(2), []

    def approve(application, supervisor):
        try:
            barrier.wait()
            application_approve(actor=supervisor, application=application, on=TODAY, override_reason="并发测试")
            outcomes.append("approved")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(first, world.bob)),
        threading.Thread(target=approve, args=(second, second_supervisor)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert Entitlement.objects.filter(person=graduate, family="job_seeking_startup_subsidy").count() == 1


def test_withdrawn_and_rejected_are_final(world, graduate):
    application = recommended(world, graduate)
    with pytest.raises(ValidationError):
        application_reject(actor=world.bob, application=application, note="")
    application_reject(actor=world.bob, application=application, note="不符合条件", on=TODAY)
    with pytest.raises(Conflict):
        application_withdraw(actor=world.alice, application=application)
    other = recommended(world, graduate)
    application_withdraw(actor=world.alice, application=other)
    with pytest.raises(Conflict):
        application_submit(actor=world.alice, application=other)


def test_the_applicant_must_be_the_programs_kind_and_in_the_callers_area(world, graduate, people):
    employer_program = Program.objects.filter(city="dalian", beneficiary="employer").first()
    with pytest.raises(ValidationError):
        application_create(actor=world.alice, program=employer_program, person=graduate, requested_start=TODAY)
    with pytest.raises(PermissionDenied):
        application_create(
            actor=world.carol, program=Program.objects.get(code=JOB_SEEKING), person=graduate, requested_start=TODAY
        )
    with pytest.raises(ValidationError):
        application_create(
            actor=world.alice,
            program=Program.objects.get(code=JOB_SEEKING),
            person=graduate,
            requested_start=TODAY,
            facts={"business": {"registered_on": "not a date"}},
        )
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("start", "period", "periods", "end"),
    [
        (D(2026, 1, 31), "month", 36, D(2029, 1, 30)),
        (D(2026, 3, 1), "month", 1, D(2026, 3, 31)),
        (D(2026, 3, 1), "year", 2, D(2028, 2, 29)),
        (D(2026, 3, 1), "once", 1, D(2026, 3, 1)),
        (D(2026, 3, 1), "month", None, None),
    ],
)
def test_an_entitlement_ends_on_the_last_day_of_its_last_period(start, period, periods, end):
    assert entitlement_end(start, period, periods) == end


def test_the_admin_bulk_approval_checks_four_eyes_for_each_item(world, graduate, console_as):
    world.bob.is_staff = world.bob.is_superuser = True  # a supervisor who is also a system administrator
    world.bob.save()
    own, theirs = recommended(world, graduate, by=world.bob), recommended(world, graduate)
    client = console_as(world.bob)
    response = client.post(
        "/admin/benefits/application/",
        {"action": "approve_selected", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"#{own.pk}" in page
    assert Application.objects.get(pk=own.pk).state == "recommended"  # his own: refused
    assert Application.objects.get(pk=theirs.pk).state == "approved"  # alice's: approved through the service
    assert client.get(f"/admin/benefits/application/{own.pk}/change/").status_code in (200, 403)
    assert client.post(f"/admin/benefits/application/{own.pk}/change/", {"state": "approved"}).status_code == 403
    assert Application.objects.get(pk=own.pk).state == "recommended"


def test_expiry_is_exact_on_the_boundary_day_and_catches_up(world, graduate):
    from benefits.applications.entitlements import entitlements_expire

    grant = monthly_grant(world, graduate, end=D(2026, 12, 31))
    assert entitlements_expire(today=D(2026, 12, 31)) == 0  # active on its last day
    grant.refresh_from_db()
    assert grant.status == "active"
    assert entitlements_expire(today=D(2027, 1, 7)) == 1  # the job did not run for a week: caught up
    grant.refresh_from_db()
    assert grant.status == "expired" and "2026-12-31" in grant.status_reason
    history = grant.history.count()
    assert entitlements_expire(today=D(2027, 1, 8)) == 0  # a second run has no second effect
    assert grant.history.count() == history


def test_the_expiry_task_is_registered_and_scheduled():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    assert "benefits.tasks.entitlements_expire" in app.tasks
    assert settings.CASEWORK_PERIODIC_TASKS["entitlements-expire"]["task"] == "benefits.tasks.entitlements_expire"


def test_an_entitlement_expires_the_day_after_its_last_day(world, graduate):
    from benefits.applications.entitlements import entitlements_expire

    grant = monthly_grant(world, graduate, end=D(2027, 2, 28))
    assert entitlements_expire(today=D(2027, 2, 28)) == 0
    assert entitlements_expire(today=D(2027, 3, 1)) == 1
    grant.refresh_from_db()
    assert grant.status == "expired"


def test_the_command_goes_through_the_same_checks(world, graduate):
    from django.core.management import CommandError, call_command

    own = recommended(world, graduate, by=world.bob)
    with pytest.raises(CommandError, match="须由另一位审核人员审批"):
        call_command("application", "approve", str(own.pk), "--as", "bob")
    assert Application.objects.get(pk=own.pk).state == "recommended"
    theirs = recommended(world, graduate)
    call_command("application", "approve", str(theirs.pk), "--as", "bob")
    approved = Application.objects.get(pk=theirs.pk)
    assert approved.state == "approved" and approved.history.first().history_user == world.bob
    with pytest.raises(CommandError, match="area"):
        call_command("application", "withdraw", str(theirs.pk), "--as", "carol")


def test_reminders_go_out_once_before_an_entitlement_ends_and_past_a_time_limit(world, graduate):
    from accounts.models import Notification
    from benefits.applications.entitlements import reminders_send

    grant = monthly_grant(world, graduate, end=D(2027, 1, 20))
    waiting = recommended(world, graduate, "dalian_graduate_flexible_si_subsidy")
    Application.objects.filter(pk=waiting.pk).update(
        submitted_at=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    )
    # 20 working days from Monday 2026-11-02 end on Monday 2026-11-30.
    assert reminders_send(today=D(2026, 11, 30))["overdue"] == 0
    assert reminders_send(today=D(2026, 12, 20))["ending"] == 0  # 31 days before the end: not yet
    result = reminders_send(today=D(2026, 12, 21))
    assert (result["ending"], result["overdue"]) == (1, 1)
    ending = Notification.objects.get(recipient=world.alice, key=f"ending:{grant.pk}", channel="in_app")
    assert "2027-01-20" in ending.subject
    overdue = Notification.objects.get(recipient=world.bob, key=f"overdue:{waiting.pk}:recommended")
    assert "2026-11-30" in overdue.subject
    count = Notification.objects.count()
    reminders_send(today=D(2026, 12, 22))  # the next night: nothing again
    assert Notification.objects.count() == count


def test_daqing_decides_within_two_working_days_holidays_excluded():
    from types import SimpleNamespace

    from benefits.applications.selectors import application_deadline, processing_limits

    limits = processing_limits(on=D(2026, 9, 30))
    assert limits["daqing"] == 2 and "dalian" not in limits
    submitted = datetime.datetime(2026, 9, 30, 3, tzinfo=datetime.UTC)  # 11:00 in 大庆
    daqing = SimpleNamespace(submitted_at=submitted, program=SimpleNamespace(city="daqing"))
    assert application_deadline(daqing, limits) == D(2026, 10, 9)  # over the National Day holiday


LEADER = "dalian_startup_leader_si_subsidy"
LEADER_FACTS = {
    "person": {"registers": [{"code": "startup_leaders", "since": "2025-01-01"}]},
    "organization": {
        "kind": "employer",
        "registered_on": "2025-01-01",
        "hires": [{"from": "2026-11-01", "registers": ["registered_urban_unemployed"]}],
    },
}


@pytest.fixture
def venture(world):
    """A start-up leader's venture in alice's community, with the yearly cap of 大连（六） set (100,000 CNY)."""
    from casework.services import organization_create

    return organization_create(
        actor=None, name="青创科技", kind="employer", unit=world.youhao, uscc="91110000600037341L"
    )


def leader_application(world, venture, start):
    application = application_create(
        actor=world.alice,
        program=Program.objects.get(code=LEADER),
        organization=venture,
        requested_start=start,
        facts=LEADER_FACTS,
    )
    application_submit(actor=world.alice, application=application)
    return application_recommend(actor=world.alice, application=application)


def test_an_enterprises_yearly_total_never_passes_the_cap(world, venture, settings):
    from benefits.models import YearlyCapUsage

    settings.CASEWORK_SECOND_APPROVAL_ABOVE_CNY = Decimal("1000000")  # one approver is enough here
    first = leader_application(world, venture, D(2026, 12, 1))
    application_approve(actor=world.bob, application=first, amount_cny=Decimal("5000"), on=TODAY)
    used = dict(YearlyCapUsage.objects.values_list("year", "used_cny"))
    assert used == {2026: 5000, 2027: 60000, 2028: 60000, 2029: 55000}  # 36 months from 2026-12-01
    second = leader_application(world, venture, D(2027, 1, 1))
    with pytest.raises(Conflict, match="2027"):  # 60,000 more in 2027 would make 120,000
        application_approve(actor=world.bob, application=second, amount_cny=Decimal("5000"), on=TODAY)
    assert Application.objects.get(pk=second.pk).state == "recommended"
    assert dict(YearlyCapUsage.objects.values_list("year", "used_cny")) == used  # nothing partial
    application_approve(actor=world.bob, application=second, amount_cny=Decimal("3000"), on=TODAY)
    assert YearlyCapUsage.objects.get(year=2027).used_cny == Decimal("96000")


def test_an_amount_the_rules_compute_cannot_be_replaced(world, graduate):
    with pytest.raises(ValidationError):
        application_approve(actor=world.bob, application=recommended(world, graduate), amount_cny=Decimal("9999"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL")
def test_two_approvals_at_the_same_moment_cannot_pass_an_enterprises_yearly_cap(
    world, venture, second_supervisor, settings
):
    from benefits.models import YearlyCapUsage

    settings.CASEWORK_SECOND_APPROVAL_ABOVE_CNY = Decimal("1000000")
    first, second = (leader_application(world, venture, D(2027, 1, 1)) for _ in range(2))
    barrier, outcomes = threading.Barrier(2), []

    def approve(application, supervisor):
        try:
            barrier.wait()
            application_approve(actor=supervisor, application=application, amount_cny=Decimal("5000"), on=TODAY)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(first, world.bob)),
        threading.Thread(target=approve, args=(second, second_supervisor)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert YearlyCapUsage.objects.get(year=2027).used_cny == Decimal("60000")


def test_a_persons_entitlements_are_suspended_when_they_die(world, graduate):
    from benefits.applications.entitlements import entitlements_suspend_deceased

    grant = monthly_grant(world, graduate, end=D(2027, 12, 31))
    entry = graduate.registry_entries.get()
    services.registry_entry_exit(actor=world.alice, entry=entry, exited_on=D(2026, 12, 5), reason="deceased")
    assert entitlements_suspend_deceased(today=D(2026, 12, 4)) == 0  # not yet on the day before
    assert entitlements_suspend_deceased(today=D(2026, 12, 5)) == 1
    grant.refresh_from_db()
    assert grant.status == "suspended"
    assert entitlements_suspend_deceased(today=D(2026, 12, 6)) == 0  # a second run: nothing more
