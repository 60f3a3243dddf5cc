"""Facts: what is known about a person (and their household) or an organization on one date, as plain data.

The format is documented in docs/facts.md with a JSON Schema (benefits/rules/facts.schema.json) and examples.
Everything is optional: a rule that needs a fact nobody gave says which one is missing instead of guessing.
``Facts`` is a read-only view over the parsed JSON with the small vocabulary the conditions use.
"""

import datetime
import functools
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from core.plausible import EARLIEST, NO_CONTROL, date_error, has_control_characters, latest_date

SCHEMA_PATH = Path(__file__).with_name("facts.schema.json")


class FactsError(ValueError):
    """The facts document does not follow the schema; ``errors`` lists each problem with its path."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def fact_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


@dataclass(frozen=True)
class Spell:
    """A dated stretch: a register entry, an employment spell, an earlier grant."""

    code: str
    start: datetime.date | None
    end: datetime.date | None  # inclusive; None = still running

    def covers(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _schema_once() -> dict:
    return schema()


def schema_node(path: str) -> dict | None:
    """The schema of the value at a fact path (``business.lease.from``; a list's rows are passed through)."""
    node = _schema_once()
    for part in path.split("."):
        while "items" in node and "properties" not in node:
            node = node["items"]
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


# Beyond the schema (docs/facts.md, "Plausible values"): no control characters in any key or text, and every date
# from 1900-01-01 to ten years ahead, a birth date and the start of residence not after today.
PAST_DATES = frozenset({"birth_date", "resident_since"})


def validate(document: dict) -> None:
    """Raise FactsError listing every place where ``document`` breaks the schema or holds an implausible value."""
    import jsonschema

    errors = _control_characters(document)
    if errors:  # refused before the schema, whose messages would repeat the characters
        raise FactsError(errors)
    document_schema = schema()
    validator = jsonschema.Draft202012Validator(document_schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        raise FactsError(
            [f"{'/'.join(str(p) for p in error.path) or '(document)'}: {error.message}" for error in errors]
        )
    errors = _implausible_dates(document, document_schema)
    if errors:
        raise FactsError(errors)


def _control_characters(document) -> list[str]:
    errors, stack = [], [(document, ())]
    while stack:  # iterative: a deep document must not exhaust the stack
        node, path = stack.pop()
        if isinstance(node, dict | list):
            for key, value in node.items() if isinstance(node, dict) else enumerate(node):
                if isinstance(key, str) and has_control_characters(key):
                    errors.append(f"{'/'.join(path) or '(document)'}: {NO_CONTROL}")
                else:
                    stack.append((value, (*path, str(key))))
        elif isinstance(node, str) and has_control_characters(node):
            errors.append(f"{'/'.join(path) or '(document)'}: {NO_CONTROL}")
    return sorted(errors)


def _dates_of(node, node_schema: dict, path: tuple = ()):
    """(path, text) of every value of a schema-valid ``node`` that its schema says is a date."""
    if isinstance(node, str):
        branches = [node_schema, *node_schema.get("oneOf", [])]
        if any(branch.get("format") == "date" for branch in branches):
            yield path, node
    elif isinstance(node, dict):
        properties = node_schema.get("properties", {})
        for key, value in node.items():
            if key in properties:
                yield from _dates_of(value, properties[key], (*path, key))
    elif isinstance(node, list) and isinstance(node_schema.get("items"), dict):
        for index, item in enumerate(node):
            yield from _dates_of(item, node_schema["items"], (*path, str(index)))


def _implausible_dates(document: dict, document_schema: dict) -> list[str]:
    found = (
        _implausible(path, datetime.date.fromisoformat(text)) for path, text in _dates_of(document, document_schema)
    )
    return [error for error in found if error]


def _implausible(path: tuple, day: datetime.date) -> str | None:
    """The error for a date of the document (at ``path``) outside its plausible range, else None."""
    latest = latest_date(past=path[-1] in PAST_DATES)
    if EARLIEST <= day <= latest:
        return None
    return f"{'/'.join(path)}: {date_error(earliest=EARLIEST, latest=latest)}"


_PARTS: dict[str, tuple[str, ...]] = {}


_SCALARS = frozenset({str, int, float, bool, datetime.date, type(None)})


def _frozen(value):
    """A hashable stand-in for an answer a rule got from the facts (for ``registry.ScreeningMemo``)."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, list) and all(isinstance(item, Spell) for item in value):
        return tuple((item.code, item.start, item.end) for item in value)
    return json.dumps(value, sort_keys=True, default=str)


def _on(spells: list[Spell] | None, codes: frozenset[str], code: str, day: datetime.date) -> bool | None:
    if spells is None:
        return None
    if code not in codes:  # the common answer, without walking the spells
        return False
    return any(spell.code == code and spell.covers(day) for spell in spells)


class Facts:
    """A validated facts document. ``as_of`` is the day every question is asked for.

    Rules read it only through the methods and properties below. While ``trace`` is a list, each answer is
    recorded with the question, which lets the screening reuse a decision for another person who gives the same
    answers to the same questions (``registry.ScreeningMemo``)."""

    trace: list | None = None

    def __init__(self, document: dict, *, as_of: datetime.date | None = None):
        self.document = document
        self.city: str = document["city"]
        self.as_of: datetime.date = as_of or fact_date(document.get("as_of")) or datetime.date.today()
        self.person: dict = document.get("person") or {}
        self.household: dict = document.get("household") or {}
        self.organization: dict = document.get("organization") or {}
        # whom the document is about: as it says, else an organization when it has only an organization's facts
        self.subject: str = document.get("subject") or (
            "organization" if self.organization and not self.person else "person"
        )
        # sections known not to exist (no business, no loan …): a rule that needs one is not met (registry.decide)
        self.none: frozenset[str] = frozenset(document.get("none") or ())
        self._answers: dict[tuple, object] = {}

    @classmethod
    def parse(cls, document: dict, *, as_of: datetime.date | None = None) -> "Facts":
        validate(document)
        error = _implausible(("as_of",), as_of) if as_of is not None else None
        if error:  # the day asked for besides the document's own (a query parameter, --as-of)
            raise FactsError([error])
        return cls(document, as_of=as_of)

    # --- plain values; None means "not given" ------------------------------------------------------------

    def get(self, path: str):
        """``person.birth_date`` → the value, or None when any part of the path is absent."""
        node = self._get(path)
        if self.trace is not None:
            self.trace.append((("get", path), _frozen(node)))
        return node

    def _get(self, path: str):
        node = self.document
        for part in _PARTS.get(path) or _PARTS.setdefault(path, tuple(path.split("."))):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def replay(self, question: tuple):
        """The answer these facts give to a recorded question, in its hashable form (nothing is traced); each
        question is worked out once per facts, however many programs ask it."""
        try:
            return self._answers[question]
        except KeyError:
            self._answers[question] = answer = self._answer(question)
            return answer

    def _answer(self, question: tuple):
        kind = question[0]
        if kind == "get":
            return _frozen(self._get(question[1]))
        if kind == "on_register":
            return _on(self._registers, self._register_codes, question[1], question[2] or self.as_of)
        if kind == "household_on_register":
            return _on(
                self._household_registers, self._household_register_codes, question[1], question[2] or self.as_of
            )
        if kind == "employment":
            return _frozen(self._employment)
        return _frozen(self._grants)

    def date(self, path: str) -> datetime.date | None:
        return fact_date(self.get(path))

    def given(self, path: str) -> bool:
        return self.get(path) is not None

    # --- registers, employment, earlier grants ----------------------------------------------------------------

    @cached_property
    def _registers(self) -> list[Spell] | None:
        rows = self.person.get("registers")
        if rows is None:
            return None
        return [Spell(row["code"], fact_date(row.get("since")), fact_date(row.get("until"))) for row in rows]

    @cached_property
    def _household_registers(self) -> list[Spell] | None:
        rows = self.household.get("registers")
        if rows is None:
            return None
        return [Spell(row["code"], fact_date(row.get("since")), fact_date(row.get("until"))) for row in rows]

    @cached_property
    def _register_codes(self) -> frozenset[str]:
        return frozenset(spell.code for spell in self._registers or ())

    @cached_property
    def _household_register_codes(self) -> frozenset[str]:
        return frozenset(spell.code for spell in self._household_registers or ())

    def on_register(self, code: str, on: datetime.date | None = None) -> bool | None:
        """Whether the person is on register ``code`` on the day (None when the registers were not given)."""
        answer = _on(self._registers, self._register_codes, code, on or self.as_of)
        if self.trace is not None:
            self.trace.append((("on_register", code, on), answer))
        return answer

    def household_on_register(self, code: str, on: datetime.date | None = None) -> bool | None:
        answer = _on(self._household_registers, self._household_register_codes, code, on or self.as_of)
        if self.trace is not None:
            self.trace.append((("household_on_register", code, on), answer))
        return answer

    @cached_property
    def _employment(self) -> list[Spell] | None:
        rows = self.person.get("employment")
        if rows is None:
            return None
        return [Spell(row["status"], fact_date(row.get("from")), fact_date(row.get("to"))) for row in rows]

    @property
    def employment(self) -> list[Spell] | None:
        if self.trace is not None:
            self.trace.append((("employment",), _frozen(self._employment)))
        return self._employment

    def employment_status(self, on: datetime.date | None = None) -> str | None:
        """The status of the spell covering the day: employed, flexible, self_employed, unemployed; "none" when
        the spells were given and none covers the day; None when they were not given."""
        if self.employment is None:
            return None
        on = on or self.as_of
        current = [spell for spell in self.employment if spell.covers(on)]
        return current[-1].code if current else "none"

    @cached_property
    def _grants(self) -> list[dict]:
        return list(self.document.get("grants") or [])

    @property
    def grants(self) -> list[dict]:
        if self.trace is not None:
            self.trace.append((("grants",), _frozen(self._grants)))
        return self._grants

    def received(self, *, family: str | None = None, program: str | None = None) -> list[dict]:
        """Earlier grants of a program or of any program of a family (for once-only rules and conflicts)."""
        return [
            grant
            for grant in self.grants
            if (program is None or grant.get("program") == program)
            and (family is None or grant.get("family") == family)
        ]
