"""`chainkg extract` over the graph streams: pages of source nodes by key, each page written before the
next is read. A run in pages of one node writes exactly what a run in one page writes (real Neo4j)."""

from __future__ import annotations

import pytest

from extraction.graph_extract import extract_graph
from graph.dump import canonical_json, encode_props
from graph.extract_store import read_text_pages
from graph.writer import write_nodes, write_relationships


def _build(driver, db: str, ns: str) -> None:
    write_nodes(driver, "ChainNode", [{"node_id": f"{ns}bat.cathode", "name": "正极材料", "chain_id": f"{ns}bat",
                                       "keywords": ["磷酸铁锂", "三元材料"], "ipc_prefixes": ["H01M4"]}], database=db)
    write_nodes(driver, "Organization", [
        {"org_id": f"{ns}O1", "name": f"{ns}星衡新能源科技有限公司", "aliases": [], "profile": "主要从事磷酸铁锂正极材料的研发。"},
        {"org_id": f"{ns}O2", "name": f"{ns}比亚迪股份有限公司", "aliases": []},
        {"org_id": f"{ns}O3", "name": f"{ns}恒远精密机械有限公司", "aliases": [],
         "profile": f"公司是{ns}比亚迪股份有限公司的控股子公司。公司为{ns}星衡新能源科技有限公司提供结构件等关键配套。"},
    ], database=db)
    patents = [{"pub_no": f"{ns}CN{i}", "title": f"一种磷酸铁锂正极材料的制备方法{i}",
                "abstract": f"{ns}星衡新能源科技有限公司向{ns}比亚迪股份有限公司供应三元材料。", "ipc": ["H01M4/525"]}
               for i in range(5)]
    write_nodes(driver, "Patent", patents, database=db)
    write_relationships(driver, "APPLICANT_OF", [{"start": f"{ns}O1", "end": p["pub_no"], "props": {}} for p in patents],
                        start_label="Organization", end_label="Patent", database=db)
    write_nodes(driver, "Achievement", [{"ach_id": f"{ns}A{i}", "title": "高镍三元材料", "description": "已完成中试，具备量产条件。"}
                                        for i in range(3)], database=db)


def _snapshot(driver, db: str, ns: str) -> list[str]:
    """Every property of the ns sources, their outgoing relationships and their mentions (with the
    mentions' own relationships), as sorted canonical strings keyed by business keys."""
    query = (
        "MATCH (s) WHERE any(k IN ['org_id', 'pub_no', 'ach_id'] WHERE s[k] STARTS WITH $p) "
        "OPTIONAL MATCH (s)-[r]->(b) "
        "OPTIONAL MATCH (b:Mention)-[r2]->(c) "
        "RETURN properties(s) AS s, type(r) AS t, properties(r) AS rp, properties(b) AS b, "
        "type(r2) AS t2, properties(r2) AS r2p, coalesce(c.org_id, c.node_id, c.term, c.pub_no, c.code) AS c"
    )
    with driver.session(database=db) as s:
        rows = [dict(r) for r in s.run(query, p=ns)]
    out = []
    for r in rows:
        enc = {k: encode_props(v) if isinstance(v, dict) else v for k, v in r.items()}
        out.append(canonical_json(enc))
    return sorted(out)


@pytest.mark.neo4j
def test_text_pages_are_bounded_ordered_and_complete(driver, settings, ns):
    db = settings.database
    _build(driver, db, ns)
    pages = list(read_text_pages(driver, "Patent", db, page_size=2, key_prefix=ns))
    assert [len(p) for p in pages] == [2, 2, 1]
    keys = [r["key"] for p in pages for r in p]
    assert keys == sorted(keys) == [f"{ns}CN{i}" for i in range(5)]
    assert pages[0][0]["title"].startswith("一种磷酸铁锂") and pages[0][0]["ipc"] == ["H01M4/525"]
    # a page size that divides the count exactly still ends (the last page comes back empty)
    assert sum(len(p) for p in read_text_pages(driver, "Organization", db, page_size=3, key_prefix=ns)) == 3


@pytest.mark.neo4j
def test_one_node_pages_write_what_one_page_writes(driver, settings, ns):
    db = settings.database
    _build(driver, db, ns)
    try:
        small = extract_graph(driver, db, page_size=1, key_prefix=ns)
        after_small = _snapshot(driver, db, ns)
        big = extract_graph(driver, db, page_size=1000, key_prefix=ns)
        after_big = _snapshot(driver, db, ns)
        assert after_small == after_big
        # the same texts and results counted either way; a re-run prunes nothing (idempotent)
        for k in ("texts", "mentions", "refers_to", "rel_SUPPLIES", "placed_MAPS_TO_Patent_evidence",
                  "placed_IN_NODE_Organization_evidence", "trl"):
            assert small[k] == big[k] and small[k] > 0, k
        assert small["texts"] == 5 * 2 + 2 + 3 * 2  # patents: title+abstract; orgs: profiles; achievements
        assert big["mentions_pruned"] == 0
        with driver.session(database=db) as s:
            ach_trl = s.run("MATCH (a:Achievement) WHERE a.ach_id STARTS WITH $p RETURN collect(a.trl_inferred) AS t",
                            p=ns).single()["t"]
            in_node = s.run("MATCH (:Organization {org_id: $o})-[r:IN_NODE]->(:ChainNode {node_id: $n}) "
                            "RETURN r.methods AS m", o=f"{ns}O1", n=f"{ns}bat.cathode").single()
        assert ach_trl == [8, 8, 8]
        # the organisation page read its patents' placements written by the earlier patent pages
        assert in_node is not None and set(in_node["m"]) == {"profile", "patents"}
    finally:
        with driver.session(database=db) as s:
            s.run("MATCH (m:Mention) WHERE m.source STARTS WITH $p DETACH DELETE m", p=ns).consume()
