"""The what-if screener's form: a facts document typed in by a caseworker."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import PAST
from casework.models import Education, HukouType
from core.forms import DateInput

from ..catalogue.forms import CITIES


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
