"""Scoring chain placement against the hand-judged gold set (tests/gold/placement_gold.tsv).

The gold file stores publication numbers and judgements only; titles and IPC subclasses are read
from the real data in ../shared/data/patents (licence: the patent metadata keeps its source terms,
so it is not copied into the repository). Metrics:

- **precision** per (patent, node) pair placed: right when the node is in the patent's ``nodes`` or
  ``also`` (acceptable) set;
- **recall** per patent that belongs somewhere (non-empty ``nodes``): found when at least one placed
  node is in ``nodes``;
- per chain: the pairs placed on that chain's nodes, and the patents whose ``nodes`` lie in it;
- calibration: placed pairs by confidence band, with the share right in each band.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extraction.placement import CLASS_CONTAINS, MIN_SUPPORT_HIGH
from graph.errors import ChainKGError

ROOT = Path(__file__).resolve().parents[1]
GOLD_PATH = ROOT / "tests" / "gold" / "placement_gold.tsv"
TITLES_RELPATH = Path("patents") / "cn_ipc_titles" / "cn_patent_titles_ipc_oof.csv"
CHAINS = ("nev_battery", "pv", "ic", "biomed", "industrial_robot")
#: Confidence bands of the calibration table (lower bounds).
BANDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


class GoldSetError(ChainKGError):
    """The gold file or the shared patent data cannot be read."""


@dataclass(frozen=True, slots=True)
class GoldPatent:
    """One judged patent: title and IPC from the shared data, the judged node sets and its split."""

    pub_no: str
    title: str
    ipc: tuple[str, ...]
    split: str
    nodes: frozenset[str]
    also: frozenset[str]
    pool: str = ""
    note: str = ""

    @property
    def acceptable(self) -> frozenset[str]:
        return self.nodes | self.also


def shared_data_dir() -> Path:
    """``$CHAINKG_SHARED_DATA`` or ../shared/data beside the repository."""
    return Path(os.environ.get("CHAINKG_SHARED_DATA", ROOT.parent / "shared" / "data"))


def load_gold(gold_path: Path | None = None, data_dir: Path | None = None, split: str | None = None) -> list[GoldPatent]:
    """The gold set joined with titles/IPC from the shared data (``split``: tune, heldout or None = all)."""
    gold_path = Path(gold_path or GOLD_PATH)
    titles_path = Path(data_dir or shared_data_dir()) / TITLES_RELPATH
    if not titles_path.is_file():
        raise GoldSetError(f"patent titles not found at {titles_path}; set CHAINKG_SHARED_DATA to the shared data folder")
    with titles_path.open(encoding="utf-8-sig", newline="") as f:
        data = {r["publication_numbers"]: r for r in csv.DictReader(f)}
    out: list[GoldPatent] = []
    lines = [ln for ln in gold_path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    for i, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, line.split("\t"), strict=False))
        pn = row.get("pub_no", "")
        if pn not in data:
            raise GoldSetError(f"{gold_path}: data row {i}: pub_no {pn!r} is not in {titles_path}")
        if split and row.get("split") != split:
            continue
        rec = data[pn]
        out.append(
            GoldPatent(
                pub_no=pn, title=rec["patent_title"], ipc=tuple(c for c in rec["true_subclasses_all"].split("|") if c),
                split=row.get("split", ""), nodes=frozenset(x for x in (row.get("nodes") or "").split("|") if x),
                also=frozenset(x for x in (row.get("also") or "").split("|") if x), pool=row.get("pool", ""),
                note=row.get("note", ""),
            )
        )
    return out


@dataclass
class Scores:
    """Counts behind precision / recall / F1."""

    placed: int = 0
    right: int = 0
    relevant: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.placed if self.placed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.relevant if self.relevant else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"placed": self.placed, "right": self.right, "relevant": self.relevant, "found": self.found,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


@dataclass
class Evaluation:
    """Scores overall, per chain, per method, and the calibration table; ``errors`` lists the wrong pairs."""

    overall: Scores = field(default_factory=Scores)
    per_chain: dict[str, Scores] = field(default_factory=dict)
    per_method: dict[str, Scores] = field(default_factory=dict)
    calibration: list[dict[str, float | int]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    misses: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"overall": self.overall.as_dict(), "per_chain": {k: v.as_dict() for k, v in self.per_chain.items()},
                "per_method": {k: v.as_dict() for k, v in self.per_method.items()}, "calibration": self.calibration}


#: A placer: GoldPatent -> [(node_id, method, confidence)]
Placer = Callable[[GoldPatent], Iterable[tuple[str, str, float]]]


def chain_of(node_id: str) -> str:
    return node_id.split(".", 1)[0]


def evaluate(gold: list[GoldPatent], placer: Placer, *, min_confidence: float = 0.0) -> Evaluation:
    """Score ``placer`` on ``gold`` (placements below ``min_confidence`` are dropped first)."""
    ev = Evaluation(per_chain={c: Scores() for c in CHAINS})
    band_counts = {b: [0, 0] for b in BANDS}
    for g in gold:
        placed = [(n, m, c) for n, m, c in placer(g) if c >= min_confidence]
        nodes_placed = {n for n, _m, _c in placed}
        for n, m, c in placed:
            ok = n in g.acceptable
            for s in (ev.overall, ev.per_chain.setdefault(chain_of(n), Scores()), ev.per_method.setdefault(m, Scores())):
                s.placed += 1
                s.right += ok
            band = max(b for b in BANDS if c >= b)
            band_counts[band][0] += 1
            band_counts[band][1] += ok
            if not ok:
                ev.errors.append({"pub_no": g.pub_no, "title": g.title, "node": n, "method": m, "confidence": f"{c:.2f}",
                                  "gold": "|".join(sorted(g.nodes)) or "-"})
        if g.nodes:
            hit = bool(nodes_placed & g.nodes)
            ev.overall.relevant += 1
            ev.overall.found += hit
            for chain in {chain_of(n) for n in g.nodes}:
                s = ev.per_chain.setdefault(chain, Scores())
                s.relevant += 1
                s.found += bool({n for n in nodes_placed & g.nodes if chain_of(n) == chain})
            methods = {m for n, m, _c in placed if n in g.nodes}
            for m, s in ev.per_method.items():
                s.relevant += 1
                s.found += m in methods
            if not hit:
                ev.misses.append({"pub_no": g.pub_no, "title": g.title, "gold": "|".join(sorted(g.nodes)),
                                  "placed": "|".join(sorted(nodes_placed)) or "-"})
    # a method first seen after some relevant patents were counted: recount its recall base
    relevant = ev.overall.relevant
    for s in ev.per_method.values():
        s.relevant = relevant
    uppers = [*BANDS[1:], 1.0001]
    for b, hi in zip(BANDS, uppers, strict=True):
        n, ok = band_counts[b]
        ev.calibration.append({"band": f"[{b:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "placed": n, "right": ok,
                               "accuracy": round(ok / n, 3) if n else None})
    return ev


#: The confidence each evidence class had before any gold-set data was seen (the first rule table):
#: the prior the fit shrinks towards, with the weight of PRIOR_WEIGHT judged placements.
RULE_PRIORS: dict[str, float] = {
    "term+ipc_group": 0.95, "term+scope": 0.93, "terms": 0.9, "term": 0.85, "term+chain_scope": 0.8,
    "shared+scope": 0.75, "ipc_group": 0.7, "context+anchor": 0.7, "context+scope": 0.6, "shared": 0.55,
    "ipc_group_shared": 0.55, "context": 0.4, "out_of_domain": 0.3,
}
PRIOR_WEIGHT = 4
CONFIDENCE_CAP = 0.95
#: One-sided 95 % normal quantile of the Wilson lower bound a well-judged class's confidence is.
WILSON_Z = 1.645
#: A class whose share right on the tuning part is below this never reaches 0.8 (0.79 at most).
HIGH_PRECISION = 0.95


def wilson_lower(right: int, placed: int, z: float = WILSON_Z) -> float:
    """Wilson score lower bound of the share right (``right`` of ``placed``): with ~95 % confidence
    (one-sided, z = 1.645) the class's true precision is at least this."""
    if placed <= 0:
        return 0.0
    p = right / placed
    z2 = z * z
    centre = p + z2 / (2 * placed)
    margin = z * ((p * (1 - p) / placed + z2 / (4 * placed * placed)) ** 0.5)
    return (centre - margin) / (1 + z2 / placed)


