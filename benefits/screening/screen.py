"""Screening: facts in, one decision per program of the facts' city out, in the contract of docs/facts.md
(``{"as_of", "city", "results": [...]}``). Used by the ``screen`` command, the screen API, the person page and
the proactive job; the rules themselves are pure (benefits/rules/)."""

import datetime

from ..catalogue.selectors import params_for_city, program_infos
from ..rules.engine import Decision, Params, ProgramInfo
from ..rules.facts import Facts
from ..rules.registry import decide
from .facts import person_facts


def screen(facts: Facts, *, programs: list[ProgramInfo], params: Params) -> list[Decision]:
    return [decide(program, facts, params) for program in programs]


def screen_document(document: dict, *, as_of: datetime.date | None = None) -> dict:
    """Validate a facts document (FactsError lists what is wrong) and screen it against its city's programs."""
    facts = Facts.parse(document, as_of=as_of)
    decisions = screen(facts, programs=program_infos(city=facts.city), params=params_for_city(city=facts.city))
    return {
        "as_of": facts.as_of.isoformat(),
        "city": facts.city,
        "results": [decision.as_dict() for decision in decisions],
    }


def screen_person(*, person, as_of: datetime.date) -> dict:
    """A stored person's facts as of the day, screened."""
    return screen_document(person_facts(person=person, as_of=as_of), as_of=as_of)
