"""The real-name registers (实名制台账): a person or household on a register, with entry, window and exit, and
the register lists imported from files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ServiceUnit
from core.actor import history_user

from .people import Household, Person, ScopedQuerySet, Source


class Register(models.Model):
    """A real-name register of the policy catalogue (``registries``), synced from fixtures/policy/."""

    class Subject(models.TextChoices):
        PERSON = "person", _("Persons")
        HOUSEHOLD = "household", _("Households")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=255)
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices, default=Subject.PERSON)
    cities = models.JSONField(_("cities"), default=list)
    definition = models.TextField(_("definition"), blank=True)
    clause_refs = models.JSONField(_("clauses"), default=dict)
    # {"dalian": {"years": 2, "from": "graduation_date", "basis": "..."}}: how long an entry stays on the
    # register in each city; cities without an entry keep people until someone records an exit.
    windows = models.JSONField(_("windows"), default=dict)
    needs_contact = models.BooleanField(
        _("contact duty"),
        default=False,
        help_text=_("Caseworkers must contact every person on this register."),
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class ExitReason(models.TextChoices):
    EMPLOYED = "employed", _("Found work")
    WINDOW_CLOSED = "window_closed", _("Register window closed")
    MOVED_AWAY = "moved_away", _("Moved away")
    NO_LONGER_ELIGIBLE = "no_longer_eligible", _("No longer eligible")
    RETIRED = "retired", _("Reached retirement")
    DECEASED = "deceased", _("Deceased")
    ENTERED_IN_ERROR = "entered_in_error", _("Entered in error")
    OTHER = "other", _("Other")


class RegistryEntryQuerySet(ScopedQuerySet):
    def active(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(entered_on__lte=on).filter(Q(exited_on__isnull=True) | Q(exited_on__gt=on))


class RegistryEntry(models.Model):
    """A person or a household on a register from ``entered_on``; active until ``exited_on`` (exclusive)."""

    register = models.ForeignKey(Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_entries",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_entries",
    )
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    entered_on = models.DateField(_("entered on"))
    window_ends_on = models.DateField(_("window ends on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=32, choices=ExitReason.choices, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = RegistryEntryQuerySet.as_manager()
    # read by record and by date: the relations' indexes are not copied to the history (see Person.history)
    history = HistoricalRecords(get_user=history_user, no_db_index=["register", "person", "household", "unit"])

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="entry_person_xor_household",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=models.F("entered_on")),
                name="entry_exit_after_entry",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | ~Q(exit_reason=""), name="entry_exit_has_reason"
            ),
            models.UniqueConstraint(
                fields=["register", "person"],
                condition=Q(exited_on__isnull=True, person__isnull=False),
                name="entry_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["register", "household"],
                condition=Q(exited_on__isnull=True, household__isnull=False),
                name="entry_one_open_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["register", "unit", "exited_on"], name="entry_register_unit_open"),
            models.Index(fields=["window_ends_on"], condition=Q(exited_on__isnull=True), name="entry_open_window"),
        ]

    def __str__(self):
        return f"{self.register} · {self.person or self.household}"


class ImportRun(models.Model):
    """One upload of a register list: previewed first, then committed (valid rows only, or all or nothing).
    The per-row report is kept so it can be downloaded later."""

    class Mode(models.TextChoices):
        VALID_ROWS = "valid", _("Commit the valid rows")
        ALL_OR_NOTHING = "all-or-nothing", _("Commit only if every row is valid")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Committed")
        REJECTED = "rejected", _("Rejected (nothing stored)")

    register = models.ForeignKey(Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    # The rows the preview checked (JSON lines), which the commit writes without reading the file again; removed
    # once they are written.
    rows_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file checksum"), max_length=64, db_index=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("new entries"), default=0)
    existing_count = models.PositiveIntegerField(_("already on the register"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["report", "rows_file"])

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"
