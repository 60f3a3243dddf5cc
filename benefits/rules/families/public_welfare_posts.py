"""公益性岗位补贴: the post subsidy for people with employment difficulties placed in public-welfare posts.
大连（十五）; decisions in docs/policy-decisions.md, "Public-welfare posts" and "Social-insurance subsidies"."""

from ..conditions_people import (
    durations_unset,
    employed_as,
    limit_until_retirement,
    on_register_on,
    within_years_of_retirement_on,
)
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule


@rule("dalian_public_welfare_post_subsidy")
def dalian_public_welfare_post_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十五）: 对公益性岗位安置的就业困难人员给予岗位补贴，补贴标准为当地最低工资标准。上述补贴期限除对距法定
    退休年龄不足5年
    的人员可延长至退休外，其余人员最长不超过3年（以初次核定其享受补贴时年龄为准）. Paid to the person monthly at the
    minimum
    wage of the post's place (one city value for now)."""
    clause = program.clause
    if early := durations_unset(
        program,
        facts,
        params,
        (
            "dalian.hard_to_employ_subsidy_max_years",
            "dalian.near_retirement_extension_years_before_retirement",
            "dalian.public_welfare_post_priority_years_before_retirement",
        ),
        period="month",
    ):
        return early
    placed, spell = employed_as(
        facts,
        ("employed",),
        condition="public_welfare_post",
        label=_("Placed in a public-welfare post (公益性岗位)"),
        clause=clause,
    )
    if spell is not None and spell.get("employer_kind") != "public_welfare_post":
        placed = Reason(
            condition="public_welfare_post",
            label=placed.label,
            met=False,
            clause=clause,
            detail=_("Employed, but not in a public-welfare post (employer_kind)"),
        )
    reasons = [
        on_register_on(
            facts,
            ["hard_to_employ"],
            facts.as_of,
            condition="hard_to_employ",
            label=_("Recognised as a person with employment difficulties (就业困难人员)"),
            clause=clause,
        ),
        placed,
    ]
    gate(reasons)
    # 不足5年 (the number excluded) at the first approval, else 最长不超过3年 (included): limit_until_retirement
    limit, extension, months = limit_until_retirement(
        facts,
        params,
        programs=(program.code, "dalian_hard_to_employ_employer_si_subsidy"),
        normal_years_code="dalian.hard_to_employ_subsidy_max_years",
        extension_years_code="dalian.near_retirement_extension_years_before_retirement",
        clause=clause,
    )
    reasons.append(limit)
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "dalian.local_minimum_wage_monthly_cny", facts.as_of, clause=clause
    )
    priority_years = int(params.value("dalian.public_welfare_post_priority_years_before_retirement", facts.as_of))
    # 重点安置…距法定退休年龄5年以内的人员 (以内: the day exactly 5 years before the retirement date counts, through the
    # day before the retirement date): a note, not a condition
    near, _lacking = within_years_of_retirement_on(facts, facts.as_of, priority_years)
    zero = facts.household_on_register("zero_employment_households")
    note = ""
    if near or zero:
        note = _(
            "Priority placement: a member of a zero-employment household or within %(years)s years of the "
            "statutory retirement age."
        ) % {"years": priority_years}
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=months,
        reasons=[*reasons, extension, amount_reason],
        note=note,
        holds_while_on=("hard_to_employ",),
    )
