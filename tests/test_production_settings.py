"""The production profile, checked the way an operator starts it: a separate process with its environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

VEGVIS = Path(sys.executable).with_name("vegvis")


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    """A production environment with every required setting, and nothing from the test process's profile."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "vegvis.settings",
        "VEGVIS_ENV": "production",
        "VEGVIS_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "VEGVIS_DATA_KEY": secrets.token_urlsafe(48),
        "VEGVIS_LOOKUP_KEY": secrets.token_urlsafe(48),
        "VEGVIS_AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "vegvis.example.no",
        "VEGVIS_BASE_URL": "https://vegvis.example.no",
    }
    if "PYTHONPATH" in os.environ:  # a checkout run without installing it
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([str(VEGVIS), "check", "--deploy", "--fail-level", "WARNING"], env)


def test_deploy_check_finds_no_issues_in_production(production_env):
    result = deploy_check(production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_does_fail_on_a_weakened_production(production_env):
    result = deploy_check({**production_env, "VEGVIS_DEBUG": "1", "VEGVIS_SSL_REDIRECT": "0"})

    assert result.returncode != 0
    assert "security.W018" in result.stderr and "security.W008" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "VEGVIS_DATA_KEY", "VEGVIS_AUDIT_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_setting(production_env, missing):
    env = {k: v for k, v in production_env.items() if k != missing}

    result = deploy_check(env)

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_hashes_passwords_with_argon2(production_env):
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth.hashers import make_password\n"
        "print(settings.PASSWORD_HASHERS[0])\n"
        "print(make_password('correct horse battery staple').split('$')[0])\n"
    )

    result = run([sys.executable, "-c", script], production_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2"]


def test_production_sends_hsts_and_requires_the_second_factor_and_an_idle_timeout(production_env):
    """An answer over HTTPS under the production profile, and the account rules it starts with."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "response = Client(HTTP_HOST='vegvis.example.no').get('/healthz', secure=True)\n"
        "plain = Client(HTTP_HOST='vegvis.example.no').get('/healthz')\n"
        "print(response.get('Strict-Transport-Security'))\n"
        "print(plain.status_code, plain.get('Location'))\n"
        "print(settings.VEGVIS_REQUIRE_2FA, settings.VEGVIS_IDLE_TIMEOUT, settings.AXES_FAILURE_LIMIT)\n"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.VEGVIS_ALLOW_SYNTHETIC_IDS)\n"
    )

    (Path(production_env["VEGVIS_VAR_DIR"]) / "static").mkdir(parents=True)  # the SQLite file and static root
    result = run([sys.executable, "-c", script], production_env)

    assert result.returncode == 0, result.stderr
    hsts, redirect, account, cookies = result.stdout.strip().splitlines()
    assert hsts == "max-age=63072000; includeSubDomains; preload"
    assert redirect == "301 https://vegvis.example.no/healthz"
    assert account == "True 1800 5"  # TOTP for every user, 30 minutes idle, lockout after 5 failures
    assert cookies == "True True False"  # secure cookies; synthetic national ids refused
