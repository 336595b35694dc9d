"""The local server manager against a second, throw-away Neo4j (own home and port)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graph import server as srv
from graph.errors import ServerAlreadyRunning, ServerError
from graph.settings import load_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_port_in_use_is_refused_with_a_clear_message(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        st = load_settings({"CHAINKG_HOME": str(tmp_path), "CHAINKG_NEO4J_PORT": str(port)})
        with pytest.raises(ServerError, match=f"port {port} .*in use"):
            srv.start(st, timeout=5)


def test_start_refuses_when_neo4j_uri_is_set(tmp_path):
    st = load_settings({"CHAINKG_HOME": str(tmp_path), "NEO4J_URI": "bolt://elsewhere:7687"})
    with pytest.raises(ServerError, match="NEO4J_URI is set"):
        srv.start(st)


def test_status_of_a_never_started_home_is_stopped(tmp_path):
    st = load_settings({"CHAINKG_HOME": str(tmp_path), "CHAINKG_NEO4J_PORT": str(_free_port())})
    status = srv.status(st)
    assert not status.running and status.pid is None
    assert srv.stop(st) is False


@pytest.mark.neo4j
@pytest.mark.slow
def test_start_refuse_stop_and_no_process_left(tmp_path):
    st = load_settings({"CHAINKG_HOME": str(tmp_path), "CHAINKG_NEO4J_PORT": str(_free_port()),
                        "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"})
    status = srv.start(st, timeout=120)
    try:
        assert status.running and status.version.startswith("5.26")
        with pytest.raises(ServerAlreadyRunning):
            srv.start(st)
        assert srv.status(st).running
        assert srv.status(st).store_bytes > 0
    finally:
        assert srv.stop(st) is True
    assert not srv._pid_alive(status.pid)
    assert not srv.status(st).running


@pytest.mark.neo4j
@pytest.mark.slow
def test_auth_is_on_when_a_password_is_set(tmp_path):
    import neo4j

    env = {"CHAINKG_HOME": str(tmp_path), "CHAINKG_NEO4J_PORT": str(_free_port()), "NEO4J_PASSWORD": "s3cret-pw",
           "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"}
    st = load_settings(env)
    srv.start(st, timeout=120)
    try:
        with neo4j.GraphDatabase.driver(st.uri, auth=("neo4j", "s3cret-pw")) as d:
            assert d.execute_query("RETURN 1 AS x").records[0]["x"] == 1
        with neo4j.GraphDatabase.driver(st.uri, auth=("neo4j", "wrong")) as d:
            with pytest.raises(neo4j.exceptions.AuthError):
                d.execute_query("RETURN 1")
        with neo4j.GraphDatabase.driver(st.uri, auth=None) as d:
            with pytest.raises((neo4j.exceptions.AuthError, neo4j.exceptions.ClientError)):
                d.execute_query("RETURN 1")
    finally:
        srv.stop(st)


@pytest.mark.neo4j
@pytest.mark.slow
def test_corrupt_store_gets_an_actionable_error(tmp_path):
    st = load_settings({"CHAINKG_HOME": str(tmp_path), "CHAINKG_NEO4J_PORT": str(_free_port()),
                        "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"})
    srv.start(st, timeout=120)
    srv.stop(st)
    store = st.neo4j_dir / "data" / "databases" / "neo4j"
    for f in store.glob("neostore*"):
        if f.is_file() and f.stat().st_size > 0:
            f.write_bytes(b"\xde\xad\xbe\xef" * (f.stat().st_size // 4 + 1))
    with pytest.raises(ServerError) as err:
        srv.start(st, timeout=60)
        srv.stop(st)
    assert "could not start" in str(err.value) and "corrupt" in str(err.value)
    assert "move it aside" in str(err.value)
    assert srv.recorded_pid(st) is None


def test_cli_prints_one_line_errors_without_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CHAINKG_HOME": str(tmp_path), "NEO4J_URI": "bolt://127.0.0.1:1"}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "stats"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: Cannot reach Neo4j at bolt://127.0.0.1:1")
    assert "Traceback" not in proc.stderr


def test_status_exit_codes_follow_lsb(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "CHAINKG_HOME": str(tmp_path / "h"),
           "CHAINKG_NEO4J_PORT": str(_free_port()), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def status() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", "server", "status"], capture_output=True, text=True,
                              env=env, cwd=tmp_path)

    stopped = status()
    assert stopped.returncode == 3 and stopped.stdout.startswith("stopped"), stopped.stderr
    # A PID file whose process is gone (kill -9, crash): LSB 1 "dead, PID file exists".
    (tmp_path / "h").mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "h" / "neo4j.pid").write_text(str(dead.pid))
    stale = status()
    assert stale.returncode == 1 and "stale PID file" in stale.stdout, stale.stdout


def test_a_changed_launcher_source_is_rebuilt_on_the_next_start(tmp_path, monkeypatch):
    import shutil

    assert srv.launcher_up_to_date(), "run `chainkg server build`"
    src = tmp_path / "launcher"
    shutil.copytree(srv.LAUNCHER_SOURCES / "src", src / "src")
    shutil.copy2(srv.LAUNCHER_SOURCES / "pom.xml", src / "pom.xml")
    monkeypatch.setattr(srv, "LAUNCHER_SOURCES", src)
    assert srv.launcher_up_to_date()  # same sources, same hash
    java = src / "src" / "main" / "java" / "chainkg" / "Launcher.java"
    java.write_text(java.read_text() + "\n// changed\n")
    assert srv.launcher_built() and not srv.launcher_up_to_date()
