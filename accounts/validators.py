"""What the system takes as text and as a date, wherever input enters: the API, console forms, imports and facts
documents (docs/policy-decisions.md, "Plausible input").

Text: no control characters (Unicode category Cc, U+0000–U+001F and U+007F–U+009F). PostgreSQL cannot store a NUL
at all (the request would fail with a database error); the others are invisible on a page, break the exported
files and can forge lines in a log. A multi-line field (a text area: notes, reasons) keeps tab, line feed and
carriage return.

Dates: from 1900-01-01 (nothing the system records happened earlier, and an ID number's birth date starts there)
to ten years from today (the furthest any plan reaches: a loan's term, a register's window, a screening "as of");
a date that records something already done (a birth, the start of residence) is not after today. Anything outside
is a typo, and a far one breaks date arithmetic (9999-12-31 plus a day does not exist).

``install()`` (from ``AccountsConfig.ready``) makes every text and date field of Django forms and of DRF
serializers check this, as both libraries already refuse a NUL in text: a field declared anywhere, in our code or a
library's, cannot forget it. A field that wants a narrower range adds ``PAST`` (``PlausibleDate(past=True)``) to
its validators."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from core.plausible import (
    CONTROL,
    CONTROL_ANY,
    EARLIEST,
    NO_CONTROL,
    ONE_LINE,
    date_error,
    latest_date,
)


def check_date(
    value: datetime.date | None,
    field: str | None = None,
    *,
    earliest: datetime.date = EARLIEST,
    latest: datetime.date | None = None,
) -> datetime.date | None:
    """``value`` if it lies from ``earliest`` to ``latest`` (default: ten years from today), else a
    ValidationError, on ``field`` when given. None passes (required-ness is the field's business)."""
    if value is None:
        return None
    latest = latest or latest_date()
    if not earliest <= value <= latest:
        message = date_error(earliest=earliest, latest=latest)
        raise ValidationError({field: [message]} if field else message, code="implausible_date")
    return value


def check_text(value: str, field: str | None = None, *, multiline: bool = False) -> str:
    """``value`` if it holds no control character (a multi-line text may hold tabs and line breaks), else a
    ValidationError, on ``field`` when given."""
    if (CONTROL if multiline else CONTROL_ANY).search(value):
        message = NO_CONTROL if multiline else ONE_LINE
        raise ValidationError({field: [message]} if field else message, code="control_characters")
    return value


@deconstructible
class PlausibleDate:
    """A validator: the date lies from 1900-01-01 to ten years from today, or to today when ``past``."""

    def __init__(self, *, past: bool = False):
        self.past = past

    def __call__(self, value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            check_date(value, latest=latest_date(past=self.past))

    def __eq__(self, other):
        return isinstance(other, PlausibleDate) and other.past == self.past

    def __hash__(self):
        return hash((PlausibleDate, self.past))


PAST = PlausibleDate(past=True)  # for ``validators=[PAST]``: a date that records something already done

# For a serializer field that takes several lines (what the console asks in a text area): DRF's own style for a
# model's TextField, read by ``install``'s check (and by the browsable API).
MULTILINE = {"base_template": "textarea.html"}


def _has_own_range(field) -> bool:
    return any(isinstance(validator, PlausibleDate) for validator in field.validators)


def install() -> None:
    """Every text and date field of Django forms and DRF serializers checks this module's rules: text fields
    (``CharField`` and its kinds: e-mail, slug, …) refuse control characters (a ``Textarea``, or a serializer field
    styled ``MULTILINE`` as DRF styles a model ``TextField``, keeps tabs and line breaks), date fields refuse dates
    outside 1900-01-01 … today + 10 years unless they carry a ``PlausibleDate`` of their own. (An uploaded file's
    name needs nothing: Django's multipart parser drops its non-printable characters.)

    The checks are added to the fields' validation methods, not to each instance's validators: a form or a
    serializer declared before this runs (Django's own forms are imported before the apps are ready) gets them
    as well. Idempotent."""
    from django import forms
    from rest_framework import fields as drf

    if getattr(forms.CharField, "_plausible", False):
        return

    def form_text(self, value, _validate=forms.CharField.validate):
        _validate(self, value)
        if isinstance(value, str) and value:
            check_text(value, multiline=isinstance(self.widget, forms.Textarea))

    def form_date(self, value, _validate=forms.DateField.validate):
        _validate(self, value)
        if isinstance(value, datetime.date) and not _has_own_range(self):
            PlausibleDate()(value)

    def api_text(self, value, _run=drf.CharField.run_validators):
        if isinstance(value, str) and value:
            try:
                check_text(value, multiline=self.style.get("base_template") == "textarea.html")
            except ValidationError as error:
                raise drf.ValidationError(error.messages, code="control_characters") from None
        _run(self, value)

    def api_date(self, value, _run=drf.DateField.run_validators):
        if isinstance(value, datetime.date) and not _has_own_range(self):
            try:
                PlausibleDate()(value)
            except ValidationError as error:
                raise drf.ValidationError(error.messages, code="implausible_date") from None
        _run(self, value)

    forms.CharField.validate, forms.DateField.validate = form_text, form_date
    drf.CharField.run_validators, drf.DateField.run_validators = api_text, api_date
    forms.CharField._plausible = True
