"""Graphs in the app: ``graph_chart`` draws nodes and edges with ECharts (streamlit-echarts, whose
frontend bundle ships ECharts itself: nothing is fetched from a CDN) and returns the node the user
clicked. Positions are computed here in Python (force, layered or left-to-right), so the first frame
is the final one: no animation, no nodes piled at an edge while a layout settles.

The older cytoscape helpers (``GraphSpec``, ``show_graph``, ``segment_layout``, ``spec_png``) stay
for pages that have not moved to ``graph_chart`` yet; ``spec_png`` also renders PNG exports.
"""

from __future__ import annotations

import html
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from app.ui.fonts import cjk_fonts
from app.ui.layering import in_segment_depths

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
    ups, depth = in_segment_depths(seg, edges)

    columns = sorted({(seg[i], depth[i]) for i in seg})
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
    with plt.rc_context({"font.sans-serif": cjk_fonts(), "axes.unicode_minus": False}):
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


# ---------------------------------------------------------------- ECharts graph (graph_chart)

LAYOUTS = ("force", "layered", "lr")
#: Label and symbol sizes chosen so names stay readable at the fitted zoom of a 1400 px wide page.
LABEL_FONT_PX = 12
EDGE_LABEL_FONT_PX = 11
MIN_SYMBOL, MAX_SYMBOL = 14.0, 46.0
_CLICK_JS = "function(p){ if (p && p.dataType === 'node' && p.data && p.data.id != null) { return String(p.data.id); } }"


def merge_parallel_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One edge per (source, target): labels of parallel edges joined (each once, in order), their
    tooltips joined, and ``count`` the number merged (drawn as the line width)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for e in edges:
        k = (str(e["source"]), str(e["target"]))
        m = merged.setdefault(k, {"source": k[0], "target": k[1], "labels": [], "tooltips": [], "count": 0})
        m["count"] += 1
        if e.get("label") not in (None, "") and str(e["label"]) not in m["labels"]:
            m["labels"].append(str(e["label"]))
        if e.get("tooltip") not in (None, "") and str(e["tooltip"]) not in m["tooltips"]:
            m["tooltips"].append(str(e["tooltip"]))
    out = []
    for m in merged.values():
        label = "、".join(m["labels"][:3]) + ("…" if len(m["labels"]) > 3 else "")
        if m["count"] > 1:
            label = f"{label} ×{m['count']}" if label else f"×{m['count']}"
        out.append({"source": m["source"], "target": m["target"], "label": label,
                    "tooltip": "\n".join(m["tooltips"]), "count": m["count"]})
    return out


def _depths(ids: list[str], edges: list[dict[str, Any]]) -> dict[str, int]:
    """Column of each node for layered layouts: longest path from a source, cycles collapsed."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(ids)
    g.add_edges_from((e["source"], e["target"]) for e in edges if e["source"] != e["target"])
    cond = nx.condensation(g)
    level: dict[int, int] = {}
    for c in nx.topological_sort(cond):
        level[c] = max((level[p] + 1 for p in cond.predecessors(c)), default=0)
    member = cond.graph["mapping"]
    return {i: level[member[i]] for i in ids}


def layout_positions(ids: list[str], edges: list[dict[str, Any]], layout: str) -> dict[str, tuple[float, float]]:
    """x/y per node id (screen units, y down) for ``layout``: ``force`` (spring layout, fixed seed so a
    rerun draws the same picture), ``lr`` (columns left to right along the edges: paths read from
    source to target) or ``layered`` (rows top to bottom along the edges)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if not ids:
        return {}
    if layout == "force":
        return _packed_force(ids, edges)
    depth = _depths(ids, edges)
    columns: dict[int, list[str]] = defaultdict(list)
    for i in ids:
        columns[depth[i]].append(i)
    out: dict[str, tuple[float, float]] = {}
    row_of: dict[str, float] = {}
    ups: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        ups[e["target"]].append(e["source"])
    for d in sorted(columns):
        members = columns[d]
        # Order each column by the mean position of its upstream neighbours, so lines cross less.
        members.sort(key=lambda i: (sum(row_of[u] for u in ups[i] if u in row_of) / max(1, sum(u in row_of for u in ups[i]))
                                    if any(u in row_of for u in ups[i]) else float("inf"), ids.index(i)))
        n = len(members)
        for r, i in enumerate(members):
            row_of[i] = r - (n - 1) / 2
            along, across = d * 260.0, row_of[i] * 90.0
            out[i] = (along, across) if layout == "lr" else (across * 1.8, along * 0.5)
    return out


