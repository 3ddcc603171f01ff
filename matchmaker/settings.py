"""Matchmaker settings: one file, driven by environment variables with safe defaults.

Without any environment the project runs embedded: a PostgreSQL server of its own under
var/postgres/ (matchmaker/embedded_postgres/), Celery tasks executed in-process, an in-memory
cache. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and
ALLOWED_HOSTS (see README.md, "Configuration").
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from matchmaker.embedded_postgres import clients as embedded_postgres
from matchmaker.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY, or DEBUG=1 for development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

# Salts the daily visitor key of tracked-link clicks (campaigns.tracking); only a hash is kept.
TRACKING_SALT = env_str("TRACKING_SALT") or SECRET_KEY

# Keys the hash that stands in for a commenter's id or handle (creators.Comment.commenter_key).
# Changing it makes new imports count the same people as new commenters: set it once.
COMMENTER_HASH_KEY = env_str("COMMENTER_HASH_KEY") or SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "tenancy",
    "creators",
    "campaigns",
    "scoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /r/<code> needs none of what follows (campaigns/redirect.py): served here, it skips it.
    "campaigns.redirect.short_links_first",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware must stay last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "matchmaker.urls"
WSGI_APPLICATION = "matchmaker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            "builtins": ["matchmaker.templatetags.fmt"],
        },
    },
    {
        # The hot row partials (discovery, campaign matches): a Django template spent about
        # 0.3 ms per discovery row, Jinja2 a fifteenth of that; both escape every value.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "matchmaker.jinja2.environment",
            "autoescape": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

# Stock widgets built in Python (same markup as Django's templates, a fraction of the time).
FORM_RENDERER = "matchmaker.lib.form_renderer.FastRenderer"

# --- Database -----------------------------------------------------------------------------
# PostgreSQL always. DATABASE_URL names a server; without it the checkout's embedded server
# under var/postgres/ is started on the first connection and shared by every process of the
# checkout (matchmaker/embedded_postgres/server.py and clients.py).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if not DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must name a PostgreSQL database (postgres://...), got {DATABASE_URL!r}"
        )
else:
    DATABASES = {"default": embedded_postgres.database_settings(VAR_DIR / "postgres")}
# JIT off on the app's connections (both branches): the discovery pages are LIMIT 25 queries
# whose cost estimate still crosses jit_above_cost, and compiling them cost ~70 ms of a ~10 ms
# query. DATABASE_JIT=1 leaves the server's setting alone.
if not env_bool("DATABASE_JIT", False):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = " ".join(filter(None, [_db_options.get("options"), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the shared cache when there is one (written through to the database):
# one query fewer per page. A per-process memory cache would keep a session another process
# has logged out, so without Redis they stay in the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Without a broker the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
# Time limits stay well below the Redis visibility timeout, or a long task is delivered twice.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 50 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 55 * 60)
# An unacknowledged task (its worker died: acks_late) goes back to the queue after this many
# seconds. The fault tests run workers with a few seconds to see the redelivery quickly.
_visibility_timeout = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 2 * 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "nightly-full-recompute": {
        "task": "scoring.tasks.recompute_everything",
        "schedule": crontab(hour=3, minute=15),
    },
    # Import jobs whose task the broker lost (a Redis restart) are sent again.
    "requeue-stale-imports": {
        "task": "creators.tasks.requeue_stale_imports",
        "schedule": 5 * 60,
    },
    # Uploaded files past IMPORT_FILE_RETENTION_DAYS are deleted (the jobs stay).
    "purge-old-import-files": {
        "task": "creators.tasks.purge_old_import_files",
        "schedule": crontab(hour=4, minute=30),
    },
    # Score runs whose task is gone (past the task time limit) are marked failed.
    "fail-stale-score-runs": {
        "task": "scoring.tasks.fail_stale_runs",
        "schedule": 10 * 60,
    },
    # Tracked links' clicks, buffered in the cache by the redirect, go to the database.
    "flush-link-clicks": {
        "task": "campaigns.tasks.flush_link_clicks",
        "schedule": 60,
    },
}
CELERY_TIMEZONE = "UTC"

# --- Auth ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (matchmaker/login_throttle.py): five failures per username and address, or
# more per username from any address, lock the username out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 10)
if AXES_USERNAME_FAILURE_LIMIT <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "AXES_USERNAME_FAILURE_LIMIT (failures per username from any address) must be higher "
        f"than AXES_FAILURE_LIMIT (per username and address), got {AXES_USERNAME_FAILURE_LIMIT} "
        f"and {AXES_FAILURE_LIMIT}."
    )
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "matchmaker.login_throttle.TwoLimitHandler"
AXES_CLIENT_IP_CALLABLE = "matchmaker.lib.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The locale of numbers and money (matchmaker.lib.formatting, Babel's CLDR data): "$1,200" for
# USD, "€", "£" and "CA$" for the others; dates are written "1 Dec 2026" whatever it is.
FORMAT_LOCALE = env_str("FORMAT_LOCALE", "en_US")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Every page names its assets through {% static %}, so only the hashed copies are served; keeping
# the originals would double the compression work of collectstatic for files nobody requests.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps (several MB for the vendored bundles) are fetched only by developer tools: serving
# them uncompressed costs nobody, brotli-compressing them is most of collectstatic's run time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 200) * 1024 * 1024
# What an uploaded table may make the reader do, whatever the file declares: columns of a header
# or a line, and how far a workbook may inflate (in all, and per part: a zip bomb inflates
# hundreds of times; real sheets measured 5-20 times).
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 1000)
# Days an uploaded file is kept after its job finished (0: forever); the job's record stays.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)
IMPORT_MAX_XLSX_UNCOMPRESSED_MB = env_int("IMPORT_MAX_XLSX_UNCOMPRESSED_MB", 1024)
IMPORT_MAX_XLSX_RATIO = env_int("IMPORT_MAX_XLSX_RATIO", 100)
# An import that changed more than this share of the catalogue recomputes every creator's
# metrics in one run, instead of sending its changed ids 1,000 at a time.
IMPORT_RECOMPUTE_ALL_PERCENT = env_int("IMPORT_RECOMPUTE_ALL_PERCENT", 20)
# An import that created or updated at least this many rows ANALYZEs the tables it wrote
# (matchmaker.lib.pgstats) instead of waiting for autovacuum to notice.
IMPORT_ANALYZE_MIN_ROWS = env_int("IMPORT_ANALYZE_MIN_ROWS", 10_000)
# A campaign's matches recompute scores its candidates this many at a time (memory follows the
# chunk, not the catalogue) and stores only the best MATCHES_STORED_MAX of them: the 40 pages
# the campaign page opens show 2,000, the optimiser reads the stored rows.
MATCH_CHUNK_SIZE = env_int("MATCH_CHUNK_SIZE", 50_000)
MATCHES_STORED_MAX = env_int("MATCHES_STORED_MAX", 5_000)
# A recompute of all creator metrics scores the catalogue in chunks of this many creators, each
# its own task (scoring.services.metrics_chunks).
METRICS_CHUNK_SIZE = env_int("METRICS_CHUNK_SIZE", 20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file over IMPORT_MAX_UPLOAD_BYTES stops being stored as it arrives, not after it is on disk.
FILE_UPLOAD_HANDLERS = [
    "creators.importing.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -----------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Reverse proxies in front of gunicorn, each appending to X-Forwarded-For: the client address
# (login throttling, API throttles) is read from that header only when this says so. 0: gunicorn
# is exposed directly and the TCP peer is the client.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more, got {PROXY_COUNT}.")
# X-Forwarded-Proto is anyone's to send to an exposed gunicorn: trusted only when set. gunicorn
# itself trusts it from FORWARDED_ALLOW_IPS (matchmaker/gunicorn_conf.py), which checks the peer.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: data reaches scripts through json_script blocks.
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

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenancy.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A read-only token is refused on writes everywhere (views that set their own permission
    # classes, the staff imports, include the same check).
    "DEFAULT_PERMISSION_CLASSES": [
        "matchmaker.api.permissions.TokenScope",
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_PAGINATION_CLASS": "matchmaker.api.pagination.CountedPagination",
    # Request bodies are JSON (lists, nested objects and null do not survive form encoding);
    # the import upload sets its own multipart parser.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["matchmaker.api.filtering.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "matchmaker.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["matchmaker.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_TOKEN_RATE", "600/min"),
        # The unauthenticated, signed conversion postback, per client address.
        "postback": env_str("API_POSTBACK_RATE", "600/min"),
    },
    "NUM_PROXIES": PROXY_COUNT,
}
# Client reports (/share/<token>/, no login): requests per address per minute, counted in the
# cache whether the token is good or not (campaigns/sharing/throttle.py); a PDF counts as
# SHARE_PDF_COST requests, since rendering one takes a CPU for a while.
SHARE_RATE_LIMIT = env_int("SHARE_RATE_LIMIT", 60)
SHARE_RATE_WINDOW = 60
SHARE_PDF_COST = 6
SPECTACULAR_SETTINGS = {
    "TITLE": "Matchmaker API",
    "DESCRIPTION": "Creators, campaigns, rosters, outcomes and imports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "campaigns.models.Stage",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "ImportJobStatusEnum": "creators.models.ImportStatus",
    },
    # Swagger UI assets served from our own static files (CSP allows no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "matchmaker.api.schema.add_error_responses",
    ],
}

# --- Health ---------------------------------------------------------------------------
# /healthz tells anonymous callers ok/error only; HEALTHZ_DETAILS adds each check's state and
# time (never error text, which names hosts and users: staff alone see it). Redis and worker
# checks are remembered per process for HEALTHZ_CACHE_SECONDS (a worker ping waits up to 1 s).
HEALTHZ_DETAILS = env_bool("HEALTHZ_DETAILS", False)
HEALTHZ_CACHE_SECONDS = env_int("HEALTHZ_CACHE_SECONDS", 10)

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "matchmaker.lib.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": env_str("LOG_FORMAT", "plain")}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
