"""The employers' social-insurance subsidies of 财社〔2017〕164号《就业补助资金管理办法》第七条, the national rule the
cities' 按规定 sends the reader to: its figures, the per-city tables of the subsidies that pay the same
contributions, and the conditions and the monthly amount the rules in employer_hiring.py and graduate_hiring.py
share. No rule is registered here."""

import datetime
from decimal import Decimal

from ..conditions import missing
from ..conditions_people import (
    employed_as,
    employer_si_amount,
    limit_until_retirement,
    no_overlapping_grant,
    on_register_on,
    window_since,
)
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from .social_insurance import DALIAN_SAME_CONTRIBUTIONS

# --- the national rule ----------------------------------------------------------------------------------------

# 第七条: （一） 对招用就业困难人员并缴纳社会保险费的单位…按其为就业困难人员实际缴纳的基本养老保险费、基本医疗保险费
# 和失业保险费给予补贴，不包括就业困难人员个人应缴纳的部分…补贴期限，除对距法定退休年龄不足5年的就业困难人员可延长至
# 退休外，其余人员最长不超过3年（以初次核定其享受社会保险补贴时年龄为准）; （二） 对招用毕业年度高校毕业生，与之签订
# 1年以上劳动合同并为其缴纳社会保险费的小微企业，给予最长不超过1年的社会保险补贴，不包括高校毕业生个人应缴纳的部分.
NATIONAL = "财社〔2017〕164号"
SI_ARTICLE = "第七条"
HARD_TO_EMPLOY_ARTICLE = "第七条（一）"  # 就业困难人员社会保险补贴
GRADUATE_ARTICLE = "第七条（二）"  # 高校毕业生社会保险补贴

# （二） 1年以上劳动合同: 以上 includes the number, a contract of exactly 12 months counts (第五条（二）'s 1年以上期限
# 劳动合同 reads the same); 最长不超过1年: the 12th month from the hire is the last.
MIN_CONTRACT_MONTHS = 12
GRADUATE_SI_MAX_MONTHS = 12

# （一）'s periods, 最长不超过3年 (3 included) and 不足5年 (5 excluded): fixed by the national text (no city sets them;
# 财社〔2015〕290号 said the same), as parameters in memory so that the cities' limit helper
# (conditions_people.limit_until_retirement) counts them exactly as it counts 大连（十五）'s.
NATIONAL_MAX_YEARS = "caishe_2017_164.hard_to_employ_si_max_years"
NATIONAL_EXTENSION_YEARS = "caishe_2017_164.near_retirement_extension_years"
NATIONAL_FIGURES = Params(
    {
        NATIONAL_MAX_YEARS: [(datetime.date.min, Decimal(3))],
        NATIONAL_EXTENSION_YEARS: [(datetime.date.min, Decimal(5))],
    },
    names={
        NATIONAL_MAX_YEARS: "就业困难人员社会保险补贴最长期限（财社〔2017〕164号）",
        NATIONAL_EXTENSION_YEARS: "延长至退休的距法定退休年龄年限（财社〔2017〕164号）",
    },
)

# 济南's monthly post subsidy (岗位补贴), paid with the social-insurance subsidy for the same hire and months.
JINAN_POST_SUBSIDY = "jinan.employer_post_subsidy_monthly_cny"


def national(program: ProgramInfo, article: str) -> str:
    """The clause of a reason taken from the national rule: the city's clause, then the document and article."""
    return f"{program.clause}；{NATIONAL}{article}"


# --- the per-city tables ----------------------------------------------------------------------------------------

# One employer's subsidy of a person's contributions per month, the one approved first (docs/policy-decisions.md,
# "Social-insurance subsidies"): the programs of each city that pay the unit's contributions for the same person.
SAME_CONTRIBUTIONS = {
    "daqing": (
        "daqing_sme_graduate_si_subsidy",
        "daqing_hard_to_employ_employer_si_subsidy",
        "daqing_new_form_enterprise_hiring_subsidy",
        "daqing_social_org_graduate_hiring_support",
    ),
    "dalian": DALIAN_SAME_CONTRIBUTIONS,
    "jinan": (
        "jinan_household_service_hard_to_employ_subsidy",
        "jinan_difficult_graduate_employer_subsidy",
        "jinan_laid_off_absorption_support",
        "jinan_new_form_enterprise_hiring_subsidy",
        "jinan_social_org_graduate_hiring_support",
    ),
    "yiyang": (
        "yiyang_laid_off_absorption_support",
        "yiyang_poverty_employer_si_subsidy",
        "yiyang_new_form_enterprise_hiring_support",
        "yiyang_social_org_graduate_hiring_support",
    ),
}
# 以初次核定其享受社会保险补贴时年龄为准: the first approval of any subsidy of the unit's contributions for a
# hard-to-employ hire in the city (the deciding program's among them).
FIRST_APPROVAL = {
    "daqing": ("daqing_hard_to_employ_employer_si_subsidy", "daqing_new_form_enterprise_hiring_subsidy"),
    "dalian": (
        "dalian_laid_off_absorption_support",
        "dalian_hard_to_employ_employer_si_subsidy",
        "dalian_public_welfare_post_subsidy",
    ),
    "jinan": (
        "jinan_household_service_hard_to_employ_subsidy",
        "jinan_laid_off_absorption_support",
        "jinan_new_form_enterprise_hiring_subsidy",
    ),
    "yiyang": ("yiyang_laid_off_absorption_support", "yiyang_new_form_enterprise_hiring_support"),
}