#: Screen units per unit of layout: the typical edge is this long, room for a label between nodes.
_EDGE_UNIT = 160.0


def _component_layout(g) -> dict[str, tuple[float, float]]:
    """One connected component laid out with edges about one unit long (x, y from 0)."""
    import networkx as nx

    nodes = list(g.nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (0.0, 0.0), nodes[1]: (1.0, 0.0)}
    pos = nx.kamada_kawai_layout(g) if len(nodes) <= 80 else nx.spring_layout(g, seed=7, iterations=100)
    lengths = [math.dist(pos[a], pos[b]) for a, b in g.edges if a != b]
    unit = sorted(lengths)[len(lengths) // 2] if lengths else 1.0
    # Labels run horizontally: stretch x so neighbours' names sit side by side rather than on top.
    stretch = 1.7
    xs, ys = [p[0] / unit * stretch for p in pos.values()], [p[1] / unit for p in pos.values()]
    return {n: (pos[n][0] / unit * stretch - min(xs), pos[n][1] / unit - min(ys)) for n in nodes}


def _packed_force(ids: list[str], edges: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Force-directed positions per connected component (Kamada-Kawai, deterministic), the
    components packed in rows of a box about twice as wide as high, biggest first, so that many
    small components (e.g. 40 licence pairs) fill the chart instead of crowding its middle."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((e["source"], e["target"]) for e in edges)
    parts = []
    for comp in sorted(nx.connected_components(g), key=lambda c: (-len(c), min(ids.index(i) for i in c))):
        local = _component_layout(g.subgraph(comp))
        w = max(p[0] for p in local.values()) + 1.0  # one unit of margin: room for labels
        h = max(p[1] for p in local.values()) + 0.6
        parts.append((local, w, h))
    area = sum(w * h for _, w, h in parts)
    row_width = max(max(w for _, w, _ in parts), math.sqrt(area * 2.0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for local, w, h in parts:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for n, (px, py) in local.items():
            out[n] = (float((x + px) * _EDGE_UNIT), float((y + py) * _EDGE_UNIT * 0.8))
        x += w
        row_h = max(row_h, h)
    return out


def _symbol_sizes(nodes: list[dict[str, Any]]) -> list[float]:
    vals = [float(n["value"]) for n in nodes if isinstance(n.get("value"), (int, float)) and not isinstance(n.get("value"), bool)]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 0.0)
    out = []
    for n in nodes:
        if n.get("symbol_size") is not None:
            out.append(float(n["symbol_size"]))
        elif isinstance(n.get("value"), (int, float)) and not isinstance(n.get("value"), bool) and hi > lo:
            # square-root scale: area, not diameter, grows with the value
            out.append(MIN_SYMBOL + (MAX_SYMBOL - MIN_SYMBOL) * math.sqrt((float(n["value"]) - lo) / (hi - lo)))
        else:
            out.append(20.0)
    return out


def _tip(text: Any) -> str:
    return html.escape(str(text)).replace("\n", "<br/>")


def chart_options(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, layout: str = "force",
                  categories: list[str] | None = None) -> dict[str, Any]:
    """The ECharts option for a graph of ``nodes`` and ``edges`` (the dicts ``graph_chart`` takes).

    Edges to nodes not drawn are dropped, parallel edges merged; every node gets a position (its own
    ``x``/``y`` when all nodes have them, else ``layout``'s). Pure function: tested without a browser.
    """
    seen: dict[str, dict[str, Any]] = {}
    for n in nodes:
        seen.setdefault(str(n["id"]), n)
    nodes = list(seen.values())
    ids = list(seen)
    index = {i: k for k, i in enumerate(ids)}
    plain = [dict(e, source=str(e["source"]), target=str(e["target"])) for e in edges
             if str(e["source"]) in index and str(e["target"]) in index]
    links = merge_parallel_edges(plain)
    if nodes and all(n.get("x") is not None and n.get("y") is not None for n in nodes):
        pos = {str(n["id"]): (float(n["x"]), float(n["y"])) for n in nodes}
    else:
        pos = layout_positions(ids, links, layout)
    cats = list(categories or [])
    for n in nodes:
        c = str(n.get("category") or "")
        if c and c not in cats:
            cats.append(c)
    sizes = _symbol_sizes(nodes)
    data = []
    for n, size in zip(nodes, sizes, strict=True):
        i = str(n["id"])
        item: dict[str, Any] = {
            "id": i, "name": str(n.get("label") or i), "x": pos[i][0], "y": pos[i][1],
            "symbolSize": round(size, 1), "category": cats.index(str(n["category"])) if n.get("category") else None,
            "value": n.get("value") if isinstance(n.get("value"), (int, float, str)) else None,
            "tooltip": {"formatter": _tip(n.get("tooltip") or n.get("label") or i)},
        }
        if item["category"] is None:
            del item["category"]
        data.append(item)
    max_count = max((link["count"] for link in links), default=1)
    link_data = []
    for link in links:
        item = {"source": index[link["source"]], "target": index[link["target"]],
                "lineStyle": {"width": 1.2 + 2.8 * (link["count"] - 1) / max(1, max_count - 1)},
                "tooltip": {"formatter": _tip(link["tooltip"] or link["label"] or "")}}
        # The text travels as the link's value and the series' edgeLabel shows "{c}" (ECharts reads a
        # link's own label option inconsistently); a link without text hides its label.
        item["value"] = link["label"]
        if not link["label"]:
            item["label"] = {"show": False}
        link_data.append(item)
    label_pos = "bottom" if layout != "lr" else "top"
    series_extra: dict[str, Any] = {}
    if len(data) > 60:
        # A crowded picture hides labels that would overlap (zoom in to see them). Only then: any
        # labelLayout, even hideOverlap false, keeps ECharts from drawing edge labels.
        series_extra["labelLayout"] = {"hideOverlap": True}
    return {
        "animation": False,  # the first frame is the final picture
        "tooltip": {"trigger": "item", "confine": True},
        "legend": [{"data": cats, "top": 0, "left": "center", "type": "scroll",
                    "textStyle": {"fontSize": LABEL_FONT_PX + 1}}] if cats else [],
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "draggable": False,
            # No left/right/top/bottom: with all four ECharts stretches the picture to the box (round
            # nodes become ellipses, edge labels drift); unset, it fits 80 % of the box keeping the aspect.
            "categories": [{"name": c} for c in cats],
            "data": data, "links": link_data,
            "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": [0, 8],
            "label": {"show": True, "position": label_pos, "fontSize": LABEL_FONT_PX, "color": "#1f2328",
                      "backgroundColor": "rgba(255,255,255,0.75)", "padding": [1, 3], "width": 118, "overflow": "truncate"},
            "edgeLabel": {"show": any(link["label"] for link in links), "formatter": "{c}", "fontSize": EDGE_LABEL_FONT_PX, "color": "#444",
                          "backgroundColor": "rgba(255,255,255,0.85)", "padding": [1, 3]},
            "lineStyle": {"color": "#8c959f", "opacity": 0.9, "curveness": 0.08},
            "emphasis": {"focus": "adjacency", "label": {"fontWeight": "bold"}},
            **series_extra,
        }],
    }


def graph_chart(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, key: str, height: int = 520,
                layout: str = "force", categories: list[str] | None = None) -> str | None:
    """Draw a graph and return the id of the node the user clicked last (None before any click).

    ``nodes``: dicts with ``id``, ``label`` (shown under the node), ``category`` (legend entry and
    colour; pass display text), optional ``value`` (symbol size), ``tooltip`` (text, newlines kept),
    ``x``/``y`` (fixed positions, used when every node has them) and ``symbol_size``.
    ``edges``: dicts with ``source``, ``target``, optional ``label`` (drawn on the edge) and ``tooltip``;
    parallel edges are merged into one. ``layout``: ``force``, ``layered`` (top to bottom) or ``lr``
    (left to right). ``categories`` fixes the legend order (and lists categories with no node yet).
    The clicked id is remembered per ``key`` and dropped when that node is no longer drawn.
    """
    import streamlit as st
    from streamlit_echarts import st_echarts

    if not nodes:
        return None
    options = chart_options(nodes, edges, layout=layout, categories=categories)
    result = st_echarts(options, events={"click": _CLICK_JS}, height=f"{int(height)}px", key=key)
    memo = f"_graph_clicked_{key}"
    clicked = _event_value(result)
    if clicked is not None:
        st.session_state[memo] = clicked
    last = st.session_state.get(memo)
    return last if last in {str(n["id"]) for n in nodes} else None


def _event_value(result: Any) -> str | None:
    """The ``chart_event`` streamlit-echarts reports for the run a click triggered (else None)."""
    if result is None:
        return None
    value = result.get("chart_event") if isinstance(result, dict) else getattr(result, "chart_event", None)
    return None if value is None else str(value)


def frame_graph(df: pd.DataFrame, *, limit: int = 300) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges for ``graph_chart`` from a result table whose cells hold graph values: nodes
    (dicts with ``_labels``), relationships (dicts with ``_type`` and ``_start``/``_end``) and paths
    (dicts with ``_path``: nodes and relationships in order), as :func:`queries.registry.to_native`
    returns them. Rows after ``limit`` are not drawn."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []

    def add_node(v: dict[str, Any]) -> str:
        nid = str(v.get("_id") or v.get("_element_id") or id(v))
        if nid not in nodes:
            labels = v.get("_labels") or ["?"]
            props = {k: x for k, x in v.items() if not k.startswith("_")}
            nodes[nid] = {"id": nid, "label": node_caption(v), "category": label_caption(primary_label(labels)),
                          "tooltip": ":".join(labels) + "\n" + "\n".join(f"{k}: {_short(x)}" for k, x in list(props.items())[:12])}
        return nid

    def add_rel(r: dict[str, Any]) -> None:
        if r.get("_start") is None or r.get("_end") is None:
            return
        props = {k: x for k, x in r.items() if not k.startswith("_")}
        edges.append({"source": str(r["_start"]), "target": str(r["_end"]), "label": rel_caption(r.get("_type")),
                      "tooltip": str(r.get("_type") or "") + ("\n" + "\n".join(f"{k}: {_short(x)}" for k, x in props.items()) if props else "")})

    def visit(v: Any) -> None:
        if isinstance(v, dict) and "_path" in v:
            for part in v["_path"]:
                visit(part)
        elif isinstance(v, dict) and "_labels" in v:
            add_node(v)
        elif isinstance(v, dict) and "_type" in v:
            for end in ("_start_node", "_end_node"):
                if isinstance(v.get(end), dict):
                    add_node(v[end])
            add_rel(v)
        elif isinstance(v, list):
            for x in v:
                visit(x)

    for row in df.head(limit).itertuples(index=False):
        for v in row:
            visit(v)
    ids = set(nodes)
    return list(nodes.values()), [e for e in edges if e["source"] in ids and e["target"] in ids]


def primary_label(labels: list[str]) -> str:
    """The label a node is drawn under: its most specific known label (University rather than
    Organization, Challenge rather than Demand), else its key label, else the first."""
    from graph.schema import NODE_KEYS, SUB_LABELS

    return next((x for x in labels if x in SUB_LABELS), None) or \
        next((x for x in labels if x in NODE_KEYS), labels[0] if labels else "?")


def label_caption(label: str) -> str:
    """A node label as a legend entry in the session's language (the Cypher name kept beside it)."""
    from app.ui.i18n import LABELS, t

    return t(f"nl_{label}") if f"nl_{label}" in LABELS else label


def rel_caption(rel_type: Any) -> str:
    """A relationship type as an edge label: 许可 / 转让 / … where the app has a name, else the type."""
    from app.ui.i18n import LABELS, t

    key = f"rel_{rel_type}"
    return t(key) if key in LABELS else str(rel_type or "")


_CAPTION_KEYS = ("name", "title", "label", "org_id", "pub_no", "node_id", "chain_id", "code", "demand_id", "achievement_id")


def node_caption(v: dict[str, Any]) -> str:
    """What a node is called on screen: its name or title, else its key property, else its label."""
    for k in _CAPTION_KEYS:
        if v.get(k) not in (None, ""):
            return str(v[k])
    return str((v.get("_labels") or ["?"])[0])


def _short(x: Any, n: int = 60) -> str:
    s = str(x)
    return s if len(s) <= n else s[: n - 1] + "…"
