"""Our own decoder for the organisation CRF: the trained weights, read once, tag batches of texts.

pycrfsuite's ``Tagger.tag`` costs ~1 ms per 200-character text, mostly converting ~1,750 feature
strings per text into crfsuite's own form. This module exports the weights of a trained model
(``Tagger.info()``: state features ``(attribute, label) → weight`` and label transitions) into
``decoder.json`` + ``decoder_weights.npy`` next to ``org_crf.crfsuite`` and decodes without feature
strings:

* each feature template (``c=``, ``b-1=`` …, see :mod:`extraction.crf_features`) has a dict from its
  raw value (a character, a bigram, a word, a mark) to a row of a weight matrix (row 0: zeros, for
  values the model never saw);
* a text becomes an ``(n, K)`` array of row ids, one column per template in the order
  :func:`extraction.crf_features.char_features` emits them; the per-label state scores are the rows
  summed column by column in that order, as crfsuite sums them, so scores are bit-identical;
* Viterbi and forward–backward (for the marginal probabilities behind each mention's confidence)
  run with numpy over a whole batch of texts at once: one vector step per character position, not
  per text, following crfsuite's own recurrences (ties go to the lower label index, as there).

Tags are identical to pycrfsuite's (tested on held-out corpora); marginals agree to ~1e-12.
Training stays with pycrfsuite (``chainkg train-ner``), which also writes the export; a model folder
without an up-to-date export (checked by the model file's MD5) is exported at load time from
``Tagger.info()`` (~1.5 s for the shipped model).
"""

from __future__ import annotations

import hashlib
import json
from itertools import repeat
from operator import add
from pathlib import Path

import jieba
import numpy as np

from extraction.crf_features import _cue_mask, mark_places, mark_prefix
from graph.errors import ExtractionError

EXPORT_FILE = "decoder.json"
WEIGHTS_FILE = "decoder_weights.npy"
EXPORT_VERSION = 1

#: Templates whose value is one per character, in the order char_features emits them (feature set
#: "lean", version 3): their prefixes in the model's attribute strings.
LEAN_COLUMNS = ("c=", "c-1=", "c+1=", "b-1=", "b+1=", "wp=", "f=")
_CUE_ATTRS = ("cr=n", "cr=f", "cl=n", "cl=f")  # crf_features._CUE_BITS, bit order
_PAD_L = "\x02\x02"
_PAD_R = "\x03\x03"


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def export_weights(model_file: Path, folder: Path | None = None) -> dict:
    """Read a trained crfsuite model's weights (``Tagger.info()``) into plain arrays; with ``folder``
    also write them there (:data:`EXPORT_FILE`, :data:`WEIGHTS_FILE`). Returns the export (attrs,
    labels, transitions, weights)."""
    try:
        import pycrfsuite
    except ImportError as e:  # pragma: no cover - pinned in pyproject.toml
        raise ExtractionError(f"exporting {model_file} needs python-crfsuite; run `.venv/bin/pip install "
                              "python-crfsuite==0.9.12` (or `make setup`), or switch the model off with --no-model") from e
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_file))
    info = tagger.info()
    labels = list(tagger.labels())
    lab = {name: k for k, name in enumerate(labels)}
    # Attribute order: crfsuite's own attribute ids, so the export is deterministic.
    attrs = sorted(info.attributes, key=lambda a: int(info.attributes[a]))
    row = {a: k + 1 for k, a in enumerate(attrs)}
    weights = np.zeros((len(attrs) + 1, len(labels)), dtype=np.float64)
    for (a, y), w in info.state_features.items():
        weights[row[a], lab[y]] = w
    trans = [[0.0] * len(labels) for _ in labels]
    for (a, b), w in info.transitions.items():
        trans[lab[a]][lab[b]] = w
    export = {"version": EXPORT_VERSION, "model_md5": _md5(Path(model_file)), "labels": labels,
              "transitions": trans, "attributes": attrs}
    if folder is not None:
        folder = Path(folder)
        (folder / EXPORT_FILE).write_text(json.dumps(export, ensure_ascii=True, separators=(",", ":")) + "\n",
                                          encoding="utf-8")
        np.save(folder / WEIGHTS_FILE, weights, allow_pickle=False)
    export["weights"] = weights
    return export


