"""Console forms of the guaranteed start-up loans: the bank's loan and its interest statements."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput


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
