"""Employers paid for the people they hire, train or take on as interns: social-insurance (and 济南's post)
subsidies for hiring graduates, people with employment difficulties and workers displaced by overcapacity cuts,
pre-job training of new graduates, internships and apprenticeships. Where a city's text says 按规定 / 按照规定, the
rule applies the national rule it sends the reader to, 财社〔2017〕164号《就业补助资金管理办法》, and the reasons
taken from it carry its article after the city's clause. 大庆（三）（十）（十四）, 大连（十三）,
济南（三）（十一）（十五）, 朝阳（二十一）, 益阳（十一）; the readings are in docs/policy-decisions.md."""

import datetime
from collections.abc import Callable

from core.dates import add_months

from ..conditions import is_college_graduate, missing
from ..conditions_business import count_people, evidence, small_or_micro
from ..conditions_people import flag
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule
from .employer_si import (
    GRADUATE_ARTICLE,
    GRADUATE_SI_MAX_MONTHS,
    HARD_TO_EMPLOY_ARTICLE,
    JINAN_POST_SUBSIDY,
    MIN_CONTRACT_MONTHS,
    contract_of_a_year,
    hard_to_employ_limit,
    hard_to_employ_when_hired,
    insured_hire,
    monthly_decision,
    national,
    on_register_when_hired,
    same_contributions,
    within_a_year_of_hire,
)
from .internship import GRADUATES, _interning_on
from .internship import _decision as internship_decision
from .training import kind_is

# --- the national rule ----------------------------------------------------------------------------------------

# 财社〔2017〕164号: 第七条 (the units' social-insurance subsidies) is in employer_si.py. 第五条（二）: 与企业签订
# 1年以上期限劳动合同、并于签订劳动合同之日起1年内参加…岗位技能培训的 (1年以上 as in 第七条（二）: MIN_CONTRACT_MONTHS).
TRAINING_ARTICLE = "第五条（二）"  # 企业新录用的五类人员…岗位技能培训; 企业新型学徒制培训
TRAINING_WITHIN_MONTHS = 12

DISPLACED = "overcapacity_displaced_workers"
SECONDARY_LEAVERS = "unemployed_secondary_vocational_graduates"


# --- conditions of a hire ---------------------------------------------------------------------------------------


def enterprise(facts: Facts, clause: str) -> Reason:
    return flag(
        facts, "organization.kind", condition="enterprise", clause=clause, expected="employer", label=_("An enterprise")
    )


def registered_hire(
    facts: Facts,
    unit: list[Reason],
    code: str,
    *,
    condition: str,
    label: str,
    clause: str,
    insured_clause: str,
) -> tuple[list[Reason], datetime.date | None]:
    """The unit's conditions, employment with its social insurance paid (``insured_clause``) and, once there is an
    employed spell, the register ``code`` on the hiring day: the reasons and the hiring day."""
    employed, spell, hired = insured_hire(facts, insured_clause)
    reasons = [*unit, employed]
    if spell is not None:
        reasons.append(on_register_when_hired(facts, code, hired, condition=condition, label=label, clause=clause))
    return reasons, hired


