"""Every user-facing query path is read-only and bounded: writes refused, timeout and row cap enforced."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from graph.errors import QueryError
from queries.adhoc import run_readonly
from queries.registry import list_queries, run_read

ROOT = Path(__file__).resolve().parent.parent

# (statement, what it tries). Each must raise QueryError and leave the graph as it was.
WRITES = [
    ("CREATE (:Patent {pub_no: $k})", "CREATE"),
    ("create (:Patent {pub_no: $k})", "lower-case create"),
    ("/* hi */ CREATE (:Patent {pub_no: $k})", "CREATE behind a comment"),
    ("MERGE (:Patent {pub_no: $k})", "MERGE"),
    ("MATCH (n:Patent {pub_no: $victim}) DELETE n", "DELETE"),
    ("MATCH (n:Patent {pub_no: $victim}) DETACH DELETE n", "DETACH DELETE"),
    ("MATCH (n:Patent {pub_no: $victim}) SET n.title = 'owned'", "SET"),
    ("MATCH (n:Patent {pub_no: $victim}) SET n:Company", "SET label"),
    ("MATCH (n:Patent {pub_no: $victim}) REMOVE n.title", "REMOVE"),
    ("FOREACH (x IN [1] | CREATE (:Patent {pub_no: $k}))", "CREATE inside FOREACH"),
    ("CALL () { CREATE (:Patent {pub_no: $k}) } RETURN 1", "CREATE in a subquery"),
    ("MATCH (n:Patent {pub_no: $victim}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS RETURN 1", "IN TRANSACTIONS"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD CSV (file)"),
    ("load csv from 'https://example.com/x.csv' as row return row", "LOAD CSV (URL, lower-case)"),
    ("CALL dbms.security.createUser('evil', 'pw12345678', false)", "CALL dbms.* (create user)"),
    ("CALL dbms.components()", "CALL dbms.* (read-only admin procedure)"),
    ("CALL db.createLabel('Evil')", "write procedure db.createLabel"),
    ("CALL db.createProperty('evil')", "write procedure db.createProperty"),
    ("CALL db.createRelationshipType('EVIL')", "write procedure db.createRelationshipType"),
    ("CREATE INDEX evil IF NOT EXISTS FOR (n:Patent) ON (n.evil)", "schema command"),
    ("DROP CONSTRAINT patent_pub_no_unique", "drop constraint"),
    ("SHOW USER neo4j PRIVILEGES", "admin command"),
    ("RETURN 1; CREATE (:Patent {pub_no: $k})", "second statement"),
    ("USE system SHOW USERS", "USE another database"),
    ("MATCH (n) WITH n LIMIT 1 CALL db.clearQueryCaches() YIELD value RETURN value", "db.clear* procedure"),
    ("CALL apoc.create.node(['Patent'], {pub_no: $k})", "apoc write (plugin absent: refused anyway)"),
]


ADMIN_READS = ["SHOW USERS", "SHOW DATABASES", "SHOW TRANSACTIONS", "SHOW SETTINGS"]


@pytest.mark.neo4j
@pytest.mark.parametrize("cypher", ADMIN_READS)
def test_workbench_refuses_administration_reads(driver, settings, cypher):
    with pytest.raises(QueryError, match="refused"):
        run_readonly(driver, cypher, database=settings.database)


def _state(driver, database, ns):
    with driver.session(database=database) as s:
        rec = s.run("CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } "
                    "RETURN nodes, rels").single()
        victim = s.run("MATCH (n:Patent {pub_no: $v}) RETURN n.title AS t, labels(n) AS l", v=f"{ns}VICTIM").single()
        labels = {r["label"] for r in s.run("CALL db.labels() YIELD label RETURN label")}
        props = {r["propertyKey"] for r in s.run("CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey")}
    return rec["nodes"], rec["rels"], dict(victim), "Evil" in labels, "evil" in props


@pytest.mark.neo4j
@pytest.mark.parametrize(("cypher", "what"), WRITES, ids=[w for _, w in WRITES])
def test_workbench_refuses_writes(driver, settings, ns, cypher, what):
    from graph.writer import write_nodes

    write_nodes(driver, "Patent", [{"pub_no": f"{ns}VICTIM", "title": "intact"}], database=settings.database)
    before = _state(driver, settings.database, ns)
    with pytest.raises(QueryError, match="refused|not allowed|failed"):
        run_readonly(driver, cypher, {"k": f"{ns}NEW", "victim": f"{ns}VICTIM"}, database=settings.database)
    assert _state(driver, settings.database, ns) == before, what


@pytest.mark.neo4j
def test_saved_query_runner_is_read_only_too(driver, settings, ns):
    """The path every saved query takes (run_read, READ transaction) refuses a write the server sees."""
    with pytest.raises(QueryError, match="refused"):
        run_read(driver, "CREATE (:Patent {pub_no: $k})", {"k": f"{ns}X"}, database=settings.database,
                 timeout_s=5, what="test")
    with driver.session(database=settings.database) as s:
        assert s.run("MATCH (n:Patent {pub_no: $k}) RETURN count(n) AS c", k=f"{ns}X").single()["c"] == 0


def test_saved_queries_contain_no_write_clauses():
    writes = re.compile(r"\b(CREATE|MERGE|DELETE|SET|REMOVE|LOAD\s+CSV|FOREACH)\b|\bCALL\s+(dbms|db\.create|apoc)", re.I)
    queries = list_queries()
    assert len(queries) >= 8
    for q in queries:
        code = re.sub(r"//[^\n]*|'[^']*'|\"[^\"]*\"", "", q.text)
        assert not writes.search(code), f"{q.name} contains a write clause"
        # Bounded by LIMIT, or by SHORTEST k with a hop ceiling (at most k × hops rows).
        assert re.search(r"\bLIMIT\b|\bSHORTEST\s+\{\{", code, re.I), f"{q.name} has no LIMIT"
        assert q.timeout_s and q.timeout_s <= 60, f"{q.name} has no bounded timeout"


def test_the_app_reaches_the_graph_only_through_read_only_helpers():
    """app/ never opens sessions itself; the workbench uses queries.adhoc.run_readonly."""
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import neo4j|from neo4j)", text, re.M), path
        assert ".session(" not in text and "execute_write" not in text and "execute_query" not in text, path
    assert "run_readonly" in (ROOT / "app" / "views" / "workbench.py").read_text(encoding="utf-8")


@pytest.mark.neo4j
def test_ad_hoc_timeout_stops_a_slow_query(driver, settings):
    t0 = time.monotonic()
    with pytest.raises(QueryError, match="timeout"):
        run_readonly(driver, "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 123 RETURN count(x) AS c",
                     database=settings.database, timeout_s=1)
    assert time.monotonic() - t0 < 15


@pytest.mark.neo4j
def test_ad_hoc_row_cap_truncates_a_huge_result(driver, settings):
    t0 = time.monotonic()
    df = run_readonly(driver, "UNWIND range(1, 100000000) AS x RETURN x", database=settings.database,
                      timeout_s=10, row_cap=50)
    assert len(df) == 50 and df.attrs["truncated"] is True
    assert list(df["x"]) == list(range(1, 51))
    assert time.monotonic() - t0 < 15
    small = run_readonly(driver, "UNWIND range(1, 5) AS x RETURN x", database=settings.database, row_cap=50)
    assert len(small) == 5 and small.attrs["truncated"] is False
