"""The programme's saved queries (issue 14) on the hand-built graph of tests/programme_graph.py:
achievements, achievement_matches, patent_history, lookup_patents, events, service_bodies,
programme_measures, chain_gaps (service capacity), open_offers (take-up) — every answer worked out
by hand — plus EXPLAIN checks that each one enters the graph through an index, never a scan of the
big labels."""

from __future__ import annotations

import datetime as dt
import math

import neo4j
import pytest

from queries.registry import get_query, prepare_query, run_query
from tests.programme_graph import write_programme_graph

pytestmark = pytest.mark.neo4j

D = dt.date


@pytest.fixture
def pg(driver, settings, ns):
    return write_programme_graph(driver, ns, database=settings.database)


def q(driver, settings, name, **params):
    return run_query(driver, name, database=settings.database, **params)


def mine(df, col, prefix):
    """Rows whose key starts with the test prefix (other data may share the database)."""
    return df[df[col].astype(str).str.startswith(prefix)]


# ------------------------------------------------------------------ achievements


def test_achievements_full_text_and_filters(driver, settings, pg):
    p = pg.prefix
    hit = q(driver, settings, "achievements", q=p + "kw")
    assert list(mine(hit, "ach_id", p).ach_id) == [pg.AC1]  # AC1's title holds the token; AC2's does not
    row = hit[hit.ach_id == pg.AC1].iloc[0]
    assert row.owner == p + "南京理工大学" and row.owner_kind == "university" and row.owner_type == "高校"
    assert row.modes == ["许可", "转让"] and bool(row.open_to_sme) and bool(row.fiscal_funded)
    assert row.evaluation == f"第三方评价（{p}评价中心），2023-06-01" and (row.trl, row.mrl, row.year) == (6, 5, 2023)
    assert row.patents == 1 and row.nodes == [p + "正极材料"] and row.score > 0
    assert row.reason.startswith(f"标题或简介与“{p}kw”相符") and "TRL 6" in row.reason and "面向中小企业开放" in row.reason

    field = lambda **kw: list(q(driver, settings, "achievements", field=p, **kw).ach_id)  # noqa: E731 - the prefixed fields
    assert field() == [pg.AC3, pg.AC1, pg.AC2]  # no keywords: highest TRL first
    assert field(min_trl=5) == [pg.AC3, pg.AC1]
    assert field(max_trl=6, min_mrl=3) == [pg.AC1]
    assert field(max_mrl=5) == [pg.AC1, pg.AC2]
    assert field(owner_kind="university") == [pg.AC1, pg.AC2]
    assert field(owner_kind="company") == [pg.AC3]
    assert field(transfer_mode="license") == [pg.AC3, pg.AC1]
    assert field(transfer_mode="cooperation") == [pg.AC2]
    assert field(open_to_sme=True) == [pg.AC3, pg.AC1]
    assert field(open_to_sme=False) == [pg.AC3, pg.AC1, pg.AC2]  # false = no filter
    assert field(region="苏州") == [pg.AC3]  # S1 is in 苏州; AC1 (320100) and AC2 (owner U1) are 南京's
    assert field(region="长三角") == [pg.AC3, pg.AC1, pg.AC2]
    assert q(driver, settings, "achievements", field=p + "储能").ach_id.tolist() == [pg.AC3]


def test_achievements_keywords_are_words_not_lucene_syntax(driver, settings, pg):
    for text in ["AND", '"', "kw*", "(", "a:b", pg.prefix + "kw OR"]:
        df = q(driver, settings, "achievements", q=text, field=pg.prefix)
        assert set(df.ach_id) <= {pg.AC1, pg.AC2, pg.AC3}, text
    assert pg.AC1 in set(q(driver, settings, "achievements", q=pg.prefix + "kw OR", field=pg.prefix).ach_id)


# ------------------------------------------------------------------ achievement_matches


