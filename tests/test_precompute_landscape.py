"""Stored patent landscapes (graph/precompute.py, refresh_landscapes): patent_landscape answers the
same rows from the stored lists as from its live section, for chain nodes and for IPC subclass and
main-group prefixes, with any top_n; a region, another prefix (sections and classes included) or a
graph changed since the refresh reads live, with the same rows."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from graph.precompute import landscape_sections, refresh_landscapes
from graph.writer import write_nodes, write_relationships
from queries.registry import run_query

pytestmark = pytest.mark.neo4j

SUBGROUPS = ["H01M10/05", "H01M10/42", "H01M4/13", "H01M4/58", "H01G11/06", "H02J7/00", "C01B32/05"]


def _ipc_tree(ns: str) -> list[tuple[str, str, str | None]]:
    """(code, level, parent) for the subgroups above and every ancestor, all prefixed with ``ns``."""
    out: dict[str, tuple[str, str | None]] = {}
    for sg in SUBGROUPS:
        main = sg.split("/")[0] + "/00"
        chain = [(sg[:1], "section", None), (sg[:3], "class", sg[:1]), (sg[:4], "subclass", sg[:3]),
                 (main, "main_group", sg[:4])]
        if sg != main:
            chain.append((sg, "subgroup", main))
        for code, level, parent in chain:
            out[ns + code] = (level, None if parent is None else ns + parent)
    return [(code, level, parent) for code, (level, parent) in out.items()]


def _graph(driver, db: str, ns: str, seed: int) -> list[str]:
    """Three chain nodes, 10 organisations (SMEs and not, 3 provinces), 60 patents with holders or
    only applicants, one or two IPC codes (sometimes two in one subclass), licences, transfers and
    open-licence offers; returns the node ids."""
    rnd = random.Random(seed)
    write_nodes(driver, "Chain", [{"chain_id": ns + "ch", "name": ns + "链"}], database=db)
    nodes = [ns + f"n{i}" for i in range(3)]
    write_nodes(driver, "ChainNode", [{"node_id": n, "chain_id": ns + "ch", "name": n, "segment": "midstream"} for n in nodes],
                database=db)
    tree = _ipc_tree(ns)
    write_nodes(driver, "IPC", [{"code": c, "level": lv} for c, lv, _ in tree], database=db)
    write_relationships(driver, "PARENT", [{"start": c, "end": p} for c, _, p in tree if p],
                        start_label="IPC", end_label="IPC", database=db)
    orgs = [{"org_id": ns + f"O{i}", "name": ns + f"机构{i % 8}", "kind": "company", "is_sme": i % 3 == 0,
             "region_code": rnd.choice(["320505", "310000", "440300"])} for i in range(10)]
    write_nodes(driver, "Organization", orgs, database=db)
    pats, maps, cls, holds, apps, lics, trs, offers = [], [], [], [], [], [], [], []
    for i in range(60):
        pub = ns + f"P{i}"
        codes = rnd.sample(SUBGROUPS, rnd.choice([1, 1, 2]))
        pats.append({"pub_no": pub, "title": "t", "status": rnd.choice(["granted", "pending", "expired"]),
                     "kind": rnd.choice(["invention", "utility"]), "ipc_main": codes[0], "ipc": codes,
                     "filed": dt.date(2012 + rnd.randrange(3) * 3, 1 + rnd.randrange(12), 1) if rnd.random() < 0.9 else None})
        cls += [{"start": pub, "end": ns + c} for c in codes]
        maps += [{"start": pub, "end": n} for n in rnd.sample(nodes, rnd.choice([0, 1, 1, 2]))]
        owners = rnd.sample(orgs, rnd.choice([1, 2]))
        apps += [{"start": o["org_id"], "end": pub} for o in owners]
        if rnd.random() < 0.7:
            holds += [{"start": o["org_id"], "end": pub} for o in rnd.sample(orgs, rnd.choice([1, 1, 2]))]
        for j in range(rnd.choice([0, 0, 1, 2])):
            lics.append({"license_id": f"{ns}L{i}_{j}", "date": dt.date(2016 + rnd.randrange(6), 3, 1), "pub": pub})
        if rnd.random() < 0.2:
            trs.append({"transfer_id": f"{ns}T{i}", "date": dt.date(2018 + rnd.randrange(4), 5, 1), "pub": pub})
        if rnd.random() < 0.2:
            offers.append({"offer_id": f"{ns}F{i}", "pub": pub})
    write_nodes(driver, "Patent", [{k: v for k, v in p.items() if v is not None} for p in pats], database=db)
    write_nodes(driver, "License", [{"license_id": x["license_id"], "date": x["date"]} for x in lics], database=db)
    write_nodes(driver, "Transfer", [{"transfer_id": x["transfer_id"], "date": x["date"]} for x in trs], database=db)
    write_nodes(driver, "OpenLicenseOffer", [{"offer_id": x["offer_id"]} for x in offers], database=db)
    rel = dict(database=db)
    write_relationships(driver, "CLASSIFIED_AS", cls, start_label="Patent", end_label="IPC", **rel)
    write_relationships(driver, "MAPS_TO", maps, start_label="Patent", end_label="ChainNode", **rel)
    write_relationships(driver, "APPLICANT_OF", apps, start_label="Organization", end_label="Patent", **rel)
    write_relationships(driver, "HOLDS", holds, start_label="Organization", end_label="Patent", **rel)
    write_relationships(driver, "OF", [{"start": x["license_id"], "end": x["pub"]} for x in lics],
                        start_label="License", end_label="Patent", **rel)
    write_relationships(driver, "OF", [{"start": x["transfer_id"], "end": x["pub"]} for x in trs],
                        start_label="Transfer", end_label="Patent", **rel)
    write_relationships(driver, "OFFERED", [{"start": x["pub"], "end": x["offer_id"]} for x in offers],
                        start_label="Patent", end_label="OpenLicenseOffer", **rel)
    return nodes


def _runs(ns: str, nodes: list[str]) -> list[dict]:
    prefixes = [ns + x for x in ("H", "H01", "H01M", "H01M10/", "H01M4/", "C01B32/", "H02")]
    runs = [{"node": n, "top_n": t} for n in nodes for t in (10, 3, 20, 100)]
    runs += [{"ipc": p, "top_n": t} for p in prefixes for t in (10, 2)]
    return runs


def _answers(driver, db: str, runs: list[dict]) -> list[list[dict]]:
    """Rows per run, with pandas' NaN (a null share) back to None so equal answers compare equal."""
    out = []
    for params in runs:
        df = run_query(driver, "patent_landscape", database=db, **params)
        out.append(df.astype(object).where(df.notna(), None).to_dict("records"))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_landscapes_equal_live(driver, settings, ns, seed):
    db = settings.database
    nodes = _graph(driver, db, ns, seed)
    runs = _runs(ns, nodes)
    live = _answers(driver, db, runs)
    assert all(live) and any(r["section"] == "licensing" for a in live for r in a)
    refresh_landscapes(driver, db)
    recs, _, _ = driver.execute_query(
        "MATCH (i:IPC) WHERE i.code STARTS WITH $p AND i.pc_ls_stamp IS NOT NULL RETURN i.code AS c, i.pc_ls_prefix AS p "
        "ORDER BY c", p=ns, database_=db)
    stored_at = {r["c"][len(ns):]: r["p"][len(ns):] for r in recs}
    assert stored_at["H01M"] == "H01M" and stored_at["H01M10/00"] == "H01M10/" and stored_at["C01B32/00"] == "C01B32/"
    # sections and classes (too big for one transaction at 1M) and subgroups (a few patents) stay live
    assert not {"H", "H01", "C", "C01", "H01M10/05"} & set(stored_at)
    assert _answers(driver, db, runs) == live


