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
