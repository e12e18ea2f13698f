"""The dependency rule, read from the source: ``ui -> services -> {net, store, reports} ->
core``; ``protocol`` is for ``net`` and ``server``; ``server`` never imports the client.
Also: no import cycles inside the package.

Every ``import x`` and ``from x import y`` counts, at module level or inside a function
(a late import is still a dependency); only imports under ``if TYPE_CHECKING:`` are left
out of the cycle check, since they never run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "veiligbalie"

#: (layer, imported module prefixes it must not use, why).
RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "veiligbalie.ui",
        ("veiligbalie.store", "veiligbalie.net", "veiligbalie.protocol"),
        "widgets go through services",
    ),
    ("veiligbalie.services", ("veiligbalie.ui",), "services never know a widget"),
    ("veiligbalie.net", ("veiligbalie.services", "veiligbalie.ui"), "net is below services"),
    ("veiligbalie.store", ("veiligbalie.services", "veiligbalie.ui"), "store is below services"),
    ("veiligbalie.store", ("veiligbalie.protocol",), "the local store knows no wire schema"),
    (
        "veiligbalie.reports",
        ("veiligbalie.services", "veiligbalie.ui"),
        "reports are below services",
    ),
    (
        "veiligbalie.core",
        ("PySide6", "shiboken6", "sqlalchemy", "alembic", "veiligbalie"),
        "core is pure: no Qt, no SQL, nothing of the project but core",
    ),
    (
        "veiligbalie.server",
        (
            "veiligbalie.ui",
            "veiligbalie.services",
            "veiligbalie.net",
            "veiligbalie.store",
            "veiligbalie.app",
        ),
        "the server never imports the client",
    ),
)

#: Imports each layer may use although a rule above names a wider prefix.
EXCEPT: dict[str, tuple[str, ...]] = {"veiligbalie.core": ("veiligbalie.core",)}

#: Known breaks of the rule, each as (importing module, imported module). Keep it empty:
#: a new break is fixed by moving the work onto a service, not by listing it here.
ALLOWED: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    target: str  # the imported module (a submodule when ``from package import module``)
    line: int
    runs: bool  # False under ``if TYPE_CHECKING:``


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> list[Import]:
    """Every import in ``source`` (of ``module``), resolved to module names. ``known`` is
    the set of the project's modules: ``from a import b`` means module ``a.b`` when that
    exists, else module ``a``."""
    found: list[Import] = []
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, runs: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, runs)
            return
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, runs) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(sub if sub in known else base, node.lineno, runs))
        for child in ast.iter_child_nodes(node):
            visit(child, runs)

    visit(ast.parse(source), True)
    return found


def project_imports(package: Path = PACKAGE) -> dict[str, list[Import]]:
    """The imports of every module of the package, by module name."""
    paths = {module_name(path, package.parent): path for path in package.rglob("*.py")}
    known = set(paths)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.stem == "__init__", known)
        for name, path in sorted(paths.items())
    }


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@dataclass(frozen=True)
class Break:
    module: str
    line: int
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target} ({self.why})"


def violations(graph: dict[str, list[Import]]) -> list[Break]:
    found = []
    for module, imports in graph.items():
        for layer, forbidden, why in RULES:
            if not _within(module, layer):
                continue
            allowed = EXCEPT.get(layer, ())
            for imp in imports:
                if any(_within(imp.target, f) for f in forbidden) and not any(
                    _within(imp.target, a) for a in allowed
                ):
                    found.append(Break(module, imp.line, imp.target, why))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (or a module importing
    itself), each sorted: Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.get(node, ()):
                    groups.append(sorted(group))
    return sorted(groups)


def runtime_graph(imports: dict[str, list[Import]]) -> dict[str, set[str]]:
    return {
        module: {imp.target for imp in found if imp.runs and imp.target in imports}
        for module, found in imports.items()
    }


# -- The rule on the real package -----------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> dict[str, list[Import]]:
    return project_imports()


def test_every_layer_keeps_the_dependency_rule(graph: dict[str, list[Import]]) -> None:
    broken = [str(b) for b in violations(graph) if (b.module, b.target) not in ALLOWED]
    assert broken == []


def test_the_allow_list_holds_only_breaks_that_still_exist(
    graph: dict[str, list[Import]],
) -> None:
    # A fixed page must leave the list, or the exception would hide a new break there.
    present = {(b.module, b.target) for b in violations(graph)}
    assert ALLOWED - present == set()


def test_no_import_cycles_inside_the_package(graph: dict[str, list[Import]]) -> None:
    assert cycles(runtime_graph(graph)) == []


def test_the_whole_package_was_read(graph: dict[str, list[Import]]) -> None:
    # Guard against a walk that reads nothing and so finds nothing.
    for layer in ("ui", "services", "net", "store", "core", "protocol", "server"):
        assert any(_within(m, f"veiligbalie.{layer}") for m in graph), layer
    targets = {imp.target for imp in graph["veiligbalie.services.alarms"]}
    assert "veiligbalie.net.alarm_paths" in targets


# -- The checker notices what it is meant to notice ------------------------------------------
KNOWN = {
    "veiligbalie",
    "veiligbalie.store",
    "veiligbalie.store.incidents",
    "veiligbalie.ui",
    "veiligbalie.ui.log_view",
    "veiligbalie.ui.labels",
    "veiligbalie.core",
    "veiligbalie.core.alarm",
    "veiligbalie.net",
    "veiligbalie.net.api",
}


def _targets(source: str, module: str = "veiligbalie.ui.log_view") -> list[tuple[str, bool]]:
    return [(i.target, i.runs) for i in imports_of(source, module, False, KNOWN)]


def test_reads_plain_from_function_level_and_relative_imports() -> None:
    source = (
        "import veiligbalie.net.api\n"
        "from veiligbalie import store\n"
        "from veiligbalie.store.incidents import IncidentSummary\n"
        "from . import labels\n"
        "from ..core import alarm\n"
        "def later():\n"
        "    from veiligbalie.net.api import ServerApi\n"
    )
    assert _targets(source) == [
        ("veiligbalie.net.api", True),
        ("veiligbalie.store", True),
        ("veiligbalie.store.incidents", True),
        ("veiligbalie.ui.labels", True),
        ("veiligbalie.core.alarm", True),
        ("veiligbalie.net.api", True),
    ]


def test_type_checking_imports_count_for_the_rule_but_do_not_run() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from veiligbalie.store.incidents import IncidentSummary\n"
    )
    assert _targets(source)[-1] == ("veiligbalie.store.incidents", False)
    graph = {"veiligbalie.ui.log_view": imports_of(source, "veiligbalie.ui.log_view", False, KNOWN)}
    assert [str(b) for b in violations(graph)] == [
        "veiligbalie.ui.log_view:3 imports veiligbalie.store.incidents "
        "(widgets go through services)"
    ]


def test_a_late_import_of_the_store_in_a_widget_breaks_the_rule() -> None:
    source = "def refresh():\n    import veiligbalie.store.incidents\n"
    graph = {"veiligbalie.ui.log_view": imports_of(source, "veiligbalie.ui.log_view", False, KNOWN)}
    assert len(violations(graph)) == 1


def test_core_may_import_core_only() -> None:
    source = (
        "from veiligbalie.core import alarm\nimport PySide6.QtCore\nfrom veiligbalie import paths\n"
    )
    graph = {"veiligbalie.core.x": imports_of(source, "veiligbalie.core.x", False, KNOWN)}
    found = violations(graph)
    assert [b.target for b in found] == [
        "PySide6.QtCore",
        "veiligbalie",
    ]


def test_the_server_store_is_not_the_client_store() -> None:
    source = "from veiligbalie.server.store import ServerStore\nfrom veiligbalie.store import x\n"
    graph = {"veiligbalie.server.api": imports_of(source, "veiligbalie.server.api", False, KNOWN)}
    assert [(b.line, b.target) for b in violations(graph)] == [(2, "veiligbalie.store")]


def test_cycles_are_found_also_through_a_late_import() -> None:
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a"},  # a -> b -> c -> a
        "d": {"d"},  # itself
        "e": {"a"},  # depends on the cycle, is not in it
    }
    assert cycles(graph) == [["a", "b", "c"], ["d"]]
    late = "def grab():\n    from veiligbalie.core import alarm\n"
    found = imports_of(late, "veiligbalie.net.api", False, KNOWN)
    assert runtime_graph({"veiligbalie.net.api": found, "veiligbalie.core.alarm": []}) == {
        "veiligbalie.net.api": {"veiligbalie.core.alarm"},
        "veiligbalie.core.alarm": set(),
    }
