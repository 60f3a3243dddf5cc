"""Console forms of accounts."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Role, ServiceUnit


class LoginForm(AuthenticationForm):
    error_messages = {
        # One answer for a wrong password, an unknown user and a disabled account.
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("The username or password is not correct."),
    }


class MembershipGrantForm(forms.Form):
    """A role to give a staff user, in one of the units the administrator looks after."""

    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("service unit"), queryset=ServiceUnit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.full_name()
