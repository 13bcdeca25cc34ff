"""The layout rules of docs/architecture.md, read from the source (ast), so a break fails here and not in review.

(a) Shipped code imports no test code: no module outside a ``tests`` package, ``vegvis/testing`` and conftest
    imports ``vegvis.testing`` or a ``tests`` module, at module level or inside a function.
(b) Arrows point down: no module of a shared app (its tests and migrations included) imports a domain app.
(c) The shared test package ``vegvis.testing`` imports no domain app: a domain's test support lives in the domain's
    own ``tests`` package (``vegvis.abroad.tests.support``).
(d) No module outside migrations is longer than 800 lines.

Imports are read from ``import``/``from … import`` statements anywhere in a module (relative ones resolved) and
from ``import_module("…")``/``import_string("…")`` calls with a written name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import vegvis

SOURCE = Path(vegvis.__file__).resolve().parent  # src/vegvis
SHARED_APPS = frozenset({"core", "access", "audit", "accounts", "api", "casework", "records", "statistics", "imports"})
DOMAIN_APPS = frozenset({"abroad", "reports", "inquiries", "cooperation", "consultations", "earlyaccess"})
MAX_LINES = 800
IMPORTING_CALLS = frozenset({"import_module", "import_string"})


@dataclass(frozen=True)
class Module:
    root: Path  # the tree's top package (src/vegvis)
    path: Path
    name: str  # dotted, e.g. "vegvis.core.models" ("vegvis.core" for core/__init__.py)
    is_package: bool

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))

    @property
    def app(self) -> str | None:
        return self.parts[1] if len(self.parts) > 1 else None

    @property
    def is_test_code(self) -> bool:
        return "tests" in self.parts or self.app == "testing" or self.path.name == "conftest.py"

    @property
    def is_migration(self) -> bool:
        return "migrations" in self.parts

    def __str__(self) -> str:
        return str(self.path.relative_to(self.root.parent))


def modules(root: Path = SOURCE) -> list[Module]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        found.append(Module(root=root, path=path, name=".".join(parts), is_package=relative.name == "__init__"))
    return found


def imported_names(source: str, module: Module) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line, dotted names) of each import in the module, most specific first: ``from a import b`` gives ``a.b``
    and ``a`` (b may be a module or a name in a)."""
    for node in ast.walk(ast.parse(source, filename=str(module.path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, (alias.name,)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module)
            yield node.lineno, (*(f"{base}.{alias.name}" for alias in node.names if alias.name != "*"), base)
        elif isinstance(node, ast.Call) and _called_name(node.func) in IMPORTING_CALLS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, (first.value,)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _resolve(node: ast.ImportFrom, module: Module) -> str:
    if not node.level:
        return node.module or ""
    package = module.parts if module.is_package else module.parts[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join((*base, node.module) if node.module else base)


def is_test_import(name: str) -> bool:
    parts = name.split(".")
    return parts[:2] == ["vegvis", "testing"] or "tests" in parts or parts[-1] == "conftest"


def is_domain_import(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "vegvis" and len(parts) > 1 and parts[1] in DOMAIN_APPS


def offences(found: list[Module]) -> tuple[list[str], list[str], list[str], list[str]]:
    """(shipped modules importing test code, shared modules importing a domain, vegvis.testing modules importing a
    domain, modules that are too long)."""
    test_imports, domain_imports, testing_domain_imports, too_long = [], [], [], []
    for module in found:
        source = module.path.read_text(encoding="utf-8")
        for line, names in imported_names(source, module):
            test_code = next((name for name in names if is_test_import(name)), None)
            if test_code and not module.is_test_code:
                test_imports.append(f"{module}:{line} imports {test_code}")
            domain = next((name for name in names if is_domain_import(name)), None)
            if domain and module.app in SHARED_APPS:
                domain_imports.append(f"{module}:{line} imports {domain}")
            if domain and module.app == "testing":
                testing_domain_imports.append(f"{module}:{line} imports {domain}")
        lines = len(source.splitlines())
        if not module.is_migration and lines > MAX_LINES:
            too_long.append(f"{module}: {lines} lines")
    return test_imports, domain_imports, testing_domain_imports, too_long


MODULES = modules()
TEST_IMPORTS, DOMAIN_IMPORTS, TESTING_DOMAIN_IMPORTS, TOO_LONG = offences(MODULES)


def test_the_walk_reads_every_app_of_the_source_tree():
    apps = {module.app for module in MODULES}
    assert {"core", "access", "audit", "accounts", "api", "abroad", "reports", "testing"} <= apps
    assert any(module.is_migration for module in MODULES) and any(module.is_test_code for module in MODULES)


def test_shipped_code_imports_no_test_code():
    assert not TEST_IMPORTS, "shipped modules importing test code:\n" + "\n".join(TEST_IMPORTS)


def test_shared_apps_import_no_domain_app():
    assert not DOMAIN_IMPORTS, (
        f"modules of the shared apps ({', '.join(sorted(SHARED_APPS))}) importing a domain app:\n"
        + "\n".join(DOMAIN_IMPORTS)
    )


def test_the_shared_test_package_imports_no_domain_app():
    assert not TESTING_DOMAIN_IMPORTS, (
        "vegvis.testing modules importing a domain app (its test support belongs in the domain's tests package):\n"
        + "\n".join(TESTING_DOMAIN_IMPORTS)
    )


def test_no_module_outside_migrations_is_longer_than_800_lines():
    assert not TOO_LONG, f"modules longer than {MAX_LINES} lines:\n" + "\n".join(TOO_LONG)


# The checks themselves, on a small tree of their own: they must find each kind of offence, however written.


def _tree(tmp_path: Path, files: dict[str, str]) -> list[Module]:
    for name, text in files.items():
        path = tmp_path / "vegvis" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return modules(tmp_path / "vegvis")


def test_the_checks_find_each_kind_of_offence(tmp_path):
    found = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/views.py": "def f():\n    from vegvis.abroad import selectors\n",
            "core/menu.py": "import importlib\nimportlib.import_module('vegvis.reports.navigation')\n",
            "core/relative.py": "from .. import reports\n",
            "core/demo.py": "from vegvis.testing.factories import UserFactory\n",
            "core/seed.py": "def f():\n    from vegvis.core.tests import data\n",
            "core/migrations/__init__.py": "",
            "core/migrations/0009_x.py": "from vegvis.abroad.models import Case\n" + "x = 1\n" * 900,
            "core/tests/__init__.py": "",
            "core/tests/test_x.py": (
                "from vegvis.abroad.tests.support import make_case\nfrom vegvis.testing import auth\n"
            ),
            "testing/__init__.py": "",
            "testing/factories.py": "from vegvis.core.models import Office\n",
            "testing/states.py": "def f():\n    from vegvis.abroad.services import cases\n",
            "abroad/__init__.py": "",
            "abroad/views.py": "from vegvis.core import models\nfrom vegvis.testing.factories import region\n",
            "abroad/big.py": "x = 1\n" * 801,
            "abroad/fine.py": "from .tests import helpers\n" + "x = 1\n" * 798,
        },
    )

    test_imports, domain_imports, testing_domain_imports, too_long = offences(found)

    assert [line.split("/", 1)[1] for line in test_imports] == [
        "abroad/fine.py:1 imports vegvis.abroad.tests.helpers",
        "abroad/views.py:2 imports vegvis.testing.factories.region",
        "core/demo.py:1 imports vegvis.testing.factories.UserFactory",
        "core/seed.py:2 imports vegvis.core.tests.data",
    ]
    assert sorted(line.split("/", 1)[1] for line in domain_imports) == [
        "core/menu.py:2 imports vegvis.reports.navigation",
        "core/migrations/0009_x.py:1 imports vegvis.abroad.models.Case",
        "core/relative.py:1 imports vegvis.reports",
        "core/tests/test_x.py:1 imports vegvis.abroad.tests.support.make_case",
        "core/views.py:2 imports vegvis.abroad.selectors",
    ]
    assert [line.split("/", 1)[1] for line in testing_domain_imports] == [
        "testing/states.py:2 imports vegvis.abroad.services.cases"
    ]
    assert [line.split("/", 1)[1] for line in too_long] == ["abroad/big.py: 801 lines"]
