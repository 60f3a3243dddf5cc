"""Units hiring graduates or people with employment difficulties where the city's text only points to the enterprise
hiring subsidies (新业态企业: 大庆（五）, 大连（三）, 济南（六）, 益阳（五）; 社会组织: 大庆（十）, 济南（十一）,
益阳（十）), and research-project units charging a hired graduate's social insurance to the project's labour costs
(大连（十二）, 济南（十一）, 益阳（十）). Decided for the hired person (person facts) with the unit's facts
(organization), as the other employers' social-insurance subsidies are; each reason's clause names the national rule
it follows."""

import datetime
from dataclasses import dataclass, field, replace

from ..conditions import is_college_graduate, missing
from ..conditions_business import any_of, evidence, kind_in, small_or_micro
from ..conditions_people import employed_as
from ..engine import Decision, NotEligible, Params, ProgramInfo, Reason, combine, eligibility, only_eligible
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule
from .employer_si import (
    GRADUATE_ARTICLE,
    GRADUATE_SI_MAX_MONTHS,
    HARD_TO_EMPLOY_ARTICLE,
    JINAN_POST_SUBSIDY,
    SI_ARTICLE,
    contract_of_a_year,
    hard_to_employ_limit,
    hard_to_employ_when_hired,
    insured_hire,
    monthly_decision,
    national,
    same_contributions,
    within_a_year_of_hire,
)
from .social_insurance import (
    dalian_employer_graduate_si_subsidy,
    dalian_hard_to_employ_employer_si_subsidy,
)

# The units' social-insurance subsidies are 财社〔2017〕164号第七条's (employer_si.py: its figures and the per-city
# tables of the subsidies of the same contributions).
# 中办发〔2016〕50号 (明确劳务费开支范围，不设比例限制): 项目聘用人员的劳务费开支标准，参照当地科学研究和
# 技术服务业从业人员平均工资水平，根据其在项目研究中承担的工作任务确定，其社会保险补助纳入劳务费科目列支。
# 劳务费预算不设比例限制.
LABOUR_COST_RULE = "中办发〔2016〕50号"


# --- conditions ---------------------------------------------------------------------------------------------------


def _category(facts: Facts, category: str, label: str, clause: str) -> Reason:
    """The unit is of ``category`` (organization.categories); the condition is named after it."""
    return kind_in(facts, "organization.categories", (category,), condition=category, label=label, clause=clause)


def new_form_enterprise(facts: Facts, clause: str) -> Reason:
    return _category(facts, "new_form_enterprise", _("A new-form enterprise (新兴业态企业)"), clause)


def social_organization(facts: Facts, clause: str) -> Reason:
    return _category(
        facts,
        "social_organization",
        _("A social organisation (社会组织: social group, foundation or social service agency)"),
        clause,
    )


def labour_contract(facts: Facts, clause: str) -> Reason:
    """从业者与新兴业态企业签订劳动合同: a labour contract of any term."""
    label = _("A labour contract with the enterprise")
    months = facts.get("person.labour_contract_months")
    if months is None:
        return missing("labour_contract", label, clause, "person.labour_contract_months")
    return Reason(condition="labour_contract", label=label, met=months > 0, clause=clause)


def graduating_year_on_hire(facts: Facts, hired: datetime.date, clause: str) -> Reason:
    """招用毕业年度高校毕业生: a college graduate hired in the calendar year of graduation
    (docs/policy-decisions.md, 毕业年度 in program rules), shown by the register 毕业年度高校毕业生 on the hiring date
    or by the graduation date."""
    condition = "graduating_year_on_hire"
    label = _("A college graduate in the year of graduation (毕业年度) when hired")
    hired_on = _("Hired on %(date)s") % {"date": hired.isoformat()}
    if facts.on_register("graduating_year_graduates", hired):
        return Reason(condition=condition, label=label, met=True, clause=clause, detail=hired_on)
    college = is_college_graduate(facts, clause=clause)
    if college.met is False:
        return Reason(condition=condition, label=label, met=False, clause=clause)
    graduated = facts.date("person.graduation_date")
    if graduated is None:
        return missing(condition, label, clause, "person.graduation_date", *college.missing)
    detail = _("Graduated on %(graduated)s, hired on %(hired)s") % {
        "graduated": graduated.isoformat(),
        "hired": hired.isoformat(),
    }
    if graduated.year != hired.year:
        return Reason(condition=condition, label=label, met=False, clause=clause, detail=detail)
    if college.met is None:
        return missing(condition, label, clause, *college.missing)
    return Reason(condition=condition, label=label, met=True, clause=clause, detail=detail)