def test_achievement_matches_smes_and_demands_by_hand(driver, settings, pg):
    p = pg.prefix
    df = q(driver, settings, "achievement_matches", ach_id=pg.AC1)
    smes = df[df.kind == "sme"]
    assert list(smes.id) == [pg.S1, pg.S2]  # the SMEs on node B; the owner U1 is no SME
    s1, s2 = smes.iloc[0], smes.iloc[1]
    # S1: 2·1 node + ln(1+3 patents on B: P1 P2 P11) + 0.5 same province as U1 + 0.5 小巨人
    assert math.isclose(s1.score, round(2 + math.log(4) + 1.0, 3))
    assert math.isclose(s2.score, round(2 + math.log(2) + 1.0, 3))  # S2: P3 only; 专精特新; 江苏
    assert s1.reason == f"同属{p}正极材料环节，在这些环节有专利 3 件，与成果持有方同省，小巨人企业。"
    assert s1.tier == "小巨人" and s1.region_code == "320505" and s1.kind_name == "中小企业"
    demands = mine(df[df.kind == "demand"], "id", p)
    assert list(demands.id) == [pg.DM1]  # DM2 is an awarded challenge: left out by default
    dm1 = demands.iloc[0]
    assert dm1.score == 3.0 and dm1.org == p + "苏州丁汽车"  # 2 (node B) + 0.5 SME poster + 0.5 same province
    assert dm1.reason == f"需求涉及{p}正极材料环节，与成果相同，发布方为中小企业，与成果持有方同省。"

    closed = mine(q(driver, settings, "achievement_matches", ach_id=pg.AC1, kind="demand", include_closed=True), "id", p)
    assert list(closed.id) == [pg.DM1, pg.DM2] and closed.iloc[1].score == 2.5  # large poster L2, same province
    assert set(q(driver, settings, "achievement_matches", ach_id=pg.AC1, kind="sme").kind) == {"sme"}
    assert mine(q(driver, settings, "achievement_matches", ach_id=pg.AC1, region="深圳"), "id", p).empty
    # AC3 is S1's and on node D, where no SME is placed and no demand sits
    assert mine(q(driver, settings, "achievement_matches", ach_id=pg.AC3), "id", p).empty
    assert q(driver, settings, "achievement_matches", ach_id=p + "nope").empty


# ------------------------------------------------------------------ patent_history / lookup_patents


def test_patent_history_in_date_order(driver, settings, pg):
    p = pg.prefix
    h1 = q(driver, settings, "patent_history", patent=pg.P1)
    assert list(h1.event) == ["filed", "published", "granted", "pledge", "pledge_released"]
    assert list(h1.date) == [D(2020, 1, 1), D(2020, 7, 1), D(2021, 6, 1), D(2023, 2, 1), D(2024, 2, 1)]
    pledge = h1.iloc[3]
    assert (pledge.from_org, pledge.to_org, pledge.ref_no, pledge.value) == (p + "苏州甲科技", p + "苏州银行", "Y2023-001", 200.0)
    assert pledge.event_name == "质押登记" and "融资 200.0 万元" in pledge.detail
    assert h1.iloc[2].to_org == p + "苏州甲科技"  # granted: the holder

    h5 = q(driver, settings, "patent_history", patent=pg.P5)
    lic = h5[h5.event == "license"].iloc[0]
    assert (lic.ref_no, lic.value, lic.from_id, lic.to_id) == ("X2021-001", 10.5, pg.L1, pg.S2)
    assert lic.detail == f"{p}上海大集团 向 {p}南京乙材料 普通许可，备案号 X2021-001，许可费 10.5 万元。"

    h6 = q(driver, settings, "patent_history", patent=pg.P6)
    assert list(h6.event) == ["filed", "open_offer", "open_license"]
    assert h6.iloc[1].detail.endswith("依此声明已达成许可 1 项。")
    assert (h6.iloc[2].to_id, h6.iloc[2].ref_no, h6.iloc[2].value) == (pg.S3, "X2024-003", 2.0)

    assert list(q(driver, settings, "patent_history", patent=pg.P11).event) == ["filed", "transfer"]
    h10 = q(driver, settings, "patent_history", patent=pg.P10)
    assert list(h10.event) == ["filed", "deal"] and h10.iloc[1].value == 50.0
    assert f"源自活动“{p}苏州深度行”" in h10.iloc[1].detail
    assert q(driver, settings, "patent_history", patent=p + "NOPE").empty


