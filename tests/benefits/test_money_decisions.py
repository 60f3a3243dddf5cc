"""Money decisions one insider cannot bend: the second-approval threshold weighs a grant's total exposure (every
period until its end, back-pay included, a documented horizon for a grant without an end); the second supervisor
confirms exactly the terms the first approved, and other terms start the two steps again; a requested start is
plausible; generation holds a run of back periods for finance instead of paying it silently; a batch far above the
usual month's size is approved only with an explicit acknowledgement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership, Notification, Role
from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_submit,
    entitlement_exposure,
    requested_start_bounds,
)
from benefits.models import (
    Application,
    Disbursement,
    DisbursementBatch,
    Entitlement,
    Parameter,
    ParameterValue,
    PaymentException,
    Program,
)
from benefits.payments.services.batches import batch_approve
from benefits.payments.services.generation import disbursements_generate
from benefits.payments.services.results import exception_resolve
from core.errors import Conflict, PermissionDenied
from tests.benefits.workflow import TODAY
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
D = datetime.date
M = Decimal
# Programs whose rule leaves the amount per period to the approver: monthly for 24 months, and monthly without end.
CAPPED = "dalian_graduate_flexible_si_subsidy"
OPEN_ENDED = "dalian_ui_benefit_price_linkage"
OVERRIDE = "核实材料后按规定办理"


@pytest.fixture
def hui(world):
    """何慧, a second supervisor of 中山区 beside bob."""
    user = UserFactory(username="hui", full_name="何慧")
    Membership.objects.create(user=user, unit=Membership.objects.get(user=world.bob).unit, role=Role.SUPERVISOR)
    return user


def application_for(world, person, code, start=TODAY) -> Application:
    application = application_create(
        actor=world.alice, program=Program.objects.get(code=code), person=person, requested_start=start, on=TODAY
    )
    application_submit(actor=world.alice, application=application)
    return application_recommend(actor=world.alice, application=application)


def approve(user, application, amount=None, reason=OVERRIDE) -> Application:
    application_approve(
        actor=user, application=application, amount_cny=amount and M(amount), override_reason=reason, on=TODAY
    )
    return Application.objects.get(pk=application.pk)


# --- exposure ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "period", "max_periods", "start", "on", "periods"),
    [
        ("5000", "once", 1, D(2026, 11, 21), D(2026, 11, 21), 1),
        ("1000", "month", 24, D(2026, 11, 21), D(2026, 11, 21), 24),
        ("1000", "month", 24, D(2025, 12, 1), D(2026, 11, 21), 24),  # back periods are among the 24
        ("1000", "month", None, D(2026, 11, 21), D(2026, 11, 21), 36),  # no end: the horizon
        ("1000", "month", None, D(2025, 12, 1), D(2026, 11, 21), 48),  # 12 back periods and the horizon
        ("1000", "month", None, D(2027, 1, 1), D(2026, 11, 21), 36),  # a start ahead: the horizon from it
        ("1000", "quarter", None, D(2026, 1, 1), D(2026, 1, 1), 12),
        ("1000", "year", None, D(2026, 1, 1), D(2026, 1, 1), 3),
        ("100", "day", 30, D(2026, 1, 1), D(2026, 1, 1), 30),
        ("100", "day", None, D(2026, 1, 1), D(2026, 1, 1), 1096),  # 2026-01-01 to 2029-01-01, not included
    ],
)
def test_the_exposure_counts_every_period_back_pay_and_the_horizon(amount, period, max_periods, start, on, periods):
    exposure = entitlement_exposure(
        amount=M(amount), period=period, max_periods=max_periods, start=start, on=on, horizon_months=36
    )
    assert exposure == (periods, M(amount) * periods)


def test_a_grant_without_an_amount_exposes_nothing():
    assert entitlement_exposure(
        amount=None, period="month", max_periods=None, start=TODAY, on=TODAY, horizon_months=36
    ) == (
        0,
        M(0),
    )


def test_an_open_ended_monthly_grant_needs_two_supervisors(world, graduate, hui):
    """One supervisor approved 19,999.99 CNY a month without end: it counted as one month."""
    application = approve(world.bob, application_for(world, graduate, OPEN_ENDED), "19999.99")
    assert (application.state, application.first_approved_by) == ("recommended", world.bob)
    assert application.first_approval["periods"] == 36
    assert application.first_approval["exposure_cny"] == "719999.64"
    assert not Entitlement.objects.exists()
    application = approve(hui, application, reason="")  # confirms the figure and the reason bob approved
    grant = application.entitlement
    assert (application.state, application.decided_by, application.override_reason) == ("approved", hui, OVERRIDE)
    assert (grant.amount_per_period, grant.period, grant.end) == (M("19999.99"), "month", None)


@pytest.mark.parametrize(("amount", "state"), [("800", "approved"), ("1000", "recommended")])
def test_a_capped_grant_counts_all_its_periods(world, graduate, amount, state):
    """800 × 24 = 19,200 CNY: one supervisor; 1,000 × 24 = 24,000 CNY: two."""
    application = approve(world.bob, application_for(world, graduate, CAPPED), amount)
    assert application.state == state


@pytest.mark.parametrize(("start", "state"), [(TODAY, "approved"), (D(2025, 12, 1), "recommended")])
def test_back_pay_counts_in_the_exposure(world, graduate, start, state):
    """450 CNY a month without end: 36 months ahead is 16,200 CNY; with 12 back periods, 21,600 CNY."""
    application = approve(world.bob, application_for(world, graduate, OPEN_ENDED, start), "450")
    assert application.state == state


# --- the second approver confirms what the first saw ---------------------------------------------------------------


def test_the_second_approver_cannot_put_another_figure_on_the_grant(world, graduate, hui):
    application = approve(world.bob, application_for(world, graduate, CAPPED), "30000.00")
    application = approve(hui, application, "9999999.99")
    # hui's figure is a new first approval, not a grant: the figure only one supervisor saw is on nothing
    assert (application.state, application.first_approved_by) == ("recommended", hui)
    assert application.first_approval["amount_cny"] == "9999999.99"
    assert not Entitlement.objects.exists()
    steps = list(application.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert steps[-2:] == ["first approval", "first approval replaced: other terms"]
    with pytest.raises(PermissionDenied):  # nor can she confirm her own figure
        approve(hui, application)
    application = approve(world.bob, application)  # bob confirms hui's figure: both saw 9,999,999.99
    assert (application.state, application.entitlement.amount_per_period) == ("approved", M("9999999.99"))


def test_another_override_reason_starts_the_two_steps_again(world, graduate, hui):
    application = approve(world.bob, application_for(world, graduate, CAPPED), "30000.00")
    application = approve(hui, application, reason="另一理由")
    assert (application.state, application.first_approved_by) == ("recommended", hui)
    assert application.first_approval["override_reason"] == "另一理由"


def test_returning_the_case_clears_the_first_approval(world, graduate, hui):
    from benefits.applications.services import application_return

    application = approve(world.bob, application_for(world, graduate, CAPPED), "30000.00")
    application_return(actor=world.alice, application=application, note="补充缴费凭证")
    application = Application.objects.get(pk=application.pk)
    assert (application.first_approved_by, application.first_approval) == (None, None)


def test_the_api_shows_the_terms_and_a_different_figure_restarts(world, graduate, hui, api_as):
    application = approve(world.bob, application_for(world, graduate, CAPPED), "30000.00")
    url = f"/api/v1/applications/{application.pk}/approve/"
    response = api_as(hui).post(url, {"amount_cny": "9999999.99", "override_reason": OVERRIDE}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["first_approved_by"]["id"]) == ("recommended", hui.pk)
    assert (body["first_approval"]["amount_cny"], body["first_approval"]["exposure_cny"]) == (
        "9999999.99",
        "239999999.76",
    )
    assert body["entitlement"] is None


def test_the_second_supervisor_sees_the_first_approvals_terms_in_chinese(world, graduate, hui, console_as):
    application = approve(world.bob, application_for(world, graduate, CAPPED), "30000.00")
    page = console_as(hui).get(f"/console/applications/{application.pk}/").content.decode()
    assert "首次审批的条件" in page
    assert "720000.00 元" in page and "30000.00 元" in page and OVERRIDE in page


# --- plausible starts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [D(1900, 1, 1), D(1, 1, 1), D(2025, 10, 31), D(2027, 11, 22), D(9999, 12, 31)])
def test_an_implausible_requested_start_is_refused_and_nothing_is_stored(world, graduate, start):
    with pytest.raises(ValidationError) as error:
        application_create(
            actor=world.alice,
            program=Program.objects.get(code=CAPPED),
            person=graduate,
            requested_start=start,
            on=TODAY,
        )
    assert "requested_start" in error.value.message_dict
    assert not Application.objects.exists()


def test_the_furthest_start_is_the_policys_date_and_a_dated_parameter(world, graduate):
    program = Program.objects.get(code=CAPPED)
    assert requested_start_bounds(program, TODAY) == (D(2025, 11, 1), D(2027, 11, 21))  # 12 months back, 12 ahead
    ParameterValue.objects.create(  # a bureau allows ten years back from 2026-11-01
        parameter=Parameter.objects.get(code="national.application_max_back_months"),
        valid_from=D(2026, 11, 1),
        value=120,
    )
    assert requested_start_bounds(program, TODAY)[0] == D(2017, 9, 20)  # but never before 大连's document
    assert requested_start_bounds(program, D(2026, 10, 31))[0] == D(2025, 10, 1)  # the value of that day


def test_the_api_refuses_a_start_in_1900_by_its_field(world, graduate, api_as):
    body = {"program": CAPPED, "person": graduate.pk, "requested_start": "1900-01-01"}
    response = api_as(world.alice).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400 and "requested_start" in response.json()["fields"]
    assert not Application.objects.exists()


# --- back pay held for finance -------------------------------------------------------------------------------------


@pytest.fixture
def old_grant(world, graduate):
    """A grant of 500 CNY a month without end from 2020-01-01 (records from before the limits), and a normal one."""
    application = approve(world.bob, application_for(world, graduate, OPEN_ENDED), "500")
    Entitlement.objects.filter(application=application).update(start=D(2020, 1, 1))
    return Entitlement.objects.get(application=application)


@pytest.fixture
def fresh_grant(world):
    qian = make_person(world.youhao, "钱七", phone="13600003333")
    application = approve(world.bob, application_for(world, qian, CAPPED), "800")
    return application.entitlement


def test_a_run_of_back_periods_is_held_for_finance_not_paid(world, old_grant, fresh_grant, finance):
    summary = disbursements_generate(month=D(2026, 11, 1))
    assert summary["back_pay_held"] == 1
    assert not Disbursement.objects.filter(entitlement=old_grant).exists()  # nothing paid silently
    assert Disbursement.objects.filter(entitlement=fresh_grant).count() == 1  # the others as usual
    held = PaymentException.objects.get(kind="back_pay")
    assert (held.entitlement, held.month) == (old_grant, D(2026, 11, 1))
    assert held.content == {"periods": 82, "total_cny": "41000.00", "from": "2020-01", "to": "2026-10"}
    assert Notification.objects.filter(recipient=finance, key=f"back-pay:{old_grant.pk}:202611").exists()
    again = disbursements_generate(month=D(2026, 12, 1))  # held until settled: no second exception, no line
    assert again["back_pay_held"] == 0 and PaymentException.objects.count() == 1
    assert not Disbursement.objects.filter(entitlement=old_grant).exists()


def test_finance_releases_held_back_pay_and_the_next_run_pays_it(world, old_grant, finance):
    disbursements_generate(month=D(2026, 11, 1))
    held = PaymentException.objects.get()
    with pytest.raises(ValidationError):  # the decision is needed
        exception_resolve(actor=finance, exception=held, resolution="已核对")
    with pytest.raises(PermissionDenied):
        exception_resolve(actor=world.bob, exception=held, resolution="已核对", back_pay="release")
    exception_resolve(actor=finance, exception=held, resolution="已核对原始记录", back_pay="release")
    disbursements_generate(month=D(2026, 11, 1))
    assert Disbursement.objects.filter(entitlement=old_grant).count() == 83  # 2020-01 to 2026-11


def test_finance_skips_held_back_pay_and_the_grant_is_paid_from_that_month(world, old_grant, finance):
    disbursements_generate(month=D(2026, 11, 1))
    exception_resolve(actor=finance, exception=PaymentException.objects.get(), resolution="追溯期已过", back_pay="skip")
    disbursements_generate(month=D(2026, 12, 1))
    periods = list(Disbursement.objects.filter(entitlement=old_grant).values_list("period", flat=True))
    assert sorted(periods) == [D(2026, 11, 1), D(2026, 12, 1)]


def test_finance_sees_held_back_pay_in_the_api_and_the_console(world, old_grant, finance, api_as, console_as):
    disbursements_generate(month=D(2026, 11, 1))
    rows = api_as(finance).get("/api/v1/payment-exceptions/?kind=back_pay").json()["results"]
    assert [(row["kind"], row["entitlement"], row["program"]) for row in rows] == [
        ("back_pay", old_grant.pk, OPEN_ENDED)
    ]
    page = console_as(finance).get("/console/payments/exceptions/").content.decode()
    assert "补发" in page and "41000.00 元" in page


# --- unusual batches -----------------------------------------------------------------------------------------------


def usual_months(grant, months):
    """Batches of the grant's unit and program for ``months``, one line of 800 CNY each (as earlier runs made)."""
    for month in months:
        disbursements_generate(month=month)
    return DisbursementBatch.objects.filter(program=grant.program).order_by("month")


