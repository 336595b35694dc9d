"""A wheel that works: `pip install .` (not editable) into a fresh venv, then from another folder
`chainkg server start` (the launcher builds from its packaged sources) and `chainkg demo --no-app`.

Kept lean for CI: the venv is filled from requirements/runtime.lock with uv (its cache makes a rerun
fast), then real pip builds and installs chainkg itself from the checkout; the launcher is built once
into .chainkg/cache and reused by later runs (its folder name is a hash of the sources).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with chainkg installed non-editably from the checkout; returns its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    venv = base / "venv"
    if UV.exists():
        _run([UV, "venv", "-q", "--seed", "--python", sys.executable, venv])
        _run([UV, "pip", "install", "-q", "--python", venv / "bin" / "python", "--require-hashes",
              "-r", ROOT / "requirements" / "runtime.lock"])
    else:  # no uv: plain pip from the same lock (slower; pip's cache still helps)
        _run([sys.executable, "-m", "venv", venv])
        _run([venv / "bin" / "pip", "install", "-q", "--require-hashes", "-r", ROOT / "requirements" / "runtime.lock"])
    # The step under test: pip builds the wheel from the checkout and installs it (not editable).
    _run([venv / "bin" / "pip", "install", "-q", ROOT], cwd=base)
    return venv / "bin"


@pytest.mark.neo4j
@pytest.mark.slow
def test_installed_wheel_starts_the_server_and_loads_the_demo_from_any_folder(installed, tmp_path):
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NEO4J_", "CHAINKG_", "PYTHON", "VIRTUAL_ENV"))}
    env.update({"HOME": str(tmp_path / "user"), "PATH": f"{installed}:{env.get('PATH', '/usr/bin:/bin')}",
                "CHAINKG_NEO4J_PORT": str(_free_port()), "CHAINKG_NEO4J_HEAP": "512m",
                "CHAINKG_NEO4J_PAGECACHE_MB": "96",
                # build the launcher once per checkout, not once per run; ~/.m2 keeps the Neo4j jars
                "XDG_CACHE_HOME": str(ROOT / ".chainkg" / "cache"),
                "MAVEN_OPTS": f"-Dmaven.repo.local={Path.home() / '.m2' / 'repository'}"})
    chainkg = installed / "chainkg"

    # Code and data come from the venv, not from the checkout.
    probe = _run([installed / "python", "-c", "import graph, loaders.demo as d, loaders.datadir as dd; "
                  "print(graph.__file__); print(d.DEMO_DIR); print(dd.data_dir())"], cwd=elsewhere, env=env)
    code_file, demo_dir, data_dir = probe.stdout.split()
    venv = installed.parent
    assert code_file.startswith(str(venv)) and demo_dir.startswith(str(venv)) and data_dir.startswith(str(venv))
    assert (Path(demo_dir) / "organizations.csv").exists() and (Path(data_dir) / "chains").is_dir()

    # The default store does not depend on the current folder: ~/.local/share/chainkg here.
    status = subprocess.run([chainkg, "server", "status", "--json"], cwd=elsewhere, env=env, capture_output=True,
                            text=True)
    assert status.returncode == 3, status.stderr
    assert json.loads(status.stdout)["home"] == str(tmp_path / "user" / ".local" / "share" / "chainkg")

    try:
        start = _run([chainkg, "server", "start", "--timeout", "240"], cwd=elsewhere, env=env, timeout=900)
        assert "ready on bolt://127.0.0.1:" in start.stdout
        demo = _run([chainkg, "demo", "--no-app"], cwd=elsewhere, env=env, timeout=900)
        out = demo.stdout
        assert "demo data loaded in" in out and "organizations.csv" in out and "LoadReport(" not in out
        assert "graph:" in out
        stats = json.loads(_run([chainkg, "stats", "--format", "json"], cwd=elsewhere, env=env).stdout)
        assert stats["nodes"]["Organization"] > 100 and stats["nodes"]["Patent"] > 1000
        # Another folder sees the same graph (no ./.chainkg created where the command runs).
        other = tmp_path / "third"
        other.mkdir()
        again = json.loads(_run([chainkg, "stats", "--format", "json"], cwd=other, env=env).stdout)
        assert again["nodes"]["Patent"] == stats["nodes"]["Patent"]
        assert not (elsewhere / ".chainkg").exists() and not (other / ".chainkg").exists()
    finally:
        subprocess.run([chainkg, "server", "stop"], cwd=elsewhere, env=env, capture_output=True, timeout=180)
    shutil.rmtree(tmp_path / "user", ignore_errors=True)
