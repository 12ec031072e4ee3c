"""Settings for the BP3MI Sulawesi Tenggara portal, read from the environment.

Every setting that differs between machines comes from an environment variable (or a `.env`
file beside `manage.py`). With nothing set, the portal runs for development: SQLite under
`var/`, an embedded filesystem broker for Celery, e-mail printed to the console.
`DJANGO_ENV=production` switches on the production rules: a `SECRET_KEY` is required, `DEBUG`
is off, cookies are secure and HTTPS is enforced. The README lists every variable.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = False if PRODUCTION else env.bool("DEBUG", default=True)


def _development_secret_key() -> str:
    """A key generated once into var/ so sessions survive restarts of a development machine."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address, used in links that leave the site (QR codes on letters, e-mails).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "bp3mi",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "stakeholders",
    "registrations",
    "documents",
    "complaints",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bp3mi.static.WhiteNoiseMiddleware",
    "bp3mi.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bp3mi.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bp3mi.urls"
WSGI_APPLICATION = "bp3mi.wsgi.application"

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
                "bp3mi.context_processors.office",
                "bp3mi.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:pass@host:5432/bp3mi. Unset: a SQLite file under var/.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file, not memory, so a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that hangs instead of refusing is cut off: a connection not set up within
    # DATABASE_CONNECT_TIMEOUT seconds (libpq counts 2 at least) fails, and so does a statement
    # running longer than DATABASE_STATEMENT_TIMEOUT seconds (0: no limit). The web server sets
    # the statement limit to 30 s (bp3mi/wsgi.py): a page waits no longer than that, while
    # workers and commands (exports, imports, migrations) run without one unless it is set.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=3),
            "options": "-c statement_timeout={}".format(
                int(env.float("DATABASE_STATEMENT_TIMEOUT", default=0) * 1000)
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that answers "not cached" while Redis is down (bp3mi/cache.py):
            # pages and forms go on working and the rate limits let requests through.
            "BACKEND": "bp3mi.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            # Several installations (or a test run beside a development server) may share
            # one Redis database: each counts its rate limits under its own prefix.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="bp3mi"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and authentication ----------------------------------------------------------------
AUTH_USER_MODEL = "bp3mi.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's rules, worded in the portal's Indonesian.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "bp3mi.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "bp3mi.password_validation.MinimumLengthValidator"},
    {"NAME": "bp3mi.password_validation.CommonPasswordValidator"},
    {"NAME": "bp3mi.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Repeated failed logins lock that e-mail address from that IP address for a while
# (an office behind one shared address is not locked out by one person's typos).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "bp3mi.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "bp3mi.views.locked_out"
# Reverse proxies in front of the web servers (each appends to X-Forwarded-For). One setting
# for every place that needs the client address: django-axes, the rate limits and the audit
# trail all go through bp3mi.services.client_ip (django-ipware).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_FAILURE_VIEW = "bp3mi.views.csrf_failure"

# Rate limits (django-ratelimit), counted in the default cache: Redis in production, so every
# web server counts together. RATELIMIT_RATES names each limit and its rate ("count/period",
# period s, m, h or d); bp3mi.ratelimits applies them.
RATELIMIT_USE_CACHE = "default"
# While the cache is down the limits let requests through rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "bp3mi.services.client_ip"
RATELIMIT_RATES = {
    # Sign-up attempts from one client address.
    "signup": env.str("RATELIMIT_SIGNUP", default="20/h"),
    # Login attempts from one client address, whichever accounts they try (django-axes locks
    # one account after AXES_FAILURE_LIMIT wrong passwords). An LTSA office signs in many
    # people from one address, hence the room.
    "login": env.str("RATELIMIT_LOGIN", default="100/h"),
    # Password-reset e-mails asked for from one client address.
    "password_reset": env.str("RATELIMIT_PASSWORD_RESET", default="10/h"),
    # Document uploads by one account.
    "upload": env.str("RATELIMIT_UPLOAD", default="30/h"),
    # Complaints filed on the public form from one client address.
    "complaint_filing": env.str("RATELIMIT_COMPLAINT_FILING", default="5/h"),
    # Wrong case number and tracking code pairs from one client address, and for one case
    # number from anywhere (the code cannot be guessed by spreading over addresses).
    "complaint_tracking": env.str("RATELIMIT_COMPLAINT_TRACKING", default="10/h"),
    "complaint_tracking_number": env.str("RATELIMIT_COMPLAINT_TRACKING_NUMBER", default="20/d"),
}

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic gathers the files (whitenoise serves them from there in production).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploads hold personal data: they live outside static/ and have no public URL. They are
# served only through views that check the user. MEDIA_ROOT may be a shared mount (NFS) so
# that several web servers and workers see the same files; or set AWS_STORAGE_BUCKET_NAME for
# S3-compatible storage.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No URL pattern serves this prefix: the setting exists only because Django's test server
# requires one. Files are reached through permission-checked views.
MEDIA_URL = "/private-files-are-not-served/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default="private"),
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": _default_storage,
    # collectstatic writes a brotli (.br) and a gzip (.gz) copy beside each text file, and
    # whitenoise sends the one the browser accepts. Production also puts a hash of the content
    # in each name, so browsers may keep the files for a year.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Development serves edited files straight from static/ (bp3mi/static.py), and the compressed
# copies `make run`'s collectstatic made for the files not edited since.
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest upload a document type may allow; each type sets its own limit below this.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The stakeholder import (a background job): the largest file and the most rows it takes.
STAKEHOLDER_IMPORT_MAX_BYTES = env.int("STAKEHOLDER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
STAKEHOLDER_IMPORT_MAX_ROWS = env.int("STAKEHOLDER_IMPORT_MAX_ROWS", default=50_000)
# Seconds one stage of an import job may run (50,000 rows take well under this).
IMPORT_JOB_TIME_LIMIT = env.int("IMPORT_JOB_TIME_LIMIT", default=30 * 60)
# An image is refused, from its header and before it is decoded, when it has more pixels
# than a phone photo of a document needs, or would take more memory than this once decoded
# (JPEGs are decoded at a reduced scale; a PNG is decoded whole).
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=24_000_000)
# Versions one registration may hold of one document type (uploads past it are refused).
UPLOAD_MAX_VERSIONS = env.int("UPLOAD_MAX_VERSIONS", default=5)
UPLOAD_IMAGE_DECODE_MAX_BYTES = env.int("UPLOAD_IMAGE_DECODE_MAX_BYTES", default=40 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587. Unset: printed to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="BP3MI Sulawesi Tenggara <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

# --- Celery ---------------------------------------------------------------------------------
# CELERY_BROKER_URL, or REDIS_URL. Unset: kombu's filesystem transport under var/celery, so
# the development run still has a real worker process taking jobs from a real queue.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
CELERY_BROKER_IS_FILESYSTEM = CELERY_BROKER_URL.startswith("filesystem://")
if CELERY_BROKER_IS_FILESYSTEM:
    _queue_dir = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery" / "queue")))
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        # The exchange table; kombu's default is a "control" folder in the working directory.
        "control_folder": f"{_queue_dir}-control",
        "store_processed": False,
        # kombu's default waits a second between looks at an empty queue: a job queued just
        # after would wait up to that long.
        "polling_interval": 0.1,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    # A message not acknowledged within this time is given to another worker (acks_late). It
    # outlasts the longest time limit, so a job still running is never handed out twice; a
    # job whose worker died is found sooner by the job sweep (JOB_STALE_SECONDS).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=40 * 60)
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection before and after every task unless
# this is set, so each job paid for a new connection. bp3mi/celery.py closes connections the
# way Django does around a request instead (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away tries again for ever, at most this many seconds apart
# (kombu's own wait grows to 30 s), and sweeps the jobs once it is back (bp3mi/celery.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_RECONNECT_MAX_INTERVAL = env.float("CELERY_BROKER_RECONNECT_MAX_INTERVAL", default=3)
CELERY_WORKER_CONSUMER = "bp3mi.celery:Consumer"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Jobs a user waits for (letters, exports) are re-queued by these sweeps, run every
# JOB_SWEEP_SECONDS by beat and whenever a worker (re)connects to the broker: a job never sent
# (broker down), sent over JOB_PENDING_RESEND_SECONDS ago and still waiting (message lost), or
# RUNNING without a heartbeat for JOB_STALE_SECONDS (its worker died, or its retries ran out
# while the database was down). A running job beats every JOB_HEARTBEAT_SECONDS.
JOB_SWEEP_TASKS = ["documents.tasks.letter_sweep", "statistics.tasks.export_sweep"]
JOB_SWEEP_SECONDS = env.int("JOB_SWEEP_SECONDS", default=10)
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5)
JOB_STALE_SECONDS = env.float("JOB_STALE_SECONDS", default=20)
JOB_PENDING_RESEND_SECONDS = env.float("JOB_PENDING_RESEND_SECONDS", default=60)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "bp3mi.tasks.worker_heartbeat", "schedule": 60.0},
    # Daily at 00:05 office time: licences past their expiry date become expired.
    "stakeholders-licence-expiry": {
        "task": "stakeholders.tasks.licence_expiry_sweep",
        "schedule": crontab(hour=0, minute=5),
    },
    "stakeholders-import-uploads": {
        "task": "stakeholders.tasks.import_uploads_sweep",
        "schedule": crontab(hour=1, minute=15),
    },
    # Import jobs whose broker message was lost, or whose worker died, are queued again.
    "stakeholders-import-jobs": {"task": "stakeholders.tasks.import_job_sweep", "schedule": 60.0},
    **{
        f"job-sweep-{name}": {"task": name, "schedule": float(JOB_SWEEP_SECONDS)}
        for name in JOB_SWEEP_TASKS
    },
    # Hourly: export files past their retention are deleted.
    "statistics-export-expiry": {
        "task": "statistics.tasks.export_expiry",
        "schedule": crontab(minute=25),
    },
    # Daily at 06:00 office time: complaint deadlines, reminders and closure proposals.
    "complaints-deadline-sweep": {
        "task": "complaints.tasks.case_deadline_sweep",
        "schedule": crontab(hour=6, minute=0),
    },
    # Daily at 02:30 office time: drafts past RETENTION_DRAFT_DAYS are anonymised.
    "retention-sweep": {
        "task": "documents.tasks.retention_sweep",
        "schedule": crontab(hour=2, minute=30),
    },
    # Daily at 02:45 office time: cases finished more than RETENTION_CLOSED_CASE_DAYS ago
    # are anonymised.
    "complaints-retention-sweep": {
        "task": "complaints.tasks.case_retention_sweep",
        "schedule": crontab(hour=2, minute=45),
    },
}
# How many days a finished statistics export stays downloadable before its file is deleted.
STATISTICS_EXPORT_RETENTION_DAYS = env.int("STATISTICS_EXPORT_RETENTION_DAYS", default=7)
# Time limits of one export job (seconds): a full row-level export of a million rows fits.
STATISTICS_EXPORT_SOFT_TIME_LIMIT = env.int("STATISTICS_EXPORT_SOFT_TIME_LIMIT", default=1500)
STATISTICS_EXPORT_TIME_LIMIT = env.int("STATISTICS_EXPORT_TIME_LIMIT", default=1800)
# How long the public statistics page and its CSV are cached (seconds).
STATISTICS_PUBLIC_CACHE_SECONDS = env.int("STATISTICS_PUBLIC_CACHE_SECONDS", default=60 * 60)
# Public cells below this number are shown as "<5" and protected by complementary suppression.
STATISTICS_PUBLIC_MIN_CELL = 5

