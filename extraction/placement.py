"""Placing texts on chain nodes, and organisations by the share of their patents on a node.

Two generations live here:

- **Evidence combination** (:class:`PlacementModel`, issue 18; what ``chainkg extract`` uses): terms
  with their specificity (a term only one node lists beats a term several nodes share; the longest
  matching term wins over the shorter terms inside it), context terms that place only when nothing
  more specific in the chain matched, per-node exclusion terms, IPC at group level, the patent's IPC
  subclasses as a domain check, the most specific node of a chain winning over its generic
  neighbour, abstention below :data:`PLACE_MIN`, and confidences read from a calibration table
  fitted on the tuning part of the gold set (tests/gold/placement_gold.tsv; docs/extraction.md).
- **The first rules** (:func:`place_by_keywords`, :func:`place_by_ipc`, :func:`place_org_by_patents`):
  kept as the baseline ``chainkg evaluate-placement`` compares against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extraction.gazetteer import NodeEntry
from extraction.textnorm import fold_text
from graph.placement_store import IPC_DERIVATION

MAX_NODES_PER_TEXT = 3


@dataclass(frozen=True, slots=True)
class Placement:
    """A text (or organisation) placed on a chain node, with method, confidence and evidence.

    ``rule`` names the evidence that placed it, ``evidence_class`` the calibration class that gave the
    confidence (the rule and whether the deciding term is the title's subject), ``terms`` the matched
    terms and ``ipc`` the patent IPC code that matched a node's group (evidence-combination placements
    only).
    """

    node_id: str
    method: str
    confidence: float
    evidence: str
    rule: str = ""
    terms: tuple[str, ...] = ()
    ipc: str = ""
    evidence_class: str = ""


def keyword_confidence(distinct_hits: int) -> float:
    """0.55 for one keyword, +0.1 per further distinct keyword, capped at 0.85."""
    return round(min(0.85, 0.45 + 0.1 * distinct_hits), 2)


def place_by_keywords(text: str, nodes: Iterable[NodeEntry], method: str = "keyword") -> list[Placement]:
    """Nodes whose name or keywords occur in ``text``; at most MAX_NODES_PER_TEXT, best first."""
    if not text:
        return []
    folded = fold_text(text).lower()
    scored = []
    for node in nodes:
        hits = sorted({k for k in (node.name, *node.keywords) if k and len(k) >= 2 and k.lower() in folded})
        if hits:
            scored.append((len(hits), node.node_id, hits))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [
        Placement(nid, method, keyword_confidence(n), "keywords: " + "、".join(hits[:5]))
        for n, nid, hits in scored[:MAX_NODES_PER_TEXT]
    ]


def place_by_ipc(ipc_codes: Iterable[str], nodes: Iterable[NodeEntry]) -> list[Placement]:
    """Nodes whose IPC prefixes start one of ``ipc_codes`` (method ipc_prefix, confidence 0.9)."""
    codes = [c.replace(" ", "").upper() for c in ipc_codes if c]
    out = []
    for node in nodes:
        hit = next((c for c in codes for p in node.ipc_prefixes if p and c.startswith(p.upper())), None)
        if hit:
            out.append(Placement(node.node_id, "ipc_prefix", 0.9, f"IPC {hit}"))
    return out


def place_org_by_patents(node_counts: dict[str, int], total_patents: int) -> list[Placement]:
    """An organisation on the nodes its patents map to: confidence 0.5 + 0.35 × share (cap 0.85)."""
    out = []
    if total_patents <= 0:
        return out
    for nid, n in sorted(node_counts.items(), key=lambda x: -x[1]):
        share = n / total_patents
        out.append(Placement(nid, "patents", round(min(0.85, 0.5 + 0.35 * share), 2), f"{n} of {total_patents} patents"))
    return out


#: Confidence of a 战新 (strategic emerging industry) placement through the 战新–IPC (2021) table:
#: the patent's own IPC code is listed → 0.8; only an ancestor (main group, subclass) is listed → 0.7.
#: Below the chain's IPC-prefix placement (0.9): the table is many-to-many (one code, several SEI codes).
SEI_EXACT_CONFIDENCE = 0.8
SEI_ANCESTOR_CONFIDENCE = 0.7
SEI_METHOD = "sei_ipc"


def _ipc_ancestors(code: str) -> list[str]:
    # The code itself, then its main group (X/00), subclass, class, section — the IPC nodes the
    # loader writes PARENT edges through. A code the loader's parser rejects matches only itself.
    from loaders.normalise import parse_ipc

    try:
        parsed = parse_ipc(code)
    except ValueError:
        return [code]
    return [parsed.code, *parsed.parents]


def place_by_sei(ipc_codes: Iterable[str], sei_table: dict[str, list[tuple[str, str]]]) -> list[Placement]:
    """Strategic-emerging-industry placements of a patent from the 战新–IPC (2021) table.

    ``sei_table`` maps an IPC code (as the loader writes IPC nodes) to ``[(industry code, name)]``
    (``graph.extract_store.read_sei_ipc_table``). Each patent IPC code is looked up as written and
    then through its ancestors (main group, subclass …); one placement per SEI industry, the best
    confidence kept, ``node_id`` = the Industry ``code`` (``SEI-1.1``). Empty table → no placements.
    """
    if not sei_table:
        return []
    best: dict[str, Placement] = {}
    for raw in ipc_codes:
        if not raw:
            continue
        for depth, code in enumerate(_ipc_ancestors(str(raw).strip())):
            for ind_code, name in sei_table.get(code, ()):
                conf = SEI_EXACT_CONFIDENCE if depth == 0 else SEI_ANCESTOR_CONFIDENCE
                if ind_code not in best or conf > best[ind_code].confidence:
                    best[ind_code] = Placement(ind_code, SEI_METHOD, conf, f"IPC {raw} → 战新–IPC 2021: {code} {name}".strip())
    return sorted(best.values(), key=lambda p: (-p.confidence, p.node_id))


# ---------------------------------------------------------------------------------------------
# Evidence combination (issue 18)

#: method of an evidence-combination placement (patents MAPS_TO, texts ABOUT, organisation profiles IN_NODE)
EVIDENCE_METHOD = "evidence"
#: method of an organisation's placement by the share of its patents
PATENTS_METHOD = "patents"
#: Placements below this confidence are not made (abstention).
PLACE_MIN = 0.5

#: Evidence class -> confidence, fitted by ``extraction.placement_eval.fit_rule_confidence`` on the
#: calibration data: the tuning part of the gold set (1,008 patents, rounds 1–5 and 7) plus the first held-out
#: part (150; declared calibration data in the third pass, never used to write a rule or a term). An
#: evidence class is the rule (which evidence) and, for term and context rules, where the deciding term
#: sits: ``/subject`` when it is what the title is about (it ends the title's first phrase, at most
#: SUBJECT_TAIL characters of generic words after it: "一种光伏逆变器", "锂电池隔膜及其制备方法"),
#: ``/inner`` when more follows ("基于光伏组件I-V曲线重构的光伏阵列故障定位方法": the patent is about
#: what follows). Fit: the one-sided 95 % Wilson lower bound of the share right on all the calibration
#: data, and no more than the bound on the *fresh* judgements — the first held-out part (no rule was written
#: on it) plus each class's counts on tuning round 7 scored before it was tuned on
#: (``placement_eval.FRESH_BEFORE_TUNING``) — when they judged the class ≥ 10 times; 0.79 at most unless the
#: class was right ≥ 95 % of the time on all the data and on the fresh judgements (≥ 10 of them); fewer than
#: 10 judgements → the prior shrunk towards the data, 0.79 at most; the inner position never above the
#: subject position. ``chainkg evaluate-placement`` prints the fit.
RULE_CONFIDENCE: dict[str, float] = {
    # (calibration data placed / right; fresh = the first held-out part plus round 7 before tuning)
    "term+scope/subject": 0.88,       # a term only this node lists, as the subject; IPC in the node's core scope (180/176; fresh 62/59)
    "term+scope/inner": 0.63,         # the same, the term inside the title (119/106; fresh 58/43)
    "term/subject": 0.79,             # one term only this node lists, no IPC or a chain word overrides it (21/21; fresh 5/5)
    "term/inner": 0.79,               # (25/24; fresh 6/5)
    "context+anchor/subject": 0.65,   # a context term of the node and a word naming the chain (光伏, 新能源汽车 …) (43/40; fresh 22/18)
    "context+anchor/inner": 0.65,     # (16/15; fresh 7/6; never above the subject position)
    "term+chain_scope/subject": 0.77, # one node term; the IPC is in the chain's domain but not the node's (4/3)
    "term+chain_scope/inner": 0.77,   # (18/18; fresh 5/4; never above the subject position)
    "shared+scope/subject": 0.75,     # a term several nodes list; an IPC subclass of this node's scope (never seen; prior)
    "shared+scope/inner": 0.6,        # (4/2; 2/0)
    "context+scope/subject": 0.57,    # a context term of the node, IPC in the node's core scope (22/18; fresh 11/9)
    "context+scope/inner": 0.28,      # abstain (12/6; fresh 7/3)
    "terms/subject": 0.79,            # two or more distinct terms of the node, IPC neither confirming nor denying
    "terms/inner": 0.79,              # (1/1)
    "term+ipc_group/subject": 0.88,   # a term and an IPC code under one of the node's groups (never seen: titles carry
    "term+ipc_group/inner": 0.79,     # subclasses only): its evidence contains term+scope's, so at least that
    "shared/subject": 0.55,           # a term several nodes list, nothing else (never seen; prior)
    "shared/inner": 0.5,
    # IPC only (never seen; prior), the values the loader's derivation writes (graph.placement_store)
    "ipc_group": float(IPC_DERIVATION["ipc_unique"]),         # a group only this node lists, no term
    "ipc_group_shared": float(IPC_DERIVATION["ipc_shared"]),  # a group several nodes list, no term
    "out_of_domain": 0.01,      # term evidence, every IPC subclass outside the chain, no chain word: abstain (96/10; fresh 29/0)
    "context": 0.03,            # only a context term, no chain word, IPC outside the node's scope: abstain (135/8; fresh 49/4)
}
#: Rules whose evidence has no term position (IPC only) or that always abstain: not split by position.
UNSPLIT_RULES = ("ipc_group", "ipc_group_shared", "out_of_domain", "context")
#: At most this many characters of non-generic text may follow the deciding term in the title's first
#: phrase for it to be the subject (after generic words — 装置, 系统, 方法, 制备方法 … — are dropped).
SUBJECT_TAIL = 3


#: The learned evidence (extraction.placement_learned, fifth pass): the classifier puts a title on a chain
#: when P(chain) ≥ LEARNED_CHAIN_P; its own node is a candidate when also P(node | chain) ≥ LEARNED_NODE_P.
#: Chosen by cross-validation by round on the calibration data (docs/extraction.md).
LEARNED_CHAIN_P = 0.5
LEARNED_NODE_P = 0.6
#: ``learned/strong``: the classifier's own node with P(chain) ≥ 0.7 and P(node | chain) ≥ 0.8 (else ``learned``).
LEARNED_STRONG_CHAIN_P = 0.7
LEARNED_STRONG_NODE_P = 0.8
LEARNED_RULE = "learned"
#: Rule-class suffixes of the learned evidence's verdict on a rule candidate.
LEARNED_TAGS = ("agree", "other", "unsure")

#: Confidence of a class with the learned evidence (``<rule class>+agree|other|unsure``, ``learned``,
#: ``learned/alt``), fitted by ``placement_eval.fit_learned_confidence`` like RULE_CONFIDENCE: out-of-fold
#: classifier outputs (folds = gold-set rounds) on the calibration data, capped by the fresh judgements (the
#: first held-out part, and round 7 placed with the chain files of before round 7). A class not listed
#: here was judged fewer than MIN_SUPPORT_HIGH times: its rule class's confidence, 0.79 at most.
LEARNED_CONFIDENCE: dict[str, float] = {
    # (placed / right on the calibration data, out of fold; fresh placed / right)
    "term+scope/subject+agree": 0.91,       # 138/136; fresh 53/52
    "term+scope/subject+other": 0.79,       # 14/14; fresh 5/4
    "term+scope/subject+unsure": 0.79,      # 28/26; fresh 8/7
    "term+scope/inner+agree": 0.77,         # 76/71; fresh 36/32
    "term+scope/inner+other": 0.25,         # 25/19; fresh 16/7
    "term+scope/inner+unsure": 0.63,        # 18/16; fresh 6/5
    "term/subject+agree": 0.79,             # 14/14; fresh 4/4
    "term/inner+agree": 0.79,               # 15/15; fresh 0/0
    "context+anchor/subject+agree": 0.71,   # 33/32; fresh 13/12
    "context+anchor/inner+agree": 0.69,     # 12/11; fresh 6/5
    "term+chain_scope/inner+unsure": 0.77,  # 15/15; fresh 4/4
    "context+scope/subject+unsure": 0.51,   # 12/9; fresh 4/3
    "context+scope/inner+unsure": 0.24,     # 11/5; fresh 7/3
    "out_of_domain+unsure": 0.01,           # 88/3; fresh 28/0
    "context+unsure": 0.01,                 # 127/4; fresh 47/3
    "learned/strong": 0.8,                  # 13/13; fresh 11/11
    "learned": 0.28,                        # 27/14; fresh 12/6
    "learned/alt": 0.5,                     # 34/22; fresh 16/12
}


#: A class with the learned evidence judged too few times to be fitted: its rule class's confidence plus
#: this (the classifier preferring another node is a warning), 0.79 at most.
LEARNED_FALLBACK = {"agree": 0.0, "other": -0.15, "unsure": -0.1}


#: stronger evidence class -> a class whose evidence it contains (term + IPC group ⊇ term + IPC subclass in
#: scope): the stronger one never gets less confidence. Gold titles carry IPC subclasses only, so the
#: term+ipc_group classes are never judged there; they appear on data with full IPC codes (the demo graph).
CLASS_CONTAINS = {"term+ipc_group/subject": "term+scope/subject", "term+ipc_group/inner": "term+scope/inner"}


def learned_confidence(cls: str, rule_confidence: float) -> float:
    """The calibrated confidence of a class with the learned evidence (LEARNED_CONFIDENCE); for a class
    judged too few times to be fitted, the rule class's own confidence moved by LEARNED_FALLBACK (0.79 at
    most unless the classifier agrees: agreement never lowers a rule class), and never less than the
    fitted class with the same verdict whose evidence it contains (CLASS_CONTAINS)."""
    if cls in LEARNED_CONFIDENCE:
        return LEARNED_CONFIDENCE[cls]
    base, _, tag = cls.rpartition("+")
    conf = rule_confidence + LEARNED_FALLBACK.get(tag, 0.0)
    if tag != "agree":
        conf = min(conf, 0.79)
    contained = f"{CLASS_CONTAINS.get(base, '')}+{tag}"
    if contained in LEARNED_CONFIDENCE:
        conf = max(conf, LEARNED_CONFIDENCE[contained])
    return round(max(0.01, conf), 2)


def evidence_class(rule: str, subject: bool) -> str:
    """The calibration class of a placement: its rule, split by whether the deciding term is the subject."""
    return rule if rule in UNSPLIT_RULES else f"{rule}/{'subject' if subject else 'inner'}"


#: A class needs this many judged placements on the tuning part to be given 0.8 or more.
MIN_SUPPORT_HIGH = 10

#: A term right before 的, or up to three characters before 用, is a modifier ("新能源汽车用充电桩",
#: "光伏组件的钢边框", "光伏组件发电用储能装置"): it names what the subject is for or part of, so a
#: node named by a term that is not a modifier wins over it.
_MODIFIER_STOP = "，,、；;。（()）及和与或"
#: A term followed within this many characters (same phrase) by a term of another node of the same
#: chain is that term's modifier (``PlacementModel._headed``).
HEAD_GAP = 4
#: Only a node's own terms make a head, not its context terms: "光伏逆变器汇流箱接地故障检测装置" is an
#: inverter patent although the O&M context 故障检测 follows.
HEAD_KINDS = ("term",)


def _alnum(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()


def _is_modifier(folded: str, end: int) -> bool:
    if folded[end:end + 1] == "的":
        return True
    window = folded[end:end + 4]
    cut = min((window.find(c) for c in _MODIFIER_STOP if c in window), default=len(window))
    return "用" in window[:cut]


#: Where a title's first phrase ends (the subject of "X及其制备方法", "X和Y" is X).
_PHRASE_STOP = "及和与或、，,；;（(：:"
#: Generic words that may follow the subject without changing what the title is about.
_GENERIC_HEAD = re.compile(r"^(?:一体化|一体式|一体|智能|自动|新型|专用|用|装置|设备|系统|结构|机构|组件|方法|模块|单元|总成"
                           r"|工艺|技术|平台|产品|材料|器|机)")
_METHOD_TAIL = re.compile(r"(?:的)?(?:制备|生产|制造|加工|控制|检测|测试|使用|安装)?方法$")


def subject_tail(folded: str, terms: Iterable[str]) -> int:
    """How many characters of non-generic text follow the best-placed of ``terms`` in the title's first
    phrase (0 = the term ends it: it is what the title is about); 99 when none of them occurs."""
    best = 99
    for t in terms:
        i = folded.find(t)
        if i < 0:
            continue
        rest = folded[i + len(t):]
        rest = rest[:min((rest.find(c) for c in _PHRASE_STOP if c in rest), default=len(rest))]
        rest = _METHOD_TAIL.sub("", rest)
        while True:
            m = _GENERIC_HEAD.match(rest)
            if not m or not m.group(0):
                break
            rest = rest[m.end():]
        best = min(best, len(rest))
    return best


@dataclass(frozen=True, slots=True)
class _Hit:
    term: str
    start: int
    end: int
    modifier: bool


class PlacementModel:
    """Places texts (with optional IPC codes) on chain nodes by evidence combination.

    Built once from :class:`~extraction.chain_profiles.NodeProfile` objects (chain files or graph
    rows) plus each chain's anchor words, and reused for every text: the term index and each
    term's specificity (how many nodes list it) are computed here.
    """

    def __init__(self, profiles: Iterable, anchors: Mapping[str, Iterable[str]] | None = None, *,
                 max_nodes: int = MAX_NODES_PER_TEXT, learned=None):
        self.profiles = {p.node_id: p for p in profiles}
        self.max_nodes = max_nodes
        # the learned evidence (extraction.placement_learned.LearnedPlacer, or stored out-of-fold outputs
        # when fitting the confidences): anything with ``support(title, ipc)``; None = rules only
        self.learned = learned
        if anchors is None:  # the chains' anchor words travel on their nodes (NodeProfile.anchors)
            anchors = {}
            for p in self.profiles.values():
                anchors.setdefault(p.chain_id, dict.fromkeys(p.anchors))
        self.anchors = {c: tuple(fold_text(a).lower() for a in words if a) for c, words in anchors.items()}
        # term -> [(node_id, kind)], kind 'term' or 'context'; folded and lower-cased (Latin acronyms)
        self.index: dict[str, list[tuple[str, str]]] = {}
        for p in self.profiles.values():
            for kind, terms in (("term", p.terms), ("context", p.context)):
                for t in terms:
                    if t and len(t) >= 2:
                        self.index.setdefault(fold_text(t).lower(), []).append((p.node_id, kind))
        self.owners = {t: len({n for n, k in v if k == "term"}) for t, v in self.index.items()}
        self._terms_by_len = sorted(self.index, key=lambda t: (-len(t), t))
        self._excludes = {nid: tuple(fold_text(x).lower() for x in p.exclude) for nid, p in self.profiles.items()}
        self.chain_scope: dict[str, set[str]] = {}
        self.group_owners: dict[str, int] = {}
        for p in self.profiles.values():
            self.chain_scope.setdefault(p.chain_id, set()).update((*p.ipc_scope, *p.chain_domain))
            for g in p.ipc_groups:
                self.group_owners[g] = self.group_owners.get(g, 0) + 1

    # -- evidence -------------------------------------------------------------------------------
    def _hits(self, folded: str) -> list[_Hit]:
        """Matched terms, longest first; a term inside a longer matched term is dropped (光伏逆变器
        hides 逆变器, 动力电池回收 hides 动力电池)."""
        taken: list[_Hit] = []
        for t in self._terms_by_len:
            latin = t[:1].isascii() and t[:1].isalnum(), t[-1:].isascii() and t[-1:].isalnum()
            start = folded.find(t)
            while start >= 0:
                end = start + len(t)
                # a Latin acronym matches whole words only (CRO is not inside "micro", SOI not in "soil")
                if (latin[0] and start > 0 and _alnum(folded[start - 1])) or (latin[1] and _alnum(folded[end:end + 1])):
                    start = folded.find(t, start + 1)
                    continue
                if not any(h.start <= start and end <= h.end for h in taken):
                    taken.append(_Hit(t, start, end, _is_modifier(folded, end)))
                start = folded.find(t, start + 1)
        return taken

    def evidence(self, text: str, ipc_codes: Iterable[str] = ()) -> dict[str, dict]:
        """Per candidate node: terms, context terms, modifier-only flag, IPC group hit, scope states, veto."""
        folded = fold_text(text or "").lower()
        codes = [str(c).replace(" ", "").upper() for c in ipc_codes if c]
        subclasses = {c[:4] for c in codes}
        cand: dict[str, dict] = {}

        def entry(nid: str) -> dict:
            return cand.setdefault(nid, {"terms": [], "context": [], "ipc": "", "group": "", "plain": False})

        hits = self._hits(folded)
        for h in hits:
            for nid, kind in self.index[h.term]:
                e = entry(nid)
                bucket = e["terms"] if kind == "term" else e["context"]
                if h.term not in bucket:
                    bucket.append(h.term)
                if kind == "term" and not h.modifier and not self._headed(h, nid, hits, folded):
                    e["plain"] = True
        for nid, p in self.profiles.items():
            hit = next(((c, g) for c in codes for g in p.ipc_groups if c.startswith(g)), None)
            if hit:
                e = entry(nid)
                e["ipc"], e["group"] = hit
        for nid, e in cand.items():
            p = self.profiles[nid]
            e["veto"] = next((x for x in self._excludes[nid] if x and x in folded), "")
            e["node_scope"] = bool(subclasses & set(p.ipc_scope)) or bool(e["ipc"])
            # an anchor counts when it is not itself the matched context term (光伏电站 names the chain, not 电站运维)
            e["anchor"] = next((a for a in self.anchors.get(p.chain_id, ()) if a in folded and a not in e["context"]), "")
            chain_scope = self.chain_scope.get(p.chain_id, set())
            # the IPC domain check: None = cannot tell (no IPC, a chain without scope, or a word of the
            # chain in the text — "分布式光伏发电接地装置" is PV whatever subclass H01R says)
            e["chain_scope"] = None if not subclasses or not chain_scope or e["anchor"] else bool(subclasses & chain_scope)
        return cand

    def _headed(self, h: _Hit, nid: str, hits: list[_Hit], folded: str) -> bool:
        """True when a term of another node of ``nid``'s chain follows ``h`` in the same phrase: in a
        Chinese compound the last noun is the head ("光伏组件边框" is a frame, "锂离子电池正极材料" a
        cathode material), so the earlier term only says what the head belongs to."""
        chain = self.profiles[nid].chain_id
        for h2 in hits:
            if h2 is h or h2.start <= h.start or h2.end <= h.end:
                continue
            gap = folded[h.end:h2.start] if h2.start > h.end else ""
            if len(gap) > HEAD_GAP or any(c in gap for c in _MODIFIER_STOP + "的"):
                continue
            if any(k in HEAD_KINDS and n2 != nid and self.profiles[n2].chain_id == chain for n2, k in self.index[h2.term]):
                return True
        return False

    def _rule(self, e: dict) -> str:
        unique = [t for t in e["terms"] if self.owners.get(t, 0) <= 1]
        shared = [t for t in e["terms"] if self.owners.get(t, 0) > 1]
        if (e["terms"] or e["context"]) and e["chain_scope"] is False and not e["ipc"]:
            return "out_of_domain"
        if e["terms"] and e["ipc"]:
            return "term+ipc_group"
        if unique and e["node_scope"]:
            return "term+scope"
        if unique and e["chain_scope"] is None:
            return "term"
        if len(e["terms"]) >= 2:
            return "terms"
        if unique:
            return "term+chain_scope"
        if shared:
            return "shared+scope" if e["node_scope"] else "shared"
        if e["ipc"]:
            return "ipc_group" if self.group_owners.get(e["group"], 1) <= 1 else "ipc_group_shared"
        if e["anchor"]:
            return "context+anchor"
        return "context+scope" if e["node_scope"] else "context"

    # -- placement ------------------------------------------------------------------------------
    def place(self, text: str, ipc_codes: Iterable[str] = (), *, method: str = EVIDENCE_METHOD,
              min_confidence: float = PLACE_MIN) -> list[Placement]:
        """The nodes ``text`` (and the patent's ``ipc_codes``) belong on, best first; [] = abstain."""
        cand = self.evidence(text, ipc_codes)
        title = fold_text(text or "").lower().split("\n", 1)[0]
        scored: list[tuple[float, int, str, str, dict]] = []
        for nid, e in cand.items():
            if e["veto"]:
                continue
            rule = self._rule(e)
            unique = [t for t in e["terms"] if self.owners.get(t, 0) <= 1]
            # the subject is read in the title only (the first line: graph extraction joins title and body
            # with a newline); a term met only in an abstract is never the title's subject
            e["subject"] = subject_tail(title, unique or e["terms"] or e["context"]) <= SUBJECT_TAIL
            e["class"] = evidence_class(rule, e["subject"])
            strength = len(e["terms"]) * 2 + bool(e["ipc"]) * 2 + len(e["context"])
            scored.append((RULE_CONFIDENCE[e["class"]], strength, nid, rule, e))
        by_chain: dict[str, list[tuple[float, int, str, str, dict]]] = {}
        for s in scored:
            by_chain.setdefault(self.profiles[s[2]].chain_id, []).append(s)
        kept = []
        for items in by_chain.values():
            kept += self._most_specific(items)
        if self.learned is not None:
            kept = self._with_learned(kept, title, ipc_codes)
        kept.sort(key=lambda s: (-s[0], -s[1], s[2]))
        out = []
        for conf, _strength, nid, rule, e in kept[: self.max_nodes]:
            if conf < min_confidence:
                continue
            terms = tuple(e["terms"] + e["context"])
            parts = []
            if terms:
                parts.append("terms: " + "、".join(terms))
            if e["ipc"]:
                parts.append(f"IPC {e['ipc']} (group {e['group']})")
            if rule == "context+anchor":
                parts.append(f"chain word: {e['anchor']}")
            if rule not in UNSPLIT_RULES and rule != LEARNED_RULE:
                parts.append("the title's subject" if e["subject"] else "not the title's subject")
            if e.get("learned"):
                parts.append(e["learned"])
            parts.append(f"rule {rule}")
            out.append(Placement(nid, method, conf, "; ".join(parts), rule=rule, terms=terms, ipc=e["ipc"],
                                 evidence_class=e["class"]))
        return out

    def _with_learned(self, kept: list[tuple[float, int, str, str, dict]], title: str,
                      ipc_codes: Iterable[str]) -> list[tuple[float, int, str, str, dict]]:
        """The learned evidence joined to the rules' candidates, per chain: each rule candidate's class
        gains ``+agree`` (the classifier puts the title on the chain, P ≥ LEARNED_CHAIN_P, and its most
        likely node of the chain is this one), ``+other`` (on the chain, another node) or ``+unsure``
        (P below LEARNED_CHAIN_P), and takes that class's calibrated confidence (LEARNED_CONFIDENCE); the
        classifier's node becomes a candidate of its own (class ``learned/alt`` when the rules placed
        another node of the chain, else ``learned/strong`` or ``learned``) when P(chain) ≥ LEARNED_CHAIN_P,
        P(node | chain) ≥ LEARNED_NODE_P and no exclusion term of the node is in the title. Texts without
        IPC codes keep the rules alone."""
        codes = [str(c) for c in ipc_codes if c]
        if not codes:  # calibrated on patent titles with their IPC: other texts keep the rules alone
            return kept
        support = self.learned.support(title, codes)
        out = []
        for conf, strength, nid, rule, e in kept:
            sup = support.get(self.profiles[nid].chain_id)
            if sup is None:
                out.append((conf, strength, nid, rule, e))
                continue
            p_chain, top, p_node = sup
            tag = "agree" if p_chain >= LEARNED_CHAIN_P and top == nid else "other" if p_chain >= LEARNED_CHAIN_P else "unsure"
            e["class"] = f"{e['class']}+{tag}"
            e["learned"] = (f"classifier: chain P {p_chain:.2f}, " + ("agrees" if tag == "agree" else f"prefers {top} ({p_node:.2f})"
                            if tag == "other" else "unsure of the chain"))
            out.append((learned_confidence(e["class"], conf), strength, nid, rule, e))
        for chain, (p_chain, top, p_node) in support.items():
            if p_chain < LEARNED_CHAIN_P or p_node < LEARNED_NODE_P or top not in self.profiles:
                continue
            mine = [s for s in kept if self.profiles[s[2]].chain_id == chain]
            if any(s[2] == top for s in mine) or any(x and x in title for x in self._excludes[top]):
                continue
            # "the rules placed another node" is read on the rule classes' own confidences (not the
            # learned ones), so the fit of the learned classes does not depend on itself
            if any(s[0] >= PLACE_MIN for s in mine):
                cls = f"{LEARNED_RULE}/alt"
            elif p_chain >= LEARNED_STRONG_CHAIN_P and p_node >= LEARNED_STRONG_NODE_P:
                cls = f"{LEARNED_RULE}/strong"
            else:
                cls = LEARNED_RULE
            e = {"terms": [], "context": [], "ipc": "", "group": "", "subject": False, "class": cls,
                 "learned": f"classifier: chain P {p_chain:.2f}, node P {p_node:.2f} (no listed term decides)"}
            out.append((learned_confidence(cls, 0.0), 0, top, LEARNED_RULE, e))
        return out

    def _most_specific(self, items: list[tuple[float, int, str, str, dict]]) -> list[tuple[float, int, str, str, dict]]:
        """Within one chain the most specific evidence wins: term/IPC evidence beats context terms;
        a term of one node beats terms several nodes share; term evidence beats IPC evidence alone on a
        group several nodes share; a subject term beats a modifier
        ("X用Y", "X的Y": Y is what the text is about)."""
        def has(pred) -> bool:
            return any(pred(s[4]) for s in items)

        def specific(e: dict) -> bool:
            return bool(e["terms"] or e["ipc"])

        def owned(e: dict) -> bool:
            return any(self.owners.get(t, 0) <= 1 for t in e["terms"]) or bool(e["ipc"])

        def subject(e: dict) -> bool:
            return e["plain"] or bool(e["ipc"])

        out = items
        if has(specific):
            out = [s for s in out if specific(s[4])]
        if any(owned(s[4]) for s in out):
            out = [s for s in out if owned(s[4])]
        # a group several nodes list is weaker than a node the text names: IPC-only evidence on a shared
        # group never outranks term evidence in the same chain ("光伏逆变器的检测方法" with H02J3/38 is an
        # inverter patent, not 集中式光伏电站, whose group H02J3/38 is shared)
        if any(s[4]["terms"] for s in out):
            out = [s for s in out if s[4]["terms"] or self.group_owners.get(s[4]["group"], 1) <= 1]
        if any(subject(s[4]) for s in out):
            out = [s for s in out if subject(s[4])]
        return out


#: Organisation placement by patents: at least this many of its patents on the node (or all of them
#: when it has fewer), and at least this share of its placed patents.
ORG_MIN_PATENTS = 2
ORG_MIN_SHARE = 0.2
ORG_FIRM_PATENTS = 3


def place_org_by_patent_evidence(node_confidences: Mapping[str, list[float]], total_patents: int,
                                 *, min_confidence: float = PLACE_MIN) -> list[Placement]:
    """An organisation on the nodes its patents are placed on, from the same evidence.

    ``node_confidences``: node -> the confidences of the organisation's patent placements on it;
    ``total_patents``: all its patents (placed or not). A node needs ``ORG_MIN_PATENTS`` patents (or
    all of the organisation's patents) and ``ORG_MIN_SHARE`` of its patents; confidence = the mean
    patent confidence × (0.7 + 0.3 × min(1, share / 0.5)) × 0.9 below ``ORG_FIRM_PATENTS`` patents,
    so one stray patent among many never places an organisation and a node that is half of a
    portfolio of several patents keeps the patents' confidence.
    """
    out = []
    if total_patents <= 0:
        return out
    for nid, confs in node_confidences.items():
        good = [c for c in confs if c >= PLACE_MIN]
        n = len(good)
        if not n or (n < ORG_MIN_PATENTS and n < total_patents):
            continue
        share = n / total_patents
        if share < ORG_MIN_SHARE:
            continue
        # fewer than ORG_FIRM_PATENTS patents is thin evidence about a whole organisation
        conf = round(sum(good) / n * (0.7 + 0.3 * min(1.0, share / 0.5)) * (1.0 if n >= ORG_FIRM_PATENTS else 0.9), 2)
        if conf < min_confidence:
            continue
        out.append(Placement(nid, PATENTS_METHOD, conf, f"{n} of {total_patents} patents ({share:.0%}) on the node; "
                             f"mean patent confidence {sum(good) / n:.2f}", rule="patent_share"))
    return sorted(out, key=lambda p: (-p.confidence, p.node_id))


def ipc_derivation_params() -> dict[str, float | str]:
    """What the loader's IPC-group derivation (graph/derive.py, loaders/bulk_records.py) writes for a
    patent that evidence combination has not placed yet: the confidences and rule names of an IPC
    code under a group only one node lists, or under a group several nodes list."""
    return dict(IPC_DERIVATION)


def placement_row(p: Placement, source: str) -> dict:
    """A placement as the graph writer's row (graph.extract_store.replace_placements ``places`` item)."""
    return {"end": p.node_id, "method": p.method, "methods": [p.method], "confidence": p.confidence,
            "evidence": p.evidence, "rule": p.rule, "terms": list(p.terms), "ipc": p.ipc or None, "source": source}
