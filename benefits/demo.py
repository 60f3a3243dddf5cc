"""Demo data of the policy engine: demo values for the parameters the documents leave open, clearly marked as
demo, so the demo shows amounts; and in each city a few approved job-seeking subsidies and the month's payment
batch, so the finance officer has a batch to approve; and a portal applicant per city (``<city>.applicant``) whose
account has claimed the first of those people, so the portal shows a record, a grant and its payments; then the
report summaries are computed, so the reports show counts at once; and a policy scenario per city (the job-seeking
subsidy raised by half from next month), run once, so the scenario pages show a result; and a waiting change
request and a bank-account change waiting for confirmation per city, so the worklists show them. Called by
``bootstrap_demo`` only (never in production)."""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import DemoLogin
from accounts.models import ServiceUnit, User
from casework.models import ChangeRequest, Person
from casework.services import person_update
from casework.services_changes import change_request_submit
from core.dates import add_months
from core.errors import DomainError

from .applications.services import application_approve, application_create, application_recommend, application_submit
from .catalogue.services import demo_parameters_load
from .models import Application, Entitlement, Parameter, Program, Scenario
from .payments.services.generation import disbursements_generate
from .reports.services import report_summaries_refresh
from .scenarios.services import scenario_create, scenario_run, scenario_value_set

ENTITLEMENTS_PER_CITY = 3
DEMO_OVERRIDE = "演示数据：条件未逐项核实"


def _demo_account(person: Person) -> str:
    """A made-up 19-digit account number (demo only)."""
    return f"6222999{person.pk:012d}"


def _grants(city: ServiceUnit, today) -> int:
    """Up to three approved job-seeking subsidies in the demo caseworker's community (once: skipped when the city
    has any), decided by the demo supervisor; the people get made-up bank accounts."""
    program = Program.objects.filter(code=f"{city.city_code}_job_seeking_startup_subsidy").first()
    caseworker = User.objects.filter(username=f"{city.city_code}.caseworker").first()
    supervisor = User.objects.filter(username=f"{city.city_code}.supervisor").first()
    if not (program and caseworker and supervisor) or Application.objects.filter(program=program).exists():
        return 0
    people = list(Person.objects.visible_to(caseworker).order_by("pk")[:ENTITLEMENTS_PER_CITY])
    made = 0
    for person in people:
        try:
            with transaction.atomic():
                Person.objects.filter(pk=person.pk, bank_account="").update(bank_account=_demo_account(person))
                application = application_create(
                    actor=caseworker, program=program, person=person, requested_start=today
                )
                application_submit(actor=caseworker, application=application)
                application_recommend(actor=caseworker, application=application)
                application_approve(actor=supervisor, application=application, on=today, override_reason=DEMO_OVERRIDE)
                made += 1
        except (DomainError, ValidationError):  # e.g. the demo's open amount not set: skip this person
            continue
    return made


def _applicant(city: ServiceUnit) -> DemoLogin | None:
    """The city's demo portal account, linked to the person of the city's first demo grant (once)."""
    entitlement = (
        Entitlement.objects.filter(program__code=f"{city.city_code}_job_seeking_startup_subsidy", person__isnull=False)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if entitlement is None:
        return None
    user, created = User.objects.get_or_create(
        username=f"{city.city_code}.applicant",
        defaults={"kind": User.Kind.APPLICANT, "full_name": entitlement.person.name},
    )
    if created:
        user.set_password(settings.CASEWORK_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if not Person.objects.filter(account=user).exists():
        Person.objects.filter(pk=entitlement.person_id, account__isnull=True).update(account=user)
    return DemoLogin(username=user.username, role=_("Applicant (portal)"), unit=entitlement.person.name)


def _scenario(city: ServiceUnit, today) -> int:
    """The city's demo scenario, drafted by its administrator (once): the job-seeking subsidy raised by half from
    the first of next month, screened on that day; run here, in this process."""
    admin = User.objects.filter(username=f"{city.city_code}.admin").first()
    parameter = Parameter.objects.filter(code=f"{city.city_code}.job_seeking_startup_subsidy_cny").first()
    if admin is None or parameter is None or Scenario.objects.filter(city=city.city_code).exists():
        return 0
    current = parameter.values.filter(valid_from__lte=today).order_by("-valid_from").first()
    if current is None or current.value is None:
        return 0
    start = add_months(today.replace(day=1), 1)
    scenario = scenario_create(
        actor=admin,
        city=city.city_code,
        name=_("Job-seeking subsidy raised by half"),
        as_of=start,
        description=_("Demo: %(name)s from %(old)s to %(new)s CNY.")
        % {"name": parameter.name_zh, "old": current.value.normalize(), "new": (current.value * 3 / 2).normalize()},
    )
    raised = current.value * 3 / 2
    scenario_value_set(actor=admin, scenario=scenario, parameter=parameter, valid_from=start, value=raised)
    return scenario_run(actor=admin, scenario=scenario).people


def _changes(city: ServiceUnit, login: DemoLogin | None) -> int:
    """Change requests to show (once): the city's demo applicant asks to update their address (waiting for the
    caseworker), and the caseworker changes the account of a person without grants (waiting for a second staff
    member's confirmation; no payment is held by it)."""
    caseworker = User.objects.filter(username=f"{city.city_code}.caseworker").first()
    applicant = User.objects.filter(username=login.username).first() if login else None
    person = Person.objects.filter(account=applicant).first() if applicant else None
    if caseworker is None or person is None or ChangeRequest.objects.filter(person=person).exists():
        return 0
    made = 0
    with transaction.atomic():
        change_request_submit(
            actor=applicant,
            person=person,
            kind=ChangeRequest.Kind.ADDRESS,
            values={"address": _("No. 8, Renmin Road (moved within the community)")},
            statement=_("Demo: I moved house within the community."),
        )
        made += 1
        other = (
            Person.objects.visible_to(caseworker)
            .filter(entitlements__isnull=True, bank_account="", merged_into__isnull=True)
            .order_by("pk")
            .first()
        )
        if other is not None:
            person_update(actor=caseworker, person=other, bank_account=_demo_account(other))
            made += 1
    return made


def bootstrap(*, logins=()) -> dict:
    today = timezone.localdate()
    summary = {"demo_parameter_values": demo_parameters_load()}
    unmask = Permission.objects.get(content_type__app_label="casework", codename="unmask_personal_data")
    for user in User.objects.filter(username__endswith=".finance"):
        user.user_permissions.add(unmask)
    summary["demo_grants"] = {city.city_code: _grants(city, today) for city in ServiceUnit.objects.cities()}
    summary["payments"] = disbursements_generate(month=today)
    summary["report_figures"] = report_summaries_refresh(today=today).figures  # the reports show counts at once
    summary["scenarios"] = {city.city_code: _scenario(city, today) for city in ServiceUnit.objects.cities()}
    summary["change_requests"] = {}
    for city in ServiceUnit.objects.cities().order_by("city_code"):
        login = _applicant(city)
        if login is not None and isinstance(logins, list):
            logins.append(login)
        summary["change_requests"][city.city_code] = _changes(city, login)
    return summary
