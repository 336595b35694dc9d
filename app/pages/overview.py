"""概览 Overview: graph counts and the programme's measures over time and by region."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import has_query, saved, stats
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start

drv = page_start("page_overview")
counts = stats(drv) or {"nodes": {}, "relationships": {}}
nodes, rels = counts["nodes"], counts["relationships"]

METRICS = [("organizations", "Organization"), ("patents", "Patent"), ("achievements", "Achievement"),
           ("demands", "Demand"), ("licenses", "License"), ("transfers", "Transfer"),
           ("open_offers", "OpenLicenseOffer"), ("node", "ChainNode")]
cols = st.columns(len(METRICS))
for col, (key, label) in zip(cols, METRICS, strict=True):
    col.metric(t(key), f"{nodes.get(label, 0):,}")

st.subheader(t("measures"))
region = st.text_input(t("region"), key="overview_region").strip() or None
if has_query("programme_measures"):
    measures = saved(drv, "programme_measures", region=region)
    if measures is not None and not measures.empty:
        tab_time, tab_region, tab_table = st.tabs([t("over_time"), t("by_region"), t("table")])
        if {"year", "measure", "value"} <= set(measures.columns):
            by_year = measures.dropna(subset=["year"]).pivot_table(index="year", columns="measure", values="value", aggfunc="sum")
            tab_time.line_chart(by_year)
        if {"region", "measure", "value"} <= set(measures.columns):
            by_region = measures.pivot_table(index="region", columns="measure", values="value", aggfunc="sum")
            tab_region.bar_chart(by_region)
        with tab_table:
            table(measures, "programme_measures", excel=True)
    else:
        table(measures, "programme_measures")
else:
    st.caption(t("query_missing") + "`programme_measures`")

left, right = st.columns(2)
with left:
    st.subheader(t("nodes"))
    table(pd.DataFrame(sorted(nodes.items()), columns=["label", "count"]), "node_counts")
with right:
    st.subheader(t("relationships"))
    table(pd.DataFrame(sorted(rels.items()), columns=["type", "count"]), "relationship_counts")
