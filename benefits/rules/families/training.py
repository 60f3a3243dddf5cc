"""Training subsidies: per-trainee vocational training subsidies and their uplifts, block purchases from
training institutions, enterprises' training subsidies and the skill-upgrade subsidy. 大庆（十六）, 大连（四）（十一）,
济南（十）, 朝阳（二十二）（二十四）, 益阳（十六）（二十一）; decisions in docs/policy-decisions.md, "Skills and
training"."""

import datetime
from decimal import Decimal

from core.dates import add_months

from ..conditions import missing
from ..conditions_people import durations_unset, flag, on_register_on, parameter_values, years_value
from ..counting import at_least, at_most
from ..engine import Decision, Params, ProgramInfo, Reason, combine, eligibility, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..names import register_name, value_label
from ..registry import rule

DIGITAL_KINDS = ("digital_course", "startup_simulation", "online_startup")
EMPLOYMENT_SKILLS_KINDS = ("employment_skills", "pre_employment")


def _standard(program: ProgramInfo) -> str:
    return f"{program.city}.vocational_training_subsidy_per_trainee_cny"


def in_catalogue(facts: Facts, clause: str) -> Reason:
    return flag(
        facts,
        "training.in_catalogue",
        condition="in_catalogue",
        clause=clause,
        label=_("The course's occupation or project is in the published subsidy catalogue (目录)"),
    )


def completed(facts: Facts, clause: str) -> Reason:
    return flag(facts, "training.completed", condition="completed", clause=clause, label=_("The course was completed"))


def not_block_purchase(facts: Facts, clause: str) -> Reason:
    """A block purchase replaces the individual subsidy (docs/policy-decisions.md, "Block purchases")."""
    return flag(
        facts,
        "training.block_purchase",
        condition="not_block_purchase",
        clause=clause,
        expected=False,
        label=_("Not bought as a block from a training institution (its trainees are not paid individually)"),
    )


def kind_is(facts: Facts, kinds: tuple[str, ...], label: str, clause: str) -> Reason:
    kind = facts.get("training.kind")
    if kind is None:
        return missing("course_kind", label, clause, "training.kind")
    return Reason(
        condition="course_kind",
        label=label,
        met=kind in kinds,
        clause=clause,
        detail=value_label("training.kind", kind),
    )


def _course_start(facts: Facts) -> datetime.date | None:
    return facts.date("training.start_date")


def _per_trainee(
    program: ProgramInfo, facts: Facts, params: Params, reasons: list[Reason], *, note: str = ""
) -> Decision:
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(params, _standard(program), facts.as_of, clause=program.clause)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, amount_reason],
        note=note or _("One payment per trainee and completed course, to the trainee."),
    )


# --- the per-trainee subsidy -------------------------------------------------------------------------------------


@rule("daqing_vocational_training_subsidy", "jinan_vocational_training_subsidy", "chaoyang_vocational_training_subsidy")
def vocational_training_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十六）: 对目录内的职业培训和技能鉴定按照规定给予补贴; 济南（十）: 定期发布…指导目录，完善补贴标准; 朝阳
    （二十二）:
    及时发布紧缺和基础工种政府补贴指导目录. One per-trainee standard per city until the catalogues are tables."""
    clause = program.clause
    reasons = [in_catalogue(facts, clause), completed(facts, clause), not_block_purchase(facts, clause)]
    note = ""
    if program.city == "chaoyang":
        note = _(
            "Priority groups (not a condition): unemployed graduates, overcapacity-displaced workers, rural "
            "migrant workers, veterans (朝阳（二十四）)."
        )
    return _per_trainee(program, facts, params, reasons, note=note)


@rule("dalian_government_subsidized_training")
def dalian_government_subsidized_training(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十一）: 面向贫困家庭子女、毕业年度高校毕业生（含技师学院高级工班…）、城乡未继续升学的应届初中毕业生、农
    村转移就业
    劳动者、城镇登记失业人员以及符合条件的企业职工等群体 — in the group on the course start (毕业年度: the calendar
    year,
    docs/policy-decisions.md); a course in the 指导目录, completed."""
    clause = program.clause
    group = on_register_on(
        facts,
        [
            "poverty_family_children",
            "graduating_year_graduates",
            "technician_college_equivalent_graduates",
            "junior_senior_school_leavers",
            "rural_migrant_workers",
            "registered_urban_unemployed",
            "ui_insured_employees",
        ],
        _course_start(facts),
        condition="target_group",
        label=_(
            "In a target group on the course start (poor family child, graduating-year graduate, school leaver, "
            "rural migrant worker, registered unemployed, insured enterprise employee)"
        ),
        clause=clause,
        day_path="training.start_date",
    )
    reasons = [group, in_catalogue(facts, clause), completed(facts, clause), not_block_purchase(facts, clause)]
    return _per_trainee(program, facts, params, reasons)


