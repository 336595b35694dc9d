"""The shipped ORG model (models/org-crf): in the repository, loads without network, combines with the rules."""

import json
import subprocess
import sys
from pathlib import Path

from extraction.model import DEFAULT_MODEL_DIR, META_FILE, MODEL_FILE, MODEL_METHOD
from extraction.pipeline import build_nlp, extract_texts
from extraction.slots import SLOT_METHOD

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_model_is_small_documented_and_not_ignored():
    model = DEFAULT_MODEL_DIR / MODEL_FILE
    assert model.is_file() and model.stat().st_size < 30_000_000
    meta = json.loads((DEFAULT_MODEL_DIR / META_FILE).read_text(encoding="utf-8"))
    assert meta["sentences"]["cluener"] > 8000 and "peoples_daily" in meta["sentences"]
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    for must in ("CLUENER", "People's Daily", "Resume", "licen", "chainkg train-ner", "held-out"):
        assert must in card, must
    # A fresh clone gets the weights only if git does not ignore them.
    ignored = subprocess.run(["git", "check-ignore", "-q", str(model)], cwd=ROOT)
    assert ignored.returncode == 1, "models/org-crf is git-ignored: a fresh clone would have no model"


_OFFLINE = """
import socket, sys
def _no_network(*a, **k):
    raise OSError("network access attempted")
socket.socket.connect = _no_network
socket.create_connection = _no_network
from extraction.pipeline import build_nlp, extract_texts
from extraction.slots import SLOT_METHOD
nlp = build_nlp()
assert "chainkg_model_ner" in nlp.pipe_names, nlp.pipe_names
rec = extract_texts(nlp, [{"id": 1, "text": sys.argv[1]}])[0]
print([m["text"] for m in rec["mentions"] if m["label"] == "ORG"])
"""


