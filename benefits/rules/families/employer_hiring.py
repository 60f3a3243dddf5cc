"""Employers paid for the people they hire, train or take on as interns: social-insurance (and 济南's post)
subsidies for hiring graduates, people with employment difficulties and workers displaced by overcapacity cuts,
pre-job training of new graduates, internships and apprenticeships. Where a city's text says 按规定 / 按照规定, the
rule applies the national rule it sends the reader to, 财社〔2017〕164号《就业补助资金管理办法》, and the reasons
taken from it carry its article after the city's clause. 大庆（三）（十）（十四）, 大连（十三）,
济南（三）（十一）（十五）, 朝阳（二十一）, 益阳（十一）; the readings are in docs/policy-decisions.md."""

import datetime
from decimal import Decimal

from core.dates import add_months

from ..conditions import is_college_graduate, missing
from ..conditions_business import count_people, evidence, small_or_micro
from ..conditions_people import (
    employed_as,
    employer_si_amount,
    flag,
    limit_until_retirement,
    no_overlapping_grant,
    on_register_on,
    window_since,
)
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule
from .internship import GRADUATES, _interning_on
from .internship import _decision as internship_decision
from .social_insurance import DALIAN_SAME_CONTRIBUTIONS
from .training import kind_is

# --- the national rule ----------------------------------------------------------------------------------------

NATIONAL = "财社〔2017〕164号"
TRAINING_ARTICLE = "第五条（二）"  # 企业新录用的五类人员…岗位技能培训; 企业新型学徒制培训
HARD_TO_EMPLOY_ARTICLE = "第七条（一）"  # 就业困难人员社会保险补贴
GRADUATE_ARTICLE = "第七条（二）"  # 高校毕业生社会保险补贴

# 第七条（二）: 对招用毕业年度高校毕业生，与之签订1年以上劳动合同并为其缴纳社会保险费的小微企业，给予最长不超过1年
# 的社会保险补贴，不包括高校毕业生个人应缴纳的部分. 第五条（二）: 与企业签订1年以上期限劳动合同、并于签订劳动合同之日
# 起1年内参加…岗位技能培训的. 以上 includes the number: a 12-month contract is 1年以上.
MIN_CONTRACT_MONTHS = 12
GRADUATE_SI_MAX_MONTHS = 12
TRAINING_WITHIN_MONTHS = 12

# 第七条（一）: 就业困难人员社会保险补贴期限，除对距法定退休年龄不足5年的就业困难人员可延长至退休外，其余人员最长不超过
# 3年（以初次核定其享受社会保险补贴时年龄为准）. The national figures, as parameters in memory so that the cities'
# limit helper (conditions_people.limit_until_retirement) counts them exactly as it counts 大连（十五）'s: national
# law, in force before any of the five documents (财社〔2015〕290号 said the same).
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


def national(program: ProgramInfo, article: str) -> str:
    """The clause of a reason taken from the national rule: the city's clause, then the document and article."""
    return f"{program.clause}；{NATIONAL}{article}"


