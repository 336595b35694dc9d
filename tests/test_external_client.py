"""A researcher's own tools reach the local graph: Neo4j's JavaScript driver (npm `neo4j-driver`, run
by node) — an external Bolt client, not our Python driver — reads the graph with the generated
password and is refused without it. docs/server.md shows the same commands.

node and npm are Debian packages on the build machines; the driver version is pinned with integrity
hashes in tools/bolt_client/package-lock.json and installed once (npm ci) into .chainkg/bolt_client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENT_SRC = ROOT / "tools" / "bolt_client"
CLIENT_DIR = ROOT / ".chainkg" / "bolt_client"


@pytest.fixture(scope="module")
def js_client() -> Path:
    """tools/bolt_client with its node_modules installed from the lockfile (once per checkout)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.fail("node and npm are needed for the external-client test (Debian: apt-get install nodejs npm)",
                    pytrace=False)
    CLIENT_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "query.mjs"):
        shutil.copy2(CLIENT_SRC / name, CLIENT_DIR / name)
    stamp = CLIENT_DIR / "node_modules" / ".installed-from-lock"
    lock = (CLIENT_SRC / "package-lock.json").read_text(encoding="utf-8")
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != lock:
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=CLIENT_DIR, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        stamp.write_text(lock, encoding="utf-8")
    return CLIENT_DIR


def _query(client: Path, settings, cypher: str, password: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEO4J_PASSWORD": password or "", "NEO4J_DATABASE": settings.database}
    return subprocess.run(["node", "query.mjs", settings.uri, cypher], cwd=client, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.neo4j
def test_javascript_driver_reads_the_graph_with_the_password(js_client, driver, settings, ns):
    from graph.writer import write_nodes

    write_nodes(driver, "Chain", [{"chain_id": f"{ns}nev", "name": "新能源汽车动力电池产业链（外部客户端）"}],
                database=settings.database)
    proc = _query(js_client, settings, f"MATCH (c:Chain) WHERE c.chain_id STARTS WITH '{ns}' "
                  "RETURN c.chain_id AS id, c.name AS name", settings.password)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows == [{"id": f"{ns}nev", "name": "新能源汽车动力电池产业链（外部客户端）"}]  # Chinese intact over Bolt
    assert "Neo4j/5.26" in proc.stderr  # the server it talked to, as the JS driver reports it
    assert settings.password not in proc.stdout + proc.stderr


@pytest.mark.neo4j
def test_javascript_driver_without_the_password_is_refused(js_client, driver, settings):
    if not settings.password:
        pytest.fail("the test server runs without auth; start it with the current chainkg (auth on by default)",
                    pytrace=False)
    proc = _query(js_client, settings, "RETURN 1 AS x", None)
    assert proc.returncode == 2
    assert "Unauthorized" in proc.stderr or "authentication" in proc.stderr.lower()
    assert settings.password not in proc.stdout + proc.stderr
