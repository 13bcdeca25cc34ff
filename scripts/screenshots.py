"""Screenshots of the main pages for each demo role, for looking at them (not a test).

Usage: .venv/bin/python scripts/screenshots.py [base URL]   (the server must be running with demo data)
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path("var/screenshots")
PASSWORD = "vegvis-demo-2026"  # noqa: S105  (the demo users' password, dev only)
PAGES = {
    "saksbehandler.ous": [
        "/hjem/",
        "/utland/",
        "/utland/sok/",
        "/utland/saker/ny/",
        "/utland/saker/40/",
        "/utland/saker/23/",
        "/utland/saker/23/steg/record_appeal_reversed/",
        "/utland/saker/40/oppfolging/expense/",
    ],
    "kontorleder.ous": ["/hjem/", "/utland/metoder/", "/utland/brevmaler/", "/utland/valutakurser/"],
    "radgiver": ["/hjem/", "/utland/vurderinger/"],
    "analytiker": ["/hjem/", "/rapporter/aarsrapport/2020/", "/rapporter/statistikk/"],
    "admin": ["/hjem/", "/forvaltning/"],
    "": ["/konto/logg-inn/", "/offentlig-journal/"],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for user, paths in PAGES.items():
            # A Norwegian browser, as the browser tests use (headless Chromium still draws date fields as mm/dd/yyyy).
            page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="nb-NO")
            if user:
                page.goto(f"{BASE}/konto/logg-inn/")
                page.fill("#id_username", user)
                page.fill("#id_password", PASSWORD)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
            for path in paths:
                page.goto(BASE + path)
                name = f"{user or 'anonymous'}{path.replace('/', '_')}.png"
                page.screenshot(path=str(OUT / name), full_page=True)
                print(OUT / name)  # noqa: T201
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
