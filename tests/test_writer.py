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


@pytest.mark.neo4j
def test_dates_go_over_the_wire_and_come_back_as_dates(driver, settings, ns):
    import datetime as dt

    days = [dt.date(2019, 1, 2), dt.date(1969, 12, 31), dt.date(2024, 2, 29)]
    write_nodes(driver, "Patent", [{"pub_no": f"{ns}CN1A", "filed": days[0], "x_dates": days, "x_when": dt.datetime(2020, 5, 6, 7, 8)}],
                database=settings.database)
    recs, _, _ = driver.execute_query(
        "MATCH (p:Patent {pub_no: $p}) RETURN p.filed AS f, p.x_dates AS d, p.x_when AS w, "
        "p.filed = date('2019-01-02') AS same, valueType(p.x_dates) AS t", p=f"{ns}CN1A", database_=settings.database)
    r = recs[0]
    assert r["f"].to_native() == days[0] and [d.to_native() for d in r["d"]] == days
    assert r["same"] is True and r["t"].startswith("LIST<DATE")
    assert r["w"].to_native() == dt.datetime(2020, 5, 6, 7, 8)  # datetimes keep the driver's own path


@pytest.mark.neo4j
def test_parallel_node_writes_write_every_chunk_and_roll_back_a_failing_one(driver, settings, ns):
    rows = [{"org_id": f"{ns}{i:02d}", "name": f"机构{i}"} for i in range(25)]
    seen = []
    res = write_nodes(driver, "Organization", rows, batch_size=4, parallel=3, database=settings.database,
                      on_chunk=lambda i, n: seen.append((i, n)))
    assert (res.rows, res.chunks) == (25, 7) and sorted(seen) == [(i, 4) for i in range(6)] + [(6, 1)]
    recs, _, _ = driver.execute_query("MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN count(o) AS c",
                                      p=ns, database_=settings.database)
    assert recs[0]["c"] == 25
    bad = [{"org_id": f"{ns}x{i:02d}", "name": "x"} for i in range(12)]
    bad[5]["bad"] = {"nested": "maps are not storable"}  # chunk 2 (rows 4-7) fails
    with pytest.raises(WriteError, match="chunk 2"):
        write_nodes(driver, "Organization", bad, batch_size=4, parallel=2, database=settings.database)
    recs, _, _ = driver.execute_query("MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k",
                                      p=f"{ns}x", database_=settings.database)
    written = {r["k"] for r in recs}
    assert not written & {f"{ns}x{i:02d}" for i in range(4, 8)}  # the failing chunk left nothing
    assert {f"{ns}x{i:02d}" for i in range(4)} <= written  # the first chunk, sent with it, committed


@pytest.mark.neo4j
def test_parallel_writes_submit_nothing_after_a_failure(driver, settings, ns):
    rows = [{"org_id": f"{ns}y{i:02d}", "name": "y"} for i in range(20)]
    rows[0]["bad"] = {"nested": "maps are not storable"}  # chunk 1 fails at once
    with pytest.raises(WriteError, match="chunk 1"):
        write_nodes(driver, "Organization", rows, batch_size=1, parallel=2, database=settings.database)
    recs, _, _ = driver.execute_query("MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k",
                                      p=f"{ns}y", database_=settings.database)
    # only chunks already handed to the pool (2 × parallel) can have committed; nothing after them
    assert {r["k"] for r in recs} <= {f"{ns}y{i:02d}" for i in range(1, 4)}


def test_create_queries_check_names_and_carry_no_values():
    from graph.writer import node_create_query, rel_create_query

    assert node_create_query("Organization", ["Company"]).startswith("UNWIND $rows AS row CREATE (n:Organization:Company)")
    assert "CREATE (a)-[r:APPLICANT_OF]->(b) SET r = row.props" in rel_create_query("APPLICANT_OF", "Organization", "Patent")
    with pytest.raises(SchemaError):
        node_create_query("Evil`")
    with pytest.raises(SchemaError):
        rel_create_query("DROP", "Organization", "Patent")


