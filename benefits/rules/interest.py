"""Guaranteed start-up loans: the interest-subsidy schedule a city's rule gives a loan, and the subsidy on one of
the bank's interest statements. Pure: the loan's terms and the parameters in, amounts and reasons out.

The schedule (docs/policy-decisions.md, "Interest subsidies"): from the first drawdown, for the subsidised years
(never past the loan's term), the state pays its share of the interest the bank charged, on a rate of at most the
PBoC benchmark on the contract date plus the city's markup. 济南（九）: 期限最长不超过3年，前2年全额贴息,第3年不贴息
— share 1 for years 1 and 2, nothing in year 3."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from core.dates import add_months

from .conditions_business import add_years
from .counting import at_most
from .engine import Params, Reason, money
from .i18n import gettext as _

# Days in the year of a daily rate: the PBoC's rule for loan interest (日利率 = 年利率 ÷ 360).
DAY_COUNT = 360


@dataclass(frozen=True)
class LoanParameters:
    """The parameter codes of one program's loan terms (None: the program has no such term)."""

    ceiling: str
    max_years: str | None
    share: str
    years: str | None
    markup: str | None


LOAN_PROGRAMS = {
    "jinan_startup_guarantee_loan_individual": LoanParameters(
        "jinan.startup_loan_individual_max_cny",
        "jinan.startup_loan_individual_max_years",
        "jinan.startup_loan_interest_subsidy_share",
        "jinan.startup_loan_interest_subsidy_years",
        "jinan.startup_loan_rate_markup_pp",
    ),
    "jinan_startup_guarantee_loan_sme": LoanParameters(
        "jinan.startup_loan_sme_max_cny",
        "jinan.startup_loan_sme_max_years",
        "jinan.startup_loan_sme_interest_subsidy_share",
        None,
        "jinan.startup_loan_rate_markup_pp",
    ),
    "dalian_startup_guarantee_loan_individual": LoanParameters(
        "dalian.startup_loan_individual_max_cny",
        "dalian.startup_loan_individual_max_years",
        "dalian.startup_loan_interest_subsidy_share",
        "dalian.startup_loan_interest_subsidy_years",
        "dalian.startup_loan_rate_markup_pp",
    ),
    "dalian_graduate_startup_loan_full_interest_subsidy": LoanParameters(
        "dalian.startup_loan_individual_max_cny",
        "dalian.startup_loan_individual_max_years",
        "dalian.graduate_startup_loan_interest_subsidy_share",
        "dalian.graduate_startup_loan_interest_subsidy_max_years",
        "dalian.startup_loan_rate_markup_pp",
    ),
    "daqing_startup_guarantee_loan": LoanParameters(
        "daqing.startup_loan_individual_max_cny",
        "daqing.startup_loan_individual_max_years",
        "daqing.startup_loan_interest_subsidy_share",
        "daqing.startup_loan_interest_subsidy_years",
        "daqing.startup_loan_rate_markup_pp",
    ),
    "daqing_union_startup_interest_subsidized_loan": LoanParameters(
        "daqing.union_startup_loan_max_cny",
        None,
        "daqing.union_startup_loan_interest_subsidy_share",
        "daqing.union_startup_loan_interest_subsidy_years",
        None,
    ),
    "chaoyang_startup_guarantee_loan_individual": LoanParameters(
        "chaoyang.startup_loan_individual_max_cny",
        "chaoyang.startup_loan_individual_max_years",
        "chaoyang.startup_loan_interest_subsidy_share",
        "chaoyang.startup_loan_interest_subsidy_years",
        "chaoyang.startup_loan_rate_markup_pp",
    ),
}


@dataclass(frozen=True)
class Schedule:
    """What the rule fixes for a loan on its contract date: the subsidised days, the share, the rate counted at
    most, and the largest principal counted."""

    subsidised_from: datetime.date
    subsidised_until: datetime.date  # the first day no longer subsidised
    share: Decimal
    rate_cap: Decimal | None  # a ratio a year; None when the program allows no markup rule (the contract rate)
    ceiling: Decimal
    reasons: tuple[Reason, ...]
    max_term_months: int | None = None


class TermsMissing(Exception):
    """A parameter the schedule needs is not set: ``codes`` says which, as of ``on``."""

    def __init__(self, codes: list[str], on: datetime.date):
        super().__init__(", ".join(codes))
        self.codes, self.on = codes, on


def _value(params: Params, code: str | None, on: datetime.date, absent: list[str]) -> Decimal | None:
    if code is None:
        return None
    value = params.value(code, on)
    if value is None:
        absent.append(code)
    return value


