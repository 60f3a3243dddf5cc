"""Start-up support paid once or by the year: one-time start-up and opening subsidies, job-creation and trademark
subsidies, 大连's venue subsidy and project-recommendation subsidy. Clauses: 大庆（八）, 大连（六）, 济南（六）（七）
, 益阳（八）."""

import datetime
from decimal import Decimal

from ..conditions import missing
from ..conditions_business import (
    add_years,
    any_of,
    count_people,
    covers,
    evidence,
    flag_reason,
    graduated_within,
    headcount_reason,
    in_operation_for,
    kind_in,
    not_granted,
    not_paid,
    per_head,
    register_reason,
    whole_months,
)
from ..counting import at_least, at_most
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, money, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule

JINAN_ENTITIES = (
    "small_micro_enterprise",
    "new_form_enterprise",
    "farmer_cooperative",
    "large_grower",
    "family_farm",
    "construction_sme",
    "poverty_workshop",
)


def first_time(facts: Facts, *, clause: str) -> Reason:
    """首次创办 / 初次创业 / 初次注册: the business is the founder's first (the fact, or the register 初次创业人员)."""
    label = _("The founder's first business")
    return any_of(
        [
            flag_reason(facts, "business.first_time", condition="first_time", label=label, clause=clause),
            register_reason(facts, "first_time_entrepreneurs", clause=clause),
        ],
        condition="first_time",
        label=label,
        clause=clause,
    )


@rule("daqing_one_time_startup_subsidy")
def daqing_one_time_startup_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（八）: 首次创办小微企业或从事个体经营并正常经营1年以上的高校毕业生（毕业5年以内）、就业困难人员, and 城镇
    转移就业职工 (decision), once per person; the standard is 黑龙江's (open). 以上 and 以内 include the number: the
    first anniversary of the registration counts, and so does a registration on the 5th anniversary of graduation."""
    clause = program.clause
    registered = facts.date("business.registered_on")
    reasons = []
    if registered is None:
        reasons.append(
            missing("target_group", _("A target group on the registration date"), clause, "business.registered_on")
        )
    else:
        reasons.append(
            any_of(
                [
                    graduated_within(
                        facts,
                        params,
                        "daqing.graduates_within_years",
                        on=registered,
                        register="graduates_within_5_years",
                        clause=clause,
                    ),
                    register_reason(facts, "hard_to_employ", on=registered, clause=clause),
                    register_reason(facts, "urban_transfer_workers", on=registered, clause=clause),
                ],
                condition="target_group",
                label=_(
                    "On the business registration date: a graduate within 5 years, hard to employ, or an urban "
                    "transfer worker"
                ),
                clause=clause,
            )
        )
    reasons.append(
        kind_in(
            facts,
            "business.kind",
            ("individual_business", "small_micro_enterprise"),
            condition="business_kind",
            label=_("A small or micro enterprise or an individual business"),
            clause=clause,
        )
    )
    reasons.append(first_time(facts, clause=clause))
    reasons.append(
        in_operation_for(
            facts,
            "business.registered_on",
            params.value("daqing.one_time_startup_min_operation_years", facts.as_of),
            years_code="daqing.one_time_startup_min_operation_years",
            clause=clause,
        )
    )
    reasons.append(not_granted(facts, family=program.family, clause=clause))
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(params, "daqing.one_time_startup_subsidy_cny", facts.as_of, clause=clause)
    return Decision(program, eligible, amount, "once", 1, [*reasons, amount_reason])


def jinan_entity(facts: Facts, clause: str) -> list[Reason]:
    return [
        kind_in(
            facts,
            "organization.categories",
            JINAN_ENTITIES,
            condition="entity_kind",
            label=_(
                "An individual business, small or micro enterprise, new-form enterprise, farmer cooperative, large "
                "grower, family farm, small construction enterprise or poverty workshop"
            ),
            clause=clause,
        )
        if facts.get("organization.kind") != "individual_business"
        else Reason(condition="entity_kind", label=_("An individual business"), met=True, clause=clause),
        evidence(
            facts,
            "organization",
            "provincial_conditions_met",
            label=_("Meets the 山东 conditions the document refers to without restating them (符合条件)"),
            clause=clause,
        ),
    ]


@rule("jinan_one_time_startup_subsidy")
def jinan_one_time_startup_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（六）（七）: 符合条件的个体工商户和小微企业 (and 新兴业态企业, 农民合作社 … 扶贫车间) 可申请一次性创业补
    贴; once per entity; the standard is 山东's (open)."""
    reasons = [*jinan_entity(facts, program.clause), not_granted(facts, family=program.family, clause=program.clause)]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "jinan.one_time_startup_subsidy_cny", facts.as_of, clause=program.clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, amount_reason])


