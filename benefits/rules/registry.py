"""Which function decides which program. Programs with no rule get the default decision: the documents state
no figure or condition the system could apply (按规定), so a caseworker decides by hand."""

from collections.abc import Callable
from contextlib import contextmanager

from django.utils import translation

from .engine import Decision, NotEligible, Params, ProgramInfo, Reason, only_eligible
from .facts import Facts
from .i18n import current_language
from .i18n import gettext as _
from .names import fact_label
from .questions import none_section

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
        load_families()
    token = current_language.set(current_language.get() or translation.get_language())
    try:
        return settle_none(RULES.get(program.code, default_decision)(program, facts, params), facts)
    finally:
        current_language.reset(token)


def settle_none(decision: Decision, facts: Facts) -> Decision:
    """A condition unknown only for want of a section the facts say does not exist (``"none": ["business"]``: no
    business of one's own yet) is not met, and says so: "没有：本人经营实体". The rules themselves treat an absent
    section as unknown; this is the one place "known to be absent" is read. Only an unknown decision changes, and
    only towards "not eligible", so the nightly screening's shortcut (eligible decisions only) is unaffected."""
    if decision.eligible is not None or not facts.none:
        return decision
    settled, changed = [], False
    for reason in decision.reasons:
        sections = {none_section(path, facts.none) for path in reason.missing}
        if reason.met is None and reason.missing and None not in sections:
            reason = reason._replace(
                met=False,
                missing=(),
                detail=_("None: %(what)s") % {"what": "、".join(fact_label(section) for section in sorted(sections))},
            )
            changed = True
        settled.append(reason)
    if changed:
        decision.reasons, decision.eligible = settled, False
    return decision


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
        load_families()
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


def load_families() -> None:
    """Import the family modules once; each registers its rules."""
    from . import families  # noqa: F401


_MISSING = object()


class ScreeningMemo:
    """Eligible decisions reused between people, exactly: a rule is a pure function of the answers it gets from
    the facts (``Facts.trace`` records each question and answer), of the day and of the parameters. The memo keeps,
    per program, day and parameters, the questions a rule asked (its "spec": a rule that takes another path asks
    others) and, per spec, the decision for each tuple of answers. For a new person it asks each known spec's
    questions again; the same answers mean the same steps and the same decision. Most people of a night differ in
    nothing a given rule looks at, so most decisions are a few look-ups. Use inside ``screening()``."""

    MAX_SPECS = 64

    def __init__(self):
        self._specs: dict[tuple, dict[tuple, dict]] = {}

    def eligible_decision(self, program: ProgramInfo, facts: Facts, params: Params) -> Decision | None:
        specs = self._specs.setdefault((program.code, facts.as_of, params), {})  # params: by identity
        for spec, decisions in specs.items():
            found = decisions.get(tuple([facts.replay(question) for question in spec]), _MISSING)
            if found is not _MISSING:
                return found
        facts.trace = trace = []
        try:
            decision = eligible_decision(program, facts, params)
        finally:
            facts.trace = None
        spec = tuple(question for question, _answer in trace)
        if spec in specs or len(specs) < self.MAX_SPECS:
            specs.setdefault(spec, {})[tuple(answer for _question, answer in trace)] = decision
        return decision
