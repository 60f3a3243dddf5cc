"""How many questions the portal's screener asks, and what the console's questions settle.

``typical``: five typical applicants (one per city: a graduate, a poverty laborer, a zero-employment household
member, a registered unemployed founder, a public-welfare-post worker) go through the anonymous screener as the
portal runs it (POST /screen/answers/): the three first questions (city, birth date, situation), then the first
open question the screener asks, answered from the applicant's own facts, until none is left. Target: at most 8
questions after the first three.

``demo``: every person of the database (the demo data), screened from the records alone, then with each person's
open questions answered as a caseworker would on the 可能符合的政策 tab (the first one each round, with a plain
answer: no business, loan or course; "no"; none of several; the first choice; on no register), counted as unknown
individual decisions.

Run on a database with the catalogue (``bootstrap_demo`` for ``demo``)."""

import copy
import datetime
import statistics

from benefits.rules.questions import question_for
from benefits.screening.answers import asked_by_screener, with_answers
from benefits.screening.screen import screen_document

NAME = "questions"
AS_OF = "2026-12-01"

# The applicants' own facts (what they would answer), one per city; each is what a caseworker hears at the desk.
TYPICAL = {
    "dalian-graduate": {
        "city": "dalian",
        "person": {
            "birth_date": "2002-04-12",
            "sex": "F",
            "education": "bachelor",
            "graduation_date": "2025-07-01",
            "hukou_type": "urban",
            "hukou_local": True,
            "resident_since": "2002-04-12",
            "is_disabled": False,
            "has_student_loan": False,
            "veteran_status": "",
            "registers": ["unemployed_graduates_after_leaving"],
            "employment": [{"status": "flexible", "from": "2026-03-01", "paying_social_insurance": True}],
        },
        "household": {"registers": [], "is_poverty_registered": False, "is_poor_disabled": False},
        "none": ["business", "loan", "training"],
    },
    "yiyang-poverty-laborer": {
        "city": "yiyang",
        "person": {
            "birth_date": "1981-09-30",
            "sex": "M",
            "education": "junior",
            "graduation_date": "1997-07-01",
            "veteran_status": "",
            "hukou_type": "rural",
            "hukou_local": True,
            "is_disabled": False,
            "registers": ["poverty_registered_labor", "rural_migrant_workers"],
            "employment": [{"status": "employed", "from": "2026-04-01", "paying_social_insurance": True}],
            "work_away_from_hukou": "other_county",
            "labour_contract_months": 12,
        },
        "household": {"registers": [], "is_poverty_registered": True, "is_poor_disabled": False},
        "none": ["business", "loan", "training"],
    },
    "daqing-zero-employment-household": {
        "city": "daqing",
        "person": {
            "birth_date": "1975-02-14",
            "sex": "F",
            "retirement_category": "female_50",
            "education": "senior",
            "graduation_date": "1993-07-01",
            "veteran_status": "",
            "hukou_type": "urban",
            "hukou_local": True,
            "is_disabled": False,
            "registers": ["hard_to_employ"],
            "employment": [{"status": "unemployed", "from": "2025-10-01"}],
            "ui_insured_months": 30,
        },
        "household": {
            "registers": ["zero_employment_households", "dibao_households"],
            "is_poverty_registered": False,
            "is_poor_disabled": False,
        },
        "none": ["business", "loan", "training"],
    },
    "jinan-unemployed-founder": {
        "city": "jinan",
        "person": {
            "birth_date": "1988-06-20",
            "sex": "M",
            "education": "junior_college",
            "graduation_date": "2009-07-01",
            "veteran_status": "",
            "hukou_type": "urban",
            "hukou_local": True,
            "is_disabled": False,
            "registers": ["registered_urban_unemployed"],
            "employment": [{"status": "self_employed", "from": "2026-05-10"}],
        },
        "household": {"registers": [], "is_poverty_registered": False, "is_poor_disabled": False},
        "business": {
            "kind": "individual_business",
            "registered_on": "2026-05-10",
            "first_time": True,
            "lease": {
                "from": "2026-05-01",
                "to": "2027-04-30",
                "monthly_rent_cny": "1800.00",
                "in_government_incubator": False,
            },
        },
        "none": ["loan", "training"],
    },
    "chaoyang-public-welfare-post-worker": {
        "city": "chaoyang",
        "person": {
            "birth_date": "1972-11-03",
            "sex": "F",
            "retirement_category": "female_50",
            "education": "junior",
            "graduation_date": "1988-07-01",
            "veteran_status": "",
            "hukou_type": "urban",
            "hukou_local": True,
            "is_disabled": False,
            "registers": ["hard_to_employ"],
            "employment": [
                {
                    "status": "employed",
                    "employer_kind": "public_welfare_post",
                    "from": "2026-01-01",
                    "paying_social_insurance": True,
                }
            ],
        },
        "household": {"registers": ["zero_employment_households"], "is_poverty_registered": False},
        "none": ["business", "loan", "training"],
    },
}
SITUATION = ("status", "employer_kind", "from")  # the screener's third first question: the current work


def add_arguments(parser):
    parser.add_argument("part", nargs="?", choices=["typical", "demo", "both"], default="both")
    parser.add_argument("--limit", type=int, default=0, help="demo: screen only the first N persons.")


def run(*, part="both", limit=0, **options) -> dict:
    result = {"benchmark": NAME, "as_of": AS_OF}
    if part in ("typical", "both"):
        result["typical"] = {name: _summary(ask_until_settled(truth)) for name, truth in TYPICAL.items()}
    if part in ("demo", "both"):
        result["demo"] = demo(limit=limit)
    return result


