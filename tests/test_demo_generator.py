"""The seeded demo-data generator: determinism, counts, referential integrity, shape, streaming."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import re
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
import yaml

from demodata.generator import DATA_FILES, REGIONS, generate_demo, main

ROOT = Path(__file__).resolve().parent.parent
CHAINS = ROOT / "data" / "chains"
DEMO = ROOT / "data" / "demo"

# Independent implementations of the check digits (not imported from the code under test).
_CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code_ok(code: str) -> bool:
    """GB 32100-2015: weights 3^i mod 31, check = 31 - sum mod 31 (31 -> 0); embedded GB 11714 org code."""
    if len(code) != 18 or any(c not in _CREDIT for c in code):
        return False
    total = sum(_CREDIT.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    if _CREDIT[(31 - total % 31) % 31] != code[17]:
        return False
    org = code[8:17]
    s = sum(int(c, 36) * w for c, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - s % 11
    return org[8] == ("X" if check == 10 else "0" if check == 11 else str(check))


def app_no_ok(app_no: str) -> bool:
    body, check = app_no.split(".")
    rem = sum(int(d) * (2 + i % 8) for i, d in enumerate(body)) % 11
    return len(body) == 12 and check == ("X" if rem == 10 else str(rem))


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _split(cell: str) -> list[str]:
    return [x for x in (cell or "").split(";") if x]


class Demo:
    """A generated data set read back, with an index resolving org references (code, name, alias)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.orgs = _csv(path / "organizations.csv")
        self.patents = _csv(path / "patents.csv")
        self.licenses = _csv(path / "licenses.csv")
        self.transfers = _csv(path / "transfers.csv")
        self.offers = _csv(path / "open_licenses.csv")
        self.achievements = _jsonl(path / "achievements.jsonl")
        self.demands = _jsonl(path / "demands.jsonl")
        self.chains = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((path / "chains").glob("*.yaml"))]
        self.node = {n["id"]: n for c in self.chains for n in c["nodes"]}
        self.ref: dict[str, int] = {}
        for i, o in enumerate(self.orgs):
            for key in (o["credit_code"], o["name"], *_split(o["aliases"])):
                if key:
                    assert self.ref.setdefault(key, i) == i, f"reference {key} is ambiguous"
        self.patent = {p["pub_no"]: p for p in self.patents}
        # programme files (issue 14)
        self.bodies = _csv(path / "service_bodies.csv")
        self.managers = _csv(path / "tech_managers.csv")
        self.events = _csv(path / "events.csv")
        self.participants = _csv(path / "event_participants.csv")
        self.deals = _csv(path / "deals.csv")
        self.tiers = _csv(path / "tiers.csv")
        self.pledges = _csv(path / "pledges.csv")
        self.clusters = _csv(path / "clusters.csv")
        self.members = _csv(path / "cluster_members.csv")
        self.body = {b["机构名称"]: b for b in self.bodies}
        self.body.update({b["统一社会信用代码"]: b for b in self.bodies if b["统一社会信用代码"]})

    def org(self, ref: str) -> dict[str, str]:
        assert ref in self.ref, f"unresolved organisation reference {ref!r}"
        return self.orgs[self.ref[ref]]

    def patent_nodes(self, pub_no: str) -> set[str]:
        codes = _split(self.patent[pub_no]["ipc"])
        return {nid for nid, n in self.node.items() if any(c.startswith(p) for c in codes for p in n["ipc"])}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    out = tmp_path_factory.mktemp("demo42")
    generate_demo(out, seed=42, n_patents=3000, chains_dir=CHAINS)
    return Demo(out)


def test_same_seed_gives_identical_files_and_another_seed_differs(demo, tmp_path):
    again = tmp_path / "again"
    counts = generate_demo(again, seed=42, n_patents=3000, chains_dir=CHAINS)
    for name in (*DATA_FILES, "README.md"):
        assert filecmp.cmp(demo.path / name, again / name, shallow=False), name
    other = tmp_path / "other"
    generate_demo(other, seed=7, n_patents=3000, chains_dir=CHAINS)
    assert not filecmp.cmp(demo.path / "patents.csv", other / "patents.csv", shallow=False)
    assert counts.patents == 3000 and counts.bytes < 5_000_000


