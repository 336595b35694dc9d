"""The chain map drawing: chain nodes in three bands (上游 / 中游 / 下游), drawn with ECharts
(streamlit-echarts, offline) and, for export, the same picture as a PNG with title, filters and legend.

Positions are computed here, in Python: a node's band is its segment, its column inside the band is
the length of the longest chain of UPSTREAM_OF edges inside the segment (lithium → precursor →
cathode all sit upstream, drawn in that order), its row follows the mean row of its upstream nodes
so supply lines cross less. The chart is drawn on a hidden cartesian grid, so the bands are data
ranges (x 0–1, 1–2, 2–3) and stay aligned with the nodes at any size; there is no animation, so the
first frame is the final picture.
"""

from __future__ import annotations

import html
import io
import math
from collections import defaultdict
from typing import Any

from app.ui.fonts import cjk_fonts
from app.ui.layering import in_segment_depths

SEGMENTS = ("upstream", "midstream", "downstream")
SEGMENT_COLOURS = {"upstream": "#4e79a7", "midstream": "#59a14f", "downstream": "#f28e2b", "other": "#9c755f"}
GAP_COLOUR = "#d62728"
BAND_COLOURS = {"upstream": "rgba(78,121,167,0.07)", "midstream": "rgba(89,161,79,0.07)",
                "downstream": "rgba(242,142,43,0.08)", "other": "rgba(156,117,95,0.06)"}
MIN_SYMBOL, MAX_SYMBOL = 14.0, 40.0
ROW_PX = 86  # vertical room per row: the node plus a two-line label under it
LABEL_FONT_PX = 12
_CLICK_JS = "function(p){ if (p && p.dataType === 'node' && p.data && p.data.id != null) { return String(p.data.id); } }"


def segment_index(segment: str | None) -> int:
    """0, 1, 2 for upstream, midstream, downstream; 3 for anything else."""
    return SEGMENTS.index(segment) if segment in SEGMENTS else 3


def band_positions(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, tuple[float, int]]:
    """(x, row) per node id: x in [band, band + 1) for its segment's band, row 0, 1, … from the top.

    ``nodes`` need ``id`` and ``segment``; ``edges`` are UPSTREAM_OF pairs ``source`` → ``target``.
    """
    seg = {str(n["id"]): segment_index(n.get("segment")) for n in nodes}
    name = {str(n["id"]): str(n.get("label") or n["id"]) for n in nodes}
    ups, depth = in_segment_depths(seg, edges)
    width = defaultdict(int)
    for i in seg:
        width[seg[i]] = max(width[seg[i]], depth[i] + 1)
    out: dict[str, tuple[float, int]] = {}
    rows: dict[str, float] = {}
    for key in sorted({(seg[i], depth[i]) for i in seg}):
        members = [i for i in seg if (seg[i], depth[i]) == key]

        def order(i: str) -> tuple[float, str]:
            placed = [rows[u] for u in ups[i] if u in rows]
            return (sum(placed) / len(placed) if placed else float("inf"), name[i])

        for r, i in enumerate(sorted(members, key=order)):
            rows[i] = r
            out[i] = (key[0] + (key[1] + 0.5) / width[key[0]], r)
    return out


def _size(value: float, top: float) -> float:
    return MIN_SYMBOL + (MAX_SYMBOL - MIN_SYMBOL) * math.sqrt(max(value, 0.0) / top) if top > 0 else MIN_SYMBOL


