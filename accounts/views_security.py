"""Console pages of sign-in security: the second factor (give the code of an authenticator app, or set one up the
first time) and the password confirmation asked before unmasked bulk exports."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .security import authenticator, code_matches, current_code, mark_reauthenticated, needs_second_factor
from .services import authenticator_confirm

SETUP_KEY = "otp_setup_key"  # the session key of an authenticator being set up
DEMO_DEVICE = "demo"  # bootstrap_demo's devices: the code page shows their current code (demo only)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ReauthForm(TokenForm):
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput)

    field_order = ["password", "token"]


def _next(request, default="accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return redirect(default).url


def current_demo_code(device) -> str:
    """The code a demo device shows now (only demo devices, only where the demo is allowed)."""
    if not settings.CASEWORK_DEMO_ALLOWED or device is None or device.name != DEMO_DEVICE:
        return ""
    return current_code(device)


class OtpView(LoginRequiredMixin, FormView):
    """The second step of signing in: the code of the user's authenticator app."""

    template_name = "accounts/otp.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and authenticator(request.user) is None:
            return redirect(f"{redirect('accounts:otp-setup').url}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        demo_code = current_demo_code(authenticator(self.request.user))
        return super().get_context_data(next=_next(self.request), demo_code=demo_code, **kwargs)

    def form_valid(self, form):
        device = code_matches(self.request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(self.request, device)
            return redirect(_next(self.request))
        form.add_error("token", _("The code is not right. Check the time on your phone and try the newest code."))
        return self.form_invalid(form)


class OtpSetupView(LoginRequiredMixin, FormView):
    """Set up the authenticator app (once): scan the QR code or type the key, then give a code to confirm."""

    template_name = "accounts/otp_setup.html"
    form_class = TokenForm

    def key(self) -> str:
        """The new authenticator's secret, kept in the session until a code confirms it: the page stores nothing
        (``accounts.services.authenticator_confirm`` does, once the code is right)."""
        if SETUP_KEY not in self.request.session:
            self.request.session[SETUP_KEY] = random_hex(20)
        return self.request.session[SETUP_KEY]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and authenticator(request.user) is not None:
            return redirect("accounts:otp")  # one authenticator; an administrator resets a lost one
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = TOTPDevice(user=self.request.user, name="authenticator", key=self.key())  # not saved: shown only
        svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
        key = b32encode(device.bin_key).decode()
        return super().get_context_data(
            qr_svg=mark_safe(svg),  # noqa: S308  (made here from our own otpauth address, no user input)
            key=" ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            next=_next(self.request),
            required=needs_second_factor(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        device = authenticator_confirm(user=self.request.user, key=self.key(), code=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("The code is not right. Check the time on your phone and try the newest code."))
            return self.form_invalid(form)
        del self.request.session[SETUP_KEY]
        otp_login(self.request, device)
        return redirect(_next(self.request))


class ReauthView(LoginRequiredMixin, FormView):
    """Confirm the password (and the second factor, where one is set up) before unmasked bulk exports."""

    template_name = "accounts/reauth.html"
    form_class = ReauthForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if authenticator(self.request.user) is None:
            del form.fields["token"]
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next(self.request), **kwargs)

    def form_valid(self, form):
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=form.cleaned_data["password"]) is None:
            form.add_error("password", _("The password is not correct."))
            return self.form_invalid(form)
        if "token" in form.fields and code_matches(user, form.cleaned_data["token"]) is None:
            form.add_error("token", _("The code is not right. Check the time on your phone and try the newest code."))
            return self.form_invalid(form)
        mark_reauthenticated(self.request)
        return redirect(_next(self.request))