def test_bundled_demo_data_is_the_documented_generator_output(demo):
    """data/demo/ in the repository is exactly what `--seed 42 --patents 3000` writes (kept in step)."""
    for name in (*DATA_FILES, "README.md"):
        assert filecmp.cmp(DEMO / name, demo.path / name, shallow=False), f"data/demo/{name} is stale; regenerate"
    for path in CHAINS.glob("*.yaml"):
        assert filecmp.cmp(DEMO / "chains" / path.name, path, shallow=False), f"data/demo/chains/{path.name} is stale"
    assert sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file()) < 5_000_000
    assert "fictional" in (DEMO / "README.md").read_text(encoding="utf-8")


def test_minimum_counts(demo):
    assert len(demo.orgs) >= 300
    assert len(demo.patents) == 3000
    assert len(demo.licenses) >= 200 and len(demo.transfers) >= 200
    assert len(demo.offers) >= 40
    assert len(demo.achievements) >= 50 and len(demo.demands) >= 50
    assert len(demo.chains) >= 5


def test_organisation_shape(demo):
    kinds = Counter(o["kind"] for o in demo.orgs)
    assert set(kinds) == {"company", "university", "institute", "government"}
    assert kinds["university"] >= 20 and kinds["institute"] >= 15 and 3 <= kinds["government"] <= 10
    companies = [o for o in demo.orgs if o["kind"] == "company"]
    assert {o["size"] for o in companies} == {"large", "medium", "small", "micro"}
    sme_tiers = Counter(o["tier"] for o in companies if o["size"] != "large")
    assert set(sme_tiers) == {"none", "专精特新", "小巨人", "单项冠军"}
    assert {o["region"][:2] for o in demo.orgs} >= {"11", "31", "32", "33", "44", "42", "51"}
    assert all(o["region"] in REGIONS for o in demo.orgs)
    declared = [o for o in companies if o["chain_nodes"]]
    assert len(declared) >= 0.8 * len(companies)
    assert all(o["profile"] and o["founded"] for o in demo.orgs)
    assert len({o["name"] for o in demo.orgs}) == len(demo.orgs)
    codes = [o["credit_code"] for o in demo.orgs if o["credit_code"]]
    assert len(set(codes)) == len(codes)


def test_credit_codes_pass_gb32100_and_match_region(demo):
    coded = [o for o in demo.orgs if o["credit_code"]]
    assert 0.5 * len(demo.orgs) < len(coded) < len(demo.orgs), "some, not all, organisations have codes"
    for o in coded:
        assert credit_code_ok(o["credit_code"]), o["credit_code"]
        assert o["credit_code"][2:8] == o["region"]
        assert o["credit_code"][:2] == ("91" if o["kind"] == "company" else "11" if o["kind"] == "government" else "12")
    assert not credit_code_ok("91320500MA1X0000X0")  # the checker itself rejects a wrong code


def test_names_are_fictional(demo):
    for o in demo.orgs:
        assert "示例" in o["name"] or "演示" in o["name"], o["name"]
    assert all(re.match(r"^CN[12]9\d{7}[ABU]$", p["pub_no"]) for p in demo.patents)


@pytest.mark.shared_data
def test_no_name_is_a_real_little_giant(demo, shared_data):
    rows = _csv(shared_data / "little_giants" / "little_giants.csv")
    real = {r["name"] for r in rows}
    assert len(real) > 1000
    assert not real & {o["name"] for o in demo.orgs}
    assert not real & {a for o in demo.orgs for a in _split(o["aliases"])}


def test_every_reference_resolves(demo):
    for o in demo.orgs:
        for nid in _split(o["chain_nodes"]):
            assert nid in demo.node, nid
    for p in demo.patents:
        for ref in _split(p["applicants"]) + _split(p["holders"]):
            demo.org(ref)
        for cited in _split(p["cites"]):
            assert cited in demo.patent
    for lic in demo.licenses:
        assert lic["pub_no"] in demo.patent
        demo.org(lic["licensor"]), demo.org(lic["licensee"])
    for t in demo.transfers:
        assert t["pub_no"] in demo.patent
        demo.org(t["assignor"]), demo.org(t["assignee"])
    for off in demo.offers:
        assert off["pub_no"] in demo.patent
    for a in demo.achievements:
        demo.org(a["owner"])
        assert all(p in demo.patent for p in _split(a["patents"])) and _split(a["patents"])
    for d in demo.demands:
        demo.org(d["poster"])
        for r in _split(d["responders"]):
            demo.org(r)
    ids = [x for rows, key in ((demo.licenses, "license_id"), (demo.transfers, "transfer_id"), (demo.offers, "offer_id"),
                               (demo.achievements, "ach_id"), (demo.demands, "demand_id")) for x in (r[key] for r in rows)]
    assert len(ids) == len(set(ids))


