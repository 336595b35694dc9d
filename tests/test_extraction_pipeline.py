"""The extraction pipeline on text: codes, organisation rules, linking, relations, output shape."""

import pytest

from extraction.gazetteer import Gazetteer, OrgEntry
from extraction.linking import FUZZY_THRESHOLD, Linker
from extraction.patterns import credit_code_valid, find_codes
from extraction.pipeline import build_nlp, extract_texts


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _one(nlp, text):
    return extract_texts(nlp, [{"id": "x", "text": text}])[0]


def test_output_shape_and_offsets(nlp):
    text = "由苏州星衡新能源科技有限公司与中国科学院大连化学物理研究所联合开发，公开号CN114142123A，IPC H01M10/0525。"
    rec = _one(nlp, text)
    assert set(rec) == {"id", "mentions", "relations"}
    for m in rec["mentions"]:
        assert set(m) == {"label", "text", "start", "end", "method", "confidence", "link"}
        assert text[m["start"] : m["end"]] == m["text"]
    got = {(m["label"], m["text"]) for m in rec["mentions"]}
    assert ("ORG", "苏州星衡新能源科技有限公司") in got
    assert ("ORG", "中国科学院大连化学物理研究所") in got  # chained units stay one organisation
    assert ("PATENT", "CN114142123A") in got and ("IPC", "H01M10/0525") in got
    rel = rec["relations"][0]
    assert set(rel) == {"type", "head", "tail", "evidence", "confidence", "method"}
    assert (rel["type"], rel["head"], rel["tail"]) == ("COOPERATES_WITH", "苏州星衡新能源科技有限公司", "中国科学院大连化学物理研究所")


def test_left_boundary_keeps_names_with_function_characters(nlp):
    rec = _one(nlp, "华为技术有限公司是博世（中国）投资有限公司的合作伙伴。")
    orgs = [m["text"] for m in rec["mentions"] if m["label"] == "ORG"]
    assert orgs == ["华为技术有限公司", "博世（中国）投资有限公司"]


def test_generic_company_words_are_not_names(nlp):
    rec = _one(nlp, "该公司的子公司和分公司遍布全国，本公司是一家科技公司。")
    assert [m for m in rec["mentions"] if m["label"] == "ORG"] == []


def test_declared_short_name_links_to_full_name(nlp):
    text = "杭州晶澜新材料股份有限公司（以下简称“晶澜新材”）成立于2010年。晶澜新材向隆基绿能科技股份有限公司供应胶膜。"
    rec = _one(nlp, text)
    short = [m for m in rec["mentions"] if m["text"] == "晶澜新材"]
    full = next(m for m in rec["mentions"] if m["text"] == "杭州晶澜新材料股份有限公司")
    assert len(short) == 2 and all(m["link"]["id"] == full["link"]["id"] for m in short)
    assert [(r["type"], r["head"]) for r in rec["relations"]] == [("SUPPLIES", "晶澜新材")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("甲方常州恒远精密机械有限公司将专利CN113456789A许可给南通瑞丰自动化设备有限公司使用。", ("LICENSED_TO", 0, 1)),
        ("合肥中科微电子研究院将专利转让给安徽芯创集成电路有限公司。", ("ASSIGNED_TO", 0, 1)),
        ("东莞市鼎盛电子有限公司受让了佛山华拓科技有限公司的专利。", ("ASSIGNED_TO", 1, 0)),
        ("常州恒远精密机械有限公司长期向比亚迪股份有限公司供应电池结构件。", ("SUPPLIES", 0, 1)),
        ("江苏恒立液压股份有限公司从博世力士乐（常州）有限公司采购液压元件。", ("SUPPLIES", 1, 0)),
        ("无锡华芯半导体有限公司是华芯控股集团有限公司的全资子公司。", ("SUBSIDIARY_OF", 0, 1)),
        ("吉林大学与一汽解放汽车有限公司共建联合实验室。", ("COOPERATES_WITH", 0, 1)),
    ],
)
def test_relation_triggers(nlp, text, expected):
    rec = _one(nlp, text)
    orgs = [m["text"] for m in rec["mentions"] if m["label"] == "ORG"]
    rels = {(r["type"], r["head"], r["tail"]) for r in rec["relations"]}
    assert (expected[0], orgs[expected[1]], orgs[expected[2]]) in rels


