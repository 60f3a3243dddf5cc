"""就业见习补贴: paid to the internship unit per intern and month. 大连（十二）, 济南（十一）, 朝阳（十六）, 益阳（十）;
decisions in docs/policy-decisions.md, "Skills and training" (Internships)."""

import datetime
from decimal import Decimal

from core.dates import add_months

from ..conditions import missing
from ..conditions_people import durations_unset, parameter_values, years_value
from ..counting import at_least, at_most
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule

GRADUATES = "unemployed_graduates_after_leaving"


def _interning_on(intern: dict, day: datetime.date) -> bool:
    start, end = fact_date(intern.get("from")), fact_date(intern.get("to"))
    return start is not None and start <= day and (end is None or day <= end)


def _qualifies(program: ProgramInfo, facts: Facts, params: Params, intern: dict) -> bool | None:
    """Whether one intern counts for the unit (None when that depends on a missing fact)."""
    registers = intern.get("registers") or []
    if program.city == "dalian":
        # 大连（十二）: 离校2年内未就业高校毕业生（含技师学院高级工班、预备技师班和特殊教育院校职业教育类毕业生）,
        # counted
        # at the start of the internship.
        if GRADUATES not in registers and "technician_college_equivalent_graduates" not in registers:
            return False
        graduated, start = fact_date(intern.get("graduation_date")), fact_date(intern.get("from"))
        if graduated is None:
            return None
        years = years_value(params, "dalian.internship_graduate_window_years", facts.as_of)
        # 离校2年内 (以内, the number included): from the graduation day through the day exactly 2 years later, on
        # which exactly 2 years have passed, that last day included; a day the month lacks is its last day
        # (2024-02-29: through 2026-02-28).
        return at_least(start, graduated) and at_most(start, add_months(graduated, years * 12))
    if program.city == "yiyang" and "unemployed_secondary_vocational_graduates" in registers:
        # 益阳（十）: 安化县可将见习对象范围扩大到离校未就业中职毕业生 — the unit's county decides.
        in_anhua = facts.get("organization.in_poverty_area")
        return None if in_anhua is None else bool(in_anhua) or GRADUATES in registers
    return GRADUATES in registers


def _count_interns(program: ProgramInfo, facts: Facts, params: Params, clause: str) -> tuple[Reason, int | None]:
    label = _("Hosts interns of the target group on this day")
    interns = facts.get("training.interns")
    if interns is None:
        return missing("qualifying_interns", label, clause, "training.interns"), None
    answers = [_qualifies(program, facts, params, i) for i in interns if _interning_on(i, facts.as_of)]
    count = sum(1 for answer in answers if answer is True)
    if count == 0 and None in answers:
        lacking = ["training.interns.graduation_date"]
        if program.city == "yiyang":
            lacking = ["organization.in_poverty_area"]
        return missing("qualifying_interns", label, clause, *lacking), None
    return Reason(
        condition="qualifying_interns",
        label=label,
        met=count > 0,
        clause=clause,
        detail=_("%(count)s intern(s)") % {"count": count},
    ), count


def retention_rate(facts: Facts) -> tuple[int, int, bool]:
    """Interns whose internship ended this calendar year by the as-of day: (kept, ended, some unknown)."""
    kept = ended = 0
    unknown = False
    for intern in facts.get("training.interns") or []:
        end = fact_date(intern.get("to"))
        if end is None or end.year != facts.as_of.year or end > facts.as_of:
            continue
        ended += 1
        if intern.get("retained") is None:
            unknown = True
        elif intern["retained"]:
            kept += 1
    return kept, ended, unknown


def _retention_reached(facts: Facts, params: Params, clause: str) -> Reason:
    """大连（十二）: 见习期满留用率达到50%以上 — per unit and calendar year (docs/policy-decisions.md)."""
    threshold = params.value("dalian.internship_retention_rate_threshold", facts.as_of)
    label = _("At least %(rate)s of the interns whose internship ended this year were kept") % {
        "rate": f"{threshold * 100:.0f}%"
    }
    if facts.get("training.interns") is None:
        return missing("retention_rate", label, clause, "training.interns")
    kept, ended, unknown = retention_rate(facts)
    if unknown:
        return missing("retention_rate", label, clause, "training.interns.retained")
    return Reason(
        condition="retention_rate",
        label=label,
        clause=clause,
        # 达到50%以上: 以上 includes the number, so a rate of exactly 50% (1 of 2 kept) reaches it.
        met=ended > 0 and at_least(Decimal(kept) / ended, threshold),
        detail=_("%(kept)s of %(ended)s kept") % {"kept": kept, "ended": ended},
    )


def _decision(
    program: ProgramInfo, facts: Facts, params: Params, reasons: list[Reason], count: int | None, codes: list[str]
) -> Decision:
    eligible = eligibility(reasons)
    values, amount_reasons = parameter_values(params, codes, facts.as_of, clause=program.clause)
    per_intern = None
    if values is not None:
        per_intern = values[0] if len(values) == 1 else values[0] * values[1]
    amount = None if per_intern is None or count is None else money(per_intern * count)
    max_values, max_reasons = parameter_values(
        params, [f"{program.city}.internship_max_months"], facts.as_of, clause=program.clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=None if max_values is None else int(max_values[0]),
        reasons=[*reasons, *amount_reasons, *max_reasons],
        note=_("Paid to the internship unit: the monthly standard × %(count)s intern(s) on this day.")
        % {"count": count if count is not None else "?"},
    )


@rule(
    "dalian_internship_subsidy", "jinan_internship_subsidy", "chaoyang_internship_subsidy", "yiyang_internship_subsidy"
)
def internship_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 将就业见习对象调整为离校2年内未就业高校毕业生 …对见习单位按规定给予就业见习补贴; 济南（十一）/
    益阳（十）:
    允许就业见习补贴用于见习单位为见习人员办理人身意外伤害保险以及…指导管理费用 (益阳: 安化县 adds 中职 graduates);
    朝阳（十六）:
    落实好高校毕业生就业见习补贴. 大连's raised standard replaces this one where the retention rate is reached."""
    clause = program.clause
    if program.city == "dalian" and (
        early := durations_unset(
            program,
            facts,
            params,
            ("dalian.internship_graduate_window_years", "dalian.internship_retention_rate_threshold"),
            period="month",
        )
    ):
        return early
    counted, count = _count_interns(program, facts, params, clause)
    reasons = [counted]
    if program.city == "dalian":
        reached = _retention_reached(facts, params, clause)
        reasons.append(
            Reason(
                condition="standard_rate",
                label=_("The raised standard for high retention does not apply"),
                met=None if reached.met is None else not reached.met,
                clause=clause,
                missing=reached.missing,
                detail="dalian_internship_retention_uplift" if reached.met else "",
            )
        )
    return _decision(program, facts, params, reasons, count, [f"{program.city}.internship_subsidy_monthly_cny"])


@rule("dalian_internship_retention_uplift")
def dalian_internship_retention_uplift(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 对见习人员见习期满留用率达到50%以上的单位，按规定提高见习补贴标准 — the standard × the uplift,
    instead of
    the standard, for the year's intern-months."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        ("dalian.internship_graduate_window_years", "dalian.internship_retention_rate_threshold"),
        period="month",
    ):
        return early
    counted, count = _count_interns(program, facts, params, clause)
    reasons = [counted, _retention_reached(facts, params, clause)]
    return _decision(
        program,
        facts,
        params,
        reasons,
        count,
        ["dalian.internship_subsidy_monthly_cny", "dalian.internship_retention_uplift_ratio"],
    )
