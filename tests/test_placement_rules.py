"""Chain placement by evidence combination (issue 18): the hand-checked error cases of the issue, the
rules one by one, organisation placement by patent share, and the gold set's shape.

The titles below are the issue's real examples (from ../shared/data/patents, quoted as test inputs);
each must now land on the right node or abstain. The gold set's held-out part is scored by
`chainkg evaluate-placement` and benchmarks/bench_placement.py, never asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.chain_profiles import NodeProfile, profiles_from_chain_dir
from extraction.placement import (
    PLACE_MIN,
    RULE_CONFIDENCE,
    PlacementModel,
    ipc_derivation_params,
    place_org_by_patent_evidence,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model() -> PlacementModel:
    return PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))


def nodes(model: PlacementModel, title: str, ipc: tuple[str, ...] = ()) -> list[str]:
    return [p.node_id for p in model.place(title, ipc)]


# -- the errors, one test per kind --------------------------------------------------------

def test_a_generic_word_gives_way_to_the_specific_one(model):
    # 新能源汽车 is a chain word (anchor), 充电桩 names the node
    assert nodes(model, "一种可移动的新能源汽车用充电桩", ("B60L",)) == ["nev_battery.charging"]
    assert nodes(model, "新能源汽车充电桩") == ["nev_battery.charging"]
    # 动力电池回收 (longest term) hides 动力电池 (锂离子动力电芯)
    assert nodes(model, "动力电池回收用粉碎机", ("B02C",)) == ["nev_battery.recycling"]
    assert nodes(model, "新能源汽车电池回收管理装置") == ["nev_battery.recycling"]


def test_a_pv_inverter_is_not_an_nev_electric_control(model):
    got = nodes(model, "光伏逆变器汇流箱接地故障检测装置及光伏逆变器", ("G01R", "H02S"))
    assert got == ["pv.inverter"]
    assert not any(n.startswith("nev_battery.") for n in got)


def test_server_as_a_claim_word_is_no_data_centre(model):
    assert "ic.computing" not in nodes(model, "一种语音交互方法、装置、计算机可读存储介质及服务器", ("G10L",))
    got = nodes(model, "储能策略确定方法、装置、服务器及存储介质", ("G06Q",))
    assert "ic.computing" not in got
    assert got in ([], ["nev_battery.energy_storage"])  # right or abstain
    # a server cabinet is data-centre hardware
    assert nodes(model, "一种用于区块链服务器的散热式机柜", ("H05K",)) == ["ic.computing"]


def test_a_power_grid_digital_twin_is_no_robot_software(model):
    assert nodes(model, "一种基于三维地图的数字孪生电网系统及方法", ("G06Q", "G06T", "G06V")) == []
    assert nodes(model, "一种基于数字孪生的输电线路管理系统", ("G06F", "G06N", "G06Q")) == []
    # with a robot in the text the context term counts
    assert nodes(model, "基于数字孪生的工业机器人离线编程方法") == ["industrial_robot.software"]


@pytest.mark.parametrize("title,ipc", [
    ("一种制备香料开司米酮的方法", ("B01J", "C07C", "C11B")),
    ("一种高纯度安全酒精提取装置", ("B01D", "C07C")),
    ("一种分泌红2G单克隆抗体的杂交瘤细胞株及其应用", ("C07C", "C07K", "C12N", "G01N")),
    ("一株分泌双咪苯脲单克隆抗体的杂交瘤细胞株A11S及其应用", ("C07K", "C12N", "G01N")),
])
def test_c07c_alone_is_not_an_api(model, title, ipc):
    got = nodes(model, title, ipc)
    assert "biomed.api" not in got and "biomed.antibody" not in got
    assert got == []  # none of these belongs on the chain: abstain


def test_an_api_intermediate_is_an_api(model):
    assert nodes(model, "一种伐尼克兰中间体、伐尼克兰及其盐的制备方法", ("C07C", "C07D")) == ["biomed.api"]


def test_confidence_separates_strong_from_weak(model):
    strong = model.place("一种氧化铝包覆Ni-Co-Mn三元锂电正极材料及其制备方法和应用", ("H01M",))
    assert [p.node_id for p in strong] == ["nev_battery.cathode"] and strong[0].confidence >= 0.9
    weak = model.place("一种智能制造用机械手", ("B25J",))  # only a context term, IPC in scope
    assert [p.node_id for p in weak] == ["industrial_robot.articulated"] and PLACE_MIN <= weak[0].confidence < 0.8
    assert strong[0].rule == "term+scope" and weak[0].rule == "context+scope"


# -- the rules on a small chain of their own ------------------------------------------------------

def _tiny() -> PlacementModel:
    return PlacementModel([
        NodeProfile("x.cell", "x", "电芯", terms=("电芯", "锂电池"), ipc_groups=("H01M10/05",), ipc_scope=("H01M",),
                    anchors=("电动车",)),
        NodeProfile("x.pack", "x", "电池包", terms=("电池包",), context=("散热结构",), exclude=("包装",),
                    ipc_scope=("H01M",), anchors=("电动车",)),
        NodeProfile("x.car", "x", "整车", terms=("整车", "锂电池"), context=("底盘",), ipc_scope=("B60L",),
                    anchors=("电动车",)),
    ])


def test_rules_one_by_one():
    m = _tiny()
    assert [p.rule for p in m.place("一种电芯", ("H01M",))] == ["term+scope"]
    assert [p.rule for p in m.place("一种电芯")] == ["term"]
    assert m.place("一种电芯", ("A01B",)) == []  # every subclass outside the chain: abstain
    assert [p.node_id for p in m.place("一种电芯", ("A01B",), min_confidence=0)] == ["x.cell"]
    assert [p.rule for p in m.place("一种装置", ("H01M10/0525",))] == ["ipc_group"]
    assert [(p.rule, p.ipc) for p in m.place("一种电芯", ("H01M10/0525",))] == [("term+ipc_group", "H01M10/0525")]
    # exclusion: 蓄电池包装箱 contains 电池包 but is packaging
    assert m.place("一种蓄电池包装箱生产装置", ("H01M",)) == []
    # a term several nodes share gives way to a node's own term in the same chain
    assert [p.node_id for p in m.place("一种锂电池电芯", ("H01M",))] == ["x.cell"]
    # context needs the chain's word or the node's IPC scope
    assert m.place("一种散热结构") == []
    assert [(p.node_id, p.rule) for p in m.place("一种电动车散热结构")] == [("x.pack", "context+anchor")]
    # a modifier gives way to the subject: 整车用电池包 is a pack
    assert [p.node_id for p in m.place("一种整车用电池包", ("H01M",))] == ["x.pack"]
    # a Latin acronym matches whole words only
    acr = PlacementModel([NodeProfile("y.cro", "y", "CRO与CDMO", terms=("CRO",))])
    assert acr.place("一种Micro LED显示面板") == [] and [p.node_id for p in acr.place("一种CRO服务平台")] == ["y.cro"]
    # the evidence says why
    p = m.place("一种电动车散热结构")[0]
    assert "散热结构" in p.terms and "rule context+anchor" in p.evidence and "电动车" in p.evidence


def test_the_last_noun_of_a_compound_is_its_head():
    """A term followed in the same phrase by another node's term of the same chain only says what the
    later term belongs to (光伏组件边框 is a frame; 锂离子电池正极材料 a cathode material)."""
    m = PlacementModel([
        NodeProfile("p.module", "p", "光伏组件", terms=("光伏组件",), ipc_scope=("H02S",)),
        NodeProfile("p.frame", "p", "边框", terms=("组件边框",), ipc_scope=("H02S",)),
        NodeProfile("q.glass", "q", "玻璃", terms=("玻璃",)),
    ])
    assert [p.node_id for p in m.place("一种光伏组件边框", ("H02S",))] == ["p.frame"]
    # separated by a stop word: both are subjects
    assert sorted(p.node_id for p in m.place("一种光伏组件及组件边框", ("H02S",))) == ["p.frame", "p.module"]
    # a term of another chain is no head (chains are placed side by side)
    assert sorted(p.node_id for p in m.place("一种光伏组件玻璃", ("H02S",))) == ["p.module", "q.glass"]


def test_wilson_lower_bound():
    from extraction.placement_eval import wilson_lower

    assert wilson_lower(0, 0) == 0.0
    assert 0.92 < wilson_lower(33, 33) < 0.93  # n / (n + z²) when all are right
    assert wilson_lower(14, 19) < 14 / 19 < 0.8  # the bound sits below the share right
    assert wilson_lower(190, 200) > wilson_lower(19, 20)  # more judgements, tighter bound


def test_rule_confidences_are_a_calibrated_table():
    assert set(RULE_CONFIDENCE) >= {"term+scope", "term", "context+anchor", "context", "out_of_domain", "ipc_group"}
    assert all(0 < c <= 0.95 for c in RULE_CONFIDENCE.values())
    assert RULE_CONFIDENCE["context"] < PLACE_MIN and RULE_CONFIDENCE["out_of_domain"] < PLACE_MIN
    # IPC-only evidence (what the loader derives) never reaches the 0.8 a term gives
    params = ipc_derivation_params()
    assert params["ipc_shared"] < params["ipc_unique"] < 0.8


def test_organisation_by_share_of_patents():
    # one stray patent among twenty never places an organisation
    assert place_org_by_patent_evidence({"x.cell": [0.95]}, 20) == []
    got = place_org_by_patent_evidence({"x.cell": [0.95] * 10, "x.pack": [0.95, 0.9], "x.car": [0.3, 0.4]}, 20)
    assert [p.node_id for p in got] == ["x.cell"]  # pack: 2/20 < 20 %; car: weak patents only
    assert got[0].confidence == 0.95 and "10 of 20 patents" in got[0].evidence
    small = place_org_by_patent_evidence({"x.pack": [0.9]}, 1)  # its only patent
    assert [p.node_id for p in small] == ["x.pack"] and small[0].confidence < 0.9


# -- the gold set ---------------------------------------------------------------------------------

@pytest.mark.shared_data
def test_gold_set_is_complete_and_judged(shared_data):
    from extraction.placement_eval import load_gold

    gold = load_gold(data_dir=shared_data)
    assert len(gold) >= 300 and len({g.pub_no for g in gold}) == len(gold)
    held = [g for g in gold if g.split == "heldout"]
    # the held-out part (150, fixed by hash in round 1–2) stays whole; later rounds add tuning titles only
    assert len(held) >= 150 and 0.15 <= len(held) / len(gold) <= 0.4
    known = {p.node_id for p in profiles_from_chain_dir(ROOT / "data" / "chains")}
    for g in gold:
        assert g.title and g.acceptable <= known, g.pub_no
    chains = {n.split(".")[0] for g in gold for n in g.nodes}
    assert chains == {"nev_battery", "pv", "ic", "biomed", "industrial_robot"}
    assert sum(1 for g in gold if not g.nodes) > len(gold) / 3  # many non-chain patents


@pytest.mark.shared_data
def test_tuning_part_meets_the_goal(shared_data):
    """The tuning part (the part the rules were written on) is a regression check; the held-out part
    is scored in benchmarks only."""
    from extraction.placement_eval import evaluate, load_gold

    model = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))
    ev = evaluate(load_gold(data_dir=shared_data, split="tune"),
                  lambda g: [(p.node_id, p.rule, p.confidence) for p in model.place(g.title, g.ipc)])
    assert ev.overall.precision >= 0.9 and ev.overall.recall >= 0.8
    high = [b for b in ev.calibration if b["band"].startswith(("[0.8", "[0.9"))]
    assert sum(b["right"] for b in high) / sum(b["placed"] for b in high) >= 0.95


@pytest.mark.shared_data
def test_confidence_table_is_the_fit_on_the_tuning_part(shared_data):
    """RULE_CONFIDENCE is what fit_rule_confidence gives on the tuning part, and every class at
    ≥ 0.8 was judged ≥ 10 times and right ≥ 95 % of the time (or contains such a class's evidence)."""
    from extraction.placement import MIN_SUPPORT_HIGH
    from extraction.placement_eval import CONTAINS, HIGH_PRECISION, fit_rule_confidence, load_gold

    model = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))
    fit = fit_rule_confidence(load_gold(data_dir=shared_data, split="tune"), model)
    for rule, f in fit.items():
        assert RULE_CONFIDENCE[rule] == f["fitted"], rule
        if f["fitted"] >= 0.8 and rule not in CONTAINS:
            assert f["placed"] >= MIN_SUPPORT_HIGH and f["right"] / f["placed"] >= HIGH_PRECISION, rule
            assert f["fitted"] <= f["wilson_lower"] + 0.005, rule
