"""Documented alternative readings: clauses the project decided one way (docs/policy-decisions.md) where the text
admits another reading a bureau may want to see the effect of. The rules read the decided one; a policy scenario
(``benefits.scenarios``) can take the alternative, which the rule asks for with ``params.reading(code)``. Outside a
scenario no reading is ever switched.

Each entry names the cities whose programs it changes, the clause, what the system reads and what the alternative
reads, and the section of docs/policy-decisions.md that records the decision."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reading:
    code: str
    cities: tuple[str, ...]
    clause: str
    title: str
    decided: str
    alternative: str
    programs: tuple[str, ...]
    decision: str  # the heading in docs/policy-decisions.md


READINGS = {
    reading.code: reading
    for reading in [
        Reading(
            code="retirement_boundary_day_counts",
            cities=("dalian",),
            clause="大连（十五）; 财社〔2017〕164号 第七条",
            title=_("“不足5年” to retirement: does the day exactly 5 years before count?"),
            decided=_(
                "Not counted: on that day 5 years are left, which is not “less than 5 years” "
                "(《民法典》第一千二百五十九条)."
            ),
            alternative=_("Counted: a person first approved on that very day is paid until retirement."),
            programs=(
                "dalian_hard_to_employ_employer_si_subsidy",
                "dalian_public_welfare_post_subsidy",
            ),
            decision="Counting words",
        ),
        Reading(
            code="dalian_disabled_registered_unemployed",
            cities=("dalian",),
            clause="大连（十五）",
            title=_("“处于失业状态的残疾人”: must a disabled person be registered unemployed?"),
            decided=_(
                "No: a disabled person who pays flexible-employment insurance is in the priority groups (the subsidy "
                "is for people in flexible work, whom the unemployment register does not hold)."
            ),
            alternative=_(
                "Yes: only a disabled person on the register of registered urban unemployed (城镇登记失业人员) is in "
                "the priority groups."
            ),
            programs=(
                "dalian_hard_to_employ_flexible_si_subsidy_priority_groups",
                "dalian_hard_to_employ_flexible_si_subsidy_others",
            ),
            decision="Social-insurance subsidies",
        ),
    ]
}


def readings_for_city(city: str) -> list[Reading]:
    return [reading for reading in READINGS.values() if city in reading.cities]
