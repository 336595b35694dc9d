"""Character features for the organisation CRF (:mod:`extraction.model`).

One feature list per character of a (folded) text: the character and its neighbours (unigrams in a
±1 window, bigrams in a ±2 window), its character class, its place in the jieba word that holds it
(B/M/E/S joined with the character, plus the word itself when it has two or more characters), and where it sits inside the candidates
the rule components already found — dictionary ORG (the graph's names and aliases, built-in
institutions), suffix-rule ORG (strong / legal / weak suffix), REGION, PERSON and TECH. The CRF so
learns when to trust a rule span, when to extend or cut it, and finds names no rule knows from
their characters and context (短名称, 机构简称).

Features are plain strings (crfsuite's binary attributes): building them is the main cost of
tagging, so the function is written for speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import jieba

from extraction.doctypes import Mention

_PAD_L = "\x02\x02"
_PAD_R = "\x03\x03"

# Mention method/label → the feature prefix marking characters inside it.
_MARK_PREFIX = {
    ("ORG", "dictionary"): "D",
    ("ORG", "rule:en_legal_form"): "L",
    ("REGION", "dictionary"): "G",
    ("TECH", "dictionary"): "T",
    ("PERSON", "rule:title"): "P",
}


_CLASS_CACHE: dict[str, str] = {}


def _char_class(c: str) -> str:
    if "\u4e00" <= c <= "\u9fff":
        return "t=h"
    if c.isdigit():
        return "t=d"
    if c.isascii() and c.isalpha():
        return "t=a"
    if c.isspace():
        return "t=s"
    return "t=p"


def _class_feature(c: str) -> str:
    f = _CLASS_CACHE.get(c)
    if f is None:
        f = _CLASS_CACHE[c] = _char_class(c)
    return f


def mark_prefix(m: Mention) -> str | None:
    """The feature prefix marking characters inside rule candidate ``m`` (None: not a feature)."""
    if m.label == "ORG" and m.method == "rule:suffix":
        return "R9" if m.confidence >= 0.9 else ("R8" if m.confidence >= 0.8 else "R6")
    return _MARK_PREFIX.get((m.label, m.method))


def mark_places(n: int, candidates: Iterable[Mention]) -> Iterator[tuple[int, str]]:
    """``(position, mark)`` for every character a rule candidate covers, candidate by candidate, first to
    last (``S`` for a one-character candidate, else ``B``, ``I``…, ``E``); the order the features list them."""
    for m in candidates:
        prefix = mark_prefix(m)
        if prefix is None:
            continue
        s, e = max(0, m.start), min(n, m.end)
        if e <= s:
            continue
        if e - s == 1:
            yield s, prefix + ":S"
            continue
        yield s, prefix + ":B"
        for k in range(s + 1, e - 1):
            yield k, prefix + ":I"
        yield e - 1, prefix + ":E"


def candidate_marks(n: int, candidates: Iterable[Mention]) -> list[list[str]]:
    """Per character, the marks of the rule candidates covering it (e.g. ``R9:B`` = first character
    of a legal-suffix ORG, ``D:E`` = last character of a dictionary ORG)."""
    marks: list[list[str]] = [[] for _ in range(n)]
    for k, mark in mark_places(n, candidates):
        marks[k].append(mark)
    return marks


FEATURE_SETS = ("full", "lean", "compact")

# Relation and news context around organisation names: words that follow a name (…供应, …签署, …的子公司)
# and words that precede one (向…, 与…, 客户包括…). Each character within 10 characters of such a word
# gets a near (≤ 4) or far feature — the ±2 character window alone cannot see them.
_RIGHT_CUES = re.compile(r"供应|供货|配套|提供|采购|签署|签订|合作|共建|联合|携手|成立|宣布|表示|发布|获得|许可|转让|控股|"
                         r"的(?:全资|控股)?子公司|旗下|是国内|董事长|总经理|股份|集团|客户|供应商|研发|生产|推出|举行|实施")
_LEFT_CUES = re.compile(r"向|与|同|和|为|给|从|由|及|、|联合|携手|包括|客户有|客户为|许可给|转让给|供应给|旗下的?|子公司|"
                        r"记者从|据|来自|加盟|加入|收购|入股|投资|效力于|任职于")
def _freq_feature(word: str, freq: dict) -> str:
    # How common jieba finds the word: names are mostly rare or unknown words.
    f = freq.get(word, 0)
    return "f=0" if f == 0 else "f=1" if f < 50 else "f=2" if f < 2000 else "f=3"


# Near/far cue features as bits of one int per character (1 cr=n, 2 cr=f, 4 cl=n, 8 cl=f); the table gives
# each combination's strings in one fixed order (a set's order would depend on the process's hash seed).
_CUE_BITS = ("cr=n", "cr=f", "cl=n", "cl=f")
_CUE_TABLE = [tuple(f for i, f in enumerate(_CUE_BITS) if mask >> i & 1) for mask in range(16)]


def _cue_mask(text: str, n: int) -> list[int]:
    mask = [0] * n
    for m in _RIGHT_CUES.finditer(text):
        p = m.start()
        for k in range(max(0, p - 10), p):
            mask[k] |= 1 if p - k <= 4 else 2
    for m in _LEFT_CUES.finditer(text):
        q = m.end()
        for k in range(q, min(n, q + 10)):
            mask[k] |= 4 if k - q < 4 else 8
    return mask


def _cue_marks(text: str, n: int) -> list[list[str]]:
    """Per character, its near/far context cue features (see :data:`_RIGHT_CUES`)."""
    return [list(_CUE_TABLE[b]) for b in _cue_mask(text, n)]


def char_features(text: str, tokens: list[tuple[int, int]], candidates: Iterable[Mention] = (),
                  feature_set: str = "lean", version: int = 3) -> list[list[str]]:
    """Feature strings for each character of ``text`` (``tokens``: jieba word spans covering it).
    ``lean`` leaves out the outer bigrams and the character class (fewer strings: faster tagging) and
    adds the jieba word's frequency class and the near/far context cues; ``compact`` is ``lean`` without
    the neighbouring unigrams (the bigrams hold them; ~20 % fewer strings).

    Each row holds, in this order: the per-character templates, the jieba word, the rule-candidate
    marks (in candidate order) and the cue features (in :data:`_CUE_BITS` order). The order matters
    only to training (crfsuite numbers attributes by first appearance), and it is fixed."""
    n = len(text)
    if n == 0:
        return []
    lean = feature_set in ("lean", "compact") and version >= 3  # version 2 of "lean" had no frequency/cue features
    wpc = ["wp=S" + c for c in text]
    freq = ["f=3"] * n if lean else None
    multi = []
    jieba_freq = jieba.dt.FREQ  # read per call: jieba replaces the dict when it initialises
    for s, e in tokens:
        if lean:
            f = _freq_feature(text[s:e], jieba_freq)
            if f != "f=3":
                freq[s:e] = [f] * (e - s)
        if e - s > 1:
            wpc[s] = "wp=B" + text[s]
            for k in range(s + 1, e - 1):
                wpc[k] = "wp=M" + text[k]
            wpc[e - 1] = "wp=E" + text[e - 1]
            multi.append((s, e))
    p = _PAD_L + text + _PAD_R
    # One column per template, built by comprehensions (much faster than a list literal per character).
    columns = [["c=" + c for c in text]]
    if feature_set != "compact":
        columns += [["c-1=" + c for c in p[1 : n + 1]], ["c+1=" + c for c in p[3 : n + 3]]]
    columns += [
        ["b-1=" + p[j - 1 : j + 1] for j in range(2, n + 2)],
        ["b+1=" + p[j : j + 2] for j in range(2, n + 2)],
        wpc,
    ]
    if lean:
        columns.append(freq)
    if feature_set == "full":
        columns += [
            ["b-2=" + p[j - 2 : j] for j in range(2, n + 2)],
            ["b+2=" + p[j + 1 : j + 3] for j in range(2, n + 2)],
            [_class_feature(c) for c in text],
        ]
    rows = list(map(list, zip(*columns, strict=True)))
    for s, e in multi:
        w = "w=" + text[s:e]
        for k in range(s, e):
            rows[k].append(w)
    for k, marks in enumerate(candidate_marks(n, candidates)):
        if marks:
            rows[k].extend(marks)
    if lean:
        table = _CUE_TABLE
        for k, b in enumerate(_cue_mask(text, n)):
            if b:
                rows[k].extend(table[b])
    return rows