def test_patents_are_consistent(demo):
    kinds, statuses = Counter(), Counter()
    for p in demo.patents:
        assert p["title"] and 2 <= p["abstract"].count("。") <= 4, p["pub_no"]
        assert app_no_ok(p["app_no"]), p["app_no"]
        filed = dt.date.fromisoformat(p["filed"])
        assert dt.date(2012, 1, 1) <= filed <= dt.date(2025, 12, 31)
        for col in ("published", "granted"):
            if p[col]:
                assert filed < dt.date.fromisoformat(p[col]) <= dt.date(2025, 12, 31)
        assert demo.patent_nodes(p["pub_no"]), f"{p['pub_no']} IPC {p['ipc']} matches no chain node"
        assert all(re.match(r"^[A-H]\d{2}[A-Z]\d{1,4}/\d{2,6}$", c) for c in _split(p["ipc"]))
        assert p["pub_no"][-1] == {"invention": "B" if p["granted"] else "A", "utility": "U"}[p["kind"]]
        for cited in _split(p["cites"]):
            assert demo.patent[cited]["filed"] <= p["filed"]
        kinds[p["kind"]] += 1
        statuses[p["status"]] += 1
    assert kinds["invention"] > kinds["utility"] > 0
    assert {"granted", "pending", "invalid", "expired"} <= set(statuses)
    assert any(w in p["abstract"] for p in demo.patents for w in ("中试", "小试", "示范", "小批量"))


def test_licences_follow_the_chain_and_dates(demo):
    types = Counter(lic["type"] for lic in demo.licenses)
    assert set(types) == {"exclusive", "sole", "ordinary", "open"}
    offered = {o["pub_no"]: o for o in demo.offers}
    pairs = Counter()
    aligned = 0
    for lic in demo.licenses:
        p = demo.patent[lic["pub_no"]]
        assert dt.date.fromisoformat(lic["date"]) > dt.date.fromisoformat(p["filed"])
        assert re.match(r"^X20\d{2}98\d{7}$", lic["record_no"])
        licensor, licensee = demo.org(lic["licensor"]), demo.org(lic["licensee"])
        assert licensor["name"] != licensee["name"]
        assert licensee["kind"] == "company" and licensee["size"] != "large", "licensees are SMEs"
        pairs[(licensor["kind"], licensor["size"])] += 1
        if lic["type"] == "open":
            assert lic["pub_no"] in offered and lic["date"] > offered[lic["pub_no"]]["declared"]
        # Licensors license where the SME sits: the patent's node is the licensee's node or a neighbour.
        mine = set(_split(licensee["chain_nodes"]))
        near = mine | {u for n in mine for u in demo.node[n]["upstream"]} | {
            nid for nid, n in demo.node.items() if mine & set(n["upstream"])}
        aligned += bool(demo.patent_nodes(lic["pub_no"]) & near)
    assert pairs[("company", "large")] >= 50 and pairs[("university", "large")] >= 20
    assert aligned >= 0.7 * len(demo.licenses)
    for off in demo.offers:
        p = demo.patent[off["pub_no"]]
        assert p["status"] in ("granted", "invalid") and off["declared"] > p["granted"] >= "2016"
        assert off["fee_terms"] and "万元" in off["fee_terms"]


def test_transfers_have_both_modes_and_update_holders(demo):
    modes = Counter(t["mode"] for t in demo.transfers)
    assert set(modes) == {"assignment", "equity"}
    for t in demo.transfers:
        p = demo.patent[t["pub_no"]]
        assert t["date"] > p["filed"]
        assert demo.org(_split(p["holders"])[0])["name"] == demo.org(t["assignee"])["name"]
    assert any(demo.org(t["assignor"])["kind"] == "university" and demo.org(t["assignee"])["size"] != "large"
               for t in demo.transfers)


def test_multi_hop_licence_paths_exist(demo):
    """A → B → D licence chains, and B linked to C in profiles (subsidiary/cooperation) with C → D'."""
    edges: dict[str, set[str]] = {}
    for lic in demo.licenses:
        edges.setdefault(demo.org(lic["licensor"])["name"], set()).add(demo.org(lic["licensee"])["name"])
    two_hop = [(a, b, d) for a, bs in edges.items() for b in bs for d in edges.get(b, ()) if d != a]
    assert len(two_hop) >= 10
    licensors = set(edges)
    linked = 0
    for o in demo.orgs:
        m = re.search(r"是(.+?)的控股子公司", o["profile"])
        if m and o["name"] in {x for v in edges.values() for x in v} and m.group(1) in licensors:
            linked += 1
    assert linked >= 3


