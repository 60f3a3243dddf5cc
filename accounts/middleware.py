"""Request middleware: the interface language and the acting user for the audit history."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.actor import request_scope

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English with the switcher (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a job centre's console is Chinese
    first whatever the browser says, so only an explicit choice changes it. API clients may still ask for a
    language with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _SUPPORTED and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in _SUPPORTED:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # for this request only: the thread's language is put back after it
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response


class AuditActorMiddleware:
    """Binds the request so history rows written while serving it name its (session or token) user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope(request):
            return self.get_response(request)
