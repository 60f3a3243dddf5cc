"""Register import: N valid rows (default 100,000) previewed and committed ("valid" mode) as the system.

Generates a register list of new people with valid ID numbers (region codes of 大连's districts), spread over
the communities of a fresh street, then times ``import_preview`` and ``import_commit`` and reports seconds,
rows per second and the peak resident memory of the process (with ``--again``, the peak covers both imports).
Target (issue): 100,000 rows on PostgreSQL, with history, in at most 20 s on two cores and 300 MB.
"""

import datetime
import random
import resource
import tempfile
import time
from pathlib import Path

from django.core.files import File
from django.db import connection
from openpyxl import Workbook
from stdnum.cn import ric

from accounts.models import ServiceUnit
from accounts.services import unit_create
from casework.imports import COLUMNS, EDUCATION_ZH, import_commit, import_preview
from casework.models import ImportRun, Person, Register, RegistryEntry

NAME = "import"
REGISTER = "unemployed_graduates_after_leaving"  # a register with a window: the window arithmetic is exercised
DISTRICT_CODES = ["210202", "210203", "210204", "210211", "210212", "210213", "210214", "210224", "210281"]
COMMUNITIES = 12
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国宇浩然子涵梓轩欣怡雨晨思远博文俊"


def add_arguments(parser):
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated file (default 100000)")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="file format (default xlsx)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--again", action="store_true", help="then import the same file again (adds nobody)")


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


def _fresh_street() -> tuple[ServiceUnit, list[ServiceUnit]]:
    """A new district → street → communities under 大连 (created if the database has no 大连 yet)."""
    city = ServiceUnit.objects.filter(city_code="dalian", level=ServiceUnit.Level.CITY).first()
    if city is None:
        city = unit_create(
            name="大连市", level=ServiceUnit.Level.CITY, parent=None, region_code="210200", city_code="dalian"
        )
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    district = unit_create(name=f"基准测试区{stamp}", level=ServiceUnit.Level.DISTRICT, parent=city)
    street = unit_create(name="基准测试街道", level=ServiceUnit.Level.STREET, parent=district)
    communities = [
        unit_create(name=f"基准测试{n:02d}社区", level=ServiceUnit.Level.COMMUNITY, parent=street)
        for n in range(1, COMMUNITIES + 1)
    ]
    return street, communities


def _id_numbers(count: int, rng: random.Random):
    """Distinct valid ID numbers that are not on file yet, generated in chunks."""
    seen = set()
    start = datetime.date(1970, 1, 1).toordinal()
    while len(seen) < count:
        candidates = set()
        while len(candidates) < min(5000, count - len(seen)):
            birth = datetime.date.fromordinal(start + rng.randrange(365 * 35))
            body = f"{rng.choice(DISTRICT_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in seen:
                candidates.add(number)
        candidates -= set(Person.objects.filter(id_number__in=candidates).values_list("id_number", flat=True))
        seen |= candidates
        yield from candidates


def _rows(count: int, communities: list[ServiceUnit], rng: random.Random):
    education = list(EDUCATION_ZH.values())
    for i, number in enumerate(_id_numbers(count, rng)):
        graduated = datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))
        yield {
            "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            "id_number": number,
            "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "community": communities[i % len(communities)].name,
            "entered_on": datetime.date(2026, 1, 5) + datetime.timedelta(days=i % 200),
            "graduation_date": graduated,
            "education": rng.choice(education),
            "note": "" if i % 10 else "基准测试",
        }


def _write_file(path: Path, rows, file_format: str) -> None:
    if file_format == "csv":
        import csv

        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([column.header for column in COLUMNS])
            for row in rows:
                writer.writerow(["" if row[c.key] is None else str(row[c.key]) for c in COLUMNS])
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("登记名单")
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append([row[column.key] for column in COLUMNS])
    workbook.save(path)


def _import(path: Path, *, register: Register, unit: ServiceUnit) -> tuple[ImportRun, float, float]:
    started = time.perf_counter()
    with path.open("rb") as handle:
        run = import_preview(
            actor=None, register=register, unit=unit, uploaded_file=File(handle, name=path.name), file_name=path.name
        )
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    run = import_commit(actor=None, run=run, mode=ImportRun.Mode.VALID_ROWS)
    return run, previewed, time.perf_counter() - started


def run(*, rows: int = 100_000, format: str = "xlsx", seed: int | None = None, again: bool = False, **options) -> dict:
    rng = random.Random(seed if seed is not None else time.time_ns())  # noqa: S311 (test data, not secrets)
    register = Register.objects.get(code=REGISTER)
    street, communities = _fresh_street()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"bench-{rows}.{format}"
        started = time.perf_counter()
        _write_file(path, _rows(rows, communities, rng), format)
        generated = time.perf_counter() - started
        size_mb = path.stat().st_size / 1024 / 1024

        run, previewed, committed = _import(path, register=register, unit=street)
        if again:
            second, again_previewed, again_committed = _import(path, register=register, unit=street)

    reason = f"import #{run.pk}"
    total = previewed + committed
    result = {
        "benchmark": NAME,
        "database": connection.vendor,
        "format": format,
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "generate_seconds": round(generated, 2),
        "preview_seconds": round(previewed, 2),
        "commit_seconds": round(committed, 2),
        "seconds": round(total, 2),
        "rows_per_second": round(rows / total) if total else None,
        "peak_rss_mb": _peak_rss_mb(),
        "status": run.status,
        "total_rows": run.total_rows,
        "error_rows": run.error_rows,
        "created_count": run.created_count,
        "existing_count": run.existing_count,
        "person_history_rows": Person.history.filter(history_change_reason=reason).count(),
        "entry_history_rows": RegistryEntry.history.filter(history_change_reason=reason).count(),
        "entries_in_unit": RegistryEntry.objects.filter(unit__path__startswith=street.path).count(),
    }
    if again:
        result["again"] = {
            "preview_seconds": round(again_previewed, 2),
            "commit_seconds": round(again_committed, 2),
            "created_count": second.created_count,
            "existing_count": second.existing_count,
            "persons_in_unit": Person.objects.filter(residence_unit__path__startswith=street.path).count(),
        }
    return result
