"""Console forms of the registers. Forms only collect and type-check input; services do the validation that
matters and their errors come back onto the form field they name (``apply_service_errors``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceUnit
from accounts.validators import PAST
from core.forms import DateInput, only_one

from .models import (
    ContactChannel,
    ContactOutcome,
    EmploymentStatus,
    ExitReason,
    Organization,
    OrganizationKind,
    Person,
    Referral,
    Relation,
)

# Dates of a record that say when something already happened: not after today (accounts.validators).
PAST_DATES = ("birth_date", "resident_since", "dibao_since", "registered_on")


def _model_field(name, model=Person, **overrides):
    field = model._meta.get_field(name).formfield(**overrides)
    if isinstance(field, forms.DateField):
        field.widget = DateInput()
        if name in PAST_DATES:
            field.validators.append(PAST)
    return field


PERSON_FIELDS = [name for name in Person.EDITABLE_FIELDS if name != "name"]


# Never sent to the browser: the field starts empty with the masked value as a hint, and empty keeps it.
SECRET_FIELDS = ("phone", "bank_account")


class PersonEditForm(forms.Form):
    name = _model_field("name")

    def __init__(self, *args, masked: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PERSON_FIELDS:
            self.fields[name] = _model_field(name, required=False)
        self.fields["phone"].max_length = 20
        for name, value in (masked or {}).items():
            if value:
                self.fields[name].widget.attrs["placeholder"] = value
                self.fields[name].help_text = _("Leave empty to keep the number on file.")


class PersonCreateForm(PersonEditForm):
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    residence_unit = forms.ModelChoiceField(label=_("community of residence"), queryset=ServiceUnit.objects.none())

    field_order = ["name", "id_number", "residence_unit"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = ServiceUnit.objects.visible_to(user).filter(level=ServiceUnit.Level.COMMUNITY)
        self.fields["residence_unit"].queryset = communities
        only_one(self.fields["residence_unit"], communities)


class NameConflictForm(forms.Form):
    """Which recorded name conflict of the person to settle (the choice to keep comes as ``keep``)."""

    conflict = forms.IntegerField(label=_("name conflict"), min_value=1)


class UnmaskForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full numbers?"), max_length=255)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("channel"), choices=ContactChannel.choices, initial=ContactChannel.PHONE)
    outcome = forms.ChoiceField(label=_("outcome"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    next_follow_up_on = forms.DateField(label=_("next follow-up"), widget=DateInput(), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))


class EmploymentForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=EmploymentStatus.choices)
    started_on = forms.DateField(label=_("from"), widget=DateInput())
    employer_name = forms.CharField(label=_("employer name"), max_length=128, required=False)
    registration_no = forms.CharField(label=_("registration certificate number"), max_length=64, required=False)


class EntryForm(forms.Form):
    register = forms.ChoiceField(label=_("register"))
    entered_on = forms.DateField(label=_("entered on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), max_length=255, required=False)

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].choices = [(r.code, r.display_name) for r in registers]


class ExitForm(forms.Form):
    exited_on = forms.DateField(label=_("exited on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("exit reason"), choices=ExitReason.choices)


class AssistanceForm(forms.Form):
    caseworker = forms.ModelChoiceField(label=_("caseworker"), queryset=None)
    reason = forms.CharField(label=_("reason"), max_length=255)
    started_on = forms.DateField(label=_("from"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, caseworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = caseworkers


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Referral.Kind.choices)
    description = forms.CharField(label=_("what"), max_length=255)
    referred_on = forms.DateField(label=_("referred on"), widget=DateInput(), initial=timezone.localdate)


class MoveForm(forms.Form):
    """A move to another community of the caseworker's area (the registers the person is on move along)."""

    residence_unit = forms.ModelChoiceField(label=_("new community"), queryset=ServiceUnit.objects.none())
    resident_since = forms.DateField(label=_("resident there since"), widget=DateInput(), validators=[PAST])

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_unit"].queryset = (
            ServiceUnit.objects.visible_to(user)
            .filter(level=ServiceUnit.Level.COMMUNITY, is_active=True)
            .exclude(pk=person.residence_unit_id)
            .order_by("path")
        )


