"""Well-known firms' bare short names (extraction/known_enterprises.py), the relation phrasing added with
them (nominal and announcement forms, lists after an elided subject), and the third development block."""

from extraction.doctypes import Mention
from extraction.known_enterprises import METHOD, find_known_enterprises
from extraction.relations import find_relations
from extraction.textnorm import sentence_spans


def _relations(text: str, names: list[str]) -> set[tuple[str, str, str]]:
    mentions, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        mentions.append(Mention("ORG", start, start + len(name), "test", 0.9, text=name))
        pos = start + len(name)
    return {(r["type"], r["head"], r["tail"]) for r in find_relations(text, mentions, sentence_spans(text))}


def _known(text: str, mentions: list[Mention] | None = None, tokens=None) -> list[str]:
    mentions = mentions if mentions is not None else []
    find_known_enterprises(text, mentions, sentence_spans(text), tokens)
    return [text[m.start : m.end] for m in mentions if m.label == "ORG" and m.method == METHOD]


def test_known_names_are_found_with_exact_offsets():
    text = "比亚迪的刀片电池也开始供应丰田。"
    assert _known(text) == ["比亚迪", "丰田"]


def test_ambiguous_names_need_a_relation_sentence():
    assert _known("我喜欢吃苹果和小米粥。") == []
    assert _known("富士康为苹果代工手机。") == ["富士康", "苹果"]


def test_names_must_sit_on_token_edges():
    text = "活动在北京东方君悦大酒店举行。"
    tokens = [(0, 2), (2, 3), (3, 5), (5, 7), (7, 9), (9, 12), (12, 14), (14, 15)]  # 活动/在/北京/东方/君悦/大酒店/举行/。
    assert _known(text, tokens=tokens) == []  # 京东方 cuts through 北京|东方
    assert _known(text) == ["京东方"]  # (without tokens the edge check is off)


def test_a_model_span_that_ran_on_is_replaced_and_a_longer_name_kept():
    text = "北方华创采购了设备，比亚迪半导体发布新品。"
    ran_on = Mention("ORG", 0, 6, "model:test", 0.9)  # 北方华创采购
    longer = Mention("ORG", 10, 16, "model:test", 0.9)  # 比亚迪半导体
    mentions = [ran_on, longer]
    assert _known(text, mentions) == ["北方华创"]
    assert ran_on.label == "DROP" and longer.label == "ORG"


def test_nominal_and_customer_first_phrasing():
    assert ("SUPPLIES", "松下", "特斯拉") in _relations("特斯拉的电池供应商松下宣布扩产。", ["特斯拉", "松下"])
    assert ("SUPPLIES", "通富微电", "AMD") in _relations("AMD是通富微电的第一大客户。", ["AMD", "通富微电"])
    assert ("SUPPLIES", "锦川电子", "澜沧储能") in _relations(
        "锦川电子成立于2012年，是澜沧储能的合格供应商。", ["锦川电子", "澜沧储能"])
    assert ("SUBSIDIARY_OF", "惠州星衡", "星衡新能源") in _relations(
        "星衡新能源关于全资子公司惠州星衡签订重大合同的公告", ["星衡新能源", "惠州星衡"])


def test_a_list_after_an_elided_subject_relates_each_member():
    text = "山东天岳是碳化硅衬底供应商，已向英飞凌、博世批量供货。"
    got = _relations(text, ["山东天岳", "英飞凌", "博世"])
    assert {("SUPPLIES", "山东天岳", "英飞凌"), ("SUPPLIES", "山东天岳", "博世")} <= got


def test_a_supply_signing_is_no_cooperation_unless_the_sentence_says_so():
    supply = _relations("华为数字能源与中国华能签约，为其青海光伏电站提供逆变器。", ["华为数字能源", "中国华能"])
    assert ("SUPPLIES", "华为数字能源", "中国华能") in supply
    assert not any(r[0] == "COOPERATES_WITH" for r in supply)
    both = _relations("星驰科技与中国电信签署合作协议，并为其提供卫星通信终端。", ["星驰科技", "中国电信"])
    assert ("SUPPLIES", "星驰科技", "中国电信") in both and any(r[0] == "COOPERATES_WITH" for r in both)


def test_a_name_found_once_is_found_where_it_comes_back():
    from extraction.repeated_names import find_repeated_names

    text = "星衡新能源与澜沧储能签约，澜沧储能将向星衡新能源供货。"
    first = Mention("ORG", 6, 10, "model:test", 0.9)  # 澜沧储能, found once by the model
    mentions = [Mention("ORG", 0, 5, "rule:suffix", 0.95), first]
    tokens = [(0, 5), (5, 6), (6, 10), (10, 12), (12, 13), (13, 17), (17, 18), (18, 19), (19, 24), (24, 26), (26, 27)]
    got = find_repeated_names(text, mentions, tokens)
    assert [(text[m.start : m.end], m.method) for m in got] == [("澜沧储能", "model:test")]
    assert got[0].confidence < first.confidence


def test_slots_for_names_next_to_ownership_supply_and_partner_words():
    from extraction.pipeline import build_nlp, extract_texts

    texts = ["锦川电子持有澜沧储能60%的股份。", "澜沧储能的母公司锦川电子发布公告。", "锦川电子已批量供货澜沧储能。",
             "锦川电子的客户经理张伟表示产品供不应求。"]
    got = extract_texts(build_nlp(), [{"id": i, "text": t} for i, t in enumerate(texts)])
    rels = [{(r["type"], r["head"], r["tail"]) for r in g["relations"]} for g in got]
    assert ("SUBSIDIARY_OF", "澜沧储能", "锦川电子") in rels[0] and ("SUBSIDIARY_OF", "澜沧储能", "锦川电子") in rels[1]
    assert ("SUPPLIES", "锦川电子", "澜沧储能") in rels[2]
    assert not rels[3]  # 客户经理 is a job, not a customer
    for g, t in zip(got, texts, strict=True):
        assert all(t[m["start"] : m["end"]] == m["text"] for m in g["mentions"])
