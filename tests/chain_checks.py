"""Structural checks for a chain definition (the DESIGN.md §3 chain YAML shape, as a dict).

Shared by the chain-library tests and the Taiwan value-chain conversion test, so both kinds of
chains are held to the same rules.
"""

from __future__ import annotations

import re
from typing import Any

SEGMENTS = ("upstream", "midstream", "downstream")
# A subclass, a main group with its slash, or a full code: H02S, B25J9/, H01M10/0525 (no partial subgroups).
IPC_PREFIX = re.compile(r"^[A-H]\d{2}[A-Z](\d{1,4}/(\d{2,6})?)?$")


def upstream_cycle(nodes: list[dict[str, Any]]) -> list[str] | None:
    """A cycle of node ids along `upstream` references, or None when they form a DAG."""
    graph = {n["id"]: list(n.get("upstream") or []) for n in nodes}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for up in graph.get(node, []):
            if state.get(up) == 1:
                return path[path.index(up):] + [up] if up in path else [node, up]
            if up in graph and state.get(up) is None:
                found = visit(up, path + [up])
                if found:
                    return found
        state[node] = 2
        return None

    for start in graph:
        if state.get(start) is None:
            found = visit(start, [start])
            if found:
                return found
    return None


def chain_problems(chain: dict[str, Any], *, min_nodes: int = 1, require_ipc: bool = False) -> list[str]:
    """Every structural problem of one chain dict (empty list when it is well formed)."""
    problems: list[str] = []
    for key in ("id", "name", "nodes"):
        if not chain.get(key):
            problems.append(f"missing `{key}`")
    if problems:
        return problems
    cid = chain["id"]
    nodes = chain["nodes"]
    if len(nodes) < min_nodes:
        problems.append(f"{cid}: {len(nodes)} nodes, need at least {min_nodes}")
    ids = [n.get("id") for n in nodes]
    if len(set(ids)) != len(ids):
        problems.append(f"{cid}: duplicate node ids")
    known = set(ids)
    for n in nodes:
        nid = n.get("id") or "?"
        if not str(nid).startswith(cid + "."):
            problems.append(f"{nid}: id not prefixed with chain id {cid!r}")
        if not n.get("name"):
            problems.append(f"{nid}: no name")
        if n.get("segment") not in SEGMENTS:
            problems.append(f"{nid}: segment {n.get('segment')!r} not one of {SEGMENTS}")
        for up in n.get("upstream") or []:
            if up not in known:
                problems.append(f"{nid}: upstream {up!r} is not a node of {cid}")
            if up == nid:
                problems.append(f"{nid}: lists itself as upstream")
        if not isinstance(n.get("keywords"), list) or not n["keywords"]:
            problems.append(f"{nid}: keywords must be a non-empty list")
        ipc = n.get("ipc")
        if not isinstance(ipc, list) or (require_ipc and not ipc):
            problems.append(f"{nid}: ipc must be a {'non-empty ' if require_ipc else ''}list")
        for p in ipc or []:
            if not IPC_PREFIX.match(str(p)):
                problems.append(f"{nid}: ipc prefix {p!r} is not a normalised IPC code/prefix")
    present = {n.get("segment") for n in nodes}
    for seg in SEGMENTS:
        if seg not in present:
            problems.append(f"{cid}: no {seg} node")
    cycle = upstream_cycle(nodes)
    if cycle:
        problems.append(f"{cid}: upstream references form a cycle: {' <- '.join(cycle)}")
    return problems
