"""Settings for CX Pillars: one module, read from the environment, safe development defaults.

Environment variables:
    DEBUG            true/false (default: true, for development)
    SECRET_KEY       required when DEBUG is false
    ALLOWED_HOSTS    comma-separated host names (default with DEBUG: localhost,127.0.0.1)
    DATABASE_URL     e.g. postgres://user:pass@127.0.0.1:5432/cxpillars (default: SQLite file)
    CONN_MAX_AGE     seconds a worker keeps its database connection (default 60; checked first)
    DATABASE_SERVER_SIDE_BINDING   PostgreSQL prepared statements (default true; false behind
                             PgBouncer in transaction mode)
    SECURE_SSL_REDIRECT, SECURE_COOKIES, SECURE_PROXY_SSL_HEADER   true/false
    SECURE_HSTS_SECONDS   integer seconds
    EMAIL_BACKEND, DEFAULT_FROM_EMAIL   mail (console backend by default)
    CXP_TRUSTED_PROXY_HOPS   how many reverse proxies sit in front (rate limits, login throttle)
    SURVEY_RATE_LIMIT        survey submissions per client, e.g. 30/600 (per 600 seconds)
    SIGNUP_RATE_LIMIT        sign-ups (each sends a mail) per client, e.g. 10/3600
    REDIS_URL                e.g. redis://127.0.0.1:6379/0: cached pages and rate limits in
                             Redis (default: the database, shared by every worker and server)
    EXPORT_BACKGROUND_ROWS   an XLSX of more responses than this (a CSV of 10x) is built in the
                             background
    LOGIN_FAILURE_LIMIT      failed logins per account and per client before a 15-minute pause
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import bootstrap as xstatic_bootstrap

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but a clear yes/no is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {raw!r}).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from exc
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative (got {raw!r}).")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Whether this is a deployed (reachable) site, as configured: the test runner turns DEBUG off for
# its run, but a test database is not a public site (seed_demo asks this).
CXP_PUBLIC_SITE = not DEBUG

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false: "
            'generate one with python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the development placeholder; set a real one.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before the admin, so its translation-aware admin classes and fields register first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses an oversized request before anything (CSRF's check included) reads its body.
    "assessments.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "assessments.middleware.RememberedLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cxpillars.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "cxpillars.wsgi.application"

try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
# PostgreSQL: server-side parameters, and psycopg prepares a statement at its 5th run on a
# connection (Django turns that off unless told), so each page's few small queries are planned
# once per worker, not on every request: planning took longer than running them. Switch it off
# (DATABASE_SERVER_SIDE_BINDING=false) behind PgBouncer in transaction mode.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:dashboard"
LOGOUT_REDIRECT_URL = "assessments:home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("ro", _("Romanian")),
    ("ms", _("Malay")),
    ("af", _("Afrikaans")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Formats for languages Django ships none for (Afrikaans).
FORMAT_MODULE_PATH = ["cxpillars.formats"]
# Pillar texts per language (django-modeltranslation): English is the reference; a missing
# translation reads as English on team pages and is flagged in the admin (assessments.languages).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
# The language a signed-in user chose is remembered on their account and in this cookie.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the xstatic-bootstrap package, served by whitenoise: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CX Pillars <noreply@localhost>")

# One cache for every worker and every server (rate limits live in it): the database cache by
# default (its table is made by migrate), Redis when REDIS_URL is set. Sessions stay in the
# database (Django's default session engine), so they survive a Redis restart.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "assessments.throttling.DatabaseCache",
            "LOCATION": "cxpillars_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Background work (big imports and exports) through django-tasks, the backport of Django 6's
# tasks framework. The database backend needs no extra server: `manage.py db_worker` runs the
# queue (make run starts one beside the web server); on several servers they share PostgreSQL.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security: strict by default when DEBUG is off; each switch can be relaxed behind a TLS proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): our own files only, no inline script at all. Style
# *attributes* are allowed: the bars and heat-map cells take their width or colour from the data
# (server-computed numbers, never user text); an attribute cannot run script, and with img-src and
# font-src limited to this site it cannot send anything elsewhere either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # Bootstrap's CSS draws its icons (menu, select arrow, check marks) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features the app never uses, switched off for every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb",
    )
}  # fmt: skip

# Request bodies: form fields at most 1 MB, a file above 2.5 MB goes to a temporary file. The
# whole body is checked against its Content-Length before anything reads it
# (assessments.middleware): 1 MB, or the import limit plus room for the form for a signed-in user.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 5

CXP_TRUSTED_PROXY_HOPS = env_int("CXP_TRUSTED_PROXY_HOPS", 0)


def _rate(name: str, default: str) -> tuple[int, int]:
    raw = os.environ.get(name, default)
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like 30/600 (got {raw!r}).") from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"{name} needs positive numbers (got {raw!r}).")
    return count, seconds


# An XLSX of more customer responses than this (a CSV of ten times as many) is built by the
# background worker (assessments/export_jobs.py).
CXP_EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 5000)

# Survey submissions per client (IP) and survey: count/seconds, counted in the shared cache.
CXP_SURVEY_RATE_LIMIT = _rate("SURVEY_RATE_LIMIT", "30/600")
# Sign-ups per client: each one sends a mail, so an open form must not become a mail cannon.
CXP_SIGNUP_RATE_LIMIT = _rate("SIGNUP_RATE_LIMIT", "10/3600")

# Login throttle (django-axes) for the site login and the admin: failed attempts are stored in
# the database, so every worker and server counts them together. A client (IP, behind the
# trusted proxies above) and an account are each locked after LOGIN_FAILURE_LIMIT failures, for
# 15 minutes (the lockout page says so); the page says the same whether the account exists or not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each request's user loaded by a compiled query.
    "assessments.compiled_queries.UserBackend",
]
# Django's database sessions, each request's session loaded by one plain statement.
SESSION_ENGINE = "assessments.compiled_queries"
AXES_FAILURE_LIMIT = max(1, env_int("LOGIN_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "assessments.throttling.login_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A success does not wipe the failures: axes would delete every failure from that client, so
# logging in to one's own account between guesses would reset the count on someone else's.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
