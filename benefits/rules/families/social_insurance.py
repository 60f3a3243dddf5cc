"""Social-insurance subsidies (社会保险补贴): a share of a flexibly employed person's own contributions, or the
unit's contributions for a person it hires. 大连（六）（十二）（十五）, 济南（六）, 朝阳（十八）, 益阳（二十二）; the
decisions are in docs/policy-decisions.md, "Social-insurance subsidies"."""

from decimal import Decimal

from core.dates import add_months

from ..conditions import is_college_graduate, missing
from ..conditions_business import contributions_from_records
from ..conditions_people import (
    before_retirement,
    durations_unset,
    employed_as,
    employer_si_amount,
    first_grant_date,
    flexible_si_amount,
    in_period,
    limit_until_retirement,
    no_overlapping_grant,
    on_register_on,
    window_since,
    within_months_after,
    within_years_of_retirement_on,
    years_value,
)
from ..counting import at_least, less_than
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..names import employment_status_label
from ..registry import rule

DALIAN_FLEXIBLE = (
    "dalian_graduate_flexible_si_subsidy",
    "dalian_hard_to_employ_flexible_si_subsidy_priority_groups",
    "dalian_hard_to_employ_flexible_si_subsidy_others",
)
DALIAN_EMPLOYER = (
    "dalian_employer_graduate_si_subsidy",
    "dalian_startup_leader_si_subsidy",
    "dalian_hard_to_employ_employer_si_subsidy",
)
# 大连's other programs that pay a unit the same person's contributions (大连（三）'s new-form hiring, （十三）'s 去产能
# absorption; families/employer_hiring.py, graduate_hiring.py): they see these, and these see them.
DALIAN_HIRING_SUPPORT = ("dalian_laid_off_absorption_support", "dalian_new_form_enterprise_hiring_si_subsidy")
# One subsidy of the same person's contributions per month (decided for each trio; a month cannot be both a
# flexibly employed person's and a unit's, so the two trios exclude each other too).
DALIAN_SAME_CONTRIBUTIONS = DALIAN_FLEXIBLE + DALIAN_EMPLOYER + DALIAN_HIRING_SUPPORT


def _others(program: ProgramInfo, codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code for code in codes if code != program.code)


# The cities whose flexible-employment subsidy has one share, base ratio, wage and limit (大连 has a set per group:
# dalian_flexible_decision); 大庆 and 益阳 decide theirs in non_cash_assistance.
CITY_FLEXIBLE_SI = {
    city: {
        "share": f"{city}.flexible_si_subsidy_share",
        "base_ratio": f"{city}.flexible_si_base_ratio",
        "wage": f"{city}.prior_year_avg_monthly_wage_cny",
        "max_months": f"{city}.flexible_si_max_months",
    }
    for city in ("daqing", "jinan", "chaoyang", "yiyang")
}


def city_flexible_si_amount(params: Params, facts: Facts, *, clause: str):
    """``flexible_si_amount`` with the city's own parameters (CITY_FLEXIBLE_SI)."""
    codes = CITY_FLEXIBLE_SI[facts.city]
    return flexible_si_amount(
        params, facts, share=codes["share"], base_ratio=codes["base_ratio"], wage=codes["wage"], clause=clause
    )


def flexible_paying(facts: Facts, clause: str) -> tuple[Reason, dict | None]:
    """In flexible employment on the day and paying the contributions (the spell too, for its start)."""
    return employed_as(
        facts,
        ("flexible",),
        paying=True,
        condition="flexible_paying",
        label=_("In flexible employment and paying social-insurance contributions"),
        clause=clause,
    )


def _employed(facts: Facts, clause: str) -> tuple[Reason, dict | None]:
    return employed_as(facts, ("employed",), condition="employed_by_unit", label=_("Employed by a unit"), clause=clause)


def _hard_to_employ(facts: Facts, clause: str, day=None) -> Reason:
    return on_register_on(
        facts,
        ["hard_to_employ"],
        day or facts.as_of,
        condition="hard_to_employ",
        label=_("Recognised as a person with employment difficulties (就业困难人员)"),
        clause=clause,
    )


