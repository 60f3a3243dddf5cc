"""Non-cash and unquantified start-up support for individuals: incubator places and priority, 大连's first-time
start-up subsidy and graduate support, rent subsidies whose standard is left open, 济南's free workstations and
益阳's contest and disabled graduates. Helpers and the decision shape are ``non_cash``'s. Decisions:
docs/policy-decisions.md, "Non-cash programs"."""

import datetime

from ..conditions import is_college_graduate, missing, on_any_register, within_years_after
from ..conditions_business import add_years, evidence, flag_reason, graduated_within, register_reason
from ..counting import at_most
from ..engine import Decision, Params, ProgramInfo, Reason
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule
from .awards import selected, yiyang_range_award
from .non_cash import (
    DISPLACED,
    all_of,
    business_open,
    by_hand,
    non_cash_decision,
    note_for,
    one_of,
    standard_amount,
    starting_business,
)
from .startup import first_time, yiyang_startup

# 分流人员 who start a business (decision): 去产能分流人员 everywhere; in 大庆 also 城镇转移就业职工, whom （十一）
# names together with 分流职工 in its heading (稳妥安置转移就业和分流职工).
DIVERTED = {
    "daqing": (DISPLACED, "urban_transfer_workers"),
    "dalian": (DISPLACED,),
    "jinan": (DISPLACED,),
    "yiyang": (DISPLACED,),
}


@rule(
    "daqing_laid_off_incubator_priority",
    "dalian_laid_off_incubator_priority",
    "jinan_laid_off_incubator_priority",
    "yiyang_laid_off_incubator_priority",
)
def laid_off_incubator_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十一）, 大连（十三）, 济南（十五）, 益阳（十一）: 对自主创业的分流人员，（要）优先安排入驻各类创业孵化
    基地，落实创业扶持政策."""
    clause = program.clause
    reasons = [
        on_any_register(
            facts,
            list(DIVERTED[program.city]),
            condition="diverted_worker",
            label=_("A diverted worker (分流人员) of an enterprise cutting overcapacity or restructuring"),
            clause=clause,
        ),
        starting_business(facts, clause),
    ]
    return non_cash_decision(program, facts, reasons)


@rule("daqing_incubation_extension_and_priority_zones")
def daqing_incubation_extension_and_priority_zones(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（七）: 开辟专门区域扶持科技人员、高校毕业生、农民（农民工）和城镇转移就业职工创新创业…对确有需要的创业主体，
    可适当延长孵化周期 — one of the four groups starting a business; the need for a longer period is the incubator's
    judgement. 科技人员 is the register of public institutions' technical staff, 农民 a rural hukou (decision)."""
    clause = program.clause
    reasons = [
        one_of(
            [
                is_college_graduate(facts, clause=clause),
                on_any_register(
                    facts,
                    [
                        "public_institution_technical_staff",
                        "rural_migrant_workers",
                        "returning_migrant_entrepreneurs",
                        "urban_transfer_workers",
                    ],
                    condition="zone_register",
                    label=_("Technical staff, a rural migrant worker or an urban transfer worker (registers)"),
                    clause=clause,
                ),
                flag_reason(
                    facts,
                    "person.hukou_type",
                    condition="rural_hukou",
                    label=_("A rural hukou (农民)"),
                    clause=clause,
                    expected="rural",
                ),
            ],
            condition="zone_group",
            label=_(
                "Technical staff, a college graduate, a farmer or rural migrant worker, or an urban transfer worker"
            ),
            clause=clause,
        ),
        starting_business(facts, clause),
    ]
    return non_cash_decision(program, facts, reasons)


def first_time_entity(facts: Facts, clause: str) -> list[Reason]:
    """大连（六）: 符合条件的（在我市）初次创业（指首次领取工商营业执照）的人员 and the entity they run; 符合条件 is
    recorded evidence, as for the money programs (docs/policy-decisions.md "Rules")."""
    return [
        first_time(facts, clause=clause),
        business_open(facts, clause),
        evidence(
            facts,
            "business",
            "local_conditions_met",
            label=_("Meets the 辽宁 start-up subsidy conditions the document refers to (符合条件)"),
            clause=clause,
        ),
    ]


