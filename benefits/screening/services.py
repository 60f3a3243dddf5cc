"""Every write of an answer to the fact catalogue's questions about a person: a caseworker's (official at once),
an applicant's (stated, until a caseworker confirms it), a confirmation, a withdrawal. An answer goes where the
catalogue says: a field of the person's record through casework's ``person_update``, else the person's recorded
answers (``FactAnswer``, with history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Person
from casework.permissions import can_edit_in_unit
from casework.services import check_not_merged, person_update
from core.errors import PermissionDenied, require

from ..models import FactAnswer
from ..rules.questions import question_for
from .answers import answered_here, clean_answer, person_field


def _question(path: str):
    question = question_for(path)
    if question is None or not answered_here(question):
        raise ValidationError({"path": [_("This question is not answered here.")]}, code="not_answered_here")
    return question


def _to_record(question, value):
    """An answer's value as the person's record keeps it (a date as a date)."""
    import datetime

    return datetime.date.fromisoformat(value) if question.type == "date" else value


@transaction.atomic
def fact_answer_record(*, actor, person: Person, path: str, value) -> FactAnswer | None:
    """A caseworker answers a question about ``person``: official at once. Written to the person's record when the
    catalogue keeps it there (returns None), else to the person's recorded answers (replacing an earlier answer,
    which stays in the history; an applicant's stated answer to the same question is settled by it)."""
    require(can_edit_in_unit(actor, person.residence_unit))
    check_not_merged(person)
    question = _question(path)
    fact = clean_answer(question, value)
    field = person_field(question)
    if field is not None:
        person_update(actor=actor, person=person, **{field.name: _to_record(question, fact)})
        FactAnswer.objects.filter(person=person, path=path).delete()
        return None
    return _keep(person=person, path=path, value=fact, by=actor, source=FactAnswer.Source.CASEWORKER)


@transaction.atomic
def fact_answer_state(*, actor, person: Person, path: str, value) -> FactAnswer:
    """The applicant answers a question about their own claimed record: kept as stated, for a caseworker to
    confirm; never official by itself. An official answer already recorded is not replaced."""
    require(
        (person.account_id is not None and person.account_id == actor.pk, _("This is not your record.")),
        error=PermissionDenied,
    )
    check_not_merged(person)
    question = _question(path)
    fact = clean_answer(question, value)
    existing = FactAnswer.objects.select_for_update().filter(person=person, path=path).first()
    if existing is not None and existing.confirmed_at is not None:
        raise ValidationError({path: [_("The job center has already recorded this.")]}, code="already_recorded")
    return _keep(person=person, path=path, value=fact, by=actor, source=FactAnswer.Source.APPLICANT)


def _keep(*, person, path: str, value, by, source: str) -> FactAnswer:
    """The person's answer to ``path`` is now ``value`` (an earlier one stays in the history); a caseworker's is
    confirmed by its author."""
    now = timezone.now()
    official = source == FactAnswer.Source.CASEWORKER
    answer, _created = FactAnswer.objects.update_or_create(
        person=person,
        path=path,
        defaults={
            "value": value,
            "source": source,
            "recorded_by": by,
            "recorded_at": now,
            "confirmed_by": by if official else None,
            "confirmed_at": now if official else None,
        },
    )
    return answer


@transaction.atomic
def fact_answer_confirm(*, actor, answer: FactAnswer) -> FactAnswer:
    """A caseworker confirms what the applicant stated: from now on the screening of the record reads it (an
    answer the catalogue keeps on the person's record is written there)."""
    answer = FactAnswer.objects.select_for_update().select_related("person__residence_unit").get(pk=answer.pk)
    require(can_edit_in_unit(actor, answer.person.residence_unit))
    check_not_merged(answer.person)  # the kept record's own answer stands (benefits.merge)
    if answer.confirmed_at is not None:
        return answer
    question = _question(answer.path)
    field = person_field(question)
    if field is not None:
        person_update(actor=actor, person=answer.person, **{field.name: _to_record(question, answer.value)})
    answer.confirmed_by = actor
    answer.confirmed_at = timezone.now()
    answer.save(update_fields=["confirmed_by", "confirmed_at"])
    return answer


@transaction.atomic
def fact_answer_withdraw(*, actor, answer: FactAnswer) -> None:
    """Take an answer back (recorded in error, or no longer true): the question is open again. The history keeps
    what it said and who recorded it."""
    require(can_edit_in_unit(actor, answer.person.residence_unit))
    answer.delete()
