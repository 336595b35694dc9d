"""The organisation tagger trained by our own code: a character CRF (python-crfsuite).

The model reads the features of :mod:`extraction.crf_features` — characters, jieba words and the
spans the rule components found — and tags each character B/I/E/S/O for ORG. Training is
:mod:`extraction.train_ner` (``chainkg train-ner``, pycrfsuite); the shipped weights live in
``models/org-crf/`` with their model card, and are decoded by our own code
(:mod:`extraction.crf_decoder`: same tags as pycrfsuite, a batch of texts at a time). Nothing is
downloaded: the model is read from the repository.

How model and rules combine is the component's ``mode`` (measured in docs/extraction.md):

* ``prefer`` (default) — the model's ORG spans are added; a suffix-rule ORG that a model span
  overlaps without matching it is dropped unless it ends in a legal form (有限公司 …), which the
  rules delimit better than the model; a suffix-rule ORG no model span touches is kept only as a legal
  name or when the model believes in its span (:data:`RULE_ONLY_MIN_PROBABILITY`); model spans running
  through a relation word are cut there; dictionary ORGs (graph names, built-in institutions) stay;
* ``gaps`` — model spans are added only where no rule/dictionary ORG or PERSON lies;
* ``fill`` — the model runs only on sentences where the rules found no ORG;
* ``only`` — rule ORGs are dropped and the model's are used (a baseline).
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

import numpy as np

from extraction.crf_decoder import CrfDecoder, load_export
from extraction.crf_features import char_features
from extraction.doctypes import Mention, doc_state, doc_text, token_spans
from extraction.orgrules import BOUNDARY_WORDS
from extraction.textnorm import sentence_spans
from graph.errors import ExtractionError
from loaders.datadir import resource_root

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = resource_root() / "models" / "org-crf"  # checkout or installed copy (loaders/datadir.py)
MODEL_FILE = "org_crf.crfsuite"
META_FILE = "meta.json"
MODEL_METHOD = "model:chainkg-org-crf-v1"
MODEL_MODES = ("prefer", "gaps", "fill", "only")
TAGS = ("B", "I", "E", "S", "O")


def _crfsuite():
    try:
        import pycrfsuite
    except ImportError as e:  # pragma: no cover - pinned in pyproject.toml
        raise ExtractionError("the ORG model needs python-crfsuite; run `.venv/bin/pip install python-crfsuite==0.9.12` "
                              "(or `make setup`), or switch the model off with --no-model") from e
    return pycrfsuite


def spans_to_tags(n: int, spans: list[tuple[int, int]]) -> list[str]:
    """BIOES tags for ``n`` characters with ORG ``spans`` ([start, end), non-overlapping)."""
    tags = ["O"] * n
    for s, e in spans:
        if e - s == 1:
            tags[s] = "S"
        elif e > s:
            tags[s] = "B"
            for k in range(s + 1, e - 1):
                tags[k] = "I"
            tags[e - 1] = "E"
    return tags


def tags_to_spans(tags: list[str]) -> list[tuple[int, int]]:
    """ORG spans from BIOES tags; a B… run without its E is closed where it stops (lenient)."""
    out, start = [], None
    for i, t in enumerate(tags):
        if t == "S":
            out.append((i, i + 1))
            start = None
        elif t == "B":
            start = i
        elif t == "E":
            if start is not None:
                out.append((start, i + 1))
            start = None
        elif t == "O":
            if start is not None and i - start >= 2:
                out.append((start, i))
            start = None
    if start is not None and len(tags) - start >= 2:
        out.append((start, len(tags)))
    return out


class CrfResult:
    """One text's decoding: ORG ``spans`` ``(start, end, confidence)`` and the per-character marginal
    probabilities behind them (for :meth:`span_probability`)."""

    __slots__ = ("spans", "marginals", "label_index")

    def __init__(self, spans, marginals, label_index):
        self.spans = spans
        self.marginals = marginals
        self.label_index = label_index

    def span_probability(self, start: int, end: int) -> float:
        """The mean marginal probability of ORG tags (B…E or S) on ``[start, end)`` — how much the
        model believes in a span it did not choose itself."""
        li = self.label_index
        if end - start == 1:
            return float(self.marginals[start, li["S"]])
        m = self.marginals
        total = m[start, li["B"]] + m[end - 1, li["E"]] + m[start + 1 : end - 1, li["I"]].sum()
        return float(total) / (end - start)


class OrgCrf:
    """A trained ORG CRF loaded from a model folder (``org_crf.crfsuite`` + ``meta.json``), decoded by
    our own code (:mod:`extraction.crf_decoder`) over its exported weights: tags identical to
    pycrfsuite's, several times faster, whole batches at once."""

    def __init__(self, path: str | Path = DEFAULT_MODEL_DIR):
        folder = Path(path)
        model_file = folder / MODEL_FILE
        if not model_file.is_file():
            raise ExtractionError(f"ORG model file {model_file} not found; train one with "
                                  f"`chainkg train-ner --out {folder}` or switch the model off with --no-model")
        self.path = folder
        meta_file = folder / META_FILE
        self.meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        self.feature_set = self.meta.get("feature_set", "full")
        self.feature_version = int(self.meta.get("feature_version", 3))
        self.decoder = CrfDecoder(load_export(folder, model_file))
        self._fast = self.feature_set == "lean" and self.feature_version >= 3
        self._last: CrfResult | None = None

    def _rows(self, text: str, tokens, candidates):
        if self._fast:
            return self.decoder.rows_lean(text, tokens, candidates)
        return self.decoder.rows_generic(char_features(text, tokens, candidates, self.feature_set, self.feature_version))

    def decode(self, items) -> list[tuple[list[str], np.ndarray]]:
        """Viterbi tags and per-character marginals ``(n, labels)`` of ``(text, tokens, candidates)``
        items, decoded in one batch."""
        items = list(items)
        stacked = self.decoder.rows_lean_many(items) if self._fast else None
        if stacked is not None:
            scores = np.split(self.decoder.state_scores(stacked), np.cumsum([len(t) for t, _, _ in items])[:-1])
        else:
            rows = [self._rows(t, tok, c) if t else np.zeros((0, 1), dtype=np.int64) for t, tok, c in items]
            scores = self.decoder.state_scores_many(rows)
        return self.decoder.decode_batch(scores)

    def tag_many(self, items) -> list[CrfResult]:
        """Decode ``(text, tokens, candidates)`` items in one batch; one :class:`CrfResult` each."""
        items = list(items)
        out = []
        li = self.decoder.label_index
        for (text, _, _), (tags, marg) in zip(items, self.decode(items), strict=True):
            spans = []
            for s, e in tags_to_spans(tags):
                if not text[s:e].strip():
                    continue
                cols = [li[tags[k]] for k in range(s, e)]
                spans.append((s, e, float(marg[np.arange(s, e), cols].sum()) / (e - s)))
            out.append(CrfResult(spans, marg, li))
        return out

    def tag(self, text: str, tokens: list[tuple[int, int]], candidates=()) -> list[tuple[int, int, float]]:
        """ORG spans ``(start, end, confidence)`` in ``text``; confidence = the mean marginal
        probability of the span's tags."""
        if not text:
            return []
        self._last = self.tag_many([(text, tokens, list(candidates))])[0]
        return self._last.spans

    def span_probability(self, start: int, end: int) -> float:
        """:meth:`CrfResult.span_probability` for the text last passed to :meth:`tag`."""
        if self._last is None:
            raise ExtractionError("span_probability needs a text tagged first (call tag)")
        return self._last.span_probability(start, end)


