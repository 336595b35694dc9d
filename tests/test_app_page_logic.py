"""The pure parts of the planner's, IP officer's and SME's pages, without a browser or a graph: the
demand-constraint parser, the chain map's banded layout and ECharts option, the licence-path lanes."""

from app.ui.chainview import band_positions, chain_options
from app.ui.demand_parse import find_terms, parse_demand
from app.ui.pathview import lanes, path_options


def test_typed_demand_becomes_constraints():
    c = parse_demand("我们是一家动力电池企业，正在开发固态电池电解质，希望与高校合作，技术成熟度6级以上。")
    assert c.terms == ["固态电池", "电解质"]  # the SME's self-description (动力电池企业) gives no term
    assert (c.min_trl, c.partner_kinds, c.region) == (6, ["university"], None)


def test_partner_type_and_region_only_from_a_partner_clause():
    c = parse_demand("寻找江苏的科研院所或企业联合攻关钠离子电池正极材料，TRL 5")
    assert c.terms == ["钠离子电池", "正极材料"]
    assert (c.min_trl, c.partner_kinds, c.region) == (5, ["institute", "company"], "江苏")
    assert parse_demand("我们是广东的一家企业，需要光伏银浆技术").partner_kinds == []


def test_stage_words_are_not_a_stated_readiness_level():
    assert parse_demand("希望引进中试阶段的光伏银浆技术").min_trl is None
    assert parse_demand("").terms == []


def test_term_finder_longest_first_then_words_inside_vocabulary():
    vocab = ["固态电池", "固态电解质", "电池"]
    assert find_terms("固态电池电解质", vocab) == ["固态电池", "电解质"]
    assert find_terms("钢铁冶炼", vocab) == []


def _chain():
    nodes = [{"id": i, "label": n, "segment": s, "value": v, "gap": g}
             for i, n, s, v, g in [("li", "锂资源", "upstream", 3, False), ("pre", "前驱体", "upstream", 0, True),
                                   ("cat", "正极材料", "upstream", 5, False), ("cell", "电芯", "midstream", 2, False),
                                   ("car", "整车", "downstream", 1, False)]]
    edges = [{"source": "li", "target": "pre"}, {"source": "pre", "target": "cat"}, {"source": "cat", "target": "cell"},
             {"source": "cell", "target": "car"}]
    return nodes, edges


def test_chain_layout_bands_and_in_segment_order():
    nodes, edges = _chain()
    pos = band_positions(nodes, edges)
    assert 0 <= pos["li"][0] < pos["pre"][0] < pos["cat"][0] < 1  # lithium → precursor → cathode inside 上游
    assert 1 <= pos["cell"][0] < 2 <= pos["car"][0] < 3


def test_chain_options_legend_bands_and_no_animation():
    nodes, edges = _chain()
    opt = chain_options(nodes, edges, title="动力电池：江苏省中小企业分布", subtitle="筛选：地区 江苏省",
                        band_names={"upstream": "上游", "midstream": "中游", "downstream": "下游"}, gap_name="补链缺口")
    assert opt["animation"] is False and opt["title"]["text"].startswith("动力电池")
    assert opt["legend"]["data"] == ["上游", "中游", "下游", "补链缺口"]
    series = opt["series"][0]
    assert [b[0]["name"] for b in series["markArea"]["data"]] == ["上游", "中游", "下游"]
    by_id = {d["id"]: d for d in series["data"]}
    assert by_id["pre"]["category"] == 3 and by_id["li"]["category"] == 0  # the gap is drawn in the gap colour
    assert series["label"]["fontSize"] >= 12 and len(series["links"]) == 4


def test_path_lanes_merge_parallel_routes_and_keep_direction():
    hop = {"from": "L1", "to": "S2", "label": "许可 2021-01-01", "tooltip": "L1 许可给 S2"}
    hop2 = {"from": "L1", "to": "S2", "label": "转让 2022-01-01", "tooltip": "L1 转让给 S2"}
    routes = [{"orgs": ["S2", "L1"], "names": ["乙", "甲"], "hops": [hop]},
              {"orgs": ["S2", "L1"], "names": ["乙", "甲"], "hops": [hop2]}]
    merged = lanes(routes)
    assert len(merged) == 1 and merged[0]["hops"][0] == [hop, hop2]
    opt = path_options(routes, categories=("起点", "途经机构", "终点"))
    link = opt["series"][0]["links"][0]
    assert (link["source"], link["target"]) == ("0:1", "0:0")  # drawn licensor → licensee, against the route
    assert "许可 2021-01-01" in link["label"]["formatter"] and "转让 2022-01-01" in link["label"]["formatter"]
    assert opt["animation"] is False


def test_phrasing_words_of_a_library_demand_are_not_terms():
    # The library's demands read "…急需搬运机器人及移动机器人相关技术…": 相关 / 关键 / 工程化 sit inside
    # vocabulary terms but are phrasing; as terms they matched nearly every node and patent.
    text = ("揭榜挂帅：搬运机器人关键技术攻关。面向产业链关键环节，我单位在移动机器人环节急需搬运机器人及"
            "移动机器人相关技术，要求安全性达到行业领先水平，并具备AGV工程化能力。")
    assert parse_demand(text).terms == ["搬运机器人", "移动机器人", "AGV"]
