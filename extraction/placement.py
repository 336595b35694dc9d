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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extraction.gazetteer import NodeEntry
from extraction.textnorm import fold_text
from graph.placement_store import IPC_DERIVATION

MAX_NODES_PER_TEXT = 3


@dataclass(frozen=True, slots=True)
class Placement:
    """A text (or organisation) placed on a chain node, with method, confidence and evidence.

    ``rule`` names the evidence class that gave the confidence, ``terms`` the matched terms and
    ``ipc`` the patent IPC code that matched a node's group (evidence-combination placements only).
    """

    node_id: str
    method: str
    confidence: float
    evidence: str
    rule: str = ""
    terms: tuple[str, ...] = ()
    ipc: str = ""


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

#: Evidence class -> confidence, fitted on the tuning part of the gold set (698 patents, rounds 1–5)
#: by ``extraction.placement_eval.fit_rule_confidence``: for a class judged ≥ 10 times, the one-sided
#: 95 % Wilson lower bound of its share right (a conservative estimate: "right at least this often"),
#: 0.79 at most unless it was right ≥ 95 % of the time; a class judged fewer times stays below 0.8
#: (its prior shrunk towards the data). So ≥ 0.8 is only claimed by evidence the gold set has
#: checked and found right ≥ 95 % of the time — except that a class whose evidence contains
#: another's gets at least its confidence (term+ipc_group ⊇ term+scope). ``chainkg
#: evaluate-placement`` prints the fit beside this table: re-fit after changing rules or chain files.
RULE_CONFIDENCE: dict[str, float] = {
    "term+scope": 0.93,         # a term only this node lists; an IPC subclass of the node's core scope (143/148)
    "term": 0.92,               # one term only this node lists; no IPC, or a chain word overrides it (33/33)
    "context+anchor": 0.86,     # a context term of the node and a word naming the chain (光伏, 新能源汽车 …) (30/31)
    "term+chain_scope": 0.74,   # one node term; the IPC is in the chain's domain but not the node's (14/15 < 95 %)
    "shared+scope": 0.79,       # a term several nodes list; an IPC subclass of this node's scope (2/2; < 10 seen)
    "context+scope": 0.54,      # a context term of the node, IPC in the node's core scope (14/19)
    "terms": 0.79,              # two or more distinct terms of the node, IPC neither confirming nor denying (1/1)
    "term+ipc_group": 0.93,     # a term and an IPC code under one of the node's groups (never seen: titles carry
                                # subclasses): its evidence contains term+scope's, so it gets at least that
    # IPC only (never seen; prior), the values the loader's derivation writes (graph.placement_store)
    "ipc_group": float(IPC_DERIVATION["ipc_unique"]),         # a group only this node lists, no term
    "ipc_group_shared": float(IPC_DERIVATION["ipc_shared"]),  # a group several nodes list, no term
    "shared": 0.55,             # a term several nodes list, nothing else (never seen; prior)
    "out_of_domain": 0.09,      # term evidence, every IPC subclass outside the chain, no chain word: abstain (10/64)
    "context": 0.03,            # only a context term, no chain word, IPC outside the node's scope: abstain (6/89)
}
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
                 max_nodes: int = MAX_NODES_PER_TEXT):
        self.profiles = {p.node_id: p for p in profiles}
        self.max_nodes = max_nodes
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
        scored: list[tuple[float, int, str, str, dict]] = []
        for nid, e in cand.items():
            if e["veto"]:
                continue
            rule = self._rule(e)
            strength = len(e["terms"]) * 2 + bool(e["ipc"]) * 2 + len(e["context"])
            scored.append((RULE_CONFIDENCE[rule], strength, nid, rule, e))
        by_chain: dict[str, list[tuple[float, int, str, str, dict]]] = {}
        for s in scored:
            by_chain.setdefault(self.profiles[s[2]].chain_id, []).append(s)
        kept = []
        for items in by_chain.values():
            kept += self._most_specific(items)
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
            parts.append(f"rule {rule}")
            out.append(Placement(nid, method, conf, "; ".join(parts), rule=rule, terms=terms, ipc=e["ipc"]))
        return out

    def _most_specific(self, items: list[tuple[float, int, str, str, dict]]) -> list[tuple[float, int, str, str, dict]]:
        """Within one chain the most specific evidence wins: term/IPC evidence beats context terms;
        a term of one node beats terms several nodes share; a subject term beats a modifier
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
