"""ECharts options for the programme pages (overview outcomes, patent timeline), drawn with
streamlit-echarts: one measure per chart (unlike measures are never stacked), every category label
shown, values printed on the bars, a partial year drawn lighter and named as such, targets as a line.

Pure option builders (testable without Streamlit) plus :func:`show` that renders one.
"""

from __future__ import annotations

import math
from typing import Any

BAR = "#4e79a7"
PARTIAL = "#a0bcd8"
TARGET = "#e15759"
EVENT_COLOURS = {"filed": "#4e79a7", "published": "#76b7b2", "granted": "#59a14f", "license": "#f28e2b",
                 "open_offer": "#edc948", "open_license": "#b07aa1", "transfer": "#e15759", "deal": "#9c755f",
                 "pledge": "#ff9da7", "pledge_released": "#bab0ac"}


def fmt(v: float) -> str:
    """A number as people read it: thousands separated, one decimal only when it has one."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def bar_options(categories: list[str], values: list[float], *, title: str, unit: str = "", horizontal: bool = False,
                partial: list[bool] | None = None, target: float | None = None, target_label: str = "") -> dict[str, Any]:
    """One measure as bars: ``categories`` (years, regions or chains, all labelled) and their values.

    ``partial`` marks bars drawn lighter (the current, unfinished year); ``target`` adds a labelled
    line. Horizontal bars grow with the number of categories (every label readable).
    """
    partial = partial or [False] * len(values)
    data = [{"value": float(v), "itemStyle": {"color": PARTIAL if p else BAR}} for v, p in zip(values, partial, strict=True)]
    cat_axis = {"type": "category", "data": categories, "axisLabel": {"interval": 0, "fontSize": 12},
                "inverse": horizontal}
    val_axis: dict[str, Any] = {"type": "value", "minInterval": 1, "axisLabel": {"fontSize": 11}}
    if target is not None:  # keep the target line inside the chart
        val_axis["max"] = math.ceil(max([float(v) for v in values] + [float(target)]) * 1.15)
    series: dict[str, Any] = {
        "type": "bar", "data": data, "barMaxWidth": 36,
        "label": {"show": True, "position": "right" if horizontal else "top", "fontSize": 12},
    }
    if target is not None:
        series["markLine"] = {"symbol": "none", "silent": True, "lineStyle": {"color": TARGET, "type": "dashed", "width": 2},
                              "label": {"formatter": target_label or str(target), "color": TARGET, "fontSize": 12},
                              "data": [{"xAxis" if horizontal else "yAxis": target}]}
    longest = max((len(str(c)) for c in categories), default=4)
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": min(14 * longest + 20, 260) if horizontal else 40, "right": 60, "top": 44, "bottom": 30,
                 "containLabel": not horizontal},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else val_axis,
        "series": [series],
    }


def timeline_options(rows: list[dict[str, Any]], *, lanes: list[str], title: str = "") -> dict[str, Any]:
    """A patent's events on a time axis: one lane per event kind (``lanes``, display names in order),
    each event a labelled dot; ``rows`` hold ``date`` (ISO text), ``lane`` (display name), ``event``
    (code, for the colour) and ``tip`` (tooltip text)."""
    data = [{"value": [r["date"], r["lane"]], "name": r.get("tip", ""),
             "itemStyle": {"color": EVENT_COLOURS.get(r.get("event"), BAR)},
             "label": {"show": True, "formatter": r["date"][:7], "position": "top", "fontSize": 11}} for r in rows]
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}", "extraCssText": "white-space: normal; max-width: 420px;"},
        "grid": {"left": 110, "right": 40, "top": 40, "bottom": 40},
        "xAxis": {"type": "time", "axisLabel": {"fontSize": 12}},
        "yAxis": {"type": "category", "data": lanes, "inverse": True, "axisLabel": {"interval": 0, "fontSize": 13}},
        "series": [{"type": "scatter", "symbolSize": 16, "data": data}],
    }


def show(options: dict[str, Any], *, key: str, height: int = 300) -> None:
    """Render ``options`` with streamlit-echarts (offline: the component bundles ECharts)."""
    from streamlit_echarts import st_echarts

    st_echarts(options, height=f"{int(height)}px", key=key)


__all__ = ["bar_options", "fmt", "show", "timeline_options"]
