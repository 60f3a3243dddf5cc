"""About whom: persons, households, organizations, the real-name registers and the case work around them.

Statuses that an authority recognises and that start and end (registered unemployed, hard-to-employ,
registered poverty laborer, dibao, 特困 …) are register entries with dates, so a rule can ask "as of a date".
Facts about a person that do not come and go by decision (disability, veteran track, orphan, student loan …)
are fields of the person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.audit import history_user
from accounts.models import ServiceUnit

from .identity import mask_account, mask_id_number, mask_phone


class ScopedQuerySet(models.QuerySet):
    """``visible_to(user)``: rows whose service unit lies in the user's area (the unit field is ``scope_field``)."""

    scope_field = "unit"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{self.scope_field}__in": ServiceUnit.objects.visible_to(user)})


class PersonQuerySet(ScopedQuerySet):
    scope_field = "residence_unit"


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class HukouType(models.TextChoices):
    URBAN = "urban", _("Urban (non-agricultural)")
    RURAL = "rural", _("Rural (agricultural)")
    UNIFIED = "unified", _("Unified residence registration")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    TECHNICIAN = "technician", _("Technician college (senior-worker or preparatory-technician class)")
    JUNIOR_COLLEGE = "junior_college", _("Junior college (大专)")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctorate")


class VeteranStatus(models.TextChoices):
    NONE = "", _("Not a veteran")
    DISCHARGED_SOLDIER = "discharged_soldier", _("Discharged soldier (self-employment track)")
    PLACED_SOLDIER = "placed_soldier", _("Discharged soldier (government placement track)")
    TRANSFERRED_OFFICER = "transferred_officer", _("Transferred officer")
    SELF_EMPLOYED_OFFICER = "self_employed_officer", _("Self-employed transferred officer")


def _account_field(related_name: str, help_text) -> models.OneToOneField:
    """The applicant account that has claimed a party's record (set by the portal's claim, never by a form)."""
    return models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name=related_name,
        help_text=help_text,
    )


