"""TRL reading, chain placement, text folding, the gold set and small ORG-model training runs."""

import pytest

from extraction.corpora import parse_gold_line, read_gold
from extraction.evaluate import score_examples
from extraction.gazetteer import NodeEntry
from extraction.model import MODEL_METHOD, OrgCrf, spans_to_tags, tags_to_spans
from extraction.pipeline import build_nlp, extract_texts
from extraction.placement import place_by_ipc, place_by_keywords, place_org_by_patents
from extraction.textnorm import chunk_spans, fold_text
from extraction.train_ner import name_lists, synthetic_sentences, train_crf, train_crf_on
from extraction.trl import INFERRED_CONFIDENCE, read_trl
from graph.errors import ExtractionError


def test_trl_stated_and_inferred():
    assert read_trl("技术成熟度达到6级").level == 6 and read_trl("技术成熟度达到6级").method == "stated"
    assert read_trl("目前为TRL 7，已示范").level == 7
    assert read_trl("技术就绪度为第五级").level == 5
    r = read_trl("已完成中试，正在推进量产")
    assert (r.level, r.method, r.confidence) == (8, "stage_words", INFERRED_CONFIDENCE)
    assert read_trl("处于实验室阶段").level == 3
    assert read_trl("一种新材料") is None and read_trl("") is None


def test_keyword_and_ipc_placement():
    nodes = [NodeEntry("battery.cathode", "正极材料", ("磷酸铁锂", "三元材料"), ("H01M4",)),
             NodeEntry("battery.separator", "隔膜", ("涂覆隔膜",), ("H01M50",))]
    got = place_by_keywords("一种磷酸铁锂正极材料的包覆方法", nodes)
    assert [p.node_id for p in got] == ["battery.cathode"] and got[0].confidence == 0.65
    assert place_by_keywords("", nodes) == []
    assert [p.node_id for p in place_by_ipc(["H01M4/525"], nodes)] == ["battery.cathode"]
    org = place_org_by_patents({"battery.cathode": 3, "battery.separator": 1}, 4)
    assert org[0].node_id == "battery.cathode" and org[0].confidence > org[1].confidence <= 0.85


def test_fold_is_length_preserving():
    for s in ["ＡＢＣ　１２３", "<p>無錫</p>&nbsp;", "😀👍🏽 mixed 中文"]:
        assert len(fold_text(s)) == len(s)
    spans = list(chunk_spans("句子。" * 2000, 500))
    assert spans[0][0] == 0 and spans[-1][1] == 6000 and all(e - s <= 500 for s, e in spans)


def test_gold_parser_and_size():
    text, spans, rels = parse_gold_line("[[ORG:甲有限公司]]向[[ORG:乙有限公司]]供货。 ||| SUPPLIES 0 1")
    assert text == "甲有限公司向乙有限公司供货。" and spans == [(0, 5, "ORG"), (6, 11, "ORG")]
    assert rels == [("SUPPLIES", "甲有限公司", "乙有限公司")]
    assert len(list(read_gold())) >= 150


def test_gold_set_meets_targets():
    res = score_examples(build_nlp(), read_gold())
    assert res["labels"]["ORG"]["f1"] >= 0.93  # the default pipeline (rules + ORG model) keeps our own style
    assert res["labels"]["PATENT"]["f1"] >= 0.98 and res["labels"]["IPC"]["f1"] >= 0.98
    assert res["relations"]["ALL"]["p"] >= 0.85 and res["relations"]["ALL"]["r"] >= 0.6


def test_relation_gold_set_precision_and_recall():
    """The relation gold set (company profiles / news style, short names and lists). On its dev part (the
    rules were tuned on it) the default pipeline meets the issue's target (P ≥ 0.85 at R ≥ 0.6); on the
    held-out third precision holds and recall is above the target (0.881 since ner6, docs/extraction.md); on the
    fresh block, written before the extractor ever ran on it, precision holds above 0.75 (0.910 / 0.643 since
    ner6) and recall stays above the rules path's."""
    from extraction.corpora import RELATIONS_FRESH_FILE, RELATIONS_GOLD_FILE

    assert len(list(read_gold(RELATIONS_GOLD_FILE))) >= 150
    nlp, rules_nlp = build_nlp(), build_nlp({"model": "off"})
    dev = score_examples(nlp, read_gold(RELATIONS_GOLD_FILE, "dev"), {"ORG"})["relations"]["ALL"]
    assert dev["p"] >= 0.85 and dev["r"] >= 0.6, dev
    held = list(read_gold(RELATIONS_GOLD_FILE, "heldout"))
    assert len(held) >= 50
    got = score_examples(nlp, held, {"ORG"})["relations"]["ALL"]
    rules = score_examples(rules_nlp, held, {"ORG"})["relations"]["ALL"]
    # (since the built-in list of well-known firms, extraction/known_enterprises.py, the rules path finds many
    # short names too, so the model's margin over it is smaller than the 2× it was)
    assert got["p"] >= 0.85 and got["r"] >= 0.6 and got["r"] > rules["r"], "held-out third below target (totals only)"
    fresh = list(read_gold(RELATIONS_FRESH_FILE))
    got = score_examples(nlp, fresh, {"ORG"})["relations"]["ALL"]
    rules = score_examples(rules_nlp, fresh, {"ORG"})["relations"]["ALL"]
    assert got["p"] >= 0.75 and got["r"] > rules["r"], "fresh block below its floor (totals only)"


