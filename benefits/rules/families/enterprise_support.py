"""Support for enterprises that pays no amount of the job centre's own: new-form enterprises' equal access to the
start-up incentives, investment and innovation funds, priority in government procurement, farm entities treated
as small and micro enterprises, small and micro enterprises' tax preferences and employment subsidies, and the
poverty-field and poverty-area packages. The rules check what the documents state (the kind of entity, its size,
county, registration and hires); what a fund, a certification body or another department decides is recorded
evidence or named with who decides. Clauses: 大庆（四）, 大连（三）（八）（十二）（十四）, 济南（四）（六）, 朝阳（十）
（十五）, 益阳（四）（十二）（二十）; 济南（四）'s employment subsidy is the national rule of 财社〔2017〕164号."""

import datetime

from core.dates import add_months

from ..conditions import missing
from ..conditions_business import (
    COLLEGE,
    any_of,
    contributions_from_records,
    count_people,
    covers,
    evidence,
    graduate_window_last_day,
    headcount_reason,
    kind_in,
    not_paid,
    register_reason,
    small_or_micro,
)
from ..counting import at_least, at_most
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..names import program_name
from ..registry import rule
from .employer_posts import POOR, POVERTY_COUNTIES
from .non_cash import non_cash_decision


def info(condition: str, label: str, clause: str) -> Reason:
    """What the caseworker should know beside the conditions (who decides what, where the money comes from): met,
    and never deciding (rules pass it as an ``extra`` reason)."""
    return Reason(condition=condition, label=label, met=True, clause=clause)


def names(*codes: str) -> str:
    return "、".join(program_name(code) for code in codes)


# --- new-form enterprises ---------------------------------------------------------------------------------------


def new_form_incentives(program: ProgramInfo) -> str:
    """Where the equal access leads in each city, in the city's own words."""
    if program.city == "daqing":
        return _(
            "The fiscal and credit incentives for start-ups and innovation, each on its own conditions (符合条件); "
            "the lending bank decides whether a loan's conditions are met and any preference in amount, term and rate"
        )
    if program.city == "jinan":
        return _(
            "The fiscal and credit incentives for start-ups and innovation, each on its own conditions (符合条件), "
            "among them %(programs)s; government departments buy new-form enterprises' products and services first"
        ) % {"programs": names("jinan_one_time_startup_subsidy", "jinan_startup_job_creation_subsidy")}
    if program.city == "dalian":
        return _(
            "The fiscal and credit incentives for start-ups and innovation, each on its own conditions (符合条件); "
            "government departments buy new-form enterprises' products and services first"
        )
    return _(
        "The fiscal and credit incentives for start-ups and innovation, each on its own conditions (符合条件); "
        "government departments are encouraged to buy new-form enterprises' products and services"
    )