def other_same_contributions(program: ProgramInfo, *, besides: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The city's other subsidies of the same contributions (SAME_CONTRIBUTIONS), leaving out ``besides``."""
    return tuple(code for code in SAME_CONTRIBUTIONS[program.city] if code != program.code and code not in besides)


def same_contributions(program: ProgramInfo, facts: Facts, clause: str) -> Reason:
    """No other subsidy of the same contributions for this month (SAME_CONTRIBUTIONS)."""
    return no_overlapping_grant(facts, other_same_contributions(program), clause=clause)


# --- conditions of a hire ---------------------------------------------------------------------------------------


def insured_hire(facts: Facts, clause: str) -> tuple[Reason, dict | None, datetime.date | None]:
    """Employed by the unit on the day, which pays the person's social insurance (招用…并缴纳社会保险费的单位):
    the reason, the employed spell (None without one) and the hiring day (its start; None when not recorded)."""
    reason, spell = employed_as(
        facts,
        ("employed",),
        paying=True,
        condition="employed_insured",
        label=_("Employed by the unit, which pays the person's social insurance"),
        clause=clause,
    )
    return reason, spell, (fact_date(spell.get("from")) if spell else None)


def on_register_when_hired(
    facts: Facts, code: str, hired: datetime.date | None, *, condition: str, label: str, clause: str
) -> Reason:
    """On the register ``code`` on the hiring day (招用…时)."""
    return on_register_on(
        facts, [code], hired, condition=condition, label=label, clause=clause, day_path="person.employment.from"
    )


def hard_to_employ_when_hired(facts: Facts, hired: datetime.date | None, clause: str) -> Reason:
    """招用就业困难人员: on the register 就业困难人员 on the hiring day."""
    return on_register_when_hired(
        facts,
        "hard_to_employ",
        hired,
        condition="hard_to_employ_on_hire",
        label=_("Recognised as a person with employment difficulties (就业困难人员) when hired"),
        clause=clause,
    )


def contract_of_a_year(facts: Facts, clause: str) -> Reason:
    """（二） 签订1年以上劳动合同: the current contract runs 12 months or more (open-ended: 999)."""
    label = _("A labour contract of at least 1 year (1年以上)")
    months = facts.get("person.labour_contract_months")
    if months is None:
        return missing("contract_term", label, clause, "person.labour_contract_months")
    return Reason(
        condition="contract_term",
        label=label,
        met=months >= MIN_CONTRACT_MONTHS,
        clause=clause,
        detail=_("%(months)s months") % {"months": months},
    )


def within_a_year_of_hire(facts: Facts, hired: datetime.date, clause: str) -> Reason:
    """（二） 最长不超过1年: from the hiring day to the day before its 12-month anniversary."""
    return window_since(
        hired,
        GRADUATE_SI_MAX_MONTHS,
        facts.as_of,
        condition="within_limit",
        label=_("Within 1 year from the hire"),
        clause=clause,
    )


def hard_to_employ_limit(program: ProgramInfo, facts: Facts) -> tuple[Reason, Reason, int | None]:
    """（一）'s period: at most 3 years from the first approval (FIRST_APPROVAL), until retirement for a person with
    fewer than 5 years to go then. The limit, the extension and the number of months (limit_until_retirement)."""
    return limit_until_retirement(
        facts,
        NATIONAL_FIGURES,
        programs=FIRST_APPROVAL[program.city],
        normal_years_code=NATIONAL_MAX_YEARS,
        extension_years_code=NATIONAL_EXTENSION_YEARS,
        clause=national(program, HARD_TO_EMPLOY_ARTICLE),
    )


# --- the monthly amount -----------------------------------------------------------------------------------------


def monthly_amount(
    program: ProgramInfo, facts: Facts, params: Params, *, clause: str, post_code: str | None = None
) -> tuple[Decimal | None, list[Reason]]:
    """The unit's contributions for the person per month (the individual's share excluded), plus the monthly post
    subsidy where the city pays one (济南: ``post_code``)."""
    amount, reasons = employer_si_amount(params, facts, clause=clause)
    if post_code:
        post, reason = parameter_amount(params, post_code, facts.as_of, clause=program.clause)
        reasons = [reason, *reasons]
        amount = None if amount is None or post is None else money(post + amount)
    return amount, reasons


def monthly_decision(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    reasons: list[Reason],
    *,
    amount_clause: str,
    max_periods: int | None,
    note: str,
    post_code: str | None = None,
    extra: tuple[Reason, ...] | list[Reason] = (),
) -> Decision:
    """A unit's subsidy of one hire's contributions, paid each month: eligible on ``reasons`` (``extra`` reasons
    only inform), the amount ``monthly_amount``'s."""
    eligible = eligibility(reasons)
    amount, amount_reasons = monthly_amount(program, facts, params, clause=amount_clause, post_code=post_code)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=max_periods,
        reasons=[*reasons, *extra, *amount_reasons],
        note=note,
    )
