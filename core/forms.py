"""Small pieces every console form shares: a service call whose errors land on the form, a form for a plain POST
action, and the date input the browsers show as a calendar."""

from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError


def run_service(form, service, **kwargs):
    """Call ``service``; on a validation or domain error put its messages on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
    return None


class ActionForm(forms.Form):
    """No fields: carries a service's errors for a plain POST action. Bind it (``ActionForm({})``)."""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def only_one(field: forms.ModelChoiceField, choices) -> None:
    """Where there is only one choice (a caseworker of one community), it is chosen already."""
    first_two = list(choices[:2])
    if len(first_two) == 1:
        field.initial, field.empty_label = first_two[0].pk, None
