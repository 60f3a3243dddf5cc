"""Settings for the test suite: the base settings with fast hashing and a file-backed SQLite test database.

A file (not in-memory) SQLite test database lets a real Celery worker process read what a test committed.
With DATABASE_URL set, tests run on PostgreSQL and with REDIS_URL on Redis, exactly as in production.
"""

from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK, VAR_DIR, env, filesystem_transport

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"
CASEWORK_LEDGER_KEY = "test-only-ledger-key-not-used-anywhere-else-fedcba9876543210"
# Each test points this at a file of its own (tests/conftest.py); processes the tests start are given theirs.
CASEWORK_LEDGER_CHECKPOINT_FILE = Path(
    env.str("CASEWORK_LEDGER_CHECKPOINT_FILE", default=str(VAR_DIR / "test-ledger-checkpoints.jsonl"))
)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The demo is built by a dozen tests: a smaller one (the same households, the first of each city's draw).
CASEWORK_DEMO_PEOPLE_PER_CITY = 100

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "test-uploads"

# Tests talk to the broker on their own queue (and, embedded, their own folder), so a development worker
# running beside them never takes a test's message; CASEWORK_TEST_QUEUE gives two runs on one Redis a queue each.
CELERY_TASK_DEFAULT_QUEUE = env.str("CASEWORK_TEST_QUEUE", default="casework-test")
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_RESULT_BACKEND = filesystem_transport(VAR_DIR / "test-celery")
else:
    CACHES["default"]["KEY_PREFIX"] = "casework-test"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns about a missing folder)

# Throttles count per client address in the cache, across tests (every test client is 127.0.0.1): high rates here;
# tests/accounts/test_throttling.py checks the real ones.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"),
}
