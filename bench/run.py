"""``make bench``: Vegvis under load at 10 thousand and at 1 million cases, on PostgreSQL, against its targets.

For each size: a database with that many synthetic cases (generated once with ``vegvis demo --cases N`` and kept
as a template database; every run measures a fresh copy, so the measurements never change the cached data),
gunicorn with production settings, a warm-up, then Locust from a second process over loopback, one bounded run
per page and number of users. After the HTTP measurements: the annual report (JSON and PDF) beside the same
aggregations as plain SQL, and an import of 100 000 cases in the contract's format. Results go to
``bench/results/<date>.json`` and a Markdown summary ``bench/results/<date>.md``; each metric is printed against
its target (issue 5) with PASS or MISS.

    python bench/run.py              # what `make bench` runs
    python bench/run.py --fresh      # drop the cached databases and generate them again
    python bench/run.py --quick      # 2 000 and 20 000 cases, short runs: a smoke test of the harness

See docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
WORKING_DB = "vegvis_bench_work"  # not "vegvis_bench": other tools use that name
REPORT_YEAR = 2020

# Measured with ``--workers``: on two cores, four sync workers gave the best throughput at 16 users (see
# docs/performance.md); more workers only queue on the same two cores, fewer leave a core idle while one waits.
DEFAULT_WORKERS = 4


# ---------------------------------------------------------------- small helpers


def say(message: str) -> None:
    print(message, flush=True)


def run(cmd: list[str], env: dict[str, str], *, log: Path | None = None, timeout: float | None = None) -> float:
    """Run a command to the end, its output to ``log`` (or through); returns the seconds it took."""
    started = time.monotonic()
    if log is None:
        subprocess.run(cmd, env=env, check=True, timeout=timeout, cwd=ROOT)
    else:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"\n$ {' '.join(cmd)}\n")
            out.flush()
            subprocess.run(cmd, env=env, check=True, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=ROOT)
    return time.monotonic() - started


def stream(cmd: list[str], env: dict[str, str], prefix: str) -> float:
    """Run a long command and show its progress lines as they come."""
    started = time.monotonic()
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            say(f"{prefix}{line.rstrip()}")
        if process.wait() != 0:
            raise subprocess.CalledProcessError(process.returncode, cmd)
    return time.monotonic() - started


def admin() -> psycopg.Connection[Any]:
    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def db_exists(name: str) -> bool:
    with admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def db_comment(name: str) -> dict[str, Any]:
    with admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}


def db_drop(name: str) -> None:
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_create(name: str, template: str | None = None) -> float:
    started = time.monotonic()
    db_drop(name)
    with admin() as conn:
        if template:
            # FILE_COPY copies the files after a checkpoint: seconds for gigabytes, where WAL_LOG takes minutes.
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return time.monotonic() - started


# PostgreSQL settings for the benchmark database, set on the database alone (the server's own defaults are left
# as they are). They are what docs/operations.md recommends for a dedicated server with this much memory: no JIT
# (it spent 80 ms compiling each of the report's aggregations, which then ran in less), room to sort and hash a
# year's cases in memory, and planner costs for data that is in memory or on SSD.
DATABASE_SETTINGS = {
    "jit": "off",
    "work_mem": "64MB",
    "random_page_cost": "1.1",
    "effective_cache_size": "12GB",
}


def db_configure(name: str) -> None:
    with admin() as conn:
        for setting, value in DATABASE_SETTINGS.items():
            conn.execute(f"ALTER DATABASE \"{name}\" SET {setting} = '{value}'")


def db_set_comment(name: str, data: dict[str, Any]) -> None:
    with admin() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(data)}'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- the environment of every Vegvis process


def bench_secrets() -> dict[str, str]:
    """Production-like keys, made once and kept with the cached databases (their national ids are encrypted)."""
    path = DATA / "secrets.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "VEGVIS_DATA_KEY": secrets.token_urlsafe(32),
        "VEGVIS_LOOKUP_KEY": secrets.token_urlsafe(32),
        "VEGVIS_AUDIT_KEY": secrets.token_urlsafe(32),
        "BENCH_PASSWORD": secrets.token_urlsafe(16),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def keys_digest() -> str:
    """Which keys a cached database was made with: its national ids and users' passwords only work with them."""
    return hashlib.sha256(json.dumps(bench_secrets(), sort_keys=True).encode()).hexdigest()[:16]


