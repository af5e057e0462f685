"""Imports follow DESIGN.md's arrows ("Which way the arrows go"), checked on the source itself.

    app            ->  api, web  ->  http
    cli, api, web  ->  services, sim  ->  dispatch  ->  rules, geo
                             services  ->  db

Every `import` of every module under src/gigcity is read with `ast` (including imports inside
functions and under `TYPE_CHECKING`: a type-only import couples the layers just the same).
Layers side by side do not import each other: services and sim, rules and geo, api and web
(the app assembles them; what both read from a request is in `http`). The engine (rules,
geo, dispatch, sim) imports no database, platform, web or CLI code, and no settings from the
environment. `api`, `web` and `cli` never touch the database: they call services. And no
module imports itself or, through others, a module that imports it: there is no import cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "gigcity"

# What each part of the house may import, besides itself and the root package (`__version__`).
ENGINE = {
    "rules": frozenset(),
    "geo": frozenset(),
    "dispatch": frozenset({"rules", "geo"}),
    "sim": frozenset({"dispatch", "rules", "geo"}),
}
# Leaves: settings, message catalogs, logs (which read the settings).
PLATFORM_UTILITIES = frozenset({"config", "i18n", "logs"})
ALLOWED: dict[str, frozenset[str]] = {
    "gigcity": frozenset(),  # the root package: `__version__` only
    **ENGINE,
    "config": frozenset(),
    "i18n": frozenset(),
    "logs": frozenset({"config"}),
    "db": frozenset({"config"}),
    "services": frozenset({"db", "dispatch", "rules", "geo"}) | PLATFORM_UTILITIES,
    # What both web adapters read from a request (the caller, the locale): a leaf of the
    # outer layer that api and web share, so that neither imports the other.
    "http": frozenset({"services"}) | PLATFORM_UTILITIES,
    # The outer layer: two adapters side by side, and the app that assembles them (which the
    # CLI serves).
    "api": frozenset({"services", "sim", "dispatch", "rules", "geo", "http"}) | PLATFORM_UTILITIES,
    "web": frozenset({"services", "sim", "dispatch", "rules", "geo", "http"}) | PLATFORM_UTILITIES,
    "app": frozenset({"api", "web", "http", "services", "sim"}) | PLATFORM_UTILITIES,
    "cli": frozenset({"services", "sim", "dispatch", "rules", "geo", "app"}) | PLATFORM_UTILITIES,
    "__main__": frozenset({"cli"}),
}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        layer, target = _layer(self.module), _layer(self.imported)
        return f"{self.module}:{self.line} imports {self.imported} ({layer} -> {target})"


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "gigcity"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(
    module: str, source: str, *, is_package: bool = False
) -> list[tuple[int, str]]:
    """The gigcity modules `source` (the text of `module`) imports, with their lines."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "gigcity":  # `from gigcity import sim` imports the subpackage
                found += [(node.lineno, f"gigcity.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, name))
    return [(line, name) for line, name in found if name.split(".")[0] == "gigcity"]


def violations(module: str, source: str, *, is_package: bool = False) -> list[Violation]:
    layer = _layer(module)
    allowed = ALLOWED[layer]
    bad = []
    for line, imported in imported_modules(module, source, is_package=is_package):
        target = _layer(imported)
        if target in (layer, "gigcity", "__version__"):  # itself, or the root package
            continue
        if target in allowed:
            continue
        bad.append(Violation(module, line, imported))
    return bad


def _sources() -> list[tuple[str, str, bool]]:
    return [
        (_module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(SRC.rglob("*.py"))
    ]


def test_every_part_of_the_house_has_a_place_on_the_map() -> None:
    parts = {_layer(module) for module, _, _ in _sources()}
    assert parts <= ALLOWED.keys(), f"say where {sorted(parts - ALLOWED.keys())} sit in DESIGN"


def test_imports_go_the_way_of_the_arrows() -> None:
    found = [
        v for module, text, pkg in _sources() for v in violations(module, text, is_package=pkg)
    ]
    assert not found, "imports against DESIGN's arrows:\n" + "\n".join(map(str, found))


def test_the_check_catches_imports_against_the_arrows() -> None:
    """The check itself can fail: each of these is an import DESIGN forbids."""
    forbidden = {
        "gigcity.services.workbench.job": "from gigcity.sim.scenarios import compare",
        "gigcity.services.x": "from gigcity import sim",
        "gigcity.sim.scenarios.report": "import gigcity.db.models",
        "gigcity.sim.x": "from gigcity.services.errors import Conflict",
        "gigcity.dispatch.x": "from gigcity.sim import simulate",
        "gigcity.dispatch.y": "from ..api import deps",
        "gigcity.rules.x": "from gigcity.geo import EuclideanTravel",
        "gigcity.geo.x": "from gigcity.config import Settings",
        "gigcity.api.places": "from gigcity.db.session import transaction",
        "gigcity.web.pages": "from gigcity.db.models import Account",
        "gigcity.db.session": "from gigcity.services.errors import Conflict",
        "gigcity.cli.sim": "from gigcity.db.session import transaction",
        "gigcity.cli.platform": "from gigcity.db.session import transaction",
        "gigcity.web.report_pages": "from gigcity.api.deps import PUBLIC",
        "gigcity.api.x": "from gigcity.web import pages",
        "gigcity.http.deps": "from gigcity.api import problems",
        "gigcity.services.y": "from gigcity.http.locale import locale_of",
        "gigcity.logs": "from gigcity.services.errors import Conflict",
        "gigcity.geo.y": "from gigcity.logs import current_request_id",
    }
    for module, line in forbidden.items():
        source = f"def f() -> None:\n    {line}\n"
        assert [v.line for v in violations(module, source)] == [2], (module, line)
    # ... and lets the arrows' own directions through.
    assert not violations("gigcity.sim.scenarios.policy", "from ..dispatch import policy")
    assert not violations("gigcity.app", "from gigcity import __version__")
    assert not violations("gigcity.app", "from gigcity.web import pages")
    assert not violations("gigcity.web.pages", "from gigcity.http.locale import locale_of")
    assert not violations("gigcity.cli.platform", "from gigcity.services.demo import seed_platform")
    assert not violations("gigcity.services.jobs.x", "from gigcity.logs import bound_request_id")


def import_graph(sources: list[tuple[str, str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules of `sources` it imports. `from package import name` is an import
    of the submodule `package.name` when there is one, else of the package itself."""
    known = {module for module, _, _ in sources}
    graph: dict[str, set[str]] = {}
    for module, source, is_package in sources:
        edges = graph.setdefault(module, set())
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolve against the importing package
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join([*parts, node.module] if node.module else parts)
                names = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    for alias in node.names
                ]
            else:
                continue
            for name in names:
                while name and name not in known:  # `import a.b.c` names a module, or its parents
                    name = name.rpartition(".")[0]
                if name:
                    edges.add(name)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles of `graph`: each strongly connected component of more than one module, and
    each module that imports itself (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph.get(module, ()):
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def _describe(cycle: list[str], graph: dict[str, set[str]]) -> str:
    members = set(cycle)
    return "\n".join(f"  {m} imports {', '.join(sorted(graph[m] & members))}" for m in cycle)


def test_no_import_cycles() -> None:
    graph = import_graph(_sources())
    found = import_cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_describe(c, graph) for c in found)


def test_the_check_catches_import_cycles() -> None:
    """The check itself can fail: on a made-up package with two cycles and a self-import."""
    sources = [
        ("gigcity.x", "from gigcity.x.a import A\n", True),  # the package re-exports A...
        ("gigcity.x.a", "def f() -> None:\n    from gigcity.x import B\n", False),  # ...cycle
        ("gigcity.x.b", "from gigcity.x import c\n", False),
        ("gigcity.x.c", "from .b import B\n", False),  # relative, back to b: a cycle
        ("gigcity.x.d", "import gigcity.x.d\n", False),  # imports itself
        ("gigcity.x.e", "from gigcity.x import a, b\nfrom gigcity.x.c import C\n", False),
    ]
    graph = import_graph(sources)
    assert graph["gigcity.x.e"] == {"gigcity.x.a", "gigcity.x.b", "gigcity.x.c"}
    assert import_cycles(graph) == [
        ["gigcity.x", "gigcity.x.a"],
        ["gigcity.x.b", "gigcity.x.c"],
        ["gigcity.x.d"],
    ]
    # ... and a graph whose arrows all go one way has none.
    assert import_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
