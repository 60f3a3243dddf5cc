"""The open questions of a screening: the facts still missing, grouped into the questions of the fact catalogue
(benefits/rules/questions.yaml), each with the programs it would help settle and what they pay, most useful first;
and what waits on someone else (a panel's selection, an agency's confirmation, a parameter an administrator sets),
which nobody is asked. Pure: decisions and the facts document in, plain data out (docs/facts.md)."""

from decimal import Decimal

from ..rules.engine import Decision
from ..rules.names import fact_label, say
from ..rules.questions import RECORDED, Question, group_of, none_section, question_for

# A rough yearly figure to order questions by what is at stake (a month's subsidy is worth twelve).
PER_YEAR = {"month": 12, "quarter": 4, "year": 1, "day": 250, "once": 1, None: 1}
ADMINISTRATOR = ("an administrator, under Parameters", "管理员（在“参数”中设置）")


def _asked(path: str, document: dict) -> Question | None:
    """The question to ask for a missing path: a section's own first while nobody said whether it exists (has a
    business of one's own, before the licence date; the business before its premises), else the path's."""
    parts = path.split(".")
    for end in range(1, len(parts)):
        section = question_for(".".join(parts[:end]))
        if section is not None and section.type == "section" and not _holds(document, section.path.split(".")):
            return group_of(section.path) or section
    return group_of(path) or question_for(path)


def _holds(node, parts: list[str]) -> bool:
    """Whether the document gives a value at the path (in every row of a list on the way)."""
    if not parts:
        return node is not None
    if isinstance(node, list):
        return bool(node) and all(_holds(item, parts) for item in node)
    return isinstance(node, dict) and parts[0] in node and _holds(node[parts[0]], parts[1:])


def _program(decision: Decision) -> dict:
    return {
        "program": decision.program.code,
        "name": decision.program.name_zh,
        "amount_cny": None if decision.amount_cny is None else f"{decision.amount_cny:.2f}",
        "period": decision.period,
    }


def _worth(decision: Decision) -> Decimal:
    if decision.amount_cny is None or decision.amount_is_loan_ceiling:
        return Decimal("0")
    return decision.amount_cny * PER_YEAR.get(decision.period, 1)


def open_questions(decisions: list[Decision], document: dict) -> dict:
    """``{"open_questions": [...], "waiting_on": [...]}`` for the unknown decisions among ``decisions``."""
    asked: dict[str, tuple[Question, dict[str, Decision]]] = {}
    waiting: dict[str, tuple[str, tuple[str, str] | None, dict[str, Decision]]] = {}
    none = frozenset(document.get("none") or ())
    for decision in decisions:
        if decision.eligible is not None:
            continue
        for reason in decision.reasons:
            if reason.met is not None:
                continue
            for path in reason.missing:
                if none_section(path, none) or _holds(document, path.split(".")):
                    continue  # settled as absent, or given already (a reason may name every fact it reads)
                question = _asked(path, document)
                if question is not None and question.asked:
                    asked.setdefault(question.path, (question, {}))[1][decision.program.code] = decision
                else:  # a decision taken elsewhere, or a parameter not set
                    who = question.decided_by if question is not None else ADMINISTRATOR
                    waiting.setdefault(path, (path, who, {}))[2][decision.program.code] = decision
    questions = sorted(
        asked.values(),
        # most programs first; among equals a plain question before a section (whose "yes" opens more questions,
        # while the plain one may settle the program on its own), then the most at stake
        key=lambda item: (
            -len(item[1]),
            item[0].type == "section",
            -sum(_worth(d) for d in item[1].values()),
            item[0].path,
        ),
    )
    return {
        "open_questions": [_question(question, programs, document) for question, programs in questions],
        "waiting_on": [
            {
                "fact": path,
                "label": fact_label(path),
                "decided_by": say(who, ""),
                "programs": [_program(d) for d in programs.values()],
            }
            for path, who, programs in sorted(waiting.values(), key=lambda item: (-len(item[2]), item[0]))
        ],
    }


def _question(question: Question, programs: dict[str, Decision], document: dict) -> dict:
    choices = question.choices
    if question.type == "flags":  # only the facts of the group the document does not give
        none = frozenset(document.get("none") or ())
        choices = tuple(
            (code, pair) for code, pair in choices if not _holds(document, code.split(".")) and code not in none
        )
    return {
        "fact": question.path,
        "label": say(question.label, question.path),
        "question": say(question.ask, ""),
        "type": question.type,
        "choices": [{"value": code, "label": say(pair, code)} for code, pair in choices],
        "help": say(question.help, "") if question.help else "",
        "recorded": question.recorded,
        "recorded_in": say(RECORDED[question.recorded], ""),
        "programs": [_program(d) for d in programs.values()],
    }
