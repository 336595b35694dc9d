"""A real `neo4j-admin database import` from the Maven jars into a throw-away store, then a server start.

The store lives in the test's tmp folder and the server on a free port of its own, so the shared
test server and its data are never touched.
"""

from __future__ import annotations

import socket

import neo4j
import pytest
from click.testing import CliRunner

from app.cli import main
from graph import server as srv
from graph.bulk_import import import_bulk
from graph.bulk_manifest import read_manifest
from graph.connection import make_driver
from graph.errors import ConfigError, InputError, ServerError
from graph.precompute import refresh_chain_counts
from graph.schema import ensure_schema
from graph.settings import load_settings
from graph.writer import graph_stats
from loaders.bulk_records import export_directory
from loaders.mapping import FILE_ORDER
from loaders.pipeline import find_source_files, load_directory
from tests.bulk_support import write_every_kind_source, write_tiny_source


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def store(tmp_path):
    """Settings of a throw-away local store; its server (if started) is stopped afterwards."""
    settings = load_settings({"CHAINKG_HOME": str(tmp_path / "home"), "CHAINKG_NEO4J_PORT": str(_free_port()),
                              "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"})
    yield settings
    srv.stop(settings)


@pytest.mark.neo4j
@pytest.mark.slow
def test_import_then_start_gives_the_exported_counts_and_init_applies_constraints(tmp_path, store):
    export_directory(write_tiny_source(tmp_path / "src"), tmp_path / "bulk")
    manifest = read_manifest(tmp_path / "bulk")
    result = import_bulk(store, tmp_path / "bulk")
    assert (result.nodes, result.relationships) == (manifest["node_count"], manifest["relationship_count"])

    srv.start(store)
    with make_driver(store) as drv:
        stats = graph_stats(drv, store.database)
        for label, info in manifest["nodes"].items():
            assert stats["nodes"][label] == info["rows"], label
        by_type: dict[str, int] = {}
        for group, info in manifest["relationships"].items():
            by_type[group.split("__")[0]] = by_type.get(group.split("__")[0], 0) + info["rows"]
        assert {t: stats["relationships"][t] for t in by_type} == by_type
        assert stats["nodes"]["University"] == 1 and stats["nodes"]["Company"] >= 3

        records, _, _ = drv.execute_query(
            "MATCH (p:Patent {pub_no: $p}) RETURN p.filed AS filed, p.ipc AS ipc, p.abstract AS abstract",
            p="CN114142123A", database_=store.database, routing_=neo4j.RoutingControl.READ)
        row = records[0]
        assert row["filed"] == neo4j.time.Date(2021, 3, 4) and row["ipc"] == ["H01M4/525", "H01M10/0525"]
        assert row["abstract"] == "含有\n换行的摘要"
        records, _, _ = drv.execute_query(
            "MATCH (a)-[r:LICENSED_TO]->(b) RETURN r.type AS type, r.date AS date, a.name AS a, b.is_sme AS sme",
            database_=store.database, routing_=neo4j.RoutingControl.READ)
        assert [(r["type"], r["a"], r["sme"]) for r in records] == [("exclusive", "宁德时代新能源科技股份有限公司", True)]

        ensure_schema(drv, store.database)  # what `chainkg init` runs: constraints build on imported data
        refresh_chain_counts(drv, store.database)  # `--refresh-counts`: the shortcuts a Bolt load derives
        with pytest.raises(neo4j.exceptions.ConstraintError):
            drv.execute_query("CREATE (:Patent {pub_no: $p})", p="CN114142123A", database_=store.database)

        # the server is running: a second import is refused before the importer is touched
        with pytest.raises(ServerError, match="chainkg server stop"):
            import_bulk(store, tmp_path / "bulk", overwrite=True)

        # The same folder loaded over Bolt (`chainkg load`, derivations included) gives the same graph.
        bulk_shape = _shape(drv, store.database)
        with drv.session(database=store.database) as session:  # the test's own throw-away store
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
        report = load_directory(drv, tmp_path / "src", database=store.database)
        assert not report.fatal
        bolt_shape = _shape(drv, store.database)
        for part, (bulk, bolt) in enumerate(zip(bulk_shape, bolt_shape, strict=True)):
            assert bulk == bolt, f"part {part}: " + "; ".join(
                f"{k}: bulk {bulk.get(k)} / bolt {bolt.get(k)}" for k in sorted(set(bulk) | set(bolt)) if bulk.get(k) != bolt.get(k))


