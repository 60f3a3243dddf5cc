"""Reads of change requests (信息变更申请) and bank-account changes, for the console, the REST API and the portal
alike: the staff's lists and details (scoped to their area: 404 for missing and not theirs alike; a list costs a
fixed number of queries whatever its length), the applicant's own (nobody else's, whatever the id), what the
person page and the worklist show of them, and the values of a request as a person reads them: each field with its
label and its value in words, personal numbers masked."""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import ServiceUnit

from .identity import mask_account, mask_id_number, mask_phone
from .models import (
    AccountChange,
    ChangeRequest,
    ChangeRequestDocument,
    Education,
    EmploymentStatus,
    Person,
    Relation,
)
from .services_changes import CODE_MAX_ATTEMPTS, CODE_VALID_HOURS, can_confirm

Kind = ChangeRequest.Kind

# What a person reads beside each value of a request.
FIELD_LABELS = {
    "phone": gettext_lazy("mobile phone"),
    "bank_account": gettext_lazy("bank account"),
    "address": gettext_lazy("address"),
    "residence_unit": gettext_lazy("community of residence"),
    "resident_since": gettext_lazy("resident since"),
    "education": gettext_lazy("education"),
    "school": gettext_lazy("school"),
    "major": gettext_lazy("major"),
    "graduation_date": gettext_lazy("graduation date"),
    "status": gettext_lazy("Employment status"),
    "started_on": gettext_lazy("Since"),
    "employer_name": gettext_lazy("employer name"),
    "members": gettext_lazy("Household members"),
    "action": gettext_lazy("Add or remove"),
    "id_number": gettext_lazy("ID number"),
    "name": pgettext_lazy("of a person", "name"),
    "relation": gettext_lazy("relation"),
    "able_to_work": gettext_lazy("able to work"),
}
# The fields of each kind, in the order they are shown: the form's order, and for a household the members as they
# are and would be, then the member to add or take out.
KIND_FIELDS = {
    Kind.PHONE: ("phone",),
    Kind.BANK_ACCOUNT: ("bank_account",),
    Kind.ADDRESS: ("address", "residence_unit", "resident_since"),
    Kind.EDUCATION: ("education", "school", "major", "graduation_date"),
    Kind.EMPLOYMENT: ("status", "started_on", "employer_name"),
    Kind.HOUSEHOLD: ("members", "action", "id_number", "name", "relation", "able_to_work"),
}
# The fields that describe the member to add or take out: nothing is on file beside them.
_MEMBER_FIELDS = ("action", "id_number", "name", "relation", "able_to_work")
HOUSEHOLD_ACTIONS = {"add": gettext_lazy("Add a member"), "remove": gettext_lazy("Remove a member")}
MASKS = {"phone": mask_phone, "bank_account": mask_account, "id_number": mask_id_number}


# --- Change requests --------------------------------------------------------------------------------------------

_REQUEST_RELATED = ("person", "person__residence_unit", "unit", "raised_by", "decided_by")
_CHANGE_RELATED = (
    "person",
    "organization",
    "unit",
    "made_by",
    "change_request",
    "change_request__raised_by",
    "confirmed_by",
    "reverted_by",
)
_DOCUMENTS = Prefetch("documents", queryset=ChangeRequestDocument.objects.order_by("uploaded_at", "pk"))
_ACCOUNT_CHANGES = Prefetch(
    "account_changes",
    queryset=AccountChange.objects.select_related(*_CHANGE_RELATED).order_by("-made_at", "-pk"),
)


def _with_details(requests):
    """…with their documents (in the order added) and the bank-account changes they made (newest first)."""
    return requests.prefetch_related(_DOCUMENTS, _ACCOUNT_CHANGES)


def change_request_list(*, user, status: str, kind: str = "", with_details: bool = False):
    """The change requests of the user's area (``status``, ``kind`` blank: all); those waiting oldest first (the
    order to verify them in), the rest newest first; everything a row shows fetched with them (``with_details``:
    their documents and bank-account changes too)."""
    requests = ChangeRequest.objects.visible_to(user).select_related(*_REQUEST_RELATED)
    if with_details:
        requests = _with_details(requests)
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    if status == ChangeRequest.Status.SUBMITTED:
        return requests.order_by("raised_at", "pk")
    return requests.order_by("-raised_at", "-pk")


