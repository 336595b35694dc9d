"""Interactive graphs through st-link-analysis (cytoscape.js shipped inside the wheel: works offline),
plus a static PNG of the same graph (networkx + matplotlib) for export.

Pages describe a graph as plain node and edge dicts; this module turns them into cytoscape elements
and styles, and reports which node the user tapped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SEGMENT_X = {"upstream": 0, "midstream": 1, "downstream": 2}
SEGMENT_COLOURS = {"upstream": "#4e79a7", "midstream": "#59a14f", "downstream": "#f28e2b"}
GROUP_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f"]
GAP_COLOUR = "#e15759"


@dataclass
class GraphSpec:
    """Nodes and edges to draw. Node dicts need ``id``; optional ``name``, ``group``, ``size``,
    ``gap`` (bool), ``x``/``y`` (a fixed layout) and any extra data shown on selection."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.nodes


class _Style:
    """A raw cytoscape style rule (st-link-analysis accepts any object with ``dump()``)."""

    def __init__(self, selector: str, style: dict[str, Any]):
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def to_elements(spec: GraphSpec) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements for ``spec`` (positions kept when every node has x and y)."""
    nodes = []
    for n in spec.nodes:
        data = {k: _plain(v) for k, v in n.items() if k not in ("x", "y")}
        data["id"] = str(n["id"])
        data.setdefault("name", data["id"])
        data["label"] = str(n.get("group") or "node")
        data["size"] = float(n.get("size") or 30)
        data["gap"] = bool(n.get("gap"))
        el: dict[str, Any] = {"data": data}
        if "x" in n and "y" in n:
            el["position"] = {"x": float(n["x"]), "y": float(n["y"])}
        nodes.append(el)
    ids = {n["data"]["id"] for n in nodes}
    edges = []
    for i, e in enumerate(spec.edges):
        s, t_ = str(e["source"]), str(e["target"])
        if s in ids and t_ in ids:  # an edge to a missing node breaks cytoscape
            data = {k: _plain(v) for k, v in e.items()}
            data.update(id=str(e.get("id") or f"e{i}"), source=s, target=t_, label=str(e.get("label") or "REL"))
            edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}


def _styles(spec: GraphSpec) -> list[_Style]:
    groups = sorted({str(n.get("group") or "node") for n in spec.nodes})
    rules = [
        _Style("node", {"label": "data(name)", "width": "data(size)", "height": "data(size)", "font-size": 11,
                        "text-wrap": "wrap", "text-max-width": 120, "text-valign": "bottom"}),
        _Style("edge", {"curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
                        "line-color": "#9aa0a6", "target-arrow-color": "#9aa0a6"}),
    ]
    for i, g in enumerate(groups):
        colour = SEGMENT_COLOURS.get(g, GROUP_COLOURS[i % len(GROUP_COLOURS)])
        # Caption set per group like st-link-analysis's own NodeStyle does (its theme resets plain "node").
        rules.append(_Style(f"node[label='{g}']", {"background-color": colour, "label": "data(name)",
                                                     "font-size": 13, "min-zoomed-font-size": 0,
                                                     "text-valign": "bottom", "text-wrap": "wrap",
                                                     "text-max-width": 150}))
    rules.append(_Style("node[?gap]", {"border-width": 4, "border-color": GAP_COLOUR, "border-style": "dashed"}))
    return rules


def show_graph(spec: GraphSpec, *, key: str, height: int = 480) -> str | None:
    """Draw ``spec`` interactively; return the id of the node the user tapped last (or None)."""
    from st_link_analysis import Event, st_link_analysis

    if spec.empty:
        return None
    fixed = all("x" in n and "y" in n for n in spec.nodes)
    layout = {"name": "preset", "fit": True, "padding": 30} if fixed else "cose"
    result = st_link_analysis(
        to_elements(spec), layout=layout, node_styles=_styles(spec), height=height, key=key,
        events=[Event("node_tap", "tap", "node")],
    )
    if isinstance(result, dict) and result.get("action") == "node_tap":
        return (result.get("data") or {}).get("target_id")
    return None


def segment_layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]] | None = None, *,
                   col_width: float = 320, row_height: float = 72) -> None:
    """Give nodes x/y so segments read left to right: upstream → midstream → downstream.

    With ``edges`` (UPSTREAM_OF, source → target) a segment is split into sub-columns by the longest
    chain of edges inside it (lithium → precursor → cathode are all "upstream" but drawn in order),
    and rows follow the mean row of each node's upstream nodes, so supply lines cross less.
    """
    seg = {str(n["id"]): SEGMENT_X.get(str(n.get("segment")), 3) for n in nodes}
    ups: dict[str, list[str]] = {i: [] for i in seg}
    for e in edges or []:
        s, t_ = str(e["source"]), str(e["target"])
        if s in seg and t_ in seg and s != t_:
            ups[t_].append(s)
    depth: dict[str, int] = {}

    def local_depth(i: str, trail: frozenset[str] = frozenset()) -> int:  # longest in-segment chain
        if i not in depth:
            inner = [u for u in ups[i] if seg[u] == seg[i] and u not in trail]
            depth[i] = 1 + max((local_depth(u, trail | {i}) for u in inner), default=-1)
        return depth[i]

    columns = sorted({(seg[i], local_depth(i)) for i in seg})
    x_of: dict[tuple[int, int], float] = {}
    x = 0.0
    for k, key in enumerate(columns):
        if k and key[0] != columns[k - 1][0]:
            x += col_width * 0.35  # a wider gap between segments than between sub-columns
        x_of[key] = x
        x += col_width if not edges else col_width * 0.65
    if not edges:  # plain three columns, as before
        x_of = {key: key[0] * col_width for key in columns}
    y_of: dict[str, float] = {}
    by_id = {str(n["id"]): n for n in nodes}
    for key in columns:
        members = [i for i in seg if (seg[i], depth[i]) == key]
        placed = [[y_of[u] for u in ups[i] if u in y_of] for i in members]
        order = sorted(zip(members, placed, strict=True),
                       key=lambda mp: (sum(mp[1]) / len(mp[1]) if mp[1] else float("inf"), str(by_id[mp[0]].get("name"))))
        for row, (i, _) in enumerate(order):
            y_of[i] = row * row_height
            by_id[i]["x"], by_id[i]["y"] = x_of[key], y_of[i]


def frame_to_spec(df: pd.DataFrame, source: str, target: str, label: str | None = None, limit: int = 500) -> GraphSpec:
    """A graph from two columns of any result table: one edge per row from ``source`` to ``target``."""
    spec = GraphSpec()
    seen: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(df.head(limit).itertuples(index=False)):
        rec = row._asdict() if hasattr(row, "_asdict") else dict(zip(df.columns, row, strict=False))
        a, b = rec.get(source), rec.get(target)
        if a is None or b is None or (isinstance(a, float) and pd.isna(a)) or (isinstance(b, float) and pd.isna(b)):
            continue
        for v, grp in ((a, source), (b, target)):
            seen.setdefault(str(v), {"id": str(v), "name": str(v), "group": grp, "size": 26})
        spec.edges.append({"id": f"r{i}", "source": str(a), "target": str(b), "label": str(rec.get(label, "")) if label else ""})
    spec.nodes = list(seen.values())
    return spec


def _cjk_font() -> list[str]:
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK SC", "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Droid Sans Fallback")
    names = {f.name for f in font_manager.fontManager.ttflist}
    if not any(w in names for w in wanted):
        # matplotlib's font cache predates fonts installed later (e.g. fonts-wqy-microhei): add them.
        for path in font_manager.findSystemFonts():
            if any(k in path.lower() for k in ("wqy", "notosanscjk", "droidsansfallback", "simhei")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError):
                    continue
        names = {f.name for f in font_manager.fontManager.ttflist}
    return [w for w in wanted if w in names] + ["DejaVu Sans"]


def spec_png(spec: GraphSpec, title: str = "") -> bytes:
    """A static PNG of ``spec`` (fixed layout when given, else spring layout) for download."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    g = nx.DiGraph()
    for n in spec.nodes:
        g.add_node(str(n["id"]))
    for e in spec.edges:
        if str(e["source"]) in g and str(e["target"]) in g:
            g.add_edge(str(e["source"]), str(e["target"]))
    if all("x" in n and "y" in n for n in spec.nodes):
        pos = {str(n["id"]): (float(n["x"]), -float(n["y"])) for n in spec.nodes}
    else:
        pos = nx.spring_layout(g, seed=7)
    groups = sorted({str(n.get("group") or "node") for n in spec.nodes})
    colour_of = {g_: SEGMENT_COLOURS.get(g_, GROUP_COLOURS[i % len(GROUP_COLOURS)]) for i, g_ in enumerate(groups)}
    with plt.rc_context({"font.sans-serif": _cjk_font(), "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(12, 7), dpi=110)
        ids = [str(n["id"]) for n in spec.nodes]
        nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#9aa0a6", arrows=True, arrowsize=10)
        nx.draw_networkx_nodes(
            g, pos, nodelist=ids, ax=ax,
            node_size=[float(n.get("size") or 30) * 12 for n in spec.nodes],
            node_color=[colour_of[str(n.get("group") or "node")] for n in spec.nodes],
            edgecolors=[GAP_COLOUR if n.get("gap") else "#ffffff" for n in spec.nodes],
            linewidths=[3 if n.get("gap") else 1 for n in spec.nodes],
        )
        nx.draw_networkx_labels(g, pos, labels={str(n["id"]): str(n.get("name") or n["id"]) for n in spec.nodes}, ax=ax, font_size=8)
        ax.set_title(title)
        ax.axis("off")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
    return buf.getvalue()
