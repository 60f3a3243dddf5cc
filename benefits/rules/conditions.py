"""Conditions that rules combine. Each returns a ``Reason``: met True/False, or None naming the missing fact."""

from core.dates import add_months

from .counting import at_least, at_most
from .engine import Reason
from .facts import Facts
from .i18n import gettext as _
from .names import fact_label, program_name


def missing(condition: str, label: str, clause: str, *facts: str) -> Reason:
    return Reason(
        condition=condition,
        label=label,
        met=None,
        clause=clause,
        missing=tuple(facts),
        detail=_("Missing fact: %(facts)s") % {"facts": "、".join(fact_label(fact) for fact in facts)},
    )


def on_any_register(
    facts: Facts,
    codes: list[str],
    *,
    condition: str,
    label: str,
    clause: str,
    household_codes: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
) -> Reason:
    """Met when the person is on one of ``codes`` (or the household on one of ``household_codes``, or one of the
    ``flags`` paths is true); not met only when every one of them is known to be false; else unknown, naming
    what was not given (the registers, the household's registers, each flag)."""
    answers = {"person.registers": [facts.on_register(code) for code in codes]}
    answers["household.registers"] = [facts.household_on_register(code) for code in household_codes]
    answers |= {flag: [facts.get(flag)] for flag in flags}
    if any(answer is True for values in answers.values() for answer in values):
        return Reason(condition=condition, label=label, met=True, clause=clause)
    unknown = [path for path, values in answers.items() if any(answer is None for answer in values)]
    if unknown:
        return missing(condition, label, clause, *unknown)
    return Reason(condition=condition, label=label, met=False, clause=clause)


def is_college_graduate(facts: Facts, *, clause: str) -> Reason:
    """高校毕业生: a junior-college degree or higher (技师学院高级工班 counts where a city says so)."""
    label = _("A college graduate (junior college or higher)")
    education = facts.get("person.education")
    if education is None:
        return missing("college_graduate", label, clause, "person.education")
    return Reason(
        condition="college_graduate",
        label=label,
        clause=clause,
        met=education in ("junior_college", "bachelor", "master", "doctor"),
    )


def in_graduation_year(facts: Facts, *, clause: str) -> Reason:
    """毕业年度: the as-of day falls in the calendar year of graduation (docs/policy-decisions.md)."""
    label = _("In the year of graduation (毕业年度)")
    graduated = facts.date("person.graduation_date")
    if graduated is None:
        return missing("graduation_year", label, clause, "person.graduation_date")
    return Reason(
        condition="graduation_year",
        label=label,
        clause=clause,
        met=graduated.year == facts.as_of.year,
        detail=_("Graduated on %(date)s") % {"date": graduated.isoformat()},
    )


def within_years_after(facts: Facts, path: str, years: int, *, condition: str, label: str, clause: str) -> Reason:
    """N年内 / N年以内 after the day at ``path`` (毕业5年内: the years since it are at most N): met from that day
    through its ``years``-th anniversary, the anniversary included (以内 includes the number, counting.at_most: on
    it exactly N years have passed). A 29 February has its anniversary on 28 February in a common year, the last
    day of the month, as retirement.py counts."""
    start = facts.date(path)
    if start is None:
        return missing(condition, label, clause, path)
    end = add_months(start, 12 * years)
    return Reason(
        condition=condition,
        label=label,
        clause=clause,
        met=at_least(facts.as_of, start) and at_most(facts.as_of, end),
        detail=_("From %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()},
    )


def not_received_before(facts: Facts, *, family: str, clause: str) -> Reason:
    """One-time (一次性) grants: nobody gets a program of the family twice."""
    label = _("Has not received this one-time subsidy before")
    earlier = facts.received(family=family)
    return Reason(
        condition="not_received_before",
        label=label,
        clause=clause,
        met=not earlier,
        detail="、".join(program_name(grant["program"]) for grant in earlier),
    )
