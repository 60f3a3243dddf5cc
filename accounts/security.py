"""Sign-in security: the locked-out answer (django-axes counts the failures), the second factor (django-otp TOTP)
that supervisors, finance officers, administrators and anyone who may unmask must pass, the session policy (idle
and absolute timeouts), and the recent re-authentication that unmasked bulk exports need.

A disabled account needs nothing here: Django's session and DRF's token authentication both refuse an inactive
user on the next request, so every open session of a disabled account ends at once."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.oath import TOTP

from .models import Role, User

SECOND_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.ADMIN})
SESSION_STARTED = "casework_auth_started"
SESSION_SEEN = "casework_seen"
SESSION_REAUTH = "casework_reauth"


def needs_second_factor(user) -> bool:
    """Staff who approve, pay, administer or may see full personal numbers sign in with a second factor (one
    query, kept on the user object for the request)."""
    if not user.is_authenticated or user.kind != user.Kind.STAFF:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_needs_second_factor"):
        unmask = {"codename": "unmask_personal_data", "content_type__app_label": "casework"}
        user._needs_second_factor = (
            User.objects.filter(pk=user.pk)
            .filter(
                Q(memberships__role__in=SECOND_FACTOR_ROLES, memberships__unit__is_active=True)
                | Q(**{f"user_permissions__{key}": value for key, value in unmask.items()})
                | Q(**{f"groups__permissions__{key}": value for key, value in unmask.items()})
            )
            .exists()
        )
    return user._needs_second_factor


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def client_address(request) -> str:
    """The client's address as the throttles take it (DRF's rule): with ``CASEWORK_PROXY_COUNT`` proxies of ours in
    front, the address the outermost of them saw in ``X-Forwarded-For``; without, the connection's address, so a
    caller cannot pick a new address per try with that header. django-axes counts failures per this address."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        return hops[-min(proxies, len(hops))] if hops else remote
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username or address (the same for a username that does not exist)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed sign-ins. Signing in is locked for %(minutes)d minutes.") % {"minutes": minutes}
    if _is_api(request):
        response = _error("locked", message, 429)
    else:
        from .forms import LoginForm

        context = {"form": LoginForm(request), "locked_message": message, "next": request.POST.get("next", "")}
        response = render(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
        request.session[SESSION_REAUTH] = now  # signing in is a fresh authentication


class SessionPolicyMiddleware:
    """Ends a signed-in session that was idle too long, or began too long ago; the console says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and SESSION_STARTED in request.session:
            now = int(time.time())
            idle = now - request.session.get(SESSION_SEEN, now) > settings.CASEWORK_SESSION_IDLE_MINUTES * 60
            too_old = now - request.session[SESSION_STARTED] > settings.CASEWORK_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                if not _is_api(request):
                    messages.info(request, _("You were signed out: the session ended. Sign in again."))
            elif now - request.session.get(SESSION_SEEN, 0) >= 60:  # one write a minute at most
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


def _second_factor_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:otp"),
        reverse("accounts:otp-setup"),
        reverse("accounts:logout"),
        reverse("set_language"),
        reverse("healthz"),
        settings.STATIC_URL,
    )


class SecondFactorMiddleware:
    """A signed-in user who needs a second factor and has not given it this session reaches only the second-factor
    pages (and sign-out): the console sends them there, the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and needs_second_factor(user)
            and not request.path.startswith(_second_factor_paths())
        ):
            if _is_api(request):
                return _error(
                    "second_factor_required",
                    _("Give the code of your authenticator app in the console first (second factor)."),
                    403,
                )
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# --- The authenticator ----------------------------------------------------------------------------------------


def authenticator(user):
    """The user's confirmed authenticator (TOTP device), or None before one is set up."""
    return next(iter(devices_for_user(user)), None)


def code_matches(user, code: str):
    """The user's authenticator whose current code ``code`` is (each code counts once), or None."""
    device = authenticator(user)
    return device if device is not None and device.verify_token(code) else None


def totp_of(device) -> TOTP:
    """The time-based code generator of an authenticator device (saved or not)."""
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)


def current_code(device) -> str:
    """The code ``device`` shows now (the demo's code page, the tests)."""
    return f"{totp_of(device).token():0{device.digits}d}"


# --- Re-authentication before unmasked bulk data ---------------------------------------------------------------


def recently_authenticated(request) -> bool:
    """Whether the user gave their password (and second factor) within ``CASEWORK_REAUTH_MINUTES``: a session
    that signed in or confirmed lately, or a token made lately."""
    window = settings.CASEWORK_REAUTH_MINUTES * 60
    auth = getattr(request, "auth", None)
    if auth is not None and hasattr(auth, "created"):  # a DRF token
        return time.time() - auth.created.timestamp() <= window
    return time.time() - request.session.get(SESSION_REAUTH, 0) <= window


def mark_reauthenticated(request) -> None:
    request.session[SESSION_REAUTH] = int(time.time())


def reauth_redirect(request, next_url: str):
    """To the confirm page, then back to ``next_url`` (an address of this site only)."""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("accounts:home")
    messages.info(request, _("Confirm your password before you take personal numbers out of the system."))
    return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}")