def test_stored_landscape_is_read_and_region_reads_live(driver, settings, ns):
    db = settings.database
    nodes = _graph(driver, db, ns, 7)
    refresh_landscapes(driver, db)
    before = run_query(driver, "patent_landscape", database=db, node=nodes[0])
    regional = run_query(driver, "patent_landscape", database=db, node=nodes[0], region="320000")
    # doctor the stored total: the default query shows it (so the stored path is the one taken) ...
    driver.execute_query("MATCH (n:ChainNode {node_id: $n}) SET n.pc_ls_values = [0] + tail(n.pc_ls_values)",
                         n=nodes[0], database_=db)
    after = run_query(driver, "patent_landscape", database=db, node=nodes[0])
    assert after.value.iloc[0] == 0 and before.value.iloc[0] > 0
    # ... a region is not stored, so it still reads every patent live
    assert run_query(driver, "patent_landscape", database=db, node=nodes[0], region="320000").equals(regional)
    assert regional.value.iloc[0] > 0
    assert refresh_landscapes(driver, db) > 0  # the doctored value is repaired ...
    assert refresh_landscapes(driver, db) == 0  # ... and a second refresh writes nothing
    assert run_query(driver, "patent_landscape", database=db, node=nodes[0]).equals(before)


def test_region_filter_from_stored_owner_regions_equals_live(driver, settings, ns):
    """A region is tested on the patents' stored owner region codes (patent_licensors step) once they are
    refreshed: same rows as the owners read live; doctored codes change the answer (so they are read);
    a patent whose owner edges changed since is tested live again."""
    from graph.precompute import REFRESHES

    db = settings.database
    nodes = _graph(driver, db, ns, 5)
    runs = [{"node": n, "region": r} for n in nodes for r in ("320000", "310000", "320505")]
    runs += [{"ipc": ns + p, "region": "440000"} for p in ("H01M", "H01")]
    live = _answers(driver, db, runs)
    assert all(live) and any(a[0]["value"] > 0 for a in live)
    with driver.session(database=db) as s:
        assert s.run(REFRESHES["patent_licensors"], batch=1000).consume().counters.properties_set > 0
    recs, _, _ = driver.execute_query("MATCH (p:Patent) WHERE p.pub_no STARTS WITH $p AND p.pc_owner_regions IS NULL "
                                      "RETURN count(p) AS k", p=ns, database_=db)
    assert recs[0]["k"] == 0
    assert _answers(driver, db, runs) == live
    driver.execute_query("MATCH (p:Patent) WHERE p.pub_no STARTS WITH $p SET p.pc_owner_regions = []", p=ns, database_=db)
    assert _answers(driver, db, runs) != live
    # every patent's owner degree changes (a new applicant from Guangdong): stale, so read live again
    write_nodes(driver, "Organization", [{"org_id": ns + "OG", "name": ns + "粤机构", "kind": "company",
                                          "region_code": "440300"}], database=db)
    recs, _, _ = driver.execute_query("MATCH (p:Patent) WHERE p.pub_no STARTS WITH $p RETURN p.pub_no AS p", p=ns, database_=db)
    write_relationships(driver, "APPLICANT_OF", [{"start": ns + "OG", "end": r["p"]} for r in recs],
                        start_label="Organization", end_label="Patent", database=db)
    fresh_live = _answers(driver, db, runs)
    with driver.session(database=db) as s:
        s.run(REFRESHES["patent_licensors"], batch=1000).consume()
    assert _answers(driver, db, runs) == fresh_live


