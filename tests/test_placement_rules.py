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


@pytest.fixture(scope="module", params=["rules", "rules+classifier"])
def model(request) -> PlacementModel:
    """The rules alone, and with the committed classifier (models/placement-lr, what `chainkg extract`
    uses): the issue's cases must land right or abstain either way."""
    from extraction.placement_learned import LearnedPlacer

    learned = LearnedPlacer.load() if request.param == "rules+classifier" else None
    return PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"), learned=learned)


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
    # a server cabinet is data-centre hardware: right, or abstain (服务器 is a context term and not the
    # title's subject here — "服务器的散热式机柜" — a class the calibration data found right about half the time)
    assert nodes(model, "一种用于区块链服务器的散热式机柜", ("H05K",)) in ([], ["ic.computing"])
    assert nodes(model, "一种服务器机柜", ("H05K",)) == ["ic.computing"]


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
    # strong: in the ≥ 0.8 band a chain map counts by default (the value itself is the calibration fit)
    assert [p.node_id for p in strong] == ["nev_battery.cathode"] and strong[0].confidence >= 0.8
    weak = model.place("一种智能制造用机械手", ("B25J",))  # only a context term, IPC in scope
    if model.learned is None:
        assert [p.node_id for p in weak] == ["industrial_robot.articulated"] and PLACE_MIN <= weak[0].confidence < 0.8
        assert weak[0].rule == "context+scope"
    else:  # the classifier is unsure of the chain: the weak class falls below the placement floor (abstains)
        assert all(p.node_id == "industrial_robot.articulated" and p.confidence < 0.8 for p in weak)
    assert strong[0].rule == "term+scope"


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


def test_the_subject_of_a_title_outranks_the_same_term_inside_it():
    from extraction.placement import SUBJECT_TAIL, subject_tail

    assert subject_tail("一种光伏逆变器", ["光伏逆变器"]) == 0
    assert subject_tail("锂电池隔膜及其制备方法", ["锂电池隔膜"]) == 0  # the first phrase ends at 及
    assert subject_tail("一种光伏组件用铺设设备", ["光伏组件"]) > SUBJECT_TAIL  # a laying machine, not a module
    assert subject_tail("基于光伏组件i-v曲线重构的光伏阵列故障定位方法和装置", ["光伏组件"]) > SUBJECT_TAIL
    assert subject_tail("一种电池", ["逆变器"]) == 99
    m = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))
    subject = m.place("一种光伏逆变器", ("H02M",))
    inner = m.place("基于光伏逆变器输出数据的电站发电量统计系统", ("H02M",))
    assert subject[0].node_id == "pv.inverter" and subject[0].evidence_class == "term+scope/subject"
    assert "the title's subject" in subject[0].evidence
    got = {p.node_id: p for p in inner}
    assert "pv.inverter" not in got or (got["pv.inverter"].evidence_class == "term+scope/inner"
                                        and got["pv.inverter"].confidence < 0.8 <= subject[0].confidence)


def test_a_shared_ipc_group_never_outranks_a_named_node(model):
    # H02J3/38 is listed by more than one PV node: the inverter the title names wins over IPC alone
    got = model.place("光伏逆变器的检测方法及系统", ("H02J3/38", "H02M7/483"))
    assert [p.node_id for p in got if p.node_id.startswith("pv.")] == ["pv.inverter"]


def test_the_subject_is_read_in_the_title_only(model):
    # graph extraction joins title and abstract with a newline; a term met only in the abstract is not
    # the title's subject, so it never reaches the confidence a subject term has
    got = model.place("一种储能装置\n本发明属于光伏逆变器技术领域", ("H02M7/483",))
    inv = [p for p in got if p.node_id == "pv.inverter"]
    assert not inv or ("/inner" in inv[0].evidence_class and inv[0].confidence < 0.8)