# One employer's subsidy of a person's contributions per month (docs/policy-decisions.md, "Social-insurance
# subsidies"): the programs of each city that pay the unit's contributions for the same person.
SAME_CONTRIBUTIONS = {
    "daqing": (
        "daqing_sme_graduate_si_subsidy",
        "daqing_hard_to_employ_employer_si_subsidy",
        "daqing_new_form_enterprise_hiring_subsidy",
        "daqing_social_org_graduate_hiring_support",
    ),
    "dalian": (
        *DALIAN_SAME_CONTRIBUTIONS,
        "dalian_laid_off_absorption_support",
        "dalian_new_form_enterprise_hiring_si_subsidy",
    ),
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
# 以初次核定其享受社会保险补贴时年龄为准: the first approval of any subsidy of a hard-to-employ person's contributions.
FIRST_APPROVAL = {
    "daqing": ("daqing_hard_to_employ_employer_si_subsidy",),
    "dalian": (
        "dalian_laid_off_absorption_support",
        "dalian_hard_to_employ_employer_si_subsidy",
        "dalian_public_welfare_post_subsidy",
    ),
    "jinan": ("jinan_household_service_hard_to_employ_subsidy", "jinan_laid_off_absorption_support"),
    "yiyang": ("yiyang_laid_off_absorption_support",),
}

DISPLACED = "overcapacity_displaced_workers"
SECONDARY_LEAVERS = "unemployed_secondary_vocational_graduates"


# --- conditions of a hire ---------------------------------------------------------------------------------------


def insured_hire(facts: Facts, clause: str) -> tuple[Reason, datetime.date | None, bool]:
    """Employed by a unit on the day, the unit paying the person's social insurance (招用…并缴纳社会保险费的单位):
    the reason, the hiring day (the start of the employed spell) and whether there is such a spell."""
    reason, spell = employed_as(
        facts,
        ("employed",),
        paying=True,
        condition="employed_insured",
        label=_("Employed by the unit, which pays the person's social insurance"),
        clause=clause,
    )
    return reason, (fact_date(spell.get("from")) if spell else None), spell is not None


def on_register_when_hired(
    facts: Facts, code: str, hired: datetime.date | None, *, condition: str, label: str, clause: str
) -> Reason:
    return on_register_on(
        facts, [code], hired, condition=condition, label=label, clause=clause, day_path="person.employment.from"
    )


def hard_to_employ_when_hired(facts: Facts, hired: datetime.date | None, clause: str) -> Reason:
    return on_register_when_hired(
        facts,
        "hard_to_employ",
        hired,
        condition="hard_to_employ_on_hire",
        label=_("Recognised as a person with employment difficulties (就业困难人员) when hired"),
        clause=clause,
    )


def enterprise(facts: Facts, clause: str) -> Reason:
    return flag(
        facts, "organization.kind", condition="enterprise", clause=clause, expected="employer", label=_("An enterprise")
    )


def contract_term(facts: Facts, clause: str) -> Reason:
    """签订1年以上劳动合同: the current contract runs 12 months or more (open-ended: 999)."""
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


def same_contributions(program: ProgramInfo, facts: Facts, clause: str) -> Reason:
    others = tuple(code for code in SAME_CONTRIBUTIONS[program.city] if code != program.code)
    return no_overlapping_grant(facts, others, clause=clause)


def monthly_amount(
    program: ProgramInfo, facts: Facts, params: Params, *, clause: str, post_code: str | None = None
) -> tuple[Decimal | None, list[Reason]]:
    """The unit's contributions for the person per month (the individual's share excluded), plus the monthly post
    subsidy where the city pays one (济南)."""
    amount, reasons = employer_si_amount(params, facts, clause=clause)
    if post_code:
        post, reason = parameter_amount(params, post_code, facts.as_of, clause=program.clause)
        reasons = [reason, *reasons]
        amount = None if amount is None or post is None else money(post + amount)
    return amount, reasons


def hard_to_employ_si(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    reasons: list[Reason],
    *,
    note: str,
    post_code: str | None = None,
) -> Decision:
    """The national subsidy of the unit's contributions for a hard-to-employ hire (164号第七条（一）), after the
    city's own conditions in ``reasons``: one subsidy of the contributions per month, 3 years from the first
    approval, or until retirement for a person with fewer than 5 years to go then."""
    clause = national(program, HARD_TO_EMPLOY_ARTICLE)
    reasons = [*reasons, same_contributions(program, facts, clause)]
    gate(reasons)
    limit, extension, months = limit_until_retirement(
        facts,
        NATIONAL_FIGURES,
        programs=FIRST_APPROVAL[program.city],
        normal_years_code=NATIONAL_MAX_YEARS,
        extension_years_code=NATIONAL_EXTENSION_YEARS,
        clause=clause,
    )
    reasons.append(limit)
    eligible = eligibility(reasons)
    amount, amount_reasons = monthly_amount(program, facts, params, clause=clause, post_code=post_code)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=months,
        reasons=[*reasons, extension, *amount_reasons],
        note=note,
    )


# --- graduates ---------------------------------------------------------------------------------------------------


