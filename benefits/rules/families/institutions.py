"""Programs for intermediaries and institutions: the employment and start-up service subsidy for organised labour
export and for public agencies' events, incubator awards, support for digital courses, recognised training bases,
demonstration townships and skill platforms. Clauses: 大庆（七）（十三）（十七）, 大连（十一）（十四）
（十七）, 济南（三）（八）（十）（十二）, 益阳（七）（十二）（十五）; the national rules the texts rely on are cited
in the reasons' clauses."""

from ..conditions import missing
from ..conditions_business import any_of, count_people, evidence, headcount_reason, kind_in, not_paid, per_head
from ..conditions_people import flag
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule
from .awards import selected, yiyang_fund_reason
from .enterprise_support import info
from .training import kind_is

RURAL_LABOUR = "rural_migrant_workers"  # 农村转移劳动者 / 农民工: 大庆's 农民转移劳动力, 大连's 农村劳动力
MARKET_ENTITIES = ("hr_agency", "labour_broker", "labour_export_entity")
INCUBATOR_CATEGORIES = ("tech_incubator", "maker_space", "returnee_park", "rural_tourism_maker_base")
# 财社〔2017〕164号《就业补助资金管理办法》: 第十二条 就业创业服务补助, 第十三条 高技能人才培养补助
SERVICE_SUBSIDY_ARTICLE = "财社〔2017〕164号第十二条"
HIGH_SKILL_ARTICLE = "财社〔2017〕164号第十三条"
Counted = tuple[int | None, int, tuple[str, ...]]  # count_people's (count, unknown, needed)


def national(clause: str, article: str) -> str:
    """The clause of the city's text and, after it, the national article the reason comes from."""
    return f"{clause}；{article}"


def national_rule(clause: str, article: str, label: str) -> Reason:
    """The national subsidy a city's clause pays under (``article``), shown beside the conditions, never deciding."""
    return info("national_rule", label, national(clause, article))


def paid_once(
    program: ProgramInfo, facts: Facts, params: Params, reasons: list[Reason], code: str, note: str = "", *, extra=()
) -> Decision:
    """Paid once, at the amount ``code`` (open in the documents: nothing is paid until it is set); ``extra`` reasons
    inform beside the conditions and do not decide."""
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(params, code, facts.as_of, clause=program.clause)
    return Decision(program, eligible, amount, "once", 1, [*reasons, *extra, amount_reason], note)


def count_reason(count: int | None, unknown: int, needed: tuple[str, ...], *, condition: str, label: str, clause: str):
    """At least one event (or person) counted; unknown while the list or one of its rows cannot be judged."""
    if count:
        return Reason(
            condition=condition,
            label=label,
            met=True,
            clause=clause,
            detail=_("%(count)s not yet paid") % {"count": count},
        )
    if count is None or unknown:
        return missing(condition, label, clause, *needed)
    return Reason(condition=condition, label=label, met=False, clause=clause)


def service_events(facts: Facts, program: ProgramInfo, kinds: tuple[str, ...]) -> Counted:
    """The organization's events of ``kinds`` held on or before the day and not yet paid by the program."""

    def counted(row):
        if program.code in (row.get("paid") or []):
            return False
        day, kind = fact_date(row.get("date")), row.get("kind")
        if day is None or kind is None:
            return None
        return kind in kinds and day <= facts.as_of

    return count_people(facts, "organization.service_events", counted)


def exported_workers(facts: Facts, program: ProgramInfo, *, rural: bool) -> Counted:
    """Workers the intermediary placed (``organization.placements``: its organised labour export, as 益阳's
    placement subsidy reads it) whose work began on or before the day, not yet paid for by anyone (once per worker,
    family ``labor_export_service_subsidy``); 大庆 and 大连 count rural labour only."""

    def counted(row):
        if not not_paid(row, program.code, program.family):
            return False
        start = fact_date(row.get("from"))
        if start is None:
            return None
        if start > facts.as_of:
            return False
        if not rural:
            return True
        registers = row.get("registers")
        return None if registers is None else RURAL_LABOUR in registers

    return count_people(facts, "organization.placements", counted)


