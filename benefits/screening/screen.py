"""Screening: facts in, one decision per program of the facts' city out, in the contract of docs/facts.md
(``{"as_of", "city", "results": [...]}``). Used by the ``screen`` command, the screen API, the person page and
the proactive job; the rules themselves are pure (benefits/rules/)."""

import datetime

from casework.selectors import register_names

from ..catalogue.selectors import params_for_city, program_infos
from ..rules.engine import Decision, Params, ProgramInfo
from ..rules.facts import Facts
from ..rules.registry import decide
from .facts import person_facts
from .questions import open_questions


def screen(facts: Facts, *, programs: list[ProgramInfo], params: Params) -> list[Decision]:
    return [decide(program, facts, params) for program in programs]


# Employer programs that pay a unit for a person it hires, trains or takes on (the person's situation is what
# makes the unit eligible): on a person's page they are "the unit that hires this person may claim", never the
# person's own decisions with the unit's missing facts.
FOR_A_PERSON_FAMILIES = frozenset(
    {
        "apprenticeship_training_subsidy",
        "employer_graduate_si_subsidy",
        "entrepreneur_hiring_si_subsidy",
        "hard_to_employ_employer_si_subsidy",
        "internship_subsidy",
        "laid_off_absorption_support",
        "new_form_enterprise_hiring_subsidy",
        "order_training_subsidy",
        "poverty_employer_post_subsidy",
        "poverty_employer_si_subsidy",
        "poverty_labor_absorption_award",
        "prejob_training_subsidy",
        "research_project_graduate_si",
        "sme_one_time_post_subsidy",
        "social_org_graduate_hiring_support",
    }
)


def programs_for(subject: str, programs: list[ProgramInfo]) -> list[ProgramInfo]:
    """The programs a subject is screened against: a person the individual ones; an organization its own (an
    employer's, an institution's or an intermediary's)."""
    individual = subject == "person"
    return [program for program in programs if (program.beneficiary == "individual") == individual]


def screen_document(document: dict, *, as_of: datetime.date | None = None) -> dict:
    """Validate a facts document (FactsError lists what is wrong) and screen it against the programs of its city
    whose beneficiary it is; a person's result also names the employer programs a unit may claim for them."""
    facts = Facts.parse(document, as_of=as_of)
    programs = program_infos(city=facts.city)
    decisions = screen(facts, programs=programs_for(facts.subject, programs), params=params_for_city(city=facts.city))
    result = {
        "as_of": facts.as_of.isoformat(),
        "city": facts.city,
        "results": [decision.as_dict() for decision in decisions],
        **open_questions(decisions, document),
    }
    for question in result["open_questions"]:
        if question["type"] == "registers":  # the city's registers are the choices
            subject = "household" if question["fact"].startswith("household.") else "person"
            names = register_names(city=facts.city, subject=subject)
            question["choices"] = [{"value": code, "label": name} for code, name in names.items()]
    if facts.subject == "person":
        result["employer_programs"] = [
            {"program": program.code, "name": program.name_zh, "clause": program.clause}
            for program in programs
            if program.beneficiary == "employer" and program.family in FOR_A_PERSON_FAMILIES
        ]
    return result


def screen_person(*, person, as_of: datetime.date) -> dict:
    """A stored person's facts as of the day, screened."""
    return screen_document(person_facts(person=person, as_of=as_of), as_of=as_of)