def test_profiles_carry_relation_sentences(demo):
    text = "".join(o["profile"] for o in demo.orgs)
    for cue in ("提供", "联合开发", "控股子公司"):
        assert text.count(cue) >= 20, cue
    names = {o["name"] for o in demo.orgs}
    for m in re.finditer(r"公司为(.+?)提供", text):
        assert m.group(1) in names


def test_achievements_and_demands(demo):
    trls = Counter(a["trl"] for a in demo.achievements)
    assert set(trls) <= set(range(1, 10)) and len(trls) >= 6
    stated = 0
    for a in demo.achievements:
        m = re.search(r"技术成熟度(\d)级|TRL (\d)", a["description"])
        if m:
            stated += 1
            assert int(m.group(1) or m.group(2)) == a["trl"]
        assert any(w in a["description"] for w in ("验证", "中试", "小试", "示范", "量产", "研究", "试生产", "概念"))
        assert a["transfer_modes"] and a["field"]
    assert stated >= 15
    kinds = Counter(d["kind"] for d in demo.demands)
    assert kinds["challenge"] >= 10 and kinds["demand"] >= 25
    assert all("揭榜挂帅" in d["title"] for d in demo.demands if d["kind"] == "challenge")
    for d in demo.demands:
        assert d["budget"] > 0 and f"{d['budget'] // 10_000}万元" in d["description"]
        assert dt.date.fromisoformat(d["deadline"]) >= dt.date(2024, 6, 1)
    smes = sum(1 for d in demo.demands if demo.org(d["poster"])["kind"] == "company" and demo.org(d["poster"])["size"] != "large")
    assert smes >= 0.6 * len(demo.demands)
    assert sum(bool(d["responders"]) for d in demo.demands) >= 0.5 * len(demo.demands)


def test_loader_reader_accepts_the_generated_files(demo):
    """The loader's own readers open every generated table with the contract's columns."""
    from loaders.readers import open_table

    for name in DATA_FILES:
        table = open_table(demo.path / name)
        rows = list(table.rows)
        assert rows and not [r for r in rows if r.problem], name


@pytest.mark.slow
def test_large_runs_stream_with_bounded_memory(tmp_path):
    tracemalloc.start()
    try:
        counts = generate_demo(tmp_path / "big", seed=3, n_patents=20_000, chains_dir=CHAINS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts.patents == 20_000 and counts.bytes > 8_000_000
    # Output is ~11.6 MB; the generator keeps organisations and small rings only, never the rows. The
    # fixed part includes a 128 KiB row buffer per open csv writer (7 base files + 2 programme files).
    assert peak < 0.35 * counts.bytes, f"peak {peak / 1e6:.1f} MB for {counts.bytes / 1e6:.1f} MB written"
    with open(tmp_path / "big" / "patents.csv", encoding="utf-8") as f:
        assert sum(1 for _ in f) == 20_001


def test_cli(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "d"), "--seed", "5", "--patents", "300"]) == 0
    assert "300 patents" in capsys.readouterr().out
    assert (tmp_path / "d" / "chains" / "nev_battery.yaml").is_file()
    assert main(["--out", str(tmp_path / "e"), "--patents", "5"]) == 2
    assert "at least 100" in capsys.readouterr().err
    assert main(["--out", str(tmp_path / "f"), "--chains", str(tmp_path / "nowhere")]) == 2
    assert "no chain" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# programme files (issue 14)


def test_programme_files_have_believable_proportions(demo):
    kinds = Counter((e["活动日期"][:4], e["活动类型"]) for e in demo.events)
    for year in ("2023", "2024", "2025"):
        assert kinds[(year, "深度行")] >= 10, "the programme asks for at least ten 深度行 a year"
        assert kinds[(year, "对接会")] and kinds[(year, "路演")] and kinds[(year, "揭榜")]
    assert len(demo.participants) >= 4 * len(demo.events)
    assert 50 <= len(demo.deals) <= 3 * len(demo.events)
    assert set(Counter(d["kind"] for d in demo.deals)) == {"许可", "转让", "作价入股", "合作开发", "技术服务"}
    assert len(demo.tiers) >= 100 and len({p["登记号"] for p in demo.pledges}) >= 40
    assert len(demo.clusters) >= 15 and len(demo.members) >= 5 * len(demo.clusters)
    assert len(demo.bodies) >= 20 and len(demo.managers) >= 10