def schedule(
    program: str,
    params: Params,
    *,
    signed_on: datetime.date,
    first_drawdown: datetime.date,
    term_months: int,
    clause: str,
    ceiling: Decimal | None = None,
) -> Schedule:
    """The loan's schedule under ``program``'s parameters on the contract date; ``ceiling`` (the grant's own
    ceiling, where the rule chose one by the applicant's case) replaces the program's. Raises ``TermsMissing``."""
    codes, absent = LOAN_PROGRAMS[program], []
    share = _value(params, codes.share, signed_on, absent)
    years = _value(params, codes.years, signed_on, absent)
    max_years = _value(params, codes.max_years, signed_on, absent)
    ceiling = ceiling if ceiling is not None else _value(params, codes.ceiling, signed_on, absent)
    rate_cap = None
    if codes.markup:
        bench = (  # the PBoC's bands: 一年以内（含一年）, 一至五年（含五年）: a 12-month term takes the first
            "national.pboc_loan_benchmark_rate_up_to_1y"
            if at_most(term_months, 12)
            else "national.pboc_loan_benchmark_rate_1_to_5y"
        )
        benchmark = _value(params, bench, signed_on, absent)
        markup = _value(params, codes.markup, signed_on, absent)
        if benchmark is not None and markup is not None:
            rate_cap = benchmark + markup / 100  # 上浮(不超过)N个百分点: a rate equal to the cap counts in full
    if absent:
        raise TermsMissing(absent, signed_on)
    # 期限最长不超过N年, 前N年全额贴息, 贴息期限不超过N年: 不超过 includes the number, so exactly N years of interest
    # days count: from the first drawdown (its day bears interest) through the day before the N-th anniversary, which
    # is the first day no longer subsidised (``until``; 济南（九）'s 第3年不贴息 starts on the 2nd anniversary).
    term_end = add_months(first_drawdown, term_months)
    if max_years is not None:
        term_end = min(term_end, add_years(first_drawdown, int(max_years)))
    until = term_end if years is None else min(term_end, add_years(first_drawdown, int(years)))
    reasons = [
        Reason(
            condition="subsidised_days",
            label=_("Interest subsidised from %(start)s to %(end)s, %(share)s of it")
            % {
                "start": first_drawdown.isoformat(),
                "end": (until - datetime.timedelta(days=1)).isoformat(),
                "share": f"{share.normalize():f}",
            },
            met=True,
            clause=clause,
        )
    ]
    if rate_cap is not None:
        reasons.append(
            Reason(
                condition="rate_cap",
                label=_("Rate counted at most %(cap)s a year (the benchmark on the contract date plus the markup)")
                % {"cap": f"{rate_cap.normalize():f}"},
                met=True,
                clause=clause,
            )
        )
    most = None if max_years is None else int(max_years) * 12
    return Schedule(first_drawdown, until, share, rate_cap, ceiling, tuple(reasons), most)


def statement_subsidy(
    plan: Schedule,
    *,
    principal: Decimal,
    annual_rate: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
    interest: Decimal,
    clause: str,
) -> tuple[Decimal, list[Reason]]:
    """The subsidy on one interest statement (``period_end`` is its last day): the interest of the statement's
    days inside the subsidised days, at most what the capped rate on the principal counted (at most the ceiling)
    would charge for them (a daily rate of a 360th of the yearly one), times the share."""
    days = (period_end - period_start).days + 1
    first, last = (
        max(period_start, plan.subsidised_from),
        min(period_end + datetime.timedelta(days=1), plan.subsidised_until),
    )
    inside = max(0, (last - first).days)
    reasons = [
        Reason(
            condition="days_subsidised",
            label=_("%(inside)s of the statement's %(days)s days are subsidised") % {"inside": inside, "days": days},
            met=inside > 0,
            clause=clause,
        )
    ]
    if inside == 0:
        return Decimal("0.00"), reasons
    counted = interest * inside / days
    base = min(principal, plan.ceiling)
    rate = annual_rate if plan.rate_cap is None else min(annual_rate, plan.rate_cap)
    most = base * rate * inside / DAY_COUNT
    if most < counted:
        reasons.append(
            Reason(
                condition="interest_capped",
                label=_("Interest counted at most %(most)s CNY: %(base)s CNY at %(rate)s a year for %(inside)s days")
                % {"most": money(most), "base": base, "rate": f"{rate.normalize():f}", "inside": inside},
                met=True,
                clause=clause,
            )
        )
        counted = most
    amount = money(counted * plan.share)
    reasons.append(
        Reason(
            condition="subsidy",
            label=_("Subsidy: %(share)s of %(counted)s CNY of interest")
            % {"share": f"{plan.share.normalize():f}", "counted": money(counted)},
            met=True,
            clause=clause,
        )
    )
    return amount, reasons
