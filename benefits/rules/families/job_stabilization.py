"""Unemployment insurance for employers: the job-stabilisation subsidy (失业保险稳岗补贴) of 大庆（十一）,
大连（四）（十三）, 济南（十五） and 益阳（十一）, and the temporary cut of the unemployment-insurance rate
(阶段性降低失业保险费率) of 大连（四） and 朝阳（三）.

The cities' texts send the reader to national rules, which these rules encode; each reason cites the national
document beside the city's clause:

- 稳岗补贴: 人社部发〔2014〕76号 — 第一条 the scope (widened from three kinds of enterprise to every enterprise by
  国发〔2015〕23号); 第二条 the enterprise's conditions: production in line with the industrial-restructuring and
  environmental policies, insured and paid in full, 上年度未裁员或裁员率低于统筹地区城镇登记失业率, sound finances;
  第三条 at most 50% of what the enterprise and its staff paid in unemployment insurance the year before, the share
  set by the province; in force until the end of 2020 (执行到2020年底). An enterprise cutting overcapacity has a
  lowered threshold and a raised standard (降低稳岗补贴门槛，提高稳岗补贴标准: 人社部发〔2016〕32号, which 大连（十三）
  restates and 益阳（十一） applies through 湘人社发〔2016〕59号); their figures are the province's (open parameters).
  The threshold of each city is the registered urban unemployment rate of its pooling area, a parameter.
- 阶段性降低失业保险费率: 朝阳 states it (辽人社发〔2017〕1号: 1% in all, 0.5% for the unit, 0.5% for the individual,
  2017-01-01 to 2018-04-30); 大连's "按规定" is 人社部发〔2017〕14号第一条 (a province at 1.5% may cut the total to 1%
  from 2017-01-01 until 2018-04-30, the province setting the split); 大连's own rates stay open parameters
  (docs/policy-decisions.md "Nothing is carried from one city's text to another").

What another body decides (the industrial and environmental check, the finance review, the list of enterprises
cutting overcapacity) is evidence the caseworker records, with who decides in the fact catalogue."""

import datetime
from decimal import Decimal

from ..conditions import missing
from ..conditions_business import any_of, evidence
from ..conditions_people import flag, not_granted_in_year
from ..counting import at_least, at_most, less_than
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule
from .non_cash import all_of

SCHEME = "人社部发〔2014〕76号"
NATIONAL_CEILING = Decimal("0.5")  # 76号第三条: 不超过该企业及其职工上年度实际缴纳失业保险费总额的50%
SCHEME_END = datetime.date(2020, 12, 31)  # 76号: 稳岗补贴政策执行到2020年底
RATE_CUT = (datetime.date(2017, 1, 1), datetime.date(2018, 4, 30))  # 从2017年1月1日起…执行至2018年4月30日

# city → the ordinary standard (share, threshold), the overcapacity one, and the document of the overcapacity pair
ORDINARY = {
    "daqing": ("daqing.job_stabilization_subsidy_share", "daqing.job_stabilization_max_layoff_rate"),
    "dalian": ("dalian.job_stabilization_subsidy_share", "dalian.job_stabilization_max_layoff_rate"),
    "jinan": ("jinan.job_stabilization_subsidy_share", "jinan.job_stabilization_max_layoff_rate"),
}
OVERCAPACITY = {
    "dalian": (
        "dalian.job_stabilization_overcapacity_subsidy_share",
        "dalian.job_stabilization_overcapacity_max_layoff_rate",
        "人社部发〔2016〕32号",
    ),
    "yiyang": (
        "yiyang.job_stabilization_overcapacity_subsidy_share",
        "yiyang.job_stabilization_overcapacity_max_layoff_rate",
        "湘人社发〔2016〕59号",
    ),
}
OVERCAPACITY_PATH = "organization.evidence.overcapacity_enterprise"


def percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


# --- 稳岗补贴 ------------------------------------------------------------------------------------------------------


