"""The planner's, IP officer's and SME's queries on the hand-checked sample graph (tests/sample_graph.py):
tier-aware gap flags and the confidence floor of chain_map, labelled licence paths with 备案号 and fee,
constraint filters of demand_matches, the patent list of a landscape, and their index seeks."""

import pytest

from queries.registry import explain_query, get_query, run_query
from tests.sample_graph import write_sample_graph

pytestmark = pytest.mark.neo4j


@pytest.fixture
def sample(driver, settings, ns):
    return write_sample_graph(driver, ns, database=settings.database)


def q(driver, settings, name, **params):
    return run_query(driver, name, database=settings.database, **params)


def test_chain_map_gap_flag_follows_the_tier(driver, settings, sample):
    # B has two Jiangsu SMEs (S1 小巨人, S2 专精特新) and six local patents: a gap only for a tier it lacks.
    every = q(driver, settings, "chain_map", chain=sample.ch, region="江苏", max_local_smes=0, max_local_patents=0).set_index("node_id")
    assert not every.loc[sample.B, "is_gap"] and every.loc[sample.B, "smes_local"] == 2
    champions = q(driver, settings, "chain_map", chain=sample.ch, region="江苏", tier="单项冠军",
                  max_local_smes=0, max_local_patents=0).set_index("node_id")
    assert champions.loc[sample.B, "smes_local"] == 0 and champions.loc[sample.B, "is_gap"]
    assert champions.loc[sample.B, "reason"].startswith("江苏省没有单项冠军企业")
    giants = q(driver, settings, "chain_map", chain=sample.ch, region="江苏", tier="小巨人",
               max_local_smes=0, max_local_patents=0).set_index("node_id")
    # A (only a Shenzhen SME), C (a 单项冠军, no local patent) and D (nothing) are gaps; B has S1
    assert {n for n, g in giants.is_gap.items() if g} == {sample.A, sample.C, sample.D}
    assert giants.loc[sample.B, "top_sme_ids"] == [sample.S1]
    assert set(giants.region) == {"江苏省"} and set(giants.region_code) == {"32"}


def test_chain_map_without_region_asks_for_one(driver, settings, sample):
    df = q(driver, settings, "chain_map", chain=sample.ch).set_index("node_id")
    assert df.is_gap.isna().all() and df.region.isna().all()
    assert df.loc[sample.B, "reason"] == "全国有2家中小企业、9件专利；选择地区后可判断是否为补链缺口。"
    assert list(df.segment_name) == ["上游", "中游", "下游", "下游"]


def test_chain_map_confidence_floor(driver, settings, sample):
    # the sample's MAPS_TO placements have confidence 0.9, its IN_NODE placements 1.0
    low = q(driver, settings, "chain_map", chain=sample.ch, region="江苏", min_confidence=0.5).set_index("node_id")
    stored = q(driver, settings, "chain_map", chain=sample.ch, region="江苏").set_index("node_id")
    cols = ["smes_local", "smes_national", "patents_local", "patents_national", "top_smes"]
    assert low[cols].to_dict() == stored[cols].to_dict()  # live counting at 0.5 agrees with the stored counts
    high = q(driver, settings, "chain_map", chain=sample.ch, region="江苏", min_confidence=0.95).set_index("node_id")
    assert (high.loc[sample.B, "patents_national"], high.loc[sample.B, "patents_local"]) == (0, 0)
    assert high.loc[sample.B, "smes_local"] == 2 and high.loc[sample.B, "top_smes"][0].endswith("(0)")
    top = q(driver, settings, "chain_map", chain=sample.ch, min_confidence=1.0).set_index("node_id")
    assert top.loc[sample.B, "smes_national"] == 2  # declared placements (1.0) still count


def test_chain_map_takes_a_region_group(driver, settings, sample):
    df = q(driver, settings, "chain_map", chain=sample.ch, region="长三角").set_index("node_id")
    # Shanghai (L1: P5-P7) and Jiangsu (P1-P3, P9-P11) together: every B patent but none twice
    assert df.loc[sample.B, "patents_local"] == 9 and df.loc[sample.B, "smes_local"] == 2
    assert df.loc[sample.B, "region"].startswith("上海市、江苏省")


def _set_record(driver, settings, label, key, value, **props):
    with driver.session(database=settings.database) as s:
        s.run(f"MATCH (x:{label} {{{key}: $v}}) SET x += $props", v=value, props=props).consume()