def change_request_get_for_user(*, user, change_request_id: int) -> ChangeRequest:
    """One change request of the user's area, with its documents and bank-account changes; 404 for a missing one
    and for one outside it alike."""
    requests = _with_details(ChangeRequest.objects.visible_to(user).select_related(*_REQUEST_RELATED))
    return get_object_or_404(requests, pk=change_request_id)


def change_request_document_of(change_request: ChangeRequest, document_id: int) -> ChangeRequestDocument:
    """A document of the request (404 for one of another request)."""
    return get_object_or_404(ChangeRequestDocument.objects.filter(change_request=change_request), pk=document_id)


def change_requests_of_person(*, person: Person) -> list[ChangeRequest]:
    """The person's latest change requests, newest first (the person page's panel)."""
    return list(person.change_requests.select_related("raised_by", "decided_by").order_by("-raised_at", "-pk")[:20])


def waiting_requests_by_person(*, person_ids) -> dict[int, int]:
    """For each person, the waiting change request asked first (where the worklist item sends the caseworker)."""
    found, person_ids = {}, list(person_ids)
    if not person_ids:
        return found
    rows = ChangeRequest.objects.waiting().filter(person_id__in=person_ids).order_by("raised_at", "pk")
    for person_id, pk in rows.values_list("person_id", "pk"):
        found.setdefault(person_id, pk)
    return found


# --- Bank-account changes ---------------------------------------------------------------------------------------


def account_change_list(*, user, status: str = "", settled_since: datetime.datetime | None = None):
    """The bank-account changes of the user's area (``status`` blank: all; ``settled_since``: only those no
    longer waiting, made since then); those waiting oldest first, the rest newest first."""
    changes = AccountChange.objects.visible_to(user).select_related(*_CHANGE_RELATED)
    if status:
        changes = changes.filter(status=status)
    if settled_since is not None:
        changes = changes.exclude(status=AccountChange.Status.PENDING).filter(made_at__gte=settled_since)
    if status == AccountChange.Status.PENDING:
        return changes.order_by("made_at", "pk")
    return changes.order_by("-made_at", "-pk")


def account_change_get_for_user(*, user, change_id: int) -> AccountChange:
    """One account change of the user's area; 404 for a missing one and for one outside it alike."""
    return get_object_or_404(AccountChange.objects.visible_to(user).select_related(*_CHANGE_RELATED), pk=change_id)


def pending_account_change(*, person: Person) -> AccountChange | None:
    return person.account_changes.pending().select_related("made_by").first()


def with_confirm_rights(*, user, changes) -> list[AccountChange]:
    """Each pending change with ``can_confirm`` and ``cannot_confirm_because`` for ``user``. The predicate reads
    only the change's unit and who made or asked for it: rows alike in those are asked once, so a page of one
    community's changes made by the same few people costs a few queries, not one per row."""
    answers, rows = {}, []
    for change in changes:
        request = change.change_request
        key = (
            change.unit_id,
            change.made_by_id,
            request.raised_by_id if request is not None and request.on_behalf else None,
        )
        if key not in answers:
            answers[key] = can_confirm(user, change)
        change.can_confirm, change.cannot_confirm_because = answers[key]
        rows.append(change)
    return rows


def code_expires_at(change: AccountChange) -> datetime.datetime | None:
    if change.sms_sent_at is None:
        return None
    return change.sms_sent_at + datetime.timedelta(hours=CODE_VALID_HOURS)


def may_confirm_by_code(change: AccountChange) -> bool:
    """Whether the person can still type the code sent for the change (they may ask for a new one when it has
    expired)."""
    return (
        change.status == AccountChange.Status.PENDING
        and bool(change.sms_digest)
        and change.sms_attempts < CODE_MAX_ATTEMPTS
        and change.person_id is not None
    )


def code_expired(change: AccountChange) -> bool:
    expires = code_expires_at(change)
    return expires is not None and expires < timezone.now()


# --- The applicant's own ----------------------------------------------------------------------------------------


