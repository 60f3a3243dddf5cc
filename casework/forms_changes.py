"""Console forms of change requests and bank-account changes. They collect and type-check; what a value may be is
checked by ``services_changes.clean_proposed``, whose errors come back onto the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceUnit
from core.forms import DateInput

from .models import ChangeRequest, Education, EmploymentStatus, Relation
from .services_changes import STATEMENT_MAX_LENGTH

Kind = ChangeRequest.Kind
# The kinds whose values the caseworker may correct when applying: the phone, the account and the household's ID
# number are never sent back to the browser in full, so those are applied as asked or refused.
CORRECTABLE = (Kind.ADDRESS, Kind.EDUCATION, Kind.EMPLOYMENT)


def _text(label, max_length, required=False):
    return forms.CharField(label=label, max_length=max_length, required=required)


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=DateInput())


def kind_fields(kind: str, person) -> dict[str, forms.Field]:
    """The fields a request of ``kind`` asks for, named as the service names them."""
    if kind == Kind.PHONE:
        return {"phone": _text(_("new mobile number"), 20, required=True)}
    if kind == Kind.BANK_ACCOUNT:
        return {"bank_account": _text(_("new bank or social security card account"), 40, required=True)}
    if kind == Kind.ADDRESS:
        communities = ServiceUnit.objects.filter(
            level=ServiceUnit.Level.COMMUNITY, city_code=person.residence_unit.city_code, is_active=True
        ).order_by("path")
        return {
            "address": _text(_("address"), 255, required=True),
            "residence_unit": forms.ModelChoiceField(
                label=_("community of residence"),
                queryset=communities,
                required=False,
                empty_label=_("unchanged"),
                help_text=_("Only when the person moved to another community of the city."),
            ),
            "resident_since": _date(_("resident there since")),
        }
    if kind == Kind.EDUCATION:
        return {
            "education": forms.ChoiceField(label=_("education"), choices=Education.choices),
            "school": _text(_("school"), 128),
            "major": _text(_("major"), 128),
            "graduation_date": _date(_("graduation date")),
        }
    if kind == Kind.EMPLOYMENT:
        return {
            "status": forms.ChoiceField(label=_("Employment status"), choices=EmploymentStatus.choices),
            "started_on": _date(_("from"), required=True),
            "employer_name": _text(_("employer name"), 128),
        }
    if kind == Kind.HOUSEHOLD:
        return {
            "action": forms.ChoiceField(
                label=_("what changes"), choices=[("add", _("Add a member")), ("remove", _("Take a member out"))]
            ),
            "id_number": _text(_("ID number of the member"), 32, required=True),
            "name": _text(_("Full name (when adding)"), 64),
            "relation": forms.ChoiceField(
                label=_("relation (when adding)"),
                choices=[("", "—"), *[(v, label) for v, label in Relation.choices if v != Relation.HEAD]],
                required=False,
            ),
            "able_to_work": forms.BooleanField(label=_("able to work (when adding)"), required=False, initial=True),
        }
    return {}


def values_of(form: forms.Form, kind: str, person) -> dict:
    """The kind's values as the service takes them (a community as its id)."""
    values = {}
    for name in kind_fields(kind, person):
        value = form.cleaned_data.get(name)
        if name == "residence_unit":
            value = value.pk if value is not None else ""
        values[name] = "" if value is None else value
    return values


class KindForm(forms.Form):
    """Step one of raising a request: what to change (then the fields of that kind)."""

    kind = forms.ChoiceField(label=_("what to change"), choices=Kind.choices)


class ChangeRequestForm(forms.Form):
    """A caseworker raises a request for the person: the fields of one kind and the reasons."""

    def __init__(self, *args, kind: str, person, **kwargs):
        super().__init__(*args, **kwargs)
        # the kind is posted beside the fields (the view reads it first): a conflict the service names on "kind"
        # (a request of that kind already waits) is then said above the form
        self.kind, self.kind_label = kind, Kind(kind).label
        self.fields.update(kind_fields(kind, person))
        self.fields["statement"] = forms.CharField(
            label=_("reasons and what was checked"),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=STATEMENT_MAX_LENGTH,
            required=False,
        )


class ApplyForm(forms.Form):
    """Verified: a note, and for the kinds a caseworker may correct, the values to write (the ones asked for to
    begin with)."""

    def __init__(self, *args, change_request: ChangeRequest, **kwargs):
        self.correctable = change_request.kind in CORRECTABLE
        initial = dict(change_request.proposed) if self.correctable else {}
        super().__init__(*args, initial=initial, **kwargs)
        if self.correctable:
            self.fields.update(kind_fields(change_request.kind, change_request.person))
            for field in self.fields.values():  # what was asked for is the start: a corrected value replaces it
                field.required = False
        self.change_request = change_request
        self.fields["note"] = forms.CharField(
            label=_("note (what was checked)"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=STATEMENT_MAX_LENGTH,
            required=False,
        )

    def corrected_values(self) -> dict | None:
        """The values to write when the caseworker's form carried them (the fields of a kind that may be
        corrected); None to write the ones asked for."""
        kind, person = self.change_request.kind, self.change_request.person
        if not self.correctable or not any(name in self.data for name in kind_fields(kind, person)):
            return None
        return values_of(self, kind, person)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("why it is not changed (the person reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=STATEMENT_MAX_LENGTH,
    )


class RevertForm(forms.Form):
    reason = forms.CharField(label=_("why the change is wrong"), max_length=STATEMENT_MAX_LENGTH)