def _months(params: Params, code: str, on, *, factor: int = 12) -> int | None:
    value = years_value(params, code, on)
    return None if value is None else value * factor


# --- 大连 ------------------------------------------------------------------------------------------------------


def dalian_flexible_decision(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    reasons: list[Reason],
    *,
    group: str,
    max_periods: int | None,
    note: str = "",
    holds_while_on: tuple[str, ...] = (),
) -> Decision:
    """The part the three 大连 flexible-employment subsidies share (（十二）（十五）): one subsidy per person and
    month among the contributions-paying programs, then 30% of the contributions due on 60% of the prior-year
    average wage, with ``group``'s parameters (graduate or hard_to_employ)."""
    reasons = [
        *reasons,
        no_overlapping_grant(facts, _others(program, DALIAN_SAME_CONTRIBUTIONS), clause=program.clause),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons = flexible_si_amount(
        params,
        facts,
        share=f"dalian.{group}_flexible_si_subsidy_share",
        base_ratio=f"dalian.{group}_flexible_si_base_ratio",
        wage="dalian.prior_year_avg_monthly_wage_cny",
        clause=program.clause,
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=max_periods,
        reasons=[*reasons, *amount_reasons],
        note=note,
        holds_while_on=holds_while_on,
    )


@rule("dalian_graduate_flexible_si_subsidy")
def dalian_graduate_flexible_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（三）（十二）: 离校1年内未就业的高校毕业生灵活就业后缴纳社会保险费的，按上年度在岗职工月平均工资60%作为
    基数计算的
    应缴纳社会保险费的30%给予社会保险补贴，补贴期限最长不超过2年. 离校 = the graduation date; the flexible employment
    must begin inside the window (1年内: through the first anniversary of graduation, that day included); the 2
    years (最长不超过: included) run from that start through the day before its second anniversary."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        ("dalian.graduate_flexible_si_window_years", "dalian.graduate_flexible_si_max_years"),
        period="month",
    ):
        return early
    reasons = [is_college_graduate(facts, clause=clause)]
    flexible, spell = flexible_paying(facts, clause)
    reasons.append(flexible)
    gate(reasons)
    window_years = years_value(params, "dalian.graduate_flexible_si_window_years", facts.as_of)
    graduated = facts.date("person.graduation_date")
    label = _("Flexible employment began within %(years)s year(s) of leaving school") % {"years": window_years}
    start = fact_date(spell.get("from")) if spell else None
    if graduated is None:
        reasons.append(missing("leaving_window", label, clause, "person.graduation_date"))
    elif spell is not None and start is None:
        reasons.append(missing("leaving_window", label, clause, "person.employment.from"))
    elif start is not None:
        # 离校1年内 (以内: the number included): begun by the first anniversary of graduation, that day counting
        reasons.append(
            within_months_after(
                graduated, window_years * 12, start, condition="leaving_window", label=label, clause=clause
            )
        )
    # 补贴期限最长不超过2年 (最长不超过: the number included): 24 months from the start, its last day counting
    max_periods = _months(params, "dalian.graduate_flexible_si_max_years", facts.as_of)
    if start is not None:
        reasons.append(
            window_since(
                start,
                max_periods,
                facts.as_of,
                condition="within_limit",
                label=_("Within the subsidy period from the start of flexible employment"),
                clause=clause,
            )
        )
    return dalian_flexible_decision(
        program,
        facts,
        params,
        reasons,
        group="graduate",
        max_periods=max_periods,
        note=_("Per month contributed: pension and medical insurance, each only for a month paid."),
    )