def insured_and_paid(facts: Facts, clause: str) -> Reason:
    """依法参加失业保险并足额缴纳失业保险费: insured, and no contributions owed."""
    label = _("Insured under unemployment insurance, contributions paid in full (依法参加失业保险并足额缴纳失业保险费)")
    answers = {path: facts.get(path) for path in ("organization.ui_insured", "organization.ui_paid_in_full")}
    if False in answers.values():
        return Reason(condition="ui_insured_paid", label=label, met=False, clause=clause)
    absent = [path for path, answer in answers.items() if answer is None]
    if absent:
        return missing("ui_insured_paid", label, clause, *absent)
    return Reason(condition="ui_insured_paid", label=label, met=True, clause=clause)


def few_layoffs(facts: Facts, params: Params, line_code: str, *, condition: str, label: str, clause: str) -> Reason:
    """上年度未裁员或裁员率低于 the line: nobody laid off the year before qualifies whatever the line; otherwise the
    layoff rate must be below it (低于: the line itself does not qualify)."""
    recorded = facts.get("organization.layoff_rate_last_year")
    if recorded is None:
        return missing(condition, label, clause, "organization.layoff_rate_last_year")
    rate, year = Decimal(recorded), facts.as_of.year - 1
    if rate == 0:
        detail = _("Nobody laid off in %(year)s (未裁员)") % {"year": year}
        return Reason(condition=condition, label=label, met=True, clause=clause, detail=detail)
    line = params.value(line_code, facts.as_of)
    if line is None:
        return Reason(
            condition=condition,
            label=label,
            met=None,
            clause=clause,
            missing=(line_code,),
            detail=_("Layoff rate %(rate)s in %(year)s; the line “%(name)s” has not been set")
            % {"rate": percent(rate), "year": year, "name": params.name(line_code)},
        )
    return Reason(
        condition=condition,
        label=label,
        met=less_than(rate, line),
        clause=clause,
        detail=_("Layoff rate %(rate)s in %(year)s; the line is %(line)s")
        % {"rate": percent(rate), "year": year, "line": percent(line)},
    )


def overcapacity_listed(facts: Facts, clause: str) -> Reason:
    return evidence(
        facts,
        "organization",
        "overcapacity_enterprise",
        label=_("On the list of enterprises cutting overcapacity (去产能企业)"),
        clause=clause,
    )


def ordinary_label() -> str:
    return _("Nobody laid off last year, or a layoff rate below the registered urban unemployment rate of the area")


def lowered_label() -> str:
    return _("An enterprise cutting overcapacity: nobody laid off last year, or a layoff rate below the lowered line")


def layoff_conditions(program: ProgramInfo, facts: Facts, params: Params, clause: str) -> list[Reason]:
    """大庆, 济南: the ordinary line. 益阳: the program is the 去产能 enterprise's (its list, the lowered line). 大连:
    the ordinary line, or, for an enterprise on the 去产能 list, the lowered one (降低稳岗补贴门槛)."""
    city = program.city
    if city not in OVERCAPACITY:
        line = ORDINARY[city][1]
        return [few_layoffs(facts, params, line, condition="layoffs", label=ordinary_label(), clause=clause)]
    _share, lowered_line, basis = OVERCAPACITY[city]
    over_clause = f"{program.clause}；{basis}"
    if city not in ORDINARY:
        return [
            overcapacity_listed(facts, over_clause),
            few_layoffs(facts, params, lowered_line, condition="layoffs", label=lowered_label(), clause=over_clause),
        ]
    ordinary = few_layoffs(
        facts, params, ORDINARY[city][1], condition="layoffs_ordinary", label=ordinary_label(), clause=clause
    )
    lowered = all_of(
        [
            overcapacity_listed(facts, over_clause),
            few_layoffs(
                facts, params, lowered_line, condition="layoffs_lowered", label=lowered_label(), clause=over_clause
            ),
        ],
        condition="layoffs_lowered",
        label=lowered_label(),
        clause=over_clause,
    )
    return [
        any_of(
            [ordinary, lowered],
            condition="layoffs",
            label=_("Did not lay off staff, or laid off few (不裁员、少裁员)"),
            clause=f"{clause}；{basis}",
        )
    ]


