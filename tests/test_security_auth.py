"""Authentication is on by default for the local server, with no password for the user to type.

A throw-away server (own home, free port, no NEO4J_PASSWORD) is started through the real CLI: the
first start generates a random password into $CHAINKG_HOME/neo4j-password (0600); every later command
reads it; a connection without it is refused; rotate-password changes it; the password shows up in
no output and no log.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from pathlib import Path

import neo4j
import pytest

from graph import server as srv
from graph.settings import PASSWORD_FILE, ensure_password_file, load_settings, read_password_file

ROOT = Path(__file__).resolve().parent.parent
CHAINKG = ROOT / ".venv" / "bin" / "chainkg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_password_file_is_random_owner_only_and_kept(tmp_path):
    home = tmp_path / "home"
    first = ensure_password_file(home)
    assert len(first) >= 24
    mode = stat.S_IMODE((home / PASSWORD_FILE).stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert ensure_password_file(home) == first  # generated once, then kept
    assert ensure_password_file(tmp_path / "other") != first


def test_settings_read_the_generated_password_only_for_the_local_server(tmp_path):
    pw = ensure_password_file(tmp_path)
    local = load_settings({"CHAINKG_HOME": str(tmp_path)})
    assert local.auth == ("neo4j", pw)
    assert pw not in repr(local)
    # NEO4J_PASSWORD still wins; a remote server never gets the local password.
    assert load_settings({"CHAINKG_HOME": str(tmp_path), "NEO4J_PASSWORD": "other"}).auth == ("neo4j", "other")
    assert load_settings({"CHAINKG_HOME": str(tmp_path), "NEO4J_URI": "bolt://db.example:7687"}).auth is None


def test_no_password_file_means_no_auth_for_a_server_started_before(tmp_path):
    # A server started by an older chainkg runs without auth and has no password file: still reachable.
    assert read_password_file(tmp_path) == ""
    assert load_settings({"CHAINKG_HOME": str(tmp_path)}).auth is None


@pytest.mark.neo4j
@pytest.mark.slow
def test_local_server_has_auth_by_default_and_the_cli_needs_no_password(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "CHAINKG_HOME": str(home), "CHAINKG_NEO4J_PORT": str(_free_port()),
           "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"}
    for var in ("NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USER"):
        env.pop(var, None)
    st = load_settings(env)
    outputs: list[str] = []

    def cli(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(CHAINKG), *args], capture_output=True, text=True, cwd=tmp_path, env=env,
                              timeout=240)
        outputs.append(f"$ chainkg {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
        return proc

    try:
        assert cli("-v", "--log-file", str(home / "cli.log"), "server", "start", "--timeout", "200").returncode == 0, \
            outputs[-1]
        pw_file = home / PASSWORD_FILE
        assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((home / "neo4j-launcher.log").stat().st_mode) == 0o600
        password = read_password_file(home)
        assert password

        # Refused without the password or with a wrong one; accepted with the generated one.
        for auth in (None, ("neo4j", "neo4j"), ("neo4j", "wrong-password-1")):
            with neo4j.GraphDatabase.driver(st.uri, auth=auth) as d:
                with pytest.raises((neo4j.exceptions.AuthError, neo4j.exceptions.ClientError)):
                    d.verify_connectivity()
        with neo4j.GraphDatabase.driver(st.uri, auth=("neo4j", password)) as d:
            assert d.execute_query("RETURN 1 AS x").records[0]["x"] == 1

        # The CLI reads it by itself (no NEO4J_PASSWORD in its environment).
        assert cli("-v", "--log-file", str(home / "cli.log"), "init").returncode == 0, outputs[-1]
        assert cli("stats", "--format", "json").returncode == 0, outputs[-1]
        status = cli("server", "status", "--json")
        assert status.returncode == 0 and '"running": true' in status.stdout, outputs[-1]

        # Rotation: the old password stops working, the new one (in the file, still 0600) works.
        assert cli("server", "rotate-password").returncode == 0, outputs[-1]
        new = read_password_file(home)
        assert new and new != password
        assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
        with neo4j.GraphDatabase.driver(st.uri, auth=("neo4j", password)) as d:
            with pytest.raises(neo4j.exceptions.AuthError):
                d.verify_connectivity()
        assert cli("stats").returncode == 0, outputs[-1]

        # A restart keeps the (rotated) password: the launcher sets the file's password at every start,
        # also when Neo4j already has it.
        assert cli("server", "stop").returncode == 0, outputs[-1]
        assert cli("server", "start", "--timeout", "200").returncode == 0, outputs[-1]
        assert read_password_file(home) == new
        assert cli("stats").returncode == 0, outputs[-1]
    finally:
        cli("server", "stop")
        srv.stop(st)
    assert cli("server", "status").returncode == 3, outputs[-1]  # LSB: stopped

    secrets_ = {password, new}
    logs = [p for p in home.rglob("*") if p.is_file() and (p.suffix == ".log" or "logs" in p.parts)]
    assert any(p.name == "cli.log" for p in logs) and any(p.name == "neo4j-launcher.log" for p in logs)
    leaked = [str(p) for p in logs for s in secrets_ if s.encode() in p.read_bytes()]
    assert not leaked, f"password written to {leaked}"
    joined = "\n".join(outputs)
    assert not any(s in joined for s in secrets_)


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("page", ["overview", "workbench", "data_import"])
def test_the_app_connects_by_itself_and_never_shows_the_password(driver, settings, page):
    """The app reads the same settings (generated password included) and renders no credential."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=180)
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # Connected with the generated password: no "cannot reach Neo4j" / "refused the credentials" banner.
    # (Other errors, e.g. a slow query's timeout on a busy machine, are the pages' business.)
    banners = [e.value for e in at.error if "credentials" in e.value or "chainkg server start" in e.value
               or "Cannot reach Neo4j" in e.value]
    assert not banners, banners
    if settings.password:
        rendered = repr([(kind, [getattr(e, "value", None) for e in getattr(at, kind)])
                         for kind in ("title", "markdown", "caption", "text", "code", "text_input", "text_area",
                                      "error", "warning", "info", "json", "dataframe", "table")])
        assert settings.password not in rendered