@pytest.mark.neo4j
def test_create_path_falls_back_to_merge_when_a_key_exists(driver, settings, ns):
    db = settings.database
    write_nodes(driver, "Organization", [{"org_id": f"{ns}03", "name": "旧名", "tier": "小巨人"}], database=db)
    rows = [{"org_id": f"{ns}{i:02d}", "name": f"机构{i}"} for i in range(8)]
    rows.append({"org_id": f"{ns}05", "size": "small"})  # a key repeated within the write
    for _ in range(2):  # the second write finds every key: each chunk falls back to MERGE
        res = write_nodes(driver, "Organization", rows, batch_size=3, parallel=2, create=True, database=db)
        assert res.rows == 9
    recs, _, _ = driver.execute_query(
        "MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k, o.name AS n, o.tier AS t, "
        "o.size AS s ORDER BY k", p=ns, database_=db)
    got = [(r["k"][len(ns):], r["n"], r["t"], r["s"]) for r in recs]
    assert len(got) == 8  # no duplicate node, the existing one updated as MERGE would
    assert got[3] == ("03", "机构3", "小巨人", None) and got[5] == ("05", "机构5", None, "small")


def _edges(driver, db, ns):
    recs, _, _ = driver.execute_query(
        "MATCH (a:Organization)-[r]->(b:Patent) WHERE a.org_id STARTS WITH $p "
        "RETURN a.org_id AS a, type(r) AS t, b.pub_no AS b, properties(r) AS props ORDER BY a, t, b", p=ns, database_=db)
    return [(r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in recs]


@pytest.mark.neo4j
def test_relationship_lanes_write_the_graph_one_writer_writes(driver, settings, ns):
    db = settings.database
    orgs = [{"org_id": f"{ns}o{i}"} for i in range(5)]  # hubs: every org applies for many patents
    pats = [{"pub_no": f"{ns}P{i:03d}"} for i in range(120)]
    write_nodes(driver, "Organization", orgs, database=db)
    write_nodes(driver, "Patent", pats, database=db)
    rows = [{"start": f"{ns}o{(i * 7 + j) % 5}", "end": f"{ns}P{i:03d}", "props": {"order": j + 1}}
            for i in range(120) for j in range(2)]
    single = write_relationships(driver, "APPLICANT_OF", rows, start_label="Organization", end_label="Patent",
                                 batch_size=7, database=db)
    one = _edges(driver, db, ns)
    assert single.written == 240 and len(one) == 240
    driver.execute_query("MATCH (a:Organization)-[r:APPLICANT_OF]->() WHERE a.org_id STARTS WITH $p DELETE r", p=ns,
                         database_=db)
    for create in (True, False):  # a first write (CREATE), then a re-run (MERGE) that must add nothing
        res = write_relationships(driver, "APPLICANT_OF", rows, start_label="Organization", end_label="Patent",
                                  batch_size=7, parallel=3, create=create, database=db)
        assert (res.rows, res.written) == (240, 240)
        assert _edges(driver, db, ns) == one


@pytest.mark.neo4j
def test_a_failing_relationship_chunk_in_lanes_is_rolled_back_whole(driver, settings, ns):
    db = settings.database
    write_nodes(driver, "Organization", [{"org_id": f"{ns}h"}], database=db)
    write_nodes(driver, "Patent", [{"pub_no": f"{ns}Q{i}"} for i in range(6)], database=db)
    rows = [{"start": f"{ns}h", "end": f"{ns}Q{i}", "props": {"order": i}} for i in range(6)]
    rows[4]["props"]["bad"] = {"nested": "maps are not storable"}  # the one lane's chunk 3 (rows 4-5) fails
    with pytest.raises(WriteError, match="chunk 3"):
        write_relationships(driver, "APPLICANT_OF", rows, start_label="Organization", end_label="Patent",
                            batch_size=2, parallel=2, create=True, database=db)
    ends = {e[2] for e in _edges(driver, db, ns)}
    assert ends == {f"{ns}Q{i}" for i in range(4)}  # chunks 1-2 committed, nothing of chunk 3
