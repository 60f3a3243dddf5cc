"""Production: DEBUG off, secrets only from the environment, secure cookies and headers.

``python manage.py check --deploy --fail-level WARNING`` passes with these settings when the variables in
docs/operations.md are set. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env, log_format

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
# Signs the payment ledger's checkpoints: without it nothing anchors the ledger against a database superuser, and
# a key shared with SECRET_KEY would be rotated (and the checkpoints orphaned) with it.
CASEWORK_LEDGER_KEY = env.str("CASEWORK_LEDGER_KEY", default="")
if len(CASEWORK_LEDGER_KEY) < 32 or CASEWORK_LEDGER_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "CASEWORK_LEDGER_KEY must be set in production: at least 32 random characters, not the DJANGO_SECRET_KEY."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

CASEWORK_DEMO_ALLOWED = env.bool("CASEWORK_DEMO_ALLOWED", default=False)

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# JSON lines for the log collector, unless CASEWORK_LOG_FORMAT=plain.
LOGGING["handlers"]["console"]["formatter"] = log_format("json")
