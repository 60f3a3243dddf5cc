"""The parties: persons (实名: ID number, residence, hukou, education …), households and their members,
organizations, name conflicts an import found, and the log of every look at full personal numbers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import ServiceUnit
from core.actor import history_user

from ..identity import mask_account, mask_id_number, mask_phone
from ..pinyin import pinyin_of


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


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    JOB = "job", _("Background job")
    API = "api", _("API")


class NamePinyinField(models.CharField):
    """The pinyin of the row's ``name`` (``part="full"``: liaojun) or its initials (``part="initials"``: lj), set
    from the name whenever the row is saved or bulk-created, so every route that writes a person keeps it."""

    def __init__(self, *args, part: str = "full", **kwargs):
        self.part = part
        kwargs.setdefault("max_length", 255 if part == "full" else 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["part"] = self.part
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        full, initials = pinyin_of(model_instance.name)
        value = full if self.part == "full" else initials
        setattr(model_instance, self.attname, value)
        return value


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

    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=64)
    # The name in pinyin and its initials (casework.pinyin), for a search typed in Latin letters.
    name_pinyin = NamePinyinField(part="full")
    name_initials = NamePinyinField(part="initials")
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
    # Set by person_merge (casework.services_duplicates): this record was a duplicate of the one named; it keeps
    # its history but nothing points to it any more.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    # the pinyin is derived from the name, which the history keeps: no copy (and no index) on every history row;
    # the history is read by record and by date, so the indexes of the searched columns are not copied to it
    # (each cost every history row written: an import writes 100,000)
    history = HistoricalRecords(
        get_user=history_user,
        excluded_fields=["name_pinyin", "name_initials"],
        no_db_index=["id_number", "id_number_reversed", "phone", "account", "merged_into", "residence_unit"],
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [("unmask_personal_data", _("Can see full ID and phone numbers (each view is logged)"))]
        indexes = [
            # The person lists' order (core.pagination reads a page's keys first): a search's filter on the name,
            # its pinyin or initials is answered from this index alone, and the walk stops at the page's end.
            models.Index(
                fields=["residence_unit", "name", "id"],
                include=["name_pinyin", "name_initials"],
                condition=Q(merged_into__isnull=True),
                name="person_search_page",
            ),
            models.Index(fields=["name"], name="person_name"),
            # the blocking keys of the duplicate detection (casework.duplicates)
            models.Index(fields=["name", "birth_date"], name="person_name_birth"),
            models.Index(fields=["bank_account"], condition=~Q(bank_account=""), name="person_bank_account"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None and "name" in update_fields:  # a new name: its pinyin with it
            update_fields = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, update_fields=update_fields, **kwargs)

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
