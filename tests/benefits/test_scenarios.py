"""Policy scenarios over a small population whose answer is known by hand: an amount raised changes the cost and
not who is eligible; a window widened adds exactly the people inside the new window; a program switched off
loses its cost; the committed spend is the remaining periods of the active grants; a run writes nothing outside
the scenario's own tables; adoption takes two administrators and the values the first one saw."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps

from accounts.models import Role
from accounts.services import membership_grant
from benefits.models import (
    Entitlement,
    Parameter,
    ParameterValue,
    Program,
    ScenarioOutcome,
)
from benefits.payments.services.generation import disbursements_generate
from benefits.rules.engine import Decision, ProgramInfo
from benefits.scenarios import services
from benefits.scenarios.forecast import months_cost
from benefits.scenarios.selectors import committed_spend, outcome_list
from benefits.screening.services import fact_answer_record
from casework import services as casework
from casework.models import Register
from core.errors import Conflict, PermissionDenied
from tests.factories import UserFactory, make_person

from .workflow import monthly_grant

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2026, 12, 1)
JOB_SEEKING = "dalian_job_seeking_startup_subsidy"
FLEXIBLE = "dalian_graduate_flexible_si_subsidy"


def draft(world):
    return services.scenario_create(actor=world.grace, city="dalian", name="测算", as_of=AS_OF)


FROM_JANUARY = D(2026, 1, 1)


def set_value(world, scenario, code, value, valid_from=FROM_JANUARY):
    services.scenario_value_set(
        actor=world.grace,
        scenario=scenario,
        parameter=Parameter.objects.get(code=code),
        valid_from=valid_from,
        value=None if value is None else Decimal(value),
    )


def run(world, scenario):
    return services.scenario_run(actor=world.grace, scenario=scenario)


def figures(run, program):
    return run.summary["programs"].get(program, {})


def money_list(values):
    return [Decimal(v) for v in values]


def test_raising_an_amount_changes_the_cost_not_who_is_eligible(world, graduate):
    scenario = draft(world)
    set_value(world, scenario, "dalian.job_seeking_startup_subsidy_cny", "1500")
    done = run(world, scenario)
    row = figures(done, JOB_SEEKING)
    assert (row["base_people"], row["scenario_people"], row["gained"], row["lost"], row["amount"]) == (1, 1, 0, 0, 1)
    assert money_list(row["base"]) == [Decimal(1000)] + [Decimal(0)] * 11
    assert money_list(row["scenario"]) == [Decimal(1500)] + [Decimal(0)] * 11
    outcome = ScenarioOutcome.objects.get(run=done, program__code=JOB_SEEKING)
    assert (outcome.person, outcome.base_amount, outcome.scenario_amount) == (graduate, 1000, 1500)
    assert outcome.change == "amount" and outcome.registers == " unemployed_graduates_after_leaving "


def flexible_graduate(world, people_unit, name, graduated, started):
    """A bachelor graduate of ``graduated`` in flexible work paying contributions from ``started``, on the register
    of flexible workers (新业态从业者 / 灵活就业人员) since then."""
    person = make_person(people_unit, name, education="bachelor", graduation_date=graduated)
    casework.employment_record_add(actor=world.bob, person=person, status="flexible", started_on=started)
    fact_answer_record(actor=world.bob, person=person, path="person.employment.paying_social_insurance", value=True)
    register = Register.objects.get(code="new_form_workers")
    casework.registry_entry_add(actor=world.bob, register=register, person=person, entered_on=started)
    return person


def test_widening_a_window_adds_exactly_the_people_inside_the_new_window(world):
    inside = flexible_graduate(world, world.youhao, "甲", D(2026, 1, 10), D(2026, 6, 1))  # 5 months after
    widened = flexible_graduate(world, world.youhao, "乙", D(2025, 3, 1), D(2026, 6, 1))  # 15 months
    edge = flexible_graduate(world, world.youhao, "丙", D(2024, 6, 1), D(2026, 6, 1))  # 2 years to the day: 以内
    flexible_graduate(world, world.tianjinjie, "丁", D(2024, 5, 31), D(2026, 6, 1))  # 2 years and a day
    scenario = draft(world)
    set_value(world, scenario, "dalian.graduate_flexible_si_window_years", "2")
    done = run(world, scenario)
    outcomes = ScenarioOutcome.objects.filter(run=done, program__code=FLEXIBLE)
    assert set(outcomes.filter(change="same").values_list("person", flat=True)) == {inside.pk}
    assert set(outcomes.filter(change="gained").values_list("person", flat=True)) == {widened.pk, edge.pk}
    assert not outcomes.exclude(change__in=["same", "gained"]).exists()
    row = figures(done, FLEXIBLE)
    assert (row["base_people"], row["scenario_people"], row["gained"]) == (1, 3, 2)


def test_switching_a_program_off_removes_its_cost(world, graduate):
    scenario = draft(world)
    services.scenario_switch_set(
        actor=world.grace, scenario=scenario, program=Program.objects.get(code=JOB_SEEKING), on=False
    )
    done = run(world, scenario)
    row = figures(done, JOB_SEEKING)
    assert (row["base_people"], row["scenario_people"], row["lost"]) == (1, 0, 1)
    assert sum(money_list(row["scenario"])) == 0 and sum(money_list(row["base"])) == 1000
    assert [o.person for o in outcome_list(user=world.grace, run=done, program=JOB_SEEKING, change="lost")] == [
        graduate
    ]


def test_the_committed_spend_is_the_remaining_periods_of_the_active_grants(world, graduate):
    grant = monthly_grant(world, graduate, end=D(2027, 2, 20))  # from 2026-11-21, 1,000 a month
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=3, amount_per_period=Decimal("1000"))
    spend = committed_spend(city="dalian", first_month=AS_OF)
    # November's period is owed (arrears: paid with December's run), December's and January's follow; the grant
    # has 3 periods, so none in February
    assert spend == {(grant.program_id, grant.unit_id): money_list(["2000", "1000"] + ["0"] * 10)}
    disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    assert committed_spend(city="dalian", first_month=AS_OF) == {}
    assert committed_spend(city="jinan", first_month=AS_OF) == {}
    done = run(world, draft(world))
    assert done.summary["committed"]["programs"] == {}


def test_the_committed_spend_appears_beside_the_screening(world, graduate):
    grant = monthly_grant(world, graduate, end=D(2027, 2, 20))
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=3, amount_per_period=Decimal("1000"))
    done = run(world, draft(world))
    code = grant.program.code
    assert money_list(done.summary["committed"]["programs"][code]) == money_list(["2000", "1000"] + ["0"] * 10)
    assert money_list(done.summary["committed"]["districts"][str(world.zhongshan.pk)])[:2] == money_list(
        ["2000", "1000"]
    )


def snapshot():
    """Every row of every table but the scenario's own."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table.startswith("benefits_scenario") or model._meta.db_table.startswith(
            "benefits_historicalscenario"
        ):
            continue
        rows[model._meta.db_table] = list(model.objects.order_by("pk").values_list())
    return rows