def test_a_batch_far_above_the_usual_month_needs_an_acknowledgement(world, fresh_grant, finance):
    usual_months(fresh_grant, [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)])
    ordinary = DisbursementBatch.objects.get(month=D(2027, 1, 1))
    batch_approve(actor=finance, batch=ordinary)  # one line as usual: no acknowledgement asked
    assert DisbursementBatch.objects.get(pk=ordinary.pk).unusual_acknowledged is False
    Entitlement.objects.filter(pk=fresh_grant.pk).update(amount_per_period=M("8000"))
    disbursements_generate(month=D(2027, 2, 1))
    big = DisbursementBatch.objects.get(month=D(2027, 2, 1))
    with pytest.raises(Conflict) as refused:
        batch_approve(actor=finance, batch=big)
    assert refused.value.code == "unusual_size" and "800.00" in str(refused.value.message)
    assert DisbursementBatch.objects.get(pk=big.pk).status == "draft"
    batch_approve(actor=finance, batch=big, acknowledge_unusual=True)
    big.refresh_from_db()
    assert (big.status, big.unusual_acknowledged) == ("approved", True)
    assert big.size_check == {
        "count": 1,
        "sum_cny": "8000.00",
        "factor": "3",
        "usual_count": "1.0",
        "usual_sum_cny": "800.00",
        "unusual": True,
    }
    reasons = big.history.values_list("history_change_reason", flat=True)
    assert "approved (unusual size acknowledged)" in reasons