def target_group(hard: Reason, graduate: Reason, clause: str) -> Reason:
    """吸纳就业困难人员和高校毕业生: either group on the hiring date."""
    return any_of(
        [hard, graduate],
        condition="target_group",
        label=_("A person with employment difficulties or a graduating-year graduate when hired"),
        clause=clause,
    )


# --- the two legs of 财社〔2017〕164号第七条 -------------------------------------------------------------------------


@dataclass
class Leg:
    """One national subsidy a hire may fall under: the conditions that decide it, the reasons that only inform,
    its number of months."""

    reasons: list[Reason]
    extra: list[Reason] = field(default_factory=list)
    max_periods: int | None = None

    @property
    def eligible(self) -> bool | None:
        return combine(self.reasons)


def hard_to_employ_leg(program: ProgramInfo, facts: Facts) -> Leg:
    """（一）: at most 3 years from the first approval; until retirement for fewer than 5 years left on that day."""
    limit, extension, months = hard_to_employ_limit(program, facts)
    return Leg([limit], [extension], months or None)


def graduate_leg(program: ProgramInfo, facts: Facts, hired: datetime.date) -> Leg:
    """（二）: a small or micro unit, a contract of 1 year or more, at most 1 year from the hire."""
    clause = national(program, GRADUATE_ARTICLE)
    return Leg(
        [
            small_or_micro(facts, clause=clause),
            contract_of_a_year(facts, clause),
            within_a_year_of_hire(facts, hired, clause),
        ],
        max_periods=GRADUATE_SI_MAX_MONTHS,
    )


def first_open(legs: list[Leg] | list[Decision]) -> Leg | Decision | None:
    """The leg the hire is paid under (a Leg, or a whole Decision where another rule decides the leg): the first
    eligible, else the first undecided, else the first (to say why not). The hard-to-employ leg comes first: it
    runs longer."""
    for wanted in (True, None):
        for leg in legs:
            if leg.eligible is wanted:
                return leg
    return legs[0] if legs else None


def hiring_decision(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    *,
    unit: Reason,
    stated: tuple[Reason, ...] = (),
    hard_to_employ: bool = True,
    post_subsidy: str | None = None,
    note: str = "",
) -> Decision:
    """The unit's subsidy for one hire under 财社〔2017〕164号第七条: the unit's kind and the text's own conditions,
    employment with social insurance paid, the group on the hiring date (就业困难人员 and/or 毕业年度高校毕业生), the
    leg's period, one subsidy of the same contributions a month; then the unit's contributions (and 济南's post
    subsidy for the same months)."""
    clause = program.clause
    employed, spell, hired = insured_hire(facts, clause)
    reasons = [unit, *stated, employed]
    leg = None
    if spell is not None and hired is None:
        reasons.append(missing("target_group", _("The hiring date"), clause, "person.employment.from"))
    elif hired is not None:
        graduate = graduating_year_on_hire(facts, hired, national(program, GRADUATE_ARTICLE))
        hard = None
        if hard_to_employ:
            hard = hard_to_employ_when_hired(facts, hired, national(program, HARD_TO_EMPLOY_ARTICLE))
        reasons.append(graduate if hard is None else target_group(hard, graduate, clause))
        legs = []
        if hard is not None and hard.met:
            legs.append(hard_to_employ_leg(program, facts))
        if graduate.met:
            legs.append(graduate_leg(program, facts, hired))
        leg = first_open(legs)
        if leg is not None:
            reasons.extend(leg.reasons)
    reasons.append(same_contributions(program, facts, clause))
    return monthly_decision(
        program,
        facts,
        params,
        reasons,
        amount_clause=national(program, SI_ARTICLE),
        max_periods=leg.max_periods if leg else None,
        extra=leg.extra if leg else (),
        post_code=post_subsidy,
        note=_joined(_paid_for(hard_to_employ), note),
    )


def _joined(first: str, second: str) -> str:
    """Two sentences of a note: a space after an English full stop, none after a Chinese one."""
    if not second:
        return first
    return first + ("" if first.endswith("。") else " ") + second


