"""One person against every program of a city, open questions included, in process: median and p95 milliseconds
per person (target ≤ 2 ms).

Pure: programs and parameters from fixtures/policy/ (benefits.rules.offline), the facts of a typical applicant
(docs/facts-examples/) parsed once; only the decisions are timed, as the proactive screening runs them."""

import json
import statistics
import time
from pathlib import Path

from django.conf import settings

from benefits.rules import offline
from benefits.rules.facts import Facts
from benefits.rules.registry import RULES, decide, load_families
from benefits.screening.questions import open_questions

NAME = "screen"
EXAMPLES = Path(settings.BASE_DIR) / "docs" / "facts-examples"


def add_arguments(parser):
    parser.add_argument("--repeat", type=int, default=2000, help="Screenings per city (default 2000).")


def run(*, repeat=2000, **options) -> dict:
    load_families()
    results = {"benchmark": NAME, "repeat": repeat, "cities": {}}
    for path in sorted(EXAMPLES.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        city = document["city"]
        programs, params = offline.programs(city), offline.params(city, demo=True)
        facts = Facts(document)
        for _ in range(50):  # warm-up
            open_questions([decide(program, facts, params) for program in programs], document)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            open_questions([decide(program, facts, params) for program in programs], document)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results["cities"][path.stem] = {
            "programs": len(programs),
            "with_rule": sum(p.code in RULES for p in programs),
            "median_ms": round(statistics.median(timings), 3),
            "p95_ms": round(timings[int(len(timings) * 0.95)], 3),
        }
    return results