def test_a_first_batch_above_the_first_batch_limit_needs_an_acknowledgement(world, fresh_grant, finance, api_as):
    Entitlement.objects.filter(pk=fresh_grant.pk).update(amount_per_period=M("150000"))
    disbursements_generate(month=D(2026, 11, 1))
    batch = DisbursementBatch.objects.get()
    url = f"/api/v1/payment-batches/{batch.pk}/approve/"
    refused = api_as(finance).post(url, {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "unusual_size"
    assert "acknowledge_unusual" in refused.json()["fields"]
    approved = api_as(finance).post(url, {"acknowledge_unusual": True}, format="json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["unusual_acknowledged"]) == ("approved", True)


def test_the_batch_page_asks_for_the_acknowledgement_in_chinese(world, fresh_grant, finance, console_as):
    Entitlement.objects.filter(pk=fresh_grant.pk).update(amount_per_period=M("150000"))
    disbursements_generate(month=D(2026, 11, 1))
    batch = DisbursementBatch.objects.get()
    client = console_as(finance)
    page = client.post(f"/console/payments/{batch.pk}/", {"action": "approve"}).content.decode()
    assert "acknowledge_unusual" in page and "150000.00" in page
    assert DisbursementBatch.objects.get(pk=batch.pk).status == "draft"
    client.post(f"/console/payments/{batch.pk}/", {"action": "approve", "acknowledge_unusual": "on"})
    assert DisbursementBatch.objects.get(pk=batch.pk).status == "approved"
