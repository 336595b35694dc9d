"""Chain placement in the real Neo4j (issue 18): `chainkg load` + `chainkg extract` place the issue's
examples right, every placement carries its evidence, and a planner's corrections (accept, move,
remove) survive `chainkg extract` and `chainkg load` again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extraction.graph_extract import extract_graph, gazetteer_from_graph
from extraction.pipeline import build_nlp
from graph import placement_store as ps
from graph.placement_store import PlacementError
from loaders.pipeline import load_directory

ROOT = Path(__file__).resolve().parent.parent

PATENTS = [
    # pub_no, title, ipc
    ("P1", "一种可移动的新能源汽车用充电桩", "B60L53/30"),
    ("P2", "一种制备香料开司米酮的方法", "C07C403/00"),
    ("P3", "动力电池回收用粉碎机", "B02C18/00"),
    ("P4", "一种氧化铝包覆三元锂电正极材料", "H01M4/525"),
    ("P5", "一种锂离子电池正极片", "H01M4/13"),
    ("P6", "一种电池包", "H01M50/20"),
    ("P7", "一种水系锌离子电池正极材料", "H01M4/525"),  # an exclusion term of 正极材料
]


def _pubs(ns: str) -> dict[str, str]:
    """Real-format publication numbers for this test's patents (the loader validates them), unique per ns."""
    base = int(ns[1:9], 16) % 10**8
    return {p: f"CN9{base:08d}{i}A" for i, (p, _t, _c) in enumerate(PATENTS)}


def _dataset(tmp: Path, ns: str) -> Path:
    """The real nev_battery and biomed chains under ns-prefixed ids, one organisation, six patents."""
    (tmp / "chains").mkdir(parents=True)
    for stem in ("nev_battery", "biomed"):
        text = (ROOT / "data" / "chains" / f"{stem}.yaml").read_text(encoding="utf-8")
        (tmp / "chains" / f"{ns}{stem}.yaml").write_text(text.replace(f"{stem}", f"{ns}{stem}"), encoding="utf-8")
    (tmp / "organizations.csv").write_text(f"org_id,name\n{ns}O1,{ns}星衡示例新能源有限公司\n", encoding="utf-8")
    pubs = _pubs(ns)
    rows = "\n".join(f"{pubs[p]},{t},{ns}星衡示例新能源有限公司,{i}" for p, t, i in PATENTS)
    (tmp / "patents.csv").write_text(f"pub_no,title,applicants,ipc\n{rows}\n", encoding="utf-8")
    return tmp


def _maps(driver, db, ns) -> dict[str, dict[str, dict]]:
    back = {v: k for k, v in _pubs(ns).items()}
    # only this test's chain nodes (the library may be loaded too, e.g. with the demo graph)
    q = ("MATCH (p:Patent)-[r:MAPS_TO]->(n:ChainNode) WHERE p.pub_no IN $pubs AND n.node_id STARTS WITH $ns "
         "RETURN p.pub_no AS p, n.node_id AS n, properties(r) AS r")
    out: dict[str, dict[str, dict]] = {}
    with driver.session(database=db) as s:
        for row in s.run(q, pubs=list(back), ns=ns):
            out.setdefault(back[row["p"]], {})[row["n"][len(ns):]] = row["r"]
    return out


@pytest.fixture
def patents_cleanup(driver, settings, ns):
    yield
    with driver.session(database=settings.database) as s:
        s.run("MATCH (p:Patent) WHERE p.pub_no IN $pubs DETACH DELETE p", pubs=list(_pubs(ns).values())).consume()


def _extract(driver, db, ns):
    """`chainkg extract` as the loader's user runs it, over this test's own sources only: its patents
    (real-format numbers, one shared prefix) first, then its ns-prefixed organisations, whose placement
    by patents reads the patents' placements just written (the order extract_graph keeps)."""
    nlp = build_nlp({"gazetteer": gazetteer_from_graph(driver, db), "model": "off"})
    patent_prefix = os.path.commonprefix(list(_pubs(ns).values()))
    extract_graph(driver, db, nlp=nlp, key_prefix=patent_prefix)
    return extract_graph(driver, db, nlp=nlp, key_prefix=ns)


