"""Transport allowances of 益阳: for registered poverty laborers who go out to work (（二十一）) and for workers from
elsewhere in industrial parks (（十九）). Decisions in docs/policy-decisions.md, "Poverty employment"."""

from ..conditions import missing
from ..conditions_people import employed_as, flag, not_granted_in_year, on_register_on
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..names import value_label
from ..registry import rule

TIERS = {
    "other_province": "yiyang.poverty_transport_outside_province_max_cny",
    "other_city": "yiyang.poverty_transport_outside_city_max_cny",
    "other_county": "yiyang.poverty_transport_outside_county_max_cny",
}


def _away(facts: Facts, label: str, clause: str) -> Reason:
    place = facts.get("person.work_away_from_hukou")
    if place is None:
        return missing("away_from_hukou", label, clause, "person.work_away_from_hukou")
    return Reason(
        condition="away_from_hukou",
        label=label,
        met=place in TIERS,
        clause=clause,
        detail=value_label("person.work_away_from_hukou", place),
    )


def _decide(program: ProgramInfo, facts: Facts, params: Params, reasons: list[Reason]) -> Decision:
    eligible = eligibility(reasons)
    place = facts.get("person.work_away_from_hukou")
    if place in TIERS:
        amount, amount_reason = parameter_amount(params, TIERS[place], facts.as_of, clause=program.clause)
        amount_reasons = [amount_reason]
    else:
        amount, amount_reasons = None, []
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="year",
        max_periods=None,
        reasons=[*reasons, *amount_reasons],
        note=_("The tier figures are ceilings (不高于): paid in full until a county sets less."),
    )


@rule("yiyang_poverty_transport_subsidy")
def yiyang_poverty_transport_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 对跨区域外出务工的建档立卡贫困劳动力，按照转移就业地点，分省外、市外、区县（市）外三个层次分
    别给予每人不高于
    600元、400元、200元的一次性交通补助 — once per person and calendar year, by where the work is compared with the
    hukou county."""
    clause = program.clause
    working, _spell = employed_as(
        facts, ("employed", "flexible", "self_employed"), condition="working", label=_("At work"), clause=clause
    )
    reasons = [
        on_register_on(
            facts,
            ["poverty_registered_labor"],
            facts.as_of,
            condition="poverty_labor",
            label=_("A registered poverty laborer (建档立卡)"),
            clause=clause,
        ),
        working,
        _away(facts, _("Works outside the county of the hukou (跨区域外出务工)"), clause),
        not_granted_in_year(facts, program.code, clause=clause),
    ]
    return _decide(program, facts, params, reasons)


@rule("yiyang_park_outsider_transport_subsidy")
def yiyang_park_outsider_transport_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十九）: 各区县（市）可比照建档立卡贫困劳动力交通补贴标准，对到园区务工的外地员工由当地政府给予一年一次
    交通补贴 —
    外地 is a hukou outside the park's county; the tier mirrors the poverty tiers; only adopting counties pay."""
    clause = program.clause
    reasons = [
        on_register_on(
            facts,
            ["park_nonlocal_workers"],
            facts.as_of,
            condition="park_worker",
            label=_("Works in an industrial park (园区)"),
            clause=clause,
        ),
        _away(facts, _("Hukou outside the park's county (外地员工)"), clause),
        flag(
            facts,
            "person.park_county_adopts_transport_subsidy",
            condition="county_adopted",
            clause=clause,
            label=_("The park's county has adopted the allowance (各区县（市）可)"),
        ),
        not_granted_in_year(facts, program.code, clause=clause),
    ]
    return _decide(program, facts, params, reasons)