@rule(
    "daqing_new_form_enterprise_policy_access",
    "dalian_new_form_enterprise_policy_access",
    "jinan_new_form_enterprise_policy_access",
    "yiyang_new_form_enterprise_policy_access",
)
def new_form_enterprise_policy_access(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（四）: 符合条件的新兴业态企业可平等享受鼓励创业创新发展的财政、信贷等优惠政策; 大连（三）: 符合条件的
    新业态企业均可享受相关财政、信贷等优惠政策; 济南（六）: …可享受一次性创业补贴和一次性创业岗位开发补贴; 益阳
    （四）: 符合条件的新兴业态企业和从业人员… — a new-form enterprise (the category the caseworker records); 符合条件
    are the conditions of each incentive, decided under its own program (the lender for a loan). 益阳's 从业人员 are
    people: their programs are the individual ones."""
    clause = program.clause
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("new_form_enterprise",),
            condition="new_form_enterprise",
            label=_("A new-form enterprise (platform, crowdsourcing or sharing economy)"),
            clause=clause,
        )
    ]
    return non_cash_decision(program, facts, reasons, extra=(info("incentives", new_form_incentives(program), clause),))


# --- funds ------------------------------------------------------------------------------------------------------


def fund_decision(program: ProgramInfo, facts: Facts, code: str, label: str, focus: str) -> Decision:
    clause = program.clause
    decision = non_cash_decision(
        program,
        facts,
        [evidence(facts, "organization", code, label=label, clause=clause)],
        extra=(info("fund_focus", focus, clause),),
    )
    decision.note = _(
        "Support from a fund (an investment or a grant) whose form and amount the fund decides; the job centre pays "
        "nothing."
    )
    return decision


@rule("dalian_startup_investment_guidance_fund")
def dalian_startup_investment_guidance_fund(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（八）: 市和各地设立的产业（创业）投资引导基金主要用于扶持初创期、中早期、成长性较好的创业项目，重点支持
    高校毕业生创业 — the fund's investment decision, recorded; 主要 and 重点 guide the fund, they are not conditions."""
    return fund_decision(
        program,
        facts,
        "guidance_fund_investment",
        _("The industry (venture) investment guidance fund decided to invest in the project"),
        _(
            "The guidance funds of the city and the districts mainly support start-up, early- and middle-stage "
            "projects with good growth prospects, college graduates' start-ups first"
        ),
    )


@rule("chaoyang_county_innovation_fund")
def chaoyang_county_innovation_fund(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十）: 充分利用各类基金,支持各类双创示范基地和园区、孵化机构、众创空间的发展。各县(市)区政府设立创业创新
    基金, 扶持创业创新发展 — the county fund's decision, recorded."""
    return fund_decision(
        program,
        facts,
        "county_innovation_fund_support",
        _("The entrepreneurship and innovation fund of the county (city, district) decided to support the entity"),
        _(
            "The county funds support entrepreneurship and innovation: demonstration bases and parks, incubators, "
            "maker spaces and start-ups"
        ),
    )


# --- government procurement -----------------------------------------------------------------------------------


def founder_graduate(facts: Facts, params: Params, clause: str) -> Reason:
    """高校毕业生（毕业5年内）创办: the founder (the document's ``person``) was on the register of graduates within 5
    years, or a college graduate within the window, on the entity's registration date. The window is the one in force
    on the day asked about, so an entity founded before 大连's document counts by the same 5 years."""
    label = _("The founder was a college graduate within 5 years of graduation when the entity was registered")
    registered = facts.date("organization.registered_on")
    if registered is None:
        return missing("graduate_window", label, clause, "organization.registered_on")
    code = "dalian.graduates_within_years"
    ways = [register_reason(facts, "graduates_within_5_years", on=registered, clause=clause)]
    education, graduated = facts.get("person.education"), facts.date("person.graduation_date")
    years = params.value(code, facts.as_of)
    if education is None or graduated is None:
        ways.append(missing("graduation", label, clause, "person.education", "person.graduation_date"))
    elif years is None:
        ways.append(Reason(condition="graduation", label=label, met=None, clause=clause, missing=(code,)))
    else:
        ways.append(
            Reason(
                condition="graduation",
                label=label,
                # 毕业5年内: 以内 includes the number, so the fifth anniversary itself is within (counting.py)
                met=education in COLLEGE
                and at_least(registered, graduated)
                and at_most(registered, graduate_window_last_day(graduated, int(years))),
                clause=clause,
                detail=_("Graduated on %(date)s") % {"date": graduated.isoformat()},
            )
        )
    return any_of(ways, condition="graduate_window", label=label, clause=clause)


@rule("dalian_graduate_enterprise_procurement_priority")
def dalian_graduate_enterprise_procurement_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 对高校毕业生（毕业5年内）创办中小企业实体生产的节能环保、自主创新产品，按政府采购扶持政策予以
    优先采购 — the founder (``person``) was a graduate within 5 years on the entity's registration date (创办); a small,
    medium or micro enterprise (中小企业: micro included, 工信部联企业〔2011〕300号); products recognised as
    energy-saving, environmental or independently innovated (a certificate, recorded); the purchasing unit gives the
    priority."""
    clause = program.clause
    founder = founder_graduate(facts, params, clause)
    reasons = [
        founder,
        kind_in(
            facts,
            "organization.size",
            ("micro", "small", "medium"),
            condition="sme",
            label=_("A small, medium or micro enterprise (中小企业实体)"),
            clause=clause,
        ),
        evidence(
            facts,
            "organization",
            "procurement_products_recognised",
            label=_(
                "Its products are certified or recognised as energy-saving, environmental or independently "
                "innovated products (节能环保、自主创新产品)"
            ),
            clause=clause,
        ),
    ]
    priority = info(
        "procurement",
        _("The purchasing units buy them first under the government procurement support policies (按政府采购扶持政策)"),
        clause,
    )
    return non_cash_decision(program, facts, reasons, extra=(priority,))


# --- farm entities treated as small and micro enterprises ----------------------------------------------------------

RURAL_ENTITIES = {
    # 大连（十四）: 农民专业合作社、种养大户、家庭农场、“扶贫车间”等
    "dalian": ("farmer_cooperative", "large_grower", "family_farm", "poverty_workshop"),
    # 益阳（十二）: 农民合作社、种养大户、家庭农场、建筑业小微作业企业等
    "yiyang": ("farmer_cooperative", "large_grower", "family_farm", "construction_sme"),
}
SME_PROGRAMS = {
    "dalian": ("dalian_startup_guarantee_loan_sme",),
    "yiyang": ("yiyang_sme_one_time_post_subsidy",),
}


def registered_reason(facts: Facts, clause: str) -> Reason:
    """依法办理工商登记注册: registered with industry and commerce on or before the day."""
    label = _("Registered with industry and commerce")
    registered = facts.date("organization.registered_on")
    if registered is None:
        return missing("registered", label, clause, "organization.registered_on")
    return Reason(
        condition="registered",
        label=label,
        met=registered <= facts.as_of,
        clause=clause,
        detail=_("Registered on %(date)s") % {"date": registered.isoformat()},
    )


@rule("dalian_rural_entity_sme_policy", "yiyang_rural_entity_sme_policy")
def rural_entity_sme_policy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十四）, 益阳（十二）: 大力发展农民（专业）合作社、种养大户、家庭农场、“扶贫车间” / 建筑业小微作业企业等生产
    经营主体，其中依法办理工商登记注册的可按规定享受小微企业扶持政策 — one of the kinds the city names (等 is not
    widened), registered; it is then treated as a small or micro enterprise under the small and micro enterprise
    programs, on their conditions."""
    clause = program.clause
    label = {
        "dalian": _("A farmers' cooperative, large grower, family farm or poverty-alleviation workshop"),
        "yiyang": _("A farmers' cooperative, large grower, family farm or small construction enterprise"),
    }[program.city]
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            RURAL_ENTITIES[program.city],
            condition="entity_kind",
            label=label,
            clause=clause,
        ),
        registered_reason(facts, clause),
    ]
    treated = info(
        "sme_programs",
        _(
            "Treated as a small or micro enterprise under the small and micro enterprise programs (按规定), on their "
            "conditions: %(programs)s"
        )
        % {"programs": names(*SME_PROGRAMS[program.city])},
        clause,
    )
    return non_cash_decision(program, facts, reasons, extra=(treated,))