def vegvis_env(database: str, port: int = 8000) -> dict[str, str]:
    keys = bench_secrets()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VEGVIS_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vegvis.settings",
            "VEGVIS_ENV": "production",
            # Server-side parameters and prepared statements: the case page's nine-table join took longer to
            # plan than to run (docs/performance.md). Recommended for production too.
            "DATABASE_URL": f"{PG}/{database}?server_side_binding=true&prepare_threshold=5",
            "SECRET_KEY": keys["SECRET_KEY"],
            "VEGVIS_DATA_KEY": keys["VEGVIS_DATA_KEY"],
            "VEGVIS_LOOKUP_KEY": keys["VEGVIS_LOOKUP_KEY"],
            "VEGVIS_AUDIT_KEY": keys["VEGVIS_AUDIT_KEY"],
            "ALLOWED_HOSTS": "127.0.0.1",
            "VEGVIS_BASE_URL": f"http://127.0.0.1:{port}",
            # Loopback without TLS: no redirect to https. Bench users log in with a password only (documented).
            "VEGVIS_SSL_REDIRECT": "0",
            "VEGVIS_REQUIRE_2FA": "0",
            "VEGVIS_ALLOW_SYNTHETIC_IDS": "1",
            "VEGVIS_STATIC_ROOT": str(DATA / "static"),
            "VEGVIS_MEDIA_ROOT": str(DATA / "media"),
            "VEGVIS_VAR_DIR": str(DATA / "var"),
            "VEGVIS_LOG_LEVEL": "WARNING",
        }
    )
    return env


# ---------------------------------------------------------------- cached databases


def fingerprint() -> str:
    """What the generated data depends on: the generator's data version (``abroad.demo_bulk.DATA_VERSION``)."""
    source = (ROOT / "src/vegvis/abroad/demo_bulk.py").read_text(encoding="utf-8")
    match = re.search(r"^DATA_VERSION = (\d+)", source, re.MULTILINE)
    return f"data-v{match.group(1) if match else '?'}; bench users: 16 at OUS, 1 at Bergen, 1 at St. Olavs"


def template_name(cases: int) -> str:
    return f"vegvis_bench_tpl_{cases}"


def template_usable(name: str, cases: int, log: Path) -> bool:
    if not db_exists(name):
        return False
    meta = db_comment(name)
    if meta.get("fingerprint") != fingerprint() or meta.get("cases", 0) < cases:
        say(f"  {name}: made by another version of the generator; generating it again")
        return False
    if meta.get("keys") != keys_digest():
        # A fresh clone makes new keys (bench/data is not committed): the cached data cannot be read with them.
        say(f"  {name}: made with other keys than bench/data/secrets.json; generating it again")
        return False
    try:
        run([str(BIN / "vegvis"), "migrate", "--check"], vegvis_env(name), log=log)
    except subprocess.CalledProcessError:
        # New migrations since the data was generated: bring the cached database forward, as an upgrade would.
        say(f"  {name}: applying the migrations added since it was generated")
        try:
            run([str(BIN / "vegvis"), "migrate", "--no-input"], vegvis_env(name), log=log)
        except subprocess.CalledProcessError:
            say(f"  {name}: the migrations do not apply to it; generating it again")
            return False
    return True


