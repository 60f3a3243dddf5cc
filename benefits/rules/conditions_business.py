"""Conditions shared by the start-up, loan, award and employer-post rules: the business, the entity, its hires,
recorded evidence, loans and their interest. Each returns a ``Reason`` (met True/False, or None naming what is
missing), or a small value the rules put into one."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from core.dates import add_months

from .conditions import missing
from .counting import at_least, at_most
from .engine import Params, Reason, money, parameter_amount
from .facts import Facts, fact_date
from .i18n import gettext as _
from .names import fact_label, program_name, register_name, value_label

COLLEGE = ("junior_college", "bachelor", "master", "doctor")


# --- dates -----------------------------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 1 March (as conditions.within_years_after counts). It is the
    first day *after* a period of ``years`` years that starts on ``day``, and the day ``years`` years are complete."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28) + datetime.timedelta(days=1)


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` up to and including ``end`` (1 Jan–31 Jan is one month)."""
    months = 0
    while add_months(start, months + 1) <= end + datetime.timedelta(days=1):
        months += 1
    return months


# --- any of several groups --------------------------------------------------------------------------------------


def any_of(reasons: list[Reason], *, condition: str, label: str, clause: str, detail: str = "") -> Reason:
    """One condition met by any of several ways: met when one is, not met when none can be, else unknown."""
    if any(reason.met is True for reason in reasons):
        met_by = ", ".join(reason.label for reason in reasons if reason.met is True)
        return Reason(condition=condition, label=label, met=True, clause=clause, detail=detail or met_by)
    if all(reason.met is False for reason in reasons):
        return Reason(condition=condition, label=label, met=False, clause=clause, detail=detail)
    needed = tuple(dict.fromkeys(name for reason in reasons for name in reason.missing))
    return Reason(
        condition=condition,
        label=label,
        met=None,
        clause=clause,
        missing=needed,
        detail=_("Missing fact: %(facts)s") % {"facts": "、".join(fact_label(fact) for fact in needed)},
    )


def register_reason(facts: Facts, code: str, *, on: datetime.date | None = None, clause: str) -> Reason:
    """On one register on a day (the as-of day by default)."""
    answer = facts.on_register(code, on)
    label = _("On the register %(code)s") % {"code": register_name(code)}
    if answer is None:
        return missing(f"register:{code}", label, clause, "person.registers")
    return Reason(condition=f"register:{code}", label=label, met=answer, clause=clause)


def flag_reason(facts: Facts, path: str, *, condition: str, label: str, clause: str, expected=True) -> Reason:
    """A recorded fact equals ``expected`` (a boolean flag or evidence code); None names it when absent."""
    value = facts.get(path)
    if value is None:
        return missing(condition, label, clause, path)
    return Reason(condition=condition, label=label, met=value == expected, clause=clause)


def evidence(facts: Facts, subject: str, code: str, *, label: str, clause: str) -> Reason:
    """A document the caseworker recorded (``<subject>.evidence.<code>``): a panel's selection, a recognition, a
    contract. The system cannot judge these itself, so an absent record leaves the answer unknown."""
    return flag_reason(facts, f"{subject}.evidence.{code}", condition=f"evidence:{code}", label=label, clause=clause)


def kind_in(facts: Facts, path: str, allowed: tuple[str, ...], *, condition: str, label: str, clause: str) -> Reason:
    """``path`` holds one value (or a list of values) of which one must be in ``allowed``."""
    value = facts.get(path)
    if value is None:
        return missing(condition, label, clause, path)
    values = value if isinstance(value, list) else [value]
    return Reason(
        condition=condition,
        label=label,
        met=any(item in allowed for item in values),
        clause=clause,
        detail="、".join(value_label(path, item) for item in values),
    )


def contributions_from_records(clause: str) -> Reason:
    """The amount of an employer subsidy of the unit's actual contributions per hire: the facts carry no contribution
    base per hire, so the caseworker computes it from the unit's payment records (unknown, naming the fact)."""
    return Reason(
        condition="contributions_paid",
        label=_(
            "The unit's contributions actually paid for each hire come from its payment records; the facts carry "
            "no contribution base per hire, so the amount is computed by the caseworker."
        ),
        met=None,
        clause=clause,
        missing=("organization.hires.si_contribution_base_cny",),
    )


