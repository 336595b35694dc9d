import pytest

from graph.errors import SchemaError, WriteError
from graph.writer import chunked, node_merge_query, rel_merge_query, write_nodes, write_relationships

pytestmark = []


def test_chunked_streams_fixed_sizes():
    assert [len(c) for c in chunked(range(10), 4)] == [4, 4, 2]
    assert list(chunked([], 3)) == []
    with pytest.raises(ValueError):
        list(chunked([1], 0))


def test_queries_carry_no_values_and_check_names():
    q = node_merge_query("Organization", ["Company"])
    assert "$rows" in q and ":Company" in q and "MERGE (n:Organization {org_id: row.key})" in q
    with pytest.raises(SchemaError):
        node_merge_query("Organization", ["Evil`"])
    with pytest.raises(SchemaError):
        rel_merge_query("DROP", "Organization", "Patent")


@pytest.mark.neo4j
def test_chunk_size_is_honoured_and_failing_chunk_leaves_nothing(driver, settings, ns):
    rows = [{"org_id": f"{ns}{i}", "name": f"机构{i}"} for i in range(10)]
    rows[7]["bad"] = {"nested": "maps are not storable"}  # Neo4j rejects map properties -> chunk 3 fails
    seen = []
    with pytest.raises(WriteError, match="chunk 3"):
        write_nodes(driver, "Organization", rows, batch_size=3, database=settings.database,
                    on_chunk=lambda i, n: seen.append(n))
    assert seen == [3, 3]
    recs, _, _ = driver.execute_query(
        "MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k ORDER BY k", p=ns,
        database_=settings.database)
    assert [r["k"] for r in recs] == [f"{ns}{i}" for i in range(6)]


@pytest.mark.neo4j
def test_writes_are_idempotent_and_update(driver, settings, ns):
    orgs = [{"org_id": f"{ns}a", "name": "甲公司", "tier": None}, {"org_id": f"{ns}b", "name": "乙公司"}]
    pats = [{"pub_no": f"{ns}CN1A", "title": "电池"}]
    for _ in range(2):
        write_nodes(driver, "Organization", orgs, extra_labels=["Company"], database=settings.database)
        write_nodes(driver, "Patent", pats, database=settings.database)
        res = write_relationships(
            driver, "APPLICANT_OF", [{"start": f"{ns}a", "end": f"{ns}CN1A", "props": {"order": 1}},
                                     {"start": f"{ns}missing", "end": f"{ns}CN1A"}],
            start_label="Organization", end_label="Patent", database=settings.database)
        assert res.rows == 2 and res.written == 1
    write_nodes(driver, "Organization", [{"org_id": f"{ns}a", "tier": "小巨人"}], database=settings.database)
    recs, _, _ = driver.execute_query(
        "MATCH (o:Organization:Company) WHERE o.org_id STARTS WITH $p "
        "OPTIONAL MATCH (o)-[r:APPLICANT_OF]->() RETURN o.org_id AS k, o.name AS n, o.tier AS t, count(r) AS r "
        "ORDER BY k", p=ns, database_=settings.database)
    assert [(r["k"][len(ns):], r["n"], r["t"], r["r"]) for r in recs] == [("a", "甲公司", "小巨人", 1), ("b", "乙公司", None, 0)]


@pytest.mark.neo4j
def test_parallel_relationships_by_merge_key(driver, settings, ns):
    write_nodes(driver, "Organization", [{"org_id": f"{ns}x"}, {"org_id": f"{ns}y"}], database=settings.database)
    rows = [{"start": f"{ns}x", "end": f"{ns}y", "props": {"license_id": f"{ns}L{i}", "date": "2024-01-0" + str(i + 1)}}
            for i in range(3)]
    for _ in range(2):
        write_relationships(driver, "LICENSED_TO", rows, start_label="Organization", end_label="Organization",
                            merge_key="license_id", database=settings.database)
    recs, _, _ = driver.execute_query(
        "MATCH (:Organization {org_id: $a})-[r:LICENSED_TO]->(:Organization {org_id: $b}) RETURN count(r) AS c",
        a=f"{ns}x", b=f"{ns}y", database_=settings.database)
    assert recs[0]["c"] == 3


@pytest.mark.neo4j
def test_values_are_stored_verbatim_never_interpreted(driver, settings, ns):
    evil = "x'}) DETACH DELETE n // `$rows` {braces} \\ \"q\""
    write_nodes(driver, "Organization", [{"org_id": f"{ns}e", "name": evil}], database=settings.database)
    recs, _, _ = driver.execute_query("MATCH (o:Organization {org_id: $k}) RETURN o.name AS n", k=f"{ns}e",
                                      database_=settings.database)
    assert recs[0]["n"] == evil