@rule("dalian_first_time_startup_subsidy")
def dalian_first_time_startup_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 将符合条件的在我市初次创业（指首次领取工商营业执照）的人员纳入创业补贴范围 — once per person; the
    standard is 辽宁's (open)."""
    return non_cash_decision(
        program,
        facts,
        first_time_entity(facts, program.clause),
        standard=lambda: standard_amount(params, "dalian.one_time_startup_subsidy_cny", facts, program.clause),
        period="once",
        max_periods=1,
    )


@rule("dalian_free_incubation")
def dalian_free_incubation(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 符合条件的初次创业人员创办的经营实体可免费入驻各级政府部门主办的创业孵化平台，对孵化期满后确有需要的
    可适当再延长不超过2年的孵化周期 — the extension is the platform's judgement, shown with its limit."""
    clause = program.clause
    extension = params.value("dalian.incubation_extension_max_years", facts.as_of)
    limit = Reason(
        condition="extension_limit",
        label=_("After the incubation period the platform may extend it by at most %(years)s year(s) if needed")
        % {"years": "?" if extension is None else f"{extension.normalize():f}"},
        met=True,
        clause=clause,
    )
    return non_cash_decision(program, facts, first_time_entity(facts, clause), extra=(limit,))


@rule("dalian_graduate_startup_venue_funding_guidance")
def dalian_graduate_startup_venue_funding_guidance(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 为高校毕业生（毕业5年内，下同）创业提供场地、经费和指导服务. 5年内 is 以内, the number included:
    from the graduation day through the day exactly 5 years later (``graduated_within``)."""
    clause = program.clause
    reasons = [
        graduated_within(
            facts,
            params,
            "dalian.graduates_within_years",
            on=facts.as_of,
            register="graduates_within_5_years",
            clause=clause,
        ),
        starting_business(facts, clause),
    ]
    return non_cash_decision(program, facts, reasons)


@rule("dalian_returnee_startup_programs")
def dalian_returnee_startup_programs(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 鼓励留学回国人员积极申报“赤子计划”和“留学回国人员创业启动支持计划” — the schemes set their own
    conditions and amounts."""
    reasons = [
        on_any_register(
            facts,
            ["returned_overseas_students"],
            condition="returned_overseas",
            label=_("A returned overseas student (留学回国人员)"),
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


@rule("jinan_free_workstations")
def jinan_free_workstations(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（八）: 有条件的县区可结合当地实际，打造一批不同主题的特色小镇（街区），并向创业者提供免费工位或场所 — an
    entrepreneur, where the county offers them (not recorded: checked by hand)."""
    clause = program.clause
    reasons = [
        starting_business(facts, clause),
        by_hand(
            "county_offers",
            _("The county has built a themed town or street offering free workstations (有条件的县区可)"),
            clause,
        ),
    ]
    return non_cash_decision(program, facts, reasons)


def renting(facts: Facts, params: Params, years_code: str, clause: str) -> list[Reason]:
    """租用经营场地: a lease covering the day of premises other than a free government incubator, within the years
    the subsidy runs from the lease start (unknown while that number is not set)."""
    start, end = facts.date("business.lease.from"), facts.date("business.lease.to")
    label = _("Rents business premises on the day")
    if start is None:
        lease = missing("renting", label, clause, "business.lease.from")
    else:
        lease = Reason(
            condition="renting",
            label=label,
            met=start <= facts.as_of and (end is None or facts.as_of <= end),
            clause=clause,
        )
    years = params.value(years_code, facts.as_of)
    window_label = _("Within the years of the rent subsidy, counted from the lease start")
    if years is None:
        window = Reason(condition="subsidy_years", label=window_label, met=None, clause=clause, missing=(years_code,))
    elif start is None:
        window = missing("subsidy_years", window_label, clause, "business.lease.from")
    else:
        # The texts give no years; the parameter is the subsidy's 最长期限 (最长, the number included): N years of
        # rent from the lease start, that first day counted, so through the day before the N-th anniversary.
        last_day = add_years(start, int(years)) - datetime.timedelta(days=1)
        window = Reason(
            condition="subsidy_years", label=window_label, met=at_most(facts.as_of, last_day), clause=clause
        )
    free_label = _("Rents premises other than a government incubation platform")
    path = "business.lease.in_government_incubator"
    free = flag_reason(facts, path, condition="other_premises", label=free_label, clause=clause, expected=False)
    return [lease, free, window]


def jinan_rent_group(facts: Facts, params: Params, clause: str) -> Reason:
    """济南（七）: 高层次高技能人才、返乡农民工、就业困难人员、毕业5年内高校毕业生（含技师学院高级工班、预备技师班和特殊
    教育学院职业教育类毕业生）. 5年内 is 以内, the number included, for both kinds of graduate: from the graduation day
    through the day exactly 5 years later (``graduated_within``, ``within_years_after``)."""
    code = "jinan.graduates_within_years"
    years = params.value(code, facts.as_of)
    window_label = _("Graduated within the graduate window")
    if years is None:
        window = Reason(condition="graduation", label=window_label, met=None, clause=clause, missing=(code,))
    else:
        window = within_years_after(
            facts, "person.graduation_date", int(years), condition="graduation", label=window_label, clause=clause
        )
    return one_of(
        [
            on_any_register(
                facts,
                ["high_level_skilled_talent", "returning_migrant_entrepreneurs", "hard_to_employ"],
                condition="named_group",
                label=_(
                    "A high-level skilled talent, a returning migrant worker or a person with employment difficulties"
                ),
                clause=clause,
            ),
            graduated_within(facts, params, code, on=facts.as_of, register="graduates_within_5_years", clause=clause),
            all_of(
                [register_reason(facts, "technician_college_equivalent_graduates", clause=clause), window],
                condition="technician_graduate",
                label=_("A technician-college or special-education vocational graduate within the graduate window"),
                clause=clause,
            ),
        ],
        condition="rent_group",
        label=_("In a group the rent subsidy names (skilled talent, returning migrant, hard to employ, graduate)"),
        clause=clause,
    )


RENT = {
    "jinan": ("jinan.startup_rent_subsidy_cny_per_year", "jinan.startup_rent_subsidy_max_years"),
    "yiyang": ("yiyang.startup_rent_subsidy_cny_per_year", "yiyang.startup_rent_subsidy_max_years"),
}


@rule("jinan_startup_venue_rent_subsidy", "yiyang_startup_rent_subsidy")
def startup_rent_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（七）: 探索建立…租用经营场地创业，并给予创业场所租赁补贴机制 (pays nothing until its standard is set,
    docs/policy-decisions.md); 益阳（八）: 对符合条件的初创企业或初次注册的个体工商户，按规定给予创业经营场所租金补贴
    (conditions of 益发〔2015〕10号, recorded as evidence like the opening-fee subsidy). Per year of the lease."""
    clause = program.clause
    figure_code, years_code = RENT[program.city]
    if program.city == "jinan":
        group = [jinan_rent_group(facts, params, clause)]
    else:
        label = _("Meets the conditions of 益发〔2015〕10号 (not in the documents the system holds)")
        group = [
            *yiyang_startup(facts, clause),
            evidence(facts, "business", "local_conditions_met", label=label, clause=clause),
        ]
    years = params.value(years_code, facts.as_of)
    return non_cash_decision(
        program,
        facts,
        [*group, *renting(facts, params, years_code, clause)],
        standard=lambda: standard_amount(params, figure_code, facts, clause),
        period="year",
        max_periods=None if years is None else int(years),
    )


@rule("yiyang_disabled_graduate_startup_support")
def yiyang_disabled_graduate_startup_support(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十）: 依托市内各残疾人创业孵化体系，对符合条件的残疾人毕业生实施创业场地免费、创业成功奖励等措施 —
    a disabled college graduate starting a business; 创业成功 is undefined, so the award is decided by hand
    (decision)."""
    clause = program.clause
    reasons = [
        on_any_register(
            facts,
            ["persons_with_disabilities"],
            flags=("person.is_disabled",),
            condition="disabled",
            label=_("A person with a disability"),
            clause=clause,
        ),
        is_college_graduate(facts, clause=clause),
        starting_business(facts, clause),
    ]
    return non_cash_decision(program, facts, reasons)


@rule("yiyang_innovation_contest")
def yiyang_innovation_contest(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（七）（八）: 每两年举办一次市级创新创业大赛和创新创业典型评选活动, paid from the municipal fund — a project
    selected in the contest; the panel sets the award up to a ceiling the document does not state (open)."""
    reasons = [
        selected(
            facts,
            "business",
            "contest_selected",
            _("The project was selected in the municipal innovation and entrepreneurship contest"),
            program.clause,
        )
    ]
    decision = yiyang_range_award(program, facts, params, reasons, (None, "yiyang.innovation_contest_award_max_cny"))
    decision.note = note_for(program, standard=True)
    return decision