def my_person(*, user) -> Person | None:
    """The person record the applicant's account has claimed (None: no record, or an employer's account)."""
    if not user.is_authenticated or not user.is_applicant:
        return None
    return Person.objects.select_related("residence_unit").filter(account=user, merged_into__isnull=True).first()


def my_change_request_list(*, user):
    """The applicant's own change requests, newest first, with their documents and bank-account changes."""
    if not user.is_authenticated or not user.is_applicant:
        return ChangeRequest.objects.none()
    requests = ChangeRequest.objects.filter(person__account=user).select_related(*_REQUEST_RELATED)
    return _with_details(requests).order_by("-raised_at", "-pk")


def my_change_request_get(*, user, change_request_id: int) -> ChangeRequest:
    return get_object_or_404(my_change_request_list(user=user), pk=change_request_id)


def my_account_change_list(*, user):
    """The changes of the applicant's own bank account on file, newest first."""
    if not user.is_authenticated or not user.is_applicant:
        return AccountChange.objects.none()
    changes = AccountChange.objects.filter(person__account=user).select_related("person", "change_request")
    return changes.order_by("-made_at", "-pk")


def my_account_change_get(*, user, change_id: int) -> AccountChange:
    return get_object_or_404(my_account_change_list(user=user), pk=change_id)


# --- What a person reads ----------------------------------------------------------------------------------------


def communities_of_city(*, city_code: str):
    """The active communities of a city, by district and street (a person moves within their city)."""
    return (
        ServiceUnit.objects.filter(level=ServiceUnit.Level.COMMUNITY, city_code=city_code, is_active=True)
        .select_related("parent", "parent__parent")
        .order_by("path")
    )


def communities_by_id(unit_ids) -> list[ServiceUnit]:
    return list(ServiceUnit.objects.filter(pk__in=unit_ids).select_related("parent", "parent__parent"))


def community_label(unit: ServiceUnit) -> str:
    """``中山区 青泥洼桥街道 友好社区``: the community with the district and street it lies in."""
    names = [unit.name]
    parent = unit.parent
    while parent is not None and parent.level in (ServiceUnit.Level.STREET, ServiceUnit.Level.DISTRICT):
        names.insert(0, parent.name)
        parent = parent.parent if parent.level == ServiceUnit.Level.STREET else None
    return " ".join(names)


def _members_text(members) -> str:
    """``张三（户主）、张小（子女）``: each member with their relation to the head."""
    labels = dict(Relation.choices)
    return "、".join(
        _("%(name)s (%(relation)s)") % {"name": m["name"], "relation": labels.get(m["relation"], m["relation"])}
        for m in members
        if isinstance(m, dict)
    )


def display_value(field: str, value, *, units: dict[int, str]) -> str:
    """One stored value in words (blank for none): choices by their label, a community by its name (``units``:
    the names by id), numbers masked."""
    if value in (None, ""):
        return ""
    if field in MASKS:
        return MASKS[field](str(value))
    if field == "residence_unit":
        return units.get(value, "")
    if field == "education":
        return str(dict(Education.choices).get(value, value))
    if field == "status":
        return str(dict(EmploymentStatus.choices).get(value, value))
    if field == "relation":
        return str(dict(Relation.choices).get(value, value))
    if field == "action":
        return str(HOUSEHOLD_ACTIONS.get(value, value))
    if field == "able_to_work":
        return _("Yes") if value else _("No")
    if field == "members":
        return _members_text(value) if isinstance(value, list) else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _household_values(change_request: ChangeRequest, values: dict, names: dict) -> dict:
    """The values of a household request with what they mean for the household: ``members`` as it would be after
    them, and for a member taken out, the ``name`` of who leaves (the person on file with that ID number; ``names``
    keeps those read, by ID number)."""
    members = [m for m in (change_request.on_file or {}).get("members") or [] if isinstance(m, dict)]
    values = dict(values)
    if values.get("action") == "add":
        values["members"] = [*members, {"name": values.get("name", ""), "relation": values.get("relation")}]
        return values
    id_number = values.get("id_number")
    if id_number and id_number not in names:
        names[id_number] = Person.objects.filter(id_number=id_number).values_list("name", flat=True).first() or ""
    values["name"] = names.get(id_number, "") if id_number else ""
    values["members"] = [m for m in members if m.get("name") != values["name"]]
    return values