def test_lookup_patents_by_number_and_title(driver, settings, pg):
    assert q(driver, settings, "lookup_patents", q=pg.P6).pub_no.tolist()[0] == pg.P6
    by_title = q(driver, settings, "lookup_patents", q=pg.prefix + "kw")
    assert {pg.P1, pg.P2, pg.P3} <= set(by_title.pub_no)  # node B's titles carry the token
    assert by_title[by_title.pub_no == pg.P1].holder.iloc[0] == pg.prefix + "苏州甲科技"


# ------------------------------------------------------------------ events / service bodies


def test_events_with_participants_and_outcomes(driver, settings, pg):
    p = pg.prefix
    df = q(driver, settings, "events", chain=pg.ch)
    assert list(df.event_id) == [pg.EV2, pg.EV1, pg.EV3]  # newest first
    ev1 = df.set_index("event_id").loc[pg.EV1]
    assert (ev1.kind_name, ev1.participants, ev1.smes, ev1.achievements, ev1.demands, ev1.deals) == ("深度行", 3, 2, 1, 1, 1)
    assert ev1.organisers == [p + "苏州工信局"] and ev1.presenters == [p + "南京理工大学"] and ev1.deal_value == 50.0
    assert ev1.outcome == "促成成交 1 项，金额 50.0 万元；签约意向 2 项。" and ev1.chain == p + "测试链"
    assert df.set_index("event_id").loc[pg.EV3, "outcome"] == "暂无成交记录。"
    assert list(q(driver, settings, "events", chain=pg.ch, kind="deep_dive").event_id) == [pg.EV1, pg.EV3]
    assert list(q(driver, settings, "events", chain=pg.ch, year=2024).event_id) == [pg.EV2, pg.EV1]
    assert list(q(driver, settings, "events", chain=pg.ch, region="江苏").event_id) == [pg.EV2, pg.EV1]
    assert list(q(driver, settings, "events", chain=pg.ch, region="粤港澳大湾区").event_id) == [pg.EV3]


def test_service_bodies_by_chain_node_region_type(driver, settings, pg):
    p = pg.prefix
    ids = lambda **kw: list(q(driver, settings, "service_bodies", **kw).org_id)  # noqa: E731
    assert ids(chain=pg.ch) == [pg.SB1, pg.SB2]  # SB1 serves node A, SB2 the whole chain
    assert ids(node=pg.A) == [pg.SB1, pg.SB2] and ids(node=pg.B) == [pg.SB2]
    assert ids(chain=pg.ch, region="江苏") == [pg.SB1]
    assert ids(chain=pg.ch, region="苏州") == [pg.SB1]  # SB1 serves all of 江苏 from 南京
    assert ids(chain=pg.ch, region="深圳") == [pg.SB2]  # based there
    assert ids(chain=pg.ch, service_type="pilot") == [pg.SB2]
    sb1 = q(driver, settings, "service_bodies", node=pg.A).set_index("org_id").loc[pg.SB1]
    assert sb1.services == ["成果评价", "检测认证"] and sb1.tech_managers == [p + "张经理"] and sb1.evaluations == 1
    assert sb1.nodes == [p + "锂资源"] and sb1.regions_served == ["江苏省"] and sb1.chains == [p + "测试链"]
    assert sb1.match == "服务该环节。"