def test_running_a_scenario_changes_no_row_outside_its_own_tables(world, graduate):
    scenario = draft(world)
    set_value(world, scenario, "dalian.job_seeking_startup_subsidy_cny", "1500")
    before = snapshot()
    done = run(world, scenario)
    assert done.finished_at is not None and ScenarioOutcome.objects.filter(run=done).exists()
    assert snapshot() == before


def test_a_reading_taken_changes_who_is_eligible(world):
    """大连（十五）'s 处于失业状态的残疾人, read as "on the register of registered unemployed", leaves out a disabled
    person in flexible work who is not on it."""
    person = make_person(world.youhao, "残", is_disabled=True)
    casework.employment_record_add(actor=world.alice, person=person, status="flexible", started_on=D(2026, 6, 1))
    fact_answer_record(actor=world.alice, person=person, path="person.employment.paying_social_insurance", value=True)
    register = Register.objects.get(code="hard_to_employ")
    casework.registry_entry_add(actor=world.alice, register=register, person=person, entered_on=D(2026, 6, 1))
    scenario = draft(world)
    services.scenario_reading_set(
        actor=world.grace, scenario=scenario, code="dalian_disabled_registered_unemployed", taken=True
    )
    done = run(world, scenario)
    program = "dalian_hard_to_employ_flexible_si_subsidy_priority_groups"
    assert list(ScenarioOutcome.objects.filter(run=done, program__code=program).values_list("person", "change")) == [
        (person.pk, "lost")
    ]