def graduate_window_last_day(graduated: datetime.date, years: int) -> datetime.date:
    """The last day of 毕业N年以内 / 毕业N年内: the day exactly ``years`` years after graduation. 以内 includes the
    number (counting.py), so that day counts and the day after does not. 民法典 第二百零二条: a period in years ends
    on the corresponding day, or on the last day of the month that lacks it (a 29 February graduation counts to 28
    February, as docs/policy-decisions.md "Graduate windows" says)."""
    return add_months(graduated, 12 * years)


def graduated_within(
    facts: Facts, params: Params, years_code: str, *, on: datetime.date, register: str | None, clause: str
) -> Reason:
    """A college graduate within N years of graduation on ``on`` (the register, or the graduation date and the
    window parameter): 毕业5年以内 / 毕业5年内 (以内, the number included: from the graduation day through the day
    exactly N years later, ``graduate_window_last_day``)."""
    label = _("A college graduate within the graduate window on %(date)s") % {"date": on.isoformat()}
    ways = []
    if register:
        ways.append(register_reason(facts, register, on=on, clause=clause))
    graduated, education = facts.date("person.graduation_date"), facts.get("person.education")
    years = params.value(years_code, on)
    if graduated is None or education is None:
        ways.append(missing("graduation", label, clause, "person.education", "person.graduation_date"))
    elif years is None:
        ways.append(Reason(condition="graduation", label=label, met=None, clause=clause, missing=(years_code,)))
    else:
        ways.append(
            Reason(
                condition="graduation",
                label=label,
                clause=clause,
                met=education in COLLEGE
                and at_least(on, graduated)
                and at_most(on, graduate_window_last_day(graduated, int(years))),
            )
        )
    return any_of(ways, condition="graduate_window", label=label, clause=clause)


def in_operation_for(facts: Facts, path: str, years: Decimal | None, *, years_code: str, clause: str) -> Reason:
    """正常经营N年以上: from the registration date at ``path`` to the as-of day (docs/policy-decisions.md). 以上
    includes the number: met from the N-th anniversary of registration, the day N years are complete."""
    label = _("In normal operation for at least %(years)s year(s) since registration") % {
        "years": "?" if years is None else f"{years.normalize():f}"
    }
    registered = facts.date(path)
    if registered is None:
        return missing("operation_years", label, clause, path)
    if years is None:
        return Reason(condition="operation_years", label=label, met=None, clause=clause, missing=(years_code,))
    closed = facts.date(path.rsplit(".", 1)[0] + ".closed_on")
    met = at_least(facts.as_of, add_years(registered, int(years))) and (closed is None or closed > facts.as_of)
    return Reason(
        condition="operation_years",
        label=label,
        met=met,
        clause=clause,
        detail=_("Registered on %(date)s") % {"date": registered.isoformat()},
    )


def not_granted(facts: Facts, *, clause: str, program: str | None = None, family: str | None = None) -> Reason:
    """Once per person or entity: no earlier grant of the program (or of any program of the family)."""
    earlier = facts.received(program=program, family=family)
    return Reason(
        condition="not_received_before",
        label=_("Has not received this one-time payment before"),
        met=not earlier,
        clause=clause,
        detail="、".join(program_name(grant["program"]) for grant in earlier),
    )


# --- people an entity employs or placed ------------------------------------------------------------------------


def count_people(
    facts: Facts, path: str, test: Callable[[dict], bool | None]
) -> tuple[int | None, int, tuple[str, ...]]:
    """How many of the people at ``path`` pass ``test``: (count or None when the list is absent, how many could
    not be judged, the facts that would decide them)."""
    rows = facts.get(path)
    if rows is None:
        return None, 0, (path,)
    answers = [test(row) for row in rows]
    unknown = sum(1 for answer in answers if answer is None)
    return sum(1 for answer in answers if answer is True), unknown, (path,) if unknown else ()


def employed_at_least(row: dict, until: datetime.date, *, months: int) -> bool | None:
    """One record with the entity covering ``months`` without a gap, complete on ``until`` (稳定就业1年以上, 实际在岗
    12个月以上, 稳定就业6个月以上: 以上 includes the number, so exactly ``months`` months of work count). The stretch
    runs from the first day of work through the day before the same day ``months`` months later
    (docs/policy-decisions.md "Employers and hires")."""
    start = fact_date(row.get("from"))
    if start is None:
        return None
    end = fact_date(row.get("to"))
    last_day = add_months(start, months) - datetime.timedelta(days=1)  # the last day of the required stretch
    return at_least(until, last_day) and (end is None or at_least(end, last_day))


