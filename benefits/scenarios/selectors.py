"""Reads of policy scenarios: who may see and change them, the parameters a scenario screens with, a run's
progress, the grants already committed (the forecast's floor) and the people behind a result's figures."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, ServiceUnit
from core.dates import month_index, month_of

from ..catalogue.selectors import params_for_city
from ..models import Entitlement, Scenario, ScenarioOutcome, ScenarioRun
from ..payments.services.generation import _DUE, _months_values
from ..rules.engine import Params
from .forecast import HORIZON, ZERO

DRAFTING_ROLES = (Role.ADMIN, Role.SUPERVISOR)


def _city_roles(user, city: str) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, unit__city_code=city, unit__is_active=True).values_list("role", flat=True)
    )


def can_read_scenarios(user, city: str) -> tuple[bool, str]:
    """Everyone on the staff of the city reads its scenarios."""
    if user.is_superuser or _city_roles(user, city):
        return True, ""
    return False, _("This scenario belongs to another city.")


def can_draft_scenarios(user, city: str) -> tuple[bool, str]:
    """Administrators and supervisors of the city draft and run scenarios; the rest of its staff reads them."""
    if user.is_superuser or _city_roles(user, city) & set(DRAFTING_ROLES):
        return True, ""
    return False, _("Only the city's administrators and supervisors draft and run scenarios.")


def can_adopt_scenarios(user, city: str) -> tuple[bool, str]:
    if user.is_superuser or Role.ADMIN in _city_roles(user, city):
        return True, ""
    return False, _("Only the city's administrators turn a scenario's values into real ones.")


def scenario_cities(*, user) -> list[str]:
    if user.is_superuser:
        return list(ServiceUnit.objects.cities().order_by("path").values_list("city_code", flat=True))
    codes = set(Membership.objects.filter(user=user, unit__is_active=True).values_list("unit__city_code", flat=True))
    return sorted(codes)


def scenario_list(*, user):
    return (
        Scenario.objects.filter(city__in=scenario_cities(user=user))
        .select_related("author")
        .prefetch_related("runs")
        .order_by("-changed_at")
    )


def scenario_get(*, user, pk) -> Scenario:
    """The scenario if the user works in its city (404 otherwise: another city's drafts are not confirmed to exist)."""
    return get_object_or_404(
        Scenario.objects.filter(city__in=scenario_cities(user=user)).select_related("author"), pk=pk
    )


def scenario_inputs(scenario: Scenario) -> dict:
    """What a run is made of, as plain data (stored with the run, compared to tell a stale result)."""
    return {
        "as_of": scenario.as_of.isoformat(),
        "values": [
            [code, valid_from.isoformat(), None if value is None else f"{value.normalize():f}"]
            for code, valid_from, value in scenario.values.order_by("parameter__code", "valid_from").values_list(
                "parameter__code", "valid_from", "value"
            )
        ],
        "off": sorted(scenario.switches.values_list("program__code", flat=True)),
        "readings": sorted(scenario.readings.values_list("code", flat=True)),
    }


def run_params(inputs: dict, city: str) -> tuple[Params, Params]:
    """The baseline's parameters and the scenario's: the real ones, then the scenario's values in place from each
    one's first date, and its readings taken."""
    baseline = params_for_city(city=city)
    values = defaultdict(list)
    for code, valid_from, value in inputs["values"]:
        values[code].append((datetime.date.fromisoformat(valid_from), None if value is None else Decimal(value)))
    return baseline, baseline.replaced(dict(values), frozenset(inputs["readings"]))


def latest_run(scenario: Scenario) -> ScenarioRun | None:
    return scenario.runs.order_by("-started_at").first()


def run_is_current(run: ScenarioRun, scenario: Scenario) -> bool:
    """Whether the run screened the scenario as it is now."""
    return run.inputs == scenario_inputs(scenario)


def run_progress(run: ScenarioRun) -> dict:
    """Chunks done of the total, people screened, and the time left at the pace so far."""
    done = run.chunks.count()
    screened = sum(run.chunks.values_list("screened", flat=True))
    state = "finished" if run.finished_at else "cancelled" if run.cancelled_at else "running"
    left = None
    if state == "running" and done:
        elapsed = (timezone.now() - run.started_at).total_seconds()
        left = round(elapsed / done * (run.chunks_total - done))
    percent = 100 if run.chunks_total == 0 else round(100 * done / run.chunks_total)
    return {
        "state": state,
        "done": done,
        "total": run.chunks_total,
        "percent": percent,
        "screened": screened,
        "people": run.people,
        "seconds_left": left,
    }


def districts_of(unit_ids) -> dict[int, int | None]:
    """Each unit's district (the unit itself for a district; None for the city)."""
    found = {}
    for pk, path in ServiceUnit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"):
        ids = [int(part) for part in path.strip("/").split("/")]
        found[pk] = ids[1] if len(ids) > 1 else None
    return found


# The active grants of the city with an amount (every kind: what the bureau has promised), each with the period of
# its latest line; their remaining periods are generation's due lines (payments/services/generation.py) over the
# months from the earliest start to the horizon's end, periods before the first month counted in it (arrears are
# paid in the next run).
_COMMITTED = f"""
    WITH months(idx, first_day, next_day, label) AS (VALUES {{values}}),
         grants AS (
            SELECT e.id, e.program_id, e.person_id, e.organization_id, e.unit_id, e.start, e."end", e.period,
                   e.max_periods, e.amount_per_period, e.pay_from,
                   (SELECT MAX(d.period) FROM benefits_disbursement d WHERE d.entitlement_id = e.id) AS paid_to
            FROM benefits_entitlement e JOIN accounts_serviceunit u ON u.id = e.unit_id
            WHERE e.status = 'active' AND e.amount_per_period > 0 AND e.start < %s AND u.city_code = %s
         ),
         due AS ({_DUE})
    SELECT due.program_id, due.unit_id,
           CASE WHEN due.period < %s THEN %s ELSE due.period END AS month, SUM(due.amount)
    FROM due GROUP BY 1, 2, 3
"""  # noqa: S608 (constants only)


def committed_spend(*, city: str, first_month: datetime.date) -> dict[tuple[int, int], list[Decimal]]:
    """(program id, unit id) → what the city's active grants still pay in each of the twelve months from
    ``first_month``: the sum of their remaining periods (arrears in the first month)."""
    first = month_of(month_index(first_month))
    end = month_of(month_index(first) + HORIZON)
    earliest = (
        Entitlement.objects.filter(status=Entitlement.Status.ACTIVE, amount_per_period__gt=0, unit__city_code=city)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    spend = defaultdict(lambda: [ZERO] * HORIZON)
    if earliest is None:
        return {}
    values, params = _months_values(min(earliest, first), month_of(month_index(end) - 1))
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(_COMMITTED.format(values=values), [*params, adapt(end), city, adapt(first), adapt(first)])
        for program_id, unit_id, month, amount in cursor.fetchall():
            if isinstance(month, str):
                month = datetime.date.fromisoformat(month[:10])
            index = month_index(month) - month_index(first)
            if 0 <= index < HORIZON:
                spend[(program_id, unit_id)][index] += Decimal(amount)
    return dict(spend)


def outcome_list(*, user, run: ScenarioRun, program: str = "", change: str = "", district=None, register: str = ""):
    """The people behind a figure of a run, in the user's service units (masked by the caller's serializer or
    template); without a user, the whole city's (the figure the result shows, to count)."""
    outcomes = ScenarioOutcome.objects.filter(run=run)
    if user is not None:
        outcomes = outcomes.filter(unit__in=ServiceUnit.objects.visible_to(user))
    if program:
        outcomes = outcomes.filter(program__code=program)
    if change == "base":  # eligible now (whatever the scenario does)
        outcomes = outcomes.filter(Q(change="same") | Q(change="amount") | Q(change="lost"))
    elif change == "scenario":  # eligible in the scenario
        outcomes = outcomes.filter(Q(change="same") | Q(change="amount") | Q(change="gained"))
    elif change:
        outcomes = outcomes.filter(change=change)
    if district:
        outcomes = outcomes.filter(district_id=district)
    if register:
        outcomes = outcomes.filter(registers__contains=f" {register} ")
    return outcomes.select_related("person", "program", "unit").order_by("program__code", "person_id")
