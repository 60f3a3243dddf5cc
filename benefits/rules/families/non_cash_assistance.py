"""Non-cash and unquantified programs of assistance: workers of enterprises cutting overcapacity, public-welfare
posts, the flexible-employment subsidy of 大庆 and 益阳, poverty, study subsidies, residence and housing. Helpers
and the decision shape are ``non_cash``'s. Decisions: docs/policy-decisions.md, "Non-cash programs"."""

import datetime

from ..conditions import missing, on_any_register
from ..conditions_business import COLLEGE, add_years, kind_in
from ..conditions_people import current_spell, employed_as, flag, on_register_on
from ..counting import at_least
from ..engine import Decision, Params, ProgramInfo, Reason, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule
from .non_cash import (
    all_of,
    by_hand,
    displaced,
    employed_by_unit,
    hard_to_employ,
    non_cash_decision,
    one_of,
    out_of_work,
    standard_amount,
)
from .social_insurance import CITY_FLEXIBLE_SI, city_flexible_si_amount, flexible_paying

# --- workers of enterprises cutting overcapacity --------------------------------------------------------------------


@rule(
    "dalian_laid_off_public_welfare_post_priority",
    "jinan_laid_off_public_welfare_post_priority",
    "yiyang_laid_off_public_welfare_post_priority",
)
def laid_off_public_welfare_post_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十三）, 济南（十五）, 益阳（十一）: 对确实难以安置的（符合条件）就业
    困难人员，新增或腾退的公益性岗位优先安置 — in the clause on 去产能 workers: a displaced worker recognised as hard
    to employ and out of work (decision)."""
    clause = program.clause
    reasons = [hard_to_employ(facts, clause), displaced(facts, clause), out_of_work(facts, clause)]
    return non_cash_decision(program, facts, reasons)


@rule("dalian_severance_tax_relief", "jinan_severance_tax_relief", "yiyang_severance_tax_relief")
def severance_tax_relief(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十三）, 济南（十五）, 益阳（十一）: 化解（钢铁）煤炭（煤电）行业过剩产能企业职工因
    解除劳动合同依法取得的一次性补偿收入…可享受相关个人所得税政策. The register shows the worker; the industry and
    the tax conditions are the tax office's (decision)."""
    return non_cash_decision(program, facts, [displaced(facts, program.clause)])


# --- public-welfare posts and the flexible-employment subsidy ---------------------------------------------------------


def placed_or_waiting(facts: Facts, clause: str) -> tuple[Reason, datetime.date]:
    """In a public-welfare post on the day, or out of work and so waiting to be placed. Returns the day the group
    is judged on: the day before the post began (the register of zero-employment households ends when someone
    starts work), else the as-of day."""
    label = _("In a public-welfare post, or out of work and waiting to be placed")
    spell = current_spell(facts, ("employed",)) if facts.employment is not None else None
    if spell is not None and spell.get("employer_kind") == "public_welfare_post":
        started = fact_date(spell.get("from"))
        day = started - datetime.timedelta(days=1) if started else facts.as_of
        detail = _("In a public-welfare post since %(date)s") % {"date": spell.get("from") or "?"}
        return Reason(condition="placed_or_waiting", label=label, met=True, clause=clause, detail=detail), day
    waiting = out_of_work(facts, clause)
    return Reason(
        condition="placed_or_waiting",
        label=label,
        met=waiting.met,
        clause=clause,
        missing=waiting.missing,
        detail=waiting.detail,
    ), facts.as_of