def _overlaps(a: Mention, s: int, e: int) -> bool:
    return a.start < e and s < a.end


#: Words the model may tag (Resume NER annotates 本公司) that name no particular organisation.
GENERIC_ORG_WORDS = frozenset("""公司 本公司 该公司 我公司 贵公司 子公司 母公司 分公司 集团 本集团 该集团 企业 本企业 该企业
    单位 本单位 该单位 学校 本校 我校 该校 银行 本行 该行 医院 本院 该院 政府 协会 中心 协议 合同 项目 平台""".split())


def _technology_term(m: Mention, candidates) -> bool:
    # "工业机器人", "对汽车电机": a span holding a dictionary technology term that covers at least half of
    # it is a technology, not an organisation.
    return any(c.label == "TECH" and m.start <= c.start and c.end <= m.end and 2 * (c.end - c.start) >= m.end - m.start
               for c in candidates)


_UNIT_END = ("所", "院", "学", "司", "局", "会", "部", "委", "厅", "行", "中心", "集团", "室", "站", "台", "社")


def _bad_boundary(m: Mention, text: str, tokens: list[tuple[int, int]]) -> bool:
    """Model spans that are no name by their edges (found on the demo graph's profiles): starting inside
    a common word (包括 → "括汽车电子", 从事 → "事…"), starting with a verb or function word (开发…,
    联合开发…), or joining two things with 与 without ending in a unit (示教器与机器人控制器)."""
    import jieba

    freq = jieba.dt.FREQ
    for s, e in tokens:
        if s < m.start < e:
            # a common word cut in two (包括 → 括…), or a compound whose tail is a verb (联合开发 → 开发…);
            # an unknown glue of a function word and a name ("为昕珩") is fine, but still judged by 与 below
            if freq.get(text[s:e], 0) >= 100 or text[m.start:e] in BOUNDARY_WORDS:
                return True
            break
        if s == m.start:
            first = text[s:min(e, m.end)]
            if first in BOUNDARY_WORDS and first not in ("中国",):
                return True
            break
    inner = text[m.start:m.end]
    return "与" in inner[1:-1] and not inner.endswith(_UNIT_END)