def test_a_cancelled_run_keeps_no_result(world, graduate):
    scenario = draft(world)
    started, bounds = services.scenario_run_start(actor=world.grace, scenario=scenario, chunk_size=1)
    services.scenario_run_cancel(actor=world.grace, run=started)
    services.screen_chunk(run_id=started.pk, number=0, first=bounds[0][0], last=bounds[0][1])
    started.refresh_from_db()
    assert started.summary is None and not started.outcomes.exists()
    with pytest.raises(Conflict):
        services.scenario_run_cancel(actor=world.grace, run=started)


def test_only_the_citys_administrators_and_supervisors_draft(world):
    with pytest.raises(PermissionDenied):
        services.scenario_create(actor=world.alice, city="dalian", name="x", as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        services.scenario_create(actor=world.carol, city="dalian", name="x", as_of=AS_OF)
    assert services.scenario_create(actor=world.bob, city="dalian", name="x", as_of=AS_OF).author == world.bob


def test_adoption_takes_a_second_administrator_and_the_values_the_first_saw(world):
    scenario = draft(world)
    set_value(world, scenario, "dalian.job_seeking_startup_subsidy_cny", "1500", valid_from=D(2027, 1, 1))
    seen = services.adoption_fingerprint(scenario)
    with pytest.raises(PermissionDenied):  # a supervisor drafts, but does not adopt
        services.scenario_adoption_propose(actor=world.bob, scenario=scenario, fingerprint=seen)
    services.scenario_adoption_propose(actor=world.grace, scenario=scenario, fingerprint=seen)
    with pytest.raises(PermissionDenied):
        services.scenario_adoption_confirm(actor=world.grace, scenario=scenario, fingerprint=seen)
    second = UserFactory(username="hu", full_name="胡管理员")
    membership_grant(user=second, unit=world.dalian, role=Role.ADMIN)
    # a change after the proposal withdraws it: the second administrator cannot confirm other values
    set_value(world, scenario, "dalian.job_seeking_startup_subsidy_cny", "1600", valid_from=D(2027, 1, 1))
    with pytest.raises(Conflict):
        services.scenario_adoption_confirm(actor=second, scenario=scenario, fingerprint=seen)
    seen = services.adoption_fingerprint(scenario)
    services.scenario_adoption_propose(actor=world.grace, scenario=scenario, fingerprint=seen)
    added = services.scenario_adoption_confirm(actor=second, scenario=scenario, fingerprint=seen)
    value = ParameterValue.objects.get(
        parameter__code="dalian.job_seeking_startup_subsidy_cny", valid_from=D(2027, 1, 1)
    )
    assert added == [value] and value.value == 1600 and value.scenario == scenario and value.created_by == second
    assert value.history.count() == 2  # created, then linked to the scenario
    with pytest.raises(Conflict):
        set_value(world, scenario, "dalian.job_seeking_startup_subsidy_cny", "1700")


@pytest.mark.parametrize(
    ("amount", "period", "periods", "expected"),
    [
        ("1000", "once", None, ["1000"] + ["0"] * 11),
        ("500", "month", 3, ["500"] * 3 + ["0"] * 9),
        ("500", "month", None, ["500"] * 12),
        ("500", "month", 36, ["500"] * 12),
        ("900", "quarter", 2, ["900", "0", "0", "900"] + ["0"] * 8),
        ("900", "quarter", None, ["900", "0", "0"] * 4),
        ("6000", "year", 3, ["6000"] + ["0"] * 11),
        ("50", "day", 7, ["350"] + ["0"] * 11),
        (None, "month", 3, ["0"] * 12),
    ],
)
def test_the_twelve_months_of_a_decision(amount, period, periods, expected):
    program = ProgramInfo("x", "dalian", "f", "x", "monthly", "（一）")
    decision = Decision(program, True, None if amount is None else Decimal(amount), period, periods)
    assert months_cost(decision) == money_list(expected)
