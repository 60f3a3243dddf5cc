"""Per-head payments to employers and intermediaries: awards for absorbing registered poor laborers, 益阳's post
subsidies and placement service subsidy. The amount is the per-head figure × the qualifying people of
``organization.hires`` (or ``organization.placements``). Clauses: 大庆（八）, 济南（七）, 益阳（三）（二十一）（二十
二）."""

from ..conditions_business import (
    count_people,
    covers,
    employed_at_least,
    evidence,
    headcount_reason,
    kind_in,
    not_paid,
    per_head,
)
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule

POOR = "poverty_registered_labor"
POVERTY_COUNTIES = {"yiyang": ("安化县",)}  # docs/policy-decisions.md: 贫困地区 is 安化县

# city → (award per laborer, minimum years of stable employment)
ABSORPTION_PARAMETERS = {
    "daqing": ("daqing.poverty_labor_absorption_award_cny", "daqing.poverty_labor_absorption_min_employment_years"),
    "jinan": ("jinan.poverty_labor_absorption_award_cny", "jinan.poverty_labor_absorption_min_employment_years"),
}

ABSORBING_ENTITIES = {
    # 大庆（八）: 农民合作社、种养大户、家庭农场、农业企业、“扶贫车间”等
    "daqing": ("farmer_cooperative", "large_grower", "family_farm", "agricultural_enterprise", "poverty_workshop"),
    # 济南（七）: 农民合作社、种养大户、家庭农场、建筑业小微企业、“扶贫车间”等
    "jinan": ("farmer_cooperative", "large_grower", "family_farm", "construction_sme", "poverty_workshop"),
}


@rule("daqing_poverty_labor_absorption_award", "jinan_poverty_labor_absorption_award")
def poverty_labor_absorption_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（八）: 每吸纳1名建档立卡贫困家庭劳动力稳定就业1年以上的给予1000元奖补; 济南（七）: …给予一定奖补 (open).
    A hire counts when on the register 建档立卡贫困劳动力 when hired and employed by the entity for the minimum years
    without a gap; once per entity and laborer (decision)."""
    city, clause = program.city, program.clause
    award_code, years_code = ABSORPTION_PARAMETERS[city]
    years = params.value(years_code, facts.as_of)

    def qualifies(row):
        if POOR not in (row.get("registers") or []) or not not_paid(row, program.code, program.family):
            return False
        if years is None:
            return None
        # 稳定就业1年以上: 以上 includes the number, so exactly a year counts: met on the last day of the hire's
        # first year (the day before its anniversary), the record reaching that day.
        return employed_at_least(row, facts.as_of, months=int(years) * 12)

    count, unknown, needed = count_people(facts, "organization.hires", qualifies)
    registered = facts.get("organization.registered_on")
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ABSORBING_ENTITIES[city],
            condition="entity_kind",
            label=_(
                "A farmer cooperative, large grower, family farm, agricultural or construction enterprise or poverty "
                "workshop"
            ),
            clause=clause,
        ),
        Reason(
            condition="registered",
            label=_("Registered with industry and commerce"),
            met=None if registered is None else registered <= facts.as_of.isoformat(),
            clause=clause,
            missing=() if registered is not None else ("organization.registered_on",),
        ),
        headcount_reason(
            count,
            unknown,
            needed,
            label=_("Employs registered poor laborers in stable work for the minimum years, not yet awarded"),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = per_head(params, award_code, facts, count, unknown, needed, clause=clause)
    return Decision(program, eligible, amount, "once", 1, [*reasons, *amount_reasons], note)


@rule("yiyang_poverty_employer_post_subsidy")
def yiyang_poverty_employer_post_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十二）: 对用人单位吸纳本市建档立卡贫困劳动力就业，依法签订劳动合同且实际在岗12个月以上，并依法缴纳社会
    保险费的，按每人每年1000元…其中贫困地区的企业吸纳当地建档立卡贫困劳动力…每人每年1500元. Paid per laborer for each
    completed 12 months in post, in arrears, with no limit in years (decision); the laborer is still in post on the
    as-of day."""
    clause = program.clause
    months = params.value("yiyang.poverty_employer_post_min_months_in_post", facts.as_of)
    org_county = facts.get("organization.county")
    poor_area = org_county in POVERTY_COUNTIES["yiyang"]

    def qualifies(row):
        if POOR not in (row.get("registers") or []) or not covers(row, facts.as_of):
            return False
        if row.get("contract_months") is None or row.get("paying_social_insurance") is None or months is None:
            return None
        return (
            row["contract_months"] > 0  # 依法签订劳动合同: a contract of any term
            and row["paying_social_insurance"]
            # 实际在岗12个月以上: 以上 includes the number, so exactly 12 months in post count (met on their last day)
            and employed_at_least(row, facts.as_of, months=int(months))
        )

    count, unknown, needed = count_people(facts, "organization.hires", qualifies)
    reasons = [
        headcount_reason(
            count,
            unknown,
            needed,
            label=_("Employs registered poor laborers of 益阳 under a labour contract, insured, in post 12 months"),
            clause=clause,
        )
    ]
    eligible = eligibility(reasons)
    standard, standard_reason = parameter_amount(
        params, "yiyang.poverty_employer_post_subsidy_cny_per_year", facts.as_of, clause=clause
    )
    raised, raised_reason = parameter_amount(
        params, "yiyang.poverty_area_employer_post_subsidy_cny_per_year", facts.as_of, clause=clause
    )
    amount_reasons, amount, note = [standard_reason, raised_reason], None, ""
    if org_county is None:
        amount_reasons.append(
            Reason(
                condition="county",
                label=_("The county of the enterprise is not known (安化县 is paid the higher standard)"),
                met=None,
                clause=clause,
                missing=("organization.county",),
            )
        )
    elif count is not None and not unknown and standard is not None and raised is not None:
        local = 0
        if poor_area:
            local, _unknown, _needed = count_people(
                facts, "organization.hires", lambda row: qualifies(row) and row.get("hukou_county") == org_county
            )
        amount = money(standard * (count - local) + raised * local)
        note = _("%(plain)s × %(standard)s CNY and %(local)s local laborer(s) of a poverty county × %(raised)s CNY") % {
            "plain": count - local,
            "standard": f"{standard.normalize():f}",
            "local": local,
            "raised": f"{raised.normalize():f}",
        }
    elif count is None or unknown:
        amount_reasons.append(
            Reason(
                condition="headcount",
                label=_("The number of qualifying people is not known"),
                met=None,
                clause=clause,
                missing=needed,
            )
        )
    return Decision(program, eligible, amount, "year", None, [*reasons, *amount_reasons], note)


