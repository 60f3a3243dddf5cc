"""What every console page does after a POST: report the form's outcome as messages and redirect."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


def report_form_errors(request, form):
    """After a POST action: the form's errors as messages naming the field, or "Saved."."""
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    else:
        messages.success(request, _("Saved."))


def redirect_to(name, *args, query=""):
    return HttpResponseRedirect(reverse(name, args=args) + (f"?{query}" if query else ""))