class ReferralOutcomeForm(forms.Form):
    """What came of a referral (a job, a training place, an incubator, a public-welfare post)."""

    referral = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[c for c in Referral.Outcome.choices if c[0] != Referral.Outcome.PENDING]
    )
    outcome_on = forms.DateField(label=_("outcome on"), widget=DateInput(), validators=[PAST])


class HouseholdForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("community"), queryset=ServiceUnit.objects.none())
    address = forms.CharField(label=_("address"), max_length=255, required=False)
    is_dibao = forms.BooleanField(label=_("minimum-living-allowance (dibao) household"), required=False)
    dibao_since = forms.DateField(label=_("dibao since"), widget=DateInput(), required=False, validators=[PAST])
    members = forms.CharField(
        label=_("members"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One member a line: ID number, relation (户主, 配偶, 子女, 父母, 兄弟姐妹, 孙子女, 其他), "
            "and “不能工作” if the member cannot work. The first line is the head of household."
        ),
    )

    RELATIONS = {
        "户主": "head",
        "配偶": "spouse",
        "子女": "child",
        "父母": "parent",
        "兄弟姐妹": "sibling",
        "孙子女": "grandchild",
        "其他": "other",
        **{value: value for value in Relation.values},
    }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = ServiceUnit.objects.visible_to(user).filter(level=ServiceUnit.Level.COMMUNITY)

    def clean_members(self):
        """Turn the lines into (person, relation, able_to_work), naming the line of any error."""
        members, errors = [], []
        lines = [line.strip() for line in self.cleaned_data["members"].splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = line.replace("，", ",").replace(",", " ").split()
            person = Person.objects.visible_to(self.user).filter(id_number=parts[0].upper()).first()
            relation = self.RELATIONS.get(parts[1] if len(parts) > 1 else ("户主" if number == 1 else "其他"))
            if person is None:
                errors.append(_("Line %(n)d: no person with this ID number in your area.") % {"n": number})
            elif relation is None:
                errors.append(_("Line %(n)d: unknown relation “%(r)s”.") % {"n": number, "r": parts[1]})
            else:
                members.append((person, relation, "不能工作" not in parts))
        if errors:
            raise ValidationError(errors)
        if not members:
            raise ValidationError(_("Add at least one member."))
        return members


class OrganizationForm(forms.Form):
    name = _model_field("name", model=Organization)
    kind = forms.ChoiceField(label=_("kind"), choices=OrganizationKind.choices)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=32)
    unit = forms.ModelChoiceField(label=_("service unit"), queryset=ServiceUnit.objects.none())
    legal_representative = _model_field("legal_representative", model=Organization, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    address = _model_field("address", model=Organization, required=False)
    registered_on = forms.DateField(label=_("registered on"), widget=DateInput(), required=False, validators=[PAST])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = ServiceUnit.objects.visible_to(user)


class OrganizationEditForm(forms.Form):
    """What a caseworker corrects on an organization; its credit code and unit never change here (the code is
    its identity; a move to another unit is a matter for an administrator)."""

    name = _model_field("name", model=Organization)
    kind = forms.ChoiceField(label=_("kind"), choices=OrganizationKind.choices)
    legal_representative = _model_field("legal_representative", model=Organization, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    address = _model_field("address", model=Organization, required=False)
    registered_on = forms.DateField(label=_("registered on"), widget=DateInput(), required=False, validators=[PAST])

    def __init__(self, *args, masked_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked_phone:
            self.fields["contact_phone"].widget.attrs["placeholder"] = masked_phone
            self.fields["contact_phone"].help_text = _("Leave empty to keep the number on file.")


class HouseholdEditForm(forms.Form):
    address = forms.CharField(label=_("address"), max_length=255, required=False)
    is_dibao = forms.BooleanField(label=_("minimum-living-allowance (dibao) household"), required=False)
    dibao_since = forms.DateField(label=_("dibao since"), widget=DateInput(), required=False, validators=[PAST])


class HouseholdMemberForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=32)
    relation = forms.ChoiceField(label=_("relation"), choices=Relation.choices, initial=Relation.CHILD)
    able_to_work = forms.BooleanField(label=_("able to work"), required=False, initial=True)