def test_rule_confidences_are_a_calibrated_table():
    assert set(RULE_CONFIDENCE) >= {"term+scope/subject", "term+scope/inner", "term/subject", "context+anchor/subject",
                                    "context", "out_of_domain", "ipc_group"}
    # the same evidence inside the title (not its subject) never gets more than as its subject
    for cls, conf in RULE_CONFIDENCE.items():
        if cls.endswith("/inner") and not cls.startswith(("term/", "term+chain_scope/", "terms/")):
            assert conf <= RULE_CONFIDENCE[cls.replace("/inner", "/subject")], cls
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
    held2 = [g for g in gold if g.split == "heldout2"]
    held3 = [g for g in gold if g.split == "heldout3"]
    # the first held-out part (150, fixed by hash in rounds 1–2; calibration data since the third pass)
    # stays whole; held-out rounds 2 and 3 (≥ 200 each, drawn and judged before the third / fifth pass's
    # changes) are never tuned on
    assert len(held) == 150 and len(held2) >= 200 and len(held3) >= 200
    assert {g.split for g in gold} == {"tune", "heldout", "heldout2", "heldout3"}
    assert sum(1 for g in held2 if g.nodes) >= 60 and sum(1 for g in held3 if g.nodes) >= 60
    assert not {g.pub_no for g in held3} & {g.pub_no for g in gold if g.split != "heldout3"}
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
    """RULE_CONFIDENCE is what fit_rule_confidence gives on the calibration data (tuning part + first
    held-out part), and every class at ≥ 0.8 was judged ≥ 10 times on the held-out part and right ≥ 95 %
    of the time there and overall (or contains such a class's evidence); held-out round 2 is not used."""
    from extraction.placement import MIN_SUPPORT_HIGH
    from extraction.placement_eval import CONTAINS, HIGH_PRECISION, calibration_gold, fit_rule_confidence

    model = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))
    gold = calibration_gold(data_dir=shared_data)
    assert {g.split for g in gold} == {"tune", "heldout"}
    fit = fit_rule_confidence(gold, model)
    for rule, f in fit.items():
        assert RULE_CONFIDENCE[rule] == f["fitted"], rule
        if f["fitted"] >= 0.8 and rule not in CONTAINS:
            assert f["placed"] >= MIN_SUPPORT_HIGH and f["right"] / f["placed"] >= HIGH_PRECISION, rule
            assert f["fresh_placed"] >= MIN_SUPPORT_HIGH and f["fresh_right"] / f["fresh_placed"] >= HIGH_PRECISION, rule
            assert f["fitted"] <= min(f["wilson_lower"], f["wilson_lower_fresh"]) + 0.005, rule


# -- term families (fourth pass) -------------------------------------------------------------------

def test_term_family_adds_name_parts_and_spellings():
    from extraction.chain_profiles import name_parts, profile_from_mapping

    assert name_parts("数据中心与AI算力") == ("数据中心", "AI算力")
    # a short word plus a generic head names a kind of thing, not the node
    assert name_parts("量测与测试设备") == () and name_parts("光伏组件") == ()
    mask = profile_from_mapping({"id": "mask", "name": "光掩模", "keywords": ["掩模版"]}, "ic")
    assert "掩膜版" in mask.terms and "光掩膜" in mask.terms
    pv = profile_from_mapping({"id": "kit", "name": "支架", "keywords": ["光伏支架", "光伏设备"]}, "pv")
    assert {"太阳能支架", "光伏托架", "太阳能托架"} <= set(pv.terms)
    assert "太阳能设备" not in pv.terms  # too broad a spelling: never derived
    # 光伏 ↔ 太阳能 is a PV-chain spelling only
    other = profile_from_mapping({"id": "x", "name": "光伏逆变器", "keywords": ["光伏逆变器"]}, "nev_battery")
    assert "太阳能逆变器" not in other.terms


def test_a_spelling_variant_places_like_the_listed_term(model):
    assert nodes(model, "一种掩膜版缺陷检测装置", ("G03F",)) == ["ic.mask"]
    assert nodes(model, "一种新能源电池托架", ("H01M",)) == ["nev_battery.pack"]


@pytest.mark.shared_data
def test_fresh_counts_recorded_before_tuning_cap_the_fit(shared_data):
    """Round 7's fresh counts (scored before it was tuned on) are pooled with the first held-out part:
    with them term+scope/subject is below 0.9 (34 / 37 right before tuning), without them it is not."""
    from extraction.placement_eval import FRESH_BEFORE_TUNING, calibration_gold, fit_rule_confidence

    model = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"))
    gold = calibration_gold(data_dir=shared_data)
    with_fresh = fit_rule_confidence(gold, model)
    without = fit_rule_confidence(gold, model, fresh_before=False)
    cls = "term+scope/subject"
    assert with_fresh[cls]["fresh_placed"] == without[cls]["fresh_placed"] + FRESH_BEFORE_TUNING[cls][0]
    assert with_fresh[cls]["fitted"] < without[cls]["fitted"]
    assert 0.8 <= with_fresh[cls]["fitted"] <= with_fresh[cls]["wilson_lower_fresh"] + 0.005
    assert sum(1 for g in gold if g.pool.endswith(("-7", "-7b"))) >= 300  # round 7 is tuning data