def not_paid(row: dict, *codes: str) -> bool:
    return not set(row.get("paid") or []) & set(codes)


def headcount_reason(count: int | None, unknown: int, needed: tuple[str, ...], *, label: str, clause: str) -> Reason:
    """At least one qualifying person; unknown while the list or some of its people cannot be judged."""
    if count is not None and at_least(count, 1):
        return Reason(
            condition="qualifying_people",
            label=label,
            met=True,
            clause=clause,
            detail=_("%(count)s qualifying") % {"count": count},
        )
    if count is None or unknown:
        return missing("qualifying_people", label, clause, *needed)
    return Reason(condition="qualifying_people", label=label, met=False, clause=clause)


def per_head(
    params: Params, code: str, facts: Facts, count: int | None, unknown: int, needed: tuple[str, ...], *, clause: str
) -> tuple[Decimal | None, list[Reason], str]:
    """Per-head figure × qualifying people: the amount, the reasons (the figure; what is missing), the note."""
    figure, reason = parameter_amount(params, code, facts.as_of, clause=clause)
    reasons = [reason]
    if count is None or unknown:
        reasons.append(
            missing("headcount", _("The number of qualifying people is not known"), clause, *(needed or ("people",)))
        )
        return None, reasons, ""
    note = _("%(figure)s CNY per person × %(count)s qualifying person(s)") % {
        "figure": "?" if figure is None else f"{figure.normalize():f}",
        "count": count,
    }
    return (None if figure is None else money(figure * count)), reasons, note


def new_hires_share(facts: Facts, params: Params, code: str, *, clause: str, test=None) -> Reason:
    """当年吸纳就业人数 / 吸纳新就业人员比例: people hired in the as-of calendar year (and passing ``test``) as a
    share of the people employed on the as-of day, at least the city's parameter (docs/policy-decisions.md).
    达到规定标准/比例: to reach a standard is to be at least it, so a share equal to it counts (as 以上)."""
    label = _("New hires of the year are at least the required share of the workforce")
    rows = facts.get("organization.hires")
    threshold = params.value(code, facts.as_of)
    if rows is None:
        return missing("new_hires_share", label, clause, "organization.hires")
    current = [row for row in rows if covers(row, facts.as_of)]
    new = [row for row in current if (fact_date(row.get("from")) or datetime.date.min).year == facts.as_of.year]
    if test is not None:
        answers = [test(row) for row in new]
        if any(answer is None for answer in answers):
            return missing("new_hires_share", label, clause, "organization.hires")
        new = [row for row, answer in zip(new, answers, strict=True) if answer]
    share = Decimal(len(new)) / Decimal(len(current)) if current else Decimal(0)
    detail = _("%(new)s new of %(all)s employed") % {"new": len(new), "all": len(current)}
    if threshold is None:
        return Reason(
            condition="new_hires_share",
            label=label,
            met=None,
            clause=clause,
            missing=(code,),
            detail=detail + "; " + _("the required share has not been set (%(code)s)") % {"code": code},
        )
    return Reason(
        condition="new_hires_share", label=label, met=at_least(share, threshold), clause=clause, detail=detail
    )


def covers(row: dict, day: datetime.date) -> bool:
    """A hire or placement record runs on ``day`` (``to`` inclusive, open while absent)."""
    start, end = fact_date(row.get("from")), fact_date(row.get("to"))
    return (start is None or start <= day) and (end is None or day <= end)


def small_or_micro(facts: Facts, *, clause: str) -> Reason:
    """小微企业: the entity's size is micro or small."""
    return kind_in(
        facts,
        "organization.size",
        ("micro", "small"),
        condition="small_or_micro",
        label=_("A small or micro enterprise"),
        clause=clause,
    )


# --- loans ------------------------------------------------------------------------------------------------------


def loan_terms_reason(params: Params, on: datetime.date, *, max_years: str, share: str, years: str, clause: str):
    """The term and the interest arrangement of a loan program, stated for the caseworker (always met)."""

    def show(code):
        value = params.value(code, on) if code else None
        return _("not set") if value is None else f"{value.normalize():f}"

    return Reason(
        condition="loan_terms",
        label=_(
            "Term at most %(term)s year(s); the state pays %(share)s of the interest for %(years)s year(s), on a rate "
            "of at most the PBoC benchmark on the contract date plus the permitted markup; one interest subsidy "
            "per loan"
        )
        % {"term": show(max_years), "share": show(share), "years": show(years)},
        met=True,
        clause=clause,
    )