def dalian_priority_group(facts: Facts, params: Params, clause: str) -> Reason:
    """大连（十五）'s groups for the 3-year flexible subsidy: 城镇零就业家庭成员、低保家庭成员、处于失业状态的残疾人、
    单亲抚养未成年人者、自谋职业的军队退役人员、县以上（含县级）劳动模范、军人配偶 … 等 (优抚对象 and 烈属 have no
    person field
    yet: recorded on the register dalian_flexible_si_priority_groups)."""
    label = _(
        "In one of the priority groups (零就业家庭, 低保, disabled, single parent, self-employed veteran, model "
        "worker, military spouse …)"
    )
    disabled = facts.get("person.is_disabled")
    if params.reading("dalian_disabled_registered_unemployed"):  # a policy scenario's alternative (readings.py)
        unemployed = facts.on_register("registered_urban_unemployed")
        disabled = False if False in (disabled, unemployed) else (None if None in (disabled, unemployed) else True)
    answers = [
        facts.on_register("dalian_flexible_si_priority_groups"),
        facts.household_on_register("zero_employment_households"),
        facts.household_on_register("dibao_households"),
        disabled,
        facts.get("person.is_single_parent"),
        facts.get("person.is_labor_model"),
        facts.get("person.is_military_spouse"),
    ]
    veteran = facts.get("person.veteran_status")
    answers.append(None if veteran is None else veteran in ("discharged_soldier", "self_employed_officer"))
    if any(answer is True for answer in answers):
        return Reason(condition="priority_group", label=label, met=True, clause=clause)
    if all(answer is None for answer in answers):
        return missing("priority_group", label, clause, "person.registers", "household.registers")
    if any(answer is None for answer in answers):
        # Some groups unknown and none met: cannot say "not in a group".
        return Reason(
            condition="priority_group",
            label=label,
            met=None,
            clause=clause,
            missing=tuple(
                p
                for p, a in zip(
                    (
                        "person.registers",
                        "household.registers",
                        "household.registers",
                        "person.is_disabled",
                        "person.is_single_parent",
                        "person.is_labor_model",
                        "person.is_military_spouse",
                        "person.veteran_status",
                    ),
                    answers,
                    strict=True,
                )
                if a is None
            ),
        )
    return Reason(condition="priority_group", label=label, met=False, clause=clause)


