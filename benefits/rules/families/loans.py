"""Loans and interest subsidies. The job centre records loans, it does not lend: for a loan program the amount is
the ceiling that applies to the applicant (period null), with the term and the interest arrangement as a reason;
for an interest-subsidy program it is the yearly subsidy on the loan of the facts (period year), null until the
loan is known. Clauses: 大庆（九）（十一）（十三）, 大连（八）（十二）, 济南（九）（十四）, 朝阳（九）, 益阳（九）."""

from decimal import Decimal

from ..conditions import is_college_graduate, missing
from ..conditions_business import (
    any_of,
    covers,
    evidence,
    flag_reason,
    graduated_within,
    kind_in,
    loan_interest_per_year,
    loan_terms_reason,
    new_hires_share,
    no_other_interest_subsidy,
    register_reason,
    small_or_micro,
    within_subsidy_years,
)
from ..counting import at_least
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, gate, money, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..interest import LOAN_PROGRAMS, LoanParameters
from ..registry import rule

POOR = "poverty_registered_labor"


def loan_decision(
    program,
    facts,
    params,
    reasons,
    ceiling_code,
    *,
    terms: Reason | None,
    note="",
    kind="startup_guarantee",
    others: tuple[str, ...] = (),
) -> Decision:
    """A loan program's decision: its amount is the ceiling that applies (period null), whether or not a loan is
    given; with a loan given, the yearly interest subsidy on it is reported beside it (``with_interest_subsidy``)."""
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(params, ceiling_code, facts.as_of, clause=program.clause)
    extra = [terms] if terms else []
    decision = Decision(program, eligible, amount, None, None, [*reasons, *extra, amount_reason], note)
    decision.amount_is_loan_ceiling = True
    codes = LOAN_PROGRAMS.get(program.code)
    if codes is None or not facts.given("loan"):
        return decision
    conditions = subsidy_conditions(facts, params, codes, clause=program.clause, kind=kind)
    if others:
        conditions.append(no_other_interest_subsidy(facts, others, clause=program.clause))
    return with_interest_subsidy(decision, facts, params, codes, conditions=conditions)


def subsidy_conditions(facts: Facts, params: Params, codes: LoanParameters, *, clause: str, kind="startup_guarantee"):
    """What the interest subsidy on a given loan asks besides the borrower's eligibility: a loan of the program's
    kind, within the subsidised years (counted from the first drawdown, else the contract date)."""
    conditions = [
        flag_reason(
            facts,
            "loan.kind",
            condition="guaranteed_loan",
            label=_("A start-up guaranteed loan") if kind == "startup_guarantee" else _("A trade-union start-up loan"),
            clause=clause,
            expected=kind,
        )
    ]
    years_code = codes.years or codes.max_years  # a subsidy never outlasts the loan's term
    if years_code:
        years = params.value(years_code, facts.as_of)
        conditions.append(within_subsidy_years(facts, years, years_code=years_code, clause=clause))
    return conditions


def with_interest_subsidy(
    decision: Decision,
    facts: Facts,
    params: Params,
    codes: LoanParameters | None,
    *,
    conditions: list[Reason] | None = None,
    markup_value=None,
) -> Decision:
    """With a loan given, the yearly interest subsidy on it in its own field (``interest_subsidy_cny``), never in
    place of the ceiling: 0 when a condition of the subsidy is not met (a loan of another kind, past its subsidised
    years, subsidised by another program already), None while a loan fact or a parameter is missing (the reasons
    say which). The subsidy's reasons follow the decision's own and do not change its eligibility."""
    if codes is None or not facts.given("loan"):
        return decision
    clause = decision.program.clause
    if conditions is None:
        conditions = subsidy_conditions(facts, params, codes, clause=clause)
    amount, amount_reasons = loan_interest_per_year(
        facts,
        params,
        share_code=codes.share,
        ceiling_code=codes.ceiling,
        markup_code=codes.markup,
        markup_value=markup_value,
        clause=clause,
    )
    if any(reason.met is False for reason in conditions):
        amount = Decimal("0")
    elif any(reason.met is None for reason in conditions):
        amount = None
    decision.interest_subsidy_cny = amount
    decision.reasons = [*decision.reasons, *conditions, *amount_reasons]
    return decision