@rule("daqing_public_welfare_posts")
def daqing_public_welfare_posts(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十四）: 省拨就业补助资金补贴的公益性岗位主要用于安置零就业家庭、有劳动能力的
    成员均处于失业状态的低保家庭成员就业 — the second group is a zero-employment household by the project's
    definition (decision); the post subsidy per month is 黑龙江's (open)."""
    clause = program.clause
    post, day = placed_or_waiting(facts, clause)
    zero = facts.household_on_register("zero_employment_households", day)
    label = _("From a zero-employment household (零就业家庭) when placed")
    if zero is None:
        group = missing("zero_employment_household", label, clause, "household.registers")
    else:
        group = Reason(
            condition="zero_employment_household",
            label=label,
            met=zero,
            clause=clause,
            detail=_("On %(date)s") % {"date": day.isoformat()},
        )
    return non_cash_decision(
        program,
        facts,
        [group, post],
        standard=lambda: standard_amount(params, "daqing.public_welfare_post_subsidy_monthly_cny", facts, clause),
        period="month",
    )


@rule("chaoyang_public_welfare_posts")
def chaoyang_public_welfare_posts(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十八）: 规范公益性岗位,实行动态管理,对已不符合公益性岗位安置条件的人员进行
    清退,并将新产生的困难群体及时纳入就业援助范围 — the clause's group is 就业困难人员, checked on the day
    (动态管理)."""
    post, _day = placed_or_waiting(facts, program.clause)
    return non_cash_decision(
        program, facts, [hard_to_employ(facts, program.clause), post], holds_while_on=("hard_to_employ",)
    )


@rule("daqing_flexible_employment_si_subsidy", "yiyang_flexible_employment_support")
def flexible_employment_si_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（五）（十四）: 就业困难人员实现灵活就业，按规定给予社会保险补贴; 益阳（五）:
    以灵活就业人员身份参加养老、医疗保险，灵活就业人员符合条件的可享受灵活就业…扶持政策. 大连's form with every
    number open (docs/policy-decisions.md); the group is 就业困难人员 in both (decision)."""
    clause = program.clause
    max_months = CITY_FLEXIBLE_SI[program.city]["max_months"]
    flexible, _spell = flexible_paying(facts, clause)
    months = params.value(max_months, facts.as_of)

    def standard():
        amount, reasons = city_flexible_si_amount(params, facts, clause=clause)
        return amount, (*reasons, parameter_amount(params, max_months, facts.as_of, clause=clause)[1])

    return non_cash_decision(
        program,
        facts,
        [hard_to_employ(facts, clause), flexible],
        standard=standard,
        period="month",
        max_periods=None if months is None else int(months),
        holds_while_on=("hard_to_employ",),
    )


# --- poverty, education, residence ----------------------------------------------------------------------------------


def register_reason(program: ProgramInfo, facts: Facts, code: str, label: str) -> Reason:
    return on_register_on(facts, [code], facts.as_of, condition=f"register:{code}", label=label, clause=program.clause)


def register_only(program: ProgramInfo, facts: Facts, code: str, label: str) -> Decision:
    """Programs whose one checkable condition is a register the job centre keeps."""
    return non_cash_decision(program, facts, [register_reason(program, facts, code, label)])


@rule("daqing_poor_children_secondary_vocational_aid")
def daqing_poor_children_secondary_vocational_aid(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十五）: 对接受中等职业教育的建档立卡贫困家庭子女给予
    助学金、免学费等政策 (the register's definition in 大庆)."""
    label = _("A child of a registered poor family in secondary vocational education (建档立卡贫困家庭子女)")
    return register_only(program, facts, "poverty_family_children", label)


@rule("chaoyang_poverty_labor_training")
def chaoyang_poverty_labor_training(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（二十一）: 针对农村贫困劳动力,分类开展劳动力转移培训、农村实用技术培训和
    创业培训 (贫困劳动力 is the register 建档立卡贫困劳动力, docs/policy-decisions.md)."""
    return register_only(program, facts, "poverty_registered_labor", _("A registered poverty laborer (建档立卡)"))


@rule("yiyang_migrant_children_schooling")
def yiyang_migrant_children_schooling(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十九）: 落实园区企业外来务工人员子女义务教育随迁入学制度…确保外来务工
    人员子女实行就地就近入学 — the worker; the school places follow 益教通〔2018〕16号."""
    return register_only(program, facts, "park_nonlocal_workers", _("Works in an industrial park (园区)"))


@rule("yiyang_farmer_college_tuition_subsidy", "yiyang_technical_school_practical_training_subsidy")
def yiyang_study_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十）: 继续实施“农民大学生培养计划”，按规定给予学费补助 (per year); 益阳（十六）:
    对入读我市技工院校的城乡初高中毕业生和特殊教育院校职业教育类毕业生实施实训补贴 (once per student, decision).
    The standards are open."""
    if program.code == "yiyang_farmer_college_tuition_subsidy":
        code, label, standard, period = (
            "farmer_college_students",
            _("In the farmer college students plan (农民大学生培养计划)"),
            "yiyang.farmer_college_tuition_subsidy_cny_per_year",
            "year",
        )
    else:
        code, label, standard, period = (
            "junior_senior_school_leavers",
            _("A school leaver or special-education graduate enrolled in a 益阳 technical school (技工院校)"),
            "yiyang.technical_school_practical_training_subsidy_cny",
            "once",
        )
    return non_cash_decision(
        program,
        facts,
        [register_reason(program, facts, code, label)],
        standard=lambda: standard_amount(params, standard, facts, program.clause),
        period=period,
        max_periods=1 if period == "once" else None,
        once=period == "once",
    )


@rule("yiyang_park_couple_public_rental_housing")
def yiyang_park_couple_public_rental_housing(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十九）: 对夫妻双方均在园区企业就业且在务工地无任何住房的，可持
    用工企业证明、结婚证申请公租房. The spouse's job and the couple's housing are not recorded (checked by hand)."""
    reasons = [
        register_reason(program, facts, "park_nonlocal_workers", _("Works in an industrial park (园区)")),
        employed_by_unit(facts, program.clause),
        by_hand(
            "couple_without_housing",
            _("The spouse also works in a park enterprise and the couple has no housing where they work"),
            program.clause,
        ),
    ]
    return non_cash_decision(program, facts, reasons)


def older_laborer(facts: Facts, params: Params, clause: str) -> Reason:
    """大龄: women from 40, men from 50 (decided values, docs/policy-decisions.md "Poverty employment")."""
    codes = {"F": "yiyang.older_poor_laborer_min_age_female_years", "M": "yiyang.older_poor_laborer_min_age_male_years"}
    birth, sex = facts.date("person.birth_date"), facts.get("person.sex")
    label = _("An older laborer (大龄: women from 40, men from 50)")
    if birth is None or sex is None:
        return missing("older_laborer", label, clause, "person.birth_date", "person.sex")
    years = params.value(codes[sex], facts.as_of)
    if years is None:
        return Reason(condition="older_laborer", label=label, met=None, clause=clause, missing=(codes[sex],))
    reached = add_years(birth, int(years))
    return Reason(
        condition="older_laborer",
        label=label,
        # 大龄 names no age; the decided line is 40 / 50 years and over (the 4050 groups' 40岁以上): 以上 includes the
        # number, so the 40th (50th) birthday counts, the day before it does not.
        met=at_least(facts.as_of, reached),
        clause=clause,
        detail=_("From %(date)s") % {"date": reached.isoformat()},
    )


@rule("yiyang_poverty_public_works_priority")
def yiyang_poverty_public_works_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 对大龄、有就业意愿和能力、确实难以通过市场渠道实现就业的
    贫困劳动力…通过以工代赈，优先提供就业帮扶 — a registered poor laborer of that age out of work on the day; the
    will and ability to work are the caseworker's judgement."""
    reasons = [
        register_reason(program, facts, "poverty_registered_labor", _("A registered poverty laborer (建档立卡)")),
        older_laborer(facts, params, program.clause),
        out_of_work(facts, program.clause),
    ]
    return non_cash_decision(program, facts, reasons)


@rule("daqing_hukou_settlement")
def daqing_hukou_settlement(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十）: 留学归国人员、高校毕业生、中职毕业生在我市就业创业的，凭个人房屋所有权证，
    或者合法租赁房屋手续…办理落户 — the group, at work or in business on the day, hukou not yet in 大庆; the deed or
    lease is shown to the police."""
    clause = program.clause
    working, _spell = employed_as(
        facts,
        ("employed", "flexible", "self_employed"),
        condition="working",
        label=_("Employed or running a business in the city"),
        clause=clause,
    )
    reasons = [
        one_of(
            [
                on_any_register(
                    facts,
                    ["returned_overseas_students"],
                    condition="returned_overseas",
                    label=_("A returned overseas student (留学归国人员)"),
                    clause=clause,
                ),
                kind_in(
                    facts,
                    "person.education",
                    (*COLLEGE, "secondary_vocational", "technician"),
                    condition="graduate",
                    label=_("A college or secondary vocational graduate"),
                    clause=clause,
                ),
            ],
            condition="settlement_group",
            label=_("A returned overseas student, a college graduate or a secondary vocational graduate"),
            clause=clause,
        ),
        working,
        flag(
            facts,
            "person.hukou_local",
            condition="hukou_elsewhere",
            label=_("The hukou is not yet in this city"),
            clause=clause,
            expected=False,
        ),
    ]
    return non_cash_decision(program, facts, reasons)


@rule("dalian_new_form_housing_support")
def dalian_new_form_housing_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（三）: 将符合条件的新业态就业群体纳入公共租赁住房保障范围，将稳定就业的
    进城务工人员 and 个体工商户等自由职业者纳入住房公积金缴存范围 — a new-form worker, a migrant worker in employment,
    or a self-employed or flexibly employed person; the housing conditions are the housing office's."""
    clause = program.clause
    employed = employed_by_unit(facts, clause)
    freelance, _spell = employed_as(
        facts,
        ("self_employed", "flexible"),
        condition="freelance",
        label=_("Self-employed or in flexible employment (个体工商户等自由职业者)"),
        clause=clause,
    )
    migrant = on_any_register(
        facts,
        ["rural_migrant_workers"],
        condition="migrant_worker",
        label=_("A rural migrant worker (进城务工人员)"),
        clause=clause,
    )
    reasons = [
        one_of(
            [
                on_any_register(
                    facts,
                    ["new_form_workers"],
                    condition="new_form_worker",
                    label=_("A worker in a new form of employment (新业态从业者)"),
                    clause=clause,
                ),
                all_of(
                    [migrant, employed],
                    condition="migrant_in_work",
                    label=_("A rural migrant worker in stable employment"),
                    clause=clause,
                ),
                freelance,
            ],
            condition="housing_group",
            label=_("A new-form worker, a migrant worker in employment, or self-employed or flexibly employed"),
            clause=clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)
