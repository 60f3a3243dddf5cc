"""Who acts, and where: users, the service-unit tree, memberships (user, unit, role), worker heartbeats."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.actor import history_user


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    FINANCE = "finance", _("Finance officer")
    ADMIN = "admin", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


class UserQuerySet(models.QuerySet):
    def staff(self):
        return self.filter(kind=User.Kind.STAFF)

    def visible_to(self, user):
        """Staff users who hold a role in a unit the viewer can see, and the viewer themself."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.exclude(kind=User.Kind.SYSTEM)
        units = ServiceUnit.objects.visible_to(user)
        in_scope = Membership.objects.filter(user=OuterRef("pk"), unit__in=units)
        return self.filter(Q(Exists(in_scope)) | Q(pk=user.pk))


class CaseworkUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """Anyone who signs in: staff of the job centres, applicants (people and employers), and the system."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        APPLICANT = "applicant", _("Applicant")
        SYSTEM = "system", _("System")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)

    objects = CaseworkUserManager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_applicant(self) -> bool:
        return self.kind == self.Kind.APPLICANT

    def roles(self) -> set[str]:
        """The roles this user holds in any unit (cached on the instance for the request)."""
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = set(self.memberships.values_list("role", flat=True))
        return self._roles_cache


class ServiceUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units in the subtrees of the units where the user holds any role; everything for a superuser."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.under_paths(unit_paths_of(user))

    def under_paths(self, paths):
        """The units in the subtrees whose tree paths are ``paths`` (none for no path)."""
        paths = list(paths)
        if not paths:
            return self.none()
        scope = Q()
        for path in paths:
            scope |= Q(path__startswith=path)
        return self.filter(scope)

    def subtree_of(self, unit):
        return self.filter(path__startswith=unit.path)

    def cities(self):
        return self.filter(level=ServiceUnit.Level.CITY)


def unit_paths_of(user) -> list[str]:
    """Tree paths of the units the user holds a role in, outermost first (cached on the user object)."""
    if not hasattr(user, "_unit_paths_cache"):
        paths = sorted(set(user.memberships.filter(unit__is_active=True).values_list("unit__path", flat=True)), key=len)
        # A path inside another one adds nothing to the scope.
        user._unit_paths_cache = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    return user._unit_paths_cache


region_code_validator = RegexValidator(
    r"^\d{6}(\d{3})?(\d{3})?$",
    _("A region code has 6 digits (GB/T 2260), or 9 or 12 digits (statistical division code)."),
)


class ServiceUnit(models.Model):
    """A node of the service-unit tree: city → district/county → street/town → community.

    ``path`` is a materialised path of ancestor ids (``/1/7/42/``) so a subtree is one indexed prefix match.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District or county")
        STREET = "street", _("Street or town")
        COMMUNITY = "community", _("Community or village")

    LEVEL_ORDER = [Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY]

    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        blank=True,
        validators=[region_code_validator],
        help_text=_("GB/T 2260 code for cities and districts, where one exists."),
    )
    city_code = models.SlugField(
        _("city code"),
        max_length=32,
        help_text=_("The policy catalogue's city code, e.g. dalian."),
    )
    path = models.CharField(_("tree path"), max_length=255, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceUnitQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["region_code"], condition=~Q(region_code=""), name="unit_unique_region_code"
            ),
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True) | (~Q(level="city") & Q(parent__isnull=False)),
                name="unit_city_is_root",
            ),
        ]
        indexes = [models.Index(fields=["city_code", "level"], name="unit_city_level")]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        """0 for a city, 3 for a community."""
        return self.path.count("/") - 2

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids of the units above this one, outermost first (read from the materialised path)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1]]

    @property
    def lineage_ids(self) -> list[int]:
        """The ancestors' ids and this unit's: where a role that reaches this unit can be held."""
        return [*self.ancestor_ids, self.pk]

    def ancestors(self):
        return ServiceUnit.objects.filter(pk__in=self.ancestor_ids).order_by("path")

    def full_name(self) -> str:
        return " / ".join(unit.name for unit in [*self.ancestors(), self])


class Membership(models.Model):
    """A user's role in a service unit; the role reaches the whole subtree below the unit."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        ServiceUnit, verbose_name=_("service unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["unit", "role"], name="membership_unit_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task; /healthz reports the newest one's age."""

    worker = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """A message to a staff user (in the console's list, and by email where the user has an address) or to an
    applicant's phone (SMS). Made in the transaction of what it reports, so a rolled-back change sends nothing;
    email and SMS leave through a task queued on commit that claims the row before sending (sent once)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the console")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.CharField(_("address"), max_length=254, blank=True, help_text=_("Email address or mobile number."))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    key = models.CharField(
        _("key"),
        max_length=96,
        blank=True,
        help_text=_("Set for reminders: one per recipient and key, however often a job runs."),
    )
    pending = models.CharField(
        _("waits for"),
        max_length=96,
        blank=True,
        db_index=True,
        help_text=_("Set for a notice about a step someone must take: resolved as soon as the step is done."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self):
        return f"{self.channel} · {self.subject}"


class PhoneCode(models.Model):
    """A verification code sent by SMS to register a mobile number. Only a keyed digest of the code is kept;
    a code expires, allows a few tries, and is used once."""

    phone = models.CharField(_("mobile phone"), max_length=11)
    digest = models.CharField(_("code digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")
        indexes = [models.Index(fields=["phone", "-created_at"], name="phonecode_latest")]

    def __str__(self):
        return f"{self.phone[:3]}****{self.phone[-4:]} · {self.created_at:%Y-%m-%d %H:%M}"
