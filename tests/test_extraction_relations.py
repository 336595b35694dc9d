"""Relation rules on given mentions (no model): elided subjects, 其, 合作伙伴, lists after 牵头…联合; the
model-span boundary fixes; the feature rows' fixed order; the fresh relation gold block."""

import re

import jieba

from extraction.corpora import RELATIONS_FRESH_FILE, read_gold
from extraction.crf_features import char_features
from extraction.doctypes import Mention
from extraction.model import _extend_over_trade_word, _trim_cut_word
from extraction.relations import find_relations
from extraction.textnorm import sentence_spans


def _relations(text: str, names: list[str]) -> set[tuple[str, str, str]]:
    """Relations found when exactly ``names`` (first occurrence of each, left to right) are the ORG mentions."""
    mentions, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        mentions.append(Mention("ORG", start, start + len(name), "test", 0.9, text=name))
        pos = start + len(name)
    return {(r["type"], r["head"], r["tail"]) for r in find_relations(text, mentions, sentence_spans(text))}


def test_a_later_clause_without_subject_takes_the_sentence_subject():
    text = "卓越动力是北京卓越集团的全资子公司，主要向北汽新能源供应电池包。"
    got = _relations(text, ["卓越动力", "北京卓越集团", "北汽新能源"])
    assert ("SUBSIDIARY_OF", "卓越动力", "北京卓越集团") in got
    assert ("SUPPLIES", "卓越动力", "北汽新能源") in got
    assert ("SUPPLIES", "北京卓越集团", "北汽新能源") not in got
    text = "瑞丰自动化为汇川技术代工伺服驱动器，同时获得南通大学的专利许可。"
    assert ("LICENSED_TO", "南通大学", "瑞丰自动化") in _relations(text, ["瑞丰自动化", "汇川技术", "南通大学"])
    text = "上汽集团宣布，其与宁德时代合资建设电池工厂。"
    assert ("COOPERATES_WITH", "上汽集团", "宁德时代") in _relations(text, ["上汽集团", "宁德时代"])


def test_elided_subject_needs_the_sentence_to_open_with_it():
    # the first organisation is not the subject here ("在X的支持下"): no relation is guessed
    text = "在星衡集团的支持下，项目组主要向北汽新能源供应电池包。"
    assert not any(t == "SUPPLIES" for t, *_ in _relations(text, ["星衡集团", "北汽新能源"]))


def test_pronoun_qi_is_the_one_other_organisation():
    text = "精锐数控与宝鸡精工签订了五台加工中心的采购合同，向其交付设备。"
    assert ("SUPPLIES", "精锐数控", "宝鸡精工") in _relations(text, ["精锐数控", "宝鸡精工"])
    # two other organisations before 其: ambiguous, nothing is guessed
    text = "精锐数控与宝鸡精工、秦川机床签订了采购合同，向其交付设备。"
    assert not any(t == "SUPPLIES" for t, *_ in _relations(text, ["精锐数控", "宝鸡精工", "秦川机床"]))


def test_partner_and_lead_unit_lists():
    assert ("COOPERATES_WITH", "华为", "鼎盛电子") in {
        (t, *sorted((h, x))) for t, h, x in _relations("鼎盛电子已成为华为的战略合作伙伴。", ["鼎盛电子", "华为"])}
    text = "该项目由华中科技大学牵头，联合华工科技、锐科激光共同承担。"
    got = {(t, *sorted((h, x))) for t, h, x in _relations(text, ["华中科技大学", "华工科技", "锐科激光"])}
    assert ("COOPERATES_WITH", "华中科技大学", "华工科技") in got and ("COOPERATES_WITH", "华中科技大学", "锐科激光") in got
    assert ("COOPERATES_WITH", "华工科技", "锐科激光") not in got  # brought in by the lead, not partners of each other
    text = "中国商飞与中航工业、中国航发共同推进大飞机国产化。"
    got = {(t, *sorted((h, x))) for t, h, x in _relations(text, ["中国商飞", "中航工业", "中国航发"])}
    assert ("COOPERATES_WITH", "中国航发", "中航工业") in got  # partners listed together do cooperate
    assert ("COOPERATES_WITH", "大连化物所", "融科储能") in {
        (t, *sorted((h, x))) for t, h, x in _relations("大连化物所与融科储能携手推进液流电池产业化。", ["大连化物所", "融科储能"])}


def _tokens(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for w in jieba.cut(text):
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def test_model_span_ending_inside_a_word_is_cut_back():
    text = "徐工机械联合中国矿业大学研发挖掘机。"
    m = Mention("ORG", 0, 5, "model:x", 0.8)  # 徐工机械联|合
    _trim_cut_word(m, text, _tokens(text))
    assert text[m.start : m.end] == "徐工机械"
    text = "中航光电是中国商飞C919项目的供应商。"
    m = Mention("ORG", 5, 10, "model:x", 0.8)  # 中国商飞C|919
    _trim_cut_word(m, text, _tokens(text))
    assert text[m.start : m.end] == "中国商飞"
    text = "记者从中国银行业协会获悉。"
    m = Mention("ORG", 3, 7, "model:x", 0.8)  # 中国银行|业: the part ends in a unit character and stays
    _trim_cut_word(m, text, _tokens(text))
    assert text[m.start : m.end] == "中国银行"
    text = "中国电科38所授权国盾量子使用其专利。"
    m = Mention("ORG", 0, 4, "model:x", 0.8)
    _extend_over_trade_word(m, text)
    assert text[m.start : m.end] == "中国电科38所"


def test_feature_rows_have_one_fixed_order_and_compact_drops_the_unigram_neighbours():
    text = "宁德时代与中科院物理所共建联合实验室，向比亚迪供应电池。"
    tokens = _tokens(text)
    cands = [Mention("ORG", 5, 11, "rule:suffix", 0.85)]
    lean = char_features(text, tokens, cands, "lean")
    assert lean == char_features(text, tokens, cands, "lean")
    for row in lean:
        cues = [f for f in row if f.startswith(("cr=", "cl="))]
        assert cues == sorted(cues, key=["cr=n", "cr=f", "cl=n", "cl=f"].index)  # never a set's order
    compact = char_features(text, tokens, cands, "compact")
    for a, b in zip(lean, compact, strict=True):
        assert [f for f in a if not f.startswith(("c-1=", "c+1="))] == b
    assert sum(map(len, compact)) < 0.85 * sum(map(len, lean))


def test_fresh_relation_block_is_well_formed():
    """The fresh block (written before the extractor ran on it) parses: ≥ 60 sentences, every relation
    between two marked organisations, every relation type the issue names present."""
    examples = list(read_gold(RELATIONS_FRESH_FILE))
    assert len(examples) >= 60
    types = set()
    for text, spans, rels in examples:
        surfaces = {text[s:e] for s, e, _ in spans}
        assert all(label == "ORG" for _, _, label in spans)
        for rtype, head, tail in rels:
            assert head in surfaces and tail in surfaces and head != tail
            types.add(rtype)
    assert {"SUPPLIES", "COOPERATES_WITH", "LICENSED_TO", "SUBSIDIARY_OF"} <= types
    assert sum(1 for _, _, rels in examples if not rels) >= 10  # precision checks
    header = RELATIONS_FRESH_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert re.search(rf"\b{len(examples)} new sentences", header)
