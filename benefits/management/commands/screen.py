"""``python manage.py screen FACTS.json [--as-of YYYY-MM-DD]``: every program of the facts' city, decided, as JSON.

The output is the contract of docs/facts.md ("What comes back"): {"as_of", "city", "results": [{"program", "eligible",
"amount_cny", "period", "max_periods", "reasons": [{"condition", "met", "clause", …}], …}]}."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benefits.rules.facts import FactsError
from benefits.screening.screen import screen_document


class Command(BaseCommand):
    help = "Screen a facts file (docs/facts.md) against every program of its city and print the decisions as JSON."

    def add_arguments(self, parser):
        parser.add_argument("facts", help="Path to a facts JSON file, or - for standard input.")
        parser.add_argument(
            "--as-of", dest="as_of", help="The day to decide for (YYYY-MM-DD); default: the file's as_of, else today."
        )

    def handle(self, *args, facts, as_of=None, **options):
        try:
            text = self.stdin.read() if facts == "-" else Path(facts).read_text(encoding="utf-8")
            document = json.loads(text)
        except FileNotFoundError:
            raise CommandError(f"No such facts file: {facts}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{facts} is not JSON: {error}") from None
        except RecursionError:  # Python's decoder recurses once per level
            raise CommandError(f"{facts} is nested too deep to be a facts document.") from None
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from None
        try:
            result = screen_document(document, as_of=day)
        except FactsError as error:
            raise CommandError("The facts do not follow docs/facts.md:\n  " + "\n  ".join(error.errors)) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
