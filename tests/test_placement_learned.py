"""The learned evidence class of chain placement (issue 18, fifth pass): features, training, the
combination with the rules (agree / other / unsure, the classifier's own node), the committed model,
and its confidence table as the fit on stored out-of-fold outputs. Held-out rounds are never asserted
here (benchmarks/bench_placement.py scores them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.chain_profiles import NodeProfile, profiles_from_chain_dir
from extraction.placement import LEARNED_CONFIDENCE, PLACE_MIN, PlacementModel
from extraction.placement_learned import (
    MODEL_DIR,
    Example,
    LearnedPlacer,
    fold_of,
    head_noun,
    title_features,
    train,
)

ROOT = Path(__file__).resolve().parent.parent


def test_head_noun_drops_generic_tails():
    assert head_noun("一种新能源汽车电池保护罩") == "一种新能源汽车电池保护罩"
    assert head_noun("锂电池隔膜及其制备方法") == "锂电池隔膜"
    assert head_noun("一种光伏板清洗装置").endswith("清洗")
    assert head_noun("光伏支架的安装方法").endswith("光伏支架")


def test_features_are_ngrams_head_and_ipc():
    f = title_features("一种光伏支架", ["H02S20/30", "F24S"])
    assert {"光", "光伏", "光伏支", "h2:支架", "h3:伏支架", "ipc:H02S", "ipcc:H02", "ipc:F24S"} <= set(f)
    assert not any(x.startswith("ipc") for x in title_features("一种光伏支架"))


def test_folds_are_rounds():
    assert fold_of("CN1", "tune", "pv") == "r1" and fold_of("CN1", "tune", "other") == "r1"
    assert fold_of("CN1", "tune", "pv-7b") == "r7" and fold_of("CN1", "tune", "ic-5") == "r5"
    assert fold_of("CN1", "heldout", "pv") == "h1"


TOY_PROFILES = [
    NodeProfile("x.pack", "x", "电池包", terms=("电池包", "电池箱")),
    NodeProfile("x.cell", "x", "电芯", terms=("电芯", "锂电池")),
    NodeProfile("y.bracket", "y", "光伏支架", terms=("光伏支架",)),
]
TOY = [
    Example("一种电池包壳体", ("H01M",), frozenset({"x.pack"}), frozenset()),
    Example("电池箱防护罩", ("H01M",), frozenset({"x.pack"}), frozenset()),
    Example("一种电池包托盘", ("H01M",), frozenset({"x.pack"}), frozenset()),
    Example("一种锂电池电芯卷绕结构", ("H01M",), frozenset({"x.cell"}), frozenset()),
    Example("方形电芯及其制备方法", ("H01M",), frozenset({"x.cell"}), frozenset()),
    Example("一种光伏支架连接件", ("H02S",), frozenset({"y.bracket"}), frozenset()),
    Example("太阳能支架的立柱", ("H02S",), frozenset({"y.bracket"}), frozenset()),
    Example("一种茶叶烘干机", ("F26B",), frozenset(), frozenset()),
    Example("数据同步方法及存储介质", ("G06F",), frozenset(), frozenset()),
    Example("一种家具抛光机", ("B24B",), frozenset(), frozenset()),
]


def test_training_learns_chain_and_node_from_examples_and_terms():
    m = train(TOY, TOY_PROFILES, ("x", "y"), l2=0.3)
    sup = m.support("一种电池包防护罩", ("H01M",))
    assert sup["x"][0] > 0.5 and sup["x"][1] == "x.pack"
    assert sup["y"][0] < 0.5
    assert m.support("一种光伏支架立柱", ("H02S",))["y"][1] == "y.bracket"
    assert m.support("一种家具烘干机", ("F26B",))["x"][0] < 0.5


class FixedSupport:
    """A fixed classifier verdict per title (the combination logic under test, not the classifier)."""

    def __init__(self, verdicts):
        self.verdicts = verdicts

    def support(self, title, ipc=()):
        return self.verdicts.get(title, {})


def test_the_classifier_tags_rule_candidates_and_fills_gaps():
    profiles = [NodeProfile("x.pack", "x", "电池包", terms=("电池包",), ipc_scope=("H01M",), exclude=("玩具",)),
                NodeProfile("x.cell", "x", "电芯", terms=("电芯",), ipc_scope=("H01M",))]
    support = FixedSupport({
        "一种电池包": {"x": (0.9, "x.pack", 0.9)},
        "一种电芯壳体": {"x": (0.9, "x.pack", 0.8)},
        "一种电池保护罩": {"x": (0.9, "x.pack", 0.8)},
        "一种电池保护罩玩具": {"x": (0.9, "x.pack", 0.8)},
        "一种电池盒": {"x": (0.9, "x.pack", 0.4)},
        "一种电池支撑件": {"x": (0.6, "x.pack", 0.7)},
        "一种汽车座椅": {"x": (0.2, "x.pack", 0.9)},
    })
    m = PlacementModel(profiles, learned=support)
    (p,) = m.place("一种电池包", ("H01M",), min_confidence=0.0)
    assert p.evidence_class.endswith("+agree") and "agrees" in p.evidence
    classes = {q.node_id: q.evidence_class for q in m.place("一种电芯壳体", ("H01M",), min_confidence=0.0)}
    assert classes["x.cell"].endswith("+other") and classes["x.pack"] == "learned/alt"
    (g,) = m.place("一种电池保护罩", ("H01M",), min_confidence=0.0)
    assert (g.node_id, g.rule, g.evidence_class) == ("x.pack", "learned", "learned/strong")
    assert g.confidence == LEARNED_CONFIDENCE["learned/strong"] and "no listed term decides" in g.evidence
    (w,) = m.place("一种电池支撑件", ("H01M",), min_confidence=0.0)
    assert w.evidence_class == "learned" and w.confidence < g.confidence
    assert m.place("一种电池保护罩玩具", ("H01M",), min_confidence=0.0) == []  # the node's exclusion vetoes
    assert m.place("一种电池盒", ("H01M",), min_confidence=0.0) == []        # P(node | chain) too low
    assert m.place("一种汽车座椅", ("B60N",), min_confidence=0.0) == []      # P(chain) too low
    # a text without IPC (an achievement, a demand) keeps the rules alone: the classes were fitted on patents
    assert [q.evidence_class for q in m.place("一种电池包", (), min_confidence=0.0)] == ["term/subject"]
    # without the classifier the same model is the rules alone
    assert PlacementModel(profiles).place("一种电池保护罩", ("H01M",), min_confidence=0.0) == []


def test_learned_confidences_are_calibrated_values():
    assert all(0 < c <= 0.95 for c in LEARNED_CONFIDENCE.values())
    for cls, c in LEARNED_CONFIDENCE.items():
        if "/inner+" in cls and cls.replace("/inner+", "/subject+") in LEARNED_CONFIDENCE:
            assert c <= LEARNED_CONFIDENCE[cls.replace("/inner+", "/subject+")], cls


@pytest.fixture(scope="module")
def committed() -> LearnedPlacer:
    return LearnedPlacer.load(MODEL_DIR)


def test_committed_model_loads_and_knows_the_library(committed):
    known = {p.node_id for p in profiles_from_chain_dir(ROOT / "data" / "chains")}
    assert set(committed.node_ids) == known
    assert set(committed.chains) == {"nev_battery", "pv", "ic", "biomed", "industrial_robot"}
    assert (MODEL_DIR / "MODEL_CARD.md").is_file()


@pytest.mark.shared_data
def test_learned_confidence_table_is_the_fit_on_out_of_fold_outputs(shared_data):
    """LEARNED_CONFIDENCE is what fit_learned_confidence gives on the stored out-of-fold outputs of the
    calibration data (fresh: the first held-out part, round 7 with the chain files of before round 7);
    every class at ≥ 0.8 was right ≥ 95 % of the time on ≥ 10 fresh judgements."""
    from extraction.placement import MIN_SUPPORT_HIGH
    from extraction.placement_eval import HIGH_PRECISION, fit_learned_confidence, learned_fit_inputs

    gold, model, fresh = learned_fit_inputs(data_dir=shared_data)
    fit = fit_learned_confidence(gold, model, fresh)
    assert {c: f["fitted"] for c, f in fit.items()} == LEARNED_CONFIDENCE
    for cls, f in fit.items():
        if f["fitted"] >= 0.8:
            assert f["fresh_placed"] >= MIN_SUPPORT_HIGH and f["fresh_right"] / f["fresh_placed"] >= HIGH_PRECISION, cls
        if f["fitted"] >= PLACE_MIN:
            assert f["placed"] >= 1, cls


def test_an_ipc_group_with_the_classifier_never_drops_below_its_rule_class():
    """term + IPC group (never judged on the gold titles, which carry subclasses only) keeps at least the
    confidence of the fitted class whose evidence it contains, and agreement never lowers a rule class."""
    from extraction.placement import RULE_CONFIDENCE, learned_confidence

    agree = learned_confidence("term+ipc_group/subject+agree", RULE_CONFIDENCE["term+ipc_group/subject"])
    assert agree >= max(RULE_CONFIDENCE["term+ipc_group/subject"], LEARNED_CONFIDENCE["term+scope/subject+agree"])
    other = learned_confidence("term+ipc_group/subject+other", RULE_CONFIDENCE["term+ipc_group/subject"])
    assert LEARNED_CONFIDENCE["term+scope/subject+other"] <= other < agree
