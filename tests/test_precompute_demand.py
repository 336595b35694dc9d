"""demand_matches' shortcuts (issue 17): the achievements' stored node ids (graph/precompute.py,
achievement_nodes) give the same answers as reading each achievement's edges live, and the patents
read from the open-licence offers (when at least `limit` offered patents sit on the demand's nodes)
are the first rows of the full ranking over every patent of the nodes; the partner organisations'
stored patent groups (org_node_groups) give the same counts as expanding their patents live."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from graph.precompute import REFRESHES
from graph.writer import write_nodes, write_relationships
from queries.registry import run_query

pytestmark = pytest.mark.neo4j


def _graph(driver, db: str, ns: str, seed: int) -> list[str]:
    """Four chain nodes with keywords, 12 organisations, 80 patents (a third with open-licence
    offers), 30 achievements ABOUT nodes or backed by patents, and demands ABOUT a node or naming a
    keyword; returns the demand ids."""
    rnd = random.Random(seed)
    rel = dict(database=db)
    write_nodes(driver, "Chain", [{"chain_id": ns + "ch", "name": ns + "链"}], **rel)
    nodes = [ns + f"n{i}" for i in range(4)]
    kws = [f"{ns}词{i}" for i in range(4)]
    write_nodes(driver, "ChainNode", [{"node_id": n, "chain_id": ns + "ch", "name": f"{ns}环节{i}", "segment": "midstream",
                                       "keywords": [kws[i]]} for i, n in enumerate(nodes)], **rel)
    orgs = [{"org_id": ns + f"O{i}", "name": ns + f"机构{i}", "kind": rnd.choice(["company", "university", "institute"]),
             "is_sme": rnd.random() < 0.5, "region_code": rnd.choice(["320505", "310000", "440300"])} for i in range(12)]
    write_nodes(driver, "Organization", orgs, **rel)
    pats, maps, holds, offers = [], [], [], []
    for i in range(80):
        pub = ns + f"P{i:03d}"
        pats.append({"pub_no": pub, "title": f"一种{rnd.choice(kws + ['装置'])}方法", "abstract": rnd.choice(kws) if rnd.random() < 0.3 else "",
                     "status": rnd.choice(["granted", "pending"]), "filed": dt.date(2018, 1, 1)})
        maps += [{"start": pub, "end": n} for n in rnd.sample(nodes, rnd.choice([1, 1, 2]))]
        holds.append({"start": rnd.choice(orgs)["org_id"], "end": pub})
        if rnd.random() < 0.35:
            offers.append({"offer_id": f"{ns}F{i}", "pub": pub})
    write_nodes(driver, "Patent", pats, **rel)
    write_nodes(driver, "OpenLicenseOffer", [{"offer_id": x["offer_id"]} for x in offers], **rel)
    write_relationships(driver, "MAPS_TO", maps, start_label="Patent", end_label="ChainNode", **rel)
    write_relationships(driver, "HOLDS", holds, start_label="Organization", end_label="Patent", **rel)
    write_relationships(driver, "OFFERED", [{"start": x["pub"], "end": x["offer_id"]} for x in offers],
                        start_label="Patent", end_label="OpenLicenseOffer", **rel)
    achs, about, backed, owns = [], [], [], []
    for i in range(30):
        aid = ns + f"A{i:02d}"
        achs.append({"ach_id": aid, "title": f"成果{rnd.choice(kws + ['其他'])}", "trl": rnd.randint(3, 9)})
        owns.append({"start": rnd.choice(orgs)["org_id"], "end": aid})
        if rnd.random() < 0.4:
            about.append({"start": aid, "end": rnd.choice(nodes)})
        backed += [{"start": aid, "end": p["pub_no"]} for p in rnd.sample(pats, rnd.choice([0, 1, 2]))]
    write_nodes(driver, "Achievement", achs, **rel)
    write_relationships(driver, "OWNS", owns, start_label="Organization", end_label="Achievement", **rel)
    write_relationships(driver, "ABOUT", about, start_label="Achievement", end_label="ChainNode", **rel)
    write_relationships(driver, "BACKED_BY", backed, start_label="Achievement", end_label="Patent", **rel)
    demands = [{"demand_id": ns + "D0", "title": f"寻求{kws[0]}技术", "description": "", "kind": "demand"},
               {"demand_id": ns + "D1", "title": "寻求合作", "description": f"{kws[1]}与{kws[2]}", "kind": "demand"}]
    write_nodes(driver, "Demand", demands, **rel)
    write_relationships(driver, "ABOUT", [{"start": ns + "D1", "end": nodes[3]}], start_label="Demand",
                        end_label="ChainNode", **rel)
    return [d["demand_id"] for d in demands]


def _rows(driver, db, **params) -> list[dict]:
    df = run_query(driver, "demand_matches", database=db, **params)
    return df.astype(object).where(df.notna(), None).to_dict("records")


@pytest.mark.parametrize("seed", [1, 2])
def test_stored_achievement_nodes_equal_live(driver, settings, ns, seed):
    db = settings.database
    demands = _graph(driver, db, ns, seed)
    runs = [{"demand_id": d, "limit": lim, "min_trl": t} for d in demands for lim in (3, 50) for t in (1, 6)]
    runs += [{"demand_id": demands[1], "region": "320000"}, {"demand_id": demands[0], "partner_kind": ["university"]}]
    live = [_rows(driver, db, **r) for r in runs]
    assert any(r["kind"] == "achievement" for rows in live for r in rows)
    with driver.session(database=db) as s:
        assert s.run(REFRESHES["achievement_nodes"], batch=1000).consume().counters.properties_set > 0
    recs, _, _ = driver.execute_query("MATCH (a:Achievement) WHERE a.ach_id STARTS WITH $p AND a.pc_nodes_stamp IS NULL "
                                      "RETURN count(a) AS k", p=ns, database_=db)
    assert recs[0]["k"] == 0
    assert [_rows(driver, db, **r) for r in runs] == live
    # the stored ids are really read: doctored ids change the answer
    driver.execute_query("MATCH (a:Achievement) WHERE a.ach_id STARTS WITH $p SET a.pc_nodes = []", p=ns, database_=db)
    doctored = [_rows(driver, db, **r) for r in runs]
    assert doctored != live


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patents_from_offers_are_the_top_of_the_full_ranking(driver, settings, ns, seed):
    db = settings.database
    demands = _graph(driver, db, ns, seed)
    from_offers = 0
    for d in demands:
        for extra in ({}, {"region": "320000"}, {"partner_kind": ["company"]}):
            full = [r for r in _rows(driver, db, demand_id=d, limit=200, **extra) if r["kind"] == "patent"]
            offered = [r for r in full if r["open_offer"]]
            assert len(full) > len(offered)  # the full ranking reads non-offered patents too
            for lim in sorted({1, 2, len(offered)} - {0}):
                if lim > len(offered):
                    continue
                from_offers += 1  # at most as many as the offered patents: the path from the offers
                top = [r for r in _rows(driver, db, demand_id=d, limit=lim, **extra) if r["kind"] == "patent"]
                assert top == full[:lim]
            # more than the offered patents: the full path, same first rows
            top = [r for r in _rows(driver, db, demand_id=d, limit=len(offered) + 1, **extra) if r["kind"] == "patent"]
            assert top == full[:len(offered) + 1]
    assert from_offers >= 6


@pytest.mark.parametrize("seed", [1, 2])
def test_stored_partner_patent_counts_equal_live(driver, settings, ns, seed):
    """The partner organisations' patents on the demand's nodes from the stored groups
    (org_node_groups) equal the live count — patents on two shared nodes, held and applied for by
    one organisation, counted once — and the stored groups are really read."""
    db = settings.database
    demands = _graph(driver, db, ns, seed)
    rnd = random.Random(seed + 100)
    orgs = [ns + f"O{i}" for i in range(12)]
    nodes = [ns + f"n{i}" for i in range(4)]
    # an organisation placed on every node without a patent (no stored group: its count is 0)
    write_nodes(driver, "Organization", [{"org_id": ns + "Oz", "name": ns + "无专利机构", "kind": "company"}], database=db)
    in_node = [{"start": o, "end": n} for o in orgs for n in rnd.sample(nodes, rnd.choice([1, 2, 3]))]
    in_node += [{"start": ns + "Oz", "end": n} for n in nodes]
    write_relationships(driver, "IN_NODE", in_node, start_label="Organization", end_label="ChainNode", database=db)
    # some patents also applied for by a second organisation, and by their holder (one patent, two edges)
    recs, _, _ = driver.execute_query("MATCH (o:Organization)-[:HOLDS]->(p:Patent) WHERE p.pub_no STARTS WITH $p "
                                      "RETURN o.org_id AS o, p.pub_no AS p ORDER BY p", p=ns, database_=db)
    apps = [{"start": r["o"] if rnd.random() < 0.5 else rnd.choice(orgs), "end": r["p"]} for r in recs if rnd.random() < 0.5]
    write_relationships(driver, "APPLICANT_OF", apps, start_label="Organization", end_label="Patent", database=db)
    runs = [{"demand_id": d, "limit": lim} for d in demands for lim in (3, 50)]
    runs += [{"demand_id": demands[1], "region": "320000"}, {"demand_id": demands[0], "partner_kind": ["university"]},
             {"text": "".join(f"{ns}词{i}" for i in range(4))}]
    live = [_rows(driver, db, **r) for r in runs]
    assert sum(r["kind"] == "organization" for rows in live for r in rows) >= 10
    counts = [int(x.split()[0]) for rows in live for r in rows if r["kind"] == "organization"
              for x in r["reasons"] if x.endswith(" patents there")]
    assert max(counts) > 1 and 0 in counts
    with driver.session(database=db) as s:
        assert s.run(REFRESHES["org_node_groups"], batch=1000).consume().counters.properties_set > 0
        # a second refresh writes nothing
        assert s.run(REFRESHES["org_node_groups"], batch=1000).consume().counters.properties_set == 0
    recs, _, _ = driver.execute_query("MATCH (o:Organization)-[:IN_NODE]->() WHERE o.org_id STARTS WITH $p "
                                      "AND o.pc_np_stamp IS NULL RETURN count(o) AS k", p=ns, database_=db)
    assert recs[0]["k"] == 0
    assert [_rows(driver, db, **r) for r in runs] == live
    # the stored groups are really read: doctored counts change the answer
    driver.execute_query("MATCH (o:Organization) WHERE o.org_id STARTS WITH $p AND o.pc_np_counts IS NOT NULL "
                         "SET o.pc_np_counts = [k IN o.pc_np_counts | k + 7]", p=ns, database_=db)
    assert [_rows(driver, db, **r) for r in runs] != live