def generate(cases: int, smaller: tuple[str, int] | None, log: Path) -> dict[str, Any]:
    """Make the template database with ``cases`` cases, growing a smaller template when there is one."""
    name = template_name(cases)
    env = vegvis_env(name)
    vegvis = str(BIN / "vegvis")
    keys = bench_secrets()
    if smaller is None:
        db_create(name)
        say(f"  {name}: migrating")
        run([vegvis, "migrate", "--no-input"], env, log=log)
        run([sys.executable, str(BENCH / "prepare.py"), "users", "--password", keys["BENCH_PASSWORD"],
             "--out", str(DATA / "users.json")], env, log=log)  # fmt: skip
        to_add, again = cases, []
    else:
        say(f"  {name}: copying {smaller[0]}")
        db_create(name, template=smaller[0])
        to_add, again = cases - smaller[1], ["--again"]
    say(f"  {name}: vegvis demo --cases {to_add}")
    seconds = stream([vegvis, "demo", "--cases", str(to_add), "--seed", str(cases), *again], env, "    ")
    meta = {
        "fingerprint": fingerprint(),
        "keys": keys_digest(),
        "cases": cases,
        "added": to_add,
        "generated_s": round(seconds, 1),
        "cases_per_s": round(to_add / seconds),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    db_set_comment(name, meta)
    return meta


# ---------------------------------------------------------------- the server


@contextmanager
def server(database: str, workers: int, worker_class: str, threads: int, log: Path) -> Iterator[dict[str, Any]]:
    port = free_port()
    env = vegvis_env(database, port)
    cmd = [
        str(BIN / "gunicorn"),
        "vegvis.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--timeout", "120",
        "--log-level", "warning",
        "--no-control-socket",
    ]  # fmt: skip
    with log.open("a", encoding="utf-8") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.3)
        yield {"base": base, "pid": process.pid, "env": env}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class MemorySampler(threading.Thread):
    """Peak resident memory of each gunicorn worker (and of the largest), sampled four times a second."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.peak_rss = 0
        self.peak_uss = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.stopping.wait(0.25):
            tick += 1
            for child in self.master.children():
                try:
                    self.peak_rss = max(self.peak_rss, child.memory_info().rss)
                    if tick % 8 == 0:  # USS reads /proc/<pid>/smaps: every other second is enough
                        self.peak_uss = max(self.peak_uss, child.memory_full_info().uss)
                except psutil.Error:
                    continue

    def stop(self) -> dict[str, float]:
        self.stopping.set()
        self.join()
        return {"peak_rss_mb": round(self.peak_rss / 2**20, 1), "peak_uss_mb": round(self.peak_uss / 2**20, 1)}


def wait_for_quiet(limit: int) -> float:
    """On a shared machine, wait (at most ``limit`` seconds) until other work has settled; returns the load then."""
    quiet = 0.75 * (psutil.cpu_count() or 1)
    waited = 0
    while os.getloadavg()[0] > quiet and waited < limit:
        if waited == 0:
            say(f"    waiting for the machine to settle (load {os.getloadavg()[0]:.1f}, at most {limit} s)")
        time.sleep(10)
        waited += 10
    return round(os.getloadavg()[0], 2)


def login(base: str, username: str, password: str) -> dict[str, str]:
    """A session through the login form, as a browser gets it (cookies taken by hand: they are Secure)."""
    page = requests.get(f"{base}/konto/logg-inn/", timeout=30)
    page.raise_for_status()
    csrf_cookie = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "the login form has a CSRF token"
    answer = requests.post(
        f"{base}/konto/logg-inn/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Cookie": f"csrftoken={csrf_cookie}", "Origin": base, "Referer": f"{base}/konto/logg-inn/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "vegvis_session" not in answer.cookies:
        raise RuntimeError(f"login as {username} failed: {answer.status_code}")
    return {"session": answer.cookies["vegvis_session"], "csrftoken": answer.cookies.get("csrftoken", csrf_cookie)}


# ---------------------------------------------------------------- load


def measured(
    user_class: str, users: int, args: argparse.Namespace, base: str, config: Path, log: Path, first_id: int = 0
) -> tuple[list[list[Any]], float, int]:
    """One load run; run again (after the machine settles) when other processes took a share of the CPU.

    Returns the response times, the other processes' CPU in cores, and the first unused fresh national id.
    """
    for attempt in range(3):
        foreign = ForeignLoad()
        timings = locust(user_class, users, args.duration, base, config, log, first_id=first_id)
        share = foreign.cores()
        first_id += len(timings) + 16 * 4  # requests cut off at the end may have used an id too
        if share <= FOREIGN_LIMIT or attempt == 2:
            return timings, share, first_id
        say(f"    ({user_class}, {users} users: other processes used {share} cores; measuring again)")
        wait_for_quiet(args.quiet_wait)
    raise AssertionError("unreachable")


# Other processes may use this much CPU (in cores) during a load run before it is measured again.
FOREIGN_LIMIT = 0.15


def locust(
    user_class: str, users: int, seconds: int, base: str, config: Path, log: Path, *, first_id: int = 0
) -> list[list[Any]]:
    out = DATA / "timings.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_CONFIG=str(config), BENCH_OUT=str(out), BENCH_FIRST_ID=str(first_id))
    cmd = [
        str(BIN / "locust"),
        "-f", str(BENCH / "locustfile.py"),
        "--headless",
        "--users", str(users),
        "--spawn-rate", str(users),
        "--run-time", f"{seconds}s",
        "--host", base,
        "--only-summary",
        "--loglevel", "WARNING",
        user_class,
    ]  # fmt: skip
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n$ {' '.join(cmd)}\n")
        handle.flush()
        subprocess.run(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=seconds + 120, cwd=ROOT)
    return list(json.loads(out.read_text())) if out.exists() else []


def _cpu_by_process() -> dict[int, tuple[str, float]]:
    snapshot = {}
    for process in psutil.process_iter(["pid", "cmdline", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is not None:
            snapshot[process.info["pid"]] = (" ".join(process.info["cmdline"] or []), times.user + times.system)
    return snapshot


def _ours(pid: int, cmdline: str, family: set[int]) -> bool:
    return pid in family or WORKING_DB in cmdline or "vegvis_bench_tpl" in cmdline


class ForeignLoad:
    """CPU that processes outside the benchmark used during a run, in cores (a shared machine disturbs runs)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.before = _cpu_by_process()

    def cores(self) -> float:
        after = _cpu_by_process()
        me = psutil.Process()
        family = {me.pid} | {child.pid for child in me.children(recursive=True)}
        used = 0.0
        for pid, (cmdline, total) in after.items():
            if _ours(pid, cmdline, family):
                continue
            used += total - self.before.get(pid, (cmdline, 0.0))[1]
        return round(used / max(time.monotonic() - self.started, 0.001), 2)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def summarize(timings: list[list[Any]], prefix: str) -> dict[str, Any]:
    rows = [t for t in timings if t[0].startswith(prefix)]
    ok = [t for t in rows if t[3]]
    if not ok:
        return {"requests": len(rows), "failures": len(rows)}
    times = [t[1] for t in ok]
    span = max(t[2] for t in rows) - min(t[2] for t in rows)
    return {
        "requests": len(rows),
        "failures": len(rows) - len(ok),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
        "rps": round(len(ok) / span, 1) if span > 0 else None,
    }


