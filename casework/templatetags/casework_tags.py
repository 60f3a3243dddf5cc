"""Template filters of the console: names for the codes records carry, so no raw code reaches a page."""

from django import template
from django.utils.translation import gettext as _

from ..registers import city_names

register = template.Library()


@register.filter
def city_name(code: str) -> str:
    """大连市 for ``dalian``; 全国 for ``national`` (a value the same for every city)."""
    if code == "national":
        return _("national")
    return city_names().get(code, code)
