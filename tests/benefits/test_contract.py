"""The decision contract holds for every program of every city (docs/facts.md "What comes back"), decided for a
generated set of facts documents: people in each employment status on various registers, with and without a
business, a lease and a loan; organizations of every kind, empty and filled. No rule raises; the fields are the
contract's; ``eligible`` agrees with the reasons; every reason cites its clause (the program's, or the national
document a rule follows, named in the clause text). Pure: programs and parameters from fixtures/policy/."""

import datetime
import itertools
from decimal import Decimal

import pytest

from benefits.rules import offline
from benefits.rules.facts import Facts, schema_node, validate
from benefits.rules.registry import RULES, decide, load_families

from .test_engine import CITIES

AS_OF = "2026-11-21"
PERIODS = {"once", "month", "quarter", "year", "day", None}
NATIONAL = ("号", "《")  # a clause that cites a national or provincial document names it: 人社部发〔2014〕76号, 《…》

REGISTERS = [
    [],
    [{"code": "unemployed_graduates_after_leaving", "since": "2025-08-01"}],
    [{"code": "hard_to_employ", "since": "2024-01-01"}],
    [
        {"code": "poverty_registered_labor", "since": "2023-05-01"},
        {"code": "rural_migrant_workers", "since": "2023-05-01"},
    ],
]
STATUSES = ["unemployed", "employed", "flexible", "self_employed"]


def people():
    yield {"subject": "person", "person": {}}
    base = {
        "birth_date": "1998-03-01",
        "sex": "F",
        "education": "bachelor",
        "graduation_date": "2025-07-01",
        "hukou_local": True,
        "is_disabled": False,
        "has_student_loan": True,
    }
    for status, registers, owns in itertools.product(STATUSES, REGISTERS, (False, True)):
        document = {
            "subject": "person",
            "person": {
                **base,
                "registers": registers,
                "employment": [{"status": status, "from": "2025-09-01", "paying_social_insurance": True}],
            },
            "household": {
                "registers": [{"code": "dibao_households", "since": "2020-01-01"}],
                "is_poverty_registered": False,
                "is_poor_disabled": False,
            },
        }
        if owns:
            document["business"] = {
                "kind": "individual_business",
                "registered_on": "2025-10-01",
                "first_time": True,
                "lease": {"from": "2025-10-01", "to": "2026-09-30", "monthly_rent_cny": "2000.00"},
            }
            document["loan"] = {
                "kind": "startup_guarantee",
                "principal_cny": "100000.00",
                "annual_rate": "0.0435",
                "contract_date": "2025-10-15",
                "first_drawdown": "2025-10-20",
                "term_months": 24,
            }
        else:
            document["none"] = ["business", "loan", "training"]
        yield document


def organizations():
    yield {"subject": "organization", "organization": {}}
    for kind in schema_node("organization.kind")["enum"]:
        yield {"subject": "organization", "organization": {"kind": kind, "registered_on": "2016-04-01"}}


def decisions(city):
    load_families()
    programs, params = offline.programs(city), offline.params(city, demo=True)
    for document in itertools.chain(people(), organizations()):
        document = {"city": city, "as_of": AS_OF, **document}
        validate(document)
        facts = Facts(document, as_of=datetime.date.fromisoformat(AS_OF))
        for program in programs:
            yield program, decide(program, facts, params).as_dict()


@pytest.mark.parametrize("city", CITIES)
def test_every_program_answers_in_the_contract(city):
    decided = 0
    for program, decision in decisions(city):
        decided += 1
        where = (program.code, [(r["condition"], r["met"]) for r in decision["reasons"]])
        assert decision["program"] == program.code and decision["name"]
        assert decision["eligible"] in (True, False, None)
        assert decision["period"] in PERIODS, where
        assert decision["amount_cny"] is None or Decimal(decision["amount_cny"]) >= 0, where
        assert decision["max_periods"] is None or decision["max_periods"] >= 1, where
        reasons = decision["reasons"]
        assert reasons, where
        mets = [reason["met"] for reason in reasons]
        if decision["eligible"] is False:
            assert False in mets, where  # a refusal names the condition not met
        if decision["eligible"] is None:
            assert None in mets, where  # "unknown" says which condition is open
        if decision["eligible"] is True:
            assert True in mets, where
        for reason in reasons:
            assert reason["label"] and reason["condition"], where
            clause = reason["clause"]
            assert clause, where
            assert program.clause.split("）")[0] in clause or any(mark in clause for mark in NATIONAL), (
                program.code,
                clause,
                program.clause,
            )
    assert decided > 100


def test_every_program_has_a_rule_of_its_own_or_says_who_decides():
    """Issue "Every program decided by a rule": the registry's default answer ("按规定：人工办理") is left only to
    the programs listed here, each with its reason in docs/policy-decisions.md."""
    load_families()
    default = sorted(p.code for city in CITIES for p in offline.programs(city) if p.code not in RULES)
    assert default == [], default
