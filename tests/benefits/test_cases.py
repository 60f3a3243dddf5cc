"""Table-driven rule cases: tests/benefits/cases/<city>.yaml (and <city>.<topic>.yaml), each case a facts
document, a day, and the expected decision of one program. Pure: programs and parameters come from
fixtures/policy/ (no database).

Case format:
  - name: what the case shows
    program: dalian_job_seeking_startup_subsidy
    as_of: 2026-11-21
    facts: {person: {...}, household: {...}, grants: [...]}      # city comes from the file name
    parameters: {dalian.some_open_parameter: [[2017-01-01, "1620"]]}   # optional: values for this case
    expect:
      eligible: true                 # true / false / null
      amount_cny: "1000.00"          # string or null
      period: once
      max_periods: 1
      holds_while_on: [hard_to_employ]   # optional: the registers a periodic grant rests on
      reasons: {hardship_group: true}    # optional: condition → met
      missing: [person.education]        # optional: facts or parameters named as missing
"""

import datetime
from pathlib import Path

import pytest
import yaml

from benefits.rules import offline
from benefits.rules.facts import Facts, validate
from benefits.rules.registry import (
    RULES,
    ScreeningMemo,
    decide,
    decide_eligible,
    eligible_decision,
    load_families,
    screening,
)

CASES_DIR = Path(__file__).with_name("cases")


def load_cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        city = path.stem.split(".")[0]
        for index, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            yield pytest.param(city, case, id=f"{path.stem}/{index}:{case['name']}")


@pytest.mark.parametrize(("city", "case"), list(load_cases()))
def test_case(city, case):
    document = {"city": city, **case.get("facts", {})}
    validate(document)
    as_of = case["as_of"]
    facts = Facts(document, as_of=datetime.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
    program = next(p for p in offline.programs(city) if p.code == case["program"])
    params = offline.params(city, overrides=case.get("parameters"))
    decision = decide(program, facts, params).as_dict()
    # The nightly screening's shortcut gives the same decision when eligible, and none otherwise.
    screened = decide_eligible(program, facts, params)
    assert (None if screened is None else screened.as_dict()) == (decision if decision["eligible"] is True else None)
    expect = case["expect"]
    for key in ("eligible", "amount_cny", "period", "max_periods", "holds_while_on", "interest_subsidy_cny"):
        if key in expect:
            assert decision[key] == expect[key], (key, decision)
    met = {reason["condition"]: reason["met"] for reason in decision["reasons"]}
    for condition, value in (expect.get("reasons") or {}).items():
        assert met.get(condition, "absent") == value, (condition, decision["reasons"])
    missing = {name for reason in decision["reasons"] for name in reason["missing"]}
    assert set(expect.get("missing") or []) <= missing, decision["reasons"]


def test_every_program_with_a_rule_has_at_least_three_cases():
    counted = {}
    for param in load_cases():
        _city, case = param.values
        counted[case["program"]] = counted.get(case["program"], 0) + 1
    load_families()
    short = {code: counted.get(code, 0) for code in RULES if counted.get(code, 0) < 3}
    assert not short, f"programs with a rule but fewer than 3 cases: {short}"


def test_every_parameter_a_rule_names_exists():
    """Rules read parameters by code: a typo would only show at run time, so check every code in the modules."""
    import re

    codes = set()
    for path in (Path(__file__).parents[2] / "benefits" / "rules" / "families").glob("*.py"):
        codes |= set(re.findall(r'"((?:national|daqing|dalian|jinan|chaoyang|yiyang)\.[a-z0-9_]+)"', path.read_text()))
        codes |= {
            f"{city}.{suffix}"
            for suffix in re.findall(r'f"\{program\.city\}\.([a-z0-9_]+)"', path.read_text())
            for city in ("daqing", "dalian", "jinan", "chaoyang", "yiyang")
        }
    from benefits.rules.families.social_insurance import CITY_FLEXIBLE_SI

    codes |= {code for city_codes in CITY_FLEXIBLE_SI.values() for code in city_codes.values()}
    known = {spec["code"] for spec in offline.policy_file("parameters.yaml")}
    assert codes - known == set()


@pytest.mark.parametrize("city", ["daqing", "dalian", "jinan", "chaoyang", "yiyang"])
def test_the_screening_memo_gives_every_case_the_decision_it_gets_alone(city):
    """The nightly screening reuses a decision for whoever gives a rule the same answers (``ScreeningMemo``). Here
    every case's facts go through every program of the city, twice, in both orders, with one memo: each answer
    must equal the rule's answer for those facts alone. A rule reading something the facts do not record for the
    memo would show up as a case answered with another case's decision."""
    load_families()
    cases = [param.values[1] for param in load_cases() if param.values[0] == city]
    programs = [p for p in offline.programs(city) if p.code in RULES]
    shared = offline.params(city)
    runs = []
    for case in cases:
        as_of = case["as_of"]
        day = datetime.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        params = offline.params(city, overrides=case["parameters"]) if case.get("parameters") else shared
        runs.append(({"city": city, **case.get("facts", {})}, day, params))
    memo = ScreeningMemo()
    with screening():
        for document, day, params in [*runs, *reversed(runs)]:
            for program in programs:
                alone = eligible_decision(program, Facts(document, as_of=day), params)
                remembered = memo.eligible_decision(program, Facts(document, as_of=day), params)
                assert (remembered and remembered.as_dict()) == (alone and alone.as_dict()), (program.code, document)