# --- 益阳's subsidy and its uplifts (they replace the plain subsidy and do not add up) -----------------------------


def _poverty_uplift_applies(facts: Facts, clause: str) -> Reason:
    """益阳（二十一）'s +70%: a registered poverty laborer on the course start, in employment-skills training."""
    label = _("A registered poverty laborer (建档立卡) in employment-skills training")
    registered = on_register_on(
        facts,
        ["poverty_registered_labor"],
        _course_start(facts),
        condition="poverty_uplift",
        label=label,
        clause=clause,
        day_path="training.start_date",
    )
    kind = kind_is(facts, EMPLOYMENT_SKILLS_KINDS, label, clause)
    met = combine([registered, kind])
    return Reason(
        condition="poverty_uplift", label=label, met=met, clause=clause, missing=registered.missing + kind.missing
    )


def _shortage(facts: Facts, clause: str) -> Reason:
    return flag(
        facts,
        "training.occupation_on_shortage_list",
        condition="shortage_occupation",
        clause=clause,
        label=_("The occupation is on 《湖南省紧缺职业（工种）目录》"),
    )


def _negated(reason: Reason, condition: str, label: str, detail: str) -> Reason:
    return Reason(
        condition=condition,
        label=label,
        met=None if reason.met is None else not reason.met,
        clause=reason.clause,
        missing=reason.missing,
        detail=detail if reason.met else "",
    )


@rule("yiyang_vocational_training_subsidy")
def yiyang_vocational_training_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十六）: 按《湖南省职业培训补贴标准目录》给予职业培训补贴 — not where an uplift (shortage occupation +10%,
    poverty laborer +70%) replaces it."""
    clause = program.clause
    shortage, poverty = _shortage(facts, clause), _poverty_uplift_applies(facts, clause)
    either = Reason(
        condition="uplift",
        label="",
        met=True if True in (shortage.met, poverty.met) else (None if None in (shortage.met, poverty.met) else False),
        clause=clause,
        missing=shortage.missing + poverty.missing,
    )
    reasons = [
        in_catalogue(facts, clause),
        completed(facts, clause),
        not_block_purchase(facts, clause),
        _negated(
            either,
            "no_uplift",
            _("No uplift replaces the standard subsidy"),
            "yiyang_shortage_occupation_training_uplift / yiyang_poverty_training_uplift",
        ),
    ]
    return _per_trainee(program, facts, params, reasons)


@rule("yiyang_shortage_occupation_training_uplift")
def yiyang_shortage_occupation_training_uplift(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十六）: 对从事职业（工种）属于《湖南省紧缺职业（工种）目录》的劳动力，其当年的培训补贴标准按规定标准上
    浮10%执行 — not
    combined with the poverty +70%: the larger applies (docs/policy-decisions.md)."""
    clause = program.clause
    reasons = [
        _shortage(facts, clause),
        in_catalogue(facts, clause),
        completed(facts, clause),
        not_block_purchase(facts, clause),
        _negated(
            _poverty_uplift_applies(facts, clause),
            "no_larger_uplift",
            _("The larger poverty-laborer uplift (+70%) does not apply"),
            "yiyang_poverty_training_uplift",
        ),
    ]
    eligible = eligibility(reasons)
    values, amount_reasons = parameter_values(
        params, [_standard(program), "yiyang.shortage_occupation_training_uplift_ratio"], facts.as_of, clause=clause
    )
    amount = None if values is None else money(values[0] * values[1])
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, *amount_reasons],
        note=_("Replaces the standard subsidy for the course."),
    )


