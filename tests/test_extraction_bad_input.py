"""Bad input: empty, huge, HTML, width mixes, traditional characters, emoji, mixed scripts."""

import time

import pytest

from extraction.pipeline import build_nlp, extract_texts


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _check(nlp, text):
    rec = extract_texts(nlp, [{"id": "x", "text": text}])[0]
    for m in rec["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"], m
    return rec


def test_empty_and_missing_text(nlp):
    recs = extract_texts(nlp, [{"id": 1, "text": ""}, {"id": 2, "text": None}, {"id": 3}])
    assert [r["mentions"] for r in recs] == [[], [], []]
    assert [r["id"] for r in recs] == [1, 2, 3]


def test_one_megabyte_text_bounded_time(nlp):
    sent = "苏州星衡新能源科技有限公司向比亚迪股份有限公司供应正极材料，专利CN114142123A。"
    text = sent * (1_000_000 // len(sent) + 1)
    no_punct = "测" * 300_000  # no sentence end: hard-cut chunks
    t0 = time.perf_counter()
    rec = _check(nlp, text)
    _check(nlp, no_punct)
    assert time.perf_counter() - t0 < 120
    n = text.count("苏州星衡新能源科技有限公司")
    assert sum(m["text"] == "苏州星衡新能源科技有限公司" for m in rec["mentions"]) >= n - 1  # at most one cut by a chunk edge


def test_html_remnants(nlp):
    rec = _check(nlp, "<p>苏州星衡新能源科技有限公司</p>&nbsp;<br/>公开号：<b>CN114142123A</b>")
    assert {"苏州星衡新能源科技有限公司", "CN114142123A"} <= {m["text"] for m in rec["mentions"]}


def test_full_and_half_width_mix(nlp):
    text = "公开号：CN１１４１４２１２３Ａ，分类号Ｈ０１Ｍ１０／０５２５，ＡＢＣ电子（苏州）有限公司。"
    rec = _check(nlp, text)
    by = {m["label"]: m for m in rec["mentions"]}
    assert by["PATENT"]["link"]["id"] == "CN114142123A" and by["IPC"]["link"]["id"] == "H01M10/0525"
    assert by["ORG"]["text"] == "ＡＢＣ电子（苏州）有限公司"


def test_traditional_characters(nlp):
    rec = _check(nlp, "無錫華芯半導體有限公司將專利轉讓給蘇州星衡新能源科技有限公司。")
    assert [m["text"] for m in rec["mentions"] if m["label"] == "ORG"] == ["無錫華芯半導體有限公司", "蘇州星衡新能源科技有限公司"]
    assert rec["relations"][0]["type"] == "ASSIGNED_TO"


def test_emoji_and_mixed_chinese_english(nlp):
    text = "😀深圳市锐驰智能科技有限公司与Tesla, Inc.签署🚗协议，using LiDAR 激光雷达 tech 👍🏽。"
    rec = _check(nlp, text)
    orgs = {m["text"] for m in rec["mentions"] if m["label"] == "ORG"}
    assert "深圳市锐驰智能科技有限公司" in orgs and "Tesla, Inc." in orgs


def test_control_characters_and_odd_types(nlp):
    recs = extract_texts(nlp, [{"id": 1, "text": "\x00\u200b\ufeff有限公司\r\n\t"}, {"id": 2, "text": 12345}])
    assert recs[1]["mentions"] == []