@pytest.mark.neo4j
def test_placement_corrections_survive_extract_and_load(driver, settings, ns, tmp_path, patents_cleanup):
    pub = _pubs(ns)
    db = settings.database
    data = _dataset(tmp_path, ns)
    load_directory(driver, data, database=db)
    after_load = _maps(driver, db, ns)
    # the loader's IPC evidence is group level only, at IPC-only confidence: C07C is no API any more
    assert "biomed.api" not in after_load.get("P2", {})
    p4 = after_load["P4"]["nev_battery.cathode"]
    # a group only this node lists (another copy of the library in the graph makes it shared)
    assert p4["method"] == "ipc_prefix" and p4["confidence"] < 0.8 and p4["rule"] in ("ipc_group", "ipc_group_shared")

    _extract(driver, db, ns)
    got = _maps(driver, db, ns)
    assert set(got["P1"]) == {"nev_battery.charging"}            # not 新能源整车
    assert "P2" not in got                                       # fragrance: abstain
    assert set(got["P3"]) == {"nev_battery.recycling"}           # not 锂离子动力电芯
    cathode = got["P4"]["nev_battery.cathode"]
    assert cathode["method"] == "evidence" and cathode["confidence"] >= 0.8  # the strong band (value: the calibration fit)
    assert cathode["rule"] == "term+ipc_group" or cathode["rule"].startswith("term")
    assert "正极材料" in cathode["terms"] and cathode["evidence"].startswith("terms:")
    # the organisation by the share of its patents: 2 of its 7 on 正极材料 (P4, P5), one each elsewhere
    org = _read_one(driver, db, "MATCH (:Organization {org_id: $o})-[r:IN_NODE]->(n:ChainNode) WHERE n.node_id STARTS WITH $ns "
                    "RETURN collect(n.node_id) AS nodes, collect(r.evidence) AS ev, collect(r.method) AS m", o=f"{ns}O1", ns=ns)
    assert org["nodes"] == [f"{ns}nev_battery.cathode"] and org["m"] == ["patents"]
    assert org["ev"][0].startswith("2 of 7 patents")

    # a planner's corrections
    ps.place_manually(driver, "Patent", pub["P3"], f"{ns}nev_battery.recycling", by="test", database=db)
    ps.move_placement(driver, "Patent", pub["P1"], f"{ns}nev_battery.charging", f"{ns}nev_battery.pack",
                      by="test", database=db)
    ps.remove_placement(driver, "Patent", pub["P4"], f"{ns}nev_battery.cathode", by="test", database=db)
    with pytest.raises(PlacementError, match="no chain node"):
        ps.place_manually(driver, "Patent", pub["P1"], f"{ns}no.such", database=db)

    def check():
        m = _maps(driver, db, ns)
        assert m["P3"]["nev_battery.recycling"]["method"] == "manual"
        assert m["P3"]["nev_battery.recycling"]["confidence"] == 1.0
        assert "动力电池回收" in m["P3"]["nev_battery.recycling"]["terms"]  # the automatic evidence is kept
        assert set(m["P1"]) == {"nev_battery.pack"} and m["P1"]["nev_battery.pack"]["method"] == "manual"
        assert "nev_battery.cathode" not in m.get("P4", {})
        rej = {(r["subject_id"], r["node_id"]) for r in ps.read_rejections(driver, "Patent", database=db)}
        assert {(pub["P1"], f"{ns}nev_battery.charging"), (pub["P4"], f"{ns}nev_battery.cathode")} <= rej

    check()
    _extract(driver, db, ns)
    check()
    load_directory(driver, data, database=db)  # derivations run again; P4's IPC group would place it
    check()
    _extract(driver, db, ns)
    check()
    # the review page's reader shows the evidence, weakest first
    rows = [r for r in ps.read_placements(driver, "Patent", database=db, limit=10_000) if r["subject_id"] in pub.values()]
    assert rows and all(r["evidence"] for r in rows)
    assert [r["confidence"] for r in rows] == sorted(r["confidence"] for r in rows)
    # undoing a removal lets automatic placement place the pair again
    ps.undo_rejection(driver, "Patent", pub["P4"], f"{ns}nev_battery.cathode", database=db)
    _extract(driver, db, ns)
    assert "nev_battery.cathode" in _maps(driver, db, ns)["P4"]


@pytest.mark.neo4j
def test_ipc_derivation_respects_exclusions_and_rejections(driver, settings, ns, tmp_path, patents_cleanup):
    from graph.derive import run_derivations

    db = settings.database
    data = _dataset(tmp_path, ns)
    load_directory(driver, data, database=db)
    before = _maps(driver, db, ns)
    assert "nev_battery.cathode" in before["P4"]
    assert "nev_battery.cathode" not in before.get("P7", {})  # 锌离子 excludes the node despite the IPC group
    ps.remove_placement(driver, "Patent", _pubs(ns)["P4"], f"{ns}nev_battery.cathode", database=db)
    run_derivations(driver, database=db, only=["maps_to_ipc_prefix", "maps_to_ipc_prefix_stale"])
    first = _maps(driver, db, ns)
    assert "nev_battery.cathode" not in first.get("P4", {})
    run_derivations(driver, database=db, only=["maps_to_ipc_prefix", "maps_to_ipc_prefix_stale"])
    assert _maps(driver, db, ns) == first  # idempotent


def _read_one(driver, db, query, **params):
    with driver.session(database=db) as s:
        return dict(s.run(query, **params).single())
