"""Portal claims: linking an applicant account to the person or organization it stands for.

- A person claims their record with its ID number and name, then the code sent to the phone on file; or with a
  one-time code a caseworker made for them and handed over in person (this one can also move a record to a new
  account, e.g. after a lost phone).
- An employer asks for an organization by its unified social credit code; a caseworker of its unit confirms.

Whatever was wrong (no such ID number, another name, no phone on file, a wrong or expired code), the applicant
is told the same. Wrong codes are counted per account: after ``CASEWORK_CLAIM_FAILURES`` in a row the account's
claims are locked for ``CASEWORK_CLAIM_LOCK_MINUTES``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import verification
from accounts.models import Role, User
from accounts.selectors import users_with_role_over
from accounts.services import notify_by_sms, notify_staff
from core.errors import Conflict, PermissionDenied, TooSoon, require

from .identity import check_id_number, check_uscc
from .models import ClaimAttempt, ClaimCode, Organization, OrganizationClaim, Person
from .permissions import can_edit_in_unit


def _wrong_code():
    return ValidationError({"code": _("The code is wrong or has expired.")})


def _check_applicant(user) -> None:
    if not user.is_authenticated or not user.is_applicant:
        raise PermissionDenied(_("Only applicant accounts claim records in the portal."))
    if _linked_elsewhere(user):
        raise Conflict(_("Your account is already linked to a record."))


def claim_locked_until(*, user) -> datetime.datetime | None:
    """When the account's claims unlock, if too many wrong codes were given since the last success."""
    window = datetime.timedelta(minutes=settings.CASEWORK_CLAIM_LOCK_MINUTES)
    recent = list(
        ClaimAttempt.objects.filter(user=user, created_at__gt=timezone.now() - window)
        .order_by("-created_at")
        .values_list("succeeded", "created_at")[: settings.CASEWORK_CLAIM_FAILURES]
    )
    if len(recent) < settings.CASEWORK_CLAIM_FAILURES or any(succeeded for succeeded, _at in recent):
        return None
    return recent[0][1] + window


def _check_not_locked(user) -> None:
    until = claim_locked_until(user=user)
    if until is not None:
        raise TooSoon(
            _("Too many wrong codes. Claiming is locked until %(time)s.")
            % {"time": formats.time_format(timezone.localtime(until), "H:i")}
        )


def _record_attempt(user, succeeded: bool) -> None:
    ClaimAttempt.objects.create(user=user, succeeded=succeeded)


def person_claim_start(*, user, id_number: str, name: str) -> None:
    """Send a claim code to the phone on file of the person with this ID number and name. The caller learns
    nothing of whether such a person exists: a code row is made either way (without a person when nothing
    matched), and the resend interval applies either way."""
    _check_applicant(user)
    _check_not_locked(user)
    try:
        number = check_id_number(id_number).number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    now = timezone.now()
    resend = datetime.timedelta(seconds=settings.CASEWORK_SMS_RESEND_SECONDS)
    if ClaimCode.objects.filter(user=user, kind=ClaimCode.Kind.SMS, created_at__gt=now - resend).exists():
        raise TooSoon(_("A code was sent less than a minute ago. Wait a moment before asking again."))
    person = (
        Person.objects.filter(id_number=number, name=name.strip(), merged_into__isnull=True).exclude(phone="").first()
    )
    code = verification.numeric_code()
    claimable = person is not None and person.account_id is None
    ClaimCode.objects.create(
        kind=ClaimCode.Kind.SMS,
        person=person if claimable else None,
        user=user,
        digest=verification.digest(code, purpose="claim"),
        expires_at=now + datetime.timedelta(minutes=settings.CASEWORK_SMS_CODE_MINUTES),
    )
    if claimable:
        notify_by_sms(
            number=person.phone,
            text=_(
                "Your code to link your record to your Casework portal account is %(code)s. "
                "It expires in %(minutes)d minutes."
            )
            % {"code": code, "minutes": settings.CASEWORK_SMS_CODE_MINUTES},
        )
    elif person is not None:
        notify_by_sms(
            number=person.phone,
            text=_(
                "Someone asked to link your record to another Casework portal account. If it was you, ask your job "
                "centre for a claim code; if not, you need do nothing."
            ),
        )