def test_programme_references_resolve(demo):
    events = {e["活动编号"] for e in demo.events}
    achs = {a["ach_id"] for a in demo.achievements}
    dems = {d["demand_id"] for d in demo.demands}
    chains = {c["id"] for c in demo.chains}
    for e in demo.events:
        assert e["产业链"] in chains and e["举办地"] in REGIONS
        assert e["主办单位"] in demo.body or demo.org(e["主办单位"])
    for p in demo.participants:
        assert p["event_id"] in events
        demo.org(p["participant"])
        assert not p["achievement"] or p["achievement"] in achs
        assert not p["demand"] or p["demand"] in dems
    licences = {x["license_id"] for x in demo.licenses}
    transfers = {x["transfer_id"] for x in demo.transfers}
    for d in demo.deals:
        for ref in (d["provider"], d["recipient"]):
            assert ref in demo.body or demo.org(ref)
        assert not d["event_id"] or d["event_id"] in events
        assert not d["demand_id"] or d["demand_id"] in dems
        assert not d["ach_id"] or d["ach_id"] in achs
        assert not d["license_id"] or d["license_id"] in licences
        assert not d["transfer_id"] or d["transfer_id"] in transfers
        assert float(d["成交金额(万元)"]) > 0
        assert d["event_id"] or d["demand_id"] or d["transfer_id"], "a deal comes from an event, a match or a transfer"
    for t in demo.tiers:
        assert demo.org(t["企业名称"])["kind"] == "company"
    for p in demo.pledges:
        assert p["专利号"] in demo.patent and demo.patent[p["专利号"]]["status"] == "granted"
        demo.org(p["出质人"]), demo.org(p["质权人"])
        assert "银行" in p["质权人"]
    for m in demo.members:
        assert m["cluster"] in {c["cluster_id"] for c in demo.clusters}
        demo.org(m["member"])
    for tm in demo.managers:
        assert tm["所在机构"] in demo.body
    for a in demo.achievements:
        assert not a.get("evaluator") or a["evaluator"] in demo.body


def test_programme_records_tell_a_consistent_story(demo):
    rank = {"专精特新中小企业": 1, "专精特新“小巨人”企业": 2, "制造业单项冠军企业": 3}
    history: dict[str, list[tuple[int, int]]] = {}
    for t in demo.tiers:
        history.setdefault(demo.org(t["企业名称"])["name"], []).append((int(t["年份"]), rank[t["称号"]]))
    upgrades = sum(1 for awards in history.values() for y, r in awards
                   if any(y2 < y for y2, _ in awards) and all(r2 < r for y2, r2 in awards if y2 < y))
    assert upgrades >= 10, "tier upgrades across years"
    by_reg: dict[str, set[tuple[str, str, str]]] = {}
    for p in demo.pledges:
        by_reg.setdefault(p["登记号"], set()).add((p["出质人"], p["登记生效日"], p["状态"]))
        if p["解除日"]:
            assert p["状态"] == "已解除" and p["解除日"] > p["登记生效日"]
    assert all(len(v) == 1 for v in by_reg.values()), "one registration = one pledgor, date and status"
    assert any(len([p for p in demo.pledges if p["登记号"] == reg]) > 1 for reg in by_reg)
    for a in demo.achievements:
        assert a["eval_method"] in ("第三方评价", "专家评价", "自我声明") and a["level"]
        assert (a["eval_method"] == "自我声明") == (a.get("self_declared") == "是")
        if "经第三方评价" in a["description"]:
            assert a["eval_method"] == "第三方评价"
        assert (a["fiscal_funded"] == "是") == bool(a.get("funding_project"))
    assert {d["status"] for d in demo.demands} == {"open", "awarded", "closed"}
    assert all(d.get("winner") for d in demo.demands if d["status"] == "awarded")
    assert sum(1 for lic in demo.licenses if lic["type"] == "open" and lic["offer_id"]) >= 5
    for name in [b["机构名称"] for b in demo.bodies] + [m["姓名"] for m in demo.managers] + [c["name"] for c in demo.clusters]:
        assert "示例" in name or "演示" in name, name