@rule("dalian_hard_to_employ_flexible_si_subsidy_priority_groups")
def dalian_hard_to_employ_flexible_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十五）: 对灵活就业后缴纳社会保险费的就业困难人员，按上年度在岗职工月平均工资60%作为基数计算的应缴纳社会
    保险费的30%
    给予补贴 — the priority groups at most 3 years, ending at retirement (no extension: docs/policy-decisions.md)."""
    clause = program.clause
    if early := durations_unset(
        program, facts, params, ("dalian.hard_to_employ_flexible_si_priority_max_years",), period="month"
    ):
        return early
    flexible, _spell = flexible_paying(facts, clause)
    reasons = [_hard_to_employ(facts, clause), flexible, dalian_priority_group(facts, params, clause)]
    gate(reasons)
    # 补贴期限最长不超过3年 (最长不超过: the number included): from the first approval through the day before its
    # third anniversary; and not past the statutory retirement date (before_retirement: that day excluded)
    months = _months(params, "dalian.hard_to_employ_flexible_si_priority_max_years", facts.as_of)
    start = first_grant_date(facts, (program.code,)) or facts.as_of
    reasons.append(
        window_since(
            start,
            months,
            facts.as_of,
            condition="within_limit",
            label=_("Within the subsidy period from the first approval"),
            clause=clause,
        )
    )
    reasons.append(before_retirement(facts, clause=clause))
    return dalian_flexible_decision(
        program,
        facts,
        params,
        reasons,
        group="hard_to_employ",
        max_periods=months,
        note=_("Ends at the statutory retirement date even before the 3 years are over."),
        holds_while_on=("hard_to_employ",),
    )


@rule("dalian_hard_to_employ_flexible_si_subsidy_others")
def dalian_hard_to_employ_flexible_others(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十五）: 其余人员距法定退休年龄1年时给予最长不超过1年的补贴 — only in the last year before the statutory
    retirement date (retirement.py), for at most 1 year."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        (
            "dalian.hard_to_employ_flexible_si_others_years_before_retirement",
            "dalian.hard_to_employ_flexible_si_others_max_years",
        ),
        period="month",
    ):
        return early
    hard_to_employ, (flexible, _spell) = _hard_to_employ(facts, clause), flexible_paying(facts, clause)
    gate([hard_to_employ, flexible])
    priority = dalian_priority_group(facts, params, clause)
    not_priority = Reason(
        condition="not_priority_group",
        label=_("Not in a priority group (they have the 3-year subsidy)"),
        met=None if priority.met is None else not priority.met,
        clause=clause,
        missing=priority.missing,
    )
    # 距法定退休年龄1年时 (within_years_of_retirement): from the day exactly 1 year before the retirement date, that
    # day included, through the day before the retirement date; 最长不超过1年 is that year (max_periods 12)
    years = years_value(params, "dalian.hard_to_employ_flexible_si_others_years_before_retirement", facts.as_of)
    near, lacking = within_years_of_retirement_on(facts, facts.as_of, years)
    label = _("Within %(years)s year(s) of the statutory retirement age") % {"years": years}
    last_year = (
        missing("last_year_before_retirement", label, clause, *lacking)
        if near is None
        else Reason(condition="last_year_before_retirement", label=label, met=near, clause=clause)
    )
    reasons = [hard_to_employ, flexible, not_priority, last_year]
    return dalian_flexible_decision(
        program,
        facts,
        params,
        reasons,
        group="hard_to_employ",
        max_periods=_months(params, "dalian.hard_to_employ_flexible_si_others_max_years", facts.as_of),
        holds_while_on=("hard_to_employ",),
    )


@rule("dalian_employer_graduate_si_subsidy")
def dalian_employer_graduate_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 对新招用毕业年度或登记失业的高校毕业生就业的各类用人单位（含社会组织），按其为高校毕业生实际缴
    纳社会保险费
    给予1年的社会保险补贴. Decided for the hired graduate (person facts), paid to the unit: the unit's share of
    pension, medical and unemployment insurance, for 1 year from the hire."""
    clause = program.clause
    if early := durations_unset(program, facts, params, ("dalian.employer_graduate_si_subsidy_years",), period="month"):
        return early
    employed, spell = _employed(facts, clause)
    hired = fact_date(spell.get("from")) if spell else None
    reasons = [is_college_graduate(facts, clause=clause), employed]
    if spell is not None:
        reasons.append(
            on_register_on(
                facts,
                ["graduating_year_graduates", "registered_unemployed_graduates"],
                hired,
                condition="graduate_status_on_hire",
                label=_("In the graduation year or registered unemployed when hired"),
                clause=clause,
                day_path="person.employment.from",
            )
        )
    # 给予1年的社会保险补贴: a period of 1 year from the hire, through the day before its first anniversary
    months = _months(params, "dalian.employer_graduate_si_subsidy_years", facts.as_of)
    if hired is not None:
        reasons.append(
            window_since(
                hired,
                months,
                facts.as_of,
                condition="within_limit",
                label=_("Within the subsidy period from the hire"),
                clause=clause,
            )
        )
    reasons.append(no_overlapping_grant(facts, _others(program, DALIAN_SAME_CONTRIBUTIONS), clause=clause))
    eligible = eligibility(reasons)
    amount, amount_reasons = employer_si_amount(params, facts, clause=clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=months,
        reasons=[*reasons, *amount_reasons],
        note=_("Paid to the unit: its pension, medical and unemployment contributions for the graduate."),
    )


@rule("dalian_hard_to_employ_employer_si_subsidy")
def dalian_hard_to_employ_employer_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十五）: 对招用就业困难人员或提供公益性岗位安置就业困难人员的单位，按其为就业困难人员缴纳的基本养老保险
    费、基本医疗
    保险费和失业保险费给予全额补贴 … 补贴期限除对距法定退休年龄不足5年的人员可延长至退休外，其余人员最长不超过3年（
    以初次
    核定其享受补贴时年龄为准）. Decided for the hired person, paid to the unit."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        ("dalian.hard_to_employ_subsidy_max_years", "dalian.near_retirement_extension_years_before_retirement"),
        period="month",
    ):
        return early
    employed, spell = _employed(facts, clause)
    hired = fact_date(spell.get("from")) if spell else None
    reasons = [employed]
    if spell is not None:
        reasons.append(_hard_to_employ(facts, clause, hired))
    else:
        reasons.append(_hard_to_employ(facts, clause))
    limit, extension, months = limit_until_retirement(
        facts,
        params,
        programs=(program.code, "dalian_public_welfare_post_subsidy"),
        normal_years_code="dalian.hard_to_employ_subsidy_max_years",
        extension_years_code="dalian.near_retirement_extension_years_before_retirement",
        clause=clause,
    )
    reasons.append(limit)
    reasons.append(no_overlapping_grant(facts, _others(program, DALIAN_SAME_CONTRIBUTIONS), clause=clause))
    eligible = eligibility(reasons)
    amount, amount_reasons = employer_si_amount(params, facts, clause=clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=months,
        reasons=[*reasons, extension, *amount_reasons],
        note=_(
            "Paid to the unit in full for its own share; employment-injury and maternity insurance are not included."
        ),
    )


