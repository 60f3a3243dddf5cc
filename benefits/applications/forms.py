"""Console forms of applications and grants. They only collect and type-check; the services validate what
matters and their errors come back onto these forms (``core.forms.run_service``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .services import NOTE_MAX_LENGTH


class ApplicationForm(forms.Form):
    """A new application for a person of the caseworker's area (the program among their city's)."""

    program = forms.ChoiceField(label=_("Program"))
    requested_start = forms.DateField(label=_("requested start"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p.code, p.display_name) for p in programs]


class EvidenceForm(forms.Form):
    checklist_item = forms.ChoiceField(label=_("item of the evidence list"), required=False)
    label = forms.CharField(
        label=_("which document"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to take the item's name; for another document, say what it is."),
    )
    file = forms.FileField(label=_("file to attach"), help_text=_("PDF, JPEG or PNG."))

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        missing = [row for row in checklist if not row["attached"]] + [row for row in checklist if row["attached"]]
        self.fields["checklist_item"].choices = [
            ("", _("— suggest from the file name —")),
            *[(row["item"], row["document"]) for row in missing],
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH, strip=True
    )


class DecisionForm(forms.Form):
    """The note (and, for an approval the rules do not support, the override reason) of a transition."""

    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        label=_("override reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only to approve what the rules do not find eligible: say why, for the record."),
    )
    amount_cny = forms.DecimalField(
        label=_("amount per period"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Only where the rules leave the amount to the caseworker."),
    )


class EntitlementActionForm(forms.Form):
    """Why a supervisor suspends, resumes or ends a grant (kept in its status and history)."""

    reason = forms.CharField(label=_("reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
    back_pay = forms.BooleanField(
        label=_("Also pay the periods that started while it was suspended"),
        required=False,
        help_text=_("On resuming only: when the grant was suspended in error."),
    )
