"""Console forms of the catalogue pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

CITIES = [("dalian", "大连"), ("daqing", "大庆"), ("jinan", "济南"), ("chaoyang", "朝阳"), ("yiyang", "益阳")]


class ParameterValueForm(forms.Form):
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    value = forms.DecimalField(label=_("value"), max_digits=20, decimal_places=6, min_value=0)
    source = forms.CharField(
        label=_("source"), max_length=255, required=False, help_text=_("The notice or document that sets this value.")
    )
