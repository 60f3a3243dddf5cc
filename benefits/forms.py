"""Console forms of the policy engine."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import PAST
from casework.forms import DateInput
from casework.models import Education, HukouType

CITIES = [("dalian", "大连"), ("daqing", "大庆"), ("jinan", "济南"), ("chaoyang", "朝阳"), ("yiyang", "益阳")]


class ParameterValueForm(forms.Form):
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    value = forms.DecimalField(label=_("value"), max_digits=20, decimal_places=6, min_value=0)
    source = forms.CharField(
        label=_("source"), max_length=255, required=False, help_text=_("The notice or document that sets this value.")
    )


class WhatIfForm(forms.Form):
    """Facts typed in by a caseworker for someone not (yet) on file; nothing is stored."""

    city = forms.ChoiceField(label=_("city"), choices=CITIES)
    as_of = forms.DateField(label=_("As of"), widget=DateInput(), initial=timezone.localdate)
    birth_date = forms.DateField(label=_("birth date"), widget=DateInput(), required=False, validators=[PAST])
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), ("M", _("Male")), ("F", _("Female"))], required=False)
    retirement_category = forms.ChoiceField(
        label=_("retirement age category"),
        required=False,
        choices=[
            ("", "—"),
            ("male", _("Man (60)")),
            ("female_50", _("Woman, worker (50)")),
            ("female_55", _("Woman, cadre or technical post (55)")),
        ],
    )
    education = forms.ChoiceField(label=_("education"), choices=[("", "—"), *Education.choices], required=False)
    graduation_date = forms.DateField(label=_("graduation date"), widget=DateInput(), required=False)
    hukou_type = forms.ChoiceField(label=_("hukou type"), choices=[("", "—"), *HukouType.choices], required=False)
    hukou_local = forms.BooleanField(label=_("hukou in this city"), required=False)
    employment = forms.ChoiceField(
        label=_("employment now"),
        required=False,
        choices=[
            ("", "—"),
            ("unemployed", _("Unemployed (registered)")),
            ("employed", _("Employed")),
            ("flexible", _("Flexibly employed")),
            ("self_employed", _("Self-employed or business owner")),
        ],
    )
    registers = forms.MultipleChoiceField(label=_("registers"), required=False, widget=forms.CheckboxSelectMultiple)
    is_disabled = forms.BooleanField(label=_("person with a disability"), required=False)
    has_student_loan = forms.BooleanField(label=_("received a national student loan"), required=False)
    is_orphan = forms.BooleanField(label=_("orphan"), required=False)
    dibao = forms.BooleanField(label=_("minimum-living-allowance (dibao) household"), required=False)
    poverty_registered = forms.BooleanField(label=_("registered-poverty (建档立卡) household"), required=False)
    poor_disabled = forms.BooleanField(label=_("poor disabled (贫困残疾人) household"), required=False)

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registers"].choices = [(r.code, r.display_name) for r in registers if r.subject == "person"]

    def facts(self) -> dict:
        """The facts document (docs/facts.md) the form describes."""
        data = self.cleaned_data
        as_of = data["as_of"].isoformat()
        person = {"registers": [{"code": code, "since": as_of} for code in data["registers"]]}
        for name in ("sex", "retirement_category", "education", "hukou_type"):
            if data[name]:
                person[name] = data[name]
        for name in ("birth_date", "graduation_date"):
            if data[name]:
                person[name] = data[name].isoformat()
        for name in ("is_disabled", "has_student_loan", "is_orphan", "hukou_local"):
            person[name] = data[name]
        if data["employment"]:
            person["employment"] = [{"status": data["employment"], "from": as_of}]
        household = {
            "registers": [{"code": "dibao_households", "since": as_of}] if data["dibao"] else [],
            "is_poverty_registered": data["poverty_registered"],
            "is_poor_disabled": data["poor_disabled"],
        }
        return {"as_of": as_of, "city": data["city"], "subject": "person", "person": person, "household": household}


class ApplicationForm(forms.Form):
    """A new application for a person of the caseworker's area (the program among their city's)."""

    program = forms.ChoiceField(label=_("Program"))
    requested_start = forms.DateField(label=_("requested start"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.code, p.display_name) for p in programs]


class EvidenceForm(forms.Form):
    label = forms.CharField(label=_("document"), max_length=255)
    file = forms.FileField(label=_("file"), help_text=_("PDF, JPEG or PNG."))


class DecisionForm(forms.Form):
    """The note (and, for an approval the rules do not support, the override reason) of a transition."""

    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        label=_("override reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only to approve what the rules do not find eligible: say why, for the record."),
    )
    amount_cny = forms.DecimalField(
        label=_("amount per period"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Only where the rules leave the amount to the caseworker."),
    )


class EntitlementActionForm(forms.Form):
    """Why a supervisor suspends, resumes or ends a grant (kept in its status and history)."""

    reason = forms.CharField(label=_("reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
    back_pay = forms.BooleanField(
        label=_("Also pay the periods that started while it was suspended"),
        required=False,
        help_text=_("On resuming only: when the grant was suspended in error."),
    )


class LoanForm(forms.Form):
    """The bank's loan on a grant of a loan program (the schedule is computed by the service, not entered)."""

    bank = forms.CharField(label=_("bank"), max_length=100)
    contract_number = forms.CharField(label=_("loan contract number"), max_length=64)
    principal_cny = forms.DecimalField(label=_("principal"), max_digits=14, decimal_places=2)
    annual_rate = forms.DecimalField(
        label=_("contract rate a year"),
        max_digits=7,
        decimal_places=6,
        help_text=_("As a ratio, e.g. 0.0435 for 4.35 percent."),
    )
    term_months = forms.IntegerField(label=_("term (months)"), min_value=1, max_value=600)
    signed_on = forms.DateField(label=_("contract signed on"), widget=DateInput())
    first_drawdown = forms.DateField(
        label=_("first drawdown"),
        widget=DateInput(),
        required=False,
        help_text=_("Left empty: the day the contract was signed."),
    )


class InterestStatementForm(forms.Form):
    """One interest statement of the bank (finance)."""

    period_start = forms.DateField(label=_("from"), widget=DateInput())
    period_end = forms.DateField(label=_("to (last day)"), widget=DateInput())
    interest_cny = forms.DecimalField(label=_("interest charged"), max_digits=14, decimal_places=2)
    bank_reference = forms.CharField(label=_("bank statement reference"), max_length=64, required=False)