def load_export(folder: Path, model_file: Path) -> dict:
    """The exported weights of ``model_file`` from ``folder``, or a fresh export (not written) when the
    folder has none or one made from another model file."""
    folder = Path(folder)
    meta_file, weights_file = folder / EXPORT_FILE, folder / WEIGHTS_FILE
    if meta_file.is_file() and weights_file.is_file():
        export = json.loads(meta_file.read_text(encoding="utf-8"))
        if export.get("version") == EXPORT_VERSION and export.get("model_md5") == _md5(model_file):
            export["weights"] = np.load(weights_file, allow_pickle=False)
            if export["weights"].shape != (len(export["attributes"]) + 1, len(export["labels"])):
                raise ExtractionError(f"{weights_file} does not match {meta_file}; re-export it with "
                                      f"`python -m extraction.crf_decoder {folder}`")
            return export
    return export_weights(model_file)


class CrfDecoder:
    """Tags texts with exported CRF weights; ``decode_batch`` returns per text its tags and marginals."""

    def __init__(self, export: dict):
        self.labels = list(export["labels"])
        self.label_index = {y: k for k, y in enumerate(self.labels)}
        self.weights = np.ascontiguousarray(export["weights"], dtype=np.float64)
        self.trans = np.asarray(export["transitions"], dtype=np.float64)
        self.exp_trans = np.exp(self.trans)
        self.rows = {a: k + 1 for k, a in enumerate(export["attributes"])}  # attribute string → weight row
        # Per template: raw value → row (the fast path never builds the attribute strings).
        self.columns = [{a[len(p):]: r for a, r in self.rows.items() if a.startswith(p)} for p in LEAN_COLUMNS]
        # One lookup per character and per bigram serves several templates: a character's index gives
        # its rows for c=, c-1= and c+1= (table ``char_table``), a bigram's its rows for b-1= and b+1=.
        # Columns 3–6 of ``char_table``: the character's wp= rows as first (B), middle (M), last (E)
        # character of a jieba word or as a word of its own (S) — :data:`_WORD_PLACES` order.
        wp = self.columns[5]
        chars = sorted(set().union(*self.columns[:3], (k[1:] for k in wp)))
        self.char_index = {c: k + 1 for k, c in enumerate(chars)}
        self.char_table = np.zeros((len(chars) + 1, 7), dtype=np.int64)
        for k, c in enumerate(chars):
            self.char_table[k + 1] = [self.columns[j].get(c, 0) for j in range(3)] + [wp.get(x + c, 0) for x in "BMES"]
        self.freq_rows = np.array([self.columns[6].get(str(k), 0) for k in range(4)], dtype=np.int64)
        grams = sorted(set(self.columns[3]) | set(self.columns[4]))
        self.gram_index = {g: k + 1 for k, g in enumerate(grams)}
        self.gram_table = np.zeros((len(grams) + 1, 2), dtype=np.int64)
        for k, g in enumerate(grams):
            self.gram_table[k + 1] = [self.columns[3].get(g, 0), self.columns[4].get(g, 0)]
        self.word_rows = {a[2:]: r for a, r in self.rows.items() if a.startswith("w=")}
        self.cue_rows = [self.rows.get(a, 0) for a in _CUE_ATTRS]
        self._mark_cache: dict[str, tuple[int, int, int, int]] = {}

    # ----------------------------------------------------------------------------------- features
    def rows_lean(self, text: str, tokens: list[tuple[int, int]], candidates) -> np.ndarray:
        """``(n, K)`` weight-row ids of ``text`` for feature set "lean" v3, columns in the order of
        :func:`extraction.crf_features.char_features` (so sums match crfsuite's bit for bit)."""
        n = len(text)
        p = _PAD_L + text + _PAD_R
        ci = np.fromiter(map(self.char_index.get, p[1 : n + 3], repeat(0)), dtype=np.int64, count=n + 2)
        gi = np.fromiter(map(self.gram_index.get, map(add, p[1 : n + 2], p[2 : n + 3]), repeat(0)),
                         dtype=np.int64, count=n + 1)
        # Token-level features, spread over the characters with np.repeat (tokens cover the text).
        words = [text[s:e] for s, e in tokens]
        lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        freq = np.fromiter(map(jieba.dt.FREQ.get, words, repeat(0)), dtype=np.int64, count=len(words))
        fcls = np.where(freq == 0, 0, np.where(freq < 50, 1, np.where(freq < 2000, 2, 3)))  # _freq_feature
        wrow = np.fromiter(map(self.word_rows.get, words, repeat(0)), dtype=np.int64, count=len(words)) * (lens > 1)
        starts = np.fromiter((s for s, _ in tokens), dtype=np.int64, count=len(words))
        ends = starts + lens
        if len(words) and starts[0] == 0 and ends[-1] == n and (starts[1:] == ends[:-1]).all():
            place = np.full(n, 1, dtype=np.int64)  # M
            place[starts] = 0  # B
            place[ends - 1] = np.where(lens == 1, 3, 2)  # E, or S for a one-character word
            fchar, wchar = np.repeat(self.freq_rows[fcls], lens), np.repeat(wrow, lens)
        else:  # tokens with gaps (never from our tokenizer): characters outside every token are S, f=3
            place = np.full(n, 3, dtype=np.int64)
            fchar, wchar = np.full(n, self.freq_rows[3], dtype=np.int64), np.zeros(n, dtype=np.int64)
            for (s, e), fc, wr in zip(tokens, fcls.tolist(), wrow.tolist(), strict=True):
                fchar[s:e] = self.freq_rows[fc]
                wchar[s:e] = wr
                if e - s > 1:
                    place[s], place[s + 1 : e - 1], place[e - 1] = 0, 1, 2
        ct, gt = self.char_table, self.gram_table
        centre = ci[1 : n + 1]
        head = np.empty((n, 8), dtype=np.int64)
        head[:, 0] = ct[centre, 0]  # c=
        head[:, 1] = ct[ci[0:n], 1]  # c-1=
        head[:, 2] = ct[ci[2 : n + 2], 2]  # c+1=
        head[:, 3] = gt[gi[0:n], 0]  # b-1= (the bigram ending at the character)
        head[:, 4] = gt[gi[1 : n + 1], 1]  # b+1= (the bigram starting at it)
        head[:, 5] = ct[centre, 3 + place]  # wp=
        head[:, 6] = fchar  # f=
        head[:, 7] = wchar  # w=
        # Rule-candidate marks (crf_features.candidate_marks): column d holds each character's d-th mark.
        cols: list[list[int]] = []
        depth = [0] * n
        rows = self.rows
        for k, mark in mark_places(n, candidates):
            d = depth[k]
            if d == len(cols):
                cols.append([0] * n)
            cols[d][k] = rows.get(mark, 0)
            depth[k] = d + 1
        mask = np.asarray(_cue_mask(text, n), dtype=np.int64)
        ids = np.empty((n, 8 + len(cols) + 4), dtype=np.int64)
        ids[:, :8] = head
        if cols:
            ids[:, 8 : 8 + len(cols)] = np.asarray(cols, dtype=np.int64).T
        for b, r in enumerate(self.cue_rows):
            ids[:, 8 + len(cols) + b] = (mask >> b & 1) * r
        return ids

    def _mark_rows(self, prefix: str) -> tuple[int, int, int, int]:
        # Weight rows of a mark prefix's B, I, E and S marks (cached: there are a dozen prefixes).
        got = self._mark_cache.get(prefix)
        if got is None:
            got = self._mark_cache[prefix] = tuple(self.rows.get(f"{prefix}:{x}", 0) for x in "BIES")
        return got

    def rows_lean_many(self, items) -> np.ndarray | None:
        """:meth:`rows_lean` of several ``(text, tokens, candidates)`` items at once, stacked (texts in
        order); the character, bigram and word look-ups run over the whole batch in a few array
        operations. ``None`` when some text's tokens do not tile it (then use :meth:`rows_lean`)."""
        texts = [t for t, _, _ in items]
        lens_t = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        total = int(lens_t.sum())
        if total == 0:
            return np.zeros((0, 12), dtype=np.int64)
        # Every text padded on its own and the padded texts joined: a character's neighbours and
        # bigrams never cross into the next text.
        padded = "".join(_PAD_L + t + _PAD_R for t in texts)
        ci = np.fromiter(map(self.char_index.get, padded, repeat(0)), dtype=np.int64, count=len(padded))
        gi = np.fromiter(map(self.gram_index.get, map(add, padded[:-1], padded[1:]), repeat(0)), dtype=np.int64,
                         count=len(padded) - 1)
        text_start = np.cumsum(lens_t) - lens_t  # each text's first character in the stacked rows
        pad_start = text_start + 4 * np.arange(len(texts)) + 2  # … and in ``padded``
        pos = np.arange(total) + np.repeat(pad_start - text_start, lens_t)
        # Tokens of all texts, in stacked coordinates.
        words, starts = [], []
        for (t, tokens, _), base in zip(items, text_start.tolist(), strict=True):
            words += [t[s:e] for s, e in tokens]
            starts += [base + s for s, _ in tokens]
        lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        starts_a = np.asarray(starts, dtype=np.int64)
        ends = starts_a + lens
        if not len(words) or starts_a[0] != 0 or ends[-1] != total or not (starts_a[1:] == ends[:-1]).all():
            return None
        freq = np.fromiter(map(jieba.dt.FREQ.get, words, repeat(0)), dtype=np.int64, count=len(words))
        fcls = np.where(freq == 0, 0, np.where(freq < 50, 1, np.where(freq < 2000, 2, 3)))  # _freq_feature
        wrow = np.fromiter(map(self.word_rows.get, words, repeat(0)), dtype=np.int64, count=len(words)) * (lens > 1)
        place = np.full(total, 1, dtype=np.int64)  # M
        place[starts_a] = 0  # B
        place[ends - 1] = np.where(lens == 1, 3, 2)  # E, or S for a one-character word
        # Marks and cues (Python per text: they are few, or regexes).
        # Rule-candidate marks (crf_features.candidate_marks): one run of positions per candidate; a
        # character's d-th mark (in candidate order) goes to column 8 + d.
        m_start, m_len, m_rows = [], [], []
        mask: list[int] = []
        for (t, _, cands), base in zip(items, text_start.tolist(), strict=True):
            n = len(t)
            for m in cands:
                prefix = mark_prefix(m)
                if prefix is None:
                    continue
                s, e = max(0, m.start), min(n, m.end)
                if e > s:
                    m_start.append(base + s)
                    m_len.append(e - s)
                    m_rows.append(self._mark_rows(prefix))
            mask += _cue_mask(t, n)
        depth, mark_pos, mark_depth, mark_row = 0, None, None, None
        if m_start:
            run = np.asarray(m_len, dtype=np.int64)
            r = np.asarray(m_rows, dtype=np.int64)  # (marks, 4): B I E S rows
            first = np.repeat(np.cumsum(run) - run, run)
            offset = np.arange(int(run.sum())) - first  # index inside the candidate
            mark_pos = np.repeat(np.asarray(m_start, dtype=np.int64), run) + offset
            length = np.repeat(run, run)
            kind = np.where(length == 1, 3, np.where(offset == 0, 0, np.where(offset == length - 1, 2, 1)))
            mark_row = r[np.repeat(np.arange(len(run)), run), kind]
            # depth = how many earlier marks (in candidate order) the same character has
            order = np.argsort(mark_pos, kind="stable")
            sorted_pos = mark_pos[order]
            run_start = np.r_[0, np.flatnonzero(np.diff(sorted_pos)) + 1]
            counts = np.diff(np.r_[run_start, len(sorted_pos)])
            mark_depth = np.empty(len(order), dtype=np.int64)
            mark_depth[order] = np.arange(len(order)) - np.repeat(run_start, counts)
            depth = int(mark_depth.max()) + 1
        ct, gt = self.char_table, self.gram_table
        ids = np.zeros((total, 8 + depth + 4), dtype=np.int64)
        ids[:, 0] = ct[ci[pos], 0]  # c=
        ids[:, 1] = ct[ci[pos - 1], 1]  # c-1=
        ids[:, 2] = ct[ci[pos + 1], 2]  # c+1=
        ids[:, 3] = gt[gi[pos - 1], 0]  # b-1= (the bigram ending at the character)
        ids[:, 4] = gt[gi[pos], 1]  # b+1= (the bigram starting at it)
        ids[:, 5] = ct[ci[pos], 3 + place]  # wp=
        ids[:, 6] = np.repeat(self.freq_rows[fcls], lens)  # f=
        ids[:, 7] = np.repeat(wrow, lens)  # w=
        if depth:
            ids[mark_pos, 8 + mark_depth] = mark_row
        mask_a = np.asarray(mask, dtype=np.int64)
        for b, r in enumerate(self.cue_rows):
            ids[:, 8 + depth + b] = (mask_a >> b & 1) * r
        return ids

    def rows_generic(self, features: list[list[str]]) -> np.ndarray:
        """``(n, K)`` weight-row ids from feature strings (any feature set), in their order."""
        rows = self.rows
        ids = [[rows.get(a, 0) for a in item] for item in features]
        k = max((len(r) for r in ids), default=0)
        out = np.zeros((len(ids), max(k, 1)), dtype=np.int64)
        for t, r in enumerate(ids):
            out[t, : len(r)] = r
        return out

    def state_scores(self, ids: np.ndarray) -> np.ndarray:
        """Per position and label, the sum of the weights of ``ids``' rows, added column by column
        (crfsuite's order; adding a zero row changes nothing)."""
        w = self.weights
        cols = np.ascontiguousarray(ids.T)  # one gather per template column: no (n, K, L) temporary
        out = w[cols[0]]
        for col in cols[1:]:
            if col.any():
                out += w[col]
        return out

    def state_scores_many(self, rows: list[np.ndarray]) -> list[np.ndarray]:
        """:meth:`state_scores` of several texts' row ids in one gather (columns padded with row 0)."""
        if not rows:
            return []
        k = max(r.shape[1] for r in rows)
        ids = np.zeros((sum(len(r) for r in rows), k), dtype=np.int64)
        at = 0
        for r in rows:
            ids[at : at + len(r), : r.shape[1]] = r
            at += len(r)
        scores = self.state_scores(ids)
        return np.split(scores, np.cumsum([len(r) for r in rows])[:-1])

    # ----------------------------------------------------------------------------------- decoding
    def decode_batch(self, scores: list[np.ndarray]) -> list[tuple[list[str], np.ndarray]]:
        """Viterbi tags and marginal probabilities ``(n, L)`` for each state-score array in ``scores``."""
        out: list[tuple[list[str], np.ndarray] | None] = [None] * len(scores)
        live = [i for i, s in enumerate(scores) if len(s)]
        for i, s in enumerate(scores):
            if not len(s):
                out[i] = ([], np.zeros((0, len(self.labels))))
        if not live:
            return out  # type: ignore[return-value]
        lens = np.array([len(scores[i]) for i in live])
        b, tmax, nl = len(live), int(lens.max()), len(self.labels)
        state = np.zeros((b, tmax, nl))
        for k, i in enumerate(live):
            state[k, : lens[k]] = scores[i]
        paths = self._viterbi(state, lens)
        margs = self._marginals(state, lens)
        labels = self.labels
        for k, i in enumerate(live):
            n = lens[k]
            out[i] = ([labels[y] for y in paths[k, :n].tolist()], margs[k, :n])
        return out  # type: ignore[return-value]

    def _viterbi(self, state: np.ndarray, lens: np.ndarray) -> np.ndarray:
        # crfsuite's crf1dc_viterbi: score[t][j] = max_i(score[t-1][i] + trans[i][j]) + state[t][j].
        b, tmax, nl = state.shape
        score = state[:, 0].copy()
        back = np.zeros((b, tmax, nl), dtype=np.int64)
        final = np.zeros((b, nl))
        ends = lens - 1
        done = ends == 0
        final[done] = score[done]
        trans = self.trans[None]
        for t in range(1, tmax):
            cand = score[:, :, None] + trans  # (b, i, j)
            back[:, t] = cand.argmax(axis=1)
            score = cand.max(axis=1) + state[:, t]
            at_end = ends == t
            if at_end.any():
                final[at_end] = score[at_end]
        path = np.zeros((b, tmax), dtype=np.int64)
        rows = np.arange(b)
        last = final.argmax(axis=1)
        cur = np.zeros(b, dtype=np.int64)
        for t in range(tmax - 1, -1, -1):
            cur = np.where(ends == t, last, cur)
            path[:, t] = cur
            if t:
                cur = back[rows, t, cur]
        return path

    def _marginals(self, state: np.ndarray, lens: np.ndarray) -> np.ndarray:
        # crfsuite's scaled forward–backward (crf1dc_alpha_score / beta_score / marginals).
        b, tmax, nl = state.shape
        with np.errstate(over="ignore"):
            es = np.exp(state)
        et = self.exp_trans
        alpha = np.zeros((b, tmax, nl))
        scale = np.ones((b, tmax))
        cur = es[:, 0]
        s = cur.sum(axis=1)
        scale[:, 0] = np.where(s != 0, 1.0 / np.where(s != 0, s, 1.0), 1.0)
        alpha[:, 0] = cur * scale[:, 0, None]
        for t in range(1, tmax):
            # sum_i alpha[t-1][i] * et[i][j]: a reduction, not a matrix product, so that a text's
            # probabilities do not depend on the batch it is decoded in (BLAS kernels vary with size)
            cur = (alpha[:, t - 1, :, None] * et).sum(axis=1) * es[:, t]
            s = cur.sum(axis=1)
            scale[:, t] = np.where(s != 0, 1.0 / np.where(s != 0, s, 1.0), 1.0)
            alpha[:, t] = cur * scale[:, t, None]
        beta = np.zeros((b, tmax, nl))
        ends = lens - 1
        rows = np.arange(b)
        beta[rows, ends] = scale[rows, ends][:, None]
        for t in range(tmax - 2, -1, -1):
            nxt = beta[:, t + 1] * es[:, t + 1]
            val = (et * nxt[:, None, :]).sum(axis=2) * scale[:, t, None]  # sum_j et[i][j] * nxt[j]
            inside = (t < ends)[:, None]
            beta[:, t] = np.where(inside, val, beta[:, t])
        return alpha * beta / scale[:, :, None]


def main(argv: list[str] | None = None) -> None:
    """``python -m extraction.crf_decoder MODEL_DIR``: (re)write the decoder export of a model folder."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m extraction.crf_decoder MODEL_DIR   (e.g. models/org-crf)")
    folder = Path(args[0])
    # The model file's name is read from the folder (one *.crfsuite file) so this module does not import
    # extraction.model, which imports it.
    models = sorted(folder.glob("*.crfsuite"))
    if len(models) != 1:
        raise SystemExit(f"{folder}: expected one *.crfsuite model file, found {len(models)}")
    export = export_weights(models[0], folder)
    print(f"{folder}: {len(export['attributes'])} attributes, labels {export['labels']}")

if __name__ == "__main__":
    main()
