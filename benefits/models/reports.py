"""The supervisors' report summaries, refreshed by a job so a page reads a few rows."""

from django.db import models


class ReportFigure(models.Model):
    """One summed number of the supervisors' reports for a unit and its whole subtree, kept by the report
    summaries' refresh (``reports.services``: counted at the records' own units, then added up the tree) so that
    a report over a whole city reads its own and its districts' rows instead of millions of records.
    ``figure`` names what is counted (``registers.new`` …), ``month`` the first day of the month of a flow (empty
    for a stock, counted on the refresh's day), ``key`` a register, program or staff member, ``detail`` an exit
    reason, a follow-up kind, an application's state or the days from its submission to its decision."""

    # No foreign key in the database: the refresh writes its million rows from the units of existing records, and
    # checking each against the units at its commit was a quarter of its time (Django still deletes a unit's rows
    # with the unit).
    unit = models.ForeignKey(
        "accounts.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    figure = models.CharField(max_length=32)
    month = models.DateField(null=True)
    key = models.BigIntegerField(null=True)
    detail = models.CharField(max_length=32, blank=True, default="")
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["figure", "unit", "month"], name="report_figure_unit_month")]

    def __str__(self):
        return f"{self.figure} {self.unit_id} {self.month or ''} {self.key or ''} {self.detail}: {self.n}"


class ReportRefresh(models.Model):
    """When the report summaries were last computed and the day their stocks were counted on."""

    refreshed_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, help_text="when the refresh began: a change after it is not counted")
    as_of = models.DateField()
    seconds = models.FloatField(default=0)
    figures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-refreshed_at"]

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
