"""No import cycles between the application's modules (issue 12).

A cycle is a module that imports another which, directly or through others, imports it back. Imports inside
functions count as much as those at the top of a module: a function-level import that dodges a cycle at import
time still ties the two modules together. Tests and migrations are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vegvis

SRC = Path(vegvis.__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted((SRC / "vegvis").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, package: str) -> list[str]:
    """The dotted names an import statement may bind, most specific first (``from a import b`` may be module a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parent, *([node.module] if node.module else [])])
        return [f"{base}.{alias.name}" for alias in node.names]
    return []


def import_graph() -> dict[str, set[str]]:
    """Module -> the application's modules it imports anywhere in its body (top level or inside functions)."""
    modules = _modules()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _imported(node, package):
                module = known(target)
                if module is not None and module != name:
                    graph[name].add(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"  {a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "\n".join([" <-> ".join(component), *edges])


def test_the_checker_finds_a_cycle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    # abroad.demo imports abroad.demo_bulk only inside populate(); the edge must be there all the same.
    assert "vegvis.abroad.demo_bulk" in graph["vegvis.abroad.demo"]
    assert "vegvis.abroad.services.base" in graph["vegvis.abroad.services.cases"]


def test_no_module_imports_itself_back():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_describe(graph, component) for component in found)


def test_the_three_old_circles_are_gone():
    graph = import_graph()
    assert "vegvis.abroad.services.appeals" not in graph["vegvis.abroad.deadlines"]
    assert not any(module.startswith("vegvis.abroad.services") for module in graph["vegvis.abroad.deadlines"])
    assert "vegvis.abroad.demo" not in graph["vegvis.abroad.demo_bulk"]
    assert "vegvis.core.models" not in graph["vegvis.core.icd10_notation"]
    assert "vegvis.core.icd10" not in graph["vegvis.core.models"]
