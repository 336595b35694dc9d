"""A small learned evidence class for chain placement (issue 18, fifth pass): character n-grams of the
title, its head noun and its IPC subclasses → "belongs on chain c" (one logistic regression per chain)
and → which node of c (one softmax regression per chain), trained by our own code on the gold set's
calibration judgements plus the chain files' terms as short examples of their node.

Why: the chain files' listed terms do not generalise to unseen titles (recall ~0.55 on three fresh
rounds: each brings words no tuning title used). Character n-grams and the head noun ("…电池**罩**",
"…光伏**支架**") carry part of what a listed word misses, and the IPC subclass says which domain a title
is in. The classifier is one more evidence class of :class:`extraction.placement.PlacementModel`, with a
confidence calibrated like the others (out-of-fold Wilson bounds; docs/extraction.md), and it speaks only
where the rules abstain in a chain.

The weights live in ``models/placement-lr/`` (``weights.npz`` + ``meta.json`` + ``MODEL_CARD.md``),
written by :func:`extraction.placement_training.train_and_save` (``python -m extraction.placement_training``); no title is stored, only
n-gram weights (float16).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extraction.textnorm import fold_text

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "models" / "placement-lr"

#: Where a title's first phrase ends (same stops as extraction.placement).
_PHRASE_STOP = "及和与或、，,；;（(：:"
_METHOD_TAIL = re.compile(r"(?:的)?(?:制备|生产|制造|加工|控制|检测|测试|使用|安装|应用|处理|实现)?(?:方法|工艺)$")
_GENERIC_TAIL = re.compile(r"(?:一体化|一体式|智能|自动|新型|专用|装置|设备|系统|结构|机构|组件|模块|单元|总成|平台|产品|"
                           r"材料|及其|其|用|的)+$")
_KEEP = re.compile(r"[\u4e00-\u9fffa-z0-9]")


def _clean(title: str) -> str:
    folded = fold_text(title or "").lower().split("\n", 1)[0]
    return "".join(ch if _KEEP.match(ch) else " " for ch in folded)


def head_noun(title: str) -> str:
    """The last characters of the title's first phrase once generic tails are dropped ("一种新能源汽车电池
    保护罩" → …保护罩; "光伏支架单梁倾斜推动结构" → …倾斜推动): what the title is about, in Chinese
    compounds the last noun."""
    folded = fold_text(title or "").lower().split("\n", 1)[0]
    first = folded[:min((folded.find(c) for c in _PHRASE_STOP if c in folded), default=len(folded))]
    for _ in range(3):
        first = _METHOD_TAIL.sub("", first)
        first = _GENERIC_TAIL.sub("", first)
    return re.sub(r"[^\u4e00-\u9fffa-z0-9]", "", first)


def title_features(title: str, ipc: Iterable[str] = ()) -> list[str]:
    """Feature strings of a title and its IPC codes: character 1–3-grams of the title, the last 2 and 3
    characters of its head noun (``h2:``/``h3:``), IPC subclasses (``ipc:``) and classes (``ipcc:``)."""
    text = _clean(title)
    feats: set[str] = set()
    for chunk in text.split():
        for n in (1, 2, 3):
            for i in range(len(chunk) - n + 1):
                feats.add(chunk[i:i + n])
    head = head_noun(title)
    if len(head) >= 2:
        feats.add("h2:" + head[-2:])
    if len(head) >= 3:
        feats.add("h3:" + head[-3:])
    for c in ipc:
        c = str(c).replace(" ", "").upper()
        if len(c) >= 4:
            feats.add("ipc:" + c[:4])
            feats.add("ipcc:" + c[:3])
    return sorted(feats)


def term_features(term: str) -> list[str]:
    """Feature strings of a chain-file term (its character n-grams and its own last characters as a head)."""
    return [f for f in title_features(term) if not f.startswith("ipc")]


@dataclass(frozen=True, slots=True)
class Example:
    """One judged title for training: the chains it belongs on (``nodes``), the acceptable-only nodes."""

    title: str
    ipc: tuple[str, ...]
    nodes: frozenset[str]
    also: frozenset[str]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _fit_logistic(x, y: np.ndarray, w_sample: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by L-BFGS (scipy); ``x`` a CSR matrix."""
    from scipy.optimize import minimize

    n, d = x.shape

    def loss(theta):
        w, b = theta[:d], theta[d]
        p = _sigmoid(x @ w + b)
        eps = 1e-9
        ll = -np.sum(w_sample * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        g = w_sample * (p - y)
        grad = np.empty(d + 1)
        grad[:d] = x.T @ g + l2 * w
        grad[d] = g.sum()
        return ll + 0.5 * l2 * float(w @ w), grad

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return res.x[:d], float(res.x[d])


def _fit_softmax(x, labels: np.ndarray, w_sample: np.ndarray, k: int, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Weighted L2 multinomial logistic regression (``k`` classes) by L-BFGS; ``x`` a CSR matrix."""
    from scipy.optimize import minimize

    n, d = x.shape
    y = np.zeros((n, k))
    y[np.arange(n), labels] = 1.0

    def loss(theta):
        w = theta[: k * d].reshape(k, d)
        b = theta[k * d:]
        z = np.asarray(x @ w.T) + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        ll = -np.sum(w_sample[:, None] * y * np.log(p + 1e-12))
        g = w_sample[:, None] * (p - y)
        gw = np.asarray((x.T @ g).T) + l2 * w
        return ll + 0.5 * l2 * float(np.sum(w * w)), np.concatenate([gw.ravel(), g.sum(axis=0)])

    res = minimize(loss, np.zeros(k * d + k), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return res.x[: k * d].reshape(k, d), res.x[k * d:]


class LearnedPlacer:
    """Chain-relevance logistic regressions plus within-chain node softmax regressions over a fixed
    feature vocabulary."""

    def __init__(self, vocab: Sequence[str], chains: Sequence[str], chain_w: np.ndarray, chain_b: np.ndarray,
                 node_ids: Sequence[str], node_chain: Sequence[str], node_w: np.ndarray, node_b: np.ndarray):
        self.vocab = {f: i for i, f in enumerate(vocab)}
        self.vocab_list = list(vocab)
        self.chains = list(chains)
        self.chain_w = chain_w
        self.chain_b = chain_b
        self.node_ids = list(node_ids)
        self.node_chain = list(node_chain)
        self.node_w = node_w  # (nodes, features): within-chain softmax weights
        self.node_b = node_b
        self._rows: dict[str, list[int]] = {}
        for i, c in enumerate(self.node_chain):
            self._rows.setdefault(c, []).append(i)

    def _vector(self, feats: Iterable[str]) -> np.ndarray:
        v = np.zeros(len(self.vocab))
        for f in feats:
            i = self.vocab.get(f)
            if i is not None:
                v[i] = 1.0
        return v

    def chain_probabilities(self, title: str, ipc: Iterable[str] = ()) -> dict[str, float]:
        """P(the title belongs on some node of chain c) per chain."""
        v = self._vector(title_features(title, ipc))
        z = self.chain_w @ v + self.chain_b
        return {c: float(p) for c, p in zip(self.chains, _sigmoid(z), strict=True)}

    def node_probabilities(self, title: str, ipc: Iterable[str] = (), chain: str = "") -> list[tuple[str, float]]:
        """The nodes of ``chain`` by the within-chain softmax: P(node | the title is on ``chain``), best first."""
        v = self._vector(title_features(title, ipc))
        rows = [i for i, c in enumerate(self.node_chain) if c == chain]
        if not rows:
            return []
        z = self.node_w[rows] @ v + self.node_b[rows]
        z = np.exp(z - z.max())
        z /= z.sum()
        return sorted(((self.node_ids[i], float(p)) for i, p in zip(rows, z, strict=True)), key=lambda x: -x[1])

    def support(self, title: str, ipc: Iterable[str] = ()) -> dict[str, tuple[float, str, float]]:
        """Per chain: (P(the title is on the chain), the chain's most likely node, P(that node | chain)) —
        what :class:`extraction.placement.PlacementModel` reads. Only the non-zero features are touched,
        so a title costs a few hundred multiplications."""
        idx = [i for i in (self.vocab.get(f) for f in title_features(title, ipc)) if i is not None]
        zc = self.chain_w[:, idx].sum(axis=1) + self.chain_b
        zn = self.node_w[:, idx].sum(axis=1) + self.node_b
        out = {}
        for k, c in enumerate(self.chains):
            rows = self._rows.get(c)
            if not rows:
                continue
            z = zn[rows]
            pz = np.exp(z - z.max())
            pz /= pz.sum()
            j = int(pz.argmax())
            out[c] = (float(_sigmoid(zc[k])), self.node_ids[rows[j]], float(pz[j]))
        return out

    # -- persistence ----------------------------------------------------------------------------
    def save(self, model_dir: Path = MODEL_DIR, meta: Mapping | None = None) -> None:
        """Write ``weights.npz`` (float16 weights) and ``meta.json`` (vocabulary, chains, nodes)."""
        model_dir.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(model_dir / "weights.npz", chain_w=self.chain_w.astype(np.float16),
                            chain_b=self.chain_b.astype(np.float32), node_w=self.node_w.astype(np.float16),
                            node_b=self.node_b.astype(np.float32))
        (model_dir / "meta.json").write_text(json.dumps(
            {"vocab": self.vocab_list, "chains": self.chains, "node_ids": self.node_ids, "node_chain": self.node_chain,
             **(dict(meta) if meta else {})}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR) -> LearnedPlacer:
        """Read a saved model; raises ``ChainKGError`` naming the folder (and the command to retrain) when it is missing."""
        from graph.errors import ChainKGError

        if not (model_dir / "weights.npz").is_file() or not (model_dir / "meta.json").is_file():
            raise ChainKGError(f"placement classifier not found in {model_dir}; run `python -m extraction.placement_training` "
                               "to train it from tests/gold/placement_gold.tsv and ../shared/data")
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        w = np.load(model_dir / "weights.npz")
        return cls(meta["vocab"], meta["chains"], w["chain_w"].astype(np.float64), w["chain_b"].astype(np.float64),
                   meta["node_ids"], meta["node_chain"], w["node_w"].astype(np.float64), w["node_b"].astype(np.float64))


#: Training settings (chosen by cross-validation by round on the calibration data; docs/extraction.md).
L2 = 0.3
MIN_DF = 2
#: Weight of a chain-file term as a positive pseudo-example of its chain.
TERM_WEIGHT = 0.3
#: Weight of a chain-file term as an example of its node in the within-chain softmax (a judged title: 1).
NODE_TERM_WEIGHT = 1.0
#: Weight of a chain-file context term (broad: 支架, 清洗装置 …) relative to a term; 0 = not used.
CONTEXT_WEIGHT = 0.5


def train(examples: Sequence[Example], profiles: Iterable, chains: Sequence[str], *, l2: float = L2,
          min_df: int = MIN_DF, term_weight: float = TERM_WEIGHT, node_term_weight: float = NODE_TERM_WEIGHT,
          context_weight: float = CONTEXT_WEIGHT) -> LearnedPlacer:
    """Fit the chain regressions and the node softmax on judged ``examples`` plus the chain files' terms
    (``profiles``: :class:`~extraction.chain_profiles.NodeProfile`)."""
    from scipy.sparse import csr_matrix

    profiles = list(profiles)
    ex_feats = [title_features(e.title, e.ipc) for e in examples]
    term_docs: list[tuple[str, str, list[str]]] = []  # (node, chain, feats)
    doc_weight: list[float] = []  # 1 for a term, context_weight for a context term
    for p in profiles:
        for t in dict.fromkeys((p.name, *p.terms)):
            if t:
                term_docs.append((p.node_id, p.chain_id, term_features(t)))
                doc_weight.append(1.0)
        if context_weight:
            for t in p.context:
                term_docs.append((p.node_id, p.chain_id, term_features(t)))
                doc_weight.append(context_weight)
    df: dict[str, int] = {}
    for fs in ex_feats:
        for f in fs:
            df[f] = df.get(f, 0) + 1
    vocab = sorted({f for f, n in df.items() if n >= min_df} | {f for _n, _c, fs in term_docs for f in fs})
    index = {f: i for i, f in enumerate(vocab)}

    def rows(list_of_feats):
        data, ind, ptr = [], [], [0]
        for fs in list_of_feats:
            ids = sorted({index[f] for f in fs if f in index})
            ind += ids
            data += [1.0] * len(ids)
            ptr.append(len(ind))
        return csr_matrix((np.array(data), np.array(ind, dtype=np.int64), np.array(ptr)), shape=(len(list_of_feats), len(vocab)))

    x_ex = rows(ex_feats)
    x_terms = rows([fs for _n, _c, fs in term_docs])
    from scipy.sparse import vstack

    x = vstack([x_ex, x_terms]).tocsr()
    chain_w = np.zeros((len(chains), len(vocab)))
    chain_b = np.zeros(len(chains))
    for k, c in enumerate(chains):
        y_ex = np.array([1.0 if any(n.split(".", 1)[0] == c for n in e.nodes) else 0.0 for e in examples])
        # a title judged only "acceptable" on c is neither a positive nor a negative of c
        w_ex = np.array([0.0 if (not any(n.split(".", 1)[0] == c for n in e.nodes)
                                 and any(n.split(".", 1)[0] == c for n in e.also)) else 1.0 for e in examples])
        y_t = np.array([1.0 if ch == c else 0.0 for _n, ch, _f in term_docs])
        w_t = term_weight * np.array(doc_weight)
        chain_w[k], chain_b[k] = _fit_logistic(x, np.concatenate([y_ex, y_t]), np.concatenate([w_ex, w_t]), l2)
    node_ids = [p.node_id for p in profiles]
    node_chain = [p.chain_id for p in profiles]
    # within-chain node softmax: the titles judged on a node of the chain (one row per node, weight 1/k)
    # and the chain file's terms of each node
    node_w = np.zeros((len(node_ids), len(vocab)))
    node_b = np.zeros(len(node_ids))
    for c in chains:
        members = [i for i, ch in enumerate(node_chain) if ch == c]
        local = {node_ids[i]: j for j, i in enumerate(members)}
        sel, labels, weights = [], [], []
        for r, e in enumerate(examples):
            mine = [n for n in e.nodes if n in local]
            for n in mine:
                sel.append(r)
                labels.append(local[n])
                weights.append(1.0 / len(mine))
        tsel, tlabels = [], []
        for r, (nid, ch, _f) in enumerate(term_docs):
            if ch == c:
                tsel.append(r)
                tlabels.append(local[nid])
        xs = vstack([x_ex[sel], x_terms[tsel]]).tocsr()
        w, b = _fit_softmax(xs, np.array(labels + tlabels),
                            np.array(weights + [node_term_weight * doc_weight[r] for r in tsel]), len(members), l2)
        node_w[members] = w
        node_b[members] = b
    return LearnedPlacer(vocab, chains, chain_w, chain_b, node_ids, node_chain, node_w, node_b)


# ---------------------------------------------------------------------------------------------
# Training from the gold set, out-of-fold outputs for the confidence fit

#: Out-of-fold classifier outputs on the calibration data (numbers only, no titles): what the confidence
#: fit of the learned classes reads, so the fit (and its test) need not retrain seven models.
OOF_PATH = ROOT / "tests" / "gold" / "placement_oof.tsv"


def fold_of(pub_no: str, split: str, pool: str) -> str:
    """The cross-validation fold of a gold patent: its sampling round (``r1`` … ``r7``; pools without a
    round suffix, ``forced`` and ``other`` are round 1) or ``h1`` for the first held-out part."""
    if split == "heldout":
        return "h1"
    m = re.search(r"-(\d)b?$", pool)
    return "r" + (m.group(1) if m else "1")


def examples_from_gold(gold: Iterable) -> list[Example]:
    """Training examples from :class:`extraction.placement_eval.GoldPatent` objects."""
    return [Example(g.title, tuple(g.ipc), frozenset(g.nodes), frozenset(g.also)) for g in gold]


def out_of_fold_support(gold: Sequence, profiles: Sequence, chains: Sequence[str]) -> dict[str, dict]:
    """pub_no → the classifier's :meth:`LearnedPlacer.support` for it, from a model trained without the
    patent's fold (:func:`fold_of`)."""
    folds: dict[str, list] = {}
    for g in gold:
        folds.setdefault(fold_of(g.pub_no, g.split, g.pool), []).append(g)
    out: dict[str, dict] = {}
    for f, members in sorted(folds.items()):
        rest = [g for g in gold if fold_of(g.pub_no, g.split, g.pool) != f]
        model = train(examples_from_gold(rest), profiles, chains)
        for g in members:
            out[g.pub_no] = {"fold": f, **model.support(g.title, g.ipc)}
    return out


def write_oof(path: Path, oof: Mapping[str, dict], chains: Sequence[str]) -> None:
    """The out-of-fold outputs as TSV: pub_no, fold, then per chain P(chain), top node, P(node)."""
    cols = ["pub_no", "fold"] + [f"{c}_{k}" for c in chains for k in ("p", "node", "node_p")]
    lines = ["# Out-of-fold outputs of the placement classifier (extraction/placement_learned.py) on the calibration "
             "data; written by `python -m extraction.placement_training`. Numbers only: titles stay in ../shared/data.",
             "\t".join(cols)]
    for pn, sup in sorted(oof.items()):
        row = [pn, sup["fold"]]
        for c in chains:
            p, node, node_p = sup.get(c, (0.0, "", 0.0))
            row += [f"{p:.4f}", node, f"{node_p:.4f}"]
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class StoredSupport:
    """:meth:`LearnedPlacer.support` read from stored out-of-fold outputs, keyed by the gold titles: what
    the confidence fit uses so a title is never judged by a model that was trained on it."""

    def __init__(self, by_title: Mapping[tuple[str, tuple[str, ...]], dict]):
        self.by_title = dict(by_title)

    @classmethod
    def from_file(cls, gold: Iterable, path: Path = OOF_PATH) -> StoredSupport:
        """Join ``path`` (:func:`write_oof`) with the gold patents' titles and IPC."""
        from graph.errors import ChainKGError

        if not path.is_file():
            raise ChainKGError(f"{path} not found; run `python -m extraction.placement_training` to write it")
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        header = lines[0].split("\t")
        chains = [h[:-2] for h in header if h.endswith("_p") and not h.endswith("_node_p")]
        rows = {}
        for ln in lines[1:]:
            r = dict(zip(header, ln.split("\t"), strict=True))
            rows[r["pub_no"]] = {c: (float(r[f"{c}_p"]), r[f"{c}_node"], float(r[f"{c}_node_p"])) for c in chains}
        return cls({(fold_text(g.title).lower().split("\n", 1)[0], tuple(str(c) for c in g.ipc)): rows[g.pub_no]
                    for g in gold if g.pub_no in rows})

    def support(self, title: str, ipc: Iterable[str] = ()) -> dict[str, tuple[float, str, float]]:
        """The stored outputs for this title; {} (no opinion) for a title not in the store."""
        return self.by_title.get((fold_text(title or "").lower().split("\n", 1)[0], tuple(ipc)), {})


def load_learned_placer(model_dir: Path = MODEL_DIR) -> LearnedPlacer | None:
    """The committed classifier, or None when its files are absent (placement then uses the rules only)."""
    if not (model_dir / "weights.npz").is_file():
        return None
    return LearnedPlacer.load(model_dir)