#: The gold-set parts the confidences are fitted on (the calibration data): the tuning part and the
#: first held-out part, declared calibration data in the third pass (no rule or term was written from
#: it). ``heldout2`` (held-out round 2) is never part of it.
CALIBRATION_SPLITS = ("tune", "heldout")
#: The calibration part no rule was written on: a class reaches 0.8 only if it was right ≥ 95 % here too.
FRESH_SPLIT = "heldout"


#: Fresh judgements recorded once, before tuning: each evidence class's placed / right on tuning round 7
#: (310 titles, judged before the fourth pass changed anything, scored once with the rules of the day;
#: tests/gold/placement_README.md). They cannot be recomputed (the rules were then tuned on those titles),
#: so they are kept as counts and pooled with the first held-out part's: a class reaches 0.8 only if it
#: was right ≥ 95 % on all the fresh judgements, and its confidence is no more than their Wilson bound.
FRESH_BEFORE_TUNING: dict[str, tuple[int, int]] = {
    "term+scope/subject": (37, 34), "term+scope/inner": (40, 28), "term/subject": (3, 3), "term/inner": (5, 4),
    "context+anchor/subject": (19, 15), "context+anchor/inner": (5, 5), "term+chain_scope/inner": (4, 3),
    "context+scope/subject": (10, 8), "context+scope/inner": (3, 2), "terms/subject": (1, 1),
    "out_of_domain": (22, 0), "context": (32, 3),
}