@rule("daqing_sme_graduate_si_subsidy")
def daqing_sme_graduate_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（三）: 小微企业新招用毕业年度高校毕业生，按照规定给予企业社会保险…补贴 — 按照规定 is 164号第七条（二）: a
    contract of 1 year or more, the unit paying the graduate's social insurance, at most 1 year from the hire, the
    individual's share excluded. Decided for the hired graduate (on 毕业年度高校毕业生 on the hiring day), paid to the
    enterprise."""
    clause, rule_clause = program.clause, national(program, GRADUATE_ARTICLE)
    employed, hired, has_spell = insured_hire(facts, rule_clause)
    reasons = [small_or_micro(facts, clause=clause), is_college_graduate(facts, clause=clause), employed]
    if has_spell:
        reasons.append(
            on_register_when_hired(
                facts,
                "graduating_year_graduates",
                hired,
                condition="graduate_status_on_hire",
                label=_("A graduating-year graduate when hired (新招用毕业年度高校毕业生)"),
                clause=clause,
            )
        )
    reasons.append(contract_term(facts, rule_clause))
    if hired is not None:
        reasons.append(
            window_since(
                hired,
                GRADUATE_SI_MAX_MONTHS,
                facts.as_of,
                condition="within_limit",
                label=_("Within the subsidy period from the hire"),
                clause=rule_clause,
            )
        )
    reasons.append(same_contributions(program, facts, rule_clause))
    eligible = eligibility(reasons)
    amount, amount_reasons = employer_si_amount(params, facts, clause=rule_clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=GRADUATE_SI_MAX_MONTHS,
        reasons=[*reasons, *amount_reasons],
        note=_(
            "Paid to the enterprise: its pension, medical and unemployment contributions for the graduate, at most "
            "12 months from the hire."
        ),
    )


@rule("jinan_difficult_graduate_employer_subsidy")
def jinan_difficult_graduate_employer_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（十一）: 支持企业招用困难高校毕业生，符合条件的给予岗位补贴、社会保险补贴. 困难高校毕业生 is the register
    困难高校毕业生 on the hiring day; 符合条件的 are the provincial conditions the job centre checks (recorded
    evidence); the post subsidy and the unit's contributions are paid each month, for the period the provincial
    rules set (not stated)."""
    clause = program.clause
    employed, hired, has_spell = insured_hire(facts, clause)
    reasons = [enterprise(facts, clause), is_college_graduate(facts, clause=clause), employed]
    if has_spell:
        reasons.append(
            on_register_when_hired(
                facts,
                "difficult_family_graduates",
                hired,
                condition="difficult_graduate_on_hire",
                label=_("A graduate from a hardship background (困难高校毕业生) when hired"),
                clause=clause,
            )
        )
    reasons.append(
        evidence(
            facts,
            "organization",
            "provincial_conditions_met",
            label=_("Meets the conditions of the provincial rules (符合条件的), as the job centre checked"),
            clause=clause,
        )
    )
    reasons.append(same_contributions(program, facts, clause))
    eligible = eligibility(reasons)
    amount, amount_reasons = monthly_amount(
        program, facts, params, clause=clause, post_code="jinan.employer_post_subsidy_monthly_cny"
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=None,
        reasons=[*reasons, *amount_reasons],
        note=_(
            "Paid to the enterprise each month: the post subsidy and its contributions for the graduate. The period "
            "is the provincial rules' (济南 states none): the caseworker sets it with the approval."
        ),
    )