# --- small and micro enterprises ------------------------------------------------------------------------------------

# 财社〔2017〕164号《就业补助资金管理办法》第七条（二）: 对招用毕业年度高校毕业生，与之签订1年以上劳动合同并缴纳社会保险
# 费的小微企业，给予最长不超过1年的社会保险补贴，不包括高校毕业生个人应缴纳的部分.
NATIONAL_SME_GRADUATE_SI = "财社〔2017〕164号第七条（二）"
SME_GRADUATE_SI_MONTHS = 12  # 最长不超过1年
MIN_CONTRACT_MONTHS = 12  # 1年以上
# 济南's other subsidies of a unit's contributions for a hire: one of them per person (the same contributions)
JINAN_SAME_CONTRIBUTIONS = (
    "jinan_difficult_graduate_employer_subsidy",
    "jinan_new_form_enterprise_hiring_subsidy",
    "jinan_household_service_hard_to_employ_subsidy",
)


def graduate_of_hiring_year(row: dict, hired: datetime.date) -> bool | None:
    """毕业年度高校毕业生 when hired: on the register of graduating-year graduates on the hiring date, or a college
    graduate hired in the calendar year of graduation (docs/policy-decisions.md: 毕业年度 is the calendar year)."""
    if "graduating_year_graduates" in (row.get("registers") or []):
        return True
    education, graduated = row.get("education"), fact_date(row.get("graduation_date"))
    if education is not None and education not in COLLEGE:
        return False
    if education is None or graduated is None:
        return None
    return graduated.year == hired.year