def test_graph_changed_after_refresh_reads_live(driver, settings, ns):
    db = settings.database
    nodes = _graph(driver, db, ns, 11)
    refresh_landscapes(driver, db)
    runs = _runs(ns, nodes)
    write_nodes(driver, "Patent", [{"pub_no": ns + "PX", "title": "t", "status": "granted", "kind": "invention",
                                    "filed": dt.date(2030, 1, 1), "ipc_main": "H01M10/05"}], database=db)
    write_relationships(driver, "MAPS_TO", [{"start": ns + "PX", "end": nodes[0]}], start_label="Patent",
                        end_label="ChainNode", database=db)
    write_relationships(driver, "CLASSIFIED_AS", [{"start": ns + "PX", "end": ns + "H01M10/05"}], start_label="Patent",
                        end_label="IPC", database=db)
    changed = _answers(driver, db, runs)
    assert any(r["rank"] == 2030 for r in changed[0])  # the new patent's year: counted live
    assert refresh_landscapes(driver, db, stale_only=True) > 0  # every stamp is stale now: all recomputed
    assert _answers(driver, db, runs) == changed
    assert refresh_landscapes(driver, db, stale_only=True) == 0  # nothing stale any more


def test_landscape_query_keeps_its_sections():
    stamp, live = landscape_sections()
    assert "AS stamp" in stamp and live.strip().startswith("CALL ()") and "RETURN section, rank, key" in live