def test_license_paths_hops_read_from_source_to_target(driver, settings, sample):
    _set_record(driver, settings, "License", "license_id", sample.LIC1, record_no="X2021980000001", fee=12.5)
    df = q(driver, settings, "license_paths", from_org=sample.S2, to_org=sample.S3)
    assert list(df.relation_name) == ["许可", "子公司", "许可"]
    assert list(df.step_from_id) == [sample.S2, sample.L1, sample.L2]
    assert list(df.step_to_id) == [sample.L1, sample.L2, sample.S3]
    assert list(df.forward) == [False, False, True]  # L1 licensed to S2: the path walks it backwards
    first = df.iloc[0]
    assert (first.record_no, first.fee, first.detail) == ("X2021980000001", 12.5, "普通许可")
    assert "备案号X2021980000001" in first.description and "许可费12.5万元" in first.description
    assert q(driver, settings, "license_paths", from_org=sample.S2, to_org=sample.S2).empty


def test_licensing_network_returns_record_no_and_fee(driver, settings, sample):
    _set_record(driver, settings, "License", "license_id", sample.LIC1, record_no="X2021980000001", fee=12.5)
    _set_record(driver, settings, "Transfer", "transfer_id", sample.TR1, record_no="ZR2023000001")
    df = q(driver, settings, "licensing_network", org=sample.L1)
    assert (df.iloc[0].record_no, df.iloc[0].fee, df.iloc[0].event_name) == ("X2021980000001", 12.5, "许可")
    tr = q(driver, settings, "licensing_network", org=sample.U1)
    assert list(tr.record_no) == ["ZR2023000001"] and list(tr.type_name) == ["权利转让"]


def test_demand_matches_constraints_filter_in_the_query(driver, settings, sample):
    kw = sample.prefix + "kw"
    uni = q(driver, settings, "demand_matches", text=f"寻找高校合作{kw}", terms=[kw], min_trl=4, partner_kind=["university"])
    mine = uni[uni.id.str.startswith(sample.prefix)]
    assert list(mine[mine.kind == "achievement"].id) == [sample.AC1]  # AC2 has TRL 3
    assert list(mine[mine.kind == "patent"].id) == [sample.P10]  # U1 applied, nobody holds it
    assert mine[mine.kind == "organization"].empty  # the university is placed on no node
    assert set(mine.org_kind) == {"高校"}
    assert "技术成熟度6级" in mine[mine.kind == "achievement"].reason.iloc[0]
    firms = q(driver, settings, "demand_matches", text=kw, terms=[kw], partner_kind=["company"])
    firms = firms[firms.id.str.startswith(sample.prefix)]
    assert set(firms[firms.kind == "organization"].id) == {sample.S1, sample.S2}
    assert firms[firms.kind == "achievement"].empty
    shanghai = q(driver, settings, "demand_matches", text=kw, terms=[kw], region="上海")
    shanghai = shanghai[shanghai.id.str.startswith(sample.prefix)]
    assert set(shanghai[shanghai.kind == "patent"].id) == {sample.P5, sample.P6, sample.P7}
    assert shanghai[shanghai.kind == "patent"].iloc[0].reason.startswith("已声明开放许可")
    # the library demand still works as before, its poster (S4) never proposed to itself
    lib = q(driver, settings, "demand_matches", demand_id=sample.DM1, min_trl=4)
    assert sample.S4 not in set(lib.id)


def test_landscape_patents_walk_and_expand_agree(driver, settings, ns):
    # Newest filing first, ties by number, undated last — the same list whether it is read through the
    # filing-date index (walk) or by expanding the whole landscape (expand), at every limit and filter.
    dates = {"P1": "2021-01-01", "P2": "2023-05-01", "P3": "2023-05-01", "P4": "2019-01-01", "P5": None, "P6": "2024-02-02"}
    pending = {"P3", "P5"}
    with driver.session(database=settings.database) as s:
        s.run("""CREATE (c:ChainNode {node_id: $ns + 'N', name: $ns + 'N'}), (i:IPC {code: $ns + 'X01'})
                 WITH c, i UNWIND $rows AS r
                 CREATE (p:Patent {pub_no: $ns + r.k, title: r.k, status: r.st})
                 SET p.filed = CASE WHEN r.d IS NULL THEN null ELSE date(r.d) END
                 CREATE (p)-[:MAPS_TO]->(c)
                 FOREACH (_ IN CASE WHEN r.k = 'P6' THEN [] ELSE [1] END | CREATE (p)-[:CLASSIFIED_AS]->(i))""",
              ns=ns, rows=[{"k": k, "d": d, "st": "pending" if k in pending else "granted"} for k, d in dates.items()]).consume()
    by_node = [ns + k for k in ("P6", "P2", "P3", "P1", "P4", "P5")]
    for target, want in (({"node": ns + "N"}, by_node), ({"ipc": ns + "X"}, [p for p in by_node if p != ns + "P6"])):
        for limit in (1, 2, 3, 10):
            lists = {plan: list(q(driver, settings, "landscape_patents", **target, limit=limit, plan=plan).pub_no)
                     for plan in ("walk", "expand", "auto")}
            assert lists == {plan: want[:limit] for plan in lists}, (target, limit)
        only_pending = {plan: list(q(driver, settings, "landscape_patents", **target, status="pending", plan=plan).pub_no)
                        for plan in ("walk", "expand")}
        assert only_pending == {plan: [ns + "P3", ns + "P5"] for plan in only_pending}