@rule("jinan_sme_employment_subsidies")
def jinan_sme_employment_subsidies(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（四）: 落实好小微企业…就业补贴、创业带动就业补贴政策. The 就业补贴 a small or micro enterprise gets is the
    national graduate social-insurance subsidy (财社〔2017〕164号第七条（二）): for a graduate hired in the graduation
    year on a labour contract of 1 year or more with social insurance paid, the unit's contributions for at most 1
    year from the hire, month by month while the graduate stays, and not for a hire whose contributions another of
    济南's employer subsidies pays (``paid``). 创业带动就业补贴 is 济南's 一次性创业岗位开发补贴 (its own program)."""
    clause = program.clause
    national = f"{clause}；{NATIONAL_SME_GRADUATE_SI}"

    def qualifies(row):
        hired = fact_date(row.get("from"))
        if hired is None:
            return None
        if not covers(row, facts.as_of) or facts.as_of >= add_months(hired, SME_GRADUATE_SI_MONTHS):
            return False
        if not not_paid(row, *JINAN_SAME_CONTRIBUTIONS):
            return False
        contract, insured = row.get("contract_months"), row.get("paying_social_insurance")
        if (contract is not None and contract < MIN_CONTRACT_MONTHS) or insured is False:
            return False
        graduate = graduate_of_hiring_year(row, hired)
        if graduate is False:
            return False
        if graduate is None or contract is None or insured is None:
            return None
        return True

    count, unknown, needed = count_people(facts, "organization.hires", qualifies)
    reasons = [
        small_or_micro(facts, clause=clause),
        headcount_reason(
            count,
            unknown,
            needed,
            label=_(
                "Employs a college graduate hired in the graduation year on a labour contract of 1 year or more, "
                "with social insurance paid, within 1 year of the hire (national rule, 财社〔2017〕164号)"
            ),
            clause=national,
        ),
    ]
    eligible = eligibility(reasons)
    job_creation = info(
        "job_creation",
        _("The start-up job-creation subsidy (创业带动就业补贴) is decided under %(program)s")
        % {"program": names("jinan_startup_job_creation_subsidy")},
        clause,
    )
    contributions = contributions_from_records(national)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=None,
        period="month",
        max_periods=SME_GRADUATE_SI_MONTHS,
        reasons=[*reasons, job_creation, contributions],
        note=_(
            "Paid to the unit for each month of at most 1 year from each hire: its own share of the social-insurance "
            "contributions for the graduate, not the graduate's (national rule 财社〔2017〕164号, outside the city's "
            "document)."
        ),
    )


@rule("chaoyang_sme_tax_preferences")
def chaoyang_sme_tax_preferences(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十）: 积极落实扶持小微企业发展各项税收优惠政策 — a small or micro enterprise; the tax office applies the
    national preferences on their own conditions."""
    clause = program.clause
    office = info(
        "tax_office",
        _(
            "The tax office applies the national tax preferences for small and micro enterprises on their own "
            "conditions (小型微利企业 and others)"
        ),
        clause,
    )
    return non_cash_decision(program, facts, [small_or_micro(facts, clause=clause)], extra=(office,))


POVERTY_FIELDS = ("agriculture_forestry", "tourism", "e_commerce", "technology")
DISADVANTAGED = frozenset({"hard_to_employ", POOR})


@rule("chaoyang_poverty_field_sme_support")
def chaoyang_poverty_field_sme_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十五）: 对于在农林、旅游、电商、科技等扶贫领域创业创新的小微企业吸纳困难群体及贫困人员就业的,按照规定在
    证照办理、税费减免、贷款贴息、创业培训、社保补贴等方面提供扶持 — a small or micro enterprise in one of the four
    named fields (等 is not widened) that employs, on the day, someone who was a person with employment difficulties
    (困难群体) or a registered poor laborer (贫困人员) when hired; each measure follows its own program."""
    clause = program.clause
    count, unknown, needed = count_people(
        facts,
        "organization.hires",
        lambda row: covers(row, facts.as_of) and bool(DISADVANTAGED & set(row.get("registers") or [])),
    )
    reasons = [
        small_or_micro(facts, clause=clause),
        kind_in(
            facts,
            "organization.business_fields",
            POVERTY_FIELDS,
            condition="poverty_field",
            label=_("Starts up or innovates in agriculture and forestry, tourism, e-commerce or technology (扶贫领域)"),
            clause=clause,
        ),
        headcount_reason(
            count,
            unknown,
            needed,
            label=_("Employs a person with employment difficulties or a registered poor laborer (困难群体及贫困人员)"),
            clause=clause,
        ),
    ]
    measures = info(
        "support_measures",
        _(
            "Each measure under its own rules (按照规定): licences by the market regulation bureau; tax and fee "
            "relief: %(tax)s; loan interest subsidy: %(loan)s; start-up training: %(training)s; social-insurance "
            "subsidy: %(si)s"
        )
        % {
            "tax": names("chaoyang_sme_tax_preferences"),
            "loan": names("chaoyang_startup_guarantee_loan_sme"),
            "training": names("chaoyang_vocational_training_subsidy"),
            "si": names("chaoyang_hard_to_employ_si_subsidy"),
        },
        clause,
    )
    decision = non_cash_decision(program, facts, reasons, extra=(measures,))
    decision.note = package_note()
    return decision


def package_note() -> str:
    return _("A bundle of measures: each is granted under its own program and rules, by the body named above.")


@rule("yiyang_poverty_area_enterprise_support")
def yiyang_poverty_area_enterprise_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十）: 着力推动安化县做大做强县域经济…对符合条件的企业，开设“绿色通道”…不再增收土地价款，享受用电相关
    优惠政策，企业上市融资按规定给予相应奖励，养老保险缴费实施费率过渡试点政策 — an enterprise in the poverty area
    (安化县, docs/policy-decisions.md; or recorded as in a poverty area); 符合条件 for each measure is decided by the
    body that grants it."""
    clause = program.clause
    label = _("In the poverty area (贫困地区: 安化县)")
    county, flagged = facts.get("organization.county"), facts.get("organization.in_poverty_area")
    in_county = None if county is None else county in POVERTY_COUNTIES["yiyang"]
    if in_county or flagged:
        area = Reason(condition="poverty_area", label=label, met=True, clause=clause, detail=county or "")
    elif in_county is None and flagged is None:
        area = missing("poverty_area", label, clause, "organization.county")
    else:
        area = Reason(condition="poverty_area", label=label, met=False, clause=clause, detail=county or "")
    measures = info(
        "measures",
        _(
            "Each measure is decided by the body that grants it, on its conditions (符合条件): the green channel for "
            "planning, land and environmental approvals (the approving departments); tax preferences (the tax "
            "office); no extra land price for a higher plot ratio (the planning and land bureaus); electricity "
            "preferences (the power supplier); listing awards (the municipal financial affairs office); the pension "
            "contribution rate pilot (the social insurance agency)"
        ),
        clause,
    )
    decision = non_cash_decision(program, facts, [area], extra=(measures,))
    decision.note = package_note()
    return decision
