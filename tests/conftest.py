"""Shared fixtures. Integration tests use the real local Neo4j started by `make test`.

They never skip when Neo4j is missing: the `driver` fixture fails the test with the reason, so a
run without a server is red, not quietly green. Tests needing ../shared/data skip visibly (naming the
missing folder) in a clone without it, and fail under CI=true.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from graph.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CHAINKG_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def driver(settings):
    """One driver for the whole run, checked once; fails (never skips) when Neo4j is unreachable."""
    from graph.connection import check_connection, make_driver
    from graph.errors import ConnectionFailed
    from graph.schema import ensure_schema

    drv = make_driver(settings)
    try:
        check_connection(drv, settings)
    except ConnectionFailed as e:
        drv.close()
        pytest.fail(f"Neo4j integration tests need a server (run `make test`): {e}", pytrace=False)
    ensure_schema(drv, settings.database)
    yield drv
    drv.close()


@pytest.fixture
def ns(driver, settings):
    """A unique key prefix for one test's data; everything keyed with it is deleted afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    yield prefix
    delete_prefixed(driver, settings.database, prefix)


def delete_prefixed(driver, database: str, prefix: str) -> None:
    """Delete only the nodes whose key starts with ``prefix`` (tests clean up what they made)."""
    from graph.schema import NODE_KEYS

    with driver.session(database=database) as s:
        for label, key in NODE_KEYS.items():
            s.run(
                f"MATCH (n:{label}) WHERE n.{key} STARTS WITH $p CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS",
                p=prefix,
            ).consume()


def in_ci() -> bool:
    """True under CI (the CI variable set to anything but false/0/empty), where nothing may skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_shared_data() -> Path:
    """../shared/data, or a visible skip naming what is missing (a failure under CI=true)."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    msg = (f"needs the shared real-data folder, missing at {SHARED_DATA} (a clone without ../shared); "
           "put it there or set CHAINKG_SHARED_DATA")
    if in_ci():
        pytest.fail(f"CI=true and {msg}", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (read-only). Missing: skipped with the path named; under CI=true a failure."""
    return require_shared_data()


#: Fixtures that reach the shared test server (the one `make test` starts). `make test` runs the
#: tests using none of them (pure units, and those that start a throw-away server of their own:
#: reliability, bulk import, wheel, server, auth) in a second pytest process beside the main one
#: (`-m no_shared_server` / `-m "not no_shared_server"`, tools/run_tests.sh), so the shared graph still
#: sees one test at a time: stored shortcuts, programme totals and fingerprints would otherwise
#: change under another test's feet.
SHARED_SERVER_FIXTURES = frozenset({"driver", "settings", "demo_graph", "ns"})


@pytest.hookimpl(wrapper=True)  # a wrapper: the marker is set before `-m` selects on it
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not SHARED_SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.no_shared_server)
    return (yield)


def pytest_runtest_setup(item):
    # Tests marked shared_data that read the folder without the fixture get the same skip/fail.
    if item.get_closest_marker("shared_data") and "shared_data" not in getattr(item, "fixturenames", ()):
        require_shared_data()


@pytest.fixture(scope="session")
def demo_graph(driver, settings):
    """The bundled demo data loaded (idempotently) and extracted once per run; returns the driver.

    Tests that use it must not delete demo data; they only read it.
    """
    from extraction.graph_extract import extract_graph
    from loaders.demo import load_demo

    load_demo(driver, database=settings.database)
    extract_graph(driver, database=settings.database)
    return driver
