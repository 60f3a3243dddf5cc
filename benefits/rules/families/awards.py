"""Awards decided by a selection or recognition: events, incubators, contests, quality start-ups, graduate grants,
poverty-employment bases. The rule checks what the facts can show (the recorded selection, the kind of entity,
once-only limits); a panel fixes the amount within the stated range, so the amount given is the ceiling
(docs/policy-decisions.md "Awards given in a range"). Clauses: 大连（五）（七）, 济南（七）（八）, 益阳（七）（十）（
二十一）."""

from ..conditions import is_college_graduate
from ..conditions_business import evidence, kind_in, not_granted
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule


def range_reason(params: Params, facts: Facts, min_code: str | None, max_code: str, *, clause: str) -> Reason:
    """The range the panel chooses in; the rule pays nothing above its top."""

    def show(code):
        value = params.value(code, facts.as_of) if code else None
        return _("not stated") if value is None else f"{value.normalize():f}"

    return Reason(
        condition="award_range",
        label=_("The panel sets the amount between %(low)s and %(high)s CNY; the amount shown is the ceiling")
        % {"low": show(min_code), "high": show(max_code)},
        met=True,
        clause=clause,
    )


def selected(facts: Facts, subject: str, code: str, label: str, clause: str) -> Reason:
    """A selection the facts cannot judge: until the caseworker records it, eligibility stays unknown."""
    return evidence(facts, subject, code, label=label, clause=clause)


@rule("dalian_startup_activity_award")
def dalian_startup_activity_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（五）: 对具备一定特色、达到一定规模…的创业活动，经评选认定市政府给予一定的奖补; once per selected event."""
    reasons = [
        selected(
            facts,
            "organization",
            "event_selected",
            _("The event was selected in the municipal evaluation (经评选认定)"),
            program.clause,
        )
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "dalian.startup_activity_award_cny", facts.as_of, clause=program.clause
    )
    return Decision(program, eligible, amount, "once", 1, [*reasons, amount_reason])


@rule("dalian_incubator_platform_award")
def dalian_incubator_platform_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（七）: 对认定为市级创业孵化平台的，市政府每年按入孵实体数量和孵化效果等情况给予一定奖补 — per incubated
    entity (decision: 孵化效果 adds nothing until 大连 says how)."""
    clause = program.clause
    reasons = [
        selected(
            facts,
            "organization",
            "recognised_municipal_incubator",
            _("Recognised as a municipal incubation platform (市级创业孵化平台) for the award year"),
            clause,
        )
    ]
    eligible = eligibility(reasons)
    count = facts.get("organization.incubated_entities")
    figure, amount_reason = parameter_amount(
        params, "dalian.incubator_platform_award_per_entity_cny", facts.as_of, clause=clause
    )
    extra = []
    if count is None:
        extra.append(
            Reason(
                condition="incubated_entities",
                label=_("The number of incubated entities is not known"),
                met=None,
                clause=clause,
                missing=("organization.incubated_entities",),
            )
        )
    amount = None if figure is None or count is None else money(figure * count)
    note = _("%(figure)s CNY per incubated entity × %(count)s") % {
        "figure": "?" if figure is None else f"{figure.normalize():f}",
        "count": "?" if count is None else count,
    }
    return Decision(program, eligible, amount, "year", None, [*reasons, amount_reason, *extra], note)


