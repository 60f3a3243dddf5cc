"""Change requests (信息变更申请) and bank-account changes: every write (docs/change-requests.md).

A person asks in the portal (or a caseworker of their community asks for them) to change their phone, bank
account, address or community, education, employment status or household; a caseworker of the community verifies
it and applies it — through the same services as a console edit, so the history, the worklist and the household's
zero-employment flag follow as they would — or refuses it with a reason the person reads.

A bank account is where the money goes, so a changed one (by a request or by a console edit) is not trusted until
a second person confirms it: a staff member who made neither the change nor the request, or the person by typing
the code sent to the phone that was on file before the change (only when that phone has not itself changed in the
last ``PHONE_SETTLED_DAYS`` days). Until then payment generation holds the party's payments
(``benefits.payments``); a staff member who finds the change wrong reverts it and the old account is back.

A change that may alter eligibility (employment, education, address, household) is handed to
``settings.CASEWORK_CHANGE_APPLIED_HOOKS`` (benefits re-screens the person's active grants and raises a review
where one should end; casework never imports benefits); a settled account change to
``settings.CASEWORK_ACCOUNT_SETTLED_HOOKS`` (benefits settles the held payments)."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts import verification
from accounts.models import Role, ServiceUnit
from accounts.selectors import users_with_role_over
from accounts.services import notifications_resolve, notify_by_sms, notify_staff
from accounts.validators import check_text
from core.actor import acting_as
from core.errors import Conflict, PermissionDenied, TooSoon, require
from core.uploads import checked_document, stored_name

from . import follow_ups, services
from .identity import check_id_number, check_mobile
from .models import (
    AccountChange,
    ChangeRequest,
    ChangeRequestDocument,
    Education,
    EmploymentStatus,
    HouseholdMember,
    Person,
    Relation,
)
from .permissions import can_edit_in_unit

Kind = ChangeRequest.Kind
STATEMENT_MAX_LENGTH = 2000
# The code sent to the old phone goes only to a phone that has been on file this long.
PHONE_SETTLED_DAYS = 30
CODE_MAX_ATTEMPTS = 5
CODE_VALID_HOURS = 72
ACCOUNT_RE = re.compile(r"^\d{8,32}$")
# The kinds whose change may alter what a person is eligible for.
ELIGIBILITY_KINDS = frozenset({Kind.ADDRESS, Kind.EDUCATION, Kind.EMPLOYMENT, Kind.HOUSEHOLD})


# --- What each kind asks for ----------------------------------------------------------------------------------


def _date(values: dict, field: str, *, required: bool, future_ok: bool = False) -> str | None:
    raw = values.get(field)
    if raw in (None, ""):
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    day = raw if isinstance(raw, datetime.date) else None
    if day is None and isinstance(raw, str) and re.match(r"^\d{4}-\d\d-\d\d$", raw):
        try:
            day = parse_date(raw)
        except ValueError:  # 2024-02-30
            day = None
    if day is None:
        raise ValidationError({field: _("Enter a valid date.")})
    today = timezone.localdate()
    latest = today + datetime.timedelta(days=366) if future_ok else today
    if not datetime.date(1950, 1, 1) <= day <= latest:
        raise ValidationError({field: _("Enter a date from 1950 to today.")})
    return day.isoformat()


def _text(values: dict, field: str, *, max_length: int, required: bool = False) -> str:
    value = values.get(field) or ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter a text.")})
    value = check_text(value.strip(), field)
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(count)s characters.") % {"count": max_length}})
    return value


def _choice(values: dict, field: str, choices, *, required: bool = True) -> str:
    value = values.get(field) or ""
    if value not in dict(choices) and (value or required):
        raise ValidationError({field: _("Choose one of the options.")})
    return value


def _bank_account(raw) -> str:
    account = re.sub(r"[\s-]", "", raw if isinstance(raw, str) else "")
    if not ACCOUNT_RE.match(account):
        raise ValidationError({"bank_account": _("A bank or social security card account has 8 to 32 digits.")})
    return account


def _community(raw, person: Person) -> int:
    try:
        unit = ServiceUnit.objects.get(pk=int(raw), level=ServiceUnit.Level.COMMUNITY)
    except (TypeError, ValueError, ServiceUnit.DoesNotExist):
        raise ValidationError({"residence_unit": _("Choose a community of your city.")}) from None
    if unit.city_code != person.residence_unit.city_code:
        raise ValidationError({"residence_unit": _("Choose a community of your city.")})
    return unit.pk


def _household_member(person: Person, id_number: str) -> HouseholdMember | None:
    membership = HouseholdMember.objects.filter(person=person).first()
    if membership is None:
        return None
    return membership.household.members.filter(person__id_number=id_number).select_related("person").first()


def clean_proposed(kind: str, values: dict, person: Person) -> dict:
    """The values of a request of ``kind``, checked and in stored form (dates as ISO text, a community as its
    id): what the request keeps and what applying it writes. A bad value is an error on its field."""
    if not isinstance(values, dict):
        raise ValidationError({"proposed": _("Enter the values to change.")})
    if kind == Kind.PHONE:
        try:
            phone = check_mobile(values.get("phone") if isinstance(values.get("phone"), str) else "")
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
        if phone == person.phone:
            raise ValidationError({"phone": _("This is the number on file already.")})
        return {"phone": phone}
    if kind == Kind.BANK_ACCOUNT:
        account = _bank_account(values.get("bank_account"))
        if account == person.bank_account:
            raise ValidationError({"bank_account": _("This is the account on file already.")})
        return {"bank_account": account}
    if kind == Kind.ADDRESS:
        cleaned = {"address": _text(values, "address", max_length=255, required=True)}
        if values.get("residence_unit") not in (None, ""):
            unit_id = _community(values.get("residence_unit"), person)
            if unit_id != person.residence_unit_id:
                cleaned["residence_unit"] = unit_id
                cleaned["resident_since"] = _date(values, "resident_since", required=True)
        return cleaned
    if kind == Kind.EDUCATION:
        return {
            "education": _choice(values, "education", Education.choices),
            "school": _text(values, "school", max_length=128),
            "major": _text(values, "major", max_length=128),
            "graduation_date": _date(values, "graduation_date", required=False, future_ok=True),
        }
    if kind == Kind.EMPLOYMENT:
        return {
            "status": _choice(values, "status", EmploymentStatus.choices),
            "started_on": _date(values, "started_on", required=True),
            "employer_name": _text(values, "employer_name", max_length=128),
        }
    if kind == Kind.HOUSEHOLD:
        action = _choice(values, "action", [("add", ""), ("remove", "")])
        id_number = values.get("id_number") if isinstance(values.get("id_number"), str) else ""
        try:
            id_number = check_id_number(id_number).number
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        if id_number == person.id_number:
            raise ValidationError({"id_number": _("Give the ID number of the household member, not your own.")})
        if action == "remove":
            if _household_member(person, id_number) is None:
                raise ValidationError({"id_number": _("Nobody with this ID number is in your household.")})
            return {"action": action, "id_number": id_number}
        if _household_member(person, id_number) is not None:
            raise ValidationError({"id_number": _("This person is in your household already.")})
        relation = _choice(values, "relation", [(value, label) for value, label in Relation.choices if value != "head"])
        return {
            "action": action,
            "id_number": id_number,
            "name": _text(values, "name", max_length=64, required=True),
            "relation": relation,
            "able_to_work": bool(values.get("able_to_work", True)),
        }
    raise ValidationError({"kind": _("Choose what to change.")})


def on_file(kind: str, person: Person) -> dict:
    """The same fields as they are on file now (shown beside what was asked for)."""
    if kind == Kind.EMPLOYMENT:
        spell = person.employment.filter(ended_on__isnull=True).order_by("-started_on").first()
        if spell is None:
            return {}
        started_on = spell.started_on.isoformat()
        return {"status": spell.status, "started_on": started_on, "employer_name": spell.employer_name}
    if kind == Kind.HOUSEHOLD:
        membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
        if membership is None:
            return {"members": []}
        members = membership.household.members.select_related("person").order_by("pk")
        return {"members": [{"name": m.person.name, "relation": m.relation} for m in members]}
    fields = {
        Kind.PHONE: ("phone",),
        Kind.BANK_ACCOUNT: ("bank_account",),
        Kind.ADDRESS: ("address", "residence_unit", "resident_since"),
        Kind.EDUCATION: ("education", "school", "major", "graduation_date"),
    }[kind]
    snapshot = {}
    for field in fields:
        value = getattr(person, f"{field}_id" if field == "residence_unit" else field)
        snapshot[field] = value.isoformat() if isinstance(value, datetime.date) else value
    return snapshot


# --- Asking -------------------------------------------------------------------------------------------------------


def _check_party(actor, person: Person) -> None:
    """The person themselves (their applicant account), or staff who keep their community's records."""
    if actor.is_applicant:
        if person.account_id != actor.pk:
            raise PermissionDenied(_("An applicant acts only on their own records."))
        return
    require(can_edit_in_unit(actor, person.residence_unit))


