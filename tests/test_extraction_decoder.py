"""Our CRF decoder (extraction.crf_decoder) against pycrfsuite: the same tags, the same probabilities."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pycrfsuite
import pytest

from extraction import corpora
from extraction.crf_decoder import EXPORT_FILE, WEIGHTS_FILE, CrfDecoder, export_weights, load_export
from extraction.crf_features import char_features
from extraction.doctypes import STATE_KEY, DocResult, doc_state, token_spans
from extraction.model import DEFAULT_MODEL_DIR, MODEL_FILE, OrgCrf
from extraction.pipeline import build_nlp
from extraction.train_ner import name_lists, synthetic_sentences, train_crf_on


def _rule_items(texts):
    """(text, jieba tokens, rule candidates) as the model component sees them."""
    nlp = build_nlp({"model": "off"})
    rules = [n for n in nlp.pipe_names if n != "chainkg_resolve"]
    out = []
    with nlp.select_pipes(enable=rules):
        for t in texts:
            doc = nlp.make_doc(t)
            doc.user_data[STATE_KEY] = DocResult(text=t)
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            out.append((t, token_spans(doc), list(doc_state(doc).candidates)))
    return out


def _reference(model_dir, crf: OrgCrf, items):
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_dir / MODEL_FILE))
    labels = crf.decoder.labels
    out = []
    for text, tokens, cands in items:
        tags = tagger.tag(char_features(text, tokens, cands, crf.feature_set, crf.feature_version))
        marg = np.array([[tagger.marginal(y, k) for y in labels] for k in range(len(text))])
        out.append((tags, marg))
    return out


def _assert_same(crf: OrgCrf, model_dir, items):
    stacked = crf.decoder.rows_lean_many(items)
    if stacked is not None:  # the batch path builds the same rows as the one-text path
        assert np.array_equal(crf.decoder.state_scores(stacked),
                              np.vstack([crf.decoder.state_scores(crf.decoder.rows_lean(*it)) for it in items]))
    decoded = crf.decode(items)
    for (text, _, _), (tags, marg), (ref_tags, ref_marg) in zip(items, decoded, _reference(model_dir, crf, items),
                                                                strict=True):
        assert tags == ref_tags, text
        assert np.allclose(marg, ref_marg, rtol=0, atol=1e-5), text


TEXTS = [
    "据悉，宁德时代已成为澜舟示例的核心供应商，为其批量提供精密部件。",
    "中科院物理所与工信部在北京签署合作协议。",
    "甲",
    "常州恒远精密机械有限公司长期向比亚迪股份有限公司供应电池结构件，分类号H01M50/20。",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    sentences, dict_names = synthetic_sentences(name_lists(include_shared=False), 300, seed=1)
    folder = tmp_path_factory.mktemp("crf") / "m"
    train_crf_on(sentences, dict_names[:50], folder, max_iterations=10)
    return folder


def test_training_writes_the_export_and_the_decoder_tags_like_pycrfsuite(tiny_model):
    export = json.loads((tiny_model / EXPORT_FILE).read_text(encoding="utf-8"))
    assert export["model_md5"] == hashlib.md5((tiny_model / MODEL_FILE).read_bytes()).hexdigest()
    assert (tiny_model / WEIGHTS_FILE).is_file()
    crf = OrgCrf(tiny_model)
    _assert_same(crf, tiny_model, _rule_items(TEXTS))


def test_tokens_with_gaps_and_empty_text(tiny_model):
    crf = OrgCrf(tiny_model)
    text = "澜舟示例 供应 部件"
    items = [(text, [(0, 4), (5, 7), (8, 10)], []), (text, [], [])]
    assert crf.decoder.rows_lean_many(items) is None  # not tiled by tokens: decoded one text at a time
    _assert_same(crf, tiny_model, items)
    assert crf.tag("", []) == [] and crf.tag_many([("", [], [])])[0].spans == []


def test_a_batch_decodes_each_text_as_alone(tiny_model):
    crf = OrgCrf(tiny_model)
    items = _rule_items(TEXTS)
    together = crf.tag_many(items)
    for item, res in zip(items, together, strict=True):
        alone = crf.tag_many([item])[0]
        assert alone.spans == res.spans and np.array_equal(alone.marginals, res.marginals)


def test_a_stale_export_is_ignored(tiny_model, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    for name in (MODEL_FILE, EXPORT_FILE, WEIGHTS_FILE):
        (folder / name).write_bytes((tiny_model / name).read_bytes())
    export = json.loads((folder / EXPORT_FILE).read_text(encoding="utf-8"))
    export["model_md5"] = "0" * 32
    (folder / EXPORT_FILE).write_text(json.dumps(export), encoding="utf-8")
    fresh = load_export(folder, folder / MODEL_FILE)  # exported again from the model file itself
    assert fresh["model_md5"] == hashlib.md5((folder / MODEL_FILE).read_bytes()).hexdigest()
    assert np.array_equal(fresh["weights"], export_weights(tiny_model / MODEL_FILE)["weights"])


def test_the_shipped_export_belongs_to_the_shipped_model():
    export = json.loads((DEFAULT_MODEL_DIR / EXPORT_FILE).read_text(encoding="utf-8"))
    assert export["model_md5"] == hashlib.md5((DEFAULT_MODEL_DIR / MODEL_FILE).read_bytes()).hexdigest(), \
        "models/org-crf/decoder.json is stale: run `python -m extraction.crf_decoder`"
    assert isinstance(CrfDecoder(load_export(DEFAULT_MODEL_DIR, DEFAULT_MODEL_DIR / MODEL_FILE)).labels, list)


def test_the_shipped_model_decodes_our_gold_texts_like_pycrfsuite():
    texts = [e[0] for e in corpora.read_gold()] + [e[0] for e in corpora.read_gold(corpora.RELATIONS_GOLD_FILE)]
    texts += [e[0] for e in corpora.read_gold(corpora.RELATIONS_FRESH_FILE)]
    _assert_same(OrgCrf(), DEFAULT_MODEL_DIR, _rule_items(texts))


@pytest.mark.shared_data
def test_the_shipped_model_decodes_cluener_heldout_like_pycrfsuite():
    from itertools import islice

    texts = [e[0] for e in islice(corpora.read_cluener("heldout"), 500)]
    _assert_same(OrgCrf(), DEFAULT_MODEL_DIR, _rule_items(texts))