def _summary(walk: dict) -> dict:
    return {
        "questions": len(walk["asked"]),
        "asked": walk["asked"],
        "unknown_before": walk["unknown_before"],
        "unknown_after": walk["unknown_after"],
        "likely_after": walk["likely_after"],
        "not_asked_left": walk["left"],
    }


def first_answers(truth: dict) -> dict:
    """The facts the screener's first three questions give: city, birth date, the current work."""
    spell = truth["person"]["employment"][0]
    return {
        "as_of": AS_OF,
        "city": truth["city"],
        "subject": "person",
        "person": {
            "birth_date": truth["person"]["birth_date"],
            "employment": [{key: spell[key] for key in SITUATION if key in spell}],
        },
    }


def truth_answer(truth: dict, path: str):
    """What the applicant answers to ``path`` (a section: whether it exists), or None for "I don't know"."""
    question = question_for(path)
    if question.type == "section" and path in truth.get("none", ()):
        return False
    if question.type == "flags":  # the facts of the group that are true (the others are "no")
        return [member for member, _label in question.choices if truth_answer(truth, member) is True]
    node = truth
    for part in path.split("."):
        if isinstance(node, list):
            node = node[-1] if node else None
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if question.type == "section":
        return True
    return _as_typed(question, node)


def _as_typed(question, value):
    """The answer as the portal sends it: what a person types (a rate in per cent)."""
    if question.type == "rate":
        return str(float(value) * 100)
    if isinstance(value, bool) or question.type in ("choices", "registers"):
        return value
    return str(value)


def ask_until_settled(truth: dict, *, rounds: int = 60) -> dict:
    """The screener's walk: the first open question it asks that was not skipped, answered from ``truth``,
    until none is left. Every answer goes through the same cleaning as the API's (``ScreenAnswersApi``)."""
    from benefits.screening.apis import _cleaned

    document = first_answers(truth)
    day = datetime.date.fromisoformat(AS_OF)
    answers, asked, skipped = [], [], set()
    before = screen_document(copy.deepcopy(document))
    for _round in range(rounds):
        merged = with_answers(copy.deepcopy(document), _cleaned(answers, city=truth["city"], day=day), everything=True)
        result = screen_document(merged)
        question = next(
            (
                q
                for q in result["open_questions"]
                if q["fact"] not in skipped and asked_by_screener(question_for(q["fact"]))
            ),
            None,
        )
        if question is None:
            break
        asked.append(question["fact"])
        value = truth_answer(truth, question["fact"])
        if value is None:
            skipped.add(question["fact"])  # "I don't know": never asked again
        else:
            answers.append({"fact": question["fact"], "value": value})

    def unknown(answer):
        return sum(r["eligible"] is None for r in answer["results"])

    return {
        "asked": asked,
        "unknown_before": unknown(before),
        "unknown_after": unknown(result),
        "likely_after": sorted(r["program"] for r in result["results"] if r["eligible"] is True),
        "left": [q["fact"] for q in result["open_questions"]],
        "result": result,
    }


PLAIN = {"yes_no": "no", "date": AS_OF, "integer": "12", "money": "3000", "rate": "4", "text": "某区"}


def demo(*, limit: int = 0) -> dict:
    """Unknown individual decisions of every person, from the records alone and after the console's questions."""
    from casework.models import Person

    from ..screening.facts import person_facts

    day = datetime.date.fromisoformat(AS_OF)
    people = Person.objects.select_related("residence_unit").order_by("pk")
    people = people[:limit] if limit else people
    totals = {"persons": 0, "decisions": 0, "unknown_before": 0, "unknown_after": 0, "with_likely_before": 0}
    totals["with_likely_after"] = 0
    counts = []
    for person in people:
        before, result, asked = settle(person_facts(person=person, as_of=day), day=day)
        totals["persons"] += 1
        totals["decisions"] += len(before["results"])
        totals["unknown_before"] += sum(r["eligible"] is None for r in before["results"])
        totals["unknown_after"] += sum(r["eligible"] is None for r in result["results"])
        totals["with_likely_before"] += any(r["eligible"] is True for r in before["results"])
        totals["with_likely_after"] += any(r["eligible"] is True for r in result["results"])
        counts.append(asked)
    if totals["decisions"]:
        totals["unknown_before_share"] = round(totals["unknown_before"] / totals["decisions"], 4)
        totals["unknown_after_share"] = round(totals["unknown_after"] / totals["decisions"], 4)
    if counts:
        totals["questions_median"] = statistics.median(counts)
        totals["questions_max"] = max(counts)
    return totals


def settle(document: dict, *, day: datetime.date, rounds: int = 60) -> tuple[dict, dict, int]:
    """The screening of ``document`` before and after its open questions are answered one at a time as a
    caseworker would (``_plain``), and how many were answered."""
    before = screen_document(copy.deepcopy(document))
    answers, result = [], before
    while len(answers) < rounds:
        question = next((q for q in result["open_questions"] if _plain(q) is not None), None)
        if question is None:
            break
        answers.append((question["fact"], _plain(question), day))
        result = screen_document(with_answers(copy.deepcopy(document), answers, everything=True))
    return before, result, len(answers)


def _plain(question: dict):
    """A caseworker's plain answer (the fact's value) to a question the console answers, else None."""
    from benefits.screening.answers import clean_answer

    entry = question_for(question["fact"])
    if entry.type == "section":
        return False
    if entry.type == "registers":
        return [] if asked_by_screener(entry) else None
    if not asked_by_screener(entry):
        return None
    if entry.type in ("choice", "choices", "flags"):
        raw = entry.choices[0][0] if entry.type == "choice" else []  # several: none of them
    else:
        raw = PLAIN.get(entry.type)
    return clean_answer(entry, raw, registers={}) if raw is not None else None
