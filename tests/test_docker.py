"""The Docker path (no engine on CI: the files are checked, and the init step is run for real).

The image carries the data, a CJK font, a non-root user and a health check; compose runs the one-time
init (= `make demo` without the app: schema, demo load, extraction) before the app, and init does
nothing on later starts.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    return [(m.group(1).upper(), m.group(2).strip()) for m in re.finditer(r"^\s*([A-Za-z]+)\s+(.*)$", text, re.M)
            if not m.group(0).lstrip().startswith("#")]


def _make_recipe(target: str) -> list[str]:
    m = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert m, f"Makefile has no {target} recipe"
    return [line.strip() for line in m.group(1).splitlines()]


def _ignored(path: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip() and not p.startswith("#")]
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in patterns)


def test_image_runs_as_a_non_root_user_with_a_health_check():
    ins = _instructions()
    users = [arg for op, arg in ins if op == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    last_user = max(i for i, (op, _) in enumerate(ins) if op == "USER")
    assert all(op != "RUN" for op, _ in ins[last_user + 1:]), "RUN after USER would need root"
    health = [arg for op, arg in ins if op == "HEALTHCHECK"]
    assert health and "/_stcore/health" in health[0]


def test_image_has_a_cjk_font_and_installs_from_the_lock():
    runs = " ".join(arg for op, arg in _instructions() if op == "RUN")
    assert re.search(r"fonts-(wqy-microhei|wqy-zenhei|noto-cjk)", runs)
    assert "--require-hashes -r requirements/runtime.lock" in runs
    assert re.search(r"pip install [^&]*--no-deps /src", runs)  # non-editable: data via the wheel's data files


def test_image_gets_the_data_the_demo_and_extraction_read():
    copies = [arg for op, arg in _instructions() if op == "COPY"]
    assert any(arg.split()[0] == "." for arg in copies), "the build context (filtered by .dockerignore) is copied"
    for needed in ("data/demo", "data/chains", "data/regions", "models", "requirements", "pyproject.toml",
                   "graph/launcher/src"):
        assert not _ignored(needed), f".dockerignore drops {needed}"
    for secret in (".env", ".chainkg", ".venv", ".git"):
        assert _ignored(secret), f".dockerignore must drop {secret}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for folder in ("data/demo", "data/chains", "data/regions"):
        assert f'"share/chainkg/{folder}"' in pyproject, f"{folder} is not in the wheel's data files"


def test_compose_inits_once_before_the_app_in_step_with_make_demo():
    services = COMPOSE["services"]
    init, app = services["init"], services["app"]
    # init = `make demo` without the app: the Makefile's demo command with --no-app (+ --if-empty).
    demo_cmd = next(line for line in _make_recipe("demo") if "chainkg demo" in line)
    make_args = [a for a in demo_cmd.split("chainkg demo", 1)[1].split() if not a.startswith("$(")]
    assert init["command"][:2] == ["chainkg", "demo"]
    assert set(init["command"][2:]) == set(make_args) | {"--no-app", "--if-empty"}
    assert init.get("restart", "no") == "no"
    assert init["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["depends_on"]["init"]["condition"] == "service_completed_successfully"
    # The app runs the image's own command (one way to start it), on all interfaces inside the container.
    cmd = next(arg for op, arg in _instructions() if op == "CMD")
    assert app["command"] == yaml.safe_load(cmd)
    for svc in (init, app):
        assert svc["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
        assert "${NEO4J_PASSWORD" in svc["environment"]["NEO4J_PASSWORD"]


def test_demo_command_covers_schema_load_and_extraction():
    # What init runs must include extraction (the old compose never ran `chainkg extract`).
    src = (ROOT / "app" / "commands" / "demo.py").read_text(encoding="utf-8")
    for step in ("ensure_schema(", "load_demo(", "extract_graph("):
        assert step in src


@pytest.mark.neo4j
def test_init_does_nothing_when_the_graph_already_holds_patents(driver, settings, ns):
    from graph.writer import write_nodes

    # At least one patent (the test server may hold more); --if-empty must then load nothing.
    write_nodes(driver, "Patent", [{"pub_no": f"{ns}CN0000001A", "title": "一种测试用专利"}], database=settings.database)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "demo", "--no-app", "--if-empty"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "nothing loaded (--if-empty)" in proc.stdout
    assert "demo data loaded" not in proc.stdout
