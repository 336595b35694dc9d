"""Extraction's shared document types: a mention, a doc's state, and cached reads of a doc.

Every pipeline component (rules in :mod:`extraction.pipeline`, the trained tagger in
:mod:`extraction.org_tagger`, Baidu LAC in :mod:`extraction.lac_ner`) reads and writes the same
per-doc state; keeping these types here lets those modules import them without importing each
other (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

if not Doc.has_extension("chainkg"):
    Doc.set_extension("chainkg", default=None)


@dataclass(slots=True)
class Mention:
    """A mention inside one doc: label, [start, end) char offsets, method, confidence, link, value."""

    label: str
    start: int
    end: int
    method: str
    confidence: float
    text: str = ""
    link: dict | None = None
    value: str | None = None


@dataclass
class DocResult:
    """What the components leave on ``doc._.chainkg``."""

    candidates: list[Mention] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    text: str | None = None  # the doc's text, computed once (Doc.text re-joins every token per call)
    tokens: list[tuple[int, int]] | None = None  # token (start, end) character offsets


# The key under which spaCy's Underscore keeps ``doc._.chainkg`` in ``doc.user_data``. Reading the
# dict directly skips creating an Underscore object per access (~15 accesses per doc).
STATE_KEY = ("._.", "chainkg", None, None)


def doc_state(doc: Doc) -> DocResult:
    """The doc's extraction state (``doc._.chainkg``), created empty on first access."""
    st = doc.user_data.get(STATE_KEY)
    if st is None:
        st = doc.user_data[STATE_KEY] = DocResult()
    return st


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached on the doc's state: spaCy's ``Doc.text`` joins every token anew on each
    access, which cost more than our whole organisation rule on 200-character texts."""
    st = doc_state(doc)
    if st.text is None:
        st.text = doc.text
    return st.text


def token_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token (start, end) character offsets, computed once per doc."""
    # One Cython array call instead of creating a Python Token object per token.
    st = doc_state(doc)
    if st.tokens is None:
        if len(doc) == 0:
            st.tokens = []
        else:
            arr = doc.to_array([IDX, LENGTH]).tolist()
            st.tokens = [(i, i + n) for i, n in arr]
    return st.tokens
