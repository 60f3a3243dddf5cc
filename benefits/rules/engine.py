"""The vocabulary of every rule: parameters as of a date, a reason per condition, a decision per program.

A rule is a function ``(program, facts, params) -> Decision``. It never touches the database: the programs, the
parameters in force and the facts are plain data handed to it, which is what makes screening a million people
cheap and every decision explainable ("which condition, met or not or unknown, and which clause says so").
"""

import datetime
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .i18n import gettext as _

PERIODS = ("once", "month", "quarter", "year", "day")
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the fen, half up: the one place money is rounded (STYLE.md habit 11)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProgramInfo:
    """What a rule needs to know about its program (built from the ``Program`` rows by a selector)."""

    code: str
    city: str
    family: str
    name_zh: str
    payment_pattern: str
    clause: str
    once_per_lifetime: bool | None = None
    beneficiary: str = "individual"


class Params:
    """Effective-dated parameter values of one city (and the national ones), in memory.

    ``values``: code → [(valid_from, value), …] sorted by date; a code with an empty list is known but not set,
    and a value of None is the stated end of the one before (not set from that day).
    ``names``: code → Chinese name, for reasons that name a missing parameter.
    ``readings``: the documented alternative readings taken (``readings.READINGS``; only a policy scenario takes
    any)."""

    def __init__(
        self,
        values: dict[str, list[tuple[datetime.date, Decimal | None]]],
        names: dict[str, str] | None = None,
        readings: frozenset[str] = frozenset(),
    ):
        self._values = {code: sorted(rows, key=lambda row: row[0]) for code, rows in values.items()}
        self._names = names or {}
        self._readings = frozenset(readings)

    def reading(self, code: str) -> bool:
        """Whether the alternative reading ``code`` is taken instead of the decided one."""
        from .readings import READINGS

        if code not in READINGS:
            raise KeyError(f"unknown reading {code!r}")
        return code in self._readings

    def replaced(
        self, values: dict[str, list[tuple[datetime.date, Decimal | None]]], readings: frozenset[str] = frozenset()
    ) -> "Params":
        """These parameters with ``values`` in place from each one's first date (the values before it kept, those
        from it on replaced) and ``readings`` taken: a policy scenario's parameters."""
        merged = dict(self._values)
        for code, rows in values.items():
            if code not in merged:
                raise KeyError(f"unknown parameter {code!r}")
            first = min(row[0] for row in rows)
            merged[code] = [row for row in merged[code] if row[0] < first] + list(rows)
        return Params(merged, self._names, readings)

    def _in_force(self, code: str, on: datetime.date) -> tuple[datetime.date | None, Decimal | None]:
        if code not in self._values:
            raise KeyError(f"unknown parameter {code!r}")
        found = (None, None)
        for row in self._values[code]:
            if row[0] > on:
                break
            found = row
        return found

    def value(self, code: str, on: datetime.date) -> Decimal | None:
        """The value in force on ``on``, or None if the parameter has no value yet on that day."""
        return self._in_force(code, on)[1]

    def since(self, code: str, on: datetime.date) -> datetime.date | None:
        """The first day of the value in force on ``on`` (None when there is none)."""
        return self._in_force(code, on)[0]

    def name(self, code: str) -> str:
        return self._names.get(code, code)


class Reason(NamedTuple):
    """One condition checked: ``met`` is True, False, or None when a fact or a parameter is missing
    (``missing`` names which). A named tuple: immutable, and cheap to make a few hundred times per person."""

    condition: str
    label: str
    met: bool | None
    clause: str = ""
    missing: tuple[str, ...] = ()
    detail: str = ""

    def as_dict(self) -> dict:
        return {
            "condition": self.condition,
            "label": self.label,
            "met": self.met,
            "clause": self.clause,
            "missing": list(self.missing),
            "detail": self.detail,
        }


@dataclass
class Decision:
    """The answer for one program: eligible (True/False/None), how much per period, for how many periods, why."""

    program: ProgramInfo
    eligible: bool | None
    amount_cny: Decimal | None = None
    period: str | None = None
    max_periods: int | None = None
    reasons: list[Reason] = field(default_factory=list)
    note: str = ""
    # The registers a periodic grant rests on: it holds while the person stays on one of them (the rule checks
    # them on the day of every decision); the nightly job suspends it when the person leaves them all.
    holds_while_on: tuple[str, ...] = ()
    # A loan program's amount is its ceiling; with a loan given, the yearly interest subsidy on it is here.
    interest_subsidy_cny: Decimal | None = None
    amount_is_loan_ceiling: bool = False

    def as_dict(self) -> dict:
        subsidy = self.interest_subsidy_cny
        return {
            "program": self.program.code,
            "name": self.program.name_zh,
            "family": self.program.family,
            "eligible": self.eligible,
            "amount_cny": None if self.amount_cny is None else str(money(self.amount_cny)),
            "period": self.period,
            "max_periods": self.max_periods,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "note": self.note,
            "holds_while_on": list(self.holds_while_on),
            "amount_is_loan_ceiling": self.amount_is_loan_ceiling,
            "interest_subsidy_cny": None if subsidy is None else str(money(subsidy)),
        }


def combine(reasons: Iterable[Reason]) -> bool | None:
    """Eligible when every condition is met; not eligible as soon as one is not; unknown otherwise."""
    reasons = list(reasons)
    if any(reason.met is False for reason in reasons):
        return False
    if all(reason.met is True for reason in reasons):
        return True
    return None


class NotEligible(Exception):
    """Raised by ``eligibility`` when a screening keeps only eligible decisions and this one is not."""


only_eligible: ContextVar[bool] = ContextVar("rules_only_eligible", default=False)


def eligibility(reasons: Iterable[Reason]) -> bool | None:
    """A rule's answer from its conditions (``combine``). In a screening that keeps only eligible decisions (the
    nightly 主动服务, a million people a night), the rule stops here unless the answer is yes: its amount and the
    reasons for it are not worked out for nobody to read (``registry.decide_eligible``)."""
    eligible = combine(reasons)
    if eligible is not True and only_eligible.get():
        raise NotEligible
    return eligible


def gate(reasons: Iterable[Reason]) -> None:
    """In a screening that keeps only eligible decisions, stop the rule now unless every one of ``reasons`` is
    met; elsewhere nothing. A rule calls it after its cheap conditions and before the costly ones (retirement
    dates, periods, amounts), on reasons that all go into its final ``eligibility`` unchanged, so the answer is
    the one the whole rule would give."""
    if only_eligible.get() and any(reason.met is not True for reason in reasons):
        raise NotEligible


def parameter_amount(
    params: Params, code: str, on: datetime.date, *, clause: str = ""
) -> tuple[Decimal | None, Reason]:
    """A parameter's value as an amount, with the reason to show: set (its value and date) or not set (which
    parameter, since when it is needed)."""
    value = params.value(code, on)
    if value is None:
        return None, Reason(
            condition=f"parameter:{code}",
            label=_("The standard “%(name)s” has not been set for %(date)s; an administrator sets it under Parameters.")
            % {"name": params.name(code), "date": on.isoformat()},
            met=None,
            clause=clause,
            missing=(code,),
        )
    return value, Reason(
        condition=f"parameter:{code}",
        label=_("Standard “%(name)s” in force on %(date)s: %(value)s")
        % {"name": params.name(code), "date": on.isoformat(), "value": f"{value.normalize():f}"},
        met=True,
        clause=clause,
    )