@rule("jinan_startup_job_creation_subsidy")
def jinan_startup_job_creation_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（六）（七）: 一次性创业岗位开发补贴 per job created by the same entities, each job once: a hire in post
    on the as-of day with a labour contract and social insurance, not paid for before."""
    clause = program.clause

    def qualifies(row):
        if not covers(row, facts.as_of) or not not_paid(row, program.code):
            return False
        if row.get("contract_months") is None or row.get("paying_social_insurance") is None:
            return None
        return row["contract_months"] > 0 and row["paying_social_insurance"]

    count, unknown, needed = count_people(facts, "organization.hires", qualifies)
    reasons = [
        *jinan_entity(facts, clause),
        headcount_reason(
            count,
            unknown,
            needed,
            label=_("At least one new job with a labour contract and social insurance"),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = per_head(
        params, "jinan.startup_job_creation_subsidy_per_job_cny", facts, count, unknown, needed, clause=clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, *amount_reasons], note)


def yiyang_startup(facts: Facts, clause: str) -> list[Reason]:
    return [
        kind_in(
            facts,
            "business.kind",
            ("individual_business", "small_micro_enterprise", "partnership", "organised_venture", "online_business"),
            condition="business_kind",
            label=_("A start-up enterprise or an individual business"),
            clause=clause,
        ),
        first_time(facts, clause=clause),
    ]


@rule("yiyang_startup_opening_fee_subsidy")
def yiyang_startup_opening_fee_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（八）: 对符合条件的初创企业或初次注册的个体工商户…给予一次性开办费补贴 (conditions of 益发〔2015〕10号,
    outside the seed set: recorded by the caseworker); once per person."""
    clause = program.clause
    reasons = [
        *yiyang_startup(facts, clause),
        evidence(
            facts,
            "business",
            "local_conditions_met",
            label=_("Meets the conditions of 益发〔2015〕10号 (not in the documents the system holds)"),
            clause=clause,
        ),
        not_granted(facts, program=program.code, clause=clause),
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "yiyang.startup_opening_fee_subsidy_cny", facts.as_of, clause=clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, amount_reason])