def calibration_gold(gold_path: Path | None = None, data_dir: Path | None = None) -> list[GoldPatent]:
    """The gold patents the confidence table is fitted on (CALIBRATION_SPLITS)."""
    return [g for g in load_gold(gold_path, data_dir) if g.split in CALIBRATION_SPLITS]


def _class_prior(cls: str) -> float:
    rule, _, position = cls.partition("/")
    prior = RULE_PRIORS.get(rule, 0.5)
    return round(prior - 0.05, 2) if position == "inner" else prior


def _fitted_supported(n: int, r: int, nf: int, rf: int) -> float:
    """A class judged at least MIN_SUPPORT_HIGH times: the Wilson lower bound of its precision (capped at
    CONFIDENCE_CAP), no higher than the fresh judgements' bound when they are enough, and under 0.8 unless
    both its precision and the fresh one reach HIGH_PRECISION."""
    fitted = min(CONFIDENCE_CAP, int(100 * wilson_lower(r, n)) / 100)
    if nf >= MIN_SUPPORT_HIGH:
        fitted = min(fitted, int(100 * wilson_lower(rf, nf)) / 100)
    if r / n < HIGH_PRECISION or nf < MIN_SUPPORT_HIGH or rf / nf < HIGH_PRECISION:
        fitted = min(fitted, 0.79)
    return fitted


def _fitted_thin(n: int, r: int, prior: float) -> float:
    """A class judged too few times: its precision shrunk toward ``prior`` (PRIOR_WEIGHT pseudo-judgements),
    under 0.8."""
    return min(0.79, int(100 * (r + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT)) / 100)


