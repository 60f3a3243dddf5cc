"""Writes of the policy engine: programs and parameters synced from the committed catalogue, parameter values
added by administrators (never overwritten), demo values for the demo only."""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from accounts.selectors import user_city_codes
from core.errors import Conflict, PermissionDenied, require
from core.yamlfile import read_yaml

from ..models import Parameter, ParameterValue, Program

POLICY_DIR = Path(settings.BASE_DIR) / "fixtures" / "policy"


def _yaml(name: str):
    path = POLICY_DIR / name
    return read_yaml(path) if path.exists() else None


def _update_or_create(model, lookup: dict, values: dict) -> str:
    """ "created", "updated" or "unchanged": rows are saved only when a field really changed (history stays clean)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if not changed:
        return "unchanged"
    for field in changed:
        setattr(row, field, values[field])
    row.save(update_fields=changed)
    return "updated"


@transaction.atomic
def program_sync() -> dict:
    """One ``Program`` per catalogue program, created or updated by code; never duplicated."""
    catalogue = _yaml("catalogue.yaml")
    cities = {city["code"]: city for city in catalogue["cities"]}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for spec in catalogue["programs"]:
        city = cities[spec["city"]]
        values = {
            "city": spec["city"],
            "family": spec["family"],
            "name_zh": spec["name_zh"],
            "name_en": spec["name_en"],
            "beneficiary": spec["beneficiary"],
            "payment_pattern": spec["payment_pattern"],
            "amount_text": str(spec.get("amount") or ""),
            "max_duration_text": str(spec.get("max_duration") or ""),
            "caps_text": str(spec.get("caps") or ""),
            "who_is_eligible": spec.get("who_is_eligible") or [],
            "evidence": spec.get("conditions_on_evidence") or [],
            "once_per_lifetime": spec.get("once_per_lifetime"),
            "funding_source": str(spec.get("funding_source") or ""),
            "document_no": city.get("document_no") or "",
            "document_title": city.get("title_zh") or "",
            "clause": spec["clause"],
            "quote_zh": spec["quote_zh"],
            "quote_zh_more": spec.get("quote_zh_more") or [],
            "notes": spec.get("notes") or "",
        }
        counts[_update_or_create(Program, {"code": spec["code"]}, values)] += 1
    return counts


def _decimal(value, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}) from None


@transaction.atomic
@translation.override(settings.LANGUAGE_CODE)  # the sources it stores are read on Chinese pages
def parameter_sync() -> dict:
    """Parameters from fixtures/policy/parameters.yaml: definitions created or updated; each stated value added
    when no value exists for its date. An existing value is never changed (a later correction is a new date)."""
    specs = _yaml("parameters.yaml") or []
    counts = {"created": 0, "updated": 0, "unchanged": 0, "values_added": 0}
    for spec in specs:
        values = {
            "city": spec["city"],
            "name_zh": spec["name_zh"],
            "name_en": spec.get("name_en") or spec["name_zh"],
            "unit": spec["unit"],
            "clause": spec.get("clause") or "",
            "quote": spec.get("quote") or "",
            "open_code": spec.get("open") or "",
            "used_by": spec.get("used_by") or [],
        }
        counts[_update_or_create(Parameter, {"code": spec["code"]}, values)] += 1
        parameter = Parameter.objects.get(code=spec["code"])
        for valid_from, value, source in _stated_values(spec, parameter.clause):
            if not parameter.values.filter(valid_from=valid_from).exists():
                ParameterValue.objects.create(parameter=parameter, valid_from=valid_from, value=value, source=source)
                counts["values_added"] += 1
    return counts


def _stated_values(spec: dict, clause: str):
    """(valid_from, value, source) of the values the text states; a stated end (``valid_to``) becomes a row
    without a value from the next day."""
    for row in spec.get("values") or []:
        stated = _("Stated in the policy document, %(clause)s") % {"clause": clause}
        yield (
            datetime.date.fromisoformat(str(row["valid_from"])),
            _decimal(row["value"], spec["code"]),
            _("A project decision (docs/policy-decisions.md)") if row.get("source") == "project decision" else stated,
        )
        if row.get("valid_to"):
            yield (
                datetime.date.fromisoformat(str(row["valid_to"])) + datetime.timedelta(days=1),
                None,
                _("The policy document states that the value ends on %(date)s (%(clause)s): not set from then")
                % {"date": row["valid_to"], "clause": clause},
            )


@translation.override(settings.LANGUAGE_CODE)
def demo_parameters_load() -> int:
    """Demo values for open parameters, marked as demo (bootstrap_demo only; never in production)."""
    demo = _yaml("demo_parameters.yaml") or {}
    added = 0
    for code, row in demo.items():
        parameter = Parameter.objects.filter(code=code).first()
        if parameter is None or parameter.values.exists():
            continue
        ParameterValue.objects.create(
            parameter=parameter,
            value=_decimal(row["value"], code),
            is_demo=True,
            valid_from=datetime.date.fromisoformat(str(row["valid_from"])),
            source=_("Demo value, not from any official source"),  # the file's English note is for developers
        )
        added += 1
    return added


def can_set_parameters(user) -> tuple[bool, str]:
    if user.is_superuser or has_role(user, Role.ADMIN):
        return True, ""
    return False, _("Only administrators set parameters.")


@transaction.atomic
def parameter_value_add(
    *, actor, parameter: Parameter, valid_from: datetime.date, value, source: str = ""
) -> ParameterValue:
    """A new value from ``valid_from`` on. Earlier decisions keep the value they had; an existing date is refused
    (the value in force on a past day never changes under a decision that used it)."""
    require(can_set_parameters(actor))
    if actor is not None and not actor.is_superuser and parameter.city not in user_city_codes(user=actor):
        raise PermissionDenied(_("This parameter belongs to another city."))
    amount = None if value is None else _decimal(value, "value")  # None: not set from that day (a stated end)
    if amount is not None and amount < 0:
        raise ValidationError({"value": _("A parameter cannot be negative.")})
    if parameter.values.filter(valid_from=valid_from).exists():
        raise Conflict(
            _("A value from %(date)s already exists; give the new value its own date.")
            % {"date": valid_from.isoformat()},
            field="valid_from",
        )
    return ParameterValue.objects.create(
        parameter=parameter, valid_from=valid_from, value=amount, source=source, created_by=actor
    )
