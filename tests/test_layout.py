"""Each side effect has one home: only graph/ and queries/ import neo4j; only app/ imports streamlit."""

import ast
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
