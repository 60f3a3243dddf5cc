"""The fact catalogue (questions.yaml): for every fact the rules read, its name, the question that settles it, the
answer's type and choices, and where the system records the answer. Reasons name facts from it
(``names.fact_label``); the screening groups what is missing into these questions (``open_questions``)."""

import functools
from dataclasses import dataclass
from pathlib import Path

from core.yamlfile import read_yaml

CATALOGUE_PATH = Path(__file__).with_name("questions.yaml")

TYPES = frozenset(
    {"yes_no", "date", "choice", "choices", "integer", "money", "rate", "text", "registers", "employment", "records"}
    | {"evidence", "section", "flags"}
)

# Where an answer is kept → (English, Chinese)
RECORDED = {
    "person": ("the person's record", "人员信息"),
    "id_number": ("read from the ID number", "由身份证号码得出"),
    "register": ("the real-name registers (台账)", "实名制台账登记"),
    "household_register": ("the household's registers", "家庭台账登记"),
    "employment": ("the employment and unemployment registrations", "就业失业登记"),
    "household": ("the household's record", "家庭信息"),
    "organization": ("the organization's record", "单位信息"),
    "answers": ("the person's recorded answers", "已记录的核实信息"),
    "application": ("the facts verified on an application", "申请中核实的信息"),
    "evidence": ("the record of a decision taken by another body", "其他机构作出决定的记录"),
}


@dataclass(frozen=True)
class Question:
    path: str
    label: tuple[str, str]
    type: str
    recorded: str
    ask: tuple[str, str] | None = None
    choices: tuple[tuple[str, tuple[str, str]], ...] = ()
    help: tuple[str, str] | None = None
    field: str = ""
    decided_by: tuple[str, str] | None = None

    @property
    def asked(self) -> bool:
        """Whether anyone is asked: a decision another body takes is recorded from its document instead."""
        return self.type != "evidence"


def _pair(value) -> tuple[str, str] | None:
    if value is None:
        return None
    english, chinese = value
    return str(english), str(chinese)


@functools.cache
def catalogue() -> dict[str, Question]:
    """path → Question, in the catalogue's order."""
    rows = read_yaml(CATALOGUE_PATH)
    questions = {}
    for row in rows:
        question = Question(
            path=row["path"],
            label=_pair(row["label"]),
            type=row["type"],
            recorded=row["recorded"],
            ask=_pair(row.get("ask")),
            choices=tuple((str(code), _pair(pair)) for code, pair in (row.get("choices") or {}).items()),
            help=_pair(row.get("help")),
            field=row.get("field", ""),
            decided_by=_pair(row.get("decided_by")),
        )
        if question.path in questions:
            raise ValueError(f"two entries for {question.path}")
        if question.type not in TYPES or question.recorded not in RECORDED:
            raise ValueError(f"{question.path}: unknown type or place")
        if question.asked != (question.ask is not None):
            raise ValueError(f"{question.path}: a question is asked unless another body decides it")
        questions[question.path] = question
    return questions


def question_for(path: str) -> Question | None:
    """The entry of a fact path; a path inside a section (``loan.principal_cny``) has its own."""
    return catalogue().get(path)


@functools.cache
def _groups() -> dict[str, Question]:
    return {code: q for q in catalogue().values() if q.type == "flags" for code, _label in q.choices}


def group_of(path: str) -> Question | None:
    """The ``flags`` question a yes/no fact is asked through (several asked as one), if any."""
    return _groups().get(path)


def none_section(path: str, none: frozenset[str]) -> str | None:
    """The section of ``none`` (sections known not to exist) that ``path`` lies in, the outermost; None if none."""
    parts = path.split(".")
    for end in range(1, len(parts) + 1):
        prefix = ".".join(parts[:end])
        if prefix in none:
            return prefix
    return None
