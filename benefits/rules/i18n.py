"""Translation for rules: Django's gettext, memoised per language, with the language looked up once per decision.

A rule explains every condition in words, so screening one person calls gettext a few hundred times. Django
reaches the active language through asgiref's thread-local on every call, which was half of the nightly
screening's time. ``decide`` resolves the language once into a ContextVar (cheap, and per thread and per task like
Django's own); messages are immutable per language, so the dictionary in front of gettext is exact."""

from contextvars import ContextVar

from django.utils import translation

_cache: dict[tuple[str | None, str], str] = {}
current_language: ContextVar[str | None] = ContextVar("rules_language", default=None)


def gettext(message: str) -> str:
    key = (current_language.get() or translation.get_language(), message)
    try:
        return _cache[key]
    except KeyError:
        _cache[key] = value = translation.gettext(message)
        return value
