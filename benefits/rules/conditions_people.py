"""Conditions and amount helpers shared by the social-insurance, public-welfare-post, training, internship,
transport and unemployment-insurance rules. Like ``conditions.py``, each condition returns a ``Reason``."""

import datetime
from decimal import Decimal

from core.dates import add_months

from .conditions import missing
from .counting import at_least, at_most, less_than
from .engine import Decision, Params, ProgramInfo, Reason, money, parameter_amount
from .facts import Facts, fact_date
from .i18n import gettext as _
from .names import employment_status_label
from .retirement import (
    RetirementCategory,
    less_than_years_to_retirement,
    retirement_date,
    within_years_of_retirement,
)

# --- dates --------------------------------------------------------------------------------------------------


def months_from_to(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from the month of ``start`` up to, not including, the month of ``end`` (0 if none)."""
    return max(0, (end.year * 12 + end.month) - (start.year * 12 + start.month))


def years_value(params: Params, code: str, on: datetime.date) -> int | None:
    value = params.value(code, on)
    return None if value is None else int(value)


# --- plain facts ----------------------------------------------------------------------------------------------


def flag(facts: Facts, path: str, *, condition: str, label: str, clause: str, expected=True) -> Reason:
    """Met when the fact at ``path`` equals ``expected``; unknown when it was not given."""
    value = facts.get(path)
    if value is None:
        return missing(condition, label, clause, path)
    return Reason(condition=condition, label=label, met=value == expected, clause=clause)


def on_register_on(
    facts: Facts,
    codes: list[str],
    day: datetime.date | None,
    *,
    condition: str,
    label: str,
    clause: str,
    day_path: str = "",
) -> Reason:
    """Met when the person is on one of ``codes`` on ``day`` (the hiring date, the course start …)."""
    if day is None:
        return missing(condition, label, clause, day_path or "person.employment")
    answers = [facts.on_register(code, day) for code in codes]
    if any(answer is True for answer in answers):
        return Reason(
            condition=condition,
            label=label,
            met=True,
            clause=clause,
            detail=_("On %(date)s") % {"date": day.isoformat()},
        )
    if all(answer is None for answer in answers):
        return missing(condition, label, clause, "person.registers")
    return Reason(
        condition=condition, label=label, met=False, clause=clause, detail=_("On %(date)s") % {"date": day.isoformat()}
    )


def current_spell(facts: Facts, statuses: tuple[str, ...]) -> dict | None:
    """The employment spell (raw row) of one of ``statuses`` covering the as-of day, the latest one first."""
    rows = facts.get("person.employment") or []
    found = None
    for row in rows:
        spell_start, spell_end = fact_date(row.get("from")), fact_date(row.get("to"))
        if (
            row["status"] in statuses
            and (spell_start is None or spell_start <= facts.as_of)
            and (spell_end is None or facts.as_of <= spell_end)
        ):
            found = row
    return found


def employed_as(
    facts: Facts, statuses: tuple[str, ...], *, condition: str, label: str, clause: str, paying: bool = False
) -> tuple[Reason, dict | None]:
    """Met when an employment spell of ``statuses`` covers the as-of day (and, with ``paying``, the person's
    social insurance is being paid on it). Returns the spell too, for its start date."""
    if facts.employment is None:
        return missing(condition, label, clause, "person.employment"), None
    spell = current_spell(facts, statuses)
    if spell is None:
        return Reason(
            condition=condition,
            label=label,
            met=False,
            clause=clause,
            detail=_("Status on the day: %(status)s") % {"status": employment_status_label(facts.employment_status())},
        ), None
    if paying:
        if spell.get("paying_social_insurance") is None:
            return missing(condition, label, clause, "person.employment.paying_social_insurance"), spell
        if not spell["paying_social_insurance"]:
            return Reason(
                condition=condition,
                label=label,
                met=False,
                clause=clause,
                detail=_("No social-insurance contributions paid"),
            ), spell
    return Reason(
        condition=condition,
        label=label,
        met=True,
        clause=clause,
        detail=_("Since %(date)s") % {"date": spell.get("from") or "?"},
    ), spell


def no_overlapping_grant(
    facts: Facts, programs: tuple[str, ...], *, clause: str, condition: str = "no_conflicting_grant"
) -> Reason:
    """The decided conflicts "one subsidy per person and month": not met when a grant of one of ``programs``
    covers the as-of day; the grant approved first keeps the month."""
    label = _("No other subsidy of the same contributions for this month")
    clashing = []
    for grant in facts.grants:
        if grant.get("program") not in programs:
            continue
        start, end = fact_date(grant.get("from")), fact_date(grant.get("to"))
        if (start is None or start <= facts.as_of) and (end is None or facts.as_of <= end):
            clashing.append(grant["program"])
    return Reason(condition=condition, label=label, met=not clashing, clause=clause, detail=", ".join(clashing))


def not_granted_in_year(facts: Facts, program: str, *, clause: str) -> Reason:
    """Once per person and calendar year (一年一次)."""
    label = _("Not yet granted in this calendar year")
    earlier = [
        g
        for g in facts.received(program=program)
        if (fact_date(g.get("from")) or datetime.date.min).year == facts.as_of.year
    ]
    return Reason(
        condition="once_this_year",
        label=label,
        met=not earlier,
        clause=clause,
        detail=", ".join(g.get("from", "") for g in earlier),
    )


def first_grant_date(facts: Facts, programs: tuple[str, ...]) -> datetime.date | None:
    """The start of the earliest grant of ``programs`` (the first approval), or None."""
    starts = [fact_date(g.get("from")) for g in facts.grants if g.get("program") in programs]
    starts = [day for day in starts if day is not None]
    return min(starts) if starts else None


def last_day_of_period(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of ``months`` months that begins on ``start`` (that day counted as its first): the
    day before the same day ``months`` later (2026-07-01 + 24 months: 2028-06-30)."""
    return add_months(start, months) - datetime.timedelta(days=1)


def in_period(start: datetime.date, months: int, on: datetime.date) -> bool:
    """最长不超过 / 不超过 / 最长 N months, or a period of N months (给予1年的补贴), counted from ``start``: ``on`` is
    from ``start`` through the period's last day, that day included (counting.at_most: a period of exactly N
    months is allowed; on the anniversary it would be longer, 超过)."""
    return at_least(on, start) and at_most(on, last_day_of_period(start, months))


def window_since(
    start: datetime.date, months: int, on: datetime.date, *, condition: str, label: str, clause: str
) -> Reason:
    """A subsidy period of at most ``months`` months from ``start`` (最长不超过 / 不超过, the number included):
    met from ``start`` through the day before ``start`` + ``months`` (``in_period``). Not for "within N years of
    an event" (以内): that is ``within_months_after``."""
    return Reason(
        condition=condition,
        label=label,
        met=in_period(start, months, on),
        clause=clause,
        detail=_("From %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": last_day_of_period(start, months).isoformat()},
    )


def within_months_after(
    event: datetime.date, months: int, on: datetime.date, *, condition: str, label: str, clause: str
) -> Reason:
    """N年内 / N年以内 / N个月内 after an event (离校1年内: the time since the event is at most N): met from the day
    of the event through the same day ``months`` later, that day included (以内 includes the number,
    counting.at_most: on it exactly N have passed); a day the month lacks is the month's last day (2024-02-29 + 12
    months: 2025-02-28), as retirement.py counts."""
    end = add_months(event, months)
    return Reason(
        condition=condition,
        label=label,
        met=at_least(on, event) and at_most(on, end),
        clause=clause,
        detail=_("From %(start)s to %(end)s") % {"start": event.isoformat(), "end": end.isoformat()},
    )


# --- retirement ---------------------------------------------------------------------------------------------------


def retirement_categories(facts: Facts) -> tuple[list[RetirementCategory], tuple[str, ...]]:
    """The categories that may apply: the given one; "male" for men; both women's categories when a woman's
    category is not given (then it is named as missing). No candidates when the sex is unknown too."""
    given = facts.get("person.retirement_category")
    if given:
        return [RetirementCategory(given)], ()
    sex = facts.get("person.sex")
    if sex == "M":
        return [RetirementCategory.MALE], ()
    if sex == "F":
        return [RetirementCategory.FEMALE_50, RetirementCategory.FEMALE_55], ("person.retirement_category",)
    return [], ("person.retirement_category", "person.sex")


def retirement_dates(facts: Facts) -> tuple[list[datetime.date], tuple[str, ...]]:
    """Candidate statutory retirement dates (one when the category is known) and the facts still missing."""
    birth = facts.date("person.birth_date")
    categories, lacking = retirement_categories(facts)
    if birth is None:
        return [], ("person.birth_date", *lacking)
    return [retirement_date(birth_date=birth, category=c) for c in categories], lacking


def within_years_of_retirement_on(
    facts: Facts, on: datetime.date, years: int, *, less_than: bool = False
) -> tuple[bool | None, tuple]:
    """Whether ``on`` lies within ``years`` of the statutory retirement date (以内, the boundary day included), or,
    with ``less_than``, less than ``years`` before it (不足, the boundary day excluded; retirement.py, counting.py);
    None with the missing facts when the answer depends on them."""
    test = less_than_years_to_retirement if less_than else within_years_of_retirement
    birth = facts.date("person.birth_date")
    categories, lacking = retirement_categories(facts)
    if birth is None:
        return None, ("person.birth_date", *lacking)
    if not categories:
        return None, lacking
    answers = {test(birth_date=birth, category=c, on=on, years=years) for c in categories}
    if len(answers) == 1:
        return answers.pop(), ()
    return None, lacking


def before_retirement(facts: Facts, *, clause: str) -> Reason:
    """The subsidy ends at the statutory retirement date: 未达到法定退休年龄 (counting.less_than, the retirement
    date excluded: on it the person has reached the age, 届满)."""
    label = _("Below the statutory retirement age")
    dates, lacking = retirement_dates(facts)
    answers = {less_than(facts.as_of, day) for day in dates}
    if len(answers) == 1 and dates:
        return Reason(
            condition="before_retirement",
            label=label,
            met=answers.pop(),
            clause=clause,
            detail=_("Retires on %(date)s") % {"date": dates[0].isoformat()} if len(dates) == 1 else "",
        )
    return missing("before_retirement", label, clause, *(lacking or ("person.birth_date",)))


# --- amounts ------------------------------------------------------------------------------------------------------


def parameter_values(
    params: Params, codes: list[str], on: datetime.date, *, clause: str
) -> tuple[list[Decimal] | None, list[Reason]]:
    """Every parameter's value with its reason; None for the values when one of them is not set."""
    values, reasons = [], []
    for code in codes:
        value, reason = parameter_amount(params, code, on, clause=clause)
        values.append(value)
        reasons.append(reason)
    if any(value is None for value in values):
        return None, reasons
    return values, reasons


def flexible_si_amount(
    params: Params, facts: Facts, *, share: str, base_ratio: str, wage: str, clause: str
) -> tuple[Decimal | None, list[Reason]]:
    """灵活就业社会保险补贴 per month: share × (base ratio × prior-year average monthly wage) × (flexible pension
    rate + flexible medical rate); the two insurances by docs/policy-decisions.md. Rounded once."""
    city = facts.city
    values, reasons = parameter_values(
        params,
        [share, base_ratio, wage, f"{city}.si_flexible_pension_rate", f"{city}.si_flexible_medical_rate"],
        facts.as_of,
        clause=clause,
    )
    if values is None:
        return None, reasons
    share_v, ratio_v, wage_v, pension_v, medical_v = values
    return money(share_v * ratio_v * wage_v * (pension_v + medical_v)), reasons


def employer_si_amount(
    params: Params, facts: Facts, *, clause: str, share: Decimal = Decimal(1)
) -> tuple[Decimal | None, list[Reason]]:
    """The unit's contributions for one person and month: contribution base × (the unit's pension, medical and
    unemployment insurance rates), the individual share excluded (docs/policy-decisions.md). Rounded once."""
    city = facts.city
    values, reasons = parameter_values(
        params,
        [
            f"{city}.si_pension_employer_rate",
            f"{city}.si_medical_employer_rate",
            f"{city}.si_unemployment_employer_rate",
        ],
        facts.as_of,
        clause=clause,
    )
    base = facts.get("person.si_contribution_base_cny")
    if base is None:
        reasons.append(
            missing(
                "contribution_base",
                _("The monthly contribution base of the job, to compute the unit's contributions"),
                clause,
                "person.si_contribution_base_cny",
            )
        )
    if values is None or base is None:
        return None, reasons
    return money(Decimal(base) * sum(values) * share), reasons


def limit_until_retirement(
    facts: Facts,
    params: Params,
    *,
    programs: tuple[str, ...],
    normal_years_code: str,
    extension_years_code: str,
    clause: str,
) -> tuple[Reason, Reason, int | None]:
    """大连（十五）: at most N years, except that a person with less than M years to the statutory retirement age
    at the FIRST approval (以初次核定…时年龄为准) is paid until retirement.

    The first approval is the start of the earliest grant of ``programs``; without one, a new application is
    approved on the as-of day. Returns (the as-of day is within the limit, whether the extension applies, the
    limit in months: months from the start to the retirement date when extended, else N × 12; None if unknown).
    """
    start = first_grant_date(facts, programs) or facts.as_of
    normal_years = years_value(params, normal_years_code, facts.as_of)
    extension_years = years_value(params, extension_years_code, facts.as_of)
    label_ext = _(
        "Less than %(years)s years to the statutory retirement age at the first approval (%(date)s): "
        "paid until retirement"
    ) % {"years": extension_years, "date": start.isoformat()}
    label_limit = _("Within the subsidy period counted from the first approval (%(date)s)") % {
        "date": start.isoformat()
    }
    if normal_years is None or extension_years is None:
        lacking = tuple(
            c for c, v in ((normal_years_code, normal_years), (extension_years_code, extension_years)) if v is None
        )
        return (
            missing("within_limit", label_limit, clause, *lacking),
            missing("near_retirement_extension", label_ext, clause, *lacking),
            None,
        )
    # 最长不超过3年 (the number included): from the first approval through the day before its 3rd anniversary
    normal_months = normal_years * 12
    # 距法定退休年龄不足5年: on the first approval, less than the years left (the day exactly 5 years before is not;
    # a policy scenario may count it: readings.py "retirement_boundary_day_counts")
    near, lacking = within_years_of_retirement_on(
        facts, start, extension_years, less_than=not params.reading("retirement_boundary_day_counts")
    )
    dates, _lacking = retirement_dates(facts)
    if near is None:
        extension = missing("near_retirement_extension", label_ext, clause, *lacking)
        if at_most(facts.as_of, last_day_of_period(start, normal_months)):
            limit = Reason(
                condition="within_limit",
                label=label_limit,
                met=True,
                clause=clause,
                detail=_("Within %(months)s months") % {"months": normal_months},
            )
        else:
            limit = missing("within_limit", label_limit, clause, *lacking)
        return limit, extension, None
    if not near:
        extension = Reason(condition="near_retirement_extension", label=label_ext, met=False, clause=clause)
        limit = window_since(
            start, normal_months, facts.as_of, condition="within_limit", label=label_limit, clause=clause
        )
        return limit, extension, normal_months
    # Near retirement at the first approval: 可延长至退休, through the day before the retirement date (on it the
    # age is reached, as before_retirement counts). With a woman's category unknown the two candidate dates
    # differ, so the number of months is unknown.
    if len(dates) != 1:
        ends = {less_than(facts.as_of, day) for day in dates}
        if len(ends) == 1:
            limit = Reason(condition="within_limit", label=label_limit, met=ends.pop(), clause=clause)
        else:
            limit = missing("within_limit", label_limit, clause, *lacking or ("person.retirement_category",))
        extension = Reason(
            condition="near_retirement_extension",
            label=label_ext,
            met=True,
            clause=clause,
            missing=("person.retirement_category",),
            detail=_("The number of months needs the retirement category"),
        )
        return limit, extension, None
    retires = dates[0]
    extension = Reason(
        condition="near_retirement_extension",
        label=label_ext,
        met=True,
        clause=clause,
        detail=_("Retires on %(date)s") % {"date": retires.isoformat()},
    )
    limit = Reason(
        condition="within_limit",
        label=label_limit,
        met=at_least(facts.as_of, start) and less_than(facts.as_of, retires),
        clause=clause,
        detail=_("From %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": (retires - datetime.timedelta(days=1)).isoformat()},
    )
    return limit, extension, months_from_to(start, retires)


def durations_unset(
    program: ProgramInfo, facts: Facts, params: Params, codes: tuple[str, ...], *, period: str
) -> Decision | None:
    """Before a document's date its stated periods and thresholds have no value: the rule cannot count, so it
    answers "unknown" naming them instead (a screen dated before the document)."""
    unset = [code for code in codes if params.value(code, facts.as_of) is None]
    if not unset:
        return None
    reasons = [parameter_amount(params, code, facts.as_of, clause=program.clause)[1] for code in unset]
    return Decision(program=program, eligible=None, period=period, reasons=reasons)
