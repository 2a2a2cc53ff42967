"""The layout docs/architecture.md draws, checked on the code: no import cycle between modules,
each layer imports only the layers below it, and the web imports nothing from the command line.

The import graph is read from the source with ``ast``: every ``import`` and ``from … import``
of a gongkai module, at the top of a module or inside a function (a lazy import is still a
dependency; it only moves the moment it is paid).  ``if TYPE_CHECKING:`` imports are left out:
they never run."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "gongkai"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def _target(name: str) -> str | None:
    """The gongkai module ``name`` refers to: itself, or the package of an attribute import.
    A compiled module (``read/_htmlwalk``) has no source and no imports of its own: None."""
    known = modules()
    if name in known:
        return name
    if SRC.joinpath(*name.split(".")).with_suffix(".pyx").exists():
        return None
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports() -> dict[str, frozenset[str]]:
    """module -> the gongkai modules it imports."""
    graph = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_blocks(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                found.update(t for a in node.names if a.name.startswith("gongkai") and (t := _target(a.name)))
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = (base + "." + node.module if node.module else base) if node.level else (node.module or "")
                if not source.startswith("gongkai"):
                    continue
                found.update(t for a in node.names if (t := _target(f"{source}.{a.name}")))
        found.discard(name)
        graph[name] = frozenset(found)
    return graph


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_graph_sees_real_imports():
    graph = imports()
    assert "gongkai.load" in graph["gongkai.cli.parse"]  # a lazy import inside run()
    assert "gongkai.read.assemble" in graph["gongkai.read.pdf"]
    assert "gongkai.read" not in graph["gongkai.read.accelerated"]  # its compiled module is not the package
    assert cycles({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}) == [
        ["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(imports()) == []


def test_the_web_imports_nothing_from_the_command_line():
    graph = imports()
    web = {m: sorted(t for t in ts if t.startswith("gongkai.cli")) for m, ts in graph.items() if m.startswith("gongkai.web")}
    assert {m: ts for m, ts in web.items() if ts} == {}
    # and nothing but the command's own entry points does
    users = {m for m, ts in graph.items() if any(t.startswith("gongkai.cli") for t in ts)}
    assert {m for m in users if not m.startswith("gongkai.cli")} == {"gongkai.__main__"}


# docs/architecture.md, "Layers": each package (or top-level module) and its layer, lowest first.
# A module may import its own layer and the layers below; never a layer above.
LAYERS: list[set[str]] = [
    {"errors", "_callable", "files", "digest", "safeload", "shipped", "regex", "records", "isolate", "inputs", "settings", "db",
     "workdays", "ooxml"},  # foundation
    {"format", "model", "reportschema"},  # the national format and the report model
    {"read", "sheets"},  # bytes -> Document; the rows of a user's CSV/XLSX table (bounded like read/)
    {"extract"},  # Document -> Report
    {"check", "comparison"},  # Report -> Findings; two Reports -> their differences
    {"render"},  # Report -> files and pages people read
    {"source"},  # the clerk's source YAML and the scaffold of `gongkai new`
    {"load"},  # the one loader: any input form -> Report
    {"corpus", "register", "log"},  # the applications: the corpus, the two registers
    {"cli", "web", "gongkai", "compare", "__main__"},  # the faces: command, web application, Python API
]
# Known crossings, each to be removed by whoever owns the importer.
EXCEPTIONS: set[tuple[str, str]] = set()


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else parts[0]
    found = next((i for i, layer in enumerate(LAYERS) if top in layer), None)
    assert found is not None, f"{module}: give its package a layer in LAYERS (and docs/architecture.md)"
    return found


def test_every_package_has_a_layer():
    tops = {m.split(".")[1] if "." in m else m for m in modules()}
    assert tops <= set().union(*LAYERS), tops - set().union(*LAYERS)


def test_each_layer_imports_only_the_layers_below():
    # The root package is the Python API but also holds the version strings (``from gongkai import
    # PARSER_VERSION``); importing it loads nothing but gongkai.errors, so any layer may.
    upward = sorted((m, t) for m, ts in imports().items() for t in ts
                    if t != "gongkai" and _layer(t) > _layer(m) and (m, t) not in EXCEPTIONS)
    assert upward == []
    assert EXCEPTIONS <= {(m, t) for m, ts in imports().items() for t in ts}, "an exception that no longer is: drop it"


# -- SQL only in the database layer -------------------------------------------------------------
# The database layer: gongkai.db (connections, transactions, migrations) and each component's
# store (the only modules that know its tables); the web's own tables go through Django's ORM
# (web/settings.py configures its connection; web/sql.py holds the statements the ORM cannot express).
DATABASE_LAYER = {"gongkai.db", "gongkai.corpus.store", "gongkai.register.store", "gongkai.register.filters",
                  "gongkai.log.store",
                  "gongkai.workdays.store", "gongkai.web.settings", "gongkai.web.sql"}
_SQL = re.compile(r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|UNIQUE|VIEW|SCHEMA)"
                  r"|ALTER\s+TABLE|DROP\s+|WITH\s+\w+\s+AS|PRAGMA)\b"  # a statement
                  r"|\b\w+\s*(=|<=|>=|<>|<|>|LIKE|IN)\s*\(?\?")  # a WHERE fragment with its placeholder


def _issues_sql(path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and _SQL.search(n.value)
               for n in ast.walk(tree))


def test_sql_only_in_the_database_layer():
    assert _SQL.search("SELECT id FROM requests") and _SQL.search("kind = ?")
    assert _SQL.search('CREATE SCHEMA IF NOT EXISTS "')  # the text of an f-string is seen too
    assert not _SQL.search("Create a directory (and missing parents)")
    issuing = {m for m, path in modules().items() if "migrations" not in m and _issues_sql(path)}
    assert issuing - DATABASE_LAYER == set()  # SQL (or a raw WHERE fragment) outside it: move it into a store


# -- one home per medium: the terminal is cli/'s ------------------------------------------------
def _terminal_writes(path: Path) -> list[int]:
    """Lines that print or write to stdout/stderr, outside a ``python -m`` entry point (a
    ``main()`` or the ``if __name__ == "__main__":`` block of a generator script)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        entry = isinstance(node, ast.FunctionDef) and node.name == "main"
        entry = entry or (isinstance(node, ast.If) and "__main__" in ast.unparse(node.test))
        if entry:
            skip.update(id(n) for n in ast.walk(node))
    return [n.lineno for n in ast.walk(tree) if id(n) not in skip and (
        (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print")
        or (isinstance(n, ast.Attribute) and n.attr in ("stdout", "stderr")
            and isinstance(n.value, ast.Name) and n.value.id == "sys"))]


def test_only_the_command_line_writes_to_the_terminal():
    assert _terminal_writes(PACKAGE / "cli" / "parse.py")  # the check sees real output
    writing = {m: lines for m, path in modules().items()
               if not m.startswith("gongkai.cli") and m != "gongkai.__main__" and (lines := _terminal_writes(path))}
    assert writing == {}
