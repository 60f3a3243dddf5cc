"""Console forms of accounts."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        # One answer for a wrong password, an unknown user and a disabled account.
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("The username or password is not correct."),
    }
