"""What the facts and registers the rules name are called, in the words of the person reading the decision: a
fact path (``person.graduation_date``) or a register code (``overcapacity_displaced_workers``) never appears on a
page as it is. docs/facts.md says what each fact means; this is its name."""

import functools

from .i18n import current_language
from .offline import policy_file
from .questions import catalogue

# fact path → (English, Chinese): the fact catalogue's labels (questions.yaml)
FACT_LABELS = {path: question.label for path, question in catalogue().items()}
EVIDENCE = ("the caseworker's record of the document", "工作人员核实材料的记录")


def _chinese() -> bool:
    from django.utils import translation

    return not (current_language.get() or translation.get_language() or "zh").startswith("en")


def say(pair: tuple[str, str] | None, fallback) -> str:
    """The (English, Chinese) pair in the reader's language; ``fallback`` as it is without one."""
    if pair is None:
        return str(fallback)
    return pair[1] if _chinese() else pair[0]


@functools.cache
def _parameter_names() -> dict[str, tuple[str, str]]:
    rows = policy_file("parameters.yaml") or []
    return {row["code"]: (row.get("name_en") or row["name_zh"], row["name_zh"]) for row in rows}


def fact_label(path: str) -> str:
    """The name of a fact path (or of a parameter a rule waits for); a caseworker's evidence record by what it is;
    the path itself only for a fact no rule reads (a test decides every program and checks)."""
    pair = FACT_LABELS.get(path) or _parameter_names().get(path)
    if pair is None and ".evidence." in path:
        pair = EVIDENCE
    return say(pair, path)


@functools.cache
def _catalogue_names(section: str) -> dict[str, tuple[str, str]]:
    """code → (English, Chinese) of the policy catalogue's ``registries`` or ``programs`` (read once, offline)."""
    rows = policy_file("catalogue.yaml")[section]
    return {row["code"]: (row.get("name_en") or row["name_zh"], row["name_zh"]) for row in rows}


def register_name(code: str) -> str:
    pair = _catalogue_names("registries").get(code)
    return say(pair, code)


# The employment status of a day (``Facts.employment_status``) → (English, Chinese)
EMPLOYMENT_STATUSES = {
    "employed": ("employed", "单位就业"),
    "flexible": ("in flexible employment", "灵活就业"),
    "self_employed": ("self-employed", "自主创业（自雇）"),
    "unemployed": ("registered unemployed", "登记失业"),
    "none": ("neither working nor registered unemployed", "无就业或失业登记"),
}


def employment_status_label(status: str | None) -> str:
    pair = EMPLOYMENT_STATUSES.get(status or "")
    return say(pair, status or "")


def program_name(code: str) -> str:
    pair = _catalogue_names("programs").get(code)
    return say(pair, code)


# The values of the facts that hold a code (docs/facts.md) → (English, Chinese): the catalogue's choices
VALUES = {path: dict(question.choices) for path, question in catalogue().items() if question.choices}


def value_label(path: str, value) -> str:
    """A coded fact value (``training.kind`` = ``apprenticeship``) in words; anything else as it is."""
    pair = VALUES.get(path, {}).get(value)
    return say(pair, str(value))
