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
    for answer in answers:
        question = question_for(answer.path)
        answer.label = say(question.label, answer.path) if question else answer.path
        answer.question = say(question.ask, "") if question and question.ask else ""
        answer.shown = shown(question, answer.value) if question else str(answer.value)
    return answers
