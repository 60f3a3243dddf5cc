"""Answers to the fact catalogue's questions (benefits/rules/questions.yaml): what a typed answer means as a fact's
value, which questions the console and the portal take an answer to, and how a person's recorded answers fill the
facts document their records leave open (the records win). No queries (docs/facts.md "Recorded answers")."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..rules.facts import schema_node
from ..rules.names import say
from ..rules.questions import Question, catalogue, none_section, question_for

# The answer types a caseworker or an applicant types or picks; registers, employment spells and the lists an
# application verifies are kept on their own pages.
TYPED = frozenset({"yes_no", "section", "date", "choice", "choices", "flags", "integer", "money", "rate", "text"})
YES_NO = (("yes", _("Yes")), ("no", _("No")))
LARGEST_INTEGER = 9999  # months, days, partners: nothing the rules count reaches it
LARGEST_MONEY = Decimal("99999999.99")


# What the portal's screener asks someone who has no record: everything a person knows about themselves, the
# registers they are on included (the employment spell is its first question). Not what an application verifies.
SCREENER_TYPES = TYPED | {"registers"}


def asked_by_screener(question: Question) -> bool:
    """Whether the anonymous screener asks the question (its answers go into the facts document it sends)."""
    return question.type in SCREENER_TYPES and question.recorded not in ("application", "evidence", "organization")


def answered_here(question: Question) -> bool:
    """Whether the console and the portal take an answer to the question: one typed or picked, kept among the
    person's recorded answers or in a field of the person's record of the same kind."""
    if question.type not in TYPED:
        return False
    return question.recorded == "answers" or (question.recorded == "person" and person_field(question) is not None)


def person_field(question: Question):
    """The field of the person's record an answer is written to, when its kind fits the question's (the hukou
    place is a name, while "is it in this city" is a yes or no: that one is edited on the person's record)."""
    from casework.models import Person

    if question.recorded != "person" or not question.field:
        return None
    field = Person._meta.get_field(question.field)
    fits = {
        "yes_no": field.get_internal_type() == "BooleanField",
        "date": field.get_internal_type() == "DateField",
        "choice": bool(field.choices),
        "integer": "IntegerField" in field.get_internal_type(),
    }
    return field if fits.get(question.type) else None


def _codes(question: Question) -> list[tuple[str, str]]:
    return [(code, say(pair, code)) for code, pair in question.choices]


def _code(value: str):
    """A choice's code as the facts hold it: certificate levels are numbers."""
    return int(value) if value.isdigit() else value


def answer_field(question: Question, registers: dict[str, str] | None = None) -> forms.Field:
    """The form field that reads an answer to ``question`` (its label is the fact's name, so a message names it);
    ``registers`` (code → name) are the choices of a question about registers."""
    label = say(question.label, question.path)
    if question.type == "registers":
        return forms.MultipleChoiceField(label=label, choices=sorted((registers or {}).items()), required=False)
    if question.type in ("yes_no", "section"):
        return forms.ChoiceField(label=label, choices=YES_NO)
    if question.type == "date":
        return forms.DateField(label=label)
    if question.type == "choice":  # a choice whose code is "" (not a veteran) is still an answer
        return forms.ChoiceField(label=label, choices=_codes(question), required=not dict(question.choices).get(""))
    if question.type in ("choices", "flags"):
        return forms.MultipleChoiceField(label=label, choices=_codes(question), required=False)
    if question.type == "integer":
        least = (schema_node(question.path) or {}).get("minimum", 0)
        return forms.IntegerField(label=label, min_value=least, max_value=LARGEST_INTEGER)
    if question.type == "money":
        return forms.DecimalField(
            label=label, min_value=Decimal("0"), max_value=LARGEST_MONEY, max_digits=10, decimal_places=2
        )
    if question.type == "rate":  # typed as a percentage (4.35), kept as a ratio ("0.0435")
        return forms.DecimalField(
            label=label, min_value=Decimal("0"), max_value=Decimal("100"), max_digits=7, decimal_places=4
        )
    return forms.CharField(label=label, max_length=60, strip=True)


def clean_answer(question: Question, raw, *, registers: dict[str, str] | None = None):
    """The fact's value (as docs/facts.md writes it) of an answer given as text, a list of codes (several
    choices, registers) or, from the API, JSON true/false; a ValidationError naming the fact when it is not an
    answer. A question about registers takes the codes of ``registers``."""
    if question.type not in TYPED and not (question.type == "registers" and registers is not None):
        raise ValidationError(_("This question is answered elsewhere."), code="answered_elsewhere")
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    if question.type in ("choices", "flags", "registers"):
        raw = [] if raw in (None, "") else raw
        if not isinstance(raw, list):
            raw = [raw]
        raw = [str(item) for item in raw]
    elif raw is not None and not isinstance(raw, str):
        raw = str(raw) if isinstance(raw, int | Decimal) else None
    field = answer_field(question, registers)
    try:
        if raw is None and question.type not in ("choices", "flags", "registers"):  # even where "" is a choice
            raise ValidationError(field.error_messages["required"], code="required")
        value = field.clean(raw)
    except ValidationError as error:
        named = [_("%(fact)s: %(message)s") % {"fact": field.label, "message": m} for m in error.messages]
        raise ValidationError({question.path: named}) from None
    if question.type in ("yes_no", "section"):
        return value == "yes"
    if question.type == "date":
        return value.isoformat()
    if question.type == "choice":
        return _code(value)
    if question.type == "choices":
        return sorted(_code(code) for code in value)
    if question.type in ("flags", "registers"):
        return sorted(value)
    if question.type == "money":
        return f"{value:.2f}"
    if question.type == "rate":
        return format((value / 100).normalize(), "f")
    return value


def shown(question: Question, value) -> str:
    """An answer as a person reads it: 是/否, the choice's name, 4.35%, 3000.00 元."""
    names = dict(question.choices)
    if isinstance(value, bool):
        return str(YES_NO[0][1] if value else YES_NO[1][1])
    if question.type == "choice":
        return say(names.get(str(value)), str(value))
    if question.type in ("choices", "flags"):
        return "、".join(say(names.get(str(code)), str(code)) for code in value) or str(_("none of these"))
    if question.type == "rate":
        return f"{Decimal(value) * 100:g}%"
    if question.type == "money":
        return f"{value} {_('CNY')}"
    return str(value)


def _running(spells: list, as_of: datetime.date, answered_on: datetime.date) -> dict | None:
    """The employment spell an answer about "the current work" speaks of: the one running on the day, if it had
    begun by the day the answer was given (a later job is another job)."""
    for spell in reversed(spells):
        begun = datetime.date.fromisoformat(spell["from"]) if spell.get("from") else None
        ended = spell.get("to")
        if (begun is None or begun <= as_of) and (ended is None or datetime.date.fromisoformat(ended) >= as_of):
            return spell if begun is None or begun <= answered_on else None
    return None


def with_answers(
    document: dict, answers: Iterable[tuple[str, object, datetime.date]], *, everything: bool = False
) -> dict:
    """``document`` with the person's answers ``(path, value, answered on)`` filling what it does not give: a
    section answered "no" joins ``none``; "yes" opens it for its details; a detail of a section nobody said
    exists, or of one said not to, is left out. Only the answers the catalogue keeps among the recorded answers
    (a stored person's other facts come from their records), unless ``everything`` (the anonymous screener, whose
    document holds only what was answered; registers are the codes the person is on as of the day). Changes and
    returns ``document``."""
    as_of = datetime.date.fromisoformat(document.get("as_of") or datetime.date.today().isoformat())
    questions = catalogue()

    def applies(path: str) -> bool:
        question = questions.get(path)
        if question is None:
            return False
        return asked_by_screener(question) if everything else question.recorded == "answers"

    kept = sorted(
        ((path, value, on) for path, value, on in answers if applies(path)),
        key=lambda answer: answer[0].count("."),  # a section before its details
    )
    none = set(document.get("none") or ())
    for path, value, on in kept:
        question = questions[path]
        parts = path.split(".")
        if question.type == "section":
            parent = _node(document, parts[:-1], as_of=as_of, answered_on=on)
            if parent is None or parts[-1] in parent or none_section(path, frozenset(none)):
                continue
            if value:
                parent[parts[-1]] = {}
            else:
                none.add(path)
            continue
        if question.type == "flags":  # each fact of the group: ticked or not (a section: has one or not)
            for member, _label in question.choices:
                *within, name = member.split(".")
                node = _node(document, within, as_of=as_of, answered_on=on)
                if node is None or name in node or none_section(member, frozenset(none)):
                    continue
                if questions[member].type != "section":
                    node[name] = member in value
                elif member in value:
                    node[name] = {}
                else:
                    none.add(member)
            continue
        if question.type == "registers":
            value = [{"code": code, "since": as_of.isoformat()} for code in value]
        node = _node(document, parts[:-1], as_of=as_of, answered_on=on)
        if node is not None and parts[-1] not in node:
            node[parts[-1]] = value
    if none:
        document["none"] = sorted(none)
    return document


def _node(document: dict, parts: list[str], *, as_of: datetime.date, answered_on: datetime.date) -> dict | None:
    """The object at ``parts`` an answer is written into; the person's and household's own objects are made when
    missing, a section's only by answering "yes" to it."""
    node = document
    for end, part in enumerate(parts, start=1):
        child = node.get(part)
        if isinstance(child, list):
            child = _running(child, as_of, answered_on) if part == "employment" else None
        elif child is None:
            section = question_for(".".join(parts[:end]))
            if section is not None and section.type == "section":
                return None
            child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return None
        node = child
    return node