def test_chain_gaps_lead_with_reason_and_list_service_capacity(driver, settings, pg):
    p = pg.prefix
    df = q(driver, settings, "chain_gaps", chain=pg.ch, region="320000")
    assert list(df.node_id) == [pg.A, pg.D, pg.C]  # as before: B has 2 local SMEs and 6 local patents
    a = df.iloc[0]
    assert list(df.columns[:7]) == ["chain_id", "chain", "segment", "segment_name", "node_id", "node", "reason"]
    assert a.services == [f"{p}评价中心（成果评价、检测认证）", f"{p}中试基地（中试）·外地"]
    assert a.service_ids == [pg.SB1, pg.SB2] and (a.local_services, a.tech_managers) == (1, 1)
    assert a.reason.startswith("本地没有中小企业、本地专利 0 件（全国 1 家中小企业、1 件专利）；外地最强的是" + p + "深圳丙矿业（")
    assert a.reason.endswith("1 件）；本地有 1 家服务机构可支撑，本地技术经理人 1 名。")
    assert "外地最强的是" + p + "深圳丙矿业" in a.reason and a.strongest_elsewhere_ids == [pg.S3]
    d = df.iloc[1]
    assert d.local_services == 0 and "本地无服务机构，可借助外地 1 家" in d.reason
    # tier filter: only 小巨人 SMEs count, so B (one 小巨人, S1) becomes a gap too
    tiered = q(driver, settings, "chain_gaps", chain=pg.ch, region="320000", tier="小巨人")
    assert list(tiered.node_id) == [pg.A, pg.C, pg.D, pg.B] and tiered.iloc[3].reason.startswith("本地仅有 1 家小巨人企业")
    # a region group is counted live: L1 (上海) makes B's patents local, S4 (苏州) sits on C
    group = q(driver, settings, "chain_gaps", chain=pg.ch, region="长三角")
    assert list(group.node_id) == [pg.A, pg.D, pg.C] and group.iloc[2].patents_local == 1


def test_open_offers_by_holder_kind_with_take_up(driver, settings, pg):
    p = pg.prefix
    df = q(driver, settings, "open_offers", node=pg.B)
    of1 = df.iloc[0]
    assert list(df.offer_id) == [pg.OF1] and of1.holder_type == "企业"
    assert (of1.licences_taken, of1.licensees, of1.licensee_ids, of1.last_taken) == (1, [p + "深圳丙矿业"], [pg.S3], D(2024, 3, 15))
    assert q(driver, settings, "open_offers", node=pg.B, holder_kind="university").empty
    assert list(q(driver, settings, "open_offers", node=pg.B, holder_kind="company", taken_only=True).offer_id) == [pg.OF1]
    everything = q(driver, settings, "open_offers", limit=1000)  # no node or IPC: every offer
    assert pg.OF1 in set(everything.offer_id)


# ------------------------------------------------------------------ programme_measures


def _measures(driver, settings, **params) -> dict[tuple, float]:
    df = q(driver, settings, "programme_measures", **params)
    years = [None if y is None or y != y else int(y) for y in df.year]
    key = df.chain_id if params.get("by") == "chain" else df.region_code
    return {(y, k, m): float(v) for y, k, m, v in zip(years, key, df.measure, df.value, strict=True)}


def _delta(after: dict, before: dict) -> dict:
    return {k: after.get(k, 0) - before.get(k, 0) for k in after.keys() | before.keys()
            if abs(after.get(k, 0) - before.get(k, 0)) > 1e-9}


