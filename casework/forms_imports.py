"""Console forms of register import and export. They collect and type-check; ``casework.imports`` and
``casework.exports`` do the validation that matters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceUnit
from core.forms import only_one

from .imports import EXTENSIONS, file_extension, import_units_for_user
from .models import ImportRun, Register


def person_registers(registers) -> list[Register]:
    return [register for register in registers if register.subject == Register.Subject.PERSON]


class ImportUploadForm(forms.Form):
    register = forms.ChoiceField(label=_("register"))
    unit = forms.ModelChoiceField(
        label=_("import into"),
        queryset=ServiceUnit.objects.none(),
        help_text=_("A community, or a street: then each row names its community."),
    )
    file = forms.FileField(label=_("file"), help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv)."))

    def __init__(self, *args, user, registers, **kwargs):
        super().__init__(*args, **kwargs)
        # The registers with a contact duty first (the graduates' list a job centre imports most), the first chosen.
        ordered = sorted(person_registers(registers), key=lambda register: not register.needs_contact)
        self.registers = {register.code: register for register in ordered}
        self.fields["register"].choices = [(code, r.display_name) for code, r in self.registers.items()]
        if ordered:
            self.fields["register"].initial = ordered[0].code
        units = import_units_for_user(user=user)
        self.fields["unit"].queryset = units
        only_one(self.fields["unit"], units)

    def clean_register(self) -> Register:
        return self.registers[self.cleaned_data["register"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if file_extension(upload.name) not in EXTENSIONS:
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        return upload


class ImportCommitForm(forms.Form):
    mode = forms.ChoiceField(label=_("mode"), choices=ImportRun.Mode.choices)


class ExportForm(forms.Form):
    unmasked = forms.BooleanField(label=_("full ID and mobile numbers"), required=False)
    reason = forms.CharField(label=_("Why do you need the full numbers?"), max_length=255, required=False)