def _paid_for(hard_to_employ: bool) -> str:
    if not hard_to_employ:
        return _(
            "Paid to the unit each month for its own share of this graduate's pension, medical and unemployment "
            "insurance (the graduate's share is not subsidised), for at most 1 year from the hire."
        )
    return _(
        "Paid to the unit each month for its own share of this hire's pension, medical and unemployment insurance "
        "(the hire's share is not subsidised): at most 1 year for a graduating-year graduate, 3 years for a person "
        "with employment difficulties (until retirement when fewer than 5 years are left at the first approval)."
    )


# --- new-form enterprises (新兴业态企业) -----------------------------------------------------------------------


@rule("daqing_new_form_enterprise_hiring_subsidy", "yiyang_new_form_enterprise_hiring_support")
def new_form_enterprise_hiring(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（五）: 从业者与新兴业态企业签订劳动合同的，企业应依法为其参加职工社会保险，
    吸纳就业困难人员和高校毕业生就业的，按照规定享受企业吸纳就业补贴政策 — 大庆's own hiring subsidies are （十四）
    (困难群体) and （三） (小微企业新招用毕业年度高校毕业生), both 按规定, i.e. 财社〔2017〕164号第七条（一）（二）.
    益阳（五）: 从业者与新兴业态企业签订劳动合同的，企业要依法为其参加职工社会保险，
    符合条件的企业可按规定享受企业吸纳就业、创业的相关扶持政策 — the same national subsidies; 益阳's own hiring
    programs (（二十二）'s poor laborers, （三）'s one-time post subsidy) are claimed under their own codes."""
    clause = program.clause
    extra = ""
    if program.city == "yiyang":
        extra = _(
            "A registered poor laborer is paid under 益阳's own programs for hiring them (（二十二）), and start-up "
            "support under the new-form enterprise's access to start-up policies."
        )
    return hiring_decision(
        program,
        facts,
        params,
        unit=new_form_enterprise(facts, clause),
        stated=(labour_contract(facts, clause),),
        note=extra,
    )


@rule("jinan_new_form_enterprise_hiring_subsidy")
def jinan_new_form_enterprise_hiring_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（六）: [新兴业态企业] 吸纳高校毕业生、就业困难人员就业的，按规定给予岗位补贴、社会保险补贴 —
    the social-insurance subsidy of 财社〔2017〕164号第七条（一）（二） and 济南's monthly post subsidy (one standard
    for every enterprise: docs/policy-decisions.md) for the same hire and months."""
    return hiring_decision(
        program,
        facts,
        params,
        unit=new_form_enterprise(facts, program.clause),
        post_subsidy=JINAN_POST_SUBSIDY,
        note=_("济南's post subsidy is paid for the same months, at its monthly standard."),
    )


def _fully(function, program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """Another rule's whole decision, even inside a screening that keeps only eligible ones (its reasons are needed
    to choose between legs)."""
    token = only_eligible.set(False)
    try:
        return function(program, facts, params)
    finally:
        only_eligible.reset(token)


@rule("dalian_new_form_enterprise_hiring_si_subsidy")
def dalian_new_form_enterprise_hiring_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（三）: 新业态企业招用就业困难人员、毕业年度高校毕业生，按规定给予社会保险补贴 — a new-form
    enterprise's hire is decided and paid as under （十五） (dalian_hard_to_employ_employer_si_subsidy: 3 years,
    until retirement) or （十二） (dalian_employer_graduate_si_subsidy: 1 year) (docs/policy-decisions.md
    "New-form enterprises get the ordinary subsidies"); （三） names 毕业年度 graduates only, not （十二）'s
    registered-unemployed ones. One subsidy of the same contributions a month among those programs (the one
    approved first)."""
    clause = program.clause
    unit = new_form_enterprise(facts, clause)
    employed, spell = employed_as(
        facts, ("employed",), condition="employed_by_unit", label=_("Employed by a unit"), clause=clause
    )
    hired = fact_date(spell.get("from")) if spell else None
    if hired is None:
        if spell is not None:
            employed = missing("employed_by_unit", _("The hiring date"), clause, "person.employment.from")
        reasons = [unit, employed]
        return Decision(program=program, eligible=eligibility(reasons), period="month", reasons=reasons)
    hard = hard_to_employ_when_hired(facts, hired, f"{clause}（十五）")
    graduate = graduating_year_on_hire(facts, hired, f"{clause}（十二）")
    group = target_group(hard, graduate, clause)
    legs = []
    if hard.met:
        legs.append(
            _fully(
                dalian_hard_to_employ_employer_si_subsidy, replace(program, clause=f"{clause}（十五）"), facts, params
            )
        )
    if graduate.met:
        legs.append(
            _fully(dalian_employer_graduate_si_subsidy, replace(program, clause=f"{clause}（十二）"), facts, params)
        )
    leg = first_open(legs)
    if leg is None:
        reasons = [unit, employed, group]
        return Decision(program=program, eligible=eligibility(reasons), period="month", reasons=reasons)
    # The leg's rule checks 大连's list of subsidies of the same contributions (DALIAN_SAME_CONTRIBUTIONS, this
    # program and （十三）'s among them): one per person and month.
    head = combine([unit, group])
    eligible = False if False in (head, leg.eligible) else (True if head is leg.eligible is True else None)
    if eligible is not True and only_eligible.get():
        raise NotEligible
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=leg.amount_cny,
        period=leg.period,
        max_periods=leg.max_periods,
        reasons=[unit, group, *leg.reasons],
        note=leg.note,
        holds_while_on=leg.holds_while_on,
    )


# --- social organisations (社会组织) ----------------------------------------------------------------------------------


@rule(
    "daqing_social_org_graduate_hiring_support",
    "jinan_social_org_graduate_hiring_support",
    "yiyang_social_org_graduate_hiring_support",
)
def social_org_graduate_hiring(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十）, 济南（十一）, 益阳（十）:
    (对)吸纳高校毕业生就业的社会组织，符合条件的可同等享受企业吸纳就业扶持政策 — the enterprise subsidy for hiring a
    graduate, on the enterprise's terms (同等): 财社〔2017〕164号第七条（二） (大庆（三） restates it): a small or micro
    unit, a graduating-year graduate, a contract of 1 year or more, social insurance paid, at most 1 year. 济南's post
    and social-insurance subsidies for a 困难高校毕业生 (（十一）) are claimed under
    jinan_difficult_graduate_employer_subsidy on the same terms."""
    note = ""
    if program.city == "jinan":
        note = _(
            "For a graduate from a family in difficulty, 济南's post and social-insurance subsidies for hiring them "
            "(（十一）) apply to the social organisation on the same terms."
        )
    return hiring_decision(
        program,
        facts,
        params,
        unit=social_organization(facts, program.clause),
        hard_to_employ=False,
        note=note,
    )


# --- research projects (科研项目单位) ---------------------------------------------------------------------------------


@rule(
    "dalian_research_project_graduate_si", "jinan_research_project_graduate_si", "yiyang_research_project_graduate_si"
)
def research_project_graduate_si(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 对科研项目单位吸纳高校毕业生参与研究的，按规定将社会保险补助纳入劳务费列支，
    劳务费不设比例限制; 济南（十一） and 益阳（十） say the same. 按规定 is 中办发〔2016〕50号's labour-cost rule. No
    payment from the job centre: whether the unit holds a project is the awarding body's record, whether the graduate
    works on its research the project's; the caseworker records both (organization.evidence)."""
    clause = program.clause
    reasons = [
        evidence(
            facts,
            "organization",
            "research_project_undertaken",
            label=_("The unit undertakes a research project (科研项目单位)"),
            clause=clause,
        ),
        is_college_graduate(facts, clause=clause),
        employed_as(facts, ("employed",), condition="employed_by_unit", label=_("Employed by the unit"), clause=clause)[
            0
        ],
        evidence(
            facts,
            "organization",
            "hired_for_project_research",
            label=_("Hired on the project to take part in its research (项目聘用人员)"),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    labour_costs = Reason(
        condition="labour_cost_rule",
        label=_(
            "The graduate's social-insurance subsidy is charged to the project's labour costs (劳务费), which have no "
            "ratio limit; the labour cost follows the local average wage of scientific research and technical "
            "services and the graduate's work on the project"
        ),
        met=True,
        clause=f"{clause}；{LABOUR_COST_RULE}",
    )
    return Decision(
        program=program,
        eligible=eligible,
        reasons=[*reasons, labour_costs],
        note=_(
            "Not paid by the job centre: the unit budgets and charges it to the project's funds under the project's "
            "funding rules; the awarding body approves the budget."
        ),
    )
