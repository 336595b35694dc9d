"""Each side effect has one home: only graph/ and queries/ import neo4j; only app/ imports streamlit; the
CLI imports no Streamlit; product packages import no fixtures or generators and form no import cycle."""

import ast
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["graph", "extraction", "loaders", "queries", "app"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_import_boundaries():
    offenders = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            imps = _imports(path)
            if "neo4j" in imps and pkg not in ("graph", "queries"):
                offenders.append(f"{path.relative_to(ROOT)} imports neo4j")
            if "streamlit" in imps and pkg != "app":
                offenders.append(f"{path.relative_to(ROOT)} imports streamlit")
            if "app" in imps and pkg != "app":
                offenders.append(f"{path.relative_to(ROOT)} imports app")
            if "py2neo" in imps:
                offenders.append(f"{path.relative_to(ROOT)} imports py2neo")
    assert not offenders, offenders


def test_docker_compose_wires_neo4j_and_app():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo, app = compose["services"]["neo4j"], compose["services"]["app"]
    assert neo["image"].startswith("neo4j:5.26") and "community" in neo["image"]
    assert "healthcheck" in neo and any("/data" in v for v in neo["volumes"])
    assert any(str(p).endswith(":7687") for p in neo["ports"])
    assert app["build"] and app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert "${NEO4J_PASSWORD" in app["environment"]["NEO4J_PASSWORD"]
    assert "${NEO4J_PASSWORD" in neo["environment"]["NEO4J_AUTH"]
    assert (ROOT / ".env.example").exists() and (ROOT / "Dockerfile").exists()
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_no_credentials_committed():
    for path in [*ROOT.glob("*.yml"), ROOT / ".env.example", *ROOT.glob("graph/*.py"), *ROOT.glob("app/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "NEO4J_AUTH=neo4j/" not in text.replace("${", ""), path


# -- the module import graph (issue 16) ---------------------------------------------------------------
#: The packages the product is made of (tests/, demodata/, benchmarks/ and notebooks/ are not).
PRODUCT = ("graph", "loaders", "extraction", "queries", "app")
#: Packages a product module must never import: fixtures, sample graphs and data generators.
NOT_PRODUCT = ("tests", "demodata", "benchmarks")
#: The loaders/extraction modules allowed to import graph.writer: they own writing their records.
DECLARED_WRITERS = {"loaders.pipeline", "loaders.reference", "extraction.graph_extract"}
#: The command-line entry points: `chainkg` must start without Streamlit (it is the app's dependency).
CLI_MODULES = ("app.cli", "app.commands")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PRODUCT for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name ``path`` imports, at module level or inside functions; ``from a import b`` gives
    both ``a`` and ``a.b`` (``b`` may be a submodule). Relative imports are made absolute."""
    is_pkg = path.name == "__init__.py"
    package = module.split(".") if is_pkg else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            names.add(target)
            names |= {f"{target}.{a.name}" for a in node.names if a.name != "*"}
    return names


def _import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between product modules, every dotted name each product module imports)."""
    modules = _product_modules()
    imported = {m: _imported_names(p, m) for m, p in modules.items()}
    edges: dict[str, set[str]] = {}
    for m, names in imported.items():
        targets = set()
        for name in names:
            parts = name.split(".")
            # the longest prefix that is one of our modules (``graph.writer.write_nodes`` → graph.writer)
            for i in range(len(parts), 0, -1):
                if ".".join(parts[:i]) in modules:
                    targets.add(".".join(parts[:i]))
                    break
        edges[m] = targets - {m}
    return edges, imported


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module (the import cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_strongly_connected_finds_cycles_and_only_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _strongly_connected(edges) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_product_modules():
    edges, _ = _import_graph()
    cycles = _strongly_connected(edges)
    assert not cycles, "import cycles (module- or function-level imports): " + "; ".join(
        " ↔ ".join(c) for c in cycles)


def test_product_packages_import_no_fixtures_or_generators():
    _, imported = _import_graph()
    offenders = sorted(f"{m} imports {n}" for m, names in imported.items() for n in names
                       if n.split(".")[0] in NOT_PRODUCT)
    assert not offenders, offenders


def test_only_the_declared_writers_among_loaders_and_extraction_import_graph_writer():
    _, imported = _import_graph()
    offenders = sorted(m for m, names in imported.items()
                       if m.split(".")[0] in ("loaders", "extraction") and m not in DECLARED_WRITERS
                       and any(n == "graph.writer" or n.startswith("graph.writer.") for n in names))
    assert not offenders, f"{offenders} import graph.writer; write through {sorted(DECLARED_WRITERS)} or declare the module here"
    for m in DECLARED_WRITERS:  # the list names real writers, not stale entries
        assert "graph.writer" in imported[m], f"{m} is declared a writer but does not import graph.writer"


def test_graph_imports_no_higher_layer():
    _, imported = _import_graph()
    offenders = sorted(f"{m} imports {n}" for m, names in imported.items() if m.split(".")[0] == "graph"
                       for n in names if n.split(".")[0] in ("loaders", "extraction", "queries", "app"))
    assert not offenders, offenders


def test_cli_reaches_no_streamlit_import():
    """No module the CLI can import — at module level or inside a command — imports Streamlit."""
    edges, imported = _import_graph()
    start = [m for m in edges if m == "app.cli" or m.startswith("app.commands")]
    seen: dict[str, str | None] = {m: None for m in start}  # module -> who imported it first
    todo = list(start)
    while todo:
        m = todo.pop()
        for n in sorted(edges[m]):
            if n not in seen:
                seen[n] = m
                todo.append(n)

    def chain(m: str) -> str:
        path = [m]
        while seen[path[-1]] is not None:
            path.append(seen[path[-1]])
        return " <- ".join(path)

    offenders = sorted(chain(m) for m in seen if any(n.split(".")[0] == "streamlit" for n in imported[m]))
    assert not offenders, "the CLI imports streamlit through: " + "; ".join(offenders)


def test_cli_starts_without_streamlit():
    """Importing the CLI and every command module leaves Streamlit unloaded (a fresh interpreter)."""
    code = ("import importlib, pkgutil, sys\n"
            "import app.cli, app.commands as pkg\n"
            "for m in pkgutil.iter_modules(pkg.__path__):\n"
            "    importlib.import_module(f'app.commands.{m.name}')\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'streamlit')[:3])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]", f"streamlit modules loaded by the CLI: {out.stdout.strip()}"
