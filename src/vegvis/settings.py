"""Vegvis settings, read from the environment.

VEGVIS_ENV selects the profile: ``dev`` (default), ``test`` or ``production``. Production refuses to start
without its secrets; dev generates them once under ``var/`` so a fresh clone runs without set-up.
See docs/operations.md for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vegvis.core.secrets import dev_secret

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("VEGVIS_HOME", PACKAGE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("VEGVIS_VAR_DIR", BASE_DIR / "var"))

VEGVIS_ENV = os.environ.get("VEGVIS_ENV", "dev")
if VEGVIS_ENV not in {"dev", "test", "production"}:
    raise ImproperlyConfigured(f"VEGVIS_ENV must be dev, test or production, not {VEGVIS_ENV!r}")
PRODUCTION = VEGVIS_ENV == "production"


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def required_secret(name: str, *, length: int = 50) -> str:
    """A secret from the environment; in dev and test one is generated and kept under var/."""
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production (see docs/operations.md)")
    return dev_secret(VAR_DIR, name, length=length)


SECRET_KEY = required_secret("SECRET_KEY")
# Keys for personal data at rest: the national id is encrypted with the first, looked up by an HMAC with the second.
VEGVIS_DATA_KEY = required_secret("VEGVIS_DATA_KEY")
VEGVIS_LOOKUP_KEY = required_secret("VEGVIS_LOOKUP_KEY")
VEGVIS_AUDIT_KEY = required_secret("VEGVIS_AUDIT_KEY")

DEBUG = env_flag("VEGVIS_DEBUG", VEGVIS_ENV == "dev")
VEGVIS_ALLOW_SYNTHETIC_IDS = env_flag("VEGVIS_ALLOW_SYNTHETIC_IDS", VEGVIS_ENV != "production")
VEGVIS_REQUIRE_2FA = env_flag("VEGVIS_REQUIRE_2FA", PRODUCTION)
VEGVIS_DEMO_USERS = VEGVIS_ENV == "dev"
# An audited write that did not take the audit chain's head first is an error in dev and tests, a warning in
# production (vegvis.audit.services.audited_atomic; docs/adr/0003-audit-chain.md).
VEGVIS_AUDIT_STRICT_LOCK_ORDER = not PRODUCTION
# Base URL used in mail and letters; also the origin trusted for CSRF behind a proxy.
VEGVIS_BASE_URL = os.environ.get("VEGVIS_BASE_URL", "http://127.0.0.1:8000")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [VEGVIS_BASE_URL]

INSTALLED_APPS = [
    "vegvis.core",
    "vegvis.accounts",
    "vegvis.audit",
    "vegvis.access",
    "vegvis.statistics",
    "vegvis.casework",
    "vegvis.records",
    "vegvis.imports",
    "vegvis.cooperation",  # before the contrib apps: its permissions exist when the roles are seeded
    "vegvis.abroad",
    "vegvis.reports",
    "vegvis.inquiries",
    "vegvis.consultations",
    "vegvis.earlyaccess",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vegvis.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vegvis.core.middleware.NoStoreForUsersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vegvis.accounts.middleware.IdleTimeoutMiddleware",
    "vegvis.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "vegvis.core.middleware.RefuseNullCharactersMiddleware",
]

ROOT_URLCONF = "vegvis.urls"
WSGI_APPLICATION = "vegvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "vegvis.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vegvis.sqlite3'}",
        conn_max_age=int(os.environ.get("VEGVIS_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "vegvis.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): per user name and address, released after the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("VEGVIS_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Idle timeout: the session ends after this many seconds without a request.
VEGVIS_IDLE_TIMEOUT = int(os.environ.get("VEGVIS_IDLE_TIMEOUT", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "vegvis_session"
CSRF_COOKIE_HTTPONLY = True
OTP_TOTP_ISSUER = "Vegvis"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("VEGVIS_STATIC_ROOT", VAR_DIR / "static"))
if not PRODUCTION:
    # WhiteNoise warns about a missing folder even when it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/designsystemet", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/designsystemet-theme", NODE_MODULES / "@digdir" / "designsystemet-theme" / "brand"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/inter", NODE_MODULES / "@fontsource" / "inter"),
]
FORM_RENDERER = "vegvis.core.forms.FormRenderer"
STORAGES = {
    # Letters and uploads: written to a temporary name and linked into place only when whole (see core/storage.py).
    "default": {"BACKEND": "vegvis.core.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("VEGVIS_MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Stored letters and uploads hold personal data: readable by the service's user only (docs/operations.md).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
VEGVIS_MAX_UPLOAD_BYTES = int(os.environ.get("VEGVIS_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

# Content-Security-Policy without 'unsafe-inline': scripts and styles come from our own files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 63072000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = env_flag("VEGVIS_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if env_flag("VEGVIS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "VEGVIS_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("VEGVIS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VEGVIS_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("VEGVIS_FROM_EMAIL", "vegvis@localhost")

# `vegvis worker` beats every VEGVIS_WORKER_HEARTBEAT_SECONDS; a running task whose worker has not beaten for
# VEGVIS_WORKER_STALE_SECONDS is queued again, up to VEGVIS_TASK_MAX_ATTEMPTS tries in all (core/tasks.py).
VEGVIS_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("VEGVIS_WORKER_HEARTBEAT_SECONDS", "10"))
VEGVIS_WORKER_STALE_SECONDS = float(os.environ.get("VEGVIS_WORKER_STALE_SECONDS", "120"))
VEGVIS_TASK_MAX_ATTEMPTS = int(os.environ.get("VEGVIS_TASK_MAX_ATTEMPTS", "3"))

# Background work through the Django task API (django-tasks backport) and its database backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("VEGVIS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "reports"],
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("VEGVIS_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["VEGVIS_CACHE_URL"],
        }
    }

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VEGVIS_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry URLs; URLs never carry national ids (see docs/security.md).
        "django.server": {"level": "WARNING" if VEGVIS_ENV == "test" else "INFO"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
