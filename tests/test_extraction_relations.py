"""Relation rules on given mentions (no model): elided subjects, 其, 合作伙伴, lists after 牵头…联合; the
model-span boundary fixes; the feature rows' fixed order; the fresh relation gold block."""

import re

import jieba
import pytest

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


# -- the lexicon pair rules (extraction/pair_relations.py): direction, hedges, lists ---------------------

def test_passive_and_customer_first_forms_keep_the_supplier_as_head():
    assert ("SUPPLIES", "德赛西威", "理想汽车") in _relations("德赛西威被理想汽车定点为智能座舱域控制器供应商。", ["德赛西威", "理想汽车"])
    assert ("SUPPLIES", "宁德时代", "宇通客车") in _relations("宇通客车的动力电池主要来自宁德时代。", ["宇通客车", "宁德时代"])
    got = _relations("奇瑞汽车的座椅由延锋和李尔共同供应。", ["奇瑞汽车", "延锋", "李尔"])
    assert {("SUPPLIES", "延锋", "奇瑞汽车"), ("SUPPLIES", "李尔", "奇瑞汽车")} <= got
    assert not any(t == "COOPERATES_WITH" for t, *_ in got)  # two suppliers of one part are not partners
    assert ("SUPPLIES", "锦川电子", "国家电网") in _relations("锦川电子中标国家电网2026年第一批智能电表采购项目。", ["锦川电子", "国家电网"])


def test_licensor_subsidiary_and_assignor_directions():
    assert ("LICENSED_TO", "上海硅酸盐所", "华鼎股份") in _relations("华鼎股份被上海硅酸盐所授予碳化硅涂层技术的普通许可。",
                                                                   ["华鼎股份", "上海硅酸盐所"])
    cross = _relations("爱立信与OPPO签署全球专利交叉许可协议。", ["爱立信", "OPPO"])
    assert {("LICENSED_TO", "爱立信", "OPPO"), ("LICENSED_TO", "OPPO", "爱立信")} <= cross
    assert ("SUBSIDIARY_OF", "白药健康", "云南白药") in _relations("云南白药旗下子公司白药健康推出新品。", ["云南白药", "白药健康"])
    assert ("ASSIGNED_TO", "山东大学", "天岳先进") in _relations("山东大学的晶体生长专利被天岳先进受让。", ["山东大学", "天岳先进"])


def test_plans_denials_and_rivals_yield_no_relation():
    for text, names in [
        ("锦川电子拟向国家电网供应新一代电表，目前尚未签约。", ["锦川电子", "国家电网"]),
        ("小米计划与宁德时代合作开发电池，但双方尚未达成协议。", ["小米", "宁德时代"]),
        ("华为否认向赛力斯供应动力电池的传闻。", ["华为", "赛力斯"]),
        ("宁德时代与比亚迪是动力电池领域的主要竞争对手。", ["宁德时代", "比亚迪"]),
        ("星衡新能源不是上汽集团的子公司。", ["星衡新能源", "上汽集团"]),
        ("吉利汽车与长城汽车就专利纠纷达成和解。", ["吉利汽车", "长城汽车"]),
    ]:
        assert _relations(text, names) == set(), text


def test_lists_expand_on_either_side():
    got = _relations("中国移动公布集采结果，烽火通信、长飞光纤入围光缆供应商名单。", ["中国移动", "烽火通信", "长飞光纤"])
    assert got == set()  # the buyer sits in another clause: no guess
    got = _relations("鑫泰轴承主要客户为中国中车和太原重工。", ["鑫泰轴承", "中国中车", "太原重工"])
    assert got == {("SUPPLIES", "鑫泰轴承", "中国中车"), ("SUPPLIES", "鑫泰轴承", "太原重工")}
    got = {(t, *sorted((h, x))) for t, h, x in _relations("西安交大、陕鼓集团和西电集团三方签约，共同推进能源装备研发。",
                                                         ["西安交大", "陕鼓集团", "西电集团"])}
    assert len(got) == 3 and {t for t, *_ in got} == {"COOPERATES_WITH"}
    # units a lead brings in work with the lead, not (as annotated) with each other
    got = {(t, *sorted((h, x))) for t, h, x in _relations("由上海交大牵头，上汽集团、宝钢股份参与的轻量化项目通过验收。",
                                                         ["上海交大", "上汽集团", "宝钢股份"])}
    assert got == {("COOPERATES_WITH", *sorted(("上汽集团", "上海交大"))), ("COOPERATES_WITH", *sorted(("宝钢股份", "上海交大")))}


def test_relation_words_inside_model_spans_are_cut_out():
    from extraction.mention_trim import trim_relation_words

    def cut(text: str, name: str) -> list[str]:
        s = text.index(name)
        return [text[m.start : m.end] for m in trim_relation_words(text, [Mention("ORG", s, s + len(name), "model:x", 0.7)])]

    assert cut("诺华授权石药集团在中国开发该抗体药物。", "诺华授权石药集团") == ["诺华", "石药集团"]
    assert cut("中航光电由中航科工控股。", "中航科工控股") == ["中航科工"]
    assert cut("锦川电子拟向国家电网供应电表。", "锦川电子拟") == ["锦川电子"]
    assert cut("瑞能电机的母公司为瑞能控股。", "瑞能控股") == ["瑞能控股"]  # a name that ends in 控股
    assert cut("中国科学院宁波材料技术与工程研究所研制。", "中国科学院宁波材料技术与工程研究所") == ["中国科学院宁波材料技术与工程研究所"]


@pytest.mark.parametrize("block, min_recall", [("dev2", 0.7), ("dev3", 0.75)])
def test_dev_blocks_are_well_formed_and_scored(block, min_recall):
    """relations_dev2.txt and relations_dev3.txt (each written before the extractor ran on it, then used to
    generalise the rules): ≥ 100 sentences, every relation between marked organisations, negatives present;
    the default pipeline keeps precision ≥ 0.85 on them (dev2 recall 0.817 when recorded, dev3's figures in
    docs/extraction.md)."""
    from extraction.corpora import RELATIONS_DEV2_FILE, RELATIONS_DEV3_FILE
    from extraction.evaluate import score_examples
    from extraction.pipeline import build_nlp

    examples = list(read_gold({"dev2": RELATIONS_DEV2_FILE, "dev3": RELATIONS_DEV3_FILE}[block]))
    assert len(examples) >= 100
    for text, spans, rels in examples:
        surfaces = {text[s:e] for s, e, _ in spans}
        assert all(head in surfaces and tail in surfaces and head != tail for _, head, tail in rels)
    assert sum(1 for *_, rels in examples if not rels) >= 20
    got = score_examples(build_nlp(), examples, {"ORG"})["relations"]["ALL"]
    assert got["p"] >= 0.85 and got["r"] >= min_recall, got