def _value_rows(change_request: ChangeRequest) -> list[dict]:
    """Each field of the request: its label, and in words what was on file when it was asked (``on_file``), what
    was asked for (``asked``) and what was written when it was applied (``applied``); ``asked`` and ``applied``
    are None where the request, or what was written, leaves the field as it is. A field that none of them holds
    is left out."""
    on_file, proposed, applied = change_request.on_file or {}, change_request.proposed or {}, change_request.applied
    if change_request.kind == Kind.HOUSEHOLD:
        names = {}
        proposed = _household_values(change_request, proposed, names)
        applied = _household_values(change_request, applied, names) if applied else {}
    applied = applied or {}
    documents = (on_file, proposed, applied)
    unit_ids = {values.get("residence_unit") for values in documents if isinstance(values.get("residence_unit"), int)}
    units = {unit.pk: community_label(unit) for unit in communities_by_id(unit_ids)} if unit_ids else {}
    rows = []
    for field in KIND_FIELDS[change_request.kind]:
        row = {
            "field": field,
            "label": str(FIELD_LABELS[field]),
            "on_file": display_value(field, on_file.get(field), units=units),
            "asked": display_value(field, proposed[field], units=units) if field in proposed else None,
            "applied": display_value(field, applied[field], units=units) if field in applied else None,
        }
        if row["on_file"] or row["asked"] or row["applied"]:
            rows.append(row)
    return rows


def change_request_values(change_request: ChangeRequest) -> list[dict]:
    """Each field of the request (the API's and the portal's): its label, and in words what was on file when it
    was asked, what was asked for and what was written when it was applied (blank where none)."""
    return [
        {**row, "asked": row["asked"] or "", "applied": row["applied"] or ""} for row in _value_rows(change_request)
    ]


def change_rows(*, change_request: ChangeRequest) -> dict:
    """The console's table of the same rows: what is on file beside what was asked for (``proposed``, empty for a
    field the request leaves as it is: an address within the same community) and, once applied, what was written
    where it differs from what was asked (``shows_applied``); a blank value reads ``—`` (the member to add or
    take out has nothing on file: blank)."""
    proposed, applied = change_request.proposed or {}, change_request.applied or {}
    shows_applied = bool(change_request.status == ChangeRequest.Status.APPLIED and applied and applied != proposed)

    def shown(value) -> str:
        return "" if value is None else value or "—"

    rows = []
    for row in _value_rows(change_request):
        on_file = row["on_file"] or ("" if row["field"] in _MEMBER_FIELDS else "—")
        table_row = {"label": row["label"], "on_file": on_file, "proposed": shown(row["asked"])}
        if shows_applied:
            table_row["applied"] = shown(row["applied"])
        rows.append(table_row)
    return {"rows": rows, "shows_applied": shows_applied}


def on_file_now(person: Person) -> dict[str, str]:
    """What the form shows as "on file now" beside each field a person may ask to change (numbers masked)."""
    units = {person.residence_unit_id: community_label(person.residence_unit)}
    values = {
        "phone": person.phone,
        "bank_account": person.bank_account,
        "address": person.address,
        "residence_unit": person.residence_unit_id,
        "resident_since": person.resident_since,
        "education": person.education,
        "school": person.school,
        "major": person.major,
        "graduation_date": person.graduation_date,
    }
    spell = person.employment.filter(ended_on__isnull=True).order_by("-started_on").first()
    if spell is not None:
        values.update(status=spell.status, started_on=spell.started_on, employer_name=spell.employer_name)
    return {field: display_value(field, value, units=units) for field, value in values.items()}


def outcome(change_request: ChangeRequest) -> str:
    """Where the request stands, in a sentence the person reads (a refusal with its reason)."""
    Status = ChangeRequest.Status
    if change_request.status == Status.APPLIED:
        return _("Changed.")
    if change_request.status == Status.REFUSED:
        return _("Not changed: %(reason)s") % {"reason": change_request.decision_note}
    if change_request.status == Status.WITHDRAWN:
        return _("Withdrawn: nothing was changed.")
    return _("Waiting for a caseworker of your community to verify it.")
