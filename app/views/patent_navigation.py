"""专利导航 Patent navigation: the landscape of a chain node or an IPC class, PatSnap-style — metric
tiles, filings per year as a line (empty years at 0), licences and transfers per year as two series,
the top holders by name, the IPC groups, and a searchable list of the patents themselves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import lang_key, show_table

TILES = [("patents", "pn_m_patents"), ("granted", "pn_m_granted"), ("inventions", "pn_m_inventions"),
         ("sme_held", "pn_m_sme"), ("licensed", "pn_m_licensed"), ("transferred", "pn_m_transferred"),
         ("open_offers", "pn_m_offers")]
STATUSES = ["", "granted", "pending", "expired", "invalid"]


def year_series(part: pd.DataFrame, label: str | None = None) -> dict[int, int]:
    """Counts by year from a landscape section (rank = year), every year in the range present (0 when empty)."""
    if label is not None:
        part = part[part.label == label]
    counts = {int(r): int(v) for r, v in zip(part["rank"], part["value"], strict=False)}
    return counts


def fill_years(*series: dict[int, int]) -> list[int]:
    """Every year from the earliest to the latest in any of ``series``."""
    years = [y for s in series for y in s]
    return list(range(min(years), max(years) + 1)) if years else []


def _line(series: dict[str, dict[int, int]], *, key: str, kind: str = "line") -> None:
    from streamlit_echarts import st_echarts

    years = fill_years(*series.values())
    if not years:
        st.caption(t("no_rows"))
        return
    st_echarts({
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": list(series), "top": 0},
        "grid": {"left": 44, "right": 16, "top": 32, "bottom": 28},
        "xAxis": {"type": "category", "data": [str(y) for y in years], "axisLabel": {"fontSize": 12}},
        "yAxis": {"type": "value", "minInterval": 1, "name": t("pn_count"), "nameTextStyle": {"fontSize": 12}},
        "series": [{"name": name, "type": kind, "data": [s.get(y, 0) for y in years], "symbolSize": 6,
                    "label": {"show": len(years) <= 16, "position": "top", "fontSize": 11}} for name, s in series.items()],
    }, height="260px", key=key)


def _bars(names: list[str], values: list[int], *, key: str, height: int = 300) -> None:
    from streamlit_echarts import st_echarts

    st_echarts({
        "animation": False,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 36, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names[::-1], "axisLabel": {"fontSize": 12, "width": 230, "overflow": "truncate"}},
        "series": [{"type": "bar", "data": values[::-1], "label": {"show": True, "position": "right", "fontSize": 11},
                    "itemStyle": {"color": "#4e79a7"}}],
    }, height=f"{max(160, 28 * len(names) + 30)}px", key=key)


def _node_picker(drv) -> str | None:
    chains = saved(drv, "lookup_chains")
    nodes = saved(drv, "lookup_chain_nodes")
    if chains is None or nodes is None or nodes.empty:
        return None
    cnames = dict(zip(chains.chain_id, chains.name, strict=False))
    c1, c2 = st.columns([1, 1])
    cids = list(cnames)
    chain = c1.selectbox(t("chain"), cids, index=cids.index("nev_battery") if "nev_battery" in cids else 0,
                         key="pn_node_chain", format_func=lambda v: cnames.get(v, v))
    mine = nodes[nodes.chain_id == chain]
    nnames = dict(zip(mine.node_id, mine.name, strict=False))
    seg = dict(zip(mine.node_id, mine.segment, strict=False))
    ids = list(nnames)
    want = st.query_params.get("node")
    default = ids.index(want) if want in ids else (ids.index("nev_battery.solid_state") if "nev_battery.solid_state" in ids else 0)
    node = c2.selectbox(t("node"), ids, index=default, key="pn_node", format_func=lambda v: nnames.get(v, v))
    from app.ui.pagekit import segment_name

    c2.caption(f"{t('segment')}: {segment_name(seg.get(node))}")
    return node


drv = page_start("page_patent_nav")
st.markdown(f"**{t('pn_question')}**")
mode = st.radio(t("search_by"), ["node", "ipc"], horizontal=True, key=lang_key("pn_mode"),
                format_func=lambda m: t("pn_by_node") if m == "node" else t("pn_by_ipc"))
target = _node_picker(drv) if mode == "node" else (st.text_input(t("pn_ipc"), value="H01M", key="pn_ipc").strip() or None)
if not target:
    st.stop()

land = saved(drv, "patent_landscape", **{mode: target})
if land is None or land.empty:
    st.caption(t("no_rows"))
    st.stop()

summary = land[land.section == "summary"].set_index("key")
tiles = st.columns(len(TILES))
for col_, (key, label) in zip(tiles, TILES, strict=True):
    v = int(summary.value.get(key, 0))
    share = summary.share.get(key)
    # the share goes into the label: a metric's value box has room for the count only
    with_share = key != "patents" and share is not None and not pd.isna(share)
    col_.metric(f"{t(label)}（{share:.0%}）" if with_share and lang() == "zh" else
                f"{t(label)} ({share:.0%})" if with_share else t(label), f"{v:,}")

left, right = st.columns(2, gap="large")
with left:
    st.markdown(f"**{t('pn_filings')}**")
    _line({t("pn_series_filings"): year_series(land[land.section == "yearly_filings"])}, key="pn_filings")
    st.markdown(f"**{t('pn_holders')}**")
    holders = land[land.section == "top_holders"]
    if holders.empty:
        st.caption(t("no_rows"))
    else:
        names = [str(x).replace("（中小企业）", t("pn_sme_mark")) for x in holders.label]
        _bars(names, [int(v) for v in holders.value], key="pn_holders")
with right:
    st.markdown(f"**{t('pn_licensing')}**")
    lic = land[land.section == "licensing"]
    _line({t("pn_series_licences"): year_series(lic, "许可"), t("pn_series_transfers"): year_series(lic, "转让")},
          key="pn_licensing", kind="bar")
    st.markdown(f"**{t('pn_ipc_groups')}**")
    groups = land[land.section == "ipc_groups"]
    if groups.empty:
        st.caption(t("no_rows"))
    else:
        _bars([str(x) for x in groups.label], [int(v) for v in groups.value], key="pn_ipc")

st.markdown(f"#### {t('pn_patents_list')}")
f1, f2 = st.columns([3, 1])
q = f1.text_input(t("pn_search"), key="pn_q").strip() or None
status = f2.selectbox(t("pn_status"), STATUSES, key=lang_key("pn_status"),
                      format_func=lambda s: t(f"status_{s}") if s else t("pn_status_any")) or None
pats = saved(drv, "landscape_patents", **{mode: target}, q=q, status=status, limit=200)
show_table(pats, "landscape_patents", f"patents_{target}", key="pn_patents", excel=True, height=380)
with st.expander(t("pg_all_rows")):
    show_table(land, "patent_landscape", f"landscape_{target}", key="pn_table", excel=True)