class Person(models.Model):
    """A real-name person. One row per ID number, whatever route creates it."""

    # What a caseworker may change; never the ID number, the facts derived from it, or the community (a move).
    EDITABLE_FIELDS = (
        "name",
        "phone",
        "hukou_type",
        "hukou_place",
        "resident_since",
        "address",
        "education",
        "school",
        "major",
        "graduation_date",
        "is_disabled",
        "disability_grade",
        "veteran_status",
        "is_military_spouse",
        "is_orphan",
        "has_student_loan",
        "is_single_parent",
        "is_labor_model",
        "bank_account",
    )

    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    # The ID number reversed, so "last 4 to 6 digits" is an indexed prefix search.
    id_number_reversed = models.CharField(max_length=18, db_index=True, editable=False)
    id_region_known = models.BooleanField(
        _("region code known"),
        default=True,
        help_text=_("False when the first six digits are not a GB/T 2260 code; the record is kept and flagged."),
    )
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)

    hukou_type = models.CharField(_("hukou type"), max_length=16, choices=HukouType.choices, blank=True)
    hukou_place = models.CharField(_("hukou place"), max_length=128, blank=True)
    residence_unit = models.ForeignKey(
        ServiceUnit, verbose_name=_("community of residence"), on_delete=models.PROTECT, related_name="residents"
    )
    resident_since = models.DateField(_("resident since"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, db_index=True)

    education = models.CharField(_("education"), max_length=32, choices=Education.choices, blank=True)
    school = models.CharField(_("school"), max_length=128, blank=True)
    major = models.CharField(_("major"), max_length=128, blank=True)
    graduation_date = models.DateField(_("graduation date"), null=True, blank=True)

    is_disabled = models.BooleanField(_("person with a disability"), default=False)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    veteran_status = models.CharField(
        _("veteran status"), max_length=32, choices=VeteranStatus.choices, blank=True, default=""
    )
    is_military_spouse = models.BooleanField(_("military spouse"), default=False)
    is_orphan = models.BooleanField(_("orphan"), default=False)
    has_student_loan = models.BooleanField(_("received a national student loan"), default=False)
    is_single_parent = models.BooleanField(_("single parent raising minors"), default=False)
    is_labor_model = models.BooleanField(_("county-level or higher model worker"), default=False)
    bank_account = models.CharField(
        _("bank account"),
        max_length=32,
        blank=True,
        help_text=_("The social security card or bank account subsidies are paid to."),
    )
    account = _account_field("person", _("The applicant account that has claimed this record (the portal)."))

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [("unmask_personal_data", _("Can see full ID and phone numbers (each view is logged)"))]
        indexes = [
            models.Index(fields=["residence_unit", "name"], name="person_unit_name"),
            models.Index(fields=["name"], name="person_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_bank_account(self) -> str:
        return mask_account(self.bank_account)

    def status_labels(self) -> list[str]:
        """The personal statuses that apply, as labels (disability, veteran track, orphan …)."""
        labels = []
        if self.is_disabled:
            grade = f" ({self.disability_grade})" if self.disability_grade else ""
            labels.append(f"{Person._meta.get_field('is_disabled').verbose_name}{grade}")
        if self.veteran_status:
            labels.append(self.get_veteran_status_display())
        flags = ["is_military_spouse", "is_orphan", "has_student_loan", "is_single_parent", "is_labor_model"]
        labels += [str(Person._meta.get_field(flag).verbose_name) for flag in flags if getattr(self, flag)]
        return labels


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative")


class Household(models.Model):
    """A household for 低保 and zero-employment purposes. ``is_zero_employment`` is derived from the members'
    employment by ``household_recompute`` and kept as a column so registers and reports can filter on it."""

    unit = models.ForeignKey(
        ServiceUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_dibao = models.BooleanField(_("minimum-living-allowance (dibao) household"), default=False)
    dibao_since = models.DateField(_("dibao since"), null=True, blank=True)
    is_zero_employment = models.BooleanField(_("zero-employment household"), default=False, editable=False)
    zero_employment_since = models.DateField(_("zero employment since"), null=True, blank=True, editable=False)
    cleared_on = models.DateField(
        _("cleared on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The last day a member was back at work after the household had been zero-employment."),
    )
    fell_back_on = models.DateField(
        _("fell back to zero employment on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when a household that had someone at work has nobody again; cleared when someone works."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["unit", "is_zero_employment"], name="household_unit_zero")]

    def __str__(self):
        head = next((m.person.name for m in self.members.all() if m.relation == Relation.HEAD), None)
        return _("Household of %(head)s") % {"head": head} if head else _("Household %(id)s") % {"id": self.pk}


class HouseholdMember(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="household_membership"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    able_to_work = models.BooleanField(_("able to work"), default=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"), name="household_one_head"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_relation_display()}"


class OrganizationKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' cooperative")
    FAMILY_FARM = "family_farm", _("Family farm")
    INTERMEDIARY = "intermediary", _("Employment intermediary")
    INCUBATOR = "incubator", _("Incubator or start-up park")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    unit = models.ForeignKey(
        ServiceUnit, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="organizations"
    )
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=11, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=32, blank=True)
    account = _account_field(
        "organization", _("The employer's applicant account, once a caseworker has confirmed its claim (the portal).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["unit", "name"], name="organization_unit_name")]

    def __str__(self):
        return self.name

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def masked_bank_account(self) -> str:
        return mask_account(self.bank_account)


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


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    JOB = "job", _("Background job")
    API = "api", _("API")


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
    history = HistoricalRecords(get_user=history_user)

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


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    FLEXIBLE = "flexible", _("Flexibly employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed or business owner")
    UNEMPLOYED = "unemployed", _("Unemployed (registered)")


WORKING_STATUSES = [EmploymentStatus.EMPLOYED, EmploymentStatus.FLEXIBLE, EmploymentStatus.SELF_EMPLOYED]


class EmploymentRecordQuerySet(models.QuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def working(self):
        return self.filter(status__in=WORKING_STATUSES)


class EmploymentRecord(models.Model):
    """就业失业登记: a spell of employment or registered unemployment, from ``started_on`` to ``ended_on``."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="employment")
    status = models.CharField(_("status"), max_length=16, choices=EmploymentStatus.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    employer = models.ForeignKey(
        Organization, verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("employer name"), max_length=128, blank=True)
    registration_no = models.CharField(_("registration certificate number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = EmploymentRecordQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("employment record")
        verbose_name_plural = _("employment records")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "ended_on"], name="employment_person_open")]

    def __str__(self):
        return f"{self.person.name} · {self.get_status_display()} · {self.started_on}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    OFFICE = "office", _("At the service centre")
    SMS = "sms", _("Text message")
    WECHAT = "wechat", _("WeChat")


class ContactOutcome(models.TextChoices):
    EMPLOYED = "employed", _("Reached: has found work")
    SEEKING = "seeking", _("Reached: looking for work")
    TRAINING = "training", _("Reached: wants training")
    STARTUP = "startup", _("Reached: wants to start a business")
    NO_NEED = "no_need", _("Reached: needs no service now")
    NOT_REACHED = "not_reached", _("Not reached")


class Contact(models.Model):
    """One attempt to contact a person (逐一联系), with its outcome and the next follow-up date."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=16, choices=ContactChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-contacted_on", "-created_at"]
        indexes = [
            models.Index(fields=["person", "-contacted_on"], name="contact_person_date"),
            models.Index(fields=["next_follow_up_on"], name="contact_follow_up"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.contacted_on} · {self.get_outcome_display()}"


class CaseNote(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.person.name} · {self.created_at:%Y-%m-%d}"


class Referral(models.Model):
    class Kind(models.TextChoices):
        JOB = "job", _("Job")
        TRAINING = "training", _("Training")
        INCUBATOR = "incubator", _("Incubator")
        PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")
        INTERNSHIP = "internship", _("Internship")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        PLACED = "placed", _("Placed")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("what"), max_length=255)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on"]

    def __str__(self):
        return f"{self.person.name} · {self.get_kind_display()} · {self.description}"


class Assistance(models.Model):
    """一对一援助: a named caseworker assigned to a hard-to-employ or long-term-unemployed person."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assistance")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), on_delete=models.PROTECT, related_name="assisted"
    )
    reason = models.CharField(_("reason"), max_length=255)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("one-on-one assistance")
        verbose_name_plural = _("one-on-one assistance")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="assistance_one_open"),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.caseworker}"


class NameConflict(models.Model):
    """An ID number that came in with a name other than the one on file: kept for review, never overwritten."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="name_conflicts"
    )
    name_on_file = models.CharField(_("name on file"), max_length=64)
    name_received = models.CharField(_("name received"), max_length=64)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("name conflict")
        verbose_name_plural = _("name conflicts")

    def __str__(self):
        return f"{self.name_on_file} ≠ {self.name_received}"


class PersonalDataAccess(models.Model):
    """Every unmasking of an ID or phone number: who, when, whose, which field and why (PIPL access log)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fields = models.CharField(_("fields"), max_length=64)
    reason = models.CharField(_("reason"), max_length=255)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-accessed_at"]

    def __str__(self):
        return f"{self.user} · {self.person or self.organization} · {self.accessed_at:%Y-%m-%d %H:%M}"


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
    history = HistoricalRecords(get_user=history_user, excluded_fields=["report"])

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} · {self.get_status_display()}"


class FollowUp(models.Model):
    """An item on a caseworker's worklist, raised by a job: a contact that is due, a household that fell back
    to zero employment, a person whose residence now allows registration there, a register window closing.
    One open item per kind and subject; jobs raise and close them idempotently."""

    class Kind(models.TextChoices):
        CONTACT_DUE = "contact_due", _("Contact due")
        FELL_BACK = "fell_back", _("Household fell back to zero employment")
        RESIDENCE_ELIGIBLE = "residence_eligible", _("Resident long enough to register here")
        WINDOW_CLOSING = "window_closing", _("Register window closing within 30 days")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person"],
                condition=Q(done_at__isnull=True, person__isnull=False),
                name="followup_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["kind", "household"],
                condition=Q(done_at__isnull=True, household__isnull=False),
                name="followup_one_open_per_household",
            ),
        ]
        indexes = [models.Index(fields=["unit", "done_at", "due_on"], name="followup_unit_open_due")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person or self.household}"


# --- Portal claims -------------------------------------------------------------------------------------------


class ClaimCode(models.Model):
    """A one-time code that links a portal account to a person record: sent by SMS to the phone on file when an
    applicant gives the record's ID number and name (``sms``; ``person`` is empty when nothing matched, so a wrong
    ID number and a wrong code look the same), or made by a caseworker and handed over in person (``handed``).
    Only a keyed digest of the code is kept."""

    class Kind(models.TextChoices):
        SMS = "sms", _("Sent to the phone on file")
        HANDED = "handed", _("Handed over by a caseworker")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The applicant who asked for an SMS code; a caseworker for a handed-over code."),
    )
    digest = models.CharField(_("code digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")
        indexes = [
            models.Index(fields=["digest"], name="claimcode_digest"),
            models.Index(fields=["user", "-created_at"], name="claimcode_user_latest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ClaimAttempt(models.Model):
    """One try at a claim code by an applicant account: the failures in a window lock that account's claims."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    succeeded = models.BooleanField(_("succeeded"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim attempt")
        verbose_name_plural = _("claim attempts")
        indexes = [models.Index(fields=["user", "-created_at"], name="claimattempt_user_latest")]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M} · {'ok' if self.succeeded else 'wrong'}"


class OrganizationClaimQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(organization__in=Organization.objects.visible_to(user))


class OrganizationClaim(models.Model):
    """An employer's portal account asking to act for an organization: pending until a caseworker of the
    organization's unit confirms (the organization's ``account`` is set then) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the job centre")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="claims"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = OrganizationClaimQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("employer claim")
        verbose_name_plural = _("employer claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="organizationclaim_one_pending_per_user"
            )
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_status_display()}"