def _link(person: Person, user) -> Person:
    """Inside the caller's transaction: the person's row is locked, so two claims of one record take turns."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.account = user
    person._change_reason = "portal claim"
    person.save(update_fields=["account"])
    return person


def person_claim_confirm(*, user, code: str) -> Person:
    """Link the account to the person its latest SMS claim code was sent for, if ``code`` is that code."""
    _check_applicant(user)
    _check_not_locked(user)
    now = timezone.now()
    with transaction.atomic():
        row = (
            ClaimCode.objects.select_for_update(of=("self",))  # not the person: PostgreSQL locks no outer join
            .filter(user=user, kind=ClaimCode.Kind.SMS, used_at__isnull=True, expires_at__gt=now)
            .select_related("person")
            .order_by("-created_at")
            .first()
        )
        accepted = (
            row is not None
            and row.person is not None
            and verification.matches(row.digest, code.strip(), purpose="claim")
            # read again under the person's lock: another account may have claimed it since the code was sent
            and Person.objects.select_for_update().filter(pk=row.person_id, account__isnull=True).exists()
        )
        _record_attempt(user, accepted)
        if accepted:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return _link(row.person, user)
    _check_not_locked(user)  # the try that reached the limit says so at once
    raise _wrong_code()


def claim_code_issue(*, actor, person: Person) -> tuple[str, ClaimCode]:
    """A one-time claim code for ``person``, to hand over in person (shown once; earlier unused ones stop working)."""
    require(can_edit_in_unit(actor, person.residence_unit))
    now = timezone.now()
    code = verification.claim_code()
    with transaction.atomic():
        ClaimCode.objects.filter(
            person=person, kind=ClaimCode.Kind.HANDED, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        row = ClaimCode.objects.create(
            kind=ClaimCode.Kind.HANDED,
            person=person,
            user=actor,
            digest=verification.digest(code, purpose="handed"),
            expires_at=now + datetime.timedelta(days=settings.CASEWORK_CLAIM_CODE_DAYS),
        )
    return code, row


def claim_code_redeem(*, user, code: str) -> Person:
    """Link the account to the person a caseworker's claim code was made for (moving it from any earlier account)."""
    _check_applicant(user)
    _check_not_locked(user)
    now = timezone.now()
    with transaction.atomic():
        row = (
            ClaimCode.objects.select_for_update(of=("self",))  # not the person: PostgreSQL locks no outer join
            .filter(
                kind=ClaimCode.Kind.HANDED,
                digest=verification.digest(verification.normalise_claim_code(code), purpose="handed"),
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .select_related("person")
            .first()
        )
        _record_attempt(user, row is not None)
        if row is not None:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return _link(row.person, user)
    _check_not_locked(user)
    raise _wrong_code()


def organization_claim_request(*, user, credit_code: str) -> OrganizationClaim:
    """Ask to act for the organization with this credit code; its unit's caseworkers are told."""
    _check_applicant(user)
    try:
        uscc = check_uscc(credit_code)
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from None
    organization = Organization.objects.select_related("unit").filter(uscc=uscc).first()
    if organization is None:
        raise ValidationError(
            {"credit_code": _("No employer with this credit code is on record. Ask your job centre to register it.")}
        )
    if organization.account_id is not None:
        raise Conflict(_("This employer is already linked to a portal account."), field="credit_code")
    if OrganizationClaim.objects.filter(user=user, status=OrganizationClaim.Status.PENDING).exists():
        raise Conflict(_("You already have a claim waiting for the job centre."), field="credit_code")
    claim = OrganizationClaim.objects.create(user=user, organization=organization)
    notify_staff(
        users=users_with_role_over(unit=organization.unit, role=Role.CASEWORKER),
        subject=_("An employer asks to use the portal for %(name)s") % {"name": organization.name},
        body=_("Check who the applicant is before you confirm: %(applicant)s") % {"applicant": user.full_name},
        link=f"/console/claims/#claim-{claim.pk}",
    )
    return claim


def organization_claim_decide(*, actor, claim: OrganizationClaim, confirm: bool, note: str = "") -> OrganizationClaim:
    """Confirm (the organization's account becomes the applicant's) or reject a pending employer claim."""
    require(can_edit_in_unit(actor, claim.organization.unit))
    with transaction.atomic():
        claim = OrganizationClaim.objects.select_for_update().select_related("organization", "user").get(pk=claim.pk)
        if claim.status != OrganizationClaim.Status.PENDING:
            raise Conflict(_("This claim has already been decided."))
        organization = claim.organization
        if confirm:
            if organization.account_id is not None:
                raise Conflict(_("This employer is already linked to a portal account."))
            if _linked_elsewhere(claim.user):
                raise Conflict(_("The applicant's account is already linked to another record."))
            organization.account = claim.user
            organization.save(update_fields=["account"])
        claim.status = OrganizationClaim.Status.CONFIRMED if confirm else OrganizationClaim.Status.REJECTED
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.note = note
        claim.save()
        if confirm:
            OrganizationClaim.objects.filter(organization=organization, status=OrganizationClaim.Status.PENDING).update(
                status=OrganizationClaim.Status.REJECTED, decided_by=actor, decided_at=claim.decided_at
            )
        if claim.user.username and verification.MOBILE_RE.match(claim.user.username):
            text = (
                _("The job centre confirmed your portal account for %(name)s.")
                if confirm
                else _("The job centre did not confirm your portal account for %(name)s.")
            )
            notify_by_sms(number=claim.user.username, text=text % {"name": organization.name})
    return claim


def _linked_elsewhere(user: User) -> bool:
    return Person.objects.filter(account=user).exists() or Organization.objects.filter(account=user).exists()