@rule("dalian_startup_leader_si_subsidy")
def dalian_startup_leader_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 经营实体正常经营1年以上并按规定缴纳社会保险费的，按其为招用城镇登记失业人员缴纳的基本养老保险费、
    基本医疗
    保险费和失业保险费给予全额补贴，补贴期限最长不超过3年，对创业实体的社保补贴每户每年最多给予10万元. The person is the
    founder (register startup_leaders), the organization the entity; each hire counts for 3 years from its hire."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        ("dalian.startup_leader_si_min_operation_years", "dalian.startup_leader_si_max_years"),
        period="month",
    ):
        return early
    reasons = [
        on_register_on(
            facts,
            ["startup_leaders"],
            facts.as_of,
            condition="startup_leader",
            label=_("The founder is a recognised start-up leader (创业带头人)"),
            clause=clause,
        )
    ]
    min_years = years_value(params, "dalian.startup_leader_si_min_operation_years", facts.as_of)
    registered = facts.date("organization.registered_on")
    label = _("The entity has operated for at least %(years)s year(s)") % {"years": min_years}
    if registered is None:
        reasons.append(missing("operating_long_enough", label, clause, "organization.registered_on"))
    else:
        reasons.append(
            Reason(
                condition="operating_long_enough",
                label=label,
                clause=clause,
                # 正常经营1年以上 (以上: the number included): from the first anniversary of registration on
                met=at_least(facts.as_of, add_months(registered, min_years * 12)),
                detail=_("Registered on %(date)s") % {"date": registered.isoformat()},
            )
        )
    max_months = _months(params, "dalian.startup_leader_si_max_years", facts.as_of)
    hires = facts.get("organization.hires")
    label = _("Employs registered unemployed persons hired within the subsidy period")
    qualifying = 0
    if hires is None:
        reasons.append(missing("qualifying_hires", label, clause, "organization.hires"))
    else:
        for hire in hires:
            start, end = fact_date(hire.get("from")), fact_date(hire.get("to"))
            # 补贴期限最长不超过3年 (the number included): each hire from its start through the day before its third
            # anniversary
            if (
                start is not None
                and in_period(start, max_months, facts.as_of)
                and (end is None or facts.as_of <= end)
                and "registered_urban_unemployed" in (hire.get("registers") or [])
            ):
                qualifying += 1
        reasons.append(
            Reason(
                condition="qualifying_hires",
                label=label,
                met=qualifying > 0,
                clause=clause,
                detail=_("%(count)s qualifying hire(s)") % {"count": qualifying},
            )
        )
    reasons.append(no_overlapping_grant(facts, _others(program, DALIAN_EMPLOYER), clause=clause))
    cap, cap_reason = parameter_amount(
        params, "dalian.startup_leader_si_cap_per_entity_per_year_cny", facts.as_of, clause=clause
    )
    reasons.append(_yearly_cap_left(program, facts, cap, clause))
    eligible = eligibility(reasons)
    contributions = contributions_from_records(clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=None,
        period="month",
        max_periods=max_months,
        reasons=[*reasons, contributions, cap_reason],
        note=_("Per hire and month, at most the yearly cap per entity (calendar year)."),
    )