def standard(program: ProgramInfo, facts: Facts) -> tuple[str | None, bool, str, Reason | None]:
    """The share that applies (its code), whether 76号's 50% ceiling holds it, the clause, or a reason saying which
    is not known: a 去产能 enterprise gets the raised standard (提高稳岗补贴标准), which the ceiling does not hold."""
    city = program.city
    ordinary_clause = f"{program.clause}；{SCHEME}第三条"
    if city not in OVERCAPACITY:
        return ORDINARY[city][0], True, ordinary_clause, None
    share, _line, basis = OVERCAPACITY[city]
    over_clause = f"{program.clause}；{basis}"
    if city not in ORDINARY:
        return share, False, over_clause, None
    listed = facts.get(OVERCAPACITY_PATH)
    if listed is None:
        return (
            None,
            False,
            over_clause,
            missing(
                "standard",
                _("Which standard applies: the raised one of an enterprise cutting overcapacity, or the ordinary one"),
                over_clause,
                OVERCAPACITY_PATH,
            ),
        )
    return (share, False, over_clause, None) if listed else (ORDINARY[city][0], True, ordinary_clause, None)


def subsidy_amount(program: ProgramInfo, facts: Facts, params: Params) -> tuple[Decimal | None, list[Reason], str]:
    """The share × what the enterprise and its staff paid in unemployment insurance the year before."""
    share_code, capped, clause, unknown = standard(program, facts)
    if unknown is not None:
        return None, [unknown], ""
    share, share_reason = parameter_amount(params, share_code, facts.as_of, clause=clause)
    reasons = [share_reason]
    counted = share
    if capped:
        # 不超过…50% (the number included): a share of exactly 50% is paid as set
        above = share is not None and not at_most(share, NATIONAL_CEILING)
        counted = None if share is None else min(share, NATIONAL_CEILING)
        reasons.append(
            Reason(
                condition="national_ceiling",
                label=_(
                    "At most 50% of what the enterprise and its staff paid in unemployment insurance the year before; "
                    "the province sets the share"
                ),
                met=True,
                clause=f"{program.clause}；{SCHEME}第三条",
                detail=_("The share set, %(share)s, is above it: 50%% is paid") % {"share": percent(share)}
                if above
                else "",
            )
        )
    paid = facts.get("organization.ui_contributions_last_year_cny")
    if paid is None:
        reasons.append(
            missing(
                "ui_contributions",
                _("What the enterprise and its staff paid in unemployment insurance the year before"),
                clause,
                "organization.ui_contributions_last_year_cny",
            )
        )
        return None, reasons, ""
    if counted is None:
        return None, reasons, ""
    note = _(
        "%(share)s of the %(paid)s CNY the enterprise and its staff paid in unemployment insurance in %(year)s"
    ) % {
        "share": percent(counted),
        "paid": paid,
        "year": facts.as_of.year - 1,
    }
    return money(Decimal(paid) * counted), reasons, note