def borrower_accepted(facts: Facts, clause: str) -> Reason:
    return evidence(
        facts,
        "business",
        "borrower_eligible",
        label=_(
            "The guarantee agency confirmed the borrower meets the loan conditions the document refers to "
            "without restating them"
        ),
        clause=clause,
    )


@rule("daqing_startup_guarantee_loan")
def daqing_startup_guarantee_loan(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（九）: 落实好创业担保贷款政策 — the borrower conditions are not restated (recorded from the guarantee
    agency); ceiling, term and subsidy are open parameters."""
    reasons = [borrower_accepted(facts, program.clause)]
    terms = loan_terms_reason(
        params,
        facts.as_of,
        max_years="daqing.startup_loan_individual_max_years",
        share="daqing.startup_loan_interest_subsidy_share",
        years="daqing.startup_loan_interest_subsidy_years",
        clause=program.clause,
    )
    return loan_decision(program, facts, params, reasons, "daqing.startup_loan_individual_max_cny", terms=terms)


@rule("daqing_enterprise_emergency_loan_fund")
def daqing_enterprise_emergency_loan_fund(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（九）: 按照…庆发〔2017〕11号有关规定落实企业应急贷款周转金政策 — an enterprise; the conditions and
    amounts are in a document the system does not hold, so the answer stays for the caseworker."""
    clause = program.clause
    kind = facts.get("organization.kind")
    reasons = [
        Reason(
            condition="enterprise",
            label=_("An enterprise"),
            met=None if kind is None else kind == "employer",
            clause=clause,
            missing=() if kind is not None else ("organization.kind",),
        ),
        Reason(
            condition="outside_document",
            label=_(
                "Eligibility and amount are set by 庆发〔2017〕11号, which the system does not hold: decided by hand"
            ),
            met=None,
            clause=clause,
        ),
    ]
    return Decision(program, eligibility(reasons), None, None, None, reasons)


@rule("daqing_poverty_relending_for_enterprises", "jinan_poverty_microcredit_for_enterprises")
def poverty_credit_for_enterprises(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十三）: 运用扶贫再贷款 / 济南（十四）: 运用小额扶贫信贷 优先支持带动建档立卡贫困户就业发展的企业及家庭农
    场、专业大户、农民合作社等经济主体 — priority for entities employing registered poor laborers; the bank sets the
    amount."""
    clause = program.clause
    kind = facts.get("organization.kind")
    categories = facts.get("organization.categories") or []
    label = _("An enterprise, family farm, specialised household or farmer cooperative")
    if (
        kind == "employer"
        or set(categories) & {"family_farm", "large_grower", "farmer_cooperative"}
        or kind
        in (
            "cooperative",
            "family_farm",
        )
    ):
        entity = Reason(condition="entity_kind", label=label, met=True, clause=clause)
    elif kind is None and not categories:
        entity = missing("entity_kind", label, clause, "organization.kind")
    else:
        entity = Reason(condition="entity_kind", label=label, met=False, clause=clause)
    hires = facts.get("organization.hires")
    employs_label = _("Employs registered poor laborers")
    if hires is None:
        employs = missing("employs_poor", employs_label, clause, "organization.hires")
    else:
        employs = Reason(
            condition="employs_poor",
            label=employs_label,
            met=any(POOR in (row.get("registers") or []) and covers(row, facts.as_of) for row in hires),
            clause=clause,
        )
    reasons = [entity, employs]
    note = Reason(
        condition="bank_decides",
        label=_("Priority access to credit; the lender sets amount, term and rate (no figure stated)"),
        met=True,
        clause=clause,
    )
    return Decision(program, eligibility(reasons), None, None, None, [*reasons, note])


@rule("daqing_union_startup_interest_subsidized_loan")
def daqing_union_startup_interest_subsidized_loan(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十一）: 为符合条件的职工创业项目提供贴息贷款 — 下岗、失业、转岗职工 with a project the trade union
    accepted; the amount is the loan's ceiling, and with a loan given the yearly subsidy on it, unless the loan is
    also subsidised as a guaranteed loan (one interest subsidy per loan)."""
    clause = program.clause
    reasons = [
        register_reason(facts, "laid_off_and_transfer_employees", clause=clause),
        evidence(
            facts,
            "business",
            "union_project_accepted",
            label=_("The trade union accepted the start-up project and the loan contract"),
            clause=clause,
        ),
    ]
    return loan_decision(
        program,
        facts,
        params,
        reasons,
        LOAN_PROGRAMS[program.code].ceiling,
        terms=None,
        kind="union_startup",
        others=("daqing_startup_guarantee_loan",),
    )


@rule("dalian_startup_guarantee_loan_individual")
def dalian_startup_guarantee_loan_individual(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（八）: 凡在我市以个体、合伙经营和组织起来创业（含网络创业），且已办理就业创业登记的城乡劳动者（不受户籍限
    制）…均可按规定享受创业担保贷款扶持政策; ceiling, term and subsidy are open."""
    clause = program.clause
    reasons = [
        register_reason(facts, "employment_registered_workers", clause=clause),
        any_of(
            [
                kind_in(
                    facts,
                    "business.kind",
                    ("individual_business", "partnership", "organised_venture", "online_business"),
                    condition="business_kind",
                    label=_("An individual, partnership or organised venture"),
                    clause=clause,
                ),
                register_reason(facts, "online_entrepreneurs", clause=clause),
            ],
            condition="starts_business",
            label=_("Starts a business in 大连 alone, in partnership or organised, online included"),
            clause=clause,
        ),
    ]
    gate(reasons)
    terms = loan_terms_reason(
        params,
        facts.as_of,
        max_years="dalian.startup_loan_individual_max_years",
        share="dalian.startup_loan_interest_subsidy_share",
        years="dalian.startup_loan_interest_subsidy_years",
        clause=clause,
    )
    return loan_decision(
        program,
        facts,
        params,
        reasons,
        "dalian.startup_loan_individual_max_cny",
        terms=terms,
        others=("dalian_graduate_startup_loan_full_interest_subsidy",),
    )


# city → (hiring share, ceiling, term, subsidy share)
SME_LOAN_PARAMETERS = {
    "dalian": (
        "dalian.sme_loan_min_new_hires_ratio",
        "dalian.startup_loan_sme_max_cny",
        "dalian.startup_loan_sme_max_years",
        "dalian.startup_loan_sme_interest_subsidy_share",
    ),
    "chaoyang": (
        "chaoyang.sme_loan_min_new_hires_ratio",
        "chaoyang.startup_loan_sme_max_cny",
        "chaoyang.startup_loan_sme_max_years",
        "chaoyang.startup_loan_sme_interest_subsidy_share",
    ),
}


@rule("dalian_startup_guarantee_loan_sme", "chaoyang_startup_guarantee_loan_sme")
def startup_guarantee_loan_sme(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（八）: 当年吸纳就业人数达到规定标准的小微企业; 朝阳（九）: 对吸纳新就业人员达到规定比例的小微企业,与其签
    订 1 年以上期限劳动合同并依法缴纳社会保险费的,可按规定申请不超过 300 万元的创业担保贷款. The standard is a share
    of the workforce (decision)."""
    city, clause = program.city, program.clause
    share_code, ceiling_code, term_code, subsidy_code = SME_LOAN_PARAMETERS[city]
    test = None
    if city == "chaoyang":
        min_years = params.value("chaoyang.sme_loan_min_contract_years", facts.as_of)

        def test(row):
            if row.get("contract_months") is None or row.get("paying_social_insurance") is None:
                return None
            return row["paying_social_insurance"] and (  # 1 年以上期限 (以上: a 12-month contract counts)
                min_years is not None and at_least(row["contract_months"], int(min_years * 12))
            )

    reasons = [
        small_or_micro(facts, clause=clause),
        new_hires_share(facts, params, share_code, clause=clause, test=test),
    ]
    terms = Reason(
        condition="loan_terms",
        label=_("Term at most %(term)s year(s); interest subsidised at %(share)s")
        % {
            "term": _show(params, term_code, facts),
            "share": _show(params, subsidy_code, facts),
        },
        met=True,
        clause=clause,
    )
    decision = loan_decision(program, facts, params, reasons, ceiling_code, terms=terms)
    codes = LoanParameters(ceiling_code, term_code, subsidy_code, None, f"{city}.startup_loan_rate_markup_pp")
    return with_interest_subsidy(decision, facts, params, codes, conditions=None)


def _show(params: Params, code: str, facts: Facts) -> str:
    value = params.value(code, facts.as_of)
    return _("not set") if value is None else f"{value.normalize():f}"


@rule("dalian_graduate_startup_loan_full_interest_subsidy")
def dalian_graduate_startup_loan_full_interest_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（十二）: 对高校毕业生（毕业5年内）自主创业的项目实行全额贴息，贴息期限不超过3年 — on the guaranteed loan
    of the graduate's own business; it replaces the ordinary subsidy on that loan. 5年内 (以内) includes a contract
    signed on the 5th anniversary of graduation; 不超过3年 is exactly 3 years of interest days from the first drawdown
    (``within_subsidy_years``)."""
    clause = program.clause
    years = params.value("dalian.graduate_startup_loan_interest_subsidy_max_years", facts.as_of)
    contract = facts.date("loan.contract_date")
    reasons = []
    if contract is None:
        reasons.append(
            missing(
                "graduate_window", _("A graduate within 5 years on the contract date"), clause, "loan.contract_date"
            )
        )
    else:
        reasons.append(
            graduated_within(
                facts,
                params,
                "dalian.graduates_within_years",
                on=contract,
                register="graduates_within_5_years",
                clause=clause,
            )
        )
    reasons.append(
        flag_reason(
            facts,
            "loan.kind",
            condition="guaranteed_loan",
            label=_("A start-up guaranteed loan for the graduate's own business"),
            clause=clause,
            expected="startup_guarantee",
        )
    )
    reasons.append(
        within_subsidy_years(
            facts, years, years_code="dalian.graduate_startup_loan_interest_subsidy_max_years", clause=clause
        )
    )
    eligible = eligibility(reasons)
    amount, amount_reasons = loan_interest_per_year(
        facts,
        params,
        share_code="dalian.graduate_startup_loan_interest_subsidy_share",
        ceiling_code="dalian.startup_loan_individual_max_cny",
        markup_code="dalian.startup_loan_rate_markup_pp",
        clause=clause,
    )
    return Decision(
        program, eligible, amount, "year", None if years is None else int(years), [*reasons, *amount_reasons]
    )


@rule("jinan_startup_guarantee_loan_individual")
def jinan_startup_guarantee_loan_individual(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（九）: 符合条件的创业人员，可申请最高不超过10万元的创业担保贷款，期限最长不超过3年，前2年全额贴息,第3年不
    贴息; the rate counted is at most the benchmark on the contract date + 2 points; 农村自主创业农民工 and 网络创业
    are added; other commercial loans do not disqualify."""
    clause = program.clause
    reasons = [
        any_of(
            [
                register_reason(facts, "returning_migrant_entrepreneurs", clause=clause),
                register_reason(facts, "online_entrepreneurs", clause=clause),
                borrower_accepted(facts, clause),
            ],
            condition="borrower_group",
            label=_(
                "An eligible entrepreneur: a returning migrant worker, an online entrepreneur or one of 山东's groups"
            ),
            clause=clause,
        )
    ]
    terms = loan_terms_reason(
        params,
        facts.as_of,
        max_years="jinan.startup_loan_individual_max_years",
        share="jinan.startup_loan_interest_subsidy_share",
        years="jinan.startup_loan_interest_subsidy_years",
        clause=clause,
    )
    return loan_decision(
        program,
        facts,
        params,
        reasons,
        "jinan.startup_loan_individual_max_cny",
        terms=terms,
        note=_("Loan ceiling 100,000 CNY; no subsidy in year 3"),
    )


@rule("jinan_startup_guarantee_loan_sme")
def jinan_startup_guarantee_loan_sme(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（九）: 符合条件的小微企业，可申请最高不超过300万元的创业担保贷款，期限最长不超过2年，并按规定给予贴息
    (decision: the condition is a share of new hires; the rate counted is capped as for individual loans)."""
    clause = program.clause
    reasons = [
        small_or_micro(facts, clause=clause),
        new_hires_share(facts, params, "jinan.sme_loan_min_new_hires_ratio", clause=clause),
    ]
    terms = loan_terms_reason(
        params,
        facts.as_of,
        max_years="jinan.startup_loan_sme_max_years",
        share="jinan.startup_loan_sme_interest_subsidy_share",
        years="jinan.startup_loan_sme_max_years",
        clause=clause,
    )
    return loan_decision(program, facts, params, reasons, "jinan.startup_loan_sme_max_cny", terms=terms)


@rule("chaoyang_startup_guarantee_loan_individual")
def chaoyang_startup_guarantee_loan_individual(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（九）: 对符合条件的个人发放的创业担保贷款最高额度为 10 万元,大学生在高新技术领域实现自主创业的,贷款最高额
    度不超过 20 万元,对…合伙创业或组织起来共同创业的,贷款额度可适当提高 (open),贷款期限最高不超过 3 年."""
    clause = program.clause
    reasons = [borrower_accepted(facts, clause)]
    kind = facts.get("business.kind")
    graduate = is_college_graduate(facts, clause=clause)
    high_tech = facts.get("business.high_tech")
    if kind in ("partnership", "organised_venture"):
        ceiling_code, why = "chaoyang.startup_loan_partnership_max_cny", _("a partnership or organised venture")
    elif graduate.met is True and high_tech is True:
        ceiling_code, why = "chaoyang.startup_loan_graduate_high_tech_max_cny", _("a graduate starting up in high tech")
    else:
        ceiling_code, why = "chaoyang.startup_loan_individual_max_cny", _("an individual")
    terms = loan_terms_reason(
        params,
        facts.as_of,
        max_years="chaoyang.startup_loan_individual_max_years",
        share="chaoyang.startup_loan_interest_subsidy_share",
        years="chaoyang.startup_loan_interest_subsidy_years",
        clause=clause,
    )
    note = _("Ceiling for %(why)s") % {"why": why}
    return loan_decision(program, facts, params, reasons, ceiling_code, terms=terms, note=note)


YIYANG_GROUPS = (
    "registered_urban_unemployed",
    "hard_to_employ",
    "persons_with_disabilities",
    "ex_offenders_and_rehab",
    "graduates_within_5_years",
    "unemployed_graduates_after_leaving",
    "graduating_year_graduates",
    "grassroots_service_graduates",
    "returned_overseas_students",
    "overcapacity_displaced_workers",
    "returning_migrant_entrepreneurs",
    "online_entrepreneurs",
    "poverty_registered_labor",
    "veterans",
)


@rule("yiyang_startup_guarantee_loan")
def yiyang_startup_guarantee_loan(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（九）: 将贷款对象扩大到城镇登记失业人员、就业困难人员（含残疾人）、复员转业退役军人、刑满释放人员、高校毕
    业生（含大学生村官和留学回国学生）、化解过剩产能企业职工和失业人员、返乡创业农民工、网络商户、建档立卡贫困人口;
    个人…10万元; 合伙…每人 10万元，最高50万元; 期限…3年; 安化县上浮不超过3个百分点，其他区县（市）上浮不超过2个百分点
    ."""
    clause = program.clause
    veteran = facts.get("person.veteran_status")
    disabled = facts.get("person.is_disabled")
    groups = [register_reason(facts, code, clause=clause) for code in YIYANG_GROUPS]
    person_label = _("Disabled or a discharged or transferred soldier or officer")
    if veteran is None and disabled is None:
        groups.append(missing("person_status", person_label, clause, "person.veteran_status", "person.is_disabled"))
    else:
        groups.append(
            Reason(condition="person_status", label=person_label, met=bool(veteran) or disabled is True, clause=clause)
        )
    reasons = [
        any_of(
            groups,
            condition="borrower_group",
            label=_("In one of the borrower groups of 益阳（九）"),
            clause=clause,
        )
    ]
    eligible = eligibility(reasons)
    kind = facts.get("business.kind")
    on = facts.as_of
    if kind in ("partnership", "organised_venture"):
        partners = facts.get("business.partners")
        per_person, per_reason = parameter_amount(
            params, "yiyang.startup_loan_partnership_per_person_max_cny", on, clause=clause
        )
        cap, cap_reason = parameter_amount(params, "yiyang.startup_loan_partnership_max_cny", on, clause=clause)
        amount_reasons = [per_reason, cap_reason]
        if partners is None:
            amount = None
            amount_reasons.append(
                missing("partners", _("The number of partners is not known"), clause, "business.partners")
            )
        else:
            amount = None if per_person is None or cap is None else money(min(per_person * partners, cap))
        note = _("Partnership: %(partners)s partner(s) × the per-person ceiling, within the venture ceiling") % {
            "partners": "?" if partners is None else partners
        }
    else:
        amount, reason = parameter_amount(params, "yiyang.startup_loan_individual_max_cny", on, clause=clause)
        amount_reasons, note = [reason], _("Individual ceiling")
    county = facts.get("business.county")
    markup_code = (
        "yiyang.startup_loan_rate_markup_anhua_pp" if county == "安化县" else "yiyang.startup_loan_rate_markup_other_pp"
    )
    markup = params.value(markup_code, on)
    term = params.value("yiyang.startup_loan_individual_max_years", on)
    terms = Reason(
        condition="loan_terms",
        label=_(
            "Term at most %(term)s years; rate at most the PBoC benchmark + %(markup)s points (%(where)s); the "
            "interest subsidy follows 湖南's rules (share %(share)s for %(years)s years)"
        )
        % {
            "term": "?" if term is None else f"{term.normalize():f}",
            "markup": "?" if markup is None else f"{markup.normalize():f}",
            "where": _("county unknown") if county is None else county,
            "share": _show(params, "yiyang.startup_loan_interest_subsidy_share", facts),
            "years": _show(params, "yiyang.startup_loan_interest_subsidy_years", facts),
        },
        met=True,
        clause=clause,
    )
    decision = Decision(program, eligible, amount, None, None, [*reasons, terms, *amount_reasons], note)
    decision.amount_is_loan_ceiling = True
    ceiling_code = (
        "yiyang.startup_loan_partnership_max_cny"
        if kind in ("partnership", "organised_venture")
        else "yiyang.startup_loan_individual_max_cny"
    )
    codes = LoanParameters(
        ceiling_code,
        "yiyang.startup_loan_individual_max_years",
        "yiyang.startup_loan_interest_subsidy_share",
        "yiyang.startup_loan_interest_subsidy_years",
        markup_code,
    )
    return with_interest_subsidy(decision, facts, params, codes)
