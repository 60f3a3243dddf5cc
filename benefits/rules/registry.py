"""Which function decides which program. Programs with no rule get the default decision: the documents state
no figure or condition the system could apply (按规定), so a caseworker decides by hand."""

from collections.abc import Callable
from contextlib import contextmanager

from django.utils import translation

from .engine import Decision, NotEligible, Params, ProgramInfo, Reason, only_eligible
from .facts import Facts
from .i18n import current_language
from .i18n import gettext as _

Rule = Callable[[ProgramInfo, Facts, Params], Decision]
RULES: dict[str, Rule] = {}

PATTERN_PERIODS = {"one_time": "once", "monthly": "month", "yearly": "year"}


def rule(*codes: str):
    """Register the decorated function as the rule of the programs ``codes``."""

    def register(function: Rule) -> Rule:
        for code in codes:
            if code in RULES:
                raise ValueError(f"two rules for {code}")
            RULES[code] = function
        return function

    return register


def default_decision(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    if program.payment_pattern == "in_kind":
        label = _("A non-cash benefit (space, priority, fee reduction …): the conditions are checked by hand.")
    else:
        label = _(
            "The policy states no amount or condition the system can apply (按规定): decided by hand under the "
            "provincial or national rules it refers to."
        )
    return Decision(
        program=program,
        eligible=None,
        period=PATTERN_PERIODS.get(program.payment_pattern),
        reasons=[Reason(condition="not_quantified", label=label, met=None, clause=program.clause)],
    )


def decide(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    if not RULES:
        _load_families()
    token = current_language.set(current_language.get() or translation.get_language())
    try:
        return RULES.get(program.code, default_decision)(program, facts, params)
    finally:
        current_language.reset(token)


def decide_eligible(program: ProgramInfo, facts: Facts, params: Params) -> Decision | None:
    """The decision if it is eligible, else None, without working out what nobody will read: a rule stops at
    its conditions unless they are all met (``engine.eligibility``). The same decision as ``decide`` when
    eligible (the table-driven cases check this for every case)."""
    with screening():
        return eligible_decision(program, facts, params)


@contextmanager
def screening():
    """Many decisions of which only the eligible ones matter (the nightly screening): the language resolved once
    and rules stopping at their conditions, for every ``eligible_decision`` made inside."""
    if not RULES:
        _load_families()
    language = current_language.set(current_language.get() or translation.get_language())
    stop = only_eligible.set(True)
    try:
        yield
    finally:
        only_eligible.reset(stop)
        current_language.reset(language)


def eligible_decision(program: ProgramInfo, facts: Facts, params: Params) -> Decision | None:
    """Inside ``screening()``: the program's decision when eligible, else None."""
    try:
        decision = RULES.get(program.code, default_decision)(program, facts, params)
    except NotEligible:
        return None
    return decision if decision.eligible is True else None


def _load_families() -> None:
    """Import the family modules once; each registers its rules."""
    from . import families  # noqa: F401