def _yearly_cap_left(program: ProgramInfo, facts: Facts, cap, clause: str) -> Reason:
    """大连（六）'s 每户每年最多给予10万元: the grants of this program to the entity dated in the as-of calendar year
    (their ``amount_cny``) stay under the cap (docs/policy-decisions.md)."""
    label = _("Under the yearly cap per entity (calendar year)")
    if cap is None:
        return Reason(
            condition="yearly_cap",
            label=label,
            met=None,
            clause=clause,
            missing=("dalian.startup_leader_si_cap_per_entity_per_year_cny",),
        )
    year = facts.as_of.year
    granted = sum(
        (
            Decimal(grant.get("amount_cny") or "0")
            for grant in facts.received(program=program.code)
            if (fact_date(grant.get("from")) or facts.as_of).year == year
        ),
        Decimal("0"),
    )
    # 最多给予10万元 (最多: the number included): the year's grants may add up to the cap itself, so room is left
    # while they are under it (less_than); at exactly the cap nothing is left
    return Reason(
        condition="yearly_cap",
        label=label,
        met=less_than(granted, cap),
        clause=clause,
        detail=_("Granted in %(year)s: %(granted)s of %(cap)s CNY; left: %(left)s CNY")
        % {
            "year": year,
            "granted": f"{granted:.2f}",
            "cap": f"{cap:.2f}",
            "left": f"{max(cap - granted, Decimal('0')):.2f}",
        },
    )


# --- 济南, 朝阳, 益阳 ----------------------------------------------------------------------------------------------


@rule("jinan_flexible_employment_si_subsidy")
def jinan_flexible_employment_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（六）: 属于就业困难人员、离校2年内未就业高校毕业生的，可按照规定享受灵活就业社会保险补贴政策. 大连's
    form with
    every number open (docs/policy-decisions.md); the graduate's flexible employment begins within 2 years of
    graduation."""
    clause = program.clause
    if early := durations_unset(program, facts, params, ("jinan.flexible_si_graduate_window_years",), period="month"):
        return early
    flexible, spell = flexible_paying(facts, clause)
    hard = _hard_to_employ(facts, clause)
    window_years = years_value(params, "jinan.flexible_si_graduate_window_years", facts.as_of)
    graduated = facts.date("person.graduation_date")
    graduate = is_college_graduate(facts, clause=clause)
    start = fact_date(spell.get("from")) if spell else None
    label = _("A college graduate whose flexible employment began within %(years)s years of leaving school") % {
        "years": window_years
    }
    if graduated is None or graduate.met is None:
        in_window = missing("graduate_window", label, clause, "person.graduation_date", "person.education")
    elif start is None:
        in_window = Reason(condition="graduate_window", label=label, met=False, clause=clause)
    else:
        # 离校2年内 (以内: the number included): begun by the second anniversary of graduation, that day counting
        window = within_months_after(
            graduated, window_years * 12, start, condition="graduate_window", label=label, clause=clause
        )
        in_window = Reason(
            condition="graduate_window",
            label=label,
            met=window.met and graduate.met,
            clause=clause,
            detail=window.detail,
        )
    group_label = _("A person with employment difficulties, or a graduate within the window")
    answers = [hard.met, in_window.met]
    if True in answers:
        group = Reason(condition="target_group", label=group_label, met=True, clause=clause)
    elif None in answers:
        group = Reason(
            condition="target_group",
            label=group_label,
            met=None,
            clause=clause,
            missing=hard.missing + in_window.missing,
        )
    else:
        group = Reason(condition="target_group", label=group_label, met=False, clause=clause)
    reasons = [flexible, group]
    eligible = eligibility(reasons)
    amount, amount_reasons = city_flexible_si_amount(params, facts, clause=clause)
    max_value, max_reason = parameter_amount(
        params, CITY_FLEXIBLE_SI["jinan"]["max_months"], facts.as_of, clause=clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=None if max_value is None else int(max_value),
        reasons=[*reasons, hard, in_window, *amount_reasons, max_reason],
        # a graduate within the window keeps it whatever the register; otherwise it rests on the recognition
        holds_while_on=() if in_window.met else ("hard_to_employ",),
    )


@rule("chaoyang_hard_to_employ_si_subsidy")
def chaoyang_hard_to_employ_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十八）: 落实就业困难人员社会保险补贴政策. Two legs (docs/policy-decisions.md): flexibly employed → the
    flexible subsidy to the person; employed by a unit → the unit's contributions to the unit; one leg per month."""
    clause = program.clause
    reasons = [_hard_to_employ(facts, clause)]
    status = facts.employment_status()
    label = _("In flexible employment paying contributions, or employed by a unit")
    flexible, _spell = flexible_paying(facts, clause)
    if status is None:
        leg_reason = missing("leg", label, clause, "person.employment")
    elif status == "flexible":
        leg_reason = Reason(
            condition="leg",
            label=label,
            met=flexible.met,
            clause=clause,
            missing=flexible.missing,
            detail=_("Flexible employment: paid to the person"),
        )
    elif status == "employed":
        leg_reason = Reason(
            condition="leg", label=label, met=True, clause=clause, detail=_("Employed by a unit: paid to the unit")
        )
    else:
        leg_reason = Reason(
            condition="leg", label=label, met=False, clause=clause, detail=employment_status_label(status)
        )
    reasons.append(leg_reason)
    eligible = eligibility(reasons)
    if status == "employed":
        amount, amount_reasons = employer_si_amount(params, facts, clause=clause)
    else:
        amount, amount_reasons = city_flexible_si_amount(params, facts, clause=clause)
    max_code = CITY_FLEXIBLE_SI["chaoyang"]["max_months"]
    max_value, max_reason = parameter_amount(params, max_code, facts.as_of, clause=clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=None if max_value is None else int(max_value),
        reasons=[*reasons, *amount_reasons, max_reason],
        holds_while_on=("hard_to_employ",),
    )


