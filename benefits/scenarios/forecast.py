"""What a decision costs month by month over the forecast's twelve months, counted from the month a person found
eligible would start (the scenario's first month). Pure: amounts in, a list of twelve amounts out.

How each period is counted (docs/scenarios.md): a one-time grant in the first month; a monthly grant every month
up to its number of periods; a quarterly one every third month; a yearly one (and an interest subsidy, a yearly
amount) in the first month; a per-day allowance as its days × the daily amount in the first month. A loan's
principal is the bank's money, not spending: only its interest subsidy counts. An eligible decision without an
amount (a figure not set) costs nothing and is counted apart."""

from decimal import Decimal

from ..rules.engine import Decision, money

HORIZON = 12
ZERO = Decimal("0.00")
STEPS = {"month": 1, "quarter": 3}


def months_cost(decision: Decision | None) -> list[Decimal]:
    """The cost of ``decision`` (None: not eligible) in each of the next twelve months."""
    months = [ZERO] * HORIZON
    if decision is None:
        return months
    amount, period, periods = decision.amount_cny, decision.period, decision.max_periods
    if decision.amount_is_loan_ceiling:
        amount, period, periods = decision.interest_subsidy_cny, "year", 1
    if amount is None or amount <= 0:
        return months
    amount = money(Decimal(amount))
    if period == "day":
        months[0] = money(amount * (periods or 0))
    elif period in STEPS:
        step = STEPS[period]
        count = HORIZON if periods is None else min(int(periods), -(-HORIZON // step))
        for number in range(count):
            if number * step < HORIZON:
                months[number * step] = amount
    else:  # once, year, or no period stated: paid once in the first month
        months[0] = amount
    return months


def costed(decision: Decision | None) -> bool:
    """Whether an eligible decision carries an amount the forecast can count."""
    if decision is None:
        return True
    if decision.amount_is_loan_ceiling:
        return decision.interest_subsidy_cny is not None
    return decision.amount_cny is not None
