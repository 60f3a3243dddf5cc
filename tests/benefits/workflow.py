"""Steps of the application workflow that many tests take on the way to what they check."""

import datetime
from decimal import Decimal

from benefits.applications.services import (
    application_approve,
    application_create,
    application_recommend,
    application_submit,
)
from benefits.loans.services import loan_record
from benefits.models import Entitlement, Parameter, ParameterValue, Program

D = datetime.date
TODAY = datetime.date(2026, 11, 21)
JOB_SEEKING = "dalian_job_seeking_startup_subsidy"
JINAN = "jinan_startup_guarantee_loan_individual"


def recommended(world, person, code=JOB_SEEKING, *, by=None):
    """``person``'s application for ``code``, created, submitted and recommended by ``by`` (alice)."""
    by = by or world.alice
    application = application_create(
        actor=by, program=Program.objects.get(code=code), person=person, requested_start=TODAY, on=TODAY
    )
    application_submit(actor=by, application=application)
    return application_recommend(actor=by, application=application)


def monthly_grant(world, graduate, *, end, holds_while_on=(), override_reason=""):
    """A periodic grant ending on ``end`` (an approved flexible-employment subsidy, amounts aside)."""
    application = recommended(world, graduate)
    application_approve(actor=world.bob, application=application, on=TODAY, override_reason=override_reason)
    Entitlement.objects.filter(application=application).update(
        once=False, period="month", end=end, holds_while_on=list(holds_while_on)
    )
    return Entitlement.objects.get(application=application)


def as_loan_grant(grant) -> Entitlement:
    """``grant`` turned into an approved 济南 individual guaranteed loan (ceiling 100,000 CNY)."""
    Entitlement.objects.filter(pk=grant.pk).update(
        program=Program.objects.get(code=JINAN), period="", amount_per_period=Decimal("100000"), end=None
    )
    return Entitlement.objects.get(pk=grant.pk)


def loan_benchmark():
    """The PBoC benchmark for 1–5 years, 4.75% since 2015-10-24 (an open parameter: not seeded)."""
    ParameterValue.objects.create(
        parameter=Parameter.objects.get(code="national.pboc_loan_benchmark_rate_1_to_5y"),
        valid_from=D(2015, 10, 24),
        value="0.0475",
    )


def record_loan(world, grant, **changes):
    """The bank's loan on a loan grant, recorded by alice: 100,000 CNY at 5% for 36 months from 2025-03-10."""
    terms = {
        "bank": "济南农商银行",
        "contract_number": "JN-2025-001",
        "principal_cny": Decimal("100000"),
        "annual_rate": Decimal("0.05"),
        "term_months": 36,
        "signed_on": D(2025, 3, 10),
        "first_drawdown": D(2025, 3, 15),
    }
    return loan_record(actor=world.alice, entitlement=grant, **{**terms, **changes})
