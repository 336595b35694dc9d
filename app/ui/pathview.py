"""Licence paths drawn as lanes: one horizontal lane per distinct route, the source at the left edge and
the target at the right edge of every lane, the organisations in between in path order. Every edge
is horizontal, so its label (relation, date, patent) is level and never crosses another; the arrow
shows the relationship's own direction (licensor → licensee), which may run against the route.
Drawn with ECharts (streamlit-echarts, offline) on a hidden grid, no animation."""

from __future__ import annotations

import html
from typing import Any

SOURCE_COLOUR, TARGET_COLOUR, VIA_COLOUR = "#1f77b4", "#d62728", "#8fb9dc"
LANE_PX = 110
_CLICK_JS = "function(p){ if (p && p.dataType === 'node' && p.data && p.data.org != null) { return String(p.data.org); } }"


def lanes(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge routes that visit the same organisations in the same order (they differ only in which of
    several parallel licences they use): each lane has ``orgs`` (ids in order), ``names`` and
    ``hops`` — per step a list of edge dicts (``from``, ``to``, ``label``, ``tooltip``)."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in routes:
        key = tuple(r["orgs"])
        lane = out.setdefault(key, {"orgs": list(key), "names": list(r["names"]), "hops": [[] for _ in key[1:]]})
        for k, e in enumerate(r["hops"]):
            if e not in lane["hops"][k]:
                lane["hops"][k].append(e)
    return list(out.values())


def path_options(routes: list[dict[str, Any]], *, categories: tuple[str, str, str]) -> dict[str, Any]:
    """The ECharts option for ``routes`` (dicts with ``orgs``, ``names`` and ``hops`` as in :func:`lanes`).
    ``categories`` names the source, the organisations on the way and the target (legend)."""
    merged = lanes(routes)
    longest = max((len(lane["orgs"]) - 1 for lane in merged), default=1)
    data, links = [], []
    for row, lane in enumerate(merged):
        n = len(lane["orgs"]) - 1
        ids = []
        for k, (oid, name) in enumerate(zip(lane["orgs"], lane["names"], strict=True)):
            cat = 0 if k == 0 else 2 if k == n else 1
            nid = f"{row}:{k}"
            ids.append(nid)
            data.append({"id": nid, "org": oid, "name": name, "value": [k * longest / n, row], "category": cat,
                         "symbolSize": 26 if cat != 1 else 18,
                         "tooltip": {"formatter": html.escape(name)}})
        for k, edges in enumerate(lane["hops"]):
            label = "\n".join(e["label"] for e in edges[:2]) + (f"\n+{len(edges) - 2}" if len(edges) > 2 else "")
            tip = "<br/>".join(html.escape(e["tooltip"]) for e in edges)
            first = edges[0]
            forward = first["from"] == lane["orgs"][k]
            links.append({"source": ids[k] if forward else ids[k + 1], "target": ids[k + 1] if forward else ids[k],
                          "label": {"show": True, "formatter": label.replace("{", "(").replace("}", ")")},
                          "tooltip": {"formatter": tip}})
    return {
        "animation": False,
        "legend": {"data": list(categories), "top": 0, "left": "center", "selectedMode": False, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item", "confine": True},
        "grid": {"left": 90, "right": 90, "top": 56, "bottom": 20},
        "xAxis": {"type": "value", "min": 0, "max": longest, "show": False},
        "yAxis": {"type": "value", "min": -0.6, "max": len(merged) - 0.4, "inverse": True, "show": False},
        "series": [{
            "type": "graph", "coordinateSystem": "cartesian2d", "layout": "none", "roam": False,
            "categories": [{"name": c, "itemStyle": {"color": col}}
                           for c, col in zip(categories, (SOURCE_COLOUR, VIA_COLOUR, TARGET_COLOUR), strict=True)],
            "data": data, "links": links,
            "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": [0, 10],
            "lineStyle": {"color": "#6e7781", "width": 1.6, "curveness": 0},
            "label": {"show": True, "position": "bottom", "fontSize": 12, "color": "#1f2328", "width": 150,
                      "overflow": "break", "align": "center"},
            "edgeLabel": {"show": True, "position": "middle", "fontSize": 11, "color": "#24292f", "lineHeight": 14,
                          "backgroundColor": "rgba(255,255,255,0.9)", "padding": [1, 3]},
            "emphasis": {"focus": "adjacency"},
        }],
    }


def path_chart(routes: list[dict[str, Any]], *, key: str, categories: tuple[str, str, str]) -> str | None:
    """Draw the routes; return the organisation id clicked (only on the run the click triggers)."""
    from streamlit_echarts import st_echarts

    if not routes:
        return None
    height = 90 + LANE_PX * len(lanes(routes))
    result = st_echarts(path_options(routes, categories=categories), events={"click": _CLICK_JS},
                        height=f"{height}px", key=key)
    value = result.get("chart_event") if isinstance(result, dict) else getattr(result, "chart_event", None)
    return None if value is None else str(value)
