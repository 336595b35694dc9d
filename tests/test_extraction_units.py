"""TRL reading, chain placement, text folding, the gold set and a tiny model training run."""

from extraction.corpora import parse_gold_line, read_gold
from extraction.evaluate import score_examples
from extraction.gazetteer import NodeEntry
from extraction.model import ModelNer, train_org_model
from extraction.pipeline import build_nlp, extract_texts
from extraction.placement import place_by_ipc, place_by_keywords, place_org_by_patents
from extraction.textnorm import chunk_spans, fold_text
from extraction.trl import INFERRED_CONFIDENCE, read_trl


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
    assert res["labels"]["ORG"]["f1"] >= 0.90
    assert res["labels"]["PATENT"]["f1"] >= 0.98 and res["labels"]["IPC"]["f1"] >= 0.98
    assert res["relations"]["ALL"]["p"] >= 0.85 and res["relations"]["ALL"]["r"] >= 0.6


def test_tiny_model_trains_and_fills_in(tmp_path):
    examples = [("星衡集团发布新品。", [(0, 4, "ORG")]), ("我们拜访了星衡集团。", [(5, 9, "ORG")])] * 10
    info = train_org_model(examples, tmp_path / "m", epochs=3)
    assert info["examples"] == 20 and (tmp_path / "m" / "meta.json").exists()
    ModelNer(str(tmp_path / "m"))  # loads
    nlp = build_nlp({"model_path": str(tmp_path / "m")})
    rec = extract_texts(nlp, [{"id": 1, "text": "今天天气很好。"}])[0]
    assert all(m["text"] == "今天天气很好。"[m["start"] : m["end"]] for m in rec["mentions"])


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
    from extraction.normalize import org_id_for_name

    assert org_id_for_name("苏州星澜（中国）新材料有限责任公司") == org_id_for_name("苏州星澜(中国)新材料有限公司 ")
    assert org_id_for_name("") == org_id_for_name("  ")  # blank surfaces do not raise
