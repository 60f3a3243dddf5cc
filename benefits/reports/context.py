"""The context of a report: the reports there are, who asks, for which unit of their area and which period of
months, as of when."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import (
    Q,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import ServiceUnit, User, unit_paths_of
from core.dates import month_bounds

from ..models import (
    Application,
    DisbursementBatch,
    ReportRefresh,
)

REPORTS = {
    "registers": gettext_lazy("People on the registers"),
    "contacts": gettext_lazy("Contact coverage (逐一联系)"),
    "households": gettext_lazy("Zero-employment households (动态清零)"),
    "applications": gettext_lazy("Applications and decisions"),
    "entitlements": gettext_lazy("Grants"),
    "payments": gettext_lazy("Money by program and month"),
    "workload": gettext_lazy("Worklists and caseworker workload"),
}


ENDING_DAYS = 30


WAITING = (Application.State.SUBMITTED, Application.State.RECOMMENDED)


APPROVED_BATCHES = (
    DisbursementBatch.Status.APPROVED,
    DisbursementBatch.Status.EXPORTED,
    DisbursementBatch.Status.SETTLED,
)


@dataclass
class ReportContext:
    """The user, the unit (None: the whole area), the period (first and last day, inclusive) and today."""

    user: User
    unit: ServiceUnit | None
    start: datetime.date
    end: datetime.date
    today: datetime.date
    rows: list[ServiceUnit] = field(default_factory=list)  # the units of the by-unit tables
    row_of: dict[int, int] = field(default_factory=dict)  # community (or any unit) id → row unit id
    tops: list[ServiceUnit] = field(default_factory=list)  # the units whose subtrees make up the area (disjoint)
    _refresh: list = field(default_factory=list)  # the summaries' last refresh, once read
    # The paths of the lists and reports a page links to, reversed once per page (a city's dashboard has some 650
    # links: reversing each took longer than reading the summaries); shared with the by-unit rows' contexts.
    _paths: dict = field(default_factory=dict)

    @property
    def refresh(self) -> ReportRefresh | None:
        """The report summaries' last refresh (None before the first), read once per context."""
        if not self._refresh:
            self._refresh.append(ReportRefresh.objects.order_by("-refreshed_at").first())
        return self._refresh[0]

    @property
    def as_of(self) -> datetime.date:
        """The day the stock figures of the registers are counted on: the period's last day, at most today."""
        return min(self.end, self.today)

    def where(self, unit_field: str = "unit") -> Q:
        """Rows whose ``unit_field`` is in the user's area and under the chosen unit."""
        q = Q()
        if not self.user.is_superuser:
            q &= Q(**{f"{unit_field}__in": ServiceUnit.objects.visible_to(self.user)})
        if self.unit is not None:
            q &= Q(**{f"{unit_field}__path__startswith": self.unit.path})
        return q

    def query(self, **extra) -> str:
        params = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}"}
        if self.unit is not None:
            params["unit"] = self.unit.pk
        params.update({key: value for key, value in extra.items() if value not in (None, "")})
        return urlencode(params)

    def _path(self, name: str, arg: str) -> str:
        if (name, arg) not in self._paths:
            self._paths[name, arg] = reverse(name, args=[arg])
        return self._paths[name, arg]

    def link(self, figure: str, **params) -> str:
        return self._path("benefits:report-list", figure) + "?" + self.query(**params)

    def unit_link(self, unit_id: int, report: str) -> str:
        params = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}", "unit": unit_id}
        return self._path("benefits:report-detail", report) + "?" + urlencode(params)


def report_units(*, user):
    """The units a user may choose: every visible unit above community level, and the user's own units."""
    units = ServiceUnit.objects.visible_to(user)
    if user.is_superuser:
        return units.exclude(level=ServiceUnit.Level.COMMUNITY).order_by("path")
    roots = unit_paths_of(user)
    return units.filter(~Q(level=ServiceUnit.Level.COMMUNITY) | Q(path__in=roots)).order_by("path")


def report_context(
    *, user, unit_id=None, start: datetime.date | None = None, end: datetime.date | None = None, today=None
) -> ReportContext:
    """The report's context; ``unit_id`` outside the user's area is a 404 (``Http404``), like any other lookup."""
    from django.shortcuts import get_object_or_404

    today = today or timezone.localdate()
    start = (start or today.replace(month=1)).replace(day=1)
    end = month_bounds(end or today)[1]
    if end < start:
        start, end = month_bounds(end)[0], month_bounds(start)[1]
    unit = get_object_or_404(ServiceUnit.objects.visible_to(user), pk=unit_id) if unit_id else None
    ctx = ReportContext(user=user, unit=unit, start=start, end=end, today=today)
    units = ServiceUnit.objects.visible_to(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    # Every unit of the area as (id, path, parent) only: a city has a thousand communities, and only its top units
    # and the by-unit tables' units are needed as objects (read next: a few rows).
    tree = list(units.order_by("path").values_list("pk", "path", "parent_id"))
    if unit is not None:
        top_ids = [unit.pk]
    elif user.is_superuser:
        top_ids = [pk for pk, _path, parent in tree if parent is None]
    else:
        roots = unit_paths_of(user)
        top_ids = [pk for pk, path, _parent in tree if path in roots]
    children = [pk for pk, _path, parent in tree if parent == top_ids[0]] if len(top_ids) == 1 else []
    row_ids = children or top_ids
    found = ServiceUnit.objects.in_bulk(top_ids + row_ids)
    ctx.tops, ctx.rows = [found[pk] for pk in top_ids], [found[pk] for pk in row_ids]
    for pk, path, _parent in tree:
        row = next((row for row in ctx.rows if path.startswith(row.path)), None)
        if row is not None:
            ctx.row_of[pk] = row.pk
    return ctx
