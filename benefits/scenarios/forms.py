"""Console forms of the scenario pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from ..catalogue.forms import CITIES
from ..models import Parameter, Program
from ..rules.registry import RULES, load_families


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Scenario name"), max_length=120)
    as_of = forms.DateField(
        label=_("Screening day"),
        widget=DateInput(),
        help_text=_("The registers as of this day; the twelve months of the forecast start with its month."),
    )
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScenarioCreateForm(ScenarioForm):
    city = forms.ChoiceField(label=_("city"), choices=CITIES)
    field_order = ["city", "name", "as_of", "description"]

    def __init__(self, *args, cities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [(code, name) for code, name in CITIES if code in cities]


class ScenarioValueForm(forms.Form):
    parameter = forms.ModelChoiceField(label=_("parameter"), queryset=Parameter.objects.none())
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    value = forms.DecimalField(
        label=_("value"),
        max_digits=20,
        decimal_places=6,
        min_value=0,
        required=False,
        help_text=_("Leave empty for “not set from this day”."),
    )

    def __init__(self, *args, city: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameter"].queryset = Parameter.objects.filter(city__in=[city, "national"]).order_by(
            "city", "name_zh"
        )
        self.fields["parameter"].label_from_instance = lambda p: p.name_zh


class ScenarioSwitchForm(forms.Form):
    program = forms.ModelChoiceField(label=_("program"), queryset=Program.objects.none())

    def __init__(self, *args, city: str, **kwargs):
        super().__init__(*args, **kwargs)
        load_families()
        self.fields["program"].queryset = Program.objects.filter(
            city=city, beneficiary="individual", code__in=list(RULES)
        ).order_by("family", "code")
        self.fields["program"].label_from_instance = lambda p: p.display_name
