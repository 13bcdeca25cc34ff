"""Load for ``make bench``: case handlers at the worklist, searching, reading cases, and a hospital's system
submitting applications through the API. Driven headless by bench/run.py, one user class per measurement.

Configuration comes from the JSON file named by BENCH_CONFIG (sessions made by run.py's logins, samples made by
prepare.py); every response time is written to BENCH_OUT when Locust stops, so run.py computes exact medians and
percentiles instead of Locust's rounded ones.

The production settings mark cookies Secure, which a client does not send back over plain HTTP; the benchmark
runs on loopback without TLS, so the users send their session and CSRF cookies in an explicit Cookie header.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from datetime import date, timedelta
from typing import Any

from locust import FastHttpUser, constant, events, task

CONFIG: dict[str, Any] = json.loads(open(os.environ["BENCH_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS: list[dict[str, str]] = CONFIG["sessions"]
SAMPLES: dict[str, Any] = CONFIG["samples"]
_next_session = itertools.count()
_fresh_ids = iter(SAMPLES["fresh_national_ids"][int(os.environ.get("BENCH_FIRST_ID", "0")) :])
_lock = threading.Lock()
_timings: list[tuple[str, float, float, bool]] = []


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **kwargs: Any) -> None:
    _timings.append((name, response_time, time.time(), exception is None))


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as out:
        json.dump(_timings, out)


class CaseHandler(FastHttpUser):
    """A logged-in case handler at OUS; each simulated user has its own session."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        session = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.csrf = session["csrftoken"]
        self.headers = {
            "Cookie": f"vegvis_session={session['session']}; csrftoken={self.csrf}",
            "Origin": self.host,
            "Referer": f"{self.host}/utland/",
        }
        self.rng = random.Random()

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    def search(self) -> None:
        kind = self.rng.choice(["number", "national_id", "name", "full_text"])
        text = self.rng.choice(
            {
                "number": SAMPLES["case_numbers"],
                "national_id": SAMPLES["national_ids"],
                "name": SAMPLES["names"],
                "full_text": SAMPLES["words"],
            }[kind]
        )
        with self.client.post(
            "/utland/sok/",
            data={"q": text, "csrfmiddlewaretoken": self.csrf},
            headers=self.headers,
            name=f"search: {kind}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class Worklist(CaseHandler):
    @task
    def worklist(self) -> None:
        self.get("/utland/", "worklist")


class Search(CaseHandler):
    @task
    def search_cases(self) -> None:
        self.search()


class CasePage(CaseHandler):
    @task
    def case_page(self) -> None:
        self.get(f"/utland/saker/{self.rng.choice(SAMPLES['case_ids'])}/", "case page")


class Mixed(CaseHandler):
    """For warming up: every page the measurements ask for."""

    @task(3)
    def worklist(self) -> None:
        self.get("/utland/", "worklist")

    @task(3)
    def search_cases(self) -> None:
        self.search()

    @task(3)
    def case_page(self) -> None:
        self.get(f"/utland/saker/{self.rng.choice(SAMPLES['case_ids'])}/", "case page")

    @task(1)
    def api_worklist(self) -> None:
        self.get("/api/v1/abroad/cases", "api worklist")


class CreateApplication(FastHttpUser):
    """A hospital's system submitting new applications with its API token."""

    wait_time = constant(0)

    def on_start(self) -> None:
        session = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.headers = {"Authorization": f"Bearer {session['token']}", "Content-Type": "application/json"}
        self.rng = random.Random()

    @task
    def create(self) -> None:
        with _lock:
            national_id = next(_fresh_ids)
        payload = {
            "national_id": national_id,
            "patient_name": "Bench Pasient",
            "home_region": "helse-sor-ost",
            "route": "treatment_abroad",
            "received_date": (date.today() - timedelta(days=self.rng.randrange(0, 5))).isoformat(),  # noqa: DTZ011
            "diagnosis_icd10": "G40.2",
            "requested_treatment": "MEG-undersøkelse før epilepsikirurgi",
            "applicant": "hospital_doctor",
            "applicant_name": "Overlege Kari Lunde",
            "hospital": {"name": "Helsinki University Hospital", "city": "Helsinki", "country": "FI"},
            "external_id": f"bench-{national_id}",
        }
        with self.client.post(
            "/api/v1/abroad/cases",
            data=json.dumps(payload),
            headers=self.headers,
            name="api create",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
