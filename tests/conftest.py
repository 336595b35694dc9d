"""Shared fixtures. Integration tests use the real local Neo4j started by `make test`.

They never skip when Neo4j is missing: the `driver` fixture fails the test with the reason, so a
run without a server is red, not quietly green.
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


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (read-only). Missing data is a failure, not a skip."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}; set CHAINKG_SHARED_DATA", pytrace=False)
    return SHARED_DATA


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
