"""Which function decides which program. Programs with no rule get the default decision: the documents state
no figure or condition the system could apply (按规定), so a caseworker decides by hand."""

from collections.abc import Callable

from django.utils import translation

from .engine import Decision, Params, ProgramInfo, Reason
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
    _load_families()
    token = current_language.set(translation.get_language())
    try:
        return RULES.get(program.code, default_decision)(program, facts, params)
    finally:
        current_language.reset(token)


def _load_families() -> None:
    """Import the family modules once; each registers its rules."""
    from . import families  # noqa: F401