def test_programme_measures_real_outcomes_by_hand(driver, settings, ns):
    """By region: the graph's own contribution (after minus before); by chain: the prefixed chain's rows."""
    before = _measures(driver, settings)
    k = write_programme_graph(driver, ns, database=settings.database)
    national = _delta(_measures(driver, settings), before)
    js, gd, sh = "320000", "440000", "310000"
    assert national == {
        (2024, js, "events"): 2, (2023, gd, "events"): 1,              # EV1 苏州, EV2 南京; EV3 深圳
        (2024, js, "deep_dives"): 1, (2023, gd, "deep_dives"): 1,
        (2024, js, "deals"): 2, (2024, js, "deal_value"): 80.0,        # DL1 → S1, DL2 → S4; DL3 terminated
        (2021, js, "licences_to_smes"): 1, (2022, gd, "licences_to_smes"): 1, (2024, gd, "licences_to_smes"): 1,
        (2023, js, "transfers_to_smes"): 1,
        (2023, js, "tier_upgrades"): 1, (2024, js, "tier_upgrades"): 1,  # S1 小巨人 2023; S4 单项冠军 2024
        (2024, js, "new_producers"): 1,                                # S1's first achievement AC3
        (2024, sh, "open_offers"): 1, (2024, gd, "open_licences"): 1,  # OF1 (L1, 上海) taken by S3 (深圳)
        (2023, js, "pledges"): 1, (2023, js, "pledge_amount"): 200.0,
        (2024, js, "pledges"): 1, (2024, js, "pledge_amount"): 120.5,
        (2023, js, "achievements"): 1, (2022, js, "achievements"): 1, (2024, js, "achievements"): 1,
        (2024, js, "demands"): 2,                                      # DM1 (S4), DM2 (L2), by deadline
    }
    by_chain = _measures(driver, settings, by="chain", chain=k.ch)  # only this graph is on the chain
    assert by_chain == {(y, k.ch, m): v for (y, _r, m), v in national.items()}
    jiangsu = _measures(driver, settings, region="江苏", chain=k.ch)  # by city inside the province
    assert jiangsu[(2024, "320500", "events")] == 1 and jiangsu[(2024, "320100", "events")] == 1
    assert jiangsu[(2024, "320500", "deals")] == 2 and jiangsu[(2023, "320500", "pledges")] == 1
    assert all(r[1] is None or r[1].startswith("32") for r in jiangsu)
    df = q(driver, settings, "programme_measures", chain=k.ch, by="chain")
    assert set(df.chain) == {k.prefix + "测试链"} and (df.partial == (df.year == dt.date.today().year)).all()
    assert df[df.measure == "deal_value"].unit.iloc[0] == "万元" and df[df.measure == "events"].measure_name.iloc[0] == "对接活动"


# ------------------------------------------------------------------ index use


BIG_LABELS = ("Patent", "Organization")
KEYED = {
    "achievements": {"q": "kw"},
    "achievement_matches": {"ach_id": "AC1"},
    "patent_history": {"patent": "P1"},
    "lookup_patents": {"q": "P1"},
    "events": {"chain": "ch", "year": 2024},
    "service_bodies": {"node": "A"},
    "chain_gaps": {"chain": "ch", "region": "江苏"},
    "open_offers": {"holder_kind": "company"},
    "programme_measures": {"region": "江苏"},
}


def _plan(driver, settings, name, params) -> list[tuple[str, str]]:
    _, text, cypher_params = prepare_query(driver, name, params, database=settings.database)
    with driver.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS,
                        notifications_min_severity="OFF") as s:
        plan = s.run("EXPLAIN " + text, cypher_params).consume().plan
    out: list[tuple[str, str]] = []

    def walk(node):
        out.append((node["operatorType"], str(node.get("args", {}).get("Details", ""))))
        for child in node.get("children", []):
            walk(child)

    walk(plan)
    return out


@pytest.mark.parametrize("name", sorted(KEYED))
def test_programme_queries_enter_through_indexes(driver, settings, pg, name):
    params = {k: (v if k in ("region", "year", "holder_kind") else pg.prefix + v) for k, v in KEYED[name].items()}
    ops = _plan(driver, settings, name, params)
    assert not any("AllNodesScan" in op for op, _ in ops), ops
    scans = [(op, det) for op, det in ops if "LabelScan" in op]
    assert not [s for s in scans if any(f":{label}" in s[1] for label in BIG_LABELS)], scans
    assert get_query(name).timeout_s <= 15 and "LIMIT" in get_query(name).text
    if name not in ("programme_measures", "open_offers"):  # aggregates over the programme's (small) labels
        assert any("IndexSeek" in op or "ProcedureCall" in op or "IndexScan" in op for op, _ in ops), ops
