"""Signing in to the console in Chromium as a demo user: the password, then, for the roles that need it, the
second factor (the demo device's current code, which the code page also shows while the demo is allowed)."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views_security import current_demo_code


def sign_in(page, live_server, username, *, start="/console/"):
    page.goto(f"{live_server.url}{start}")
    page.wait_for_url(f"{live_server.url}/login/**")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.CASEWORK_DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/login/otp/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = current_demo_code(device)
        assert code in page.content()  # the demo hint shows the same code
        page.get_by_label("认证器应用中的 6 位验证码").fill(code)
        page.get_by_role("button", name="继续").click()
    page.wait_for_url(f"{live_server.url}{start}")
