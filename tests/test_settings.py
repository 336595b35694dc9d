from pathlib import Path

import pytest

from graph.errors import ChainKGError, ConfigError
from graph.settings import load_settings


def test_defaults_point_at_local_server():
    s = load_settings({})
    assert s.uri == "bolt://127.0.0.1:7687"
    assert s.local and s.auth is None and s.database == "neo4j"
    assert s.home == Path(".chainkg").resolve()


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
