"""Integration: the programme's files (issue 14) loaded into the real local Neo4j, hand-checked.

One small source folder holds every new file kind (events, event_participants, deals, tiers, pledges
with CNIPA 质押登记 headers, clusters, cluster_members, service_bodies, tech_managers) plus the
extended achievements / demands / licences; every key carries the test's ``ns`` prefix.
"""

from __future__ import annotations

import csv
import json
import uuid

import pytest
from click.testing import CliRunner

from loaders.headers import FILE_SPECS, map_headers
from loaders.normalise import normalise_app_no
from loaders.pipeline import load_directory

pytestmark = pytest.mark.neo4j

NEW_KINDS = ("events", "event_participants", "deals", "tiers", "pledges", "clusters", "cluster_members",
             "service_bodies", "tech_managers")


def _csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def pubs(driver, settings, ns):
    """Patent numbers unique to this test; cleanup of what the test wrote under keys without ``ns``."""
    base = 100_000_000 + uuid.uuid4().int % 800_000_000
    out = [f"CN{base + i}" for i in range(4)]
    yield out
    driver.execute_query(
        "MATCH (n) WHERE (n:Organization AND n.name STARTS WITH $p) "
        "OR (n:Patent AND any(x IN $pubs WHERE n.pub_no STARTS WITH x)) "
        "OR (n:TierAward AND n.org_id STARTS WITH $p) "
        "OR ((n:License OR n:OpenLicenseOffer) AND any(x IN $pubs WHERE coalesce(n.pub_no, '') STARTS WITH x)) "
        "DETACH DELETE n", p=ns, pubs=out, database_=settings.database)


def app_no_of(i: int) -> str:
    return normalise_app_no(f"2021101{i:05d}")  # computes the check digit


