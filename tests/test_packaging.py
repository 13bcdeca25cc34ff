"""Runtime and development dependencies are locked apart, and a production install carries no tool.

requirements/runtime.txt is what `make run` and a production server install; requirements/dev.txt adds the
test, benchmark, browser, lint and type-checking tools for `make test`. The wheel leaves test code out.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "requirements" / "runtime.txt"
DEV = ROOT / "requirements" / "dev.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# Tools and what only they need: none may reach a production install.
DEV_ONLY = frozenset(
    canonicalize_name(name)
    for name in (
        "pytest",
        "factory-boy",
        "hypothesis",
        "hypothesis-graphql",
        "playwright",
        "locust",
        "Flask",
        "Flask-Login",
        "flask-cors",
        "Werkzeug",
        "gevent",
        "geventhttpclient",
        "greenlet",
        "zope.event",
        "zope.interface",
        "pyzmq",
        "mypy",
        "mypy-extensions",
        "django-stubs",
        "ruff",
        "schemathesis",
        "polib",
        "execnet",
        "coverage",
    )
)
DEV_ONLY_PREFIXES = ("pytest-", "types-", "flask-", "locust-")


def pins(path: Path) -> dict[str, str]:
    """Package name (canonical) → the pinned line, for every requirement line of the file (includes left out)."""
    found = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+", line), f"{path.name}: not pinned: {raw!r}"
        name = canonicalize_name(line.split("==", 1)[0])
        assert name not in found, f"{path.name}: {name} is pinned twice"
        found[name] = line
    return found


def is_dev_only(name: str) -> bool:
    return name in DEV_ONLY or name.startswith(DEV_ONLY_PREFIXES)


def declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(spec).name) for spec in requirements}


def test_the_runtime_lock_holds_no_development_tool():
    tools = sorted(line for name, line in pins(RUNTIME).items() if is_dev_only(name))
    assert not tools, f"development tools in requirements/runtime.txt: {tools}"


def test_the_runtime_lock_pins_every_dependency_and_the_dev_lock_every_tool():
    runtime, dev = pins(RUNTIME), pins(DEV)
    assert declared(PYPROJECT["project"]["dependencies"]) - set(runtime) == set()
    assert declared(PYPROJECT["project"]["optional-dependencies"]["dev"]) - set(dev) == set()
    assert "-r runtime.txt" in DEV.read_text(encoding="utf-8").splitlines(), "dev.txt builds on runtime.txt"
    assert set(runtime) & set(dev) == set(), "a package is pinned in both files (dev.txt includes runtime.txt)"


def test_no_development_tool_is_a_runtime_dependency():
    runtime_declared = declared(PYPROJECT["project"]["dependencies"])
    assert not {name for name in runtime_declared if is_dev_only(name)}
    assert not runtime_declared & declared(PYPROJECT["project"]["optional-dependencies"]["dev"])


def test_the_wheel_leaves_test_code_out():
    find = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    packages = find_packages(where=str(ROOT / find["where"][0]), exclude=find["exclude"])

    assert {"vegvis", "vegvis.core", "vegvis.abroad", "vegvis.reports", "vegvis.abroad.migrations"} <= set(packages)
    shipped_tests = [p for p in packages if p.startswith("vegvis.testing") or "tests" in p.split(".")]
    assert not shipped_tests, f"test packages in the wheel: {shipped_tests}"
