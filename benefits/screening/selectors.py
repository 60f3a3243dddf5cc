"""Reads of the answers recorded about a person (the fact catalogue's questions), as people read them."""

from django.db.models import F

from ..models import FactAnswer
from ..rules.names import say
from ..rules.questions import question_for
from .answers import shown


def recorded_answers(*, person) -> list[FactAnswer]:
    """The person's recorded answers in the catalogue's words, stated ones (waiting for a caseworker) first; each
    carries ``label`` (the fact's name), ``question`` and ``shown`` (the answer as a person reads it)."""
    answers = list(
        FactAnswer.objects.filter(person=person)
        .select_related("recorded_by", "confirmed_by")
        .order_by(F("confirmed_at").asc(nulls_first=True), "path")
    )
    return described(answers)


def described(answers):
    """Each answer with ``label`` (the fact's name), ``question`` and ``shown`` (as a person reads it)."""
    for answer in answers:
        question = question_for(answer.path)
        answer.label = say(question.label, answer.path) if question else answer.path
        answer.question = say(question.ask, "") if question and question.ask else ""
        answer.shown = shown(question, answer.value) if question else str(answer.value)
    return answers


def stated_answers(*, user):
    """What applicants of the user's area stated on their records and nobody confirmed yet, oldest first: the
    list the home page's count opens."""
    return (
        FactAnswer.objects.visible_to(user)
        .stated()
        .select_related("person", "person__residence_unit")
        .order_by("recorded_at", "pk")
    )