def chart_height(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> int:
    """Pixels the chart needs so that no two rows of labels overlap."""
    pos = band_positions(nodes, edges)
    rows = 1 + max((r for _, r in pos.values()), default=0)
    return max(420, 130 + rows * ROW_PX)


def chain_options(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, title: str, subtitle: str,
                  band_names: dict[str, str], gap_name: str) -> dict[str, Any]:
    """The ECharts option of a chain map.

    ``nodes``: ``id``, ``label`` (node name), ``segment``, ``value`` (SME count: symbol size),
    ``gap`` (bool: drawn red, in the gap legend entry), ``caption`` (second label line) and
    ``tooltip`` (text). ``edges``: ``source`` → ``target`` (upstream → downstream).
    ``band_names`` maps each segment to its shown name; ``gap_name`` is the gap legend entry.
    Pure function: tested without a browser.
    """
    pos = band_positions(nodes, edges)
    segs_present = sorted({segment_index(n.get("segment")) for n in nodes})
    cats = [band_names.get(s, s) for s in SEGMENTS] + [gap_name]
    colours = [SEGMENT_COLOURS[s] for s in SEGMENTS] + [GAP_COLOUR]
    top = max((float(n.get("value") or 0) for n in nodes), default=0.0)
    data = []
    for n in nodes:
        i = str(n["id"])
        x, row = pos[i]
        s = segment_index(n.get("segment"))
        cat = 3 if n.get("gap") else min(s, 2)
        label = str(n.get("label") or i)
        caption = str(n.get("caption") or "")
        data.append({
            "id": i, "name": label, "value": [round(x, 4), row], "category": cat,
            "symbolSize": round(_size(float(n.get("value") or 0), top), 1),
            "label": {"formatter": label + ("\n" + caption if caption else "")},
            "tooltip": {"formatter": html.escape(str(n.get("tooltip") or label)).replace("\n", "<br/>")},
            **({"itemStyle": {"borderColor": GAP_COLOUR, "borderWidth": 3, "color": "#fff"}}
               if n.get("gap") and not float(n.get("value") or 0) else {}),
        })
    ids = {d["id"] for d in data}
    links = [{"source": str(e["source"]), "target": str(e["target"])} for e in edges
             if str(e["source"]) in ids and str(e["target"]) in ids and str(e["source"]) != str(e["target"])]
    max_row = max((r for _, r in pos.values()), default=0)
    bands = []
    for s in segs_present:
        key = SEGMENTS[s] if s < 3 else "other"
        bands.append([{"name": band_names.get(key, key), "xAxis": s, "itemStyle": {"color": BAND_COLOURS[key]}},
                      {"xAxis": s + 1}])
    return {
        "animation": False,  # the first frame is the final picture
        "title": {"text": title, "subtext": subtitle, "left": 8, "top": 4,
                  "textStyle": {"fontSize": 16, "fontWeight": "bold"}, "subtextStyle": {"fontSize": 12, "color": "#555"}},
        "legend": {"data": cats, "right": 12, "top": 8, "itemGap": 14, "textStyle": {"fontSize": 13},
                   "selectedMode": False},
        "color": colours,
        "tooltip": {"trigger": "item", "confine": True},
        "toolbox": {"right": 12, "bottom": 4, "feature": {"saveAsImage": {"pixelRatio": 2, "title": "PNG",
                                                                         "name": title.replace(" ", "_")}}},
        "grid": {"left": 16, "right": 16, "top": 96, "bottom": 28},
        "xAxis": {"type": "value", "min": 0, "max": max(3, 1 + max(segs_present, default=2)), "show": False},
        "yAxis": {"type": "value", "min": -0.75, "max": max_row + 0.9, "inverse": True, "show": False},
        "series": [{
            "type": "graph", "coordinateSystem": "cartesian2d", "layout": "none", "roam": False,
            "categories": [{"name": c, "itemStyle": {"color": col}} for c, col in zip(cats, colours, strict=True)],
            "data": data, "links": links,
            "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": [0, 7],
            "lineStyle": {"color": "#8c959f", "opacity": 0.45, "width": 1.2, "curveness": 0.12},
            "label": {"show": True, "position": "bottom", "distance": 3, "fontSize": LABEL_FONT_PX, "color": "#1f2328",
                      "lineHeight": 15, "align": "center"},
            "emphasis": {"focus": "adjacency", "label": {"fontWeight": "bold"}, "lineStyle": {"opacity": 0.9, "width": 2}},
            "markArea": {"silent": True, "data": bands,
                         "label": {"show": True, "position": "insideTop", "fontSize": 15, "fontWeight": "bold",
                                   "color": "#444", "distance": 6}},
        }],
    }


def chain_chart(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, key: str, title: str, subtitle: str,
                band_names: dict[str, str], gap_name: str) -> str | None:
    """Draw the chain map; return the id of the node clicked last (None before a click, or when
    that node is no longer drawn)."""
    import streamlit as st
    from streamlit_echarts import st_echarts

    if not nodes:
        return None
    options = chain_options(nodes, edges, title=title, subtitle=subtitle, band_names=band_names, gap_name=gap_name)
    result = st_echarts(options, events={"click": _CLICK_JS}, height=f"{chart_height(nodes, edges)}px", key=key)
    value = result.get("chart_event") if isinstance(result, dict) else getattr(result, "chart_event", None)
    memo = f"_chain_clicked_{key}"
    if value is not None:
        st.session_state[memo] = str(value)
    last = st.session_state.get(memo)
    return last if last in {str(n["id"]) for n in nodes} else None


def chain_png(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, title: str, subtitle: str,
              band_names: dict[str, str], gap_name: str, size_note: str) -> bytes:
    """The chain map as a PNG for reports: title in words, the filters used (``subtitle``), the
    three bands with their names, the nodes with names and captions, and a legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    pos = band_positions(nodes, edges)
    max_row = max((r for _, r in pos.values()), default=0)
    top = max((float(n.get("value") or 0) for n in nodes), default=0.0)
    with plt.rc_context({"font.sans-serif": cjk_fonts(), "font.family": "sans-serif", "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(14, 2.2 + 0.85 * (max_row + 1)), dpi=110)
        for s, key in enumerate(SEGMENTS):
            ax.axvspan(s, s + 1, color=SEGMENT_COLOURS[key], alpha=0.07, lw=0)
            ax.text(s + 0.5, -0.75, band_names.get(key, key), ha="center", va="center", fontsize=14, fontweight="bold", color="#444")
        for e in edges:
            a, b = pos.get(str(e["source"])), pos.get(str(e["target"]))
            if a and b and a != b:
                ax.add_patch(FancyArrowPatch((a[0], a[1]), (b[0], b[1]), arrowstyle="-|>", mutation_scale=9,
                                             color="#8c959f", alpha=0.5, lw=0.9, connectionstyle="arc3,rad=0.08",
                                             shrinkA=9, shrinkB=9))
        for n in nodes:
            x, r = pos[str(n["id"])]
            colour = GAP_COLOUR if n.get("gap") else SEGMENT_COLOURS.get(SEGMENTS[min(segment_index(n.get("segment")), 2)])
            size = _size(float(n.get("value") or 0), top)
            ax.scatter([x], [r], s=size ** 2 * 0.55, color=colour, edgecolors="white", linewidths=1.0, zorder=3)
            caption = str(n.get("caption") or "")
            ax.text(x, r + 0.3, str(n.get("label") or n["id"]) + ("\n" + caption if caption else ""),
                    ha="center", va="top", fontsize=9, zorder=4, linespacing=1.2)
        ax.set_xlim(0, 3)
        ax.set_ylim(max_row + 0.95, -1.1)
        ax.axis("off")
        fig.suptitle(title, fontsize=16, fontweight="bold", x=0.01, ha="left")
        ax.set_title(subtitle + "    " + size_note, fontsize=10, loc="left", color="#555")
        handles = [Line2D([], [], marker="o", ls="", color=SEGMENT_COLOURS[k], markersize=10, label=band_names.get(k, k))
                   for k in SEGMENTS]
        handles.append(Line2D([], [], marker="o", ls="", color=GAP_COLOUR, markersize=10, label=gap_name))
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 1.12), ncol=4, frameon=False, fontsize=11)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
    return buf.getvalue()