@rule("yiyang_poverty_employer_si_subsidy")
def yiyang_poverty_employer_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十二）: 建档立卡贫困劳动力与之依法签订1年以上劳动合同且实际在岗12个月，按其为贫困劳动力实际缴纳的基本
    养老保险费、
    基本医疗保险费和失业保险费给予补贴（不包括个人应缴纳部分），补贴期限不超过3年. Decided for the laborer, paid to
    the unit
    after each completed 12 months in post, within 3 years of the hire."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        (
            "yiyang.poverty_employer_si_min_contract_years",
            "yiyang.poverty_employer_si_min_months_in_post",
            "yiyang.poverty_employer_si_max_years",
        ),
        period="month",
    ):
        return early
    employed, spell = _employed(facts, clause)
    hired = fact_date(spell.get("from")) if spell else None
    reasons = [employed]
    reasons.append(
        on_register_on(
            facts,
            ["poverty_registered_labor"],
            hired or (None if spell else facts.as_of),
            condition="poverty_labor_on_hire",
            label=_("A registered poverty laborer (建档立卡) when hired"),
            clause=clause,
            day_path="person.employment.from",
        )
    )
    min_years = years_value(params, "yiyang.poverty_employer_si_min_contract_years", facts.as_of)
    contract = facts.get("person.labour_contract_months")
    label = _("A labour contract of at least %(years)s year(s)") % {"years": min_years}
    # 签订1年以上劳动合同 (以上: the number included): a contract of 12 months qualifies
    reasons.append(
        missing("contract_term", label, clause, "person.labour_contract_months")
        if contract is None
        else Reason(condition="contract_term", label=label, met=at_least(contract, min_years * 12), clause=clause)
    )
    in_post = years_value(params, "yiyang.poverty_employer_si_min_months_in_post", facts.as_of)
    max_months = _months(params, "yiyang.poverty_employer_si_max_years", facts.as_of)
    if hired is not None:
        label = _("At least %(months)s months in post") % {"months": in_post}
        # 实际在岗12个月: complete (届满, counting.at_least) on the same day 12 months after the hire
        reasons.append(
            Reason(
                condition="months_in_post",
                label=label,
                clause=clause,
                met=at_least(facts.as_of, add_months(hired, in_post)),
            )
        )
        # 补贴期限不超过3年 (不超过: the number included): from the hire through the day before its third anniversary
        reasons.append(
            window_since(
                hired,
                max_months,
                facts.as_of,
                condition="within_limit",
                label=_("Within the subsidy period from the hire"),
                clause=clause,
            )
        )
    eligible = eligibility(reasons)
    amount, amount_reasons = employer_si_amount(params, facts, clause=clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=max_months,
        reasons=[*reasons, *amount_reasons],
        note=_("Paid to the unit after each completed 12 months in post; the individual's share is not subsidised."),
    )
