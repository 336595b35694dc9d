"""programme_measures' stored yearly totals (graph/precompute.py ``refresh_programme_totals``).

The same rows whether the query reads the stored totals or the records live (on the hand-built
programme graph and on random graphs of records in random regions, years and chains), the stored
path really taken (a doctored stored value shows in the answer), and stale totals (a record added
after the refresh) falling back to the live records.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from graph.precompute import refresh_chain_counts, refresh_programme_totals
from graph.writer import write_nodes, write_relationships
from queries.registry import run_query
from tests.programme_graph import write_programme_graph

pytestmark = pytest.mark.neo4j

REGIONS = ["320505", "320102", "320500", "310000", "440300", "440305", "510100", "500000", "110101", "120000", None]


def _answer(driver, settings, **params) -> list[dict]:
    df = run_query(driver, "programme_measures", database=settings.database, **params)
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in df.to_dict("records")]


def _param_sets(chain: str) -> list[dict]:
    return [
        {}, {"by": "chain"}, {"chain": chain}, {"by": "chain", "chain": chain},
        {"region": "江苏"}, {"region": "320500"}, {"region": "320505"}, {"region": "440000", "by": "chain"},
        {"region": "长三角"}, {"region": "成渝", "by": "chain"}, {"region": "京津冀", "chain": chain},
        {"region": "江苏", "chain": chain, "by": "chain"},
    ]


def _stamp(driver, settings, value) -> None:
    driver.execute_query("MATCH (s:ProgrammeTotals {key: 'stamp'}) SET s.stamp = $v", v=value, database_=settings.database)


def _all_answers(driver, settings, chain) -> list[list[dict]]:
    return [_answer(driver, settings, **params) for params in _param_sets(chain)]


def _assert_stored_equals_live(driver, settings, chain) -> None:
    refresh_programme_totals(driver, settings.database)
    stored = _all_answers(driver, settings, chain)
    _stamp(driver, settings, [-1])  # a stamp no graph has: every answer below is read live
    live = _all_answers(driver, settings, chain)
    refresh_programme_totals(driver, settings.database)
    for params, s, v in zip(_param_sets(chain), stored, live, strict=True):
        assert s == v, params
    assert any(stored), "the graph's records must give rows"


def test_stored_totals_by_hand(driver, settings, ns):
    k = write_programme_graph(driver, ns, database=settings.database)  # refreshes, as a load does
    recs, _, _ = driver.execute_query(
        "MATCH (t:ProgrammeTotals {key: 'L4:32'}) "
        "UNWIND range(0, size(t.keys) - 1) AS i WITH t, i WHERE t.chains[i] = $ch "
        "RETURN t.measures[i] AS m, t.years[i] AS y, t.keys[i] AS k, t.values[i] AS v", ch=k.ch,
        database_=settings.database)
    mine = {(r["m"], r["y"], r["k"]): r["v"] for r in recs}
    # 江苏's cities, this graph's chain: EV1 苏州 2024, EV2 南京 2024; DL1 → S1 (苏州), DL2 → S4 (苏州)
    assert mine[("events", 2024, "3205")] == 1.0 and mine[("events", 2024, "3201")] == 1.0
    assert mine[("deals", 2024, "3205")] == 2.0 and mine[("deal_value", 2024, "3205")] == 80.0
    assert mine[("pledge_amount", 2024, "3201")] == 120.5
    assert refresh_programme_totals(driver, settings.database) == 0  # nothing changed: nothing written


def test_stored_and_live_identical_on_the_programme_graph(driver, settings, ns):
    k = write_programme_graph(driver, ns, database=settings.database)
    _assert_stored_equals_live(driver, settings, k.ch)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_and_live_identical_on_random_graphs(driver, settings, ns, seed):
    k = write_programme_graph(driver, ns, database=settings.database)
    _write_random_records(driver, settings.database, ns, random.Random(seed))
    _assert_stored_equals_live(driver, settings, k.ch)


def test_doctored_stored_value_shows_through(driver, settings, ns):
    k = write_programme_graph(driver, ns, database=settings.database)
    before = _answer(driver, settings, chain=k.ch, by="chain")
    events = next(r for r in before if r["measure"] == "events" and r["year"] == 2024)
    # add 1000 to this chain's 2024 events on the national node: the answer must show it
    driver.execute_query(
        "MATCH (t:ProgrammeTotals {key: 'L2:'}) "
        "WITH t, [i IN range(0, size(t.keys) - 1) WHERE t.chains[i] = $ch AND t.measures[i] = 'events' "
        "          AND t.years[i] = 2024][0] AS j "
        "SET t.values = [i IN range(0, size(t.values) - 1) | CASE WHEN i = j THEN t.values[i] + 1000.0 ELSE t.values[i] END]",
        ch=k.ch, database_=settings.database)
    doctored = _answer(driver, settings, chain=k.ch, by="chain")
    got = next(r for r in doctored if r["measure"] == "events" and r["year"] == 2024)
    assert got["value"] == events["value"] + 1000
    assert refresh_programme_totals(driver, settings.database) > 0  # the refresh repairs it
    assert _answer(driver, settings, chain=k.ch, by="chain") == before


def test_stale_totals_fall_back_to_live(driver, settings, ns):
    db = settings.database
    k = write_programme_graph(driver, ns, database=db)
    before = _answer(driver, settings, chain=k.ch, by="chain")
    # doctor the stored totals, then add an event without refreshing: the stamp no longer matches
    driver.execute_query("MATCH (t:ProgrammeTotals {key: 'L2:'}) SET t.values = [v IN t.values | v + 1000.0]", database_=db)
    write_nodes(driver, "Event", [{"event_id": ns + "EV9", "name": ns + "新活动", "kind": "deep_dive",
                                   "date": dt.date(2024, 9, 1), "region_code": "320500"}], database=db)
    write_relationships(driver, "ON_CHAIN", [{"start": ns + "EV9", "end": k.ch, "props": {}}],
                        start_label="Event", end_label="Chain", database=db)
    after = {(r["year"], r["measure"]): r["value"] for r in _answer(driver, settings, chain=k.ch, by="chain")}
    was = {(r["year"], r["measure"]): r["value"] for r in before}
    assert after[(2024, "events")] == was[(2024, "events")] + 1  # live: the new event, no doctored 1000
    assert after[(2024, "deep_dives")] == was[(2024, "deep_dives")] + 1
    assert after[(2023, "events")] == was[(2023, "events")]
    refresh_chain_counts(driver, db)  # after the refresh the stored path gives the same
    assert {(r["year"], r["measure"]): r["value"] for r in _answer(driver, settings, chain=k.ch, by="chain")} == after


def test_refresh_always_leaves_one_stamp(driver, settings, ns):
    """The stamp node exists after any refresh (a graph with no programme records is fresh and empty)."""
    refresh_programme_totals(driver, settings.database)
    recs, _, _ = driver.execute_query("MATCH (s:ProgrammeTotals {key: 'stamp'}) RETURN s.stamp AS s", database_=settings.database)
    assert len(recs) == 1 and len(recs[0]["s"]) > 20


def _write_random_records(driver, db: str, p: str, rnd: random.Random) -> None:
    """Random organisations, events, deals, licences, transfers, awards, achievements, demands and
    pledges in random regions (some none), years (some undated) and chains (two chains, some none)."""
    kw = dict(database=db)
    write_nodes(driver, "Chain", [{"chain_id": p + "ch2", "name": p + "第二链"}], **kw)
    write_nodes(driver, "ChainNode", [{"node_id": p + "X", "name": p + "节点X", "chain_id": p + "ch2", "segment": "upstream"}], **kw)
    write_relationships(driver, "HAS_NODE", [{"start": p + "ch2", "end": p + "X", "props": {}}],
                        start_label="Chain", end_label="ChainNode", **kw)
    nodes = [p + n for n in ("A", "B", "C", "D", "X")]
    chains = [p + "ch", p + "ch2"]

    def day():
        return None if rnd.random() < 0.15 else dt.date(rnd.randint(2019, 2026), rnd.randint(1, 12), rnd.randint(1, 28))

    orgs = []
    for i in range(12):
        region = rnd.choice(REGIONS)
        orgs.append({k: v for k, v in {"org_id": f"{p}R{i}", "name": f"{p}随机{i}", "kind": "company",
                                        "is_sme": rnd.random() < 0.7, "region_code": region}.items() if v is not None})
    write_nodes(driver, "Organization", orgs, **kw)
    ids = [o["org_id"] for o in orgs]
    pats = [{"pub_no": f"{p}RP{i}"} for i in range(10)]
    write_nodes(driver, "Patent", pats, **kw)
    rels: dict[tuple, list] = {}

    def rel(t, a, b, sl, el, props=None):
        rels.setdefault((t, sl, el), []).append({"start": a, "end": b, "props": props or {}})

    for pt in pats:
        for n in rnd.sample(nodes, rnd.randint(0, 2)):
            rel("MAPS_TO", pt["pub_no"], n, "Patent", "ChainNode")
        rel("HOLDS", rnd.choice(ids), pt["pub_no"], "Organization", "Patent")
    for o in ids:
        for n in rnd.sample(nodes, rnd.randint(0, 2)):
            rel("IN_NODE", o, n, "Organization", "ChainNode")
    events = [{k: v for k, v in {"event_id": f"{p}RE{i}", "name": f"{p}活动{i}", "kind": rnd.choice(["deep_dive", "matchmaking"]),
                                  "date": day(), "region_code": rnd.choice(REGIONS)}.items() if v is not None} for i in range(15)]
    write_nodes(driver, "Event", events, **kw)
    for e in events:
        if rnd.random() < 0.8:
            rel("ON_CHAIN", e["event_id"], rnd.choice(chains), "Event", "Chain")
    deals = [{k: v for k, v in {"deal_id": f"{p}RD{i}", "kind": "license", "value": rnd.randint(0, 400) / 4, "date": day(),
                                 "status": rnd.choice(["signed", "completed", "terminated"])}.items() if v is not None}
             for i in range(12)]
    write_nodes(driver, "Deal", deals, **kw)
    for d in deals:
        a, b = rnd.sample(ids, 2)
        rel("PARTY_TO", a, d["deal_id"], "Organization", "Deal", {"role": "provider"})
        rel("PARTY_TO", b, d["deal_id"], "Organization", "Deal", {"role": "recipient"})
        if rnd.random() < 0.5:
            rel("FROM_EVENT", d["deal_id"], rnd.choice(events)["event_id"], "Deal", "Event")
        if rnd.random() < 0.5:
            rel("COVERS", d["deal_id"], rnd.choice(pats)["pub_no"], "Deal", "Patent")
    lics = [{k: v for k, v in {"license_id": f"{p}RL{i}", "date": day()}.items() if v is not None} for i in range(10)]
    write_nodes(driver, "License", lics, **kw)
    for x in lics:
        rel("LICENSEE", x["license_id"], rnd.choice(ids), "License", "Organization")
        rel("OF", x["license_id"], rnd.choice(pats)["pub_no"], "License", "Patent")
    trs = [{k: v for k, v in {"transfer_id": f"{p}RT{i}", "date": day()}.items() if v is not None} for i in range(8)]
    write_nodes(driver, "Transfer", trs, **kw)
    for x in trs:
        rel("ASSIGNEE", x["transfer_id"], rnd.choice(ids), "Transfer", "Organization")
        rel("OF", x["transfer_id"], rnd.choice(pats)["pub_no"], "Transfer", "Patent")
    awards = [{"award_id": f"{p}RA{i}", "org_id": o, "tier": rnd.choice(["专精特新", "小巨人", "单项冠军"]),
               "year": rnd.randint(2019, 2025)} for i, o in enumerate(rnd.choices(ids, k=14))]
    write_nodes(driver, "TierAward", awards, **kw)
    for a in awards:
        rel("AWARDED", a["org_id"], a["award_id"], "Organization", "TierAward")
    achs = [{k: v for k, v in {"ach_id": f"{p}RC{i}", "year": rnd.choice([None, 2021, 2022, 2023, 2024])}.items() if v is not None}
            for i in range(10)]
    write_nodes(driver, "Achievement", achs, **kw)
    for a in achs:
        rel("OWNS", rnd.choice(ids), a["ach_id"], "Organization", "Achievement")
        for n in rnd.sample(nodes, rnd.randint(0, 2)):
            rel("ABOUT", a["ach_id"], n, "Achievement", "ChainNode")
    dems = [{k: v for k, v in {"demand_id": f"{p}RM{i}", "title": f"{p}需求{i}", "deadline": day()}.items() if v is not None}
            for i in range(8)]
    write_nodes(driver, "Demand", dems, **kw)
    for d in dems:
        rel("POSTED", rnd.choice(ids), d["demand_id"], "Organization", "Demand")
        if rnd.random() < 0.7:
            rel("ABOUT", d["demand_id"], rnd.choice(nodes), "Demand", "ChainNode")
    pls = [{k: v for k, v in {"pledge_id": f"{p}RG{i}", "amount": rnd.randint(1, 800) / 4, "registered": day()}.items()
            if v is not None} for i in range(8)]
    write_nodes(driver, "Pledge", pls, **kw)
    for g in pls:
        rel("PLEDGOR", rnd.choice(ids), g["pledge_id"], "Organization", "Pledge")
        rel("OF", g["pledge_id"], rnd.choice(pats)["pub_no"], "Pledge", "Patent")
    for (t, sl, el), recs in rels.items():
        write_relationships(driver, t, recs, start_label=sl, end_label=el, **kw)


# ------------------------------------------------------------------ chain_gaps: stored owner lists


def _gaps(driver, settings, chain: str) -> list[list[dict]]:
    runs = [{"region": r, **t} for r in ("320000", "320500", "长三角", "440000")
            for t in ({}, {"tier": "小巨人"}, {"tier": "none", "top_n": 10}, {"top_n": 1})]
    return [run_query(driver, "chain_gaps", database=settings.database, chain=chain, max_local_smes=5,
                      max_local_patents=50, **p).to_dict("records") for p in runs]


def _own_stamp(driver, settings, prefix, value) -> None:
    driver.execute_query("MATCH (n:ChainNode) WHERE n.node_id STARTS WITH $p SET n.pc_own_stamp = $v",
                         p=prefix, v=value, database_=settings.database)


@pytest.mark.parametrize("seed", [None, 4, 5])
def test_chain_gaps_stored_owners_equal_live(driver, settings, ns, seed):
    k = write_programme_graph(driver, ns, database=settings.database)
    if seed is not None:
        _write_random_records(driver, settings.database, ns, random.Random(seed))
        refresh_chain_counts(driver, settings.database)
    stored = _gaps(driver, settings, k.ch)
    _own_stamp(driver, settings, ns, [-1])  # no graph has this stamp: counted live
    live = _gaps(driver, settings, k.ch)
    assert stored == live
    assert any(r["strongest_elsewhere"] for rows in stored for r in rows)


def test_chain_gaps_doctored_owner_count_shows_then_stale_falls_back(driver, settings, ns):
    db = settings.database
    k = write_programme_graph(driver, ns, database=db)
    params = dict(chain=k.ch, region="320000", max_local_smes=5, max_local_patents=50)
    before = {r["node_id"]: r["strongest_elsewhere"] for r in run_query(driver, "chain_gaps", database=db, **params).to_dict("records")}
    assert before[k.B][0].endswith("(3)")  # L1 上海 holds P5-P7 on B
    driver.execute_query("MATCH (n:ChainNode {node_id: $id}) SET n.pc_own_counts = [999] + tail(n.pc_own_counts)",
                         id=k.B, database_=db)
    doctored = {r["node_id"]: r["strongest_elsewhere"] for r in run_query(driver, "chain_gaps", database=db, **params).to_dict("records")}
    assert doctored[k.B][0].endswith("(999)")  # the stored list is what the query read
    # a new patent (not even on the chain) changes the graph's totals: the stored lists are stale
    write_nodes(driver, "Patent", [{"pub_no": ns + "PX"}], database=db)
    stale = {r["node_id"]: r["strongest_elsewhere"] for r in run_query(driver, "chain_gaps", database=db, **params).to_dict("records")}
    assert stale == before
    refresh_chain_counts(driver, db)
    assert {r["node_id"]: r["strongest_elsewhere"]
            for r in run_query(driver, "chain_gaps", database=db, **params).to_dict("records")} == before
