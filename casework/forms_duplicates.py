"""The forms of the duplicate pages: "not a duplicate" with a note."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Why they are two persons"), max_length=255, required=False)