@rule("daqing_sme_graduate_prejob_training_subsidy")
def daqing_sme_graduate_prejob_training_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（三）: 小微企业新招用毕业年度高校毕业生，按照规定给予企业…岗前技能培训补贴 — 按照规定 is 164号第五条（二）:
    a contract of 1 year or more, training begun within 1 year of the contract day, a vocational certificate
    obtained. Per counted trainee (on 毕业年度高校毕业生 at the course start), to the enterprise, once per course."""
    clause, rule_clause = program.clause, national(program, TRAINING_ARTICLE)
    start = facts.date("training.start_date")

    def counts(trainee: dict) -> bool | None:
        if "graduating_year_graduates" not in (trainee.get("registers") or []):
            return False
        hired, months = fact_date(trainee.get("hired_on")), trainee.get("contract_months")
        if hired is None or months is None:
            return None
        if months < MIN_CONTRACT_MONTHS or not hired <= start < add_months(hired, TRAINING_WITHIN_MONTHS):
            return False
        return trainee.get("certificate_obtained")

    label = _(
        "Graduating-year graduates newly hired on a contract of at least 1 year, trained within a year of the "
        "contract and certified"
    )
    count = None
    if start is None:
        counted = missing("new_graduate_trainees", label, rule_clause, "training.start_date")
    else:
        count, unknown, needed = count_people(facts, "training.trainees", counts)
        counted = counted_reason("new_graduate_trainees", label, rule_clause, count, unknown, needed)
        count = None if unknown else count  # the amount waits for every trainee who might count
    reasons = [
        small_or_micro(facts, clause=clause),
        kind_is(facts, ("pre_employment",), _("Pre-job skills training (岗前技能培训)"), clause),
        counted,
    ]
    return per_trainee_decision(program, facts, params, reasons, count, rule_clause)


def counted_reason(
    condition: str, label: str, clause: str, count: int | None, unknown: int, needed: tuple[str, ...]
) -> Reason:
    """At least one counted trainee; unknown while the list, or a trainee who might count, is not known."""
    if count:
        return Reason(condition=condition, label=label, met=True, clause=clause, detail=str(count))
    if count is None or unknown:
        return missing(condition, label, clause, *needed)
    return Reason(condition=condition, label=label, met=False, clause=clause)


def per_trainee_decision(
    program: ProgramInfo, facts: Facts, params: Params, reasons: list[Reason], count: int | None, clause: str
) -> Decision:
    eligible = eligibility(reasons)
    figure, figure_reason = parameter_amount(
        params, f"{program.city}.vocational_training_subsidy_per_trainee_cny", facts.as_of, clause=clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=None if figure is None or count is None else money(figure * count),
        period="once",
        max_periods=1,
        reasons=[*reasons, figure_reason],
        note=_("Paid to the enterprise: the per-trainee figure × %(count)s counted trainee(s).")
        % {"count": "?" if count is None else count},
    )


# --- people with employment difficulties and displaced workers ------------------------------------------------------


@rule("daqing_hard_to_employ_employer_si_subsidy")
def daqing_hard_to_employ_employer_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十四）: 鼓励企业吸纳困难群体就业…按规定给予社会保险补贴 — 困难群体 is 就业困难人员 (the only group
    164号第七条（一）, the rule 按规定 sends to, subsidises a unit for), recognised when hired; the enterprise's
    contributions for 3 years, or until retirement."""
    clause, rule_clause = program.clause, national(program, HARD_TO_EMPLOY_ARTICLE)
    employed, hired, has_spell = insured_hire(facts, rule_clause)
    reasons = [enterprise(facts, clause), employed]
    if has_spell:
        reasons.append(hard_to_employ_when_hired(facts, hired, clause))
    return hard_to_employ_si(
        program,
        facts,
        params,
        reasons,
        note=_("Paid to the enterprise: its pension, medical and unemployment contributions for the person."),
    )


@rule("jinan_household_service_hard_to_employ_subsidy")
def jinan_household_service_hard_to_employ_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（三）: 对吸纳就业困难人员的企业，按规定给予岗位补贴和社会保险补贴 — every enterprise (the sentence names
    no sector); recognised when hired; the post subsidy and the unit's contributions each month for the period of
    164号第七条（一） (3 years, or until retirement; 164号 gives the post subsidies of 第八条 the same)."""
    clause, rule_clause = program.clause, national(program, HARD_TO_EMPLOY_ARTICLE)
    employed, hired, has_spell = insured_hire(facts, rule_clause)
    reasons = [enterprise(facts, clause), employed]
    if has_spell:
        reasons.append(hard_to_employ_when_hired(facts, hired, clause))
    return hard_to_employ_si(
        program,
        facts,
        params,
        reasons,
        post_code="jinan.employer_post_subsidy_monthly_cny",
        note=_("Paid to the enterprise each month: the post subsidy and its contributions for the person."),
    )


@rule("dalian_laid_off_absorption_support", "jinan_laid_off_absorption_support", "yiyang_laid_off_absorption_support")
def laid_off_absorption_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十三）, 益阳（十一）: 对单位新增岗位吸纳去产能分流人员的，按规定给予企业吸纳就业扶持政策; 济南（十五）: …按
    规定落实…. The support the job centre pays a unit under the national rule is the subsidy of its contributions
    for a hire recognised as 就业困难人员 (164号第七条（一））; the worker is on 去产能分流职工 when hired and fills a
    post the unit newly created (recorded evidence)."""
    clause, rule_clause = program.clause, national(program, HARD_TO_EMPLOY_ARTICLE)
    employed, hired, has_spell = insured_hire(facts, rule_clause)
    reasons = [employed]
    if has_spell:
        reasons.append(
            on_register_when_hired(
                facts,
                DISPLACED,
                hired,
                condition="displaced_on_hire",
                label=_("A worker displaced by overcapacity cuts (去产能分流人员) when hired"),
                clause=clause,
            )
        )
    reasons.append(
        evidence(
            facts,
            "organization",
            "new_post",
            label=_("The worker fills a post the unit newly created (新增岗位)"),
            clause=clause,
        )
    )
    if has_spell:
        reasons.append(hard_to_employ_when_hired(facts, hired, rule_clause))
    return hard_to_employ_si(
        program,
        facts,
        params,
        reasons,
        note=_(
            "Paid to the unit: its pension, medical and unemployment contributions for the worker. A displaced worker "
            "not recognised as a person with employment difficulties brings no subsidy from the job centre; the tax "
            "deduction for hiring registered unemployed people (财税〔2017〕49号) is the tax office's."
        ),
    )