def test_shipped_model_loads_and_tags_without_network():
    text = "记者从宁德时代获悉，该公司与中科院物理所共建的联合实验室已投入使用。"
    res = subprocess.run([sys.executable, "-c", _OFFLINE, text], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    orgs = eval(res.stdout.strip().splitlines()[-1])  # noqa: S307 - our own subprocess printing a list literal
    assert "宁德时代" in orgs and "中科院物理所" in orgs


def test_default_pipeline_combines_rules_and_model():
    text = "常州恒远精密机械有限公司与中科院物理所合作开发固态电池，产品已进入宁德时代供应链。"
    rec = extract_texts(build_nlp(), [{"id": 1, "text": text}])[0]
    orgs = {m["text"]: m for m in rec["mentions"] if m["label"] == "ORG"}
    assert orgs["常州恒远精密机械有限公司"]["method"] == "rule:suffix"  # legal names: the rules' span
    # short names and institutions: the model's spans, or a relation slot that completes a cut-short one
    assert {orgs["中科院物理所"]["method"], orgs["宁德时代"]["method"]} <= {MODEL_METHOD, SLOT_METHOD}
    assert MODEL_METHOD in {m["method"] for m in orgs.values()}
    assert all(0.5 <= m["confidence"] <= 0.95 and text[m["start"] : m["end"]] == m["text"] for m in orgs.values())
    assert ("COOPERATES_WITH", "常州恒远精密机械有限公司", "中科院物理所") in {(r["type"], r["head"], r["tail"]) for r in rec["relations"]}
    rules_only = extract_texts(build_nlp({"model": "off"}), [{"id": 1, "text": text}])[0]
    assert all(m["method"] != MODEL_METHOD for m in rules_only["mentions"])


def test_relation_slot_needs_a_known_organisation_and_a_trigger():
    nlp = build_nlp({"model": "off"})
    got = extract_texts(nlp, [{"id": 1, "text": "苏州星衡新能源科技有限公司向恒锐精工批量供应正极材料。"},
                              {"id": 2, "text": "恒锐精工向记者介绍了新产品。"}])
    slot = [m for m in got[0]["mentions"] if m["method"] == SLOT_METHOD]
    assert [m["text"] for m in slot] == ["恒锐精工"] and slot[0]["confidence"] == 0.6
    assert [(r["type"], r["tail"]) for r in got[0]["relations"]] == [("SUPPLIES", "恒锐精工")]
    assert not [m for m in got[1]["mentions"] if m["label"] == "ORG"]  # no ORG to anchor on, no trigger: nothing


def test_model_span_filters():
    """Spans the model proposed on the demo graph's profiles that are no organisation names."""
    import jieba

    from extraction.doctypes import Mention
    from extraction.model import _bad_boundary, _technology_term

    def spans(text):
        out, pos = [], 0
        for w in jieba.cut(text):
            out.append((pos, pos + len(w)))
            pos += len(w)
        return out

    text = "主要产品包括汽车电子。"
    start = text.index("括")
    assert _bad_boundary(Mention("ORG", start, start + 5, MODEL_METHOD, 0.8), text, spans(text))  # 包括 cut in two
    text = "与高校联合开发扁线电机。"
    start = text.index("开发")
    assert _bad_boundary(Mention("ORG", start, start + 6, MODEL_METHOD, 0.8), text, spans(text))  # starts with a verb
    text = "宁德时代与中科院物理所合作。"
    assert not _bad_boundary(Mention("ORG", 0, 4, MODEL_METHOD, 0.8), text, spans(text))
    tech = [Mention("TECH", 1, 5, "dictionary", 0.9)]
    assert _technology_term(Mention("ORG", 0, 5, MODEL_METHOD, 0.8), tech)  # 对汽车电机: mostly a technology
    assert not _technology_term(Mention("ORG", 0, 12, MODEL_METHOD, 0.8), tech)


def test_model_span_is_cut_at_a_relation_word():
    """A model span running through a connector or a trigger verb ("常州瑞丰为上汽集团", "中石化控股子公司石化油服",
    "汇川技术代工伺服驱动器") is cut there: two names after a connector, the name alone before a verb."""
    import jieba

    from extraction.doctypes import Mention
    from extraction.model import _split_at_relation_words

    def parts(text, span_text):
        tokens, pos = [], 0
        for w in jieba.cut(text):
            tokens.append((pos, pos + len(w)))
            pos += len(w)
        s = text.index(span_text)
        return [text[m.start : m.end] for m in _split_at_relation_words(Mention("ORG", s, s + len(span_text), MODEL_METHOD, 0.8),
                                                                         text, tokens)]

    assert parts("中石化控股子公司石化油服承接了该工程。", "中石化控股子公司石化油服") == ["中石化", "石化油服"]
    assert parts("瑞丰自动化为汇川技术代工伺服驱动器。", "汇川技术代工伺服驱动器") == ["汇川技术"]
    assert parts("阿里巴巴下属的平头哥发布了新芯片。", "阿里巴巴下属") == ["阿里巴巴"]
    assert parts("中国联合网络通信集团有限公司发布公告。", "中国联合网络通信集团有限公司") == ["中国联合网络通信集团有限公司"]


def test_rule_span_the_model_rejected_is_dropped_but_legal_names_stay():
    """A suffix-rule span no model span touches survives only as a legal name or with the model's belief
    (measured: such spans are mostly generic phrases like 部分银行, 当地政府)."""
    from extraction.doctypes import Mention
    from extraction.model import _prefer

    generic = Mention("ORG", 0, 4, "rule:suffix", 0.85)  # "部分银行"
    legal = Mention("ORG", 10, 20, "rule:suffix", 0.95)  # "…有限公司"
    believed = Mention("ORG", 30, 36, "rule:suffix", 0.85)
    probs = {(0, 4): 0.01, (10, 20): 0.0, (30, 36): 0.6}
    keep, added = _prefer([generic, legal, believed], [], lambda s, e: probs[(s, e)])
    assert [(m.start, m.end) for m in keep] == [(10, 20), (30, 36)] and added == []
    assert keep[1].confidence == round(0.5 + 0.45 * 0.6, 3)  # capped by the model's belief


def test_span_joining_two_things_with_yu_is_dropped_even_after_an_unknown_token():
    """Found on the demo graph (轨迹规划与机器人控制 → "划与机器人"): a span starting inside an unknown jieba token is
    still judged by the 与 rule."""
    from extraction.doctypes import Mention
    from extraction.model import _bad_boundary

    text = "轨迹规划与机器人控制"
    tokens = [(0, 2), (2, 5), (5, 10)]  # "轨迹" | "规划与" (a glue jieba does not know) | "机器人控制"
    assert _bad_boundary(Mention("ORG", 3, 8, MODEL_METHOD, 0.8), text, tokens)


def test_relation_slot_lists_follow_a_slot_only_in_a_relation_sentence():
    """The list step (M、[X]和[Y]) works after a slot too, and only where the sentence states a relation."""
    import re

    from extraction import slots as slot_module

    nlp = build_nlp({"model": "off", "known_enterprises": False})  # these firms are on the built-in list too
    news = "华南理工大学、五山街道和天河公园举办联欢活动。"
    got = extract_texts(nlp, [{"id": 1, "text": "拓普集团的客户有特斯拉、赛力斯和比亚迪。"}, {"id": 2, "text": news}])
    found = [m["text"] for m in got[0]["mentions"] if m["method"] == SLOT_METHOD]
    assert found == ["特斯拉", "赛力斯", "比亚迪"]
    assert {("SUPPLIES", "拓普集团", t) for t in found} <= {(r["type"], r["head"], r["tail"]) for r in got[0]["relations"]}
    assert not [m for m in got[1]["mentions"] if m["method"] == SLOT_METHOD]  # a news list, no relation cue
    cue = slot_module._RELATION_CUE
    try:  # the same sentence with the cue check switched off: the list step would take the places as names
        slot_module._RELATION_CUE = re.compile("")
        ungated = extract_texts(nlp, [{"id": 2, "text": news}])[0]
    finally:
        slot_module._RELATION_CUE = cue
    assert [m["text"] for m in ungated["mentions"] if m["method"] == SLOT_METHOD]