def service_subsidy(program: ProgramInfo, reasons: list[Reason], amount, amount_reasons: list[Reason], note: str):
    """The employment and start-up service subsidy for a market entity's services: once for the services counted."""
    purchase = national_rule(
        program.clause,
        SERVICE_SUBSIDY_ARTICLE,
        _(
            "National rule (财社〔2017〕164号): the employment and start-up service subsidy buys basic employment and "
            "start-up services from the market (向社会购买基本就业创业服务成果); the standard is the city's"
        ),
    )
    return Decision(program, eligibility(reasons), amount, "once", 1, [*reasons, purchase, *amount_reasons], note)


def contract_price_reason(clause: str, label: str) -> Reason:
    """A price the document leaves to a contract: shown, never computed, and no condition of eligibility."""
    return Reason(condition="contract_price", label=label, met=None, clause=clause)


# --- organised labour export: the employment and start-up service subsidy for market entities --------------------

LABOUR_EXPORT_ENTITIES = {
    # 大庆（十三）: 人力资源服务企业或劳务经纪人 (two kinds, no 等)
    "daqing": ("hr_agency", "labour_broker"),
    # 大连（十四）: 人力资源服务机构、劳务经纪人等市场主体
    "dalian": MARKET_ENTITIES,
}
LABOUR_EXPORT_STANDARDS = {
    "daqing": "daqing.labor_export_service_subsidy_per_person_cny",
    "dalian": "dalian.labor_export_service_subsidy_per_person_cny",
    "jinan": "jinan.labor_export_service_subsidy_per_person_cny",
}


def intermediary_reason(facts: Facts, kinds: tuple[str, ...], clause: str) -> Reason:
    label = (
        _("An HR service firm or a labour broker (人力资源服务企业或劳务经纪人)")
        if kinds == LABOUR_EXPORT_ENTITIES["daqing"]
        else _("An HR agency, a labour broker or another market entity (人力资源服务机构、劳务经纪人等市场主体)")
    )
    return kind_in(facts, "organization.categories", kinds, condition="intermediary", label=label, clause=clause)


@rule("daqing_labor_export_service_subsidy", "dalian_labor_export_service_subsidy")
def rural_labor_export_service_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十三）: 人力资源服务企业或劳务经纪人为农民转移劳动力开展有组织劳务输出的，给予就业创业服务补贴;
    大连（十四）: 推动农村劳动力有序外出就业，对人力资源服务机构、劳务经纪人等市场主体开展有组织劳务输出的，给予
    就业创业服务补贴.
    Per rural worker exported, at the city's open standard, once per worker; the subsidy is the national one
    (财社〔2017〕164号第十二条: the purchase of basic employment service outputs)."""
    clause = program.clause
    workers = exported_workers(facts, program, rural=True)
    reasons = [
        intermediary_reason(facts, LABOUR_EXPORT_ENTITIES[program.city], clause),
        headcount_reason(
            *workers,
            label=_("Organised the export of rural labour into work (有组织劳务输出), not paid for before"),
            clause=clause,
        ),
    ]
    return service_subsidy(
        program, reasons, *per_head(params, LABOUR_EXPORT_STANDARDS[program.city], facts, *workers, clause=clause)
    )


@rule("jinan_labor_export_service_subsidy")
def jinan_labor_export_service_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（十二）: 充分运用就业创业服务补贴政策…支持人力资源服务机构、劳务经纪人等市场主体为劳动者提供职业指导、创业
    指导、信息咨询以及有组织的劳务输出等服务. Any worker (劳动者); organised export at the open standard per worker,
    once per worker; guidance and information at the price of the purchase contract (财社〔2017〕164号第十二条)."""
    clause = program.clause
    workers = exported_workers(facts, program, rural=False)
    guided = service_events(facts, program, ("employment_guidance", "startup_service"))
    exported = headcount_reason(
        *workers,
        label=_("Organised the export of workers into work (有组织的劳务输出), not paid for before"),
        clause=clause,
    )
    guidance = count_reason(
        *guided,
        condition="guidance",
        label=_(
            "Gave career guidance, start-up guidance or information (职业指导、创业指导、信息咨询), not paid for before"
        ),
        clause=clause,
    )
    reasons = [
        intermediary_reason(facts, MARKET_ENTITIES, clause),
        any_of(
            [exported, guidance],
            condition="services",
            label=_("Provided workers with organised labour export, or with guidance and information"),
            clause=clause,
        ),
    ]
    amount, amount_reasons, note = None, [], ""
    exported_count, guided_count = workers[0], guided[0]
    if exported_count != 0:  # per worker exported; unknown while the count is (None)
        amount, amount_reasons, note = per_head(
            params, LABOUR_EXPORT_STANDARDS[program.city], facts, *workers, clause=clause
        )
    if guided_count:
        amount_reasons.append(
            contract_price_reason(
                clause,
                _("Guidance and information are paid at the price of the purchase contract; the document states none"),
            )
        )
    return service_subsidy(program, reasons, amount, amount_reasons, note)


