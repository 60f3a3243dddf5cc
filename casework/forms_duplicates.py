"""The forms of the duplicate pages: "not a duplicate" with a note, and a merge keeping one side."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Why they are two persons"), max_length=255, required=False)


class MergeForm(forms.Form):
    """Merge the pair, keeping one side (``a`` or ``b``); the box stands for "are you sure" without script."""

    keep = forms.ChoiceField(choices=[("a", "a"), ("b", "b")], widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have compared the two records: they are one person."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that the two records are one person.")},
    )
