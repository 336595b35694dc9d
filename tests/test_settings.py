import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import ChainKGError, ConfigError
from graph.settings import apply_env_file, default_home, load_settings


def test_defaults_point_at_local_server(tmp_path):
    s = load_settings({"HOME": str(tmp_path)})
    assert s.uri == "bolt://127.0.0.1:7687"
    assert s.local and s.auth is None and s.database == "neo4j"


def test_default_home_does_not_depend_on_the_current_folder(tmp_path, monkeypatch):
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": ""}
    monkeypatch.chdir(tmp_path)
    here = load_settings(env).home
    monkeypatch.chdir("/")
    assert load_settings(env).home == here == default_home(env)
    if sys.platform.startswith("linux"):
        assert here == tmp_path / ".local" / "share" / "chainkg"
        assert load_settings({**env, "XDG_DATA_HOME": str(tmp_path / "xdg")}).home == tmp_path / "xdg" / "chainkg"
    # CHAINKG_HOME still wins (the Makefile and tests use ./.chainkg/test).
    assert load_settings({**env, "CHAINKG_HOME": str(tmp_path / "h")}).home == tmp_path / "h"


def test_dotenv_is_read_like_compose_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "# comment\nNEO4J_DATABASE=region31\nexport CHAINKG_NEO4J_PORT=7799 # inline comment\n"
        "NEO4J_USER='reader'\nNEO4J_URI=\"bolt://from-dotenv:7687\"\nnot a line\n", encoding="utf-8")
    environ = {"NEO4J_URI": "bolt://from-shell:7687"}
    added = apply_env_file(tmp_path / ".env", environ)
    assert set(added) == {"NEO4J_DATABASE", "CHAINKG_NEO4J_PORT", "NEO4J_USER"}
    s = load_settings(environ)
    assert s.database == "region31" and s.port == 7799 and s.user == "reader" and s.uri == "bolt://from-shell:7687"
    assert apply_env_file(tmp_path / "missing.env", {}) == []


def test_cli_reads_dotenv_from_the_current_folder(tmp_path):
    (tmp_path / ".env").write_text(f"CHAINKG_HOME={tmp_path / 'h'}\nCHAINKG_NEO4J_PORT=1\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHAINKG_", "NEO4J_"))}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "server", "status", "--json"], cwd=tmp_path, env={
        **env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}, capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert json.loads(proc.stdout)["uri"] == "bolt://127.0.0.1:1"
    assert json.loads(proc.stdout)["home"] == str(tmp_path / "h")


def test_env_overrides():
    s = load_settings({"NEO4J_URI": "neo4j://db.example:7687", "NEO4J_USER": "u", "NEO4J_PASSWORD": "p",
                       "NEO4J_DATABASE": "region31", "CHAINKG_HOME": "/tmp/x"})
    assert not s.local and s.auth == ("u", "p") and s.database == "region31" and s.home == Path("/tmp/x")


def test_local_port_setting_changes_uri():
    assert load_settings({"CHAINKG_NEO4J_PORT": "7799"}).uri == "bolt://127.0.0.1:7799"


@pytest.mark.parametrize("bad", ["abc", "0", "70000"])
def test_bad_port_is_a_clear_error(bad):
    with pytest.raises(ConfigError, match="CHAINKG_NEO4J_PORT"):
        load_settings({"CHAINKG_NEO4J_PORT": bad})
    assert issubclass(ConfigError, ChainKGError)
