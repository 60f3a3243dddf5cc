"""A finished run's figures as tables: the budget line month by month (committed grants, plus the people found
eligible now or in the scenario), then by program, district and register, every count with the link to the people
behind it. One builder for the page and the workbook, so both show the same numbers."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import ServiceUnit
from casework.selectors import register_names
from core.dates import month_index, month_of

from ..models import Program, ScenarioRun
from ..reports.charts import bar_chart
from .forecast import HORIZON, ZERO


@dataclass
class Cell:
    text: str
    value: object = None
    link: str = ""
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def _money(values) -> list[Decimal]:
    return [Decimal(v) for v in values]


def _sum(rows) -> list[Decimal]:
    total = [ZERO] * HORIZON
    for months in rows:
        total = [a + b for a, b in zip(total, _money(months), strict=True)]
    return total


def money_text(value: Decimal) -> str:
    return f"{value:,.2f}"


def months_of(run: ScenarioRun) -> list[datetime.date]:
    first = datetime.date.fromisoformat(run.summary["first_month"])
    return [month_of(month_index(first) + i) for i in range(HORIZON)]


def _people(run, **filters) -> str:
    """The address of the people behind a figure."""
    query = urlencode({key: value for key, value in filters.items() if value})
    return reverse("benefits:scenario-people", args=[run.pk]) + (f"?{query}" if query else "")


def _count(run, n: int, **filters) -> Cell:
    return Cell(f"{n:,}", n, _people(run, **filters) if n else "", True)


def _cost(run, value: Decimal, **filters) -> Cell:
    """A cost and the people it is the cost of (those eligible on that side)."""
    return Cell(money_text(value), value, _people(run, **filters) if value else "", True)


def _amount(value: Decimal) -> Cell:
    return Cell(money_text(value), value, "", True)


def budget(run: ScenarioRun) -> Table:
    """Month by month: what the grants already made still pay, and that plus the new spending now and in the
    scenario (everyone found eligible and not yet applied taking the program up in the first month)."""
    summary = run.summary
    committed = _sum(summary["committed"]["programs"].values())
    base = _sum(row["base"] for row in summary["programs"].values())
    scenario = _sum(row["scenario"] for row in summary["programs"].values())
    table = Table(
        "budget",
        _("Spending month by month"),
        [_("Month"), _("Committed grants"), _("Policy now"), _("Scenario"), _("Difference")],
        note=_(
            "Policy now and Scenario each include the committed grants and the new spending if everyone found "
            "eligible (and not yet applied) takes the program up in the first month."
        ),
    )
    for month, c, b, s in zip(months_of(run), committed, base, scenario, strict=True):
        table.rows.append([Cell(month.strftime("%Y-%m")), _amount(c), _amount(c + b), _amount(c + s), _amount(s - b)])
    totals = [sum(column, ZERO) for column in (committed, base, scenario)]
    table.rows.append(
        [
            Cell(_("12 months")),
            _amount(totals[0]),
            _amount(totals[0] + totals[1]),
            _amount(totals[0] + totals[2]),
            _amount(totals[2] - totals[1]),
        ]
    )
    return table


def budget_chart(run: ScenarioRun) -> str:
    table = budget(run)
    rows = table.rows[:-1]
    return bar_chart(
        title=_("Spending month by month"),
        labels=[f"{month.month}月" for month in months_of(run)],  # the table beside it names the year
        series=[(_("Policy now"), [row[2].value for row in rows]), (_("Scenario"), [row[3].value for row in rows])],
    )


# the figures of a program or district with nobody screened eligible (only committed grants)
EMPTY = {"base_people": 0, "scenario_people": 0, "gained": 0, "lost": 0, "amount": 0}
EMPTY |= {"base": [0] * HORIZON, "scenario": [0] * HORIZON}

FIGURE_COLUMNS = [
    _("Eligible now"),
    _("Eligible in the scenario"),
    _("Newly eligible"),
    _("No longer eligible"),
    _("Amount changes"),
    _("12 months now"),
    _("12 months in the scenario"),
]


def _figure_cells(run, row: dict, **filters) -> list[Cell]:
    return [
        _count(run, row["base_people"], change="base", **filters),
        _count(run, row["scenario_people"], change="scenario", **filters),
        _count(run, row["gained"], change="gained", **filters),
        _count(run, row["lost"], change="lost", **filters),
        _count(run, row["amount"], change="amount", **filters),
        _cost(run, sum(_money(row["base"]), ZERO), change="base", **filters),
        _cost(run, sum(_money(row["scenario"]), ZERO), change="scenario", **filters),
    ]


def by_program(run: ScenarioRun) -> Table:
    summary = run.summary
    codes = set(summary["programs"]) | set(summary["committed"]["programs"])
    names = {p.code: p.display_name for p in Program.objects.filter(code__in=codes)}
    table = Table(
        "programs",
        _("By program"),
        [_("Program"), *FIGURE_COLUMNS, _("Committed, 12 months")],
        note=_("People who applied for a program are not counted again: their grants are in the committed spending."),
    )
    for code in sorted(codes, key=lambda c: names.get(c, c)):
        row = summary["programs"].get(code, EMPTY)
        committed = sum(_money(summary["committed"]["programs"].get(code, [0] * HORIZON)), ZERO)
        table.rows.append([Cell(names.get(code, code)), *_figure_cells(run, row, program=code), _amount(committed)])
    return table


def by_district(run: ScenarioRun) -> Table:
    summary = run.summary
    keys = set(summary["districts"]) | set(summary["committed"]["districts"])
    names = dict(ServiceUnit.objects.filter(pk__in=[int(k) for k in keys if k]).values_list("pk", "name"))
    table = Table("districts", _("By district"), [_("District"), *FIGURE_COLUMNS, _("Committed, 12 months")])
    for key in sorted(keys, key=lambda k: names.get(int(k), "") if k else "~"):
        name = names.get(int(key), key) if key else _("City level")
        row = summary["districts"].get(key, EMPTY)
        committed = sum(_money(summary["committed"]["districts"].get(key, [0] * HORIZON)), ZERO)
        table.rows.append([Cell(name), *_figure_cells(run, row, district=key), _amount(committed)])
    return table


def by_register(run: ScenarioRun) -> Table:
    names = register_names(city=run.scenario.city)
    table = Table(
        "registers",
        _("By register"),
        [_("Register"), *FIGURE_COLUMNS],
        note=_("A person on two registers is counted under each."),
    )
    rows = run.summary["registers"]
    for code in sorted(rows, key=lambda c: names.get(c, c)):
        table.rows.append([Cell(names.get(code, code)), *_figure_cells(run, rows[code], register=code)])
    return table


def result_tables(run: ScenarioRun) -> list[Table]:
    return [budget(run), by_program(run), by_district(run), by_register(run)]