# --- public agencies and universities: the employment and start-up service subsidy for their events -------------

# city → (who, which events, the standard per event)
PUBLIC_AGENCIES = {
    # 大庆（十七）、大连（十七）: 支持公共就业创业服务机构和高校开展招聘活动和（及）创业服务
    "daqing": (
        ("public_employment_service", "college"),
        ("recruitment", "startup_service"),
        "daqing.public_agency_service_subsidy_per_event_cny",
    ),
    "dalian": (
        ("public_employment_service", "college"),
        ("recruitment", "startup_service"),
        "dalian.public_agency_service_subsidy_per_event_cny",
    ),
    # 济南（十二）: 支持公共就业创业服务机构开展就业创业服务
    "jinan": (
        ("public_employment_service",),
        ("recruitment", "startup_service", "employment_guidance"),
        "jinan.public_agency_service_subsidy_per_event_cny",
    ),
}


@rule(
    "daqing_employment_service_subsidy_public_agencies",
    "dalian_employment_service_subsidy_public_agencies",
    "jinan_employment_service_subsidy_public_agencies",
)
def employment_service_subsidy_public_agencies(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十七）, 大连（十七）: 充分运用就业创业服务补贴政策，支持公共就业创业服务机构和高校开展招聘活动和创业服务;
    济南（十二）: …支持公共就业创业服务机构开展就业创业服务. Per event held and not yet paid, at the city's open
    standard (财社〔2017〕164号第十二条: 公共就业创业服务机构及其与高校开展的招聘活动和创业服务)."""
    clause = program.clause
    kinds, events, standard = PUBLIC_AGENCIES[program.city]
    with_colleges = "college" in kinds
    count, unknown, needed = service_events(facts, program, events)
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            kinds,
            condition="agency_kind",
            label=_("A public employment and start-up service agency or a university (公共就业创业服务机构和高校)")
            if with_colleges
            else _("A public employment and start-up service agency (公共就业创业服务机构)"),
            clause=clause,
        ),
        count_reason(
            count,
            unknown,
            needed,
            condition="events",
            label=_("Held recruitment events or start-up services (招聘活动和创业服务), not paid for before")
            if with_colleges
            else _("Held employment or start-up services (就业创业服务), not paid for before"),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    figure, figure_reason = parameter_amount(params, standard, facts.as_of, clause=clause)
    national_reason = national_rule(
        clause,
        SERVICE_SUBSIDY_ARTICLE,
        _(
            "National rule (财社〔2017〕164号): the employment and start-up service subsidy funds the recruitment "
            "events and start-up services of public employment agencies, also those held with universities; the "
            "standard is the city's"
        ),
    )
    amount = None if figure is None or count is None or unknown else money(figure * count)
    note = _("%(figure)s CNY per event × %(count)s event(s)") % {
        "figure": "?" if figure is None else f"{figure.normalize():f}",
        "count": "?" if count is None or unknown else count,
    }
    return Decision(program, eligible, amount, "once", 1, [*reasons, national_reason, figure_reason], note)


# --- incubator awards ---------------------------------------------------------------------------------------------


def incubation_base(facts: Facts, label: str, clause: str) -> Reason:
    """创业孵化基地（园区）: the kind ``incubator``, or a category that is one (众创空间, 科技企业孵化器, 返乡创业园,
    乡村旅游创客基地); not met when both are known and neither says so."""
    kind, categories = facts.get("organization.kind"), facts.get("organization.categories")
    if kind == "incubator" or set(categories or ()) & set(INCUBATOR_CATEGORIES):
        return Reason(condition="incubator", label=label, met=True, clause=clause)
    absent = [
        path for path, value in (("organization.kind", kind), ("organization.categories", categories)) if value is None
    ]
    if absent:
        return missing("incubator", label, clause, *absent)
    return Reason(condition="incubator", label=label, met=False, clause=clause)


def incubator_award(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    base: Reason,
    recognitions: dict[str, str],
    code: str,
    note: str = "",
) -> Decision:
    """An incubator award: the kind of base, then what another body recognised or decided about it (evidence code →
    label, recorded by the caseworker); once, at the amount ``code``."""
    recorded = [
        selected(facts, "organization", evidence, label, program.clause) for evidence, label in recognitions.items()
    ]
    return paid_once(program, facts, params, [base, *recorded], code, note)


@rule("daqing_incubator_award")
def daqing_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（七）: 孵化基地、创新创业基地、众创空间（统称“孵化基地”）…完善评估机制，对符合条件的孵化基地，按照庆发
    〔2017〕11号有关规定给予奖励. The conditions and the amount are 庆发〔2017〕11号's (not held): the evaluation
    decides, and the amount is open."""
    base = incubation_base(facts, _("An incubation base, innovation base or maker space (孵化基地)"), program.clause)
    passed = {"incubator_evaluation_passed": _("Passed the evaluation and meets the conditions of 庆发〔2017〕11号")}
    note = _(
        "The conditions, amount and frequency of the award are those of 庆发〔2017〕11号, which the system does "
        "not hold."
    )
    return incubator_award(program, facts, params, base, passed, "daqing.incubator_award_cny", note)


@rule("jinan_idle_property_incubator_award")
def jinan_idle_property_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（八）: 探索建立对直接购买或租赁闲置房地产楼盘作为创业孵化示范基地（园区）给予奖补的机制 — a mechanism to be
    set up: its recognition is recorded, and nothing is paid until its amount is set (docs/policy-decisions.md)."""
    base = incubation_base(facts, _("An incubation base or park (创业孵化基地（园区）)"), program.clause)
    demonstration = {
        "idle_property_demonstration_base": _(
            "Bought or leased idle real estate directly and runs it as an incubation demonstration base"
        )
    }
    note = _("济南 is to set up this award (探索建立): nothing is paid until it sets the amount.")
    return incubator_award(program, facts, params, base, demonstration, "jinan.idle_property_incubator_award_cny", note)


@rule("jinan_county_incubator_award")
def jinan_county_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（八）: 鼓励有条件的县区对本级认定的创业孵化基地（园区）给予奖补 — the county recognises the base and chooses
    to award; the amount is open."""
    base = incubation_base(facts, _("An incubation base or park (创业孵化基地（园区）)"), program.clause)
    county = {
        "recognised_county_incubator": _("Recognised as an incubation base by its county or district (本级认定)"),
        "county_incubator_award_scheme": _(
            "The county or district awards the incubation bases it recognised (有条件的县区)"
        ),
    }
    note = _("Paid by the county or district that recognised the base.")
    return incubator_award(program, facts, params, base, county, "jinan.county_incubator_award_cny", note)


@rule("jinan_tech_incubator_award")
def jinan_tech_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（八）: 加强科技企业孵化器和众创空间建设，对孵化高新技术企业成效显著的给予奖补 — the science and technology
    bureau judges the results; the amount is open."""
    base = kind_in(
        facts,
        "organization.categories",
        ("tech_incubator", "maker_space"),
        condition="tech_incubator",
        label=_("A technology business incubator or a maker space (科技企业孵化器和众创空间)"),
        clause=program.clause,
    )
    results = {
        "high_tech_incubation_results": _(
            "Notable results in incubating high-tech enterprises (孵化高新技术企业成效显著)"
        )
    }
    return incubator_award(program, facts, params, base, results, "jinan.tech_incubator_award_cny")


# --- digital training courses ---------------------------------------------------------------------------------------


def quality_institution(facts: Facts, clause: str) -> Reason:
    return evidence(
        facts,
        "organization",
        "quality_training_institution",
        label=_("A quality training institution (优质培训机构)"),
        clause=clause,
    )


def developed_course(program: ProgramInfo, reasons: list[Reason]) -> Decision:
    eligible = eligibility(reasons)
    price = contract_price_reason(
        program.clause,
        _(
            "The amount is the contract's price, paid from the vocational training subsidy (职业培训补贴); the "
            "document states none"
        ),
    )
    return Decision(program, eligible, None, "once", 1, [*reasons, price])


def accepted(facts: Facts, clause: str) -> Reason:
    return flag(
        facts,
        "training.outputs_accepted",
        condition="outputs_accepted",
        clause=clause,
        label=_("The course was developed and accepted by the human-resources bureau"),
    )


@rule("dalian_digital_training_course_support")
def dalian_digital_training_course_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十一）: 充分运用职业培训补贴，支持优质培训机构开发数字培训课程，支持平台开展网上创业培训 — a digital
    course by a quality institution, or online start-up training by a platform; paid for the accepted course at the
    contract's price (no figure in the document)."""
    clause = program.clause
    label = _("A quality training institution for a digital course; a platform for online start-up training")
    if facts.get("training.kind") == "online_startup":
        provider = Reason(condition="provider", label=label, met=True, clause=clause)
    else:
        provider = quality_institution(facts, clause)._replace(condition="provider", label=label)
    reasons = [
        kind_is(facts, ("digital_course", "online_startup"), _("A digital course or online start-up training"), clause),
        provider,
        accepted(facts, clause),
    ]
    return developed_course(program, reasons)


@rule("jinan_digital_training_course_support")
def jinan_digital_training_course_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（十）: 充分运用职业培训补贴，支持优质培训机构开发数字培训课程 — digital courses only; paid for the accepted
    course at the contract's price (no figure in the document)."""
    clause = program.clause
    reasons = [
        kind_is(facts, ("digital_course",), _("A digital training course"), clause),
        quality_institution(facts, clause),
        accepted(facts, clause),
    ]
    return developed_course(program, reasons)


# --- recognitions and support of 济南 and 益阳 -----------------------------------------------------------------------


@rule("jinan_household_service_training_base")
def jinan_household_service_training_base(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（三）: 建设一批家庭服务业职业培训基地，每年认定3家市级示范基地 — a recognition without money; the yearly
    number is the parameter (from the document's date)."""
    clause = program.clause
    code = "jinan.household_service_demo_bases_per_year"
    quota = params.value(code, facts.as_of)
    quota_label = _("At most %(count)s municipal demonstration bases are recognised a year") % {
        "count": "?" if quota is None else f"{quota.normalize():f}"
    }
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("household_service_training_base",),
            condition="training_base",
            label=_("A household-service vocational training base (家庭服务业职业培训基地)"),
            clause=clause,
        ),
        evidence(
            facts,
            "organization",
            "recognised_household_service_demo_base",
            label=_("Recognised as one of the year's municipal demonstration bases"),
            clause=clause,
        ),
        Reason(
            condition="yearly_quota",
            label=quota_label,
            met=True if quota is not None else None,
            clause=clause,
            missing=() if quota is not None else (code,),
        ),
    ]
    eligible = eligibility(reasons)
    return Decision(
        program, eligible, None, None, None, reasons, _("A recognition: the document attaches no money to it.")
    )


@rule("yiyang_demo_township_support")
def yiyang_demo_township_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（七）: 创建一批特色鲜明、成效突出的市级创新创业带动就业示范乡镇（街道）、村（社区）…从市级创新创业专项扶持资
    金中给予一定的资金支持，并优先推荐参加省级项目评选 — from the yearly fund of （八）; the amount is open."""
    clause = program.clause
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("township", "village"),
            condition="demo_site",
            label=_("A township (street) or a village (community)"),
            clause=clause,
        ),
        evidence(
            facts,
            "organization",
            "demo_township_created",
            label=_("Created as a municipal demonstration township or village for entrepreneurship-driven employment"),
            clause=clause,
        ),
    ]
    note = _("Also recommended first for provincial project selections (优先推荐参加省级项目评选).")
    fund = yiyang_fund_reason(params, facts, clause)
    return paid_once(program, facts, params, reasons, "yiyang.demo_township_support_cny", note, extra=(fund,))


@rule("yiyang_returnee_startup_park_recommendation")
def yiyang_returnee_startup_park_recommendation(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十二）: 优先推荐农民工返乡创业园和农民工创办的企业申报省级创新创业带动就业示范典型评选 — in kind: the
    municipal bureau recommends them first; the province selects."""
    clause = program.clause
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("returnee_park", "migrant_worker_enterprise"),
            condition="returnee_entity",
            label=_("A returnee start-up park of migrant workers or an enterprise founded by a migrant worker"),
            clause=clause,
        )
    ]
    eligible = eligibility(reasons)
    note = _(
        "Recommended first by the municipal human-resources bureau for the provincial selection of model cases "
        "(省级创新创业带动就业示范典型评选); the province selects."
    )
    return Decision(program, eligible, None, None, None, reasons, note)


