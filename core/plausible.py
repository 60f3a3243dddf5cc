"""What the system takes as plain text and as a plausible date wherever input enters (docs/policy-decisions.md,
"Plausible input"): the pure part, which the rules read too; ``accounts.validators`` applies it to form and API
fields."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
HORIZON_YEARS = 10

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Cc but tab, line feed and carriage return
CONTROL_ANY = re.compile("[\x00-\x1f\x7f-\x9f]")

ONE_LINE = _("Write this on one line, without control characters (such as tabs, line breaks or NUL).")
NO_CONTROL = _("Remove the control characters (such as NUL or escape) from this text.")
DATE_RANGE = _("Enter a date from %(earliest)s to %(latest)s.")


def latest_date(*, past: bool = False, today: datetime.date | None = None) -> datetime.date:
    """The last plausible day: today for what has already happened (``past``), else ten years from today."""
    today = today or timezone.localdate()
    if past:
        return today
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def date_error(*, earliest: datetime.date, latest: datetime.date) -> str:
    return DATE_RANGE % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds a control character other than tab, line feed or carriage return."""
    return bool(CONTROL.search(value))
