"""The registers of the policy catalogue: synced from fixtures/policy/ into ``Register`` rows, and the
window arithmetic that decides how long a person stays on one."""

import datetime
import functools
from pathlib import Path

from django.conf import settings

from core.yamlfile import read_yaml

from .models import Register

POLICY_DIR = Path(settings.BASE_DIR) / "fixtures" / "policy"


def _load_yaml(name: str):
    return read_yaml(POLICY_DIR / name)


@functools.cache
def city_names() -> dict[str, str]:
    """City code → the city's Chinese name (大连市), from the catalogue."""
    return {city["code"]: city["name_zh"] for city in _load_yaml("catalogue.yaml")["cities"]}


def register_clauses(register: Register, *, cities=None) -> list[tuple[str, str]]:
    """Where the policies speak of ``register``, in Chinese: (city name, its clauses), for the given city codes
    (all the register's cities when None)."""
    names = city_names()
    return [
        (names.get(code, code), "、".join(clauses))
        for code, clauses in register.clause_refs.items()
        if clauses and (cities is None or code in cities)
    ]


@functools.cache
def residence_rules() -> dict:
    """The continuous-residence rules per city code, from fixtures/policy/residence_rules.yaml: read once per process
    (a file of the release; every write that refreshes a person's worklist asks for it). Read-only."""
    return _load_yaml("residence_rules.yaml") or {}


def register_sync() -> dict[str, int]:
    """Create or update one ``Register`` per catalogue registry (idempotent; runs after migrate)."""
    catalogue = _load_yaml("catalogue.yaml")
    decisions = _load_yaml("registers.yaml") or {}
    created = updated = 0
    for spec in catalogue["registries"]:
        decided = decisions.get(spec["code"], {})
        values = {
            "name_zh": spec["name_zh"],
            "name_en": spec.get("name_en") or spec["name_zh"],
            "cities": spec.get("cities") or [],
            "definition": spec.get("definition") or "",
            "clause_refs": spec.get("clause_refs") or {},
            "subject": decided.get("subject", Register.Subject.PERSON),
            "windows": decided.get("windows", {}),
            "needs_contact": decided.get("needs_contact", False),
        }
        register = Register.objects.filter(code=spec["code"]).first()
        if register is None:
            Register.objects.create(code=spec["code"], **values)
            created += 1
        elif any(getattr(register, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(register, field, value)
            register.save()
            updated += 1
    return {"created": created, "updated": updated}


def window_end(register: Register, *, city_code: str, graduation_date: datetime.date | None) -> datetime.date | None:
    """The last day a person may stay on ``register`` in ``city_code`` (None: no window, or no date to count from)."""
    window = (register.windows or {}).get(city_code)
    if not window or graduation_date is None:
        return None
    if window.get("until") == "end_of_graduation_year":
        return datetime.date(graduation_date.year, 12, 31)
    # 离校N年内: 以内 includes the number, and a period counts from the day after the event (《民法典》第二百零一条),
    # so the N-th anniversary is the last day; from a 29 February, 28 February (the month has no 29th)
    years = int(window["years"])
    try:
        return graduation_date.replace(year=graduation_date.year + years)
    except ValueError:  # 29 February
        return graduation_date.replace(year=graduation_date.year + years, day=28)