def test_no_relation_without_trigger(nlp):
    rec = _one(nlp, "南京大学和东南大学都位于南京。南京大学成立较早。")
    assert not [r for r in rec["relations"] if r["type"] != "LOCATED_IN"]


def test_codes_regex():
    codes = {(c.label, c.value) for c in find_codes("公开号CN 114142123 A，申请号202310123456.7，ZL 2022 2 0345678.1，分类号H01M 10/0525及G06N")}
    assert ("PATENT", "CN114142123A") in codes and ("PATENT", "202310123456.7") in codes
    assert ("PATENT", "202220345678.1") in codes
    assert ("IPC", "H01M10/0525") in codes and ("IPC", "G06N") in codes
    assert credit_code_valid("91320500MA1Q8K3D7C") and not credit_code_valid("91320500MA1Q8K3D7D")
    assert [c for c in find_codes("代码91320500MA1Q8K3D7D无效") if c.label == "CREDIT_CODE"] == []


def test_linking_exact_alias_fuzzy_and_proposal():
    gaz = Gazetteer(orgs=[OrgEntry("ORG-1", "苏州星衡新能源科技有限公司", ("星衡新能源",))])
    linker = Linker(gaz)
    assert linker.link_org("苏州星衡新能源科技有限责任公司")["by"] == "exact"  # the loader folds 有限责任公司
    # 股份有限公司 is a different legal form for the loader (a different name_norm): linked, but fuzzily
    variant = linker.link_org("苏州星衡新能源科技股份有限公司")
    assert variant["id"] == "ORG-1" and variant["by"] == "fuzzy"
    assert linker.link_org("星衡新能源") == {"id": "ORG-1", "name": "苏州星衡新能源科技有限公司", "by": "alias", "score": 1.0}
    fuzzy = linker.link_org("苏州星衡新能源技术有限公司")
    assert fuzzy["by"] == "fuzzy" and fuzzy["score"] * 100 >= FUZZY_THRESHOLD
    prop = linker.link_org("南京完全不同材料有限公司")
    assert prop["by"] == "proposed" and prop["id"].startswith("ORG-")


def test_short_names_link_only_when_unique():
    gaz = Gazetteer(orgs=[OrgEntry("A", "常州恒锐精工科技有限公司"), OrgEntry("B", "苏州恒锐精工机械有限公司"),
                          OrgEntry("C", "南通瑞丰自动化设备有限公司")])
    linker = Linker(gaz)
    assert linker.link_org("瑞丰自动化") == {"id": "C", "name": "南通瑞丰自动化设备有限公司", "by": "short_name", "score": 0.9}
    assert linker.link_org("常州恒锐精工科技")["id"] == "A"
    # 恒锐精工 is the short form of two organisations: a proposal, never a guess between them
    assert linker.link_org("恒锐精工")["by"] == "proposed"
    assert linker.link_org("瑞丰")["by"] == "proposed"  # two characters: too short to link without a declared alias


def test_dictionary_orgs_from_gazetteer_are_found_and_linked():
    gaz = Gazetteer(orgs=[OrgEntry("ORG-9", "星衡新能源", ("星衡",))])
    nlp = build_nlp({"gazetteer": gaz})
    rec = extract_texts(nlp, [{"id": 1, "text": "我们与星衡新能源签署协议。"}])[0]
    org = next(m for m in rec["mentions"] if m["label"] == "ORG")
    assert org["text"] == "星衡新能源" and org["method"] == "dictionary" and org["link"]["id"] == "ORG-9"


def test_english_path():
    nlp = build_nlp({"lang": "en"})
    text = "The head was developed by Acme Photonics Co., Ltd. under patent US2019/0123456 A1."
    rec = extract_texts(nlp, [{"id": 1, "text": text}])[0]
    got = {(m["label"], m["text"]) for m in rec["mentions"]}
    assert ("ORG", "Acme Photonics Co., Ltd.") in got