def enterprise_hard_to_employ_hire(program: ProgramInfo, facts: Facts) -> list[Reason]:
    """An enterprise (the city's clause) hiring a person recognised as 就业困难人员 when hired and paying the
    person's social insurance (164号第七条（一）: 招用就业困难人员并缴纳社会保险费的单位)."""
    clause = program.clause
    employed, spell, hired = insured_hire(facts, national(program, HARD_TO_EMPLOY_ARTICLE))
    reasons = [enterprise(facts, clause), employed]
    if spell is not None:
        reasons.append(hard_to_employ_when_hired(facts, hired, clause))
    return reasons


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
    limit, extension, months = hard_to_employ_limit(program, facts)
    return monthly_decision(
        program,
        facts,
        params,
        [*reasons, limit],
        amount_clause=clause,
        max_periods=months,
        extra=(extension,),
        post_code=post_code,
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
    reasons, hired = registered_hire(
        facts,
        [small_or_micro(facts, clause=clause), is_college_graduate(facts, clause=clause)],
        "graduating_year_graduates",
        condition="graduate_status_on_hire",
        label=_("A graduating-year graduate when hired (新招用毕业年度高校毕业生)"),
        clause=clause,
        insured_clause=rule_clause,
    )
    reasons.append(contract_of_a_year(facts, rule_clause))
    if hired is not None:
        reasons.append(within_a_year_of_hire(facts, hired, rule_clause))
    reasons.append(same_contributions(program, facts, rule_clause))
    return monthly_decision(
        program,
        facts,
        params,
        reasons,
        amount_clause=rule_clause,
        max_periods=GRADUATE_SI_MAX_MONTHS,
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
    reasons, _hired = registered_hire(
        facts,
        [enterprise(facts, clause), is_college_graduate(facts, clause=clause)],
        "difficult_family_graduates",
        condition="difficult_graduate_on_hire",
        label=_("A graduate from a hardship background (困难高校毕业生) when hired"),
        clause=clause,
        insured_clause=clause,
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
    return monthly_decision(
        program,
        facts,
        params,
        reasons,
        amount_clause=clause,
        max_periods=None,
        post_code=JINAN_POST_SUBSIDY,
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

    count, counted = counted_trainees(
        facts,
        start,
        counts,
        condition="new_graduate_trainees",
        label=_(
            "Graduating-year graduates newly hired on a contract of at least 1 year, trained within a year of the "
            "contract and certified"
        ),
        clause=rule_clause,
    )
    reasons = [
        small_or_micro(facts, clause=clause),
        kind_is(facts, ("pre_employment",), _("Pre-job skills training (岗前技能培训)"), clause),
        counted,
    ]
    return per_trainee_decision(program, facts, params, reasons, count, rule_clause)


def counted_trainees(
    facts: Facts,
    start: datetime.date | None,
    counts: Callable[[dict], bool | None],
    *,
    condition: str,
    label: str,
    clause: str,
) -> tuple[int | None, Reason]:
    """The trainees of the course begun on ``start`` who count (``counts``): their number, None until every trainee
    who might count is known (the amount waits for them), and the reason: at least one counted trainee, unknown
    while the course start, the list or a trainee who might count is not known."""
    if start is None:
        return None, missing(condition, label, clause, "training.start_date")
    count, unknown, needed = count_people(facts, "training.trainees", counts)
    if count:
        reason = Reason(condition=condition, label=label, met=True, clause=clause, detail=str(count))
    elif count is None or unknown:
        reason = missing(condition, label, clause, *needed)
    else:
        reason = Reason(condition=condition, label=label, met=False, clause=clause)
    return (None if unknown else count), reason


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
    return hard_to_employ_si(
        program,
        facts,
        params,
        enterprise_hard_to_employ_hire(program, facts),
        note=_("Paid to the enterprise: its pension, medical and unemployment contributions for the person."),
    )


@rule("jinan_household_service_hard_to_employ_subsidy")
def jinan_household_service_hard_to_employ_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（三）: 对吸纳就业困难人员的企业，按规定给予岗位补贴和社会保险补贴 — every enterprise (the sentence names
    no sector); recognised when hired; the post subsidy and the unit's contributions each month for the period of
    164号第七条（一） (3 years, or until retirement; 164号 gives the post subsidies of 第八条 the same)."""
    return hard_to_employ_si(
        program,
        facts,
        params,
        enterprise_hard_to_employ_hire(program, facts),
        post_code=JINAN_POST_SUBSIDY,
        note=_("Paid to the enterprise each month: the post subsidy and its contributions for the person."),
    )


@rule("dalian_laid_off_absorption_support", "jinan_laid_off_absorption_support", "yiyang_laid_off_absorption_support")
def laid_off_absorption_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十三）, 益阳（十一）: 对单位新增岗位吸纳去产能分流人员的，按规定给予企业吸纳就业扶持政策; 济南（十五）: …按
    规定落实…. The support the job centre pays a unit under the national rule is the subsidy of its contributions
    for a hire recognised as 就业困难人员 (164号第七条（一））; the worker is on 去产能分流职工 when hired and fills a
    post the unit newly created (recorded evidence)."""
    clause, rule_clause = program.clause, national(program, HARD_TO_EMPLOY_ARTICLE)
    employed, spell, hired = insured_hire(facts, rule_clause)
    reasons = [employed]
    if spell is not None:
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
    if spell is not None:
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

    count, counted = counted_trainees(
        facts,
        start,
        counts,
        condition="certified_apprentices",
        label=_("Employees of the enterprise apprenticed and certified (企业在职职工…取得职业资格证书)"),
        clause=rule_clause,
    )
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