def test_tiny_crf_trains_loads_and_tags(tmp_path):
    """Training on a small slice (our demo names in our templates) gives a model that loads and tags."""
    names = name_lists(include_shared=False)
    sentences, dict_names = synthetic_sentences(names, 300, seed=1)
    meta = train_crf_on(sentences, dict_names[:50], tmp_path / "m", max_iterations=10)
    assert meta["sentences"] == {"given": 300} and meta["size_bytes"] > 0
    assert (tmp_path / "m" / "org_crf.crfsuite").is_file() and (tmp_path / "m" / "meta.json").is_file()
    nlp = build_nlp({"model_path": str(tmp_path / "m"), "model_mode": "only"})
    assert "chainkg_model_ner" in nlp.pipe_names
    full, short = next((f, s) for f, s in names if s and s not in dict_names[:50])
    text = f"据悉，{short}已成为澜舟示例的核心供应商，为其批量提供精密部件。"
    rec = extract_texts(nlp, [{"id": 1, "text": text}])[0]
    orgs = [m for m in rec["mentions"] if m["label"] == "ORG"]
    # 澜舟示例 is in no training sentence: the model tags an unseen short name from its context
    assert any(m["text"] in (short, "澜舟示例") and m["method"] == MODEL_METHOD for m in orgs), orgs
    assert all(text[m["start"] : m["end"]] == m["text"] and 0.5 <= m["confidence"] <= 0.95 for m in orgs)


@pytest.mark.shared_data
def test_train_ner_on_a_shared_slice(tmp_path):
    """`chainkg train-ner` on a few sentences of each corpus: never the held-out parts."""
    meta = train_crf(tmp_path / "m", limit=30, synthetic=30, max_iterations=10)
    assert meta["sentences"] == {"cluener": 30, "peoples_daily": 30, "resume": 30, "synthetic": 30}
    crf = OrgCrf(tmp_path / "m")
    assert isinstance(crf.tag("新华社北京电", [(0, 3), (3, 5), (5, 6)]), list)


def test_bio_tags_round_trip():
    spans = [(0, 2), (3, 4), (5, 9)]
    tags = spans_to_tags(10, spans)
    assert tags == ["B", "E", "O", "S", "O", "B", "I", "I", "E", "O"] and tags_to_spans(tags) == spans
    assert tags_to_spans(["B", "I", "O", "B"]) == [(0, 2)]  # an unfinished span of 2+ is closed, a lone B is dropped


def test_model_settings_fail_clearly(tmp_path):
    with pytest.raises(ExtractionError, match="train-ner"):
        build_nlp({"model_path": str(tmp_path)})
    with pytest.raises(ExtractionError, match="model_mode"):
        build_nlp({"model_mode": "sometimes"})
    assert "chainkg_model_ner" not in build_nlp({"model": "off"}).pipe_names
    assert "chainkg_model_ner" not in build_nlp({"lang": "en"}).pipe_names


def test_proposed_org_ids_are_the_loaders_ids():
    """A proposed organisation gets the id the loader would give the same name (loaders.resolve)."""
    from loaders.resolve import OrgResolver

    text = "苏州星澜（中国）新材料有限责任公司与ＡＢＣ Power Co., Ltd.签署协议，常州 恒远精密机械有限公司提供配套。"
    rec = extract_texts(build_nlp(), [{"id": 1, "text": text}])[0]
    orgs = [m for m in rec["mentions"] if m["label"] == "ORG"]
    assert len(orgs) >= 2
    resolver = OrgResolver()
    for m in orgs:
        assert m["link"]["by"] == "proposed"
        assert m["link"]["id"] == resolver.resolve(m["text"]), m["text"]
    # Spelling variants the loader folds together (width, brackets, 有限责任公司) share one id.
    from loaders.normalise import org_id_for_raw_name

    assert org_id_for_raw_name("苏州星澜（中国）新材料有限责任公司") == org_id_for_raw_name("苏州星澜(中国)新材料有限公司 ")
    assert org_id_for_raw_name("") == org_id_for_raw_name("  ")  # blank surfaces do not raise
