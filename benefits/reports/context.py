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
    _refresh: list = field(default_factory=list)  # the summaries' last refresh, once read

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

    def link(self, figure: str, **params) -> str:
        return reverse("benefits:report-list", args=[figure]) + "?" + self.query(**params)

    def unit_link(self, unit_id: int, report: str) -> str:
        params = {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}", "unit": unit_id}
        return reverse("benefits:report-detail", args=[report]) + "?" + urlencode(params)


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
    units = list(units.only("pk", "name", "path", "level", "parent_id").order_by("path"))
    if unit is not None:
        tops = [unit]
    elif user.is_superuser:
        tops = [u for u in units if u.parent_id is None]
    else:
        roots = unit_paths_of(user)
        tops = [u for u in units if u.path in roots]
    if len(tops) == 1:
        children = [u for u in units if u.parent_id == tops[0].pk]
        ctx.rows = children or tops
    else:
        ctx.rows = tops
    for u in units:
        row = next((r for r in ctx.rows if u.path.startswith(r.path)), None)
        if row is not None:
            ctx.row_of[u.pk] = row.pk
    return ctx
