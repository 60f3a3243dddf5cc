"""The API's parsers (the defaults, ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): DRF's, with limits that make a
hostile body a 400 instead of a 500.

- **Depth.** A document nested more than ``MAX_DEPTH`` levels is refused. Python's decoder recurses once per
  level (5,000 levels end in ``RecursionError``), and so does whatever walks the data afterwards (the serializers,
  the facts schema). No document of the API needs more than a handful of levels.
- **Control characters** (``accounts.validators``) in any key or string, at any depth, are refused with the path
  of the value: a facts document or a JSON field is stored and shown as it came, and PostgreSQL cannot store a NUL.
  Form and multipart bodies get the same check of their fields, so every body is held to one rule whatever its
  media type (the serializers would ignore a field they do not know).
"""

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from core.plausible import NO_CONTROL, has_control_characters

MAX_DEPTH = 64


def too_deep() -> str:
    return _("The JSON document is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}


def check_document(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError when ``data`` nests deeper than ``max_depth``, ValidationError naming the path
    (``person/registers/0/code``) of the first key or string holding a control character. Iterative: walking a
    deep document must not recurse either."""
    stack = [(data, (), 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                raise ParseError(too_deep())
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                where = (*path, str(key))
                if isinstance(key, str) and has_control_characters(key):
                    raise ValidationError({"/".join(where): [str(NO_CONTROL)]}, code="control_characters")
                stack.append((value, where, depth + 1))
        elif isinstance(node, str) and has_control_characters(node):
            raise ValidationError({"/".join(path) or "non_field_errors": [str(NO_CONTROL)]}, code="control_characters")


def loads(text: str, *, max_depth: int = MAX_DEPTH):
    """``json.loads`` with the limits above (for JSON that arrives by other ways than a request body)."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError(too_deep()) from None
    check_document(data, max_depth=max_depth)
    return data


def _fields(data) -> dict:
    """A form's fields as a document to check: one value, or the list of a repeated field."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_document(_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    """The fields (the files' names need nothing: Django's parser drops their non-printable characters)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except ParseError as error:  # DRF's message is English only; Django's reason is kept, for the developer
            reason = str(error.detail).removeprefix("Multipart form parse error - ")
            raise ParseError(_("The body is not a valid multipart form (%(error)s).") % {"error": reason}) from None
        check_document(_fields(parsed.data))
        return parsed


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep()) from None
        except ParseError as error:  # DRF's message is English only; Python's reason is kept, for the developer
            reason = str(error.detail).removeprefix("JSON parse error - ")
            raise ParseError(_("The body is not valid JSON (%(error)s).") % {"error": reason}) from None
        check_document(data)
        return data