@rule("jinan_entrepreneurship_contest_award")
def jinan_entrepreneurship_contest_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（七）: 定期举办创业大赛，在全市评选一批符合新旧动能转换方向的优秀创业项目、创业团队，给予最高10万元奖励."""
    clause = program.clause
    reasons = [
        selected(
            facts,
            "business",
            "contest_selected",
            _("The project or team was selected in a city entrepreneurship contest (新旧动能转换)"),
            clause,
        )
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "jinan.entrepreneurship_contest_award_max_cny", facts.as_of, clause=clause
    )
    return Decision(
        program,
        eligible,
        amount,
        "once",
        1,
        [
            *reasons,
            range_reason(params, facts, None, "jinan.entrepreneurship_contest_award_max_cny", clause=clause),
            amount_reason,
        ],
    )


@rule("jinan_city_incubator_award")
def jinan_city_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（八）: 推动建设一批返乡创业园、乡村旅游创客基地，被认定为市级创业孵化基地的，按规定给予不少于10万元的一次
    性奖补 (decision: only these two kinds of base); once per base. No ceiling is stated: the amount waits for it."""
    clause = program.clause
    reasons = [
        kind_in(
            facts,
            "organization.categories",
            ("returnee_park", "rural_tourism_maker_base"),
            condition="base_kind",
            label=_("A returnee start-up park or a rural-tourism maker base"),
            clause=clause,
        ),
        selected(
            facts,
            "organization",
            "recognised_municipal_incubator",
            _("Recognised as a municipal incubation base (市级创业孵化基地)"),
            clause,
        ),
        not_granted(facts, program=program.code, clause=clause),
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(params, "jinan.city_incubator_award_max_cny", facts.as_of, clause=clause)
    return Decision(
        program,
        eligible,
        amount,
        "once",
        1,
        [
            *reasons,
            range_reason(
                params, facts, "jinan.city_incubator_award_min_cny", "jinan.city_incubator_award_max_cny", clause=clause
            ),
            amount_reason,
        ],
    )


def yiyang_fund_reason(params: Params, facts: Facts, clause: str) -> Reason:
    budget = params.value("yiyang.innovation_fund_budget_cny_per_year", facts.as_of)
    return Reason(
        condition="fund_budget",
        label=_("Paid from the municipal fund of %(budget)s CNY a year; the year's awards stay within it")
        % {"budget": "?" if budget is None else f"{budget.normalize():f}"},
        met=True,
        clause=clause,
    )


def yiyang_range_award(
    program: ProgramInfo,
    facts: Facts,
    params: Params,
    reasons: list[Reason],
    codes: tuple[str, str],
    *,
    period="once",
    fund=True,
) -> Decision:
    clause = program.clause
    eligible = eligibility(reasons)
    min_code, max_code = codes
    amount, amount_reason = parameter_amount(params, max_code, facts.as_of, clause=clause)
    extra = [range_reason(params, facts, min_code, max_code, clause=clause)]
    if fund:
        extra.append(yiyang_fund_reason(params, facts, clause))
    return Decision(
        program, eligible, amount, period, 1 if period == "once" else None, [*reasons, *extra, amount_reason]
    )


@rule("yiyang_city_incubator_award")
def yiyang_city_incubator_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（七）: 入选的市级创业孵化基地给予10万－20万元一次性扶持; once per base, within the yearly fund of （八）."""
    reasons = [
        selected(
            facts,
            "organization",
            "selected_municipal_incubator",
            _("Selected (入选) in the municipal incubation-base evaluation"),
            program.clause,
        ),
        not_granted(facts, program=program.code, clause=program.clause),
    ]
    return yiyang_range_award(
        program, facts, params, reasons, ("yiyang.city_incubator_award_min_cny", "yiyang.city_incubator_award_max_cny")
    )


@rule("yiyang_quality_startup_award")
def yiyang_quality_startup_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（七）: 入选的市级优质初创企业给予5万－10万元一次性扶持; once per enterprise, within the yearly fund."""
    reasons = [
        selected(
            facts,
            "organization",
            "selected_quality_startup",
            _("Selected (入选) as a municipal high-quality start-up (市级优质初创企业)"),
            program.clause,
        ),
        not_granted(facts, program=program.code, clause=program.clause),
    ]
    return yiyang_range_award(
        program,
        facts,
        params,
        reasons,
        ("yiyang.quality_startup_award_min_cny", "yiyang.quality_startup_award_max_cny"),
    )


@rule("yiyang_graduate_innovation_grant")
def yiyang_graduate_innovation_grant(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十）: 对符合条件的高校毕业生创新创业给予2万－5万元一次性资金扶持 (conditions and evaluation under
    益人社发〔2016〕34号, outside the seed set); once per person."""
    reasons = [
        is_college_graduate(facts, clause=program.clause),
        selected(
            facts,
            "business",
            "graduate_grant_selected",
            _("Passed the application and evaluation under 益人社发〔2016〕34号"),
            program.clause,
        ),
        not_granted(facts, program=program.code, clause=program.clause),
    ]
    return yiyang_range_award(
        program,
        facts,
        params,
        reasons,
        ("yiyang.graduate_innovation_grant_min_cny", "yiyang.graduate_innovation_grant_max_cny"),
        fund=False,
    )


@rule("yiyang_poverty_employment_base_award")
def yiyang_poverty_employment_base_award(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（二十一）: 对吸纳建档立卡贫困劳动力数量较多、稳岗效果较好…的市级就业扶贫基地，给予每家3万―5万元的以奖代补
    资金; one award per base and selection year, again in a later year (decision)."""
    clause = program.clause
    this_year = [
        grant
        for grant in facts.received(program=program.code)
        if str(grant.get("from") or "")[:4] == str(facts.as_of.year)
    ]
    reasons = [
        selected(
            facts,
            "organization",
            "selected_poverty_employment_base",
            _("Selected this year as a municipal poverty-employment base (益阳市精准就业扶贫爱心单位评选)"),
            clause,
        ),
        Reason(
            condition="not_received_this_year",
            label=_("No award for the same selection year yet"),
            met=not this_year,
            clause=clause,
        ),
    ]
    return yiyang_range_award(
        program,
        facts,
        params,
        reasons,
        ("yiyang.poverty_employment_base_award_min_cny", "yiyang.poverty_employment_base_award_max_cny"),
        period="year",
        fund=False,
    )