# --- internships and apprenticeships -----------------------------------------------------------------------------


@rule("daqing_internship_subsidy")
def daqing_internship_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十）: 每年新认定一批企事业单位成为就业见习基地…就业见习补贴可用于见习单位为见习人员办理人身意外伤害保险
    以及对见习人员的指导管理费用，见习对象范围扩大到离校未就业中职毕业生 — a recognised base (recorded evidence), per
    intern on the day who was on 离校未就业高校毕业生 or 离校未就业中职毕业生 when the internship began."""
    clause = program.clause
    label = _("Hosts interns of the target group on this day")
    interns = facts.get("training.interns")
    if interns is None:
        count, counted = None, missing("qualifying_interns", label, clause, "training.interns")
    else:
        count = sum(
            1
            for intern in interns
            if _interning_on(intern, facts.as_of)
            and {GRADUATES, SECONDARY_LEAVERS} & set(intern.get("registers") or [])
        )
        counted = Reason(
            condition="qualifying_interns",
            label=label,
            met=count > 0,
            clause=clause,
            detail=_("%(count)s intern(s)") % {"count": count},
        )
    reasons = [
        evidence(
            facts,
            "organization",
            "recognised_internship_base",
            label=_("Recognised by the city as an internship base (就业见习基地)"),
            clause=clause,
        ),
        counted,
    ]
    return internship_decision(
        program, facts, params, reasons, count, [f"{program.city}.internship_subsidy_monthly_cny"]
    )


@rule("chaoyang_apprenticeship")
def chaoyang_apprenticeship(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（二十一）: 依托市、县两级培训机构和大中专院校,继续推进新型企业学徒制 — the subsidy is 164号第五条（二）'s:
    对按国家有关规定参加企业新型学徒制培训…的企业在职职工，培训后取得职业资格证书的，给予职工个人或企业一定标准的职业
    培训补贴. Per apprentice employed when the apprenticeship began and certified, to the enterprise; the partner
    institution is recorded evidence."""
    clause, rule_clause = program.clause, national(program, TRAINING_ARTICLE)
    start = facts.date("training.start_date")

    def counts(trainee: dict) -> bool | None:
        hired = fact_date(trainee.get("hired_on"))
        if hired is None:
            return None
        if hired > start:
            return False
        return trainee.get("certificate_obtained")

    label = _("Employees of the enterprise apprenticed and certified (企业在职职工…取得职业资格证书)")
    count = None
    if start is None:
        counted = missing("certified_apprentices", label, rule_clause, "training.start_date")
    else:
        count, unknown, needed = count_people(facts, "training.trainees", counts)
        counted = counted_reason("certified_apprentices", label, rule_clause, count, unknown, needed)
        count = None if unknown else count  # the amount waits for every trainee who might count
    reasons = [
        enterprise(facts, clause),
        kind_is(facts, ("apprenticeship",), _("New-type enterprise apprenticeship training (企业新型学徒制)"), clause),
        evidence(
            facts,
            "organization",
            "apprenticeship_with_local_institution",
            label=_("Run with a city or county training institution or a college (依托市、县两级培训机构和大中专院校)"),
            clause=clause,
        ),
        counted,
    ]
    return per_trainee_decision(program, facts, params, reasons, count, rule_clause)
