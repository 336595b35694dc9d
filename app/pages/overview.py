"""概览 Overview: graph counts and the programme's measures over time and by region."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import has_query, saved, stats
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_region

drv = page_start("page_overview")
counts = stats(drv) or {"nodes": {}, "relationships": {}}
nodes, rels = counts["nodes"], counts["relationships"]

METRICS = [("organizations", "Organization"), ("patents", "Patent"), ("achievements", "Achievement"),
           ("demands", "Demand"), ("licenses", "License"), ("transfers", "Transfer"),
           ("open_offers", "OpenLicenseOffer"), ("node", "ChainNode")]
#: The programme measures of the programme_measures query, in the order the overview shows them.
MEASURES = ["achievements", "demands", "matches_proposed", "licences_to_smes", "transfers_to_smes", "open_offers"]
cols = st.columns(len(METRICS))
for col, (key, label) in zip(cols, METRICS, strict=True):
    col.metric(t(key), f"{nodes.get(label, 0):,}")

st.subheader(t("measures"))
region = pick_region(t("region"), key="overview_region")
if has_query("programme_measures"):
    measures = saved(drv, "programme_measures", region=region)
    if measures is not None and not measures.empty:
        order = {name: i for i, name in enumerate(MEASURES)}
        m = measures.sort_values("measure", key=lambda c: c.map(lambda v: order.get(v, len(order))), kind="stable")
        m = m.assign(measure=[t(v) for v in m["measure"]])  # achievements → 成果 …, in the session's language
        totals = m.groupby("measure", sort=False)["value"].sum()
        for mcol, (name, value) in zip(st.columns(len(totals)), totals.items(), strict=True):
            mcol.metric(name, f"{int(value):,}")
        tab_time, tab_region, tab_table = st.tabs([t("over_time"), t("by_region"), t("table")])
        dated = m.dropna(subset=["year"]).assign(year=lambda d: d["year"].astype(int).astype(str))
        with tab_time:
            if dated.empty:
                st.caption(t("no_rows"))
            else:
                tab_time.line_chart(dated.pivot_table(index="year", columns="measure", values="value", aggfunc="sum").fillna(0),
                                    x_label=t("year"))
            st.caption(t("no_year"))
        with tab_region:
            tab_region.bar_chart(m.pivot_table(index="region", columns="measure", values="value", aggfunc="sum").fillna(0),
                                 horizontal=True, height=max(300, 22 * m["region"].nunique()))
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
