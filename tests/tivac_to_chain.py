"""Test helper: convert a Taiwan value chain (../shared/data/tivac, Traditional Chinese) to a chain dict.

TIVAC files (TPEx 產業價值鏈) list, per segment (上游/中游/下游), nodes with the listed companies on
them, but not which node supplies which. The conversion therefore links every node to every node
of the nearest earlier non-empty segment (a coarse but honest UPSTREAM_OF reading). Node ids are
``tw_<chain code>.<ic_link id>``; keywords are the parts of the node name; IPC prefixes are empty
(TIVAC has none). Companies come back in ``companies`` so tests can load them as organisations.
Chains whose segments are not 上游/中游/下游 (e.g. 金融, 區塊鏈) are not convertible.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_SEGMENT_PREFIX = {"上游": "upstream", "中游": "midstream", "下游": "downstream"}


def segment_of(title: str | None) -> str | None:
    """``上游`` / ``中游整合營造業`` → ``upstream`` / ``midstream``; None for other segment titles."""
    for prefix, seg in _SEGMENT_PREFIX.items():
        if title and title.startswith(prefix):
            return seg
    return None


def is_convertible(path: Path) -> bool:
    """True when every segment title of the chain file maps to upstream/midstream/downstream."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    titles = [c.get("title") for c in data.get("chains", [])]
    return bool(titles) and all(segment_of(t) for t in titles)


def convert_tivac_chain(path: str | Path) -> dict[str, Any]:
    """One TIVAC chain JSON file → ``{id, name, description, nodes: [...], companies: [...]}``.

    Raises ValueError naming the file when a segment title is not 上游/中游/下游.
    """
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    code = path.stem.split("_", 1)[0].lower()
    chain_id = f"tw_{code}"
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    by_segment: dict[str, list[dict[str, Any]]] = {s: [] for s in order}
    companies: list[dict[str, Any]] = []
    seen: set[str] = set()
    for block in data.get("chains", []):
        seg = segment_of(block.get("title"))
        if seg is None:
            raise ValueError(f"{path.name}: segment {block.get('title')!r} is not 上游/中游/下游; chain not convertible")
        for item in block.get("companies", []):
            node_id = f"{chain_id}.{item['id']}"
            if node_id in seen:  # the same link listed twice: keep its first placement
                continue
            seen.add(node_id)
            name = str(item.get("text") or item["detailed_data"].get("title")).strip()
            parts = [p for p in re.split(r"[/、,，]", name) if p and p not in ("及", "與")]
            by_segment[seg].append({"id": node_id, "name": name, "segment": seg, "upstream": [],
                                    "keywords": list(dict.fromkeys([name.replace("/", ""), *parts])), "ipc": []})
            for comp in (item.get("detailed_data") or {}).get("companies", []):
                stock = re.search(r"stk_code=(\w+)", comp.get("url") or "")
                companies.append({"name": comp["name"], "stock_code": stock.group(1) if stock else None,
                                  "is_foreign": bool(comp.get("is_foreign")), "node": node_id})
    previous: list[str] = []
    for seg in order:
        if not by_segment[seg]:
            continue
        for node in by_segment[seg]:
            node["upstream"] = list(previous)
        previous = [n["id"] for n in by_segment[seg]]
    intro = str(data.get("introduction") or "").strip()
    return {"id": chain_id, "name": data.get("title") or chain_id, "description": intro[:300],
            "nodes": [n for seg in order for n in by_segment[seg]], "companies": companies}
