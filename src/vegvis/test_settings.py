"""Settings for the test suite: the real settings with the test profile and fixed, non-secret keys."""

import os

os.environ.setdefault("VEGVIS_ENV", "test")
os.environ.setdefault("VEGVIS_ALLOW_SYNTHETIC_IDS", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("VEGVIS_DATA_KEY", "test-data-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("VEGVIS_LOOKUP_KEY", "test-lookup-key-not-for-production-use-0123456789")
os.environ.setdefault("VEGVIS_AUDIT_KEY", "test-audit-key-not-for-production-use-0123456789")

from vegvis.settings import *  # noqa: F403

# Hashing strength is asserted against the production settings (accounts tests); here it would only slow tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
AXES_ENABLED = True
# As in production: a session must pass the second factor. Tests log in through vegvis.testing.auth (the
# `login` fixture), which gives the user a TOTP device and a verified session; a test that needs it off says why.
VEGVIS_REQUIRE_2FA = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: Django shares an in-memory test database's one connection between the live server's
    # threads, and two threads in one SQLite connection can deadlock the interpreter (one holds the GIL while it
    # waits for SQLite's mutex, the other holds the mutex while a Python SQL function waits for the GIL). With a
    # file every thread has its own connection, as in production. pytest-django adds each xdist worker's suffix.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405

# As in production, WhiteNoise serves only collected files (none in tests), not the finders: with the finders it
# walked every static file each time a test client was made, half the access matrix's time. Browser tests get
# static files from the live server's StaticFilesHandler (pytest-django).
WHITENOISE_USE_FINDERS = False