@rule("yiyang_poverty_placement_service_subsidy")
def yiyang_poverty_placement_service_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 鼓励市场化运作、具有合法资质的人力资源服务机构、农村劳务经纪人等市场主体开展有组织劳务输出，每
    成功介绍1名建档立卡贫困劳动力且稳定就业6个月以上的，给予200元; once per laborer, whoever places them later
    (decision)."""
    clause = program.clause
    months = params.value("yiyang.poverty_placement_min_employment_months", facts.as_of)

    def qualifies(row):
        if POOR not in (row.get("registers") or []) or not not_paid(row, program.code, program.family):
            return False
        if months is None:
            return None
        # 稳定就业6个月以上: 以上 includes the number, so exactly 6 months in work count (met on their last day)
        return employed_at_least(row, facts.as_of, months=int(months))

    count, unknown, needed = count_people(facts, "organization.placements", qualifies)
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("hr_agency", "labour_broker", "labour_export_entity"),
            condition="intermediary",
            label=_("A human-resources agency, rural labour broker or other market entity exporting labour"),
            clause=clause,
        ),
        evidence(
            facts,
            "organization",
            "legally_qualified",
            label=_("Market-operated and legally qualified (合法资质)"),
            clause=clause,
        ),
        headcount_reason(
            count,
            unknown,
            needed,
            label=_("Placed registered poor laborers who stayed in work 6 months without a gap, not paid before"),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = per_head(
        params, "yiyang.poverty_placement_service_subsidy_cny", facts, count, unknown, needed, clause=clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, *amount_reasons], note)


@rule("yiyang_sme_one_time_post_subsidy")
def yiyang_sme_one_time_post_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（三）: 对符合条件的劳动密集型企业和中小微企业给予一次性岗位补贴 — the conditions are not stated (recorded
    by the caseworker); per post filled on the as-of day, each post once."""
    clause = program.clause
    size = facts.get("organization.size")
    categories = facts.get("organization.categories")
    label = _("A labour-intensive enterprise or a small, medium or micro enterprise")
    if size in ("micro", "small", "medium") or "labour_intensive" in (categories or []):
        kind = Reason(condition="entity_kind", label=label, met=True, clause=clause)
    elif size is None and categories is None:
        kind = Reason(
            condition="entity_kind",
            label=label,
            met=None,
            clause=clause,
            missing=("organization.size", "organization.categories"),
        )
    else:
        kind = Reason(condition="entity_kind", label=label, met=False, clause=clause)

    count, unknown, needed = count_people(
        facts, "organization.hires", lambda row: covers(row, facts.as_of) and not_paid(row, program.code)
    )
    reasons = [
        kind,
        evidence(
            facts,
            "organization",
            "local_conditions_met",
            label=_("Meets the conditions 益阳 refers to without stating them (符合条件)"),
            clause=clause,
        ),
        headcount_reason(count, unknown, needed, label=_("At least one post not yet subsidised"), clause=clause),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = per_head(
        params, "yiyang.sme_one_time_post_subsidy_per_post_cny", facts, count, unknown, needed, clause=clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, *amount_reasons], note)