@pytest.mark.neo4j
@pytest.mark.slow
def test_bulk_and_bolt_loads_agree_on_every_file_kind(tmp_path, store):
    """Every file kind the loaders know (``FILE_ORDER``, i.e. ``VALIDATORS``) goes through both paths:
    a generated folder holding all of them, imported in bulk and loaded over Bolt, gives one graph."""
    src = write_every_kind_source(tmp_path / "src")
    _chains, tables = find_source_files(src)
    assert [kind for kind, _ in tables] == list(FILE_ORDER), (
        "the parity folder must hold every file kind: teach demodata.generator the missing ones")
    report = export_directory(src, tmp_path / "bulk")
    assert not report.fatal, report.fatal
    import_bulk(store, tmp_path / "bulk")
    srv.start(store)
    with make_driver(store) as drv:
        ensure_schema(drv, store.database)
        refresh_chain_counts(drv, store.database)
        bulk_shape = _shape(drv, store.database)
        with drv.session(database=store.database) as session:  # the test's own throw-away store
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
        loaded = load_directory(drv, src, database=store.database)
        assert not loaded.fatal, loaded.fatal
        bolt_shape = _shape(drv, store.database)
    assert {f.kind for f in loaded.files if f.loaded} >= set(FILE_ORDER), [(f.kind, f.loaded) for f in loaded.files]
    for part, (bulk, bolt) in enumerate(zip(bulk_shape, bolt_shape, strict=True)):
        assert bulk == bolt, f"part {part}: " + "; ".join(
            f"{k}: bulk {bulk.get(k)} / bolt {bolt.get(k)}" for k in sorted(set(bulk) | set(bolt)) if bulk.get(k) != bolt.get(k))


def _shape(drv, database):
    """Counts by label and type plus the property keys seen on each: what the two load paths must agree on.

    Empty strings and empty lists count as absent: the importer reads an empty CSV field as "no
    value", while the Bolt writer stores ``''`` and ``[]`` (docs/scaling.md notes the difference).
    """
    stats = graph_stats(drv, database)
    records, _, _ = drv.execute_query(
        "MATCH (n) UNWIND labels(n) AS l UNWIND [k IN keys(n) WHERE NOT n[k] IN ['', []]] AS k "
        "RETURN l, collect(DISTINCT k) AS ks",
        database_=database, routing_=neo4j.RoutingControl.READ)
    node_keys = {r["l"]: sorted(r["ks"]) for r in records}
    records, _, _ = drv.execute_query(
        "MATCH ()-[r]->() UNWIND [k IN keys(r) WHERE NOT r[k] IN ['', []]] AS k "
        "RETURN type(r) AS t, collect(DISTINCT k) AS ks",
        database_=database, routing_=neo4j.RoutingControl.READ)
    rel_keys = {r["t"]: sorted(r["ks"]) for r in records}
    return {k: v for k, v in stats["nodes"].items() if v}, stats["relationships"], node_keys, rel_keys


@pytest.mark.neo4j
@pytest.mark.slow
def test_non_empty_database_needs_overwrite(tmp_path, store):
    export_directory(write_tiny_source(tmp_path / "src"), tmp_path / "bulk")
    import_bulk(store, tmp_path / "bulk")
    with pytest.raises(ServerError, match="--overwrite"):
        import_bulk(store, tmp_path / "bulk")
    again = import_bulk(store, tmp_path / "bulk", overwrite=True)
    assert again.nodes == read_manifest(tmp_path / "bulk")["node_count"]


def test_import_refuses_a_folder_without_an_export_and_a_remote_uri(tmp_path, store):
    with pytest.raises(InputError, match="chainkg export-bulk"):
        import_bulk(store, tmp_path)
    remote = load_settings({"NEO4J_URI": "neo4j://cluster.example:7687"})
    with pytest.raises(ConfigError, match="docs/scaling.md"):
        import_bulk(remote, tmp_path)


def test_cli_import_bulk_reports_a_missing_export_as_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINKG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINKG_NEO4J_PORT", str(_free_port()))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    from app import context

    context.settings.cache_clear()
    try:
        res = CliRunner().invoke(main, ["import-bulk", str(tmp_path)])
    finally:
        context.settings.cache_clear()
    assert res.exit_code == 2 and "error:" in res.output and "manifest.json not found" in res.output