# --- Front end and security headers ------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"

# The public letter check (/verifikasi/<token>/): requests per client address per window,
# so tokens cannot be guessed by trying many.
LETTER_CHECK_LIMIT = env.int("LETTER_CHECK_LIMIT", default=30)
LETTER_CHECK_WINDOW = env.int("LETTER_CHECK_WINDOW_SECONDS", default=60)
# How long the check page keeps the result of validating one letter file's signature (the
# file's bytes are hashed on every request; only the same bytes reuse the result).
LETTER_SIGNATURE_CACHE_SECONDS = env.int("LETTER_SIGNATURE_CACHE_SECONDS", default=60 * 60)

# --- Retention of personal data (UU 27/2022) -------------------------------------------------
# A draft registration nobody touched for this many days is anonymised: the person's name,
# NIK, address and contacts are replaced and their uploads deleted; region, country, scheme
# and sex stay for the statistics.
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=180)
# A complaint case resolved or closed this many days ago is anonymised: the complainant's and
# the worker's names, contacts, NIK and passport, the account of events, the timeline's text
# and the attachments go; category, country, kab/kota, status, channel, outcome and dates stay
# for the statistics. Five years by default: a finished case may still be reopened, asked
# about by the complainant or the Ombudsman, or needed as evidence (a trafficking case goes to
# court) for years; an anonymised case can no longer be reopened.
RETENTION_CLOSED_CASE_DAYS = env.int("RETENTION_CLOSED_CASE_DAYS", default=5 * 365)
FORMS_URLFIELD_ASSUME_HTTPS = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Office ---------------------------------------------------------------------------------
# What the pages and letters say about the office: another office sets its own.
OFFICE = {
    "name": env.str("OFFICE_NAME", default="BP3MI Sulawesi Tenggara"),
    "long_name": env.str(
        "OFFICE_LONG_NAME",
        default="Balai Pelayanan Pelindungan Pekerja Migran Indonesia Sulawesi Tenggara",
    ),
    "ministry": env.str(
        "OFFICE_MINISTRY",
        default="Kementerian Pelindungan Pekerja Migran Indonesia",
    ),
    "address": env.str("OFFICE_ADDRESS", default="Kota Kendari, Sulawesi Tenggara"),
    # Where letters are dated: "Kendari, 24 November 2026".
    "city": env.str("OFFICE_CITY", default="Kendari"),
    "phone": env.str("OFFICE_PHONE", default=""),
    "email": env.str("OFFICE_EMAIL", default=""),
    "hotline": env.str("OFFICE_HOTLINE", default=""),
}

# --- Letter signatures -------------------------------------------------------------------
# The office's key and certificate (PEM) that sign every verification letter (PAdES), the
# key's passphrase, and the certificates a letter's signature is checked against (default:
# the office certificate). Unset in development: a self-signed office certificate is
# generated once under var/signing/. Required in production.
LETTER_SIGNING_KEY = env.str("LETTER_SIGNING_KEY", default="")
LETTER_SIGNING_CERT = env.str("LETTER_SIGNING_CERT", default="")
LETTER_SIGNING_PASSPHRASE = env.str("LETTER_SIGNING_PASSPHRASE", default="")
LETTER_SIGNING_TRUST_ROOTS = env.list("LETTER_SIGNING_TRUST_ROOTS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
