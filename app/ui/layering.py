"""Layered layout shared by the chain chart and the generic graph view."""

from __future__ import annotations

from typing import Any


def in_segment_depths(seg: dict[str, Any], edges: list[dict[str, Any]] | None) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Upstream ids per node and each node's depth inside its segment.

    ``seg`` maps node id → segment key; ``edges`` are ``source`` → ``target`` (upstream → downstream).
    The depth is the longest chain of edges between nodes of the same segment that ends at the node
    (lithium → precursor → cathode are all upstream but get depths 0, 1, 2); cycles are cut.
    """
    ups: dict[str, list[str]] = {i: [] for i in seg}
    for e in edges or []:
        s, t = str(e["source"]), str(e["target"])
        if s in seg and t in seg and s != t:
            ups[t].append(s)
    depth: dict[str, int] = {}

    def local_depth(i: str, trail: frozenset[str] = frozenset()) -> int:
        if i not in depth:
            inner = [u for u in ups[i] if seg[u] == seg[i] and u not in trail]
            depth[i] = 1 + max((local_depth(u, trail | {i}) for u in inner), default=-1)
        return depth[i]

    for i in seg:
        local_depth(i)
    return ups, depth