def _tell_staff(change_request: ChangeRequest) -> None:
    notify_staff(
        users=users_with_role_over(unit=change_request.unit, role=Role.CASEWORKER).exclude(
            pk=change_request.raised_by_id
        ),
        subject=_("Change request to verify: %(name)s · %(kind)s")
        % {"name": change_request.person.name, "kind": change_request.get_kind_display()},
        link=reverse("casework:change-request-detail", args=[change_request.pk]),
        pending=f"change:{change_request.pk}:decide",
    )


@transaction.atomic
def change_request_submit(*, actor, person: Person, kind: str, values: dict, statement: str = "") -> ChangeRequest:
    """Ask for a change of ``kind`` to ``person``'s record (the person, or a caseworker for them)."""
    person = Person.objects.select_for_update().select_related("residence_unit").get(pk=person.pk)
    if person.merged_into_id is not None:
        raise Conflict(_("This record was merged into another one; record this on the kept record."))
    _check_party(actor, person)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what to change.")})
    proposed = clean_proposed(kind, values, person)
    statement = _text({"statement": statement}, "statement", max_length=STATEMENT_MAX_LENGTH)
    try:
        with transaction.atomic():
            change_request = ChangeRequest.objects.create(
                person=person,
                unit=person.residence_unit,
                kind=kind,
                proposed=proposed,
                on_file=on_file(kind, person),
                statement=statement,
                raised_by=actor,
                on_behalf=not actor.is_applicant,
            )
    except IntegrityError as error:
        raise Conflict(
            _("A request to change this is already waiting: add to it or withdraw it first."), field="kind"
        ) from error
    follow_ups.refresh(person_ids=[person.pk])
    _tell_staff(change_request)
    return change_request