_ALNUM = re.compile(r"[A-Za-z0-9]")


def _trim_cut_word(m: Mention, text: str, tokens: list[tuple[int, int]]) -> None:
    """A model span ending inside a word is cut back to that word's start: "长城汽车激光雷|达" → 长城汽车,
    "徐工机械联|合" → 徐工机械, "中国商飞C|919" → 中国商飞 (found on the relation dev part). A word part
    that ends in a unit character (中国银行|业) is a name's end and stays."""
    import jieba

    i = bisect.bisect_right(tokens, (m.end, 1 << 30)) - 1  # the token starting at or before the span's end
    if i < 0:
        return
    s, e = tokens[i]
    if s == m.end and i > 0:
        s, e = tokens[i - 1]
    if not (s < m.end < e) or s - m.start < 2:
        return
    inner = text[s : m.end]
    word = text[s:e]
    cut_latin = _ALNUM.match(text, m.end - 1) and _ALNUM.match(text, m.end)
    if cut_latin or (jieba.dt.FREQ.get(word, 0) > 0 and not inner.endswith(_UNIT_END)):
        m.end = s


#: Trade words that end short firm names (锐驰智能, 邦普循环): a model span stopping right before one
#: that is itself followed by a function word or punctuation is extended over it.
_TRADE_TAILS = ("智能", "科技", "电子", "股份", "集团", "光电", "精工", "新材", "动力", "汽车", "医疗", "材料", "循环",
                "先进", "微电子", "半导体", "能源", "新能源", "电气", "机械", "控股", "通信", "信息", "生物", "医药")
_AFTER_NAME = re.compile(r"[，,。；;、（(“\s]|与|和|同|向|为|是|将|把|从|的|已|获|在|于|携手|联合|签|合作|共|供|采购|提供|配套|$")


#: A numbered institute after a group's name: 中国电科|38所, 航天科工|二院.
_NUMBERED_UNIT = re.compile(r"[0-9一二三四五六七八九十]{1,3}(?:研究所|研究院|所|院|厂)")
#: Function words jieba glues onto the end of an unknown name ("常州瑞丰为|上汽"): never a name's last character.
_GLUED_TAIL = "为向的在与"


def _extend_over_trade_word(m: Mention, text: str) -> None:
    for tail in _TRADE_TAILS:
        if text.startswith(tail, m.end) and _AFTER_NAME.match(text, m.end + len(tail)) and m.end - m.start <= 4:
            m.end += len(tail)
            return
    unit = _NUMBERED_UNIT.match(text, m.end)
    if unit and m.end - m.start >= 2:
        m.end = unit.end()


