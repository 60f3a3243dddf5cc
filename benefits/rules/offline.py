"""Programs and parameters straight from fixtures/policy/ (no database): for the table-driven rule tests and the
in-process benchmark. The database holds the same data after ``sync_catalogue``; this reads the files."""

import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from core.yamlfile import read_yaml

from .engine import Params, ProgramInfo

POLICY_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "policy"


@cache
def policy_file(name: str):
    """A file of fixtures/policy/, parsed once."""
    return read_yaml(POLICY_DIR / name)


def programs(city: str) -> list[ProgramInfo]:
    return [
        ProgramInfo(
            code=p["code"],
            city=p["city"],
            family=p["family"],
            name_zh=p["name_zh"],
            payment_pattern=p["payment_pattern"],
            clause=p["clause"],
            once_per_lifetime=p.get("once_per_lifetime"),
            beneficiary=p["beneficiary"],
        )
        for p in policy_file("catalogue.yaml")["programs"]
        if p["city"] == city
    ]


def params(city: str, *, demo: bool = False, overrides: dict | None = None) -> Params:
    """The city's and the national parameters with their stated values (plus demo values, plus ``overrides``:
    code → [[valid_from, value], …])."""
    values, names = {}, {}
    for spec in policy_file("parameters.yaml"):
        if spec["city"] not in (city, "national"):
            continue
        names[spec["code"]] = spec["name_zh"]
        values[spec["code"]] = []
        for v in spec.get("values") or []:
            values[spec["code"]].append((datetime.date.fromisoformat(str(v["valid_from"])), Decimal(str(v["value"]))))
            if v.get("valid_to"):  # the stated end: not set from the next day
                end = datetime.date.fromisoformat(str(v["valid_to"])) + datetime.timedelta(days=1)
                values[spec["code"]].append((end, None))
    if demo:
        for code, row in (policy_file("demo_parameters.yaml") or {}).items():
            if code in values and not values[code]:
                values[code] = [(datetime.date.fromisoformat(str(row["valid_from"])), Decimal(str(row["value"])))]
    for code, rows in (overrides or {}).items():
        if code not in values:
            raise KeyError(f"unknown parameter {code!r} in overrides")
        values[code] = [(datetime.date.fromisoformat(str(day)), Decimal(str(value))) for day, value in rows]
    return Params(values, names=names)