@rule("yiyang_trademark_registration_subsidy")
def yiyang_trademark_registration_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（八）: 商标注册补贴 for 初创企业 or 初次注册的个体工商户, per trademark registered (certificate seen), each
    trademark once."""
    clause = program.clause
    trademarks = facts.get("business.trademarks_registered")
    label = _("At least one registered trademark not yet subsidised")
    if trademarks is None:
        marks = missing("trademarks", label, clause, "business.trademarks_registered")
    else:
        marks = Reason(
            condition="trademarks", label=label, met=at_least(trademarks, 1), clause=clause, detail=str(trademarks)
        )
    reasons = [*yiyang_startup(facts, clause), marks]
    eligible = eligibility(reasons)
    figure, amount_reason = parameter_amount(
        params, "yiyang.trademark_registration_subsidy_cny", facts.as_of, clause=clause
    )
    amount = None if figure is None or trademarks is None else money(figure * trademarks)
    note = _("%(figure)s CNY per trademark × %(count)s") % {
        "figure": "?" if figure is None else f"{figure.normalize():f}",
        "count": "?" if trademarks is None else trademarks,
    }
    return Decision(program, eligible, amount, "once", None, [*reasons, amount_reason], note)


@rule("dalian_startup_venue_subsidy")
def dalian_startup_venue_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 对租用其它场地初次创业的人员给予3000元/年的创业场地补贴，补贴期限最长不超过2年. Per subsidy year
    (12 months from the lease start), pro-rated by whole months leased and never more than the rent for them; not for
    a government incubator (docs/policy-decisions.md)."""
    clause = program.clause
    start, end = facts.date("business.lease.from"), facts.date("business.lease.to")
    max_years = params.value("dalian.startup_venue_subsidy_max_years", facts.as_of)
    reasons = [first_time(facts, clause=clause)]
    reasons.append(
        flag_reason(
            facts,
            "business.lease.in_government_incubator",
            condition="other_premises",
            label=_("Rents premises other than a government incubation platform"),
            clause=clause,
            expected=False,
        )
    )
    gate(reasons)
    label = _("The as-of day falls in a subsidy year of the lease (at most %(years)s years)") % {
        "years": "?" if max_years is None else f"{max_years.normalize():f}"
    }
    year_start = None
    if start is None:
        reasons.append(missing("subsidy_year", label, clause, "business.lease.from"))
    elif max_years is None:
        reasons.append(
            Reason(
                condition="subsidy_year",
                label=label,
                met=None,
                clause=clause,
                missing=("dalian.startup_venue_subsidy_max_years",),
            )
        )
    else:
        # 补贴期限最长不超过2年 (最长不超过: the number included): the as-of day falls in subsidy year ``index + 1``
        # (12 months from the lease start or an anniversary of it), and the 2nd year counts, a 3rd does not. The
        # last subsidised day is the day before the 2nd anniversary of the lease start: exactly 2 years of rent.
        index = 0
        while at_least(facts.as_of, add_years(start, index + 1)):
            index += 1
        in_window = at_least(facts.as_of, start) and at_most(index + 1, int(max_years))
        leased_then = in_window and (end is None or at_least(end, add_years(start, index)))
        year_start = add_years(start, index) if leased_then else None
        reasons.append(
            Reason(
                condition="subsidy_year",
                label=label,
                met=bool(leased_then),
                clause=clause,
                detail=_("Subsidy year %(n)s from %(date)s") % {"n": index + 1, "date": add_years(start, index)}
                if in_window
                else "",
            )
        )
    eligible = eligibility(reasons)
    figure, amount_reason = parameter_amount(
        params, "dalian.startup_venue_subsidy_cny_per_year", facts.as_of, clause=clause
    )
    amount_reasons, amount, note = [amount_reason], None, ""
    if year_start is not None and figure is not None:
        year_end = add_years(year_start, 1) - datetime.timedelta(days=1)
        months = whole_months(year_start, min(year_end, end) if end else year_end)
        rent = facts.get("business.lease.monthly_rent_cny")
        if rent is None:
            amount_reasons.append(
                missing("rent", _("The monthly rent is not known"), clause, "business.lease.monthly_rent_cny")
            )
        else:
            amount = money(min(figure * months / 12, Decimal(rent) * months))
            note = _("%(months)s whole month(s) leased in the subsidy year; at most the rent for them") % {
                "months": months
            }
    max_periods = None if max_years is None else int(max_years)
    return Decision(program, eligible, amount, "year", max_periods, [*reasons, *amount_reasons], note)


@rule("dalian_project_recommendation_subsidy")
def dalian_project_recommendation_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 推荐的项目被创业者采纳实施并正常经营1年以上的，每招用1名城镇登记失业人员按500元…一次性创业项目推荐
    补贴. The adopted project is ``business``; each hire on the register 城镇登记失业人员 when hired counts once
    (decision). 以上 includes the number: payable from the first anniversary of the registration."""
    clause = program.clause

    def qualifies(row):
        hired = row.get("from")
        if hired is None:
            return None
        return (
            "registered_urban_unemployed" in (row.get("registers") or [])
            and hired <= facts.as_of.isoformat()
            and not_paid(row, program.code)
        )

    count, unknown, needed = count_people(facts, "business.hires", qualifies)
    reasons = [
        evidence(
            facts,
            "organization",
            "project_recommended",
            label=_("The project is in the municipal start-up project bank and was recommended by the applicant"),
            clause=clause,
        ),
        in_operation_for(
            facts,
            "business.registered_on",
            params.value("dalian.project_recommendation_min_operation_years", facts.as_of),
            years_code="dalian.project_recommendation_min_operation_years",
            clause=clause,
        ),
        headcount_reason(
            count, unknown, needed, label=_("The project hired registered unemployed persons"), clause=clause
        ),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = per_head(
        params, "dalian.project_recommendation_subsidy_per_hire_cny", facts, count, unknown, needed, clause=clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, *amount_reasons], note)
