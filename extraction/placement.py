"""Placing texts on chain nodes: by keywords (patents, achievements, demands, profiles) and by IPC
prefixes; organisations also by the share of their patents on a node.

Confidences are fixed formulas (documented in docs/extraction.md), always below the loader's
IPC-prefix placement (0.9) and a declared placement (1.0), so extraction never outranks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from extraction.gazetteer import NodeEntry
from extraction.textnorm import fold_text

MAX_NODES_PER_TEXT = 3


@dataclass(frozen=True, slots=True)
class Placement:
    """A text (or organisation) placed on a chain node, with method, confidence and evidence."""

    node_id: str
    method: str
    confidence: float
    evidence: str


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
