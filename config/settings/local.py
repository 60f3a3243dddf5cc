"""The embedded default: what the README's run command uses on a machine with nothing configured.

DEBUG stays off unless DJANGO_DEBUG says otherwise. The secret key comes from the environment or, failing
that, from a random key generated once into ``var/secret_key`` (never one written in the code); the payment
ledger's signing key likewise, into ``var/ledger_key``.
"""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import VAR_DIR

if not SECRET_KEY:  # noqa: F405
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        _key_file.write_text(get_random_secret_key())
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

# The ledger's signing key, generated the same way into a file of its own (see base.py for why it is not the
# secret key). Copying var/ copies it too: fine for the embedded run, which keeps everything there anyway.
if not CASEWORK_LEDGER_KEY:  # noqa: F405
    _ledger_key_file = VAR_DIR / "ledger_key"
    if not _ledger_key_file.exists():
        _ledger_key_file.write_text(get_random_secret_key())
        _ledger_key_file.chmod(0o600)
    CASEWORK_LEDGER_KEY = _ledger_key_file.read_text().strip()

# Serve static files straight from the apps' folders: no collectstatic step for the embedded run.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns about a missing folder)
