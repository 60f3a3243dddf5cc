"""The forms of a grant review: the reason to keep the grant, or to end it (the person may read either)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .changes import NOTE_MAX_LENGTH


class KeepForm(forms.Form):
    note = forms.CharField(
        label=_("why the grant goes on"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )


class EndForm(forms.Form):
    note = forms.CharField(
        label=_("why the grant ends"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )
