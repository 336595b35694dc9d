"""Precomputed shortcuts (graph/precompute.py): stored values by hand, idempotence, and the saved
queries giving the same answers whether they read the stored counts, count live (never refreshed),
or meet stale counts (the graph changed after the refresh)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.precompute import refresh_chain_counts
from graph.writer import write_nodes, write_relationships
from queries.registry import run_query
from tests.sample_graph import write_sample_graph

pytestmark = pytest.mark.neo4j


def _answers(driver, settings, k) -> dict[str, list[dict]]:
    db = settings.database
    runs = {
        "map_region": ("chain_map", {"chain": k.ch, "region": "320000"}),
        "map_city": ("chain_map", {"chain": k.ch, "region": "320500"}),
        "map_national": ("chain_map", {"chain": k.ch}),
        "gaps": ("chain_gaps", {"chain": k.ch, "region": "320000", "max_local_smes": 5, "max_local_patents": 50}),
        "licensors_org": ("licensors_for", {"org": k.S2}),
        "licensors_node": ("licensors_for", {"node": k.B}),
        "licensors_region": ("licensors_for", {"node": k.B, "region": "320000"}),
    }
    return {key: run_query(driver, name, database=db, **params).to_dict("records") for key, (name, params) in runs.items()}


def _node(driver, settings, node_id) -> dict:
    recs, _, _ = driver.execute_query(
        "MATCH (n:ChainNode {node_id: $id}) RETURN n.pc_total AS total, n.pc_region_keys AS keys, n.pc_region_counts AS counts",
        id=node_id, database_=settings.database)
    return recs[0].data()


def test_stored_counts_by_hand_and_idempotent(driver, settings, ns):
    k = write_sample_graph(driver, ns, database=settings.database)
    b = _node(driver, settings, k.B)
    # node B: P1 P2 P11 (S1, 320505), P3 (S2, 320102), P5-P7 (L1, 310000), P9 (L2, 320500), P10 (U1 applicant, 320100)
    assert b["total"] == 9
    assert dict(zip(b["keys"], b["counts"], strict=True)) == {
        "31": 3, "3100": 3, "310000": 3, "32": 6, "3201": 2, "320102": 1, "320100": 1,
        "3205": 4, "320505": 3, "320500": 1}
    recs, _, _ = driver.execute_query(
        "MATCH (o:Organization)-[x:IN_NODE]->(n:ChainNode) WHERE o.org_id STARTS WITH $p "
        "RETURN o.org_id AS o, n.node_id AS n, x.pc_node_patents AS k ORDER BY o", p=ns, database_=settings.database)
    assert [(r["o"], r["n"], r["k"]) for r in recs] == [(k.S1, k.B, 3), (k.S2, k.B, 1), (k.S3, k.A, 1), (k.S4, k.C, 0)]
    recs, _, _ = driver.execute_query(
        "MATCH (p:Patent) WHERE p.pub_no STARTS WITH $p RETURN p.pub_no AS p, p.pc_licensors AS ids, p.pc_owner_degree AS d",
        p=ns, database_=settings.database)
    by = {r["p"]: (r["ids"], r["d"]) for r in recs}
    assert by[k.P5] == ([k.L1], 2) and by[k.P10] == ([k.U1], 1) and by[k.P1] == ([], 2)
    assert by[k.P11] == ([], 2)  # held by the SME S1: the applicant U1 no longer counts
    assert sum(refresh_chain_counts(driver, settings.database).values()) == 0  # nothing changed: nothing written


def test_queries_same_with_live_and_stored_counts(driver, settings, ns):
    k = write_sample_graph(driver, ns, database=settings.database, refresh=False)
    assert _node(driver, settings, k.B)["total"] is None
    live = _answers(driver, settings, k)
    refresh_chain_counts(driver, settings.database)
    assert _node(driver, settings, k.B)["total"] == 9
    stored = _answers(driver, settings, k)
    assert stored == live
    region = {r["node_id"]: r["patents_local"] for r in stored["map_region"]}
    assert region == {k.A: 0, k.B: 6, k.C: 0, k.D: 0}
    city = {r["node_id"]: r["patents_local"] for r in stored["map_city"]}
    assert city == {k.A: 0, k.B: 4, k.C: 0, k.D: 0}
    top_b = next(r for r in stored["map_region"] if r["node_id"] == k.B)["top_smes"]
    assert top_b == [f"{ns}苏州甲科技 (3)", f"{ns}南京乙材料 (1)"]


def test_stale_counts_fall_back_to_live(driver, settings, ns):
    db = settings.database
    k = write_sample_graph(driver, ns, database=db)
    # after the refresh: a new patent on B held by S1, and L2 becomes a holder of P1 too
    write_nodes(driver, "Patent", [{"pub_no": k.P12, "title": "t", "status": "granted", "filed": dt.date(2021, 1, 1)}], database=db)
    write_relationships(driver, "MAPS_TO", [{"start": k.P12, "end": k.B, "props": {"method": "manual", "confidence": 1.0}}],
                        start_label="Patent", end_label="ChainNode", database=db)
    write_relationships(driver, "HOLDS", [{"start": k.S1, "end": k.P12}, {"start": k.L2, "end": k.P1}],
                        start_label="Organization", end_label="Patent", database=db)
    stale = _answers(driver, settings, k)
    b = next(r for r in stale["map_region"] if r["node_id"] == k.B)
    assert b["patents_local"] == 7 and b["patents_national"] == 10
    assert b["top_smes"][0] == f"{ns}苏州甲科技 (4)"
    l2 = next(r for r in stale["licensors_node"] if r["licensor_id"] == k.L2)
    assert l2["relevant_patents"] == 2
    refresh_chain_counts(driver, db)
    assert _answers(driver, settings, k) == stale


def _random_graph(driver, db, ns, seed: int) -> tuple[str, list[str]]:
    """A chain of 4 nodes, 12 organisations in 3 provinces / 2 cities, 40 patents with random
    holders, applicants and placements (some on two nodes, some unheld): every owner rule case."""
    import random

    rnd = random.Random(seed)
    write_nodes(driver, "Chain", [{"chain_id": ns + "ch", "name": ns + "链"}], database=db)
    nodes = [ns + f"n{i}" for i in range(4)]
    write_nodes(driver, "ChainNode", [{"node_id": n, "chain_id": ns + "ch", "name": n, "segment": seg}
                                      for n, seg in zip(nodes, ["upstream", "midstream", "downstream", "downstream"], strict=True)],
                database=db)
    write_relationships(driver, "HAS_NODE", [{"start": ns + "ch", "end": n} for n in nodes],
                        start_label="Chain", end_label="ChainNode", database=db)
    regions = ["320505", "320102", "320500", "440300", "110000"]
    orgs = []
    for i in range(12):
        kind = rnd.choice(["company", "company", "company", "university", "government"])
        size = rnd.choice(["large", "small", "medium"]) if kind == "company" else None
        region = rnd.choice(regions)
        orgs.append({"org_id": ns + f"O{i}", "name": ns + f"机构{i}", "kind": kind, "size": size,
                     "is_sme": kind == "company" and size != "large", "tier": rnd.choice(["none", "专精特新", "小巨人"]),
                     "region_code": region, "province_code": region[:2] + "0000"})
    write_nodes(driver, "Organization", orgs, database=db)
    write_relationships(driver, "IN_NODE", [{"start": o["org_id"], "end": rnd.choice(nodes), "props": {"method": "declared"}}
                                            for o in orgs if rnd.random() < 0.7],
                        start_label="Organization", end_label="ChainNode", database=db)
    pats = [ns + f"P{i}" for i in range(40)]
    write_nodes(driver, "Patent", [{"pub_no": p, "title": "t", "status": rnd.choice(["granted", "pending", "expired"]),
                                    "filed": dt.date(2015 + rnd.randrange(8), 1, 1)} for p in pats], database=db)
    maps, holds, apps = [], [], []
    for p in pats:
        for n in rnd.sample(nodes, rnd.choice([1, 1, 2])):
            maps.append({"start": p, "end": n})
        a = rnd.sample(orgs, rnd.choice([1, 2]))
        apps += [{"start": o["org_id"], "end": p} for o in a]
        if rnd.random() < 0.7:
            holds += [{"start": o["org_id"], "end": p} for o in rnd.sample(orgs, rnd.choice([1, 1, 2]))]
    write_relationships(driver, "MAPS_TO", maps, start_label="Patent", end_label="ChainNode", database=db)
    write_relationships(driver, "APPLICANT_OF", apps, start_label="Organization", end_label="Patent", database=db)
    write_relationships(driver, "HOLDS", holds, start_label="Organization", end_label="Patent", database=db)
    return ns + "ch", nodes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_graphs_same_answers_stored_and_live(driver, settings, ns, seed):
    db = settings.database
    chain, nodes = _random_graph(driver, db, ns, seed)
    runs = [("chain_map", {"chain": chain, "region": r}) for r in ("320000", "320500", "320505", "440000")]
    runs += [("chain_map", {"chain": chain}), ("chain_map", {"chain": chain, "region": "320000", "tier": "小巨人"})]
    runs += [("chain_gaps", {"chain": chain, "region": r, "max_local_smes": 100, "max_local_patents": 1000})
             for r in ("320000", "3205", "110000")]
    runs += [("licensors_for", {"node": n}) for n in nodes] + [("licensors_for", {"node": nodes[1], "region": "320000"})]
    runs += [("licensors_for", {"org": ns + f"O{i}"}) for i in range(0, 12, 3)]
    runs += [("university_partners", {"org": ns + f"O{i}"}) for i in range(12)]
    runs += [("university_partners", {"org": ns + f"O{i}", "region": "320000"}) for i in range(0, 12, 4)]

    def answers():
        return [run_query(driver, name, database=db, **params).to_dict("records") for name, params in runs]

    live = answers()
    refresh_chain_counts(driver, db)
    assert answers() == live
    assert any(r for r in live)  # the graph gives non-empty answers to compare


def _groups(driver, db, node_id) -> dict[str, dict]:
    recs, _, _ = driver.execute_query(
        "MATCH (n:ChainNode {node_id: $id}) UNWIND range(0, size(n.pc_lic_ids) - 1) AS i "
        "RETURN n.pc_lic_ids[i] AS id, n.pc_lic_sigs[i] AS sig, n.pc_lic_patents[i] AS k, n.pc_lic_live[i] AS live, "
        "n.pc_lic_granted[i] AS granted, n.pc_lic_open[i] AS open, n.pc_lic_fn[i] AS fn", id=node_id, database_=db)
    return {r["id"]: r.data() for r in recs}


def test_licensor_groups_by_hand_and_read_by_licensors_for(driver, settings, ns):
    db = settings.database
    k = write_sample_graph(driver, ns, database=db)
    groups = _groups(driver, db, k.B)
    # on B: L1 owns P5-P7 (only on B; P6 has the open offer), L2 owns P9, U1 is the sole applicant of P10;
    # the SMEs' patents (P1-P3, P11) have no eligible owner
    assert set(groups) == {k.L1, k.L2, k.U1}
    assert groups[k.L1] == {"id": k.L1, "sig": "|" + k.B, "k": 3, "live": 3, "granted": 3, "open": 1, "fn": 3}
    live = run_query(driver, "licensors_for", database=db, node=k.B, as_of=dt.date(2100, 1, 1)).to_dict("records")
    # the stored path is the one taken without as_of: a doctored stored count shows through, as_of does not
    driver.execute_query(
        "MATCH (n:ChainNode {node_id: $id}) SET n.pc_lic_patents = [i IN range(0, size(n.pc_lic_ids) - 1) | "
        "CASE WHEN n.pc_lic_ids[i] = $l1 THEN 99 ELSE n.pc_lic_patents[i] END]", id=k.B, l1=k.L1, database_=db)
    doctored = run_query(driver, "licensors_for", database=db, node=k.B)
    assert doctored.set_index("licensor_id").loc[k.L1, "relevant_patents"] == 99
    assert run_query(driver, "licensors_for", database=db, node=k.B, as_of=dt.date(2100, 1, 1)).to_dict("records") == live
    refresh_chain_counts(driver, db)
    assert run_query(driver, "licensors_for", database=db, node=k.B).set_index("licensor_id").loc[k.L1, "relevant_patents"] == 3


def test_patent_on_two_of_an_smes_nodes_counts_once(driver, settings, ns):
    db = settings.database
    k = write_sample_graph(driver, ns, database=db)
    # P5 (held by L1) placed on C as well, and S1 (on B) declared on C too: P5 is on two of S1's nodes
    write_relationships(driver, "MAPS_TO", [{"start": k.P5, "end": k.C, "props": {"method": "manual", "confidence": 1.0}}],
                        start_label="Patent", end_label="ChainNode", database=db)
    write_relationships(driver, "IN_NODE", [{"start": k.S1, "end": k.C, "props": {"method": "declared"}}],
                        start_label="Organization", end_label="ChainNode", database=db)
    live = run_query(driver, "licensors_for", database=db, org=k.S1).to_dict("records")
    refresh_chain_counts(driver, db)
    recs, _, _ = driver.execute_query(
        "MATCH (n:ChainNode) WHERE n.node_id IN [$b, $c] UNWIND range(0, size(n.pc_lic_ids) - 1) AS i "
        "WITH n, i WHERE n.pc_lic_ids[i] = $l1 RETURN n.node_id AS n, n.pc_lic_sigs[i] AS sig, n.pc_lic_patents[i] AS k",
        b=k.B, c=k.C, l1=k.L1, database_=db)
    both = "|" + k.B + "|" + k.C
    assert sorted((r["n"], r["sig"], r["k"]) for r in recs) == sorted(
        [(k.B, "|" + k.B, 2), (k.B, both, 1), (k.C, both, 1), (k.C, "|" + k.C, 1)])  # P6 P7 | P5 | P5 | P8
    stored = run_query(driver, "licensors_for", database=db, org=k.S1).to_dict("records")
    assert stored == live
    l1 = next(r for r in stored if r["licensor_id"] == k.L1)
    assert l1["relevant_patents"] == 4  # P5, P6, P7, P8: P5 once although it is on both nodes