def fit_rule_confidence(gold: list[GoldPatent], model, *, fresh_before: bool = True) -> dict[str, dict[str, float | int]]:
    """Per evidence class on ``gold`` (the calibration data, :func:`calibration_gold`): placed and right
    on all of it and on its fresh part (``FRESH_SPLIT``: judged, never used to write a rule), the Wilson
    lower bounds and the fitted confidence, rounded down to 2 decimals and capped at CONFIDENCE_CAP:

    - a class judged at least MIN_SUPPORT_HIGH times: the Wilson lower bound on all the data, and no
      more than the bound on the fresh part when that part judged it MIN_SUPPORT_HIGH times (the tuning
      part flatters the evidence its rules were written from); 0.79 at most unless it was right
      ≥ HIGH_PRECISION of the time on all the data *and* on ≥ MIN_SUPPORT_HIGH fresh judgements;
    - the fresh judgements are the first held-out part's plus :data:`FRESH_BEFORE_TUNING` (counts recorded
      on a tuning round before it was tuned on; ``fresh_before=False`` leaves them out);
    - a class judged fewer times (or never): ``(right + PRIOR_WEIGHT × prior) / (placed +
      PRIOR_WEIGHT)``, 0.79 at most.

    Abstained placements (below PLACE_MIN) are scored too, so the classes that abstain are checked
    as well."""
    from extraction.placement import RULE_CONFIDENCE

    counts: dict[str, list[int]] = {}
    for g in gold:
        for p in model.place(g.title, g.ipc, min_confidence=0.0):
            c = counts.setdefault(p.evidence_class or p.rule, [0, 0, 0, 0])
            ok = p.node_id in g.acceptable
            c[0] += 1
            c[1] += ok
            if g.split == FRESH_SPLIT:
                c[2] += 1
                c[3] += ok
    out = {}
    for cls in RULE_CONFIDENCE:
        prior = _class_prior(cls)
        n, r, nf, rf = counts.get(cls, [0, 0, 0, 0])
        before = FRESH_BEFORE_TUNING.get(cls, (0, 0)) if fresh_before else (0, 0)
        nf, rf = nf + before[0], rf + before[1]
        lower = wilson_lower(r, n)
        lower_fresh = wilson_lower(rf, nf)
        fitted = _fitted_supported(n, r, nf, rf) if n >= MIN_SUPPORT_HIGH else _fitted_thin(n, r, prior)
        out[cls] = {"placed": n, "right": r, "fresh_placed": nf, "fresh_right": rf, "prior": prior,
                    "wilson_lower": round(lower, 3), "wilson_lower_fresh": round(lower_fresh, 3), "fitted": fitted}
    # a class whose evidence contains another class's gets at least that class's confidence
    for stronger, weaker in CONTAINS.items():
        out[stronger]["fitted"] = max(out[stronger]["fitted"], out[weaker]["fitted"])
    # the same evidence inside the title is never stronger than as its subject (a thin class's prior or
    # small sample must not rank the inner position above the subject position)
    for cls, f in out.items():
        if cls.endswith("/inner") and cls.replace("/inner", "/subject") in out:
            f["fitted"] = min(f["fitted"], out[cls.replace("/inner", "/subject")]["fitted"])
    # never 0: a placement's confidence of 0 would read as "not scored"
    for f in out.values():
        f["fitted"] = max(0.01, f["fitted"])
    return out


#: stronger evidence class -> a class whose evidence it contains (one mapping: extraction.placement)
CONTAINS = CLASS_CONTAINS


#: The chain library as it was before tuning round 7 (our own files, the state after the second pass):
#: placing round 7 with it reproduces the fresh conditions round 7 was scored under (P 0.827 / R 0.562 with
#: today's code, 0.815 / 0.540 recorded then), so the learned classes get fresh judgements of their own.
PRE_ROUND7_CHAINS = ROOT / "tests" / "gold" / "placement_pre_round7_chains"
def _learned_prior(cls: str) -> float:
    from extraction.placement import LEARNED_FALLBACK, LEARNED_RULE

    if cls == f"{LEARNED_RULE}/strong":
        return 0.7
    if cls == LEARNED_RULE:
        return 0.6
    if cls == f"{LEARNED_RULE}/alt":
        return 0.5
    base, _, tag = cls.rpartition("+")
    return max(0.01, round(_class_prior(base) + LEARNED_FALLBACK.get(tag, -0.1), 2))


def _count_classes(gold: Iterable[GoldPatent], model, counts: dict[str, list[int]], slot: int) -> None:
    for g in gold:
        for p in model.place(g.title, g.ipc, min_confidence=0.0):
            c = counts.setdefault(p.evidence_class or p.rule, [0, 0, 0, 0, 0, 0])
            c[slot] += 1
            c[slot + 1] += p.node_id in g.acceptable


def learned_classes() -> list[str]:
    """Every class the learned evidence can give: each rule class with +agree / +other / +unsure, and
    ``learned`` / ``learned/alt``."""
    from extraction.placement import LEARNED_RULE, LEARNED_TAGS, RULE_CONFIDENCE

    return [f"{c}+{t}" for c in RULE_CONFIDENCE for t in LEARNED_TAGS] + [
        f"{LEARNED_RULE}/strong", LEARNED_RULE, f"{LEARNED_RULE}/alt"]


