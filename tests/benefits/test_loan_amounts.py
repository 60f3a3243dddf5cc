"""Loans report their ceiling as ``amount_cny`` in every city, whether a loan is given or not (docs/facts.md); with
a loan given, the yearly interest subsidy on it is in ``interest_subsidy_cny``, never in place of the ceiling."""

from decimal import Decimal

import pytest

from benefits.rules import offline
from benefits.rules.facts import Facts
from benefits.rules.registry import decide

from .test_engine import CITIES

LOAN_FAMILIES = ("startup_guarantee_loan_individual", "startup_guarantee_loan_sme", "union_startup_loan")
LOAN = {
    "kind": "startup_guarantee",
    "principal_cny": "100000",
    "annual_rate": "0.0435",
    "contract_date": "2026-03-01",
    "first_drawdown": "2026-03-10",
    "term_months": 36,
}


def loan_programs(city):
    return [program for program in offline.programs(city) if program.family in LOAN_FAMILIES]


def document(city, program, **extra):
    subject = "person" if program.beneficiary == "individual" else "organization"
    return {"city": city, "as_of": "2026-11-21", "subject": subject, subject: {}, **extra}


def test_every_city_has_a_loan_program():
    assert {city for city in CITIES if loan_programs(city)} == set(CITIES)


@pytest.mark.parametrize("city", CITIES)
def test_without_a_loan_the_amount_is_the_ceiling(city):
    params = offline.params(city, demo=True)
    for program in loan_programs(city):
        decision = decide(program, Facts(document(city, program)), params)
        assert decision.period is None, program.code
        assert decision.amount_cny is not None and decision.amount_cny >= Decimal("50000"), program.code
        assert decision.interest_subsidy_cny is None, program.code
        assert not any(path.startswith("loan.") for reason in decision.reasons for path in reason.missing)


@pytest.mark.parametrize("city", CITIES)
def test_with_a_loan_the_interest_subsidy_is_reported_beside_the_ceiling(city):
    params = offline.params(
        city,
        demo=True,
        overrides={"national.pboc_loan_benchmark_rate_1_to_5y": [["2015-10-24", "0.0475"]]},
    )
    for program in loan_programs(city):
        kind = "union_startup" if program.family == "union_startup_loan" else "startup_guarantee"
        without = decide(program, Facts(document(city, program)), params)
        given = decide(program, Facts(document(city, program, loan={**LOAN, "kind": kind})), params)
        assert given.amount_cny == without.amount_cny, program.code
        assert given.eligible == without.eligible, program.code
        if given.interest_subsidy_cny is not None:
            assert Decimal("0") < given.interest_subsidy_cny <= Decimal("4350"), program.code
        else:  # a share or a year count the documents leave open: the reasons name it
            assert any(reason.met is None and reason.missing for reason in given.reasons[-3:]), program.code


def test_a_loan_past_its_subsidised_years_keeps_its_ceiling_and_earns_no_subsidy():
    program = next(p for p in loan_programs("jinan") if p.family == "startup_guarantee_loan_individual")
    params = offline.params(
        "jinan", overrides={"national.pboc_loan_benchmark_rate_1_to_5y": [["2015-10-24", "0.0475"]]}
    )
    facts = Facts(document("jinan", program, as_of="2029-03-11", loan=LOAN))
    decision = decide(program, facts, params)
    assert decision.amount_cny == Decimal("100000")
    assert decision.interest_subsidy_cny == Decimal("0")
    assert {reason.condition: reason.met for reason in decision.reasons}["subsidy_years"] is False
