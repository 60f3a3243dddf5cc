"""Console forms of the payment pages. They only collect and type-check; ``benefits.payments.services``
validates what matters and its errors come back onto these forms (``core.forms.run_service``)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ResultFileForm(forms.Form):
    file = forms.FileField(
        label=_("bank result file"),
        help_text=_("The file the bank returned for this batch: the result-file template filled in (Excel or CSV)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.CASEWORK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": settings.CASEWORK_UPLOAD_MAX_BYTES // 2**20}
            )
        return upload


class BatchApproveForm(forms.Form):
    """The approval of a batch; the acknowledgement is needed only when the batch is far above the usual month's."""

    acknowledge_unusual = forms.BooleanField(
        label=_("I have checked this batch although it is far above the usual month's size"),
        required=False,
    )


class LineActionForm(forms.Form):
    """Why finance cancels or reverses a payment line (the services require it; a re-issue needs none)."""

    reason = forms.CharField(
        label=_("reason"), max_length=255, required=False, widget=forms.TextInput(attrs={"size": 16})
    )


class ExceptionResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("resolution"),
        max_length=255,
        help_text=_("How it was settled: with the bank, by a re-issue, as a bank error …"),
    )
    back_pay = forms.ChoiceField(
        label=_("back periods"),
        choices=[
            ("", "—"),
            ("release", _("Pay them with the next generation")),
            ("skip", _("Do not pay them: pay from the month that held them")),
        ],
        required=False,
    )
