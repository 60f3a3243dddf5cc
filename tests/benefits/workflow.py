"""Steps of the application workflow that many tests take on the way to what they check."""

import datetime

from benefits.models import Entitlement, Program
from benefits.services import application_approve, application_create, application_recommend, application_submit

TODAY = datetime.date(2026, 11, 21)
JOB_SEEKING = "dalian_job_seeking_startup_subsidy"


def recommended(world, person, code=JOB_SEEKING, *, by=None):
    """``person``'s application for ``code``, created, submitted and recommended by ``by`` (alice)."""
    by = by or world.alice
    application = application_create(
        actor=by, program=Program.objects.get(code=code), person=person, requested_start=TODAY
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
