"""Console forms of review requests and complaints: they collect and type-check; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import TEXT_MAX_LENGTH


class ReviewForm(forms.Form):
    """Why a supervisor upholds or sets aside the decision under review (the applicant reads it)."""

    reason = forms.CharField(
        label=_("reason of the review"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )


class ComplaintReplyForm(forms.Form):
    reply = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH)