def loan_interest_per_year(
    facts: Facts,
    params: Params,
    *,
    share_code: str,
    ceiling_code: str | None,
    markup_code: str | None,
    clause: str,
    markup_value: Decimal | None = None,
) -> tuple[Decimal | None, list[Reason]]:
    """The yearly interest subsidy on the loan of the facts: principal (at most the ceiling) × the contract rate,
    capped at the PBoC benchmark for the term on the contract date plus the markup (percentage points), × the
    share the state pays (docs/policy-decisions.md "Interest subsidies"). None, with reasons naming what is
    missing, while a loan fact or a parameter is not known."""
    principal, rate = facts.get("loan.principal_cny"), facts.get("loan.annual_rate")
    contract = facts.date("loan.contract_date")
    absent = [
        path
        for path, value in (
            ("loan.principal_cny", principal),
            ("loan.annual_rate", rate),
            ("loan.contract_date", contract),
        )
        if value is None
    ]
    if absent:
        return None, [
            missing("loan_facts", _("The loan (principal, rate, contract date) is not known"), clause, *absent)
        ]
    reasons = []
    base = Decimal(principal)
    values = {}
    share, reason = parameter_amount(params, share_code, facts.as_of, clause=clause)
    reasons.append(reason)
    if ceiling_code:
        ceiling, reason = parameter_amount(params, ceiling_code, contract, clause=clause)
        reasons.append(reason)
        values["ceiling"] = ceiling
        if ceiling is not None:
            base = min(base, ceiling)  # 最高(不超过): a principal equal to the ceiling counts in full
    rate_counted = Decimal(rate)
    if markup_code or markup_value is not None:
        term = facts.get("loan.term_months")
        bench_code = (  # the PBoC's bands: 一年以内（含一年）, 一至五年（含五年）: a 12-month term takes the first
            "national.pboc_loan_benchmark_rate_up_to_1y"
            if term is not None and at_most(term, 12)
            else "national.pboc_loan_benchmark_rate_1_to_5y"
        )
        benchmark, reason = parameter_amount(params, bench_code, contract, clause=clause)
        reasons.append(reason)
        markup = markup_value
        if markup_code:
            markup, reason = parameter_amount(params, markup_code, contract, clause=clause)
            reasons.append(reason)
        if benchmark is None or markup is None:
            return None, reasons
        rate_counted = min(rate_counted, benchmark + markup / 100)  # 上浮(不超过)N个百分点: the cap itself counts
    if share is None or values.get("ceiling", 0) is None:
        return None, reasons
    reasons.append(
        Reason(
            condition="interest_counted",
            label=_("Interest counted: %(base)s CNY at %(rate)s a year") % {"base": base, "rate": rate_counted},
            met=True,
            clause=clause,
        )
    )
    return money(base * rate_counted * share), reasons


def within_subsidy_years(facts: Facts, years: Decimal | None, *, years_code: str, clause: str) -> Reason:
    """The as-of day falls in the subsidised years counted from the first drawdown (or the contract date):
    贴息期限不超过N年 / 前N年 / 期限最长不超过N年. 不超过 includes the number: exactly N years of interest days are
    subsidised, from the first drawdown (its day bears interest) through the day before the N-th anniversary; the
    anniversary starts year N+1 (济南（九） 第3年不贴息)."""
    label = _("Within the subsidised years of the loan")
    start = facts.date("loan.first_drawdown") or facts.date("loan.contract_date")
    if start is None:
        return missing("subsidy_years", label, clause, "loan.first_drawdown")
    if years is None:
        return Reason(condition="subsidy_years", label=label, met=None, clause=clause, missing=(years_code,))
    last_day = add_years(start, int(years)) - datetime.timedelta(days=1)
    return Reason(
        condition="subsidy_years",
        label=label,
        met=at_least(facts.as_of, start) and at_most(facts.as_of, last_day),
        clause=clause,
        detail=_("From %(start)s to %(end)s") % {"start": start.isoformat(), "end": last_day.isoformat()},
    )


def no_other_interest_subsidy(facts: Facts, others: tuple[str, ...], *, clause: str) -> Reason:
    """One interest subsidy per loan (docs/policy-decisions.md)."""
    taken = [code for code in facts.get("loan.subsidised_by") or [] if code in others]
    return Reason(
        condition="one_subsidy_per_loan",
        label=_("The loan has no other interest subsidy"),
        met=not taken,
        clause=clause,
        detail=", ".join(taken),
    )