def make_dir(tmp_path, ns, pubs):
    """The hand-checked source folder (see the asserts in test_every_new_kind_loads_as_hand_checked)."""
    d = tmp_path / "in"
    (d / "chains").mkdir(parents=True, exist_ok=True)
    (d / "chains" / "bat.yaml").write_text(
        f"id: {ns}bat\nname: 测试动力电池\nnodes:\n"
        "  - {id: cathode, name: 正极材料, segment: upstream, keywords: [正极], ipc: [H01M4]}\n"
        "  - {id: cell, name: 电芯, segment: midstream, upstream: [cathode], keywords: [电芯], ipc: ['H01M 10/0525']}\n",
        encoding="utf-8")
    a, b, u, k, s = (f"{ns}甲电池有限公司", f"{ns}乙汽车有限公司", f"{ns}丙大学", f"{ns}丁银行股份有限公司",
                     f"{ns}戊技术转移中心")
    _csv(d / "organizations.csv", ["name", "org_id", "kind", "size", "tier", "region"],
         [[a, f"{ns}A", "company", "", "", "江苏省苏州市"],
          [b, f"{ns}B", "company", "large", "", "广东省深圳市"],
          [u, f"{ns}U", "university", "", "", "北京市"],
          [k, f"{ns}K", "company", "large", "", "上海市"]])
    _csv(d / "service_bodies.csv", ["机构名称", "org_id", "所在地区", "服务类型", "服务产业链", "服务环节", "服务地区"],
         [[s, f"{ns}S", "江苏省苏州市", "转移转化;成果评价", f"{ns}bat", f"{ns}bat.cell", "苏州市;上海市"]])
    _csv(d / "patents.csv", ["pub_no", "app_no", "title", "applicants", "ipc", "filed"],
         [[pubs[0] + "B", app_no_of(0), "一种高镍正极材料", u, "H01M4/525", "2021-03-04"],
          [pubs[1] + "B", app_no_of(1), "一种电芯", a, "H01M10/0525", "2020-01-02"]])
    _csv(d / "licenses.csv", ["license_id", "pub_no", "licensor", "licensee", "type", "date", "许可费(万元)", "备案号"],
         [[f"{ns}L1", pubs[0] + "B", u, a, "开放许可", "2024-03-01", "5", "X2024001"],
          [f"{ns}L2", pubs[0] + "B", u, b, "普通许可", "2024-04-01", "", ""]])
    _csv(d / "open_licenses.csv", ["offer_id", "pub_no", "fee_terms", "declared"],
         [[f"{ns}O0", pubs[0] + "B", "每年3万元", "2022-06-01"],
          [f"{ns}O1", pubs[0] + "B", "每年5万元", "2023-01-01"]])
    (d / "achievements.jsonl").write_text(json.dumps({
        "ach_id": f"{ns}ACH1", "成果名称": "高镍正极量产", "成果简介": "中试完成", "完成单位": u, "技术成熟度": "TRL6",
        "制造成熟度": "5级", "技术领域": "新能源", "成果水平": "国内领先", "评价机构": s, "评价方式": "第三方评价",
        "评价日期": "2024-05-06", "评价结论": "达到国内领先水平", "财政资金项目": "是", "项目名称": "示例重点研发计划",
        "转化方式": "许可;作价入股", "面向中小企业": "是", "patents": pubs[0] + "B"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (d / "demands.jsonl").write_text(json.dumps({
        "demand_id": f"{ns}D1", "title": "固态电解质", "description": "揭榜挂帅", "poster": a, "kind": "揭榜挂帅",
        "budget": "500万", "status": "已揭榜", "winner": u}, ensure_ascii=False) + "\n", encoding="utf-8")
    _csv(d / "events.csv", ["活动编号", "活动名称", "活动类型", "活动日期", "举办地", "产业链", "主办单位", "活动成效"],
         [[f"{ns}E1", "赋智深度行·苏州站", "深度行", "2024-06-01", "江苏省苏州市", f"{ns}bat", s, "签约2项"],
          [f"{ns}E2", "成果路演", "路演", "2024-09-10", "上海市", "", "", ""]])
    _csv(d / "event_participants.csv", ["event_id", "participant", "role", "achievement", "demand"],
         [[f"{ns}E1", a, "参会", "", ""],
          [f"{ns}E1", u, "路演方", f"{ns}ACH1", ""],
          [f"{ns}E1", "", "", "", f"{ns}D1"]])
    _csv(d / "deals.csv", ["deal_id", "kind", "provider", "recipient", "成交金额(万元)", "date", "status", "event_id",
                           "demand_id", "ach_id", "patents", "license_id"],
         [[f"{ns}DL1", "许可", u, a, "50", "2024-07-01", "已签约", f"{ns}E1", f"{ns}D1", f"{ns}ACH1", pubs[0] + "B",
           f"{ns}L1"],
          [f"{ns}DL2", "技术服务", s, b, "", "2024-10-01", "", f"{ns}E2", "", "", "", ""]])
    _csv(d / "tiers.csv", ["企业名称", "称号", "年份", "批次", "来源"],
         [[a, "专精特新中小企业", "2022", "第四批", "示例省工信厅公告"],
          [a, "专精特新小巨人", "2024年", "第六批", ""],
          [b, "单项冠军", "2023", "第八批", ""]])
    # CNIPA 专利权质押登记 notice columns: two patents under one registration (one by 专利号 = ZL application number)
    _csv(d / "pledges.csv", ["专利号", "发明名称", "出质人", "质权人", "登记号", "登记生效日", "解除日", "质押金额(万元)"],
         [[pubs[1] + "B", "一种电芯", a, k, f"{ns}Y2024001", "2024-02-01", "", "300"],
          ["ZL" + app_no_of(0), "一种高镍正极材料", a, k, f"{ns}Y2024001", "2024-02-01", "", "300"],
          [pubs[1] + "B", "一种电芯", a, k, f"{ns}Y2022009", "2022-01-10", "2023-01-10", "100"]])
    _csv(d / "clusters.csv", ["cluster_id", "name", "kind", "level", "year", "region", "chains"],
         [[f"{ns}C1", "示例锂电特色产业集群", "中小企业特色产业集群", "国家级", "2023", "江苏省苏州市", f"{ns}bat"]])
    _csv(d / "cluster_members.csv", ["cluster", "member"], [[f"{ns}C1", a], [f"{ns}C1", b]])
    _csv(d / "tech_managers.csv", ["person_id", "姓名", "所在机构", "证书编号", "所在地区", "服务环节"],
         [[f"{ns}P1", "示例张经理", s, "JS-2023-001", "苏州市", f"{ns}bat.cell"]])
    return d


def q(driver, settings, cypher, **params):
    recs, _, _ = driver.execute_query(cypher, params, database_=settings.database)
    return [r.data() for r in recs]


def counts(driver, settings, ns):
    """Nodes and relationships touching this test's data (by key prefix or name prefix)."""
    rows = q(driver, settings,
             "MATCH (n) WHERE any(k IN keys(n) WHERE k IN ['org_id','event_id','deal_id','pledge_id','cluster_id',"
             "'person_id','ach_id','demand_id','chain_id','node_id','license_id','offer_id'] AND toString(n[k]) STARTS WITH $p) "
             "OPTIONAL MATCH (n)-[r]-() RETURN count(DISTINCT n) AS nodes, count(DISTINCT r) AS rels", p=ns)
    return rows[0]["nodes"], rows[0]["rels"]


def test_every_new_kind_loads_as_hand_checked(driver, settings, ns, pubs, tmp_path):
    report = load_directory(driver, make_dir(tmp_path, ns, pubs), database=settings.database, defer_indexes=False)
    assert not report.fatal and report.rejects == [], report.rejects
    loaded = {f.kind: f.loaded for f in report.files}
    assert {k: loaded[k] for k in NEW_KINDS} == {
        "events": 2, "event_participants": 3, "deals": 2, "tiers": 3, "pledges": 3, "clusters": 1,
        "cluster_members": 2, "service_bodies": 1, "tech_managers": 1}

    # service body: Organization kind service + ServiceBody, types, SERVES chain and node, regions served
    sb = q(driver, settings, "MATCH (o:ServiceBody {org_id: $id}) RETURN o.kind AS kind, o.service_types AS t, "
           "o.region_code AS rc, labels(o) AS l, [(o)-[:SERVES]->(x) | coalesce(x.node_id, x.chain_id)] AS serves, "
           "[(o)-[:SERVES_REGION]->(r) | r.code] AS regions", id=f"{ns}S")[0]
    assert sb["kind"] == "service" and sb["t"] == ["transfer", "evaluation"] and sb["rc"] == "320500"
    assert set(sb["l"]) == {"Organization", "ServiceBody"}
    assert sorted(sb["serves"]) == sorted([f"{ns}bat", f"{ns}bat.cell"]) and sorted(sb["regions"]) == ["310000", "320500"]

    # achievement: programme fields, EVALUATED by the known service body, region derived from the owner (北京)
    ach = q(driver, settings, "MATCH (a:Achievement {ach_id: $id}) OPTIONAL MATCH (e)-[r:EVALUATED]->(a) "
            "RETURN a {.*} AS a, e.org_id AS ev, r {.*} AS r", id=f"{ns}ACH1")[0]
    a = ach["a"]
    assert (a["field"], a["level"], a["trl"], a["mrl"], a["eval_method"], a["self_declared"]) == (
        "新能源", "国内领先", 6, 5, "third_party", False)
    assert a["fiscal_funded"] is True and a["open_to_sme"] is True and a["funding_project"] == "示例重点研发计划"
    assert a["transfer_modes"] == ["license", "equity"] and a["year"] == 2024 and str(a["eval_date"]) == "2024-05-06"
    assert a["region_code"] == "110000" and a["evaluator"] == f"{ns}戊技术转移中心"
    assert ach["ev"] == f"{ns}S" and ach["r"]["method"] == "third_party" and str(ach["r"]["date"]) == "2024-05-06"

    # challenge status and winner; budget in 万元
    dem = q(driver, settings, "MATCH (d:Challenge {demand_id: $id})<-[:WON]-(w) RETURN d.status AS s, d.budget AS b, "
            "w.org_id AS w", id=f"{ns}D1")
    assert dem == [{"s": "awarded", "b": 500.0, "w": f"{ns}U"}]

    # licences: fee in 万元; the open licence is UNDER the latest offer declared before it; L2 is not open
    lic = q(driver, settings, "MATCH (l:License) WHERE l.license_id IN [$a, $b] OPTIONAL MATCH (l)-[:UNDER]->(o) "
            "RETURN l.license_id AS id, l.fee AS fee, l.record_no AS rec, collect(o.offer_id) AS offers ORDER BY id",
            a=f"{ns}L1", b=f"{ns}L2")
    assert lic == [{"id": f"{ns}L1", "fee": 5.0, "rec": "X2024001", "offers": [f"{ns}O1"]},
                   {"id": f"{ns}L2", "fee": None, "rec": None, "offers": []}]

    # events: kind, date, region (LOCATED_IN), chain, organiser, participants and what was presented
    ev = q(driver, settings, "MATCH (e:Event {event_id: $id}) RETURN e.kind AS kind, toString(e.date) AS date, "
           "e.region_code AS rc, e.chain_id AS chain, [(e)-[:LOCATED_IN]->(r) | r.code] AS loc, "
           "[(e)-[:ON_CHAIN]->(c) | c.chain_id] AS on_chain, [(o)-[:ORGANISED]->(e) | o.org_id] AS org, "
           "[(o)-[r:ATTENDED]->(e) | [o.org_id, r.role]] AS att, "
           "[(e)-[:PRESENTED]->(x) | coalesce(x.ach_id, x.demand_id)] AS shown", id=f"{ns}E1")[0]
    assert (ev["kind"], ev["date"], ev["rc"], ev["chain"], ev["loc"], ev["on_chain"], ev["org"]) == (
        "deep_dive", "2024-06-01", "320500", f"{ns}bat", ["320500"], [f"{ns}bat"], [f"{ns}S"])
    assert sorted(ev["att"]) == [[f"{ns}A", "attendee"], [f"{ns}U", "presenter"]]
    assert sorted(ev["shown"]) == [f"{ns}ACH1", f"{ns}D1"]
    e2 = q(driver, settings, "MATCH (e:Event {event_id: $id}) RETURN e.kind AS k, [(e)-[:LOCATED_IN]->(r) | r.code] AS loc",
           id=f"{ns}E2")
    assert e2 == [{"k": "roadshow", "loc": ["310000"]}]

    # deals: value 万元, parties with roles, origin event / demand / achievement, patent, licence record
    deal = q(driver, settings, "MATCH (d:Deal {deal_id: $id}) RETURN d {.*} AS d, "
             "[(o)-[r:PARTY_TO]->(d) | [o.org_id, r.role]] AS parties, [(d)-[:FROM_EVENT]->(e) | e.event_id] AS ev, "
             "[(d)-[:ANSWERS]->(x) | x.demand_id] AS dem, [(d)-[:USES]->(x) | x.ach_id] AS ach, "
             "[(d)-[:COVERS]->(p) | p.pub_no] AS pat, [(d)-[:RECORDED_AS]->(l) | l.license_id] AS rec", id=f"{ns}DL1")[0]
    assert (deal["d"]["kind"], deal["d"]["value"], str(deal["d"]["date"]), deal["d"]["status"]) == (
        "license", 50.0, "2024-07-01", "signed")
    assert sorted(deal["parties"]) == [[f"{ns}A", "recipient"], [f"{ns}U", "provider"]]
    assert (deal["ev"], deal["dem"], deal["ach"], deal["pat"], deal["rec"]) == (
        [f"{ns}E1"], [f"{ns}D1"], [f"{ns}ACH1"], [pubs[0] + "B"], [f"{ns}L1"])
    dl2 = q(driver, settings, "MATCH (d:Deal {deal_id: $id}) RETURN d.kind AS k, d.value AS v, d.status AS s",
            id=f"{ns}DL2")
    assert dl2 == [{"k": "service", "v": None, "s": "signed"}]

    # tier awards; organisation tier from the highest award when the file gave none (B is large: no is_sme change)
    tiers = q(driver, settings, "MATCH (o:Organization)-[:AWARDED]->(t:TierAward) WHERE o.org_id IN [$a, $b] "
              "RETURN o.org_id AS o, t.tier AS tier, t.year AS y, t.batch AS batch ORDER BY o, y",
              a=f"{ns}A", b=f"{ns}B")
    assert [(t["o"], t["tier"], t["y"], t["batch"]) for t in tiers] == [
        (f"{ns}A", "专精特新", 2022, "第四批"), (f"{ns}A", "小巨人", 2024, "第六批"), (f"{ns}B", "单项冠军", 2023, "第八批")]
    orgs = q(driver, settings, "MATCH (o:Organization) WHERE o.org_id IN [$a, $b, $u] RETURN o.org_id AS o, o.tier AS t, "
             "o.tier_source AS src, o.tier_year AS y, o.is_sme AS sme ORDER BY o", a=f"{ns}A", b=f"{ns}B", u=f"{ns}U")
    assert orgs == [{"o": f"{ns}A", "t": "小巨人", "src": "tier_awards", "y": 2024, "sme": True},
                    {"o": f"{ns}B", "t": "单项冠军", "src": "tier_awards", "y": 2023, "sme": False},
                    {"o": f"{ns}U", "t": "none", "src": None, "y": None, "sme": None}]

    # pledges: one registration with two patents (one named by ZL application number), a released one
    pl = q(driver, settings, "MATCH (g:Organization)-[:PLEDGOR]->(p:Pledge)-[:PLEDGEE]->(bank) WHERE p.pledge_id STARTS WITH $p "
           "RETURN p.pledge_id AS id, p.amount AS amt, p.status AS s, toString(p.registered) AS reg, "
           "toString(p.released) AS rel, g.org_id AS g, bank.org_id AS bank, "
           "[(p)-[:OF]->(x) | x.pub_no] AS pats ORDER BY id", p=ns)
    assert [(r["id"], r["amt"], r["s"], r["reg"], r["rel"], r["g"], r["bank"], sorted(r["pats"])) for r in pl] == [
        (f"{ns}Y2022009", 100.0, "released", "2022-01-10", "2023-01-10", f"{ns}A", f"{ns}K", [pubs[1] + "B"]),
        (f"{ns}Y2024001", 300.0, "active", "2024-02-01", None, f"{ns}A", f"{ns}K", sorted([pubs[0] + "B", pubs[1] + "B"]))]

    # clusters and members; tech manager
    cl = q(driver, settings, "MATCH (c:Cluster {cluster_id: $id}) RETURN c.kind AS k, c.level AS lvl, c.year AS y, "
           "[(c)-[:LOCATED_IN]->(r) | r.code] AS loc, [(c)-[:ON_CHAIN]->(x) | x.chain_id] AS chains, "
           "[(o)-[:MEMBER_OF]->(c) | o.org_id] AS members", id=f"{ns}C1")[0]
    assert (cl["k"], cl["lvl"], cl["y"], cl["loc"], cl["chains"]) == ("cluster", "国家级", 2023, ["320500"], [f"{ns}bat"])
    assert sorted(cl["members"]) == [f"{ns}A", f"{ns}B"]
    tm = q(driver, settings, "MATCH (p:Person {person_id: $id})-[:WORKS_FOR]->(o) RETURN p.role AS role, p.certificate AS c, "
           "p.region_code AS rc, o.org_id AS o, [(p)-[:SERVES]->(n) | n.node_id] AS nodes", id=f"{ns}P1")
    assert tm == [{"role": "tech_manager", "c": "JS-2023-001", "rc": "320500", "o": f"{ns}S", "nodes": [f"{ns}bat.cell"]}]


def test_reload_is_idempotent(driver, settings, ns, pubs, tmp_path):
    d = make_dir(tmp_path, ns, pubs)
    first = load_directory(driver, d, database=settings.database, defer_indexes=False)
    assert first.exit_code == 0, first.rejects
    before = counts(driver, settings, ns)
    second = load_directory(driver, d, database=settings.database, defer_indexes=False)
    assert second.exit_code == 0 and counts(driver, settings, ns) == before
    derived = second.derived
    for name in ("achievement_region", "license_under_offer_id", "license_under_open_offer", "event_located_in",
                 "cluster_located_in", "pledge_of_app_no", "org_tier_from_awards"):
        assert derived[name]["relationships_created"] == 0 and derived[name]["relationships_deleted"] == 0, name
    assert derived["org_tier_from_awards"]["properties_set"] == 0
    assert derived["achievement_region"]["properties_set"] == 0


# One bad row per kind (besides good ones): (file, header, rows, expected (line, field) rejects)
BAD_ROWS = {
    "events": (["event_id", "name", "kind", "date"],
               [["{ns}E1", "好活动", "对接会", "2024-01-01"], ["{ns}E9", "坏类型", "晚宴", "2024-01-01"],
                ["{ns}E8", "坏日期", "路演", "2024-13-45"]], [(3, "kind"), (4, "date")]),
    "event_participants": (["event_id", "participant", "achievement"],
                           [["{ns}NOPE", "{ns}甲电池有限公司", ""], ["{ns}E1", "", ""]],
                           [(2, "event_id"), (3, "participant")]),
    "deals": (["deal_id", "kind", "provider", "recipient", "value", "event_id"],
              [["{ns}X1", "赠送", "{ns}丙大学", "{ns}甲电池有限公司", "", ""],
               ["{ns}X2", "许可", "{ns}丙大学", "{ns}甲电池有限公司", "很多", ""],
               ["{ns}X3", "许可", "{ns}丙大学", "{ns}甲电池有限公司", "", "{ns}NOPE"]],
              [(2, "kind"), (3, "value"), (4, "event_id")]),
    "tiers": (["org", "tier", "year"],
              [["{ns}甲电池有限公司", "无", "2024"], ["{ns}甲电池有限公司", "小巨人", "去年"]], [(2, "tier"), (3, "year")]),
    "pledges": (["专利号", "出质人", "质权人", "登记号", "登记生效日", "解除日"],
                [["not-a-patent", "{ns}甲电池有限公司", "{ns}丁银行股份有限公司", "{ns}Y1", "2024-01-01", ""],
                 ["CN100000001B", "{ns}甲电池有限公司", "{ns}丁银行股份有限公司", "{ns}Y2", "2024-01-01", "2023-01-01"]],
                [(2, "patent"), (3, "released")]),
    "clusters": (["cluster_id", "name", "kind", "year"],
                 [["{ns}C9", "示例园区", "游乐场", "2023"], ["{ns}C8", "示例集群", "集群", "明年"]],
                 [(2, "kind"), (3, "year")]),
    "cluster_members": (["cluster", "member"], [["{ns}NOPE", "{ns}甲电池有限公司"], ["{ns}C1", ""]],
                        [(2, "cluster"), (3, "member")]),
    "service_bodies": (["name", "service_types"], [["{ns}己检测有限公司", "算命"], ["", "中试"]],
                       [(2, "service_types"), (3, "name")]),
    "tech_managers": (["person_id", "name", "certificate"], [["{ns}P9", "", "X"]], [(2, "name")]),
}


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_bad_rows_are_rejected_with_file_row_and_field(driver, settings, ns, pubs, tmp_path, kind):
    d = make_dir(tmp_path, ns, pubs)
    header, rows, expected = BAD_ROWS[kind]
    _csv(d / f"{kind}.csv", header, [[c.replace("{ns}", ns) for c in r] for r in rows])
    report = load_directory(driver, d, database=settings.database, defer_indexes=False)
    assert report.exit_code == 1 and not report.fatal
    got = sorted((r.row, r.field) for r in report.rejects if r.file == f"{kind}.csv")
    assert got == expected, [(r.row, r.field, r.reason) for r in report.rejects]
    assert all(r.reason for r in report.rejects)


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_missing_required_column_is_fatal_and_writes_nothing_of_the_file(driver, settings, ns, pubs, tmp_path, kind):
    d = make_dir(tmp_path, ns, pubs)
    spec = FILE_SPECS[kind]
    dropped = spec.required[-1]
    _csv(d / f"{kind}.csv", [c for c in spec.columns if c != dropped] + ["note"], [])
    report = load_directory(driver, d, database=settings.database, defer_indexes=False)
    assert report.exit_code == 2
    msg = next(m for m in report.fatal if m.startswith(f"{kind}.csv"))
    assert dropped in msg and "missing required column" in msg


def test_cli_load_exit_codes(driver, settings, ns, pubs, tmp_path):
    from app.cli import main

    d = make_dir(tmp_path, ns, pubs)
    assert CliRunner().invoke(main, ["load", str(d)]).exit_code == 0
    _csv(d / "tiers.csv", ["org", "tier", "year"], [[f"{ns}甲电池有限公司", "小巨人", "某年"]])
    result = CliRunner().invoke(main, ["load", str(d)])
    assert result.exit_code == 1 and "tiers.csv" in result.output
    _csv(d / "pledges.csv", ["专利号", "出质人"], [])
    assert CliRunner().invoke(main, ["load", str(d)]).exit_code == 2


def test_cnipa_pledge_notice_headers_map_to_canonical_columns():
    header = ["序号", "专利号", "发明名称", "出质人", "质权人", "质押登记号", "登记生效日", "注销日", "质押金额（万元）", "质押期限届满日"]
    hmap = map_headers("pledges", header)
    assert hmap.canonical == {"patent": "专利号", "title": "发明名称", "pledgor": "出质人", "pledgee": "质权人",
                              "registration_no": "质押登记号", "registered": "登记生效日", "released": "注销日",
                              "amount_wan": "质押金额（万元）", "term_end": "质押期限届满日"}
    assert hmap.missing(FILE_SPECS["pledges"]) == [] and list(hmap.extras.values()) == ["序号"]
    alt = map_headers("pledges", ["申请号", "出质人", "质权人", "登记号", "解除日", "质押金额"])
    assert alt.canonical["patent"] == "申请号" and alt.canonical["released"] == "解除日" and alt.canonical["amount"] == "质押金额"
