"""概览 Overview: how is the programme doing? Its outcomes (programme_measures) by year, by region and
by chain, against the targets, plus the size of the graph.

Unlike measures are never stacked or drawn on one axis: each measure has its own chart with its unit.
The current year is partial (counted up to today) and is drawn lighter and named as such.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app.ui.data import saved, stats
from app.ui.downloads import table
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pickers import pick_chain, pick_region
from app.ui.progcharts import bar_options, fmt, show

#: programme_measures' measure codes, in the order the page shows them (label key: m_<code>).
MEASURES = ["deep_dives", "events", "deals", "deal_value", "licences_to_smes", "transfers_to_smes", "tier_upgrades",
            "new_producers", "open_offers", "open_licences", "pledges", "pledge_amount", "achievements", "demands"]
#: Targets of the 2023 programme (per calendar year, nationally): at least ten 深度行 a year.
TARGETS = {"deep_dives": 10}
MONEY = {"deal_value", "pledge_amount"}
GRAPH_SIZE = [("organizations", "Organization"), ("patents", "Patent"), ("achievements", "Achievement"),
              ("demands", "Demand"), ("licenses", "License"), ("transfers", "Transfer"),
              ("open_offers", "OpenLicenseOffer"), ("node", "ChainNode")]

drv = page_start("page_overview")
st.caption(t("pq_overview_question"))
counts = stats(drv) or {"nodes": {}, "relationships": {}}
nodes, rels = counts["nodes"], counts["relationships"]

this_year = dt.date.today().year


def unit(measure: str) -> str:
    if measure in MONEY:
        return t("pq_u_wan")
    if measure in ("events", "deep_dives"):
        return t("pq_u_events")
    return t("pq_u_orgs") if measure in ("tier_upgrades", "new_producers") else t("pq_u_count")


def amount(measure: str, value: float) -> str:
    """A tile's value, short enough for a tile: counts with their Chinese unit (a bare number in
    English), money in 万元 or 亿元 (in English ¥…k / ¥…M)."""
    if lang() == "en":
        if measure in MONEY:
            return f"¥{value / 100:,.0f}M" if value >= 1000 else (f"¥{value / 100:,.1f}M" if value >= 100 else f"¥{value * 10:,.0f}k")
        return fmt(value)
    if measure in MONEY and value >= 1000:  # "6,800 万元" does not fit a tile; "0.68亿元" does
        return (f"{value / 10000:,.0f}亿元" if value >= 100000 else
                f"{value / 10000:,.1f}亿元" if value >= 10000 else f"{value / 10000:.2f}亿元")
    return f"{fmt(value)} {unit(measure)}"


def titled(measure: str) -> str:
    """A chart title: the measure and its unit (深度行（场） / Deep dives (events))."""
    return f"{t('pq_m_' + measure)} ({unit(measure)})" if lang() == "en" else f"{t('pq_m_' + measure)}（{unit(measure)}）"


def year_label(year: int) -> str:
    return f"{year}{t('pq_partial_year')}" if year == this_year else str(year)


st.subheader(t("pq_outcomes"))
f = st.columns([2, 2, 1])
with f[0]:
    region = pick_region(t("region"), key="overview_region", groups=True)
with f[1]:
    chain = pick_chain(drv, t("chain"), key="overview_chain", optional=True)
by_region = saved(drv, "programme_measures", region=region, chain=chain)
by_chain = saved(drv, "programme_measures", region=region, chain=chain, by="chain")

if by_region is None or by_region.empty:
    st.info(t("pq_no_outcomes"))
else:
    m = by_region.assign(year=pd.to_numeric(by_region.year, errors="coerce"))
    years = sorted(int(y) for y in m.year.dropna().unique())
    # default: the latest year with an outcome (events, deals, licences …), not merely a demand's deadline
    outcome_years = sorted(int(y) for y in m[~m.measure.isin(["demands", "achievements"])].year.dropna().unique())
    default_year = outcome_years[-1] if outcome_years else (years[-1] if years else None)
    year = f[2].selectbox(t("pq_year_pick"), [None] + years, index=(years.index(default_year) + 1) if default_year else 0,
                          key="overview_year", format_func=lambda y: t("pq_all_years") if y is None else year_label(y))
    st.caption(t("pq_outcomes_caption"))
    in_year = m if year is None else m[m.year == year]
    totals = in_year.groupby("measure")["value"].sum()
    shown = [x for x in MEASURES if x in set(m.measure)]
    # tiles: one per measure, two rows; the 深度行 tile compares with the yearly target
    for start in range(0, len(shown), 7):
        cols = st.columns(7)
        for col, measure in zip(cols, shown[start:start + 7], strict=False):
            value = float(totals.get(measure, 0.0))
            label = t("pq_m_" + measure)
            if measure in TARGETS and year is not None:
                target = TARGETS[measure]
                gap = value - target
                col.metric(label, amount(measure, value),
                           delta=t("pq_vs_target").format(target=target, verdict=t("pq_met") if gap >= 0 else f"{t('pq_short_of')} {fmt(-gap)}"),
                           delta_color="normal" if gap >= 0 else "inverse", delta_arrow="off", help=t("pq_target_deep_dive"))
            else:
                col.metric(label, amount(measure, value))
    if year == this_year:
        st.caption(t("pq_partial_note").format(year=this_year, today=dt.date.today().isoformat()))

    tab_year, tab_region, tab_chain, tab_table = st.tabs([t("pq_by_year"), t("pq_by_region"), t("pq_by_chain"), t("table")])
    with tab_year:
        dated = m.dropna(subset=["year"])
        if dated.empty:
            st.caption(t("no_rows"))
        else:
            span = list(range(max(min(years), max(years) - 7), max(years) + 1))  # the last 8 years, empty ones at 0
            grid = st.columns(2)
            for i, measure in enumerate(shown):
                per_year = dated[dated.measure == measure].groupby("year")["value"].sum()
                values = [round(float(per_year.get(y, 0.0)), 1) for y in span]
                target = TARGETS.get(measure) if region is None and chain is None else None
                with grid[i % 2]:
                    show(bar_options([year_label(y).replace("（", "\n（").replace(" (", "\n(") for y in span], values, title=titled(measure),
                                     unit=unit(measure), partial=[y == this_year for y in span], target=target,
                                     target_label=t("pq_target_line").format(n=target) if target else ""),
                         key=f"ov_year_{measure}", height=260)
        st.caption(t("pq_recent_years") + " " + t("no_year"))

    def by_group(df: pd.DataFrame | None, group: str, key: str) -> None:
        """One chosen measure per region (or chain) in the chosen year, every label shown."""
        if df is None or df.empty:
            st.caption(t("no_rows"))
            return
        d = df.assign(year=pd.to_numeric(df.year, errors="coerce"))
        if year is not None:
            d = d[d.year == year]
        measure = st.selectbox(t("pq_measure"), shown, key=f"{key}_measure", format_func=lambda x: t("pq_m_" + x))
        per = d[d.measure == measure].groupby(group)["value"].sum().sort_values(ascending=False)
        if per.empty:
            st.caption(t("no_rows"))
            return
        period = t("pq_all_years") if year is None else year_label(year)
        show(bar_options([str(x) for x in per.index], [round(float(v), 1) for v in per.values], horizontal=True,
                         title=f"{titled(measure)} · {period}", unit=unit(measure)),
             key=f"{key}_{measure}_{year}", height=max(260, 60 + 28 * len(per)))

    with tab_region:
        by_group(by_region, "region", "ov_region")
    with tab_chain:
        by_group(by_chain, "chain", "ov_chain")
    with tab_table:
        table(by_region, "programme_measures", key="ov_table", excel=True)

with st.expander(t("pq_graph_counts"), expanded=False):
    cols = st.columns(len(GRAPH_SIZE))
    for col, (key, label) in zip(cols, GRAPH_SIZE, strict=True):
        col.metric(t(key), f"{nodes.get(label, 0):,}")
    left, right = st.columns(2)
    with left:
        table(pd.DataFrame(sorted(nodes.items()), columns=["label", "count"]), "node_counts",
              columns={"label": ("节点标签", "Node label"), "count": ("数量", "Count")})
    with right:
        table(pd.DataFrame(sorted(rels.items()), columns=["type", "count"]), "relationship_counts",
              columns={"type": ("关系类型", "Relationship type"), "count": ("数量", "Count")})