def fit_learned_confidence(gold: list[GoldPatent], model, fresh: Iterable[tuple[list[GoldPatent], object, bool]] = ()
                           ) -> dict[str, dict[str, float | int]]:
    """The confidence of each learned class (:func:`learned_classes`), fitted like
    :func:`fit_rule_confidence`: ``model`` is a PlacementModel whose ``learned`` gives out-of-fold outputs
    (:class:`extraction.placement_learned.StoredSupport`), ``gold`` the calibration data, ``fresh`` triples of
    (patents, model, extra) judged fresh — the first held-out part with ``model`` (extra False: those
    placements are already in ``gold``'s), round 7 placed with the chain files of before round 7 (extra
    True: other placements, under fresh conditions, so they also count in "all" for the classifier's own
    classes ``learned*``, which the in-sample rules leave few gaps for). Wilson lower bound on all the
    data, no more than on the fresh judgements when ≥ MIN_SUPPORT_HIGH; 0.79 at most unless ≥ 95 % right
    on both; a class where the classifier disagrees or is unsure is never above its rule class; fewer
    judgements → the class is left out (the placer then uses its rule class's confidence moved by
    ``LEARNED_FALLBACK``, 0.79 at most) unless it is a ``learned*`` class (prior shrunk towards the data)."""
    from extraction.placement import LEARNED_RULE, RULE_CONFIDENCE

    counts: dict[str, list[int]] = {}
    _count_classes(gold, model, counts, 0)
    for patents, m, extra in fresh:
        _count_classes(patents, m, counts, 2)
        if extra:
            _count_classes(patents, m, counts, 4)
    out: dict[str, dict[str, float | int]] = {}
    for cls in learned_classes():
        n, r, nf, rf, ne, re_ = counts.get(cls, [0, 0, 0, 0, 0, 0])
        if cls.startswith(LEARNED_RULE):
            n, r = n + ne, r + re_
        prior = _learned_prior(cls)
        lower, lower_fresh = wilson_lower(r, n), wilson_lower(rf, nf)
        if n >= MIN_SUPPORT_HIGH:
            fitted = _fitted_supported(n, r, nf, rf)
        elif cls.startswith(LEARNED_RULE):
            fitted = _fitted_thin(n, r, prior)
        else:
            continue
        out[cls] = {"placed": n, "right": r, "fresh_placed": nf, "fresh_right": rf, "prior": prior,
                    "wilson_lower": round(lower, 3), "wilson_lower_fresh": round(lower_fresh, 3), "fitted": fitted}
    # the classifier disagreeing or unsure never raises a rule class's confidence
    for cls, f in out.items():
        base, _, tag = cls.rpartition("+")
        if tag in ("other", "unsure") and base in RULE_CONFIDENCE:
            f["fitted"] = min(f["fitted"], RULE_CONFIDENCE[base])
    # the inner position never above the subject position with the same verdict
    for cls, f in out.items():
        twin = cls.replace("/inner+", "/subject+")
        if twin != cls and twin in out:
            f["fitted"] = min(f["fitted"], out[twin]["fitted"])
    for f in out.values():
        f["fitted"] = max(0.01, f["fitted"])
    return out


def learned_fit_inputs(gold_path: Path | None = None, data_dir: Path | None = None):
    """(calibration gold, model with stored out-of-fold outputs, fresh pairs) for
    :func:`fit_learned_confidence`, from the committed files."""
    import re

    from extraction.chain_profiles import profiles_from_chain_dir
    from extraction.placement import PlacementModel
    from extraction.placement_learned import StoredSupport

    gold = calibration_gold(gold_path, data_dir)
    stored = StoredSupport.from_file(gold)
    model = PlacementModel(profiles_from_chain_dir(ROOT / "data" / "chains"), learned=stored)
    pre7 = PlacementModel(profiles_from_chain_dir(PRE_ROUND7_CHAINS), learned=stored)
    round7 = [g for g in gold if g.split == "tune" and re.search(r"-7b?$", g.pool)]
    fresh = [([g for g in gold if g.split == FRESH_SPLIT], model, False), (round7, pre7, True)]
    return gold, model, fresh