def _locked(change_request: ChangeRequest, *allowed: str) -> ChangeRequest:
    change_request = (
        ChangeRequest.objects.select_for_update()
        .select_related("person", "person__residence_unit", "unit")
        .get(pk=change_request.pk)
    )
    if change_request.status not in allowed:
        raise Conflict(
            _("This change request is %(status)s: it cannot be changed that way.")
            % {"status": change_request.get_status_display()}
        )
    return change_request


@transaction.atomic
def change_request_document_add(
    *, actor, change_request: ChangeRequest, upload, label: str = ""
) -> ChangeRequestDocument:
    """Evidence for a waiting request (PDF, JPEG or PNG; the type from its bytes; the size limited)."""
    label = _text({"label": label}, "label", max_length=255) or (upload.name or "").rsplit(".", 1)[0][:255]
    if not label:
        raise ValidationError({"label": _("Say which document this is.")})
    content_type, sha256 = checked_document(upload)
    change_request = _locked(change_request, ChangeRequest.Status.SUBMITTED)
    _check_party(actor, change_request.person)
    document = ChangeRequestDocument(
        change_request=change_request,
        label=label,
        original_name=(upload.name or "")[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    document.file.save(stored_name(content_type), upload, save=False)
    document.save()
    return document


@transaction.atomic
def change_request_withdraw(*, actor, change_request: ChangeRequest) -> ChangeRequest:
    change_request = _locked(change_request, ChangeRequest.Status.SUBMITTED)
    _check_party(actor, change_request.person)
    change_request.status = ChangeRequest.Status.WITHDRAWN
    change_request.decided_by, change_request.decided_at = actor, timezone.now()
    change_request._change_reason = "withdrawn"
    change_request.save(update_fields=["status", "decided_by", "decided_at"])
    _closed(change_request)
    return change_request


def _closed(change_request: ChangeRequest) -> None:
    """The request is no longer waiting: the worklist item and the notifications that asked for it close now."""
    notifications_resolve(pending=f"change:{change_request.pk}:decide")
    follow_ups.refresh(person_ids=[change_request.person_id], reason="closed: change request decided")


# --- Deciding -----------------------------------------------------------------------------------------------------


def can_decide(actor, change_request: ChangeRequest) -> tuple[bool, str]:
    """A caseworker (or above) of the person's community, who did not ask for the change themselves."""
    if actor.is_applicant:
        return False, _("Only staff decide a change request.")
    allowed, why_not = can_edit_in_unit(actor, change_request.person.residence_unit)
    if not allowed:
        return allowed, why_not
    if change_request.on_behalf and change_request.raised_by_id == actor.pk:
        return False, _("You raised this request: another caseworker verifies and applies it.")
    return True, ""


def _tell_person(change_request: ChangeRequest) -> None:
    phone = change_request.person.phone
    if phone:
        notify_by_sms(
            number=phone,
            text=_("Your request to change your %(kind)s: %(status)s. See the portal for details.")
            % {"kind": change_request.get_kind_display(), "status": change_request.get_status_display()},
        )


@transaction.atomic
def change_request_refuse(*, actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    """Not changed, for a reason the person reads in the portal."""
    reason = _text({"reason": reason}, "reason", max_length=STATEMENT_MAX_LENGTH, required=True)
    change_request = _locked(change_request, ChangeRequest.Status.SUBMITTED)
    require(can_decide(actor, change_request))
    change_request.status = ChangeRequest.Status.REFUSED
    change_request.decided_by, change_request.decided_at = actor, timezone.now()
    change_request.decision_note = reason
    change_request._change_reason = "refused"
    change_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _closed(change_request)
    _tell_person(change_request)
    return change_request


def _reason(change_request: ChangeRequest) -> str:
    return f"change request #{change_request.pk}"


def _apply(actor, change_request: ChangeRequest, values: dict) -> None:
    """Write ``values`` through the services a console edit uses; each history row names the request."""
    person, kind, reason = change_request.person, change_request.kind, _reason(change_request)
    if kind in (Kind.PHONE, Kind.BANK_ACCOUNT, Kind.EDUCATION, Kind.ADDRESS):
        fields = {key: value for key, value in values.items() if key not in ("residence_unit", "resident_since")}
        if "graduation_date" in fields:
            fields["graduation_date"] = parse_date(fields["graduation_date"]) if fields["graduation_date"] else None
        services.person_update(actor=actor, person=person, **fields)
        update_change_reason(person, reason)
        if "residence_unit" in values:
            services.person_move(
                actor=actor,
                person=person,
                residence_unit=ServiceUnit.objects.get(pk=values["residence_unit"]),
                resident_since=parse_date(values["resident_since"]),
            )
            update_change_reason(person, reason)
        return
    if kind == Kind.EMPLOYMENT:
        record = services.employment_record_add(
            actor=actor,
            person=person,
            status=values["status"],
            started_on=parse_date(values["started_on"]),
            employer_name=values.get("employer_name", ""),
        )
        update_change_reason(record, reason)
        return
    # household
    if values["action"] == "remove":
        member = _household_member(person, values["id_number"])
        if member is None:
            raise ValidationError({"id_number": _("Nobody with this ID number is in the household any more.")})
        services.household_member_remove(actor=actor, member=member)
        return
    other = Person.objects.filter(id_number=values["id_number"]).first()
    if other is None:
        raise ValidationError(
            {"id_number": _("Nobody with this ID number is registered yet: register the person first, then apply.")}
        )
    membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
    if membership is None:  # a household of their own first, with the person asking as its head
        household = services.household_create(
            actor=actor, unit=person.residence_unit, members=[(person, Relation.HEAD, True)]
        )
    else:
        household = membership.household
    member = services.household_member_add(
        actor=actor,
        household=household,
        person=other,
        relation=values["relation"],
        able_to_work=values.get("able_to_work", True),
    )
    update_change_reason(member, reason)


@transaction.atomic
def change_request_apply(
    *, actor, change_request: ChangeRequest, note: str = "", values: dict | None = None
) -> ChangeRequest:
    """Verified: write it (the values asked for, or the ones the caseworker corrected after checking the
    evidence). A bank account opens a change waiting for a second confirmation; a change that may alter
    eligibility is handed to the hooks that re-screen the person's grants."""
    note = _text({"note": note}, "note", max_length=STATEMENT_MAX_LENGTH)
    change_request = _locked(change_request, ChangeRequest.Status.SUBMITTED)
    require(can_decide(actor, change_request))
    person = Person.objects.select_for_update().get(pk=change_request.person_id)
    change_request.person = person
    values = clean_proposed(change_request.kind, change_request.proposed if values is None else values, person)
    with acting_as(actor):  # the caseworker is the author of every row the change writes, whoever calls this
        _apply(actor, change_request, values)
    change_request.status = ChangeRequest.Status.APPLIED
    change_request.applied = values
    change_request.decided_by, change_request.decided_at = actor, timezone.now()
    change_request.decision_note = note or _("Verified and changed.")
    change_request._change_reason = "applied"
    change_request.save(update_fields=["status", "applied", "decided_by", "decided_at", "decision_note"])
    if change_request.kind == Kind.BANK_ACCOUNT:
        change = AccountChange.objects.get(person=person, status=AccountChange.Status.PENDING)
        change.change_request = change_request
        change.save(update_fields=["change_request"])
    _closed(change_request)
    if change_request.kind in ELIGIBILITY_KINDS:
        for hook in settings.CASEWORK_CHANGE_APPLIED_HOOKS:
            import_string(hook)(actor=actor, change_request=change_request)
    _tell_person(change_request)
    return change_request


# --- Bank accounts --------------------------------------------------------------------------------------------


def _phone_settled(person: Person, now: datetime.datetime) -> bool:
    """Whether the phone on file has been the same for PHONE_SETTLED_DAYS days (the history tells)."""
    if not person.phone:
        return False
    cutoff = now - datetime.timedelta(days=PHONE_SETTLED_DAYS)
    recent = set(person.history.filter(history_date__gte=cutoff).values_list("phone", flat=True))
    before = person.history.filter(history_date__lt=cutoff).order_by("-history_date").values_list("phone", flat=True)
    phones = recent | set(before[:1])
    return phones <= {person.phone}


def account_change_open(*, actor, party, old: str, new: str) -> AccountChange:
    """``party``'s bank account changed from ``old`` to ``new`` (called by the edit services, in their
    transaction): the change waits for a second confirmation, and the person is sent a code to the phone on
    file when it has been theirs long enough. A second change while one waits is refused."""
    is_person = isinstance(party, Person)
    try:
        with transaction.atomic():
            change = AccountChange.objects.create(
                person=party if is_person else None,
                organization=None if is_person else party,
                unit=party.residence_unit if is_person else party.unit,
                old_account=old,
                new_account=new,
                made_by=actor,
            )
    except IntegrityError as error:
        raise Conflict(
            _("A change of this bank account waits for confirmation: confirm or revert it first."),
            field="bank_account",
        ) from error
    if is_person and _phone_settled(party, timezone.now()):
        _send_code(change, party.phone)
    follow_ups.refresh(person_ids=[party.pk] if is_person else [])
    notify_staff(
        users=users_with_role_over(unit=change.unit, role=Role.CASEWORKER).exclude(pk=getattr(actor, "pk", None)),
        subject=_("New bank account to confirm: %(name)s") % {"name": party.name},
        link=reverse("casework:account-change-list"),
        pending=f"account-change:{change.pk}:confirm",
    )
    return change


def _send_code(change: AccountChange, phone: str) -> None:
    code = verification.numeric_code()
    change.sms_phone = phone
    change.sms_digest = verification.digest(code, purpose=f"account-change-{change.pk}")
    change.sms_sent_at = timezone.now()
    change.save(update_fields=["sms_phone", "sms_digest", "sms_sent_at"])
    notify_by_sms(
        number=phone,
        text=_(
            "The account your subsidies are paid to is being changed to the one ending %(last4)s. If you asked for "
            "this, enter code %(code)s in the portal within %(hours)s hours. If not, do not share the code and call "
            "your job centre."
        )
        % {"last4": change.new_account[-4:], "code": code, "hours": CODE_VALID_HOURS},
    )


def _locked_change(change: AccountChange) -> AccountChange:
    change = (
        AccountChange.objects.select_for_update(of=("self",))
        .select_related("person", "organization", "change_request", "unit")
        .get(pk=change.pk)
    )
    if change.status != AccountChange.Status.PENDING:
        raise Conflict(_("This account change is already %(status)s.") % {"status": change.get_status_display()})
    return change


def can_confirm(actor, change: AccountChange) -> tuple[bool, str]:
    """Staff of the party's unit who neither made the change nor asked for it."""
    if actor.is_applicant:
        return False, _("Confirm with the code sent to your phone.")
    allowed, why_not = can_edit_in_unit(actor, change.unit)
    if not allowed:
        return allowed, why_not
    took_part = {change.made_by_id}
    if change.change_request_id and change.change_request.on_behalf:
        took_part.add(change.change_request.raised_by_id)
    if actor.pk in took_part:
        return False, _("You made or asked for this change: another staff member confirms it.")
    return True, ""


def _settled(change: AccountChange, actor, resolution: str) -> None:
    notifications_resolve(pending=f"account-change:{change.pk}:confirm")
    if change.person_id:
        follow_ups.refresh(person_ids=[change.person_id], reason="closed: account change settled")
    for hook in settings.CASEWORK_ACCOUNT_SETTLED_HOOKS:
        import_string(hook)(actor=actor, change=change, resolution=resolution)


@transaction.atomic
def account_change_confirm(*, actor, change: AccountChange) -> AccountChange:
    """A second staff member confirms the new account: the held payments go to it from the next generation."""
    change = _locked_change(change)
    require(can_confirm(actor, change))
    change.status, change.confirmed_by, change.confirmed_at = AccountChange.Status.CONFIRMED, actor, timezone.now()
    change.confirmed_via = AccountChange.Via.STAFF
    change._change_reason = "confirmed by staff"
    change.save(update_fields=["status", "confirmed_by", "confirmed_at", "confirmed_via"])
    _settled(change, actor, _("New account confirmed by a second staff member: paid from the next generation."))
    return change


def can_confirm_by_code(actor, change: AccountChange) -> tuple[bool, str]:
    if not (change.person_id and actor.is_applicant and change.person.account_id == actor.pk):
        return False, _("An applicant acts only on their own records.")
    if not change.sms_digest:
        return False, _("No code was sent for this change: a staff member of your job centre confirms it.")
    if change.sms_attempts >= CODE_MAX_ATTEMPTS:
        return False, _("Too many wrong codes: a staff member of your job centre confirms it now.")
    return True, ""


def account_change_code_confirm(*, actor, change: AccountChange, code: str) -> AccountChange:
    """The person confirms with the code sent to their phone on file before the change. A wrong or expired code
    is counted (committed, then the error raised): after CODE_MAX_ATTEMPTS only staff can confirm."""
    with transaction.atomic():
        change = _locked_change(change)
        require(can_confirm_by_code(actor, change))
        expired = change.sms_sent_at + datetime.timedelta(hours=CODE_VALID_HOURS) < timezone.now()
        typed = re.sub(r"\s", "", code if isinstance(code, str) else "")
        right = not expired and verification.matches(change.sms_digest, typed, purpose=f"account-change-{change.pk}")
        if right:
            change.status, change.confirmed_by = AccountChange.Status.CONFIRMED, actor
            change.confirmed_at, change.confirmed_via = timezone.now(), AccountChange.Via.SMS
            change._change_reason = "confirmed by SMS code"
            change.save(update_fields=["status", "confirmed_by", "confirmed_at", "confirmed_via"])
            _settled(change, actor, _("New account confirmed with the code sent to the phone on file."))
        else:
            change.sms_attempts += 1
            change.save(update_fields=["sms_attempts"])
    if not right:
        message = _("The code has expired: ask for a new one.") if expired else _("The code is not right.")
        raise ValidationError({"code": message})
    return change


@transaction.atomic
def account_change_code_resend(*, actor, change: AccountChange) -> AccountChange:
    """A new code to the same phone (the one on file before the change), at most once a minute."""
    change = _locked_change(change)
    require(can_confirm_by_code(actor, change))
    resend = datetime.timedelta(seconds=settings.CASEWORK_SMS_RESEND_SECONDS)
    if change.sms_sent_at and change.sms_sent_at > timezone.now() - resend:
        raise TooSoon(_("A code was sent less than a minute ago. Wait a moment before asking again."))
    _send_code(change, change.sms_phone)
    return change


@transaction.atomic
def account_change_revert(*, actor, change: AccountChange, reason: str) -> AccountChange:
    """The change was wrong (or not the person's): the old account is written back, and nothing is paid to the
    new one. Any staff member of the unit may revert, the one who made the change too."""
    reason = _text({"reason": reason}, "reason", max_length=STATEMENT_MAX_LENGTH, required=True)
    change = _locked_change(change)
    if actor.is_applicant:
        raise PermissionDenied(_("Only staff revert an account change."))
    require(can_edit_in_unit(actor, change.unit))
    party = change.party
    party.bank_account = change.old_account
    party.save(update_fields=["bank_account"])  # a history row with the old account back
    update_change_reason(party, f"account change #{change.pk} reverted")
    change.status, change.reverted_by, change.reverted_at = AccountChange.Status.REVERTED, actor, timezone.now()
    change.revert_reason = reason
    change._change_reason = "reverted"
    change.save(update_fields=["status", "reverted_by", "reverted_at", "revert_reason"])
    _settled(change, actor, _("Account change reverted: paid to the previous account from the next generation."))
    return change


def account_change_after_edit(*, actor, party, old: str) -> None:
    """The edit services call this after saving ``party``: an account set or changed on an existing record (a
    first one too: money would go there all the same) opens a change waiting for confirmation."""
    if party.bank_account and party.bank_account != old:
        account_change_open(actor=actor, party=party, old=old, new=party.bank_account)