#: A suffix-rule ORG that no model span touches is kept only when it is a legal name (confidence ≥ 0.9)
#: or the model gives its span at least this probability: measured on CLUENER's held-out fifth, People's
#: Daily test, our gold and the relation dev part, such spans are mostly generic phrases (部分银行, 当地政府,
#: 光伏组件厂) that the model — which reads the rule span as a feature — has already rejected.
RULE_ONLY_MIN_PROBABILITY = 0.5


#: Relation words a model span sometimes runs through ("常州瑞丰为上汽集团", "阿里巴巴下属", "汇川技术代工伺服驱动器"):
#: the span is cut there when the word is a jieba token of its own. After a connector (为/向/系/子公司 …)
#: the rest is a second name; after a verb (代工, 合作 …) the rest is the object and is dropped.
_SPLIT_CONNECTORS = ("为", "向", "系", "控股子公司", "全资子公司", "子公司", "旗下", "下属")
_SPLIT_VERBS = ("代工", "供应", "供货", "配套", "采购", "携手", "签署", "签订", "合作")


def _split_at_relation_words(m: Mention, text: str, tokens: list[tuple[int, int]]) -> list[Mention]:
    """``m`` cut at a relation word inside it (see :data:`_SPLIT_CONNECTORS`); ``[m]`` when there is none."""
    import jieba

    first = bisect.bisect_right(tokens, (m.start, 1 << 30)) - 1  # the token holding the span's first character
    for s, e in tokens[max(first, 0) :]:
        if s >= m.end:
            break
        if e <= m.start:
            continue
        word = text[s:e]
        if word not in _SPLIT_CONNECTORS and word not in _SPLIT_VERBS:
            # jieba glues a connector onto an unknown name ("瑞丰为|上汽"): cut after the glued 为/向
            if e - s >= 3 and word[-1] in "为向" and word not in jieba.dt.FREQ and e < m.end:
                s, word = e - 1, word[-1]
            else:
                continue
        if s - m.start < 2:
            continue
        cut = s
        if word == "子公司" and text[cut - 2 : cut] in ("控股", "全资"):
            cut -= 2  # "中石化控股|子公司|石化油服"
        if cut - m.start < 2:
            continue
        left = Mention("ORG", m.start, cut, m.method, m.confidence)
        if word in _SPLIT_VERBS or m.end - e < 2:
            return [left]
        return [left, *_split_at_relation_words(Mention("ORG", e, m.end, m.method, m.confidence), text, tokens)]
    return [m]


def _prefer(candidates: list[Mention], added: list[Mention], span_probability=None) -> tuple[list[Mention], list[Mention]]:
    """Combine model spans with rule candidates (the measured ``prefer`` rules, docs/extraction.md);
    ``span_probability(start, end)`` (the model's belief in a span) decides rule spans the model left alone."""
    suffix_orgs = [m for m in candidates if m.label == "ORG" and m.method == "rule:suffix"]
    kept_added = []
    for a in added:
        if any((r.start, r.end) != (a.start, a.end) and _overlaps(r, a.start, a.end)
               and (r.confidence >= 0.9 or (a.start <= r.start and a.end > r.end)) for r in suffix_orgs):
            continue  # legal names keep the rules' span; a model span running past a suffix ("…研究院控股") is cut
        kept_added.append(a)
    exact = {(a.start, a.end) for a in kept_added}
    keep = []
    for m in candidates:
        if m.label == "ORG" and m.method == "rule:suffix" and m.confidence < 0.9 and (m.start, m.end) not in exact \
                and any(_overlaps(m, a.start, a.end) for a in kept_added):
            continue  # the model (which saw this span as a feature) delimits short names and institutions better
        if m.label == "ORG" and m.method == "rule:suffix" and m.confidence < 0.9 and span_probability is not None \
                and not any(_overlaps(m, a.start, a.end) for a in added):
            p = span_probability(m.start, m.end)
            if p < RULE_ONLY_MIN_PROBABILITY:
                continue  # a generic phrase ending in a unit word (部分银行): the model rejected it
            m.confidence = round(min(m.confidence, 0.5 + 0.45 * p), 3)
        keep.append(m)
    # Where the model agrees with a rule span, the rule's mention stays (its method) with the higher of
    # the two confidences, and the model's is redundant.
    by_span = {(a.start, a.end): a for a in kept_added}
    for m in keep:
        agree = by_span.pop((m.start, m.end), None) if m.label == "ORG" else None
        if agree is not None:
            m.confidence = max(m.confidence, agree.confidence)
    return keep, list(by_span.values())


