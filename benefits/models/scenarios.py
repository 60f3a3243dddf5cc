"""Policy scenarios (政策测算): "what if this parameter had another value from this day, this program were switched
off, this clause were read the other way?", screened over the city's registers beside the baseline. A scenario
never touches a real decision, grant, lead or payment: everything it computes lives in these tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.actor import history_user

from .catalogue import Parameter, Program


class Scenario(models.Model):
    """A draft of changes to one city's policy, screened on one day (``as_of``: the facts and the values in force
    that day; the twelve months of the forecast start with its month)."""

    city = models.SlugField(_("city"), max_length=32, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    as_of = models.DateField(
        _("screened on"), help_text=_("The day the registers are read; the forecast's first month.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Adoption: the first administrator proposes the scenario's values as real ones; a second one confirms the very
    # values the first saw (the fingerprint), and only then are they added as dated parameter values.
    adoption_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adoption proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    adoption_proposed_at = models.DateTimeField(_("adoption proposed at"), null=True, blank=True, editable=False)
    adoption_fingerprint = models.CharField(_("values proposed"), max_length=64, blank=True, editable=False)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adoption confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-changed_at"]

    def __str__(self):
        return self.name


class ScenarioValue(models.Model):
    """A parameter's value in the scenario from ``valid_from`` on (empty: not set from that day). From its first
    date the scenario's values replace the real ones."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="values")
    parameter = models.ForeignKey(Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("scenario value")
        verbose_name_plural = _("scenario values")
        ordering = ["parameter__code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "parameter", "valid_from"], name="scenario_value_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="scenario_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.parameter.code} = {self.value} ({self.valid_from})"


class ScenarioSwitch(models.Model):
    """A program switched off in the scenario: nobody is found eligible for it."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="switches"
    )
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("program switched off")
        verbose_name_plural = _("programs switched off")
        constraints = [models.UniqueConstraint(fields=["scenario", "program"], name="scenario_switch_once")]

    def __str__(self):
        return self.program.code


class ScenarioReading(models.Model):
    """A documented alternative reading of a clause (``benefits.rules.readings``) taken in the scenario."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="readings"
    )
    code = models.SlugField(_("reading"), max_length=96)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("alternative reading")
        verbose_name_plural = _("alternative readings")
        constraints = [models.UniqueConstraint(fields=["scenario", "code"], name="scenario_reading_once")]

    def __str__(self):
        return self.code


class ScenarioRun(models.Model):
    """One screening of the population under the baseline and the scenario, split into chunks that workers take in
    parallel; ``summary`` holds every figure of the result page once the last chunk is in."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    as_of = models.DateField(_("screened on"))
    people = models.PositiveIntegerField(_("people"))
    chunks_total = models.PositiveIntegerField(_("chunks"))
    # What the run was made of (values, switches, readings), so a result is never shown for a scenario changed since.
    inputs = models.JSONField(_("scenario as run"), default=dict)
    summary = models.JSONField(_("summary"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.scenario} #{self.pk}"


class ScenarioChunk(models.Model):
    """A chunk of a run, written in the same transaction as its outcomes (a chunk delivered twice is skipped), with
    its share of the figures (``totals``) that the last chunk adds up."""

    run = models.ForeignKey(ScenarioRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField(_("number"))
    screened = models.PositiveIntegerField(_("screened"))
    totals = models.JSONField(_("totals"), default=dict)
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario chunk")
        verbose_name_plural = _("scenario chunks")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="scenario_chunk_once")]

    def __str__(self):
        return f"{self.run} · {self.number}"


class ScenarioChange(models.TextChoices):
    GAINED = "gained", _("Newly eligible")
    LOST = "lost", _("No longer eligible")
    AMOUNT = "amount", _("Amount changes")
    SAME = "same", _("Unchanged")


class ScenarioOutcome(models.Model):
    """A person eligible for a program under the baseline, the scenario or both, who has not applied for it (the
    people the forecast counts as new spending), with both amounts and the twelve months' cost of each."""

    run = models.ForeignKey(ScenarioRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="outcomes")
    person = models.ForeignKey("casework.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "accounts.ServiceUnit", verbose_name=_("service unit"), on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "accounts.ServiceUnit",
        verbose_name=_("district"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # the codes of the registers the person was on that day, each between spaces (" a b "): one LIKE finds a code
    registers = models.TextField(_("registers"), blank=True)
    change = models.CharField(_("change"), max_length=8, choices=ScenarioChange.choices)
    base_amount = models.DecimalField(_("amount now"), max_digits=14, decimal_places=2, null=True)
    base_period = models.CharField(_("period now"), max_length=8, blank=True)
    base_cost = models.DecimalField(_("12 months now"), max_digits=14, decimal_places=2, default=0)
    scenario_amount = models.DecimalField(_("amount in the scenario"), max_digits=14, decimal_places=2, null=True)
    scenario_period = models.CharField(_("period in the scenario"), max_length=8, blank=True)
    scenario_cost = models.DecimalField(_("12 months in the scenario"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("scenario outcome")
        verbose_name_plural = _("scenario outcomes")
        indexes = [models.Index(fields=["run", "program", "change"], name="scenario_outcome_list")]

    def __str__(self):
        return f"{self.run} · {self.program_id} · {self.person_id}"
