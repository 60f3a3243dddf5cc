"""Settings shared by every environment, read from the environment (12-factor).

With nothing configured the system runs embedded: SQLite under ``var/``, Celery over kombu's filesystem
transport under ``var/``, a local-memory cache. ``DATABASE_URL`` switches to PostgreSQL (psycopg 3) and
``REDIS_URL`` to Redis as broker, result store and cache; ``CELERY_BROKER_URL`` puts the broker alone elsewhere
(RabbitMQ). docs/operations.md lists every variable.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Where the embedded default keeps its state (database file, broker folders, uploads, generated secret).
VAR_DIR = Path(env.str("CASEWORK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "casework",
    "benefits",
    "portal",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NoStoreMiddleware",  # after WhiteNoise: static files keep their cache, the rest no-store
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.ControlCharacterMiddleware",  # a NUL in the path or query string: 404 / 400 (with the user)
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.security.SessionPolicyMiddleware",
    "accounts.security.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into our locked-out answer
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.console",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casework.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer, IMMEDIATE transactions take
    # the write lock up front (no "database is locked" upgrade deadlocks), and the timeout waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL streaming replica of DATABASE_URL: the reports, their lists and the exports read from it
# (core.db_router: writes, transactions and a client's own recent writes stay on the primary; a replica that lags
# or fails is left for the primary). Tests use the test database for both (TEST MIRROR).
if _replica_url := env.str("DATABASE_REPLICA_URL", default=""):
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = env.db_url_config(_replica_url)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # an unreachable replica host must not hold a page for the operating system's connect timeout
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    _sessions = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    MIDDLEWARE.insert(_sessions, "core.db_router.ReplicaStickyMiddleware")  # around every write of the request
# After a write, the client's reads go to the primary this long (a few seconds more than the replica's usual lag,
# and above the lag limit below plus the router's 5 s between checks, so a page never shows less than was written).
CASEWORK_REPLICA_STICKY_SECONDS = env.int("CASEWORK_REPLICA_STICKY_SECONDS", default=20)
# A replica further behind than this (seconds, as it measures itself) is not read; the primary answers instead.
CASEWORK_REPLICA_MAX_LAG_SECONDS = env.int("CASEWORK_REPLICA_MAX_LAG_SECONDS", default=10)

# --- Redis (or RabbitMQ): broker, results and cache, or their embedded stand-ins --------------------------


def filesystem_transport(root: Path) -> tuple[dict, str]:
    """Kombu's filesystem broker and Celery's file result store under ``root``: a broker with no server."""
    folders = {name: root / name for name in ("queue", "processed", "control", "results")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    return options, f"file://{folders['results']}"


REDIS_URL = env.str("REDIS_URL", default="")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
# A task taken by a worker that dies without acknowledging it is delivered again after this many seconds. It
# must be longer than any task can run (CELERY_TASK_TIME_LIMIT below), or a slow task would be handed to a
# second worker while the first still runs it. The longest task measured, the nightly zero-employment sync of
# a city of 1,000,000 persons, takes about 5 minutes (docs/operations.md, "Fault drills").
# Every worker looks for such tasks every 10 s (kombu's default looks only every tenth time: 100 s).
REDIS_BROKER_OPTIONS = {
    "visibility_timeout": env.int("CASEWORK_BROKER_VISIBILITY_TIMEOUT", default=30 * 60),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, but an unreachable Redis is a miss (logged), not an error: the throttles
            # of the API are the only users of the cache, and pages must keep working while Redis is down.
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "casework",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "casework"}}
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_RESULT_BACKEND = filesystem_transport(CELERY_QUEUE_DIR)
# Another broker for Celery's messages only, e.g. RabbitMQ (amqp://user:password@host:5672/vhost); the result store
# and the cache stay where REDIS_URL (or the embedded default) puts them. RabbitMQ gives a message taken by a worker
# that died back at once (no visibility timeout), and closes a consumer that holds one unacknowledged longer than its
# consumer_timeout (30 min by default): above the tasks' 25-minute time limit.
if _broker_url := env.str("CELERY_BROKER_URL", default=""):
    CELERY_BROKER_URL = _broker_url
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS if _broker_url.startswith(("redis:", "rediss:")) else {}

# --- Celery -----------------------------------------------------------------------------------------------
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker is delivered again; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Below the broker's visibility timeout (30 min), so a task is stopped before its message could go to another
# worker; four to five times the longest task measured.
CELERY_TASK_TIME_LIMIT = 25 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 20 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Default periodic tasks. They are written into django-celery-beat's tables after migrate only when missing,
# so a schedule an administrator changed in the admin stays as they left it.
CASEWORK_PERIODIC_TASKS = {
    "worker-heartbeat": {
        "task": "accounts.tasks.worker_heartbeat",
        "every_seconds": 20,
        "description": "Records that a worker is alive; /healthz reports its age.",
    },
    "notifications-requeue": {
        "task": "accounts.tasks.notifications_requeue",
        "every_seconds": 300,
        "description": "Queues again the email and SMS whose sending never reached a worker (broker down).",
    },
    # The register jobs run daily at night (Asia/Shanghai), windows first; each catches up after missed days.
    "register-windows-close": {
        "task": "casework.tasks.register_windows_close",
        "crontab": {"minute": "5", "hour": "1"},
        "description": "Takes people off registers whose window has closed.",
    },
    "zero-employment-sync": {
        "task": "casework.tasks.zero_employment_sync",
        "crontab": {"minute": "15", "hour": "1"},
        "description": "Recomputes zero-employment households; follow-up for households that fell back.",
    },
    "contacts-due-sync": {
        "task": "casework.tasks.contacts_due_sync",
        "crontab": {"minute": "25", "hour": "1"},
        "description": "Follow-ups for people on contact-duty registers whose contact is due.",
    },
    "residence-eligible-sync": {
        "task": "casework.tasks.residence_eligible_sync",
        "crontab": {"minute": "35", "hour": "1"},
        "description": "Follow-ups for people resident long enough to register where they live.",
    },
    "complaints-escalate": {
        "task": "benefits.tasks.complaints_escalate",
        "crontab": {"minute": "40", "hour": "7"},
        "description": "Open complaints past their due day are escalated to the supervisors (once each).",
    },
    "entitlements-expire": {
        "task": "benefits.tasks.entitlements_expire",
        "crontab": {"minute": "50", "hour": "0"},
        "description": "Entitlements past their last day become expired.",
    },
    "reminders-send": {
        "task": "benefits.tasks.reminders_send",
        "crontab": {"minute": "30", "hour": "7"},
        "description": "Reminders: entitlements ending within 30 days, applications past their time limit, "
        "payment batches waiting for finance.",
    },
    "disbursements-generate": {
        "task": "benefits.tasks.disbursements_generate",
        "crontab": {"minute": "0", "hour": "3", "day_of_month": "1"},
        "description": "The month's payment lines and draft batches (arrears of missed months included).",
    },
    "proactive-screen": {
        "task": "benefits.tasks.proactive_screen",
        "crontab": {"minute": "30", "hour": "2"},
        "description": "Screens everyone on a register against their city's programs; keeps the 主动服务 leads.",
    },
    "duplicates-detect": {
        "task": "casework.tasks.duplicates_detect",
        "crontab": {"minute": "55", "hour": "1"},
        "description": "Finds likely duplicate persons (near ID numbers, shared phone or bank account, two cities).",
    },
    "windows-closing-sync": {
        "task": "casework.tasks.windows_closing_sync",
        "crontab": {"minute": "45", "hour": "1"},
        "description": "Follow-ups for register windows closing within 30 days.",
    },
    "report-summaries-refresh": {
        "task": "benefits.tasks.report_summaries_refresh",
        "crontab": {"minute": "40"},
        "description": "Recomputes the report summaries (the reports' counts and sums per community and month).",
    },
    "report-summaries-catch-up": {
        "task": "benefits.tasks.report_summaries_catch_up",
        "every_seconds": 30,
        "description": "Recomputes the report summaries when a record changed since the last refresh (or the day "
        "turned), so the counts on the report pages match their lists within about a minute of a write.",
    },
    "ledger-checkpoint": {
        "task": "benefits.tasks.ledger_checkpoint",
        "crontab": {"minute": "55", "hour": "23"},
        "description": "Signs the payment ledger's head and keeps it outside the database (checkpoint file, log).",
    },
}
# The key that signs the payment ledger's checkpoints (benefits/services/ledger_checkpoints.py). Its own secret,
# not derived from SECRET_KEY: rotating that key (which ends the sessions) must not invalidate every checkpoint,
# and neither key may ever be stored in the database. local.py makes one, production.py requires it.
CASEWORK_LEDGER_KEY = env.str("CASEWORK_LEDGER_KEY", default="")
# Where the signed checkpoints are appended: on the application's side, away from the database (and backed up).
CASEWORK_LEDGER_CHECKPOINT_FILE = Path(
    env.str("CASEWORK_LEDGER_CHECKPOINT_FILE", default=str(VAR_DIR / "ledger-checkpoints.jsonl"))
)
# /healthz reports the worker as stale when its last heartbeat is older than this.
CASEWORK_HEARTBEAT_STALE_SECONDS = env.int("CASEWORK_HEARTBEAT_STALE_SECONDS", default=60)

# Panels of the console home page, resolved by dotted path so that accounts never imports a higher app.
CASEWORK_HOME_PANELS = [
    "casework.panels.register_duties",
    "benefits.panels.leads_summary",
    "benefits.panels.payments_to_do",
]
# Tabs that higher apps add to the person page: key → dotted path of a function(request, person) -> dict.
CASEWORK_PERSON_PANELS = {
    "eligibility": "benefits.panels.person_eligibility",
    "payments": "benefits.panels.person_payments",
}
# Sections that higher apps add to the organization page, in order: key → dotted path of a
# function(request, organization) -> dict with "template" (or None to show nothing).
CASEWORK_ORGANIZATION_PANELS = {"payments": "benefits.panels.organization_payments"}
# What higher apps move when two person records are merged (casework.services_duplicates.duplicate_merge): dotted
# paths of functions(*, actor, keep, gone, reason) -> dict of counts; they raise a DomainError to refuse the merge.
CASEWORK_MERGE_HOOKS = ["benefits.merge.person_merge_rows"]
# ... and what they would move, counted for the merge's confirmation (casework.selectors_duplicates): functions(*,
# keep, gone) -> list of (kind, label, count), one query each.
CASEWORK_MERGE_COUNT_HOOKS = ["benefits.merge.person_merge_counts"]
# What higher apps do after a change request that may alter eligibility is applied (casework.services_changes):
# functions(*, actor, change_request); benefits re-screens the person's active grants.
CASEWORK_CHANGE_APPLIED_HOOKS = ["benefits.changes.grants_rescreen"]
# ... and after a bank-account change is confirmed or reverted: functions(*, actor, change, resolution); benefits
# settles the payments it held.
CASEWORK_ACCOUNT_SETTLED_HOOKS = ["benefits.changes.held_payments_settle"]
# The worklist kinds higher apps keep (casework.follow_ups.refresh runs them for the people a write touched):
# kind -> function(*, today, person_ids) -> {person id: Due}.
CASEWORK_FOLLOW_UP_SOURCES = {"grant_review": "benefits.changes.grant_reviews_due"}
# ... and where each of those is decided: kind -> URL name of a page that takes ?person=<id> (the worklist links there).
CASEWORK_FOLLOW_UP_LINKS = {"grant_review": "benefits:grant-review-list"}
# Sections that higher apps add to a change request's page: dotted paths of functions(request, change_request) ->
# dict with "template" (or None to show nothing); benefits shows the grant reviews the request raised.
CASEWORK_CHANGE_REQUEST_PANELS = ["benefits.reviews_selectors.change_request_reviews"]

# --- Accounts and sessions --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign-in and sessions (docs/operations.md, "Sign-in security") --------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username or address before the password check
    "django.contrib.auth.backends.ModelBackend",
]
# The sixth wrong password in a row for a username (existing or not), or from one address, locks it for a while;
# the answer is the same for a known and an unknown username. A success clears the username's count.
AXES_FAILURE_LIMIT = env.int("CASEWORK_LOGIN_FAILURES", default=6)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("CASEWORK_LOGIN_LOCK_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"  # the throttles' rule (CASEWORK_PROXY_COUNT)
AXES_VERBOSE = False
# Sessions end after this long without a request, and this long after sign-in whatever happens.
CASEWORK_SESSION_IDLE_MINUTES = env.int("CASEWORK_SESSION_IDLE_MINUTES", default=30)
CASEWORK_SESSION_MAX_HOURS = env.int("CASEWORK_SESSION_MAX_HOURS", default=10)
SESSION_COOKIE_AGE = CASEWORK_SESSION_MAX_HOURS * 60 * 60
# Supervisors, finance officers, administrators and anyone who may unmask need a TOTP second factor.
CASEWORK_REAUTH_MINUTES = env.int("CASEWORK_REAUTH_MINUTES", default=5)
OTP_TOTP_ISSUER = "Casework"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers (HSTS and the HTTPS-only settings are in production.py) ---------------------------------
# Content-Security-Policy (django-csp 4): scripts, styles, fonts and fetches from this site only, no inline
# script, no framing. The API documentation page relaxes it for Swagger UI's styles (config/swagger.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page of the site uses these browser features.
UNUSED_BROWSER_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
)
PERMISSIONS_POLICY = {feature: [] for feature in UNUSED_BROWSER_FEATURES}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation: Simplified Chinese first, English available -------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "casework_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("CASEWORK_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded evidence lives outside the static tree and is never served by URL: only permission-checked views
# stream it (there is deliberately no MEDIA_URL route).
MEDIA_ROOT = Path(env.str("CASEWORK_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
CASEWORK_UPLOAD_MAX_BYTES = env.int("CASEWORK_UPLOAD_MAX_MB", default=10) * 2**20
# The person lists count matches up to this many and then say "more than" (core.pagination): the exact count of a
# search as broad as one character across a city of a million costs more than the page.
CASEWORK_LIST_COUNT_CAP = 1000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- REST API ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated call gets 401 with "WWW-Authenticate: Token" rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, refusing control characters in a body and JSON nested too deep (accounts/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "accounts.parsers.JSONParser",
        "accounts.parsers.FormParser",
        "accounts.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api_base.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # The client address of the throttles: X-Forwarded-For only as far as our own proxies wrote it (unset, DRF
    # would take the header as the caller wrote it, a new address per request).
    "NUM_PROXIES": env.int("CASEWORK_PROXY_COUNT", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "login": "20/min",
        "screen": env.str("CASEWORK_SCREEN_RATE", default="60/min"),
        # Asking for an SMS code (registration, claim) and trying claim codes: per applicant, or per address.
        "sms": env.str("CASEWORK_SMS_RATE", default="10/hour"),
        "claim": env.str("CASEWORK_CLAIM_RATE", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Case management for community job centres: registers, applications, approvals, payments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UserKindEnum": "accounts.models.User.Kind",
        "OrganizationKindEnum": "casework.models.OrganizationKind",
        "ExitReasonEnum": "casework.models.ExitReason",
        "EntitlementStatusEnum": "benefits.models.Entitlement.Status",
        "EmploymentStatusEnum": "casework.models.EmploymentStatus",
        "ApplicationStateEnum": "benefits.models.Application.State",
        "OrganizationClaimStatusEnum": "casework.models.OrganizationClaim.Status",
        "PeriodEnum": "benefits.models.Period",
        "AppealStatusEnum": "benefits.models.Appeal.Status",
        "ComplaintStatusEnum": "benefits.models.Complaint.Status",
        "ComplaintKindEnum": "benefits.models.Complaint.Kind",
        "DuplicateCandidateStatusEnum": "casework.models.DuplicateCandidate.Status",
        "ChangeRequestKindEnum": "casework.models.ChangeRequest.Kind",
        "ChangeRequestStatusEnum": "casework.models.ChangeRequest.Status",
        "AccountChangeStatusEnum": "casework.models.AccountChange.Status",
        "GrantReviewStatusEnum": "benefits.models.GrantReview.Status",
        "RelationEnum": "casework.models.Relation",
        "MemberRelationEnum": "casework.apis_changes.MEMBER_RELATIONS",
    },
}

# --- Audit ------------------------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Demo data --------------------------------------------------------------------------------------------
# bootstrap_demo creates users with a published password; it refuses to run where this is off.
CASEWORK_DEMO_ALLOWED = env.bool("CASEWORK_DEMO_ALLOWED", default=True)
CASEWORK_DEMO_PASSWORD = "Casework-Demo-2026"
# Synthetic people per demo city (the test settings use fewer: the suite builds the demo many times).
CASEWORK_DEMO_PEOPLE_PER_CITY = env.int("CASEWORK_DEMO_PEOPLE_PER_CITY", default=300)

# --- Logging ----------------------------------------------------------------------------------------------
# One line per record on standard error: `plain` text (the default here, for a developer's terminal) or `json`
# (production's default, for a log collector). Every line carries the request id; ID numbers and mobile numbers
# are masked in every line (config/logs.py).
LOG_FORMATS = ("plain", "json")


def log_format(default: str) -> str:
    chosen = env.str("CASEWORK_LOG_FORMAT", default=default)
    if chosen not in LOG_FORMATS:
        raise ImproperlyConfigured(f"CASEWORK_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}.")
    return chosen


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logs.RequestIdFilter"},
        "personal_data": {"()": "config.logs.PersonalDataFilter"},
    },
    "formatters": {
        "plain": {
            "()": "config.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format("plain"),
            "filters": ["request_id", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Applications ------------------------------------------------------------------------------------------
# Working days to decide a complete application where the city's documents state no limit.
# People per chunk of a policy scenario's run (benefits.scenarios): the progress bar moves once per chunk.
CASEWORK_SCENARIO_CHUNK_SIZE = env.int("CASEWORK_SCENARIO_CHUNK_SIZE", default=1000)
CASEWORK_APPLICATION_WORKING_DAYS = env.int("CASEWORK_APPLICATION_WORKING_DAYS", default=20)
# A grant whose total exposure is above this needs a second, different supervisor's approval. The exposure is the
# amount per period × every period until the grant's end, back-pay included; a grant without an end counts its
# back periods and this many months ahead of the approval (docs/policy-decisions.md, "Money decisions").
CASEWORK_SECOND_APPROVAL_ABOVE_CNY = Decimal(env.str("CASEWORK_SECOND_APPROVAL_ABOVE_CNY", default="20000"))
CASEWORK_OPEN_ENDED_EXPOSURE_MONTHS = env.int("CASEWORK_OPEN_ENDED_EXPOSURE_MONTHS", default=36)
# How far ahead an application may ask to start (its earliest start is the program's policy date and the dated
# parameter national.application_max_back_months).
CASEWORK_REQUESTED_START_MAX_MONTHS_AHEAD = env.int("CASEWORK_REQUESTED_START_MAX_MONTHS_AHEAD", default=12)

# --- Payments ----------------------------------------------------------------------------------------------
# A grant due more back periods than this in one generation run is held as a payment exception for finance.
CASEWORK_MAX_BACK_PERIODS = env.int("CASEWORK_MAX_BACK_PERIODS", default=12)
# A batch whose count or sum is more than this many times the usual month's (the average of the three months
# before, same unit and program) needs the approver's explicit acknowledgement; a first batch with no earlier
# months, when its sum is above CASEWORK_BATCH_FIRST_ACK_ABOVE_CNY.
CASEWORK_BATCH_UNUSUAL_FACTOR = Decimal(env.str("CASEWORK_BATCH_UNUSUAL_FACTOR", default="3"))
CASEWORK_BATCH_FIRST_ACK_ABOVE_CNY = Decimal(env.str("CASEWORK_BATCH_FIRST_ACK_ABOVE_CNY", default="100000"))

# --- Notifications -----------------------------------------------------------------------------------------
CASEWORK_SMS_BACKEND = env.str("CASEWORK_SMS_BACKEND", default="accounts.sms.ConsoleSmsBackend")

# The portal's codes: an SMS code (registration, claim) lives this long, allows this many wrong tries, and is not
# sent again to the same number (or account) within the resend interval; a caseworker's claim code lives some days.
# Wrong claim codes: after CASEWORK_CLAIM_FAILURES in a row, the account's claims are locked for a while.
CASEWORK_SMS_CODE_MINUTES = env.int("CASEWORK_SMS_CODE_MINUTES", default=10)
CASEWORK_SMS_CODE_ATTEMPTS = env.int("CASEWORK_SMS_CODE_ATTEMPTS", default=5)
CASEWORK_SMS_RESEND_SECONDS = env.int("CASEWORK_SMS_RESEND_SECONDS", default=60)
CASEWORK_CLAIM_CODE_DAYS = env.int("CASEWORK_CLAIM_CODE_DAYS", default=7)
CASEWORK_CLAIM_FAILURES = env.int("CASEWORK_CLAIM_FAILURES", default=5)
CASEWORK_CLAIM_LOCK_MINUTES = env.int("CASEWORK_CLAIM_LOCK_MINUTES", default=30)
# EMAIL_URL: consolemail:// (the default: mail goes to the log), smtp+tls://user:password@host:587, …
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="casework@localhost")