@rule("yiyang_skill_platform_funding")
def yiyang_skill_platform_funding(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十五）: 落实和支持院校建设国家、省、市级技能大师工作室、高技能人才培训基地、重点产业技能人才实训基地和技工
    院校校企合作研修平台，由财政给予一定的资金支持 — once per recognised platform; the amount is open (the national
    line is 财社〔2017〕164号第十三条, 高技能人才培养补助)."""
    clause = program.clause
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("college", "technical_school"),
            condition="institution_kind",
            label=_("A college or a vocational or technical school (院校)"),
            clause=clause,
        ),
        evidence(
            facts,
            "organization",
            "skill_platform_recognised",
            label=_(
                "Builds a skill-master studio, a high-skill training base, a key-industry practical training base "
                "or (a technical school) a school–enterprise training platform recognised at national, provincial "
                "or city level"
            ),
            clause=clause,
        ),
    ]
    high_skill = national_rule(
        clause,
        HIGH_SKILL_ARTICLE,
        _(
            "National rule (财社〔2017〕164号): the high-skill talent training subsidy (高技能人才培养补助) funds the "
            "building of high-skill training bases and skill-master studios; 益阳 pays from its public finances an "
            "amount it leaves open"
        ),
    )
    note = _("One payment per platform recognised.")
    return paid_once(program, facts, params, reasons, "yiyang.skill_platform_funding_cny", note, extra=(high_skill,))