def measure_http(base: str, config: Path, args: argparse.Namespace, log: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    say(f"    warm-up: every page, 16 users, {args.warmup} s")
    locust("Mixed", 16, args.warmup, base, config, log)
    for key, user_class, prefix in [
        ("worklist", "Worklist", "worklist"),
        ("search", "Search", "search"),
        ("case_page", "CasePage", "case page"),
    ]:
        if args.only and key not in args.only:
            continue
        results[key] = {}
        for users in (1, 16):
            timings, foreign, _next = measured(user_class, users, args, base, config, log)
            summary = summarize(timings, prefix) | {"foreign_cpu_cores": foreign}
            if key == "search":
                summary["by_kind"] = {
                    kind: summarize(timings, f"search: {kind}")
                    for kind in ("number", "national_id", "name", "full_text")
                }
            results[key][str(users)] = summary
            say(
                f"    {key:<10} {users:>2} user(s): median {summary.get('median_ms')} ms, "
                f"p95 {summary.get('p95_ms')} ms, {summary.get('rps')} req/s, {summary['failures']} failed"
            )
    if args.only and "api_create" not in args.only:
        return results
    results["api_create"] = {}
    first_id = 0  # each run takes national ids no earlier run has used
    for users in (1, 16):
        timings, foreign, first_id = measured("CreateApplication", users, args, base, config, log, first_id)
        summary = summarize(timings, "api create") | {"foreign_cpu_cores": foreign}
        results["api_create"][str(users)] = summary
        say(
            f"    api create {users:>2} user(s): median {summary.get('median_ms')} ms, "
            f"{summary.get('rps')} created/s, {summary['failures']} failed"
        )
    return results


# ---------------------------------------------------------------- one size


def measure(label: str, template: str, args: argparse.Namespace, log: Path) -> dict[str, Any]:
    stage: dict[str, Any] = {"template": template}
    say(f"  copying {template} to {WORKING_DB}")
    stage["copy_s"] = round(db_create(WORKING_DB, template=template), 1)
    db_configure(WORKING_DB)
    stage["load_before"] = [round(x, 2) for x in os.getloadavg()]
    env = vegvis_env(WORKING_DB)
    samples_path = DATA / f"samples-{label}.json"
    fresh = 3 * (40 * args.duration * 16) + 2000  # enough for three attempts at the API runs
    run([sys.executable, str(BENCH / "prepare.py"), "samples", "--out", str(samples_path),
         "--fresh-ids", str(fresh)], env, log=log)  # fmt: skip
    samples = json.loads(samples_path.read_text())
    stage["data"] = {k: samples[k] for k in ("cases", "persons", "open_at_ous")}
    with psycopg.connect(f"{PG}/{WORKING_DB}") as conn:
        stage["data"]["documents"] = conn.execute("SELECT count(*) FROM abroad_document").fetchone()[0]
        stage["data"]["database_mb"] = round(
            conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
        )
    say(
        f"  {stage['data']['cases']:,} cases, {stage['data']['documents']:,} documents, "
        f"{stage['data']['database_mb']:,} MB; {stage['data']['open_at_ous']:,} open at OUS"
    )
    if not args.skip_http:
        stage["load_at_start"] = wait_for_quiet(args.quiet_wait)
        with server(WORKING_DB, args.workers, args.worker_class, args.threads, log) as srv:
            users = json.loads((DATA / "users.json").read_text())
            password = bench_secrets()["BENCH_PASSWORD"]
            sessions = []
            for user in users:
                if user["office"] != "ous":
                    continue
                session = login(srv["base"], user["username"], password)
                session["token"] = samples["tokens"][user["username"]]
                sessions.append(session)
            config = DATA / f"locust-{label}.json"
            config.write_text(json.dumps({"sessions": sessions, "samples": samples}))
            sampler = MemorySampler(srv["pid"])
            sampler.start()
            try:
                stage["http"] = measure_http(srv["base"], config, args, log)
            finally:
                stage["worker_memory"] = sampler.stop()
            say(f"    worker memory: peak RSS {stage['worker_memory']['peak_rss_mb']} MB")
    if args.only:
        return stage
    # The annual report and its floor, in a process of its own (not the web workers).
    report_path = DATA / f"report-{label}.json"
    run([sys.executable, str(BENCH / "prepare.py"), "report", "--year", str(REPORT_YEAR),
         "--out", str(report_path)], env, log=log)  # fmt: skip
    stage["report"] = json.loads(report_path.read_text())
    say(f"    report: {describe_report(stage['report'])}")
    stage["import"] = measure_import(label, env, args, log)
    say(f"    import: {describe_import(stage['import'])}")
    stage["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return stage


def import_available(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [str(BIN / "vegvis"), "import", "cases", "--help"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    return probe.returncode == 0


def measure_import(label: str, env: dict[str, str], args: argparse.Namespace, log: Path) -> dict[str, Any]:
    if args.import_lines <= 0:
        return {"available": False, "note": "skipped (--import-lines 0)"}
    if not import_available(env):
        return {"available": False, "note": "not available: no `vegvis import cases` command"}
    path = DATA / f"import-{label}.jsonl"
    run([sys.executable, str(BENCH / "prepare.py"), "importfile", "--out", str(path),
         "--lines", str(args.import_lines)], env, log=log)  # fmt: skip
    with psycopg.connect(f"{PG}/{WORKING_DB}") as conn:
        before = conn.execute("SELECT count(*) FROM abroad_case").fetchone()[0]
    try:
        seconds = run([str(BIN / "vegvis"), "import", "cases", str(path)], env, log=log, timeout=args.import_timeout)
    except subprocess.TimeoutExpired:
        return {"available": True, "lines": args.import_lines, "error": f"did not finish in {args.import_timeout} s"}
    except subprocess.CalledProcessError as error:
        return {"available": True, "lines": args.import_lines, "error": f"exit status {error.returncode}; see {log}"}
    with psycopg.connect(f"{PG}/{WORKING_DB}") as conn:
        after = conn.execute("SELECT count(*) FROM abroad_case").fetchone()[0]
    return {
        "available": True,
        "lines": args.import_lines,
        "imported": after - before,
        "seconds": round(seconds, 1),
        "cases_per_s": round((after - before) / seconds),
    }


def describe_report(report: dict[str, Any]) -> str:
    if "json" not in report:
        return f"not available; SQL floor {report['sql_floor']['median_s'] * 1000:.0f} ms"
    text = f"JSON {report['json']['median_s'] * 1000:.0f} ms, SQL floor {report['sql_floor']['median_s'] * 1000:.0f} ms"
    pdf = report.get("pdf", {})
    return text + (f", PDF {pdf['median_s']:.2f} s" if "median_s" in pdf else ", PDF not available")


def describe_import(result: dict[str, Any]) -> str:
    if not result.get("available"):
        return str(result.get("note"))
    if "error" in result:
        return str(result["error"])
    return f"{result['imported']:,} cases in {result['seconds']} s ({result['cases_per_s']:,} cases/s)"


# ---------------------------------------------------------------- targets


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def targets(results: dict[str, Any], small: str, large: str) -> list[dict[str, Any]]:
    """Each target of issue 5 with the measured value at the large size."""
    stage = results["stages"].get(large, {})
    base = results["stages"].get(small, {})
    rows: list[dict[str, Any]] = []

    def add(name: str, value: Any, op: str, goal: float, unit: str, why_missing: str = "not measured") -> None:
        if value is None:
            rows.append({"target": name, "goal": f"{op} {goal:g} {unit}", "value": None, "result": why_missing})
            return
        ok = value <= goal if op == "≤" else value >= goal
        rows.append(
            {
                "target": name,
                "goal": f"{op} {goal:g} {unit}",
                "value": value,
                "unit": unit,
                "result": "PASS" if ok else "MISS",
            }
        )

    for key, title in (("worklist", "Worklist"), ("search", "Search (all kinds)")):
        add(f"{title}: median, 1 user", _get(stage, "http", key, "1", "median_ms"), "≤", 20, "ms")
        add(f"{title}: p95, 1 user", _get(stage, "http", key, "1", "p95_ms"), "≤", 50, "ms")
        add(f"{title}: median, 16 users", _get(stage, "http", key, "16", "median_ms"), "≤", 150, "ms")
        add(f"{title}: throughput, 16 users", _get(stage, "http", key, "16", "rps"), "≥", 100, "req/s")
    for kind in ("number", "national_id", "name", "full_text"):
        add(
            f"Search by {kind}: median, 1 user",
            _get(stage, "http", "search", "1", "by_kind", kind, "median_ms"),
            "≤",
            20,
            "ms",
        )
        add(
            f"Search by {kind}: p95, 1 user",
            _get(stage, "http", "search", "1", "by_kind", kind, "p95_ms"),
            "≤",
            50,
            "ms",
        )
    large_p95 = _get(stage, "http", "worklist", "1", "p95_ms")
    small_p95 = _get(base, "http", "worklist", "1", "p95_ms")
    ratio = round(large_p95 / small_p95, 2) if large_p95 and small_p95 else None
    add(f"Worklist p95 at {large} ÷ p95 at {small} (1 user)", ratio, "≤", 1.2, "×")
    add(
        "Application created through the API, 16 clients",
        _get(stage, "http", "api_create", "16", "rps"),
        "≥",
        100,
        "per s",
    )
    report = stage.get("report", {})
    json_s = _get(report, "json", "median_s")
    floor_s = _get(report, "sql_floor", "median_s")
    add("Annual report, JSON", json_s, "≤", 1, "s", "not available")
    add(
        "Annual report JSON ÷ SQL floor",
        round(json_s / floor_s, 2) if json_s and floor_s else None,
        "≤",
        1.5,
        "×",
        "not available",
    )
    add("Annual report, PDF", _get(report, "pdf", "median_s"), "≤", 5, "s", "not available")
    imported = stage.get("import", {})
    add("Import, full validation", imported.get("cases_per_s"), "≥", 2000, "cases/s", describe_import(imported))
    add("Worker memory (peak RSS)", _get(stage, "worker_memory", "peak_rss_mb"), "≤", 250, "MB")
    return rows


# ---------------------------------------------------------------- the machine and the summary


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with admin() as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_connections", "synchronous_commit")
        }

    def version_of(package: str) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(package)
        except PackageNotFoundError:
            return "?"

    return {
        "cpu": cpu,
        "cores": psutil.cpu_count(logical=True),
        "memory_gb": round(psutil.virtual_memory().total / 2**30),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": version_of("django"),
        "gunicorn": version_of("gunicorn"),
        "locust": version_of("locust"),
        "postgresql": version,
        "postgresql_settings": settings,
    }


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = round(value) if value >= 100 else round(value, 2 if value < 10 else 1)
    return f"{value:,}{(' ' + unit) if unit else ''}".replace(",", " ")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# Benchmark {results['date']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}.  ",
        f"PostgreSQL {m['postgresql']} (server: {', '.join(f'{k} {v}' for k, v in m['postgresql_settings'].items())}; "
        f"benchmark database: {', '.join(f'{k} {v}' for k, v in DATABASE_SETTINGS.items())}), "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']} "
        f"({results['server']}), Locust {m['locust']} on the same machine over loopback.  ",
        f"Each load run: {results['settings']['duration']} s per page and number of users, after "
        f"{results['settings']['warmup']} s of warm-up; every user sends its next request as soon as the answer "
        "comes (no think time).  ",
        f"Command: `{results['command']}`; the whole run took {results['total_minutes']} minutes.",
        "",
        "## Targets (at the largest size)",
        "",
        "| target | goal | measured | |",
        "|---|---|---|---|",
    ]
    for row in results["targets"]:
        lines.append(
            f"| {row['target']} | {row['goal']} | {fmt(row['value'], row.get('unit', ''))} | {row['result']} |"
        )
    lines += ["", "## Per size", ""]
    sizes = list(results["stages"])
    lines += ["| | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]

    def row(title: str, *path: str, unit: str = "") -> None:
        lines.append(f"| {title} | " + " | ".join(fmt(_get(results["stages"][s], *path), unit) for s in sizes) + " |")

    row("load average when the load runs started", "load_at_start")
    busiest = []
    for s in sizes:
        shares = [
            _get(results["stages"][s], "http", key, users, "foreign_cpu_cores") or 0
            for key in ("worklist", "search", "case_page", "api_create")
            for users in ("1", "16")
        ]
        busiest.append(fmt(max(shares), "cores"))
    lines.append("| CPU other processes used during a load run, at most | " + " | ".join(busiest) + " |")
    row("cases", "data", "cases")
    row("documents", "data", "documents")
    row("open cases at OUS (the worklist's office)", "data", "open_at_ous")
    row("database size", "data", "database_mb", unit="MB")
    generated = []
    for s in sizes:
        gen = results["generation"].get(s, {})
        text = f"{gen.get('added', 0):,} added in {gen.get('generated_s')} s ({gen.get('cases_per_s', 0):,} cases/s)"
        generated.append(text.replace(",", " ") + (" (cached)" if gen.get("cached") else ""))
    lines.append("| generated by `vegvis demo --cases N` | " + " | ".join(generated) + " |")
    for key, title in (("worklist", "worklist"), ("search", "search"), ("case_page", "case page")):
        for users in ("1", "16"):
            row(f"{title}, {users} user(s): median", "http", key, users, "median_ms", unit="ms")
            row(f"{title}, {users} user(s): p95", "http", key, users, "p95_ms", unit="ms")
            row(f"{title}, {users} user(s): throughput", "http", key, users, "rps", unit="req/s")
    for kind in ("number", "national_id", "name", "full_text"):
        row(f"search by {kind}, 1 user: median", "http", "search", "1", "by_kind", kind, "median_ms", unit="ms")
        row(f"search by {kind}, 1 user: p95", "http", "search", "1", "by_kind", kind, "p95_ms", unit="ms")
        row(f"search by {kind}, 16 users: median", "http", "search", "16", "by_kind", kind, "median_ms", unit="ms")
    for users in ("1", "16"):
        row(f"API: create application, {users} client(s): median", "http", "api_create", users, "median_ms", unit="ms")
        row(f"API: create application, {users} client(s): rate", "http", "api_create", users, "rps", unit="per s")
    row("annual report JSON (median of 3)", "report", "json", "median_s", unit="s")
    row("same aggregations as plain SQL (floor)", "report", "sql_floor", "median_s", unit="s")
    row("annual report PDF", "report", "pdf", "median_s", unit="s")
    row("import: cases per second", "import", "cases_per_s", unit="cases/s")
    row("worker memory, peak RSS", "worker_memory", "peak_rss_mb", unit="MB")
    row("worker memory, peak USS", "worker_memory", "peak_uss_mb", unit="MB")
    failures = sum(
        (_get(results["stages"][s], "http", k, u, "failures") or 0)
        for s in sizes
        for k in ("worklist", "search", "case_page", "api_create")
        for u in ("1", "16")
    )
    lines += ["", f"Failed requests in all load runs: {failures}.", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="generate the cached databases again")
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (harness smoke test)")
    parser.add_argument("--sizes", help="comma-separated case counts (default 10000,1000000)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per load run (default 30)")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of warm-up per size (default 20)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--import-lines", type=int, default=100_000)
    parser.add_argument("--import-timeout", type=int, default=1200)
    parser.add_argument("--skip-http", action="store_true", help="only the report and the import")
    parser.add_argument("--quiet-wait", type=int, default=300, help="seconds to wait for a busy machine to settle")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        help="only these load runs (worklist,search,case_page,api_create)",
    )
    parser.add_argument("--no-save", action="store_true", help="print, but write no results file")
    args = parser.parse_args()
    if args.quick:
        args.sizes = args.sizes or "2000,20000"
        args.duration, args.warmup, args.import_lines = 5, 5, 2000
    sizes = [int(s) for s in (args.sizes or "10000,1000000").split(",")]
    started = time.monotonic()
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    log = DATA / "bench.log"
    log.write_text("")
    try:
        with admin():
            pass
    except psycopg.Error as error:
        say(f"PostgreSQL does not answer at {PG}: {error}")
        return 2
    labels = {n: (f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k") for n in sizes}
    results: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "command": "make bench" if not sys.argv[1:] else "python bench/run.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "server": f"{args.workers} {args.worker_class} workers"
        + (f" × {args.threads} threads" if args.threads > 1 else ""),
        "settings": {"duration": args.duration, "warmup": args.warmup, "sizes": sizes},
        "generation": {},
        "stages": {},
    }
    say(f"Vegvis benchmark: {', '.join(labels.values())} cases; log in {log.relative_to(ROOT)}")
    say("static files: collectstatic")
    run([str(BIN / "vegvis"), "collectstatic", "--no-input", "-v", "0"], vegvis_env(WORKING_DB), log=log)
    smaller: tuple[str, int] | None = None
    for cases in sizes:
        label = labels[cases]
        name = template_name(cases)
        say(f"== {label} cases ==")
        if args.fresh or not template_usable(name, cases, log):
            if args.fresh and smaller is None:
                for other in sizes:
                    db_drop(template_name(other))
            results["generation"][label] = generate(cases, smaller, log)
        else:
            results["generation"][label] = db_comment(name) | {"cached": True}
            say(f"  {name}: cached (generated {results['generation'][label].get('generated_at')})")
        smaller = (name, cases)
        results["stages"][label] = measure(label, name, args, log)
    db_drop(WORKING_DB)
    small, large = labels[sizes[0]], labels[sizes[-1]]
    results["targets"] = targets(results, small, large)
    results["total_minutes"] = round((time.monotonic() - started) / 60, 1)
    say("")
    say(f"Targets at {large} cases:")
    for row in results["targets"]:
        value = fmt(row["value"], row.get("unit", ""))
        say(f"  {row['result']:<5} {row['target']:<58} {value:>14}   goal {row['goal']}")
    if not args.no_save:
        stamp = results["date"]
        (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
        (RESULTS / f"{stamp}.md").write_text(markdown(results))
        say(f"Results: bench/results/{stamp}.json and bench/results/{stamp}.md")
    shutil.rmtree(DATA / "media", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