@rule("yiyang_poverty_training_uplift")
def yiyang_poverty_training_uplift(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 贫困劳动力就业技能培训在同类职业培训补贴标准基础上上浮70% — to the trainee, or to the
    institution when the
    course is bought as a block (docs/policy-decisions.md)."""
    clause = program.clause
    label = _("A registered poverty laborer (建档立卡) on the course start")
    reasons = [
        on_register_on(
            facts,
            ["poverty_registered_labor"],
            _course_start(facts),
            condition="poverty_labor",
            label=label,
            clause=clause,
            day_path="training.start_date",
        ),
        kind_is(facts, EMPLOYMENT_SKILLS_KINDS, _("An employment-skills training course"), clause),
        completed(facts, clause),
    ]
    eligible = eligibility(reasons)
    values, amount_reasons = parameter_values(
        params,
        ["yiyang.pre_employment_training_standard_per_trainee_cny", "yiyang.poverty_training_uplift_ratio"],
        facts.as_of,
        clause=clause,
    )
    amount = None if values is None else money(values[0] * values[1])
    payee = (
        _("Paid to the training institution (block purchase).")
        if facts.get("training.block_purchase")
        else _("Paid to the trainee.")
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, *amount_reasons],
        note=payee + " " + _("Replaces the standard subsidy and the shortage uplift for the course."),
    )


@rule("yiyang_poverty_training_living_allowance")
def yiyang_poverty_training_living_allowance(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 培训期间按实际到课时间每人每天给予生活补贴20元 — a day counts when attendance is recorded,
    hours not
    pro-rated; always to the trainee (docs/policy-decisions.md)."""
    clause = program.clause
    days = facts.get("training.days_attended")
    label = _("Days with recorded attendance")
    reasons = [
        on_register_on(
            facts,
            ["poverty_registered_labor"],
            _course_start(facts),
            condition="poverty_labor",
            label=_("A registered poverty laborer (建档立卡) on the course start"),
            clause=clause,
            day_path="training.start_date",
        ),
        kind_is(facts, EMPLOYMENT_SKILLS_KINDS, _("An employment-skills training course"), clause),
        missing("attended", label, clause, "training.days_attended")
        if days is None
        else Reason(condition="attended", label=label, met=days > 0, clause=clause, detail=str(days)),
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "yiyang.poverty_training_living_allowance_cny_per_day", facts.as_of, clause=clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="day",
        max_periods=days,
        reasons=[*reasons, amount_reason],
        note=_("Per attended day, to the trainee."),
    )


@rule("yiyang_digital_training_in_subsidy_scope")
def yiyang_digital_training_in_subsidy_scope(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十六）: 将数字培训课程、创业模拟实训、网络创业培训纳入培训补贴范畴 — at the city's per-trainee standard."""
    clause = program.clause
    reasons = [
        kind_is(
            facts, DIGITAL_KINDS, _("A digital course, simulated start-up training or online start-up training"), clause
        ),
        completed(facts, clause),
        not_block_purchase(facts, clause),
    ]
    return _per_trainee(program, facts, params, reasons)


# --- block purchases and purchases of services (paid to the institution) ------------------------------------------

CONCENTRATED_REGISTERS = {
    "daqing": ("overcapacity_displaced_workers", "poverty_registered_labor"),
    "dalian": ("overcapacity_displaced_workers",),
    "jinan": ("overcapacity_displaced_workers", "poverty_registered_labor"),
    "yiyang": ("overcapacity_displaced_workers", "poverty_registered_labor"),
}


def _count_trainees(facts: Facts, test) -> int | None:
    trainees = facts.get("training.trainees")
    if trainees is None:
        return None
    return sum(1 for trainee in trainees if test(trainee))


@rule(
    "daqing_concentrated_training_purchase",
    "dalian_concentrated_training_purchase",
    "jinan_concentrated_training_purchase",
    "yiyang_concentrated_training_purchase",
)
def concentrated_training_purchase(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十六）, 大连（十一）, 济南（十）, 益阳（十六）（二十一）: 整建制购买培训项目、直接补贴培训机构 for 去产
    能企业失业人员 (and
    建档立卡贫困劳动力 except in 大连). The contract fixes the price, at most the city's per-trainee standard per
    trainee."""
    clause = program.clause
    codes = CONCENTRATED_REGISTERS[program.city]
    count = _count_trainees(facts, lambda t: any(code in (t.get("registers") or []) for code in codes))
    label = _("Trains people of the target groups (%(groups)s)") % {
        "groups": "、".join(register_name(c) for c in codes)
    }
    reasons = [
        flag(
            facts,
            "training.block_purchase",
            condition="block_purchase",
            clause=clause,
            label=_("A block-purchase contract with the training institution"),
        ),
        missing("target_trainees", label, clause, "training.trainees")
        if count is None
        else Reason(
            condition="target_trainees",
            label=label,
            met=count > 0,
            clause=clause,
            detail=_("%(count)s trainee(s) of the groups") % {"count": count},
        ),
    ]
    eligible = eligibility(reasons)
    standard = params.value(_standard(program), facts.as_of)
    ceiling = "" if standard is None or count is None else str(money(standard * count))
    price = Reason(
        condition="contract_price",
        label=_(
            "The price is the contract's (not stated by the document); at most the per-trainee standard per trainee"
        ),
        met=None,
        clause=clause,
        missing=() if standard is not None else (_standard(program),),
        detail=_("Ceiling: %(ceiling)s CNY") % {"ceiling": ceiling} if ceiling else "",
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=None,
        period="once",
        max_periods=1,
        reasons=[*reasons, price],
        note=_("Paid to the training institution; its trainees are not paid individually for the course."),
    )


@rule("daqing_digital_training_course_purchase")
def daqing_digital_training_course_purchase(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十六）: 按照政府购买服务成果的方式，支持培训机构开发数字培训课程，开展网上创业培训 — paid for accepted
    outputs at the
    contract's price (no figure in the document)."""
    clause = program.clause
    reasons = [
        kind_is(facts, DIGITAL_KINDS, _("Digital training courses or online start-up training"), clause),
        flag(
            facts,
            "training.outputs_accepted",
            condition="outputs_accepted",
            clause=clause,
            label=_("The outputs of the purchase-of-services contract were delivered and accepted"),
        ),
    ]
    eligible = eligibility(reasons)
    price = Reason(
        condition="contract_price",
        met=None,
        clause=clause,
        label=_("The amount is the purchase contract's price; the document states none (按照政府购买服务成果的方式)."),
    )
    return Decision(
        program=program, eligible=eligible, amount_cny=None, period="once", max_periods=1, reasons=[*reasons, price]
    )


# --- enterprises' training subsidies (per counted trainee) --------------------------------------------------------


def _enterprise(facts: Facts, clause: str) -> Reason:
    return flag(
        facts, "organization.kind", condition="enterprise", clause=clause, expected="employer", label=_("An enterprise")
    )


def _per_counted_trainee(
    program: ProgramInfo,
    reasons: list[Reason],
    count: int | None,
    per_trainee: Decimal | None,
    amount_reasons: list[Reason],
) -> Decision:
    eligible = eligibility(reasons)
    amount = None if per_trainee is None or count is None else money(per_trainee * count)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, *amount_reasons],
        note=_("Paid to the enterprise: the per-trainee figure × %(count)s counted trainee(s).")
        % {"count": count if count is not None else "?"},
    )


@rule("daqing_order_training_subsidy")
def daqing_order_training_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十六）: 对企业与培训学员签订６个月以上劳动合同的，按照规定给予培训补贴 — to the enterprise
    (docs/policy-decisions.md),
    the per-trainee standard for each trainee with such a contract."""
    clause = program.clause
    if early := durations_unset(program, facts, params, ("daqing.order_training_min_contract_months",), period="once"):
        return early
    min_months = years_value(params, "daqing.order_training_min_contract_months", facts.as_of)
    # ６个月以上: 以上 includes the number, so a contract of exactly 6 months counts.
    count = _count_trainees(facts, lambda t: at_least(t.get("contract_months") or 0, min_months))
    label = _("Trainees with a labour contract of at least %(months)s months") % {"months": min_months}
    reasons = [
        _enterprise(facts, clause),
        kind_is(facts, ("order",), _("Order, targeted or post-specific training (订单、定向、定岗培训)"), clause),
        missing("contracted_trainees", label, clause, "training.trainees")
        if count is None
        else Reason(condition="contracted_trainees", label=label, met=count > 0, clause=clause, detail=str(count)),
    ]
    per_trainee, amount_reason = parameter_amount(params, _standard(program), facts.as_of, clause=clause)
    return _per_counted_trainee(program, reasons, count, per_trainee, [amount_reason])


@rule("dalian_apprenticeship_training_subsidy")
def dalian_apprenticeship_training_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十一）: 企业组织新招用高校毕业生参加企业新型学徒制培训，按规定给予企业职业培训补贴. 新招用 (decision,
    this rule):
    hired in the 12 months before the course start; a graduate on 毕业5年内高校毕业生."""
    clause = program.clause
    start = _course_start(facts)

    def newly_hired_graduate(trainee: dict) -> bool:
        # 新招用 names no period; this rule reads it as hired at most 12 months before the course start (以内, the
        # number included): a hire exactly 12 months before the start counts, one a day earlier does not; a hire on
        # the start day counts, one after it does not.
        hired = fact_date(trainee.get("hired_on"))
        return (
            "graduates_within_5_years" in (trainee.get("registers") or [])
            and hired is not None
            and start is not None
            and at_least(hired, add_months(start, -12))
            and at_most(hired, start)
        )

    count = _count_trainees(facts, newly_hired_graduate)
    label = _("Newly hired college graduates (hired in the 12 months before the course) in the training")
    if start is None:
        counted = missing("new_graduate_apprentices", label, clause, "training.start_date")
    elif count is None:
        counted = missing("new_graduate_apprentices", label, clause, "training.trainees")
    else:
        counted = Reason(
            condition="new_graduate_apprentices", label=label, met=count > 0, clause=clause, detail=str(count)
        )
    reasons = [
        _enterprise(facts, clause),
        kind_is(facts, ("apprenticeship",), _("New-type enterprise apprenticeship training (企业新型学徒制)"), clause),
        counted,
    ]
    per_trainee, amount_reason = parameter_amount(params, _standard(program), facts.as_of, clause=clause)
    return _per_counted_trainee(program, reasons, count, per_trainee, [amount_reason])


@rule("yiyang_anhua_poverty_employee_training_enterprise_subsidy")
def yiyang_anhua_poverty_employee_training_enterprise_subsidy(
    program: ProgramInfo, facts: Facts, params: Params
) -> Decision:
    """益阳（二十一）: 安化县园区内符合要求的工业企业（含农产品加工企业），组织建档立卡贫困在职职工参加岗位技能提升
    培训并取得职业
    资格证书的，按照就业前技能培训补贴标准上浮70%给予企业补贴. 贫困地区 / 安化县 is organization.in_poverty_area
    (docs/policy-decisions.md)."""
    clause = program.clause
    count = _count_trainees(
        facts,
        lambda t: "poverty_registered_labor" in (t.get("registers") or []) and t.get("certificate_obtained") is True,
    )
    label = _("Registered poverty employees (建档立卡) who obtained a vocational qualification certificate")
    reasons = [
        _enterprise(facts, clause),
        flag(
            facts,
            "organization.in_poverty_area",
            condition="in_anhua",
            clause=clause,
            label=_("Located in a park of 安化县"),
        ),
        kind_is(facts, ("skill_upgrade",), _("In-post skill-upgrade training (岗位技能提升培训)"), clause),
        missing("certified_poverty_employees", label, clause, "training.trainees")
        if count is None
        else Reason(
            condition="certified_poverty_employees", label=label, met=count > 0, clause=clause, detail=str(count)
        ),
    ]
    values, amount_reasons = parameter_values(
        params,
        [
            "yiyang.pre_employment_training_standard_per_trainee_cny",
            "yiyang.anhua_poverty_employee_training_uplift_ratio",
        ],
        facts.as_of,
        clause=clause,
    )
    per_trainee = None if values is None else values[0] * values[1]
    return _per_counted_trainee(program, reasons, count, per_trainee, amount_reasons)


# --- skill-upgrade subsidy (失业保险基金) ----------------------------------------------------------------------------

SKILL_UPGRADE_START = {"yiyang": datetime.date(2017, 1, 1)}  # 益阳（十六）: 自2017年1月1日起取得


@rule("dalian_skill_upgrade_subsidy", "jinan_skill_upgrade_subsidy", "yiyang_skill_upgrade_subsidy")
def skill_upgrade_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（四）: 依法参加失业保险3年以上、当年取得职业资格证书或职业技能等级证书的企业职工; 济南（十）: 参加失业保
    险36个月以上 …
    最高2000元; 益阳（十六）: 自2017年1月1日起取得初级（五级）、中级（四级）、高级（三级）证书的在职职工 … 紧缺职业
    上浮10%. An amount
    per level; levels 2 and 1 go to the supervisor; months insured in total; once per level
    (docs/policy-decisions.md)."""
    clause, city = program.clause, program.city
    level = facts.get("training.certificate_level")
    certified = facts.date("training.certificate_date")
    reasons = [
        on_register_on(
            facts,
            ["ui_insured_employees"],
            certified,
            condition="insured_employee",
            label=_("An employee insured under unemployment insurance when certified"),
            clause=clause,
            day_path="training.certificate_date",
        ),
    ]
    if city == "dalian":
        years = years_value(params, "dalian.skill_upgrade_min_ui_years", facts.as_of)
        min_months = None if years is None else years * 12
    else:
        min_months = years_value(params, f"{city}.skill_upgrade_min_ui_months", facts.as_of)
    insured = facts.get("person.ui_insured_months")
    label = _("Insured under unemployment insurance for at least %(months)s months in total") % {"months": min_months}
    if min_months is None and city != "yiyang":
        reasons.append(
            parameter_amount(params, f"{city}.skill_upgrade_min_ui_months", facts.as_of, clause=clause)[1]
            if city == "jinan"
            else parameter_amount(params, "dalian.skill_upgrade_min_ui_years", facts.as_of, clause=clause)[1]
        )
    elif min_months is None:  # 益阳 states no minimum; none applies until one is set (docs/policy-decisions.md)
        reasons.append(
            Reason(
                condition="insured_long_enough", label=_("No minimum insured period is set"), met=True, clause=clause
            )
        )
    elif insured is None:
        reasons.append(missing("insured_long_enough", label, clause, "person.ui_insured_months"))
    else:
        reasons.append(
            Reason(
                condition="insured_long_enough",
                label=label,
                met=at_least(insured, min_months),  # 3年以上 / 36个月以上: 以上 includes the number (36 months count)
                clause=clause,
                detail=str(insured),
            )
        )
    label = _("A level 5, 4 or 3 certificate (levels 2 and 1 are referred to the supervisor)")
    if level is None:
        reasons.append(missing("certificate_level", label, clause, "training.certificate_level"))
    elif level in (3, 4, 5):
        reasons.append(Reason(condition="certificate_level", label=label, met=True, clause=clause, detail=str(level)))
    else:
        reasons.append(Reason(condition="certificate_level", label=label, met=None, clause=clause, detail=str(level)))
    if certified is None:
        reasons.append(missing("certificate_date", _("The certificate's date"), clause, "training.certificate_date"))
    elif city == "dalian":
        reasons.append(
            Reason(
                condition="certificate_date",
                label=_("Certificate obtained in the year of the application (当年取得)"),
                met=certified.year == facts.as_of.year,
                clause=clause,
                detail=certified.isoformat(),
            )
        )
    elif city in SKILL_UPGRADE_START:
        reasons.append(
            Reason(
                condition="certificate_date",
                label=_("Certificate obtained on or after 2017-01-01"),
                met=at_least(certified, SKILL_UPGRADE_START[city]),  # 自2017年1月1日起: that day itself counts
                clause=clause,
                detail=certified.isoformat(),
            )
        )
    received = facts.get("person.skill_upgrade_levels_received") or []
    reasons.append(
        Reason(
            condition="level_not_paid_before",
            label=_("No skill-upgrade subsidy received before for this level"),
            met=level not in received,
            clause=clause,
        )
    )
    eligible = eligibility(reasons)
    amount, amount_reasons = None, []
    if level in (3, 4, 5):
        amount, reason = parameter_amount(
            params, f"{city}.skill_upgrade_subsidy_level{level}_cny", facts.as_of, clause=clause
        )
        amount_reasons.append(reason)
        if city == "jinan":
            cap, cap_reason = parameter_amount(
                params, "jinan.skill_upgrade_subsidy_max_cny", facts.as_of, clause=clause
            )
            amount_reasons.append(cap_reason)
            # 最高2000元: a figure up to the cap, the cap included, is paid as it is; a larger one is paid the cap.
            amount = None if amount is None or cap is None else (amount if at_most(amount, cap) else cap)
        if city == "yiyang":
            shortage = facts.get("training.occupation_on_shortage_list")
            if shortage is None:
                amount_reasons.append(
                    missing(
                        "shortage_occupation",
                        _("Whether the occupation is on the 湖南 shortage list (+10%)"),
                        clause,
                        "training.occupation_on_shortage_list",
                    )
                )
                amount = None
            elif shortage:
                ratio, ratio_reason = parameter_amount(
                    params, "yiyang.skill_upgrade_shortage_uplift_ratio", facts.as_of, clause=clause
                )
                amount_reasons.append(ratio_reason)
                amount = None if amount is None or ratio is None else amount * ratio
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=None if amount is None else money(amount),
        period="once",
        max_periods=1,
        reasons=[*reasons, *amount_reasons],
    )