class ModelNer:
    """Pipeline component: ORG candidates from the CRF, combined with the rules' by ``mode``."""

    def __init__(self, path: str | Path = DEFAULT_MODEL_DIR, mode: str = "prefer", min_confidence: float = 0.0):
        if mode not in MODEL_MODES:
            raise ExtractionError(f"unknown model mode {mode!r}; use one of {', '.join(MODEL_MODES)}")
        self.crf = OrgCrf(path)
        self.mode = mode
        self.min_confidence = min_confidence

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        """spaCy's batch interface: the CRF decodes a whole batch of docs in one vectorised pass."""
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._process(batch)
                batch = []
        if batch:
            yield from self._process(batch)

    def _process(self, docs):
        # One CRF item per doc, or per rule-less sentence in "fill" mode; ``where`` maps them back.
        items, where = [], []
        for d, doc in enumerate(docs):
            text = doc_text(doc)
            if not text.strip():
                continue
            st = doc_state(doc)
            if self.mode == "fill":
                rule_orgs = [m for m in st.candidates if m.label == "ORG"]
                for s, e in sentence_spans(text):
                    if any(s <= m.start < e for m in rule_orgs):
                        continue
                    sub_tokens = [(max(a, s) - s, min(b, e) - s) for a, b in token_spans(doc) if a < e and s < b]
                    sub_cands = [Mention(m.label, m.start - s, m.end - s, m.method, m.confidence)
                                 for m in st.candidates if s <= m.start and m.end <= e]
                    items.append((text[s:e], sub_tokens, sub_cands))
                    where.append((d, s))
            else:
                items.append((text, token_spans(doc), st.candidates))
                where.append((d, 0))
        found: dict[int, list] = {d: [] for d, doc in enumerate(docs) if doc_text(doc).strip()}
        result: dict[int, CrfResult] = {}
        for (d, off), res in zip(where, self.crf.tag_many(items), strict=True):
            found[d].extend((a + off, b + off, p) for a, b, p in res.spans)
            result[d] = res  # one item per doc except in "fill" mode, which never asks for probabilities
        for d, doc in enumerate(docs):
            if d in found:
                self._combine(doc, found[d], result.get(d))
            yield doc

    def _combine(self, doc, found, result: CrfResult | None):
        st = doc_state(doc)
        text = doc_text(doc)
        found = [(s, e, p) for s, e, p in found if p >= self.min_confidence and e - s >= 2 and text[s:e] not in GENERIC_ORG_WORDS]
        added = [Mention("ORG", s, e, MODEL_METHOD, round(0.5 + 0.45 * p, 3)) for s, e, p in found]
        tokens = token_spans(doc)
        # cut first, so that the filters also judge the parts ("…规划与机器人" → "划与机器人" is no name)
        added = [part for a in added for part in _split_at_relation_words(a, text, tokens)]
        added = [a for a in added if not _technology_term(a, st.candidates) and not _bad_boundary(a, text, tokens)
                 and "、" not in text[a.start : a.end]]  # an enumeration comma joins two things, never one name
        for a in added:
            if a.end - a.start >= 4 and text[a.end - 1] in _GLUED_TAIL:
                a.end -= 1
            _trim_cut_word(a, text, tokens)
            _extend_over_trade_word(a, text)
        if self.mode == "only":
            st.candidates = [m for m in st.candidates if m.label != "ORG"]
        elif self.mode in ("gaps", "fill"):
            blocked = [m for m in st.candidates if m.label in ("ORG", "PERSON")]
            added = [a for a in added if not any(_overlaps(b, a.start, a.end) for b in blocked)]
        elif self.mode == "prefer":
            st.candidates, added = _prefer(st.candidates, added, result.span_probability if result else None)
            # "…、天合光能等光伏组件厂": a unit word right after 等 names the list's kind, not a firm
            st.candidates = [m for m in st.candidates if not (m.label == "ORG" and m.method == "rule:suffix"
                             and m.confidence < 0.9 and m.start > 0 and text[m.start - 1] == "等")]
        st.candidates.extend(added)
