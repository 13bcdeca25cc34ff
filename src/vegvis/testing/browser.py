"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never a downloaded browser: the tests use /usr/bin/chromium (``make browser-deps`` installs it). One browser per
test process (per xdist worker); each test gets a fresh context, so no cookies leak between tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@dataclass
class Chromium:
    """The worker's browser, and the event loop of Playwright's sync API that drives it."""

    browser: Any
    loop: asyncio.AbstractEventLoop

    @contextmanager
    def driving(self) -> Iterator[None]:
        """While a test drives the browser: the state Playwright's sync API expects, with Django told so.

        Between its calls Playwright marks its loop as running on this thread. Django then keeps a separate
        set of database connections and refuses ORM calls (SynchronousOnlyOperation). Nothing runs concurrently
        (the loop turns only while a Playwright call waits), so the ORM is allowed while a test drives the
        browser, and between tests the mark is taken away: pytest-django's set-up and tear-down of the next
        test (serialized rollback included) then use the test database's own connection.
        """
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        asyncio._set_running_loop(self.loop)
        try:
            yield
        finally:
            asyncio._set_running_loop(None)
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One browser per test process (xdist worker), started when a test first asks for a page."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium package)")
    playwright = sync_playwright().start()
    session = Chromium(browser=None, loop=asyncio.get_running_loop())
    try:
        with session.driving():
            session.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield session
    finally:
        with session.driving():
            if session.browser is not None:
                session.browser.close()
            playwright.stop()


class ConsoleLog:
    """Console errors seen by a page: script errors, failed loads and refused scripts or styles (CSP)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def listen(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if source.endswith("/favicon.ico"):
            return  # the browser asks for it on its own; no page of ours links to it
        self.errors.append(f"{message.text} ({source})" if source else message.text)


@pytest.fixture
def console_log() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(
    chromium: Chromium, live_server: Any, console_log: ConsoleLog, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A page in a fresh context, with the live server as base URL; a screenshot is saved when the test ends."""
    with chromium.driving():
        context = chromium.browser.new_context(base_url=live_server.url, locale="nb-NO")
        context.set_default_timeout(10_000)
        tab = context.new_page()
        console_log.listen(tab)
        try:
            yield tab
        finally:
            save_screenshot(tab, request.node.name)
            context.close()
            connections.close_all()  # the test's own connections while driving (see Chromium.driving)


def save_screenshot(page: Any, test_name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', test_name)}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def log_in(page: Any, username: str, password: str) -> None:
    """Log in as a person would: the login form (user name, password), then the second factor.

    The user has an authenticator app (a confirmed TOTP device, made here if the test did not enrol one); when
    the password is right the browser lands on the verification page, where the six digits the app would show
    now are typed in (computed from the device's secret with django_otp.oath.totp).
    """
    from vegvis.accounts.models import User
    from vegvis.testing.auth import totp_code, totp_device

    user = User.objects.filter(username=username).first()
    device = totp_device(user) if user is not None else None
    page.goto("/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    if device is not None and "/konto/tofaktor/" in page.url:
        page.get_by_label("Sekssifret kode fra autentiseringsappen din").fill(totp_code(device))
        page.get_by_role("button", name="Fortsett").click()
        page.wait_for_load_state()


def axe_violations(page: Any, *, tags: list[str] = WCAG_21_AA) -> list[dict[str, Any]]:
    """Run axe-core on the page's current URL and return its violations.

    add_script_tag(path=…) injects the script inline, which our Content-Security-Policy forbids. So the check
    runs in a second context with bypass_csp, carrying the page's cookies; the page under test keeps its CSP.
    """
    checker = page.context.browser.new_context(storage_state=page.context.storage_state(), bypass_csp=True)
    try:
        tab = checker.new_page()
        tab.goto(page.url)
        tab.add_script_tag(path=str(AXE_SCRIPT))
        result = tab.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            tags,
        )
    finally:
        checker.close()
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} – {violation['helpUrl']}")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"])
    return "\n".join(lines) or json.dumps(violations)


def log_in_elsewhere(page: Any, username: str, password: str) -> Any:
    """A second person at their own browser (a fresh context, its own cookies) on the same server, logged in.

    For what takes two people, such as an invoice registered by one and attested by another. Close it with
    ``tab.context.close()``.
    """
    origin = re.match(r"^[a-z]+://[^/]+", page.url)
    if origin is None:
        raise ValueError(f"the page has no server yet: {page.url}")
    context = page.context.browser.new_context(base_url=origin.group(0), locale="nb-NO")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    log_in(tab, username, password)
    return tab