def test_landscape_patents_list(driver, settings, sample):
    b = q(driver, settings, "landscape_patents", node=sample.B)
    assert len(b) == 9 and set(b.status_name) <= {"已授权", "审查中"}
    p10 = b.set_index("pub_no").loc[sample.P10]
    assert (p10.holder, p10.status_name) == (sample.prefix + "南京理工大学", "审查中")
    assert list(q(driver, settings, "landscape_patents", node=sample.B, q=sample.P5).pub_no) == [sample.P5]
    assert list(q(driver, settings, "landscape_patents", node=sample.B, status="pending").pub_no) == [sample.P10]
    by_holder = q(driver, settings, "landscape_patents", node=sample.B, q="上海大集团")
    assert set(by_holder.pub_no) == {sample.P5, sample.P6, sample.P7}
    assert set(q(driver, settings, "landscape_patents", org=sample.S1).pub_no) == {sample.P1, sample.P2, sample.P11}
    lic = b.set_index("pub_no")
    assert (lic.loc[sample.P5, "licences"], lic.loc[sample.P11, "transfers"]) == (1, 1)


def test_patent_landscape_labels_and_years(driver, settings, sample):
    df = q(driver, settings, "patent_landscape", node=sample.B)
    summary = df[df.section == "summary"].set_index("key")
    assert summary.loc["patents", "label"] == "专利总数" and summary.loc["granted", "share"] == pytest.approx(8 / 9, abs=1e-3)
    years = df[df.section == "yearly_filings"]
    assert list(years["rank"]) == [2020] and list(years.value) == [9]
    lic = df[df.section == "licensing"]
    assert sorted(zip(lic["rank"], lic.label, strict=True)) == [(2021, "许可"), (2022, "许可"), (2023, "转让")]
    holders = df[df.section == "top_holders"]
    assert sample.prefix + "苏州甲科技（中小企业）" in set(holders.label)


def test_org_profile_speaks_chinese(driver, settings, sample):
    prof = q(driver, settings, "org_profile", org=sample.S1)
    ident = dict(zip(prof[prof.section == "identity"].key, prof[prof.section == "identity"].detail, strict=False))
    assert (ident["kind"], ident["size"], ident["tier"], ident["is_sme"]) == ("企业", "小型", "小巨人", "是")
    nodes = prof[prof.section == "chain_nodes"]
    assert list(nodes.label) == [sample.prefix + "正极材料（中游）"] and nodes.detail.iloc[0] == "自报，置信度 1.0"
    assert set(prof.section_name) >= {"基本信息", "产业链环节", "专利数量", "受让进来"}
    l1 = q(driver, settings, "org_profile", org=sample.L1)
    assert "tier" not in set(l1[l1.section == "identity"].key)  # 'none' is no tier


@pytest.mark.parametrize("name, params", [
    ("landscape_patents", {"node": "B"}), ("landscape_patents", {"org": "S1"}), ("demand_text", {"demand_id": "DM1"}),
    ("demand_matches", {"demand_id": "DM1"}), ("license_paths", {"from_org": "S2", "to_org": "S3"}),
])
def test_new_and_changed_queries_seek_an_index(driver, settings, sample, name, params):
    ops = explain_query(driver, name, database=settings.database, **{k: sample.prefix + v for k, v in params.items()})
    assert any("NodeUniqueIndexSeek" in op or "NodeIndexSeek" in op for op in ops), ops
    assert not any("AllNodesScan" in op for op in ops), ops


def test_page_queries_declare_every_column(driver, settings, sample):
    calls = {
        "chain_map": {"chain": sample.ch, "region": "江苏"}, "license_paths": {"from_org": sample.S2, "to_org": sample.S3},
        "licensing_network": {"org": sample.L1}, "org_profile": {"org": sample.S1}, "landscape_patents": {"node": sample.B},
        "patent_landscape": {"node": sample.B}, "demand_matches": {"demand_id": sample.DM1},
        "demand_text": {"demand_id": sample.DM1}, "lookup_license_pair": {},
    }
    for name, params in calls.items():
        declared = {c.name for c in get_query(name).columns}
        assert set(q(driver, settings, name, **params).columns) <= declared, name