@rule(
    "daqing_job_stabilization_subsidy",
    "dalian_job_stabilization_subsidy",
    "jinan_job_stabilization_subsidy",
    "yiyang_job_stabilization_subsidy",
)
def job_stabilization_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十一）: 通过发放稳岗补贴支持企业…不裁员或少裁员; 大连（四）: 对采取有效措施不裁员、少裁员的企业
    给予稳岗补贴, （十三）: 对不裁员或少裁员的，降低稳岗补贴门槛，提高稳岗补贴标准; 济南（十五）: 开展失业保险
    稳岗补贴护航行动; 益阳（十一）: the 去产能 enterprise's subsidy under 湘人社发〔2016〕59号. Each on the conditions
    of 人社部发〔2014〕76号; once a calendar year, for the year before (decision)."""
    clause = program.clause
    conditions = f"{clause}；{SCHEME}第二条"
    reasons = [
        flag(
            facts,
            "organization.kind",
            condition="enterprise",
            expected="employer",
            label=_("An enterprise"),
            clause=f"{clause}；{SCHEME}第一条、国发〔2015〕23号",
        ),
        insured_and_paid(facts, conditions),
        *layoff_conditions(program, facts, params, conditions),
        evidence(
            facts,
            "organization",
            "industrial_policy_compliant",
            label=_(
                "Production and business in line with the national and local industrial-restructuring and "
                "environmental policies"
            ),
            clause=conditions,
        ),
        evidence(
            facts,
            "organization",
            "sound_financial_management",
            label=_("Sound financial rules and orderly management (企业财务制度健全、管理运行规范)"),
            clause=conditions,
        ),
        not_granted_in_year(facts, program.code, clause=f"{clause}；{SCHEME}第三条"),
        Reason(
            condition="policy_period",
            label=_("The national subsidy is in force (until the end of 2020)"),
            met=at_most(facts.as_of, SCHEME_END),
            clause=f"{clause}；{SCHEME}",
        ),
    ]
    eligible = eligibility(reasons)
    amount, amount_reasons, note = subsidy_amount(program, facts, params)
    return Decision(program, eligible, amount, "year", None, [*reasons, *amount_reasons], note)


# --- 阶段性降低失业保险费率 ------------------------------------------------------------------------------------------


def reduced_rates(program: ProgramInfo, facts: Facts, params: Params, clause: str) -> list[Reason]:
    """The rates of the period: 朝阳's as its text states them; 大连's as its parameters hold them, beside the
    national frame of 人社部发〔2017〕14号."""
    city = program.city
    codes = [f"{city}.si_unemployment_employer_rate", f"{city}.si_unemployment_individual_rate"]
    reasons = []
    if city == "chaoyang":
        codes.insert(0, "chaoyang.si_unemployment_total_rate")
    else:
        reasons.append(
            Reason(
                condition="national_rate",
                label=_(
                    "The total rate is cut to 1%; the unit's and the individual's rates are the same across the "
                    "province, the individual's not above the unit's"
                ),
                met=True,
                clause=clause,
            )
        )
    for code in codes:
        reasons.append(parameter_amount(params, code, facts.as_of, clause=clause)[1])
    return reasons


@rule("dalian_ui_rate_reduction", "chaoyang_ui_rate_reduction")
def ui_rate_reduction(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（三）: 从2017年1月1日起,将全省失业保险总费率降至1%,期限执行至2018年4月30日。其中,用人
    单位(事业单位、企业、有雇工的个体工商户、社会团体、民办非企业单位)费率统一降至0.5%,个人费率为0.5%;
    大连（四）: 按规定阶段性降低失业保险费率 — 人社部发〔2017〕14号第一条, the same period. Every unit insured
    under unemployment insurance pays the reduced rate in the period (the first and the last day included); the
    job centre pays nothing."""
    clause = program.clause if program.city == "chaoyang" else f"{program.clause}；人社部发〔2017〕14号第一条"
    start, end = RATE_CUT
    reasons = [
        flag(
            facts,
            "organization.ui_insured",
            condition="ui_insured",
            label=_(
                "A unit insured under unemployment insurance "
                "(事业单位、企业、有雇工的个体工商户、社会团体、民办非企业单位)"
            ),
            clause=clause,
        ),
        Reason(
            condition="reduced_rate_period",
            label=_("In the period of the reduced rate, from %(start)s to %(end)s")
            % {"start": start.isoformat(), "end": end.isoformat()},
            met=at_least(facts.as_of, start) and at_most(facts.as_of, end),
            clause=clause,
        ),
    ]
    eligible = eligibility(reasons)
    if not reasons[1].met:
        return Decision(program, eligible, None, None, None, reasons)
    note = _(
        "The unit pays the reduced rate on its payroll and withholds the individual rate from wages; the "
        "social-insurance agency collects them, the job centre pays nothing."
    )
    return Decision(
        program, eligible, None, None, None, [*reasons, *reduced_rates(program, facts, params, clause)], note
    )
