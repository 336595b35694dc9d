"""专利导航 Patent navigation: the landscape of a chain node or an IPC class."""

from __future__ import annotations

import streamlit as st

from app.ui.data import col, saved
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_chain_node

drv = page_start("page_patent_nav")
mode = st.radio(t("search_by"), ["node", "ipc"], horizontal=True, key="pn_mode",
                format_func=lambda m: t("node") if m == "node" else t("ipc"))
target = pick_chain_node(drv, t("node"), key="pn_node") if mode == "node" else (st.text_input(t("ipc"), key="pn_ipc").strip() or None)

if target:
    land = saved(drv, "patent_landscape", **{mode: target})
    if land is not None and not land.empty:
        section = col(land, "section", "facet", "kind")
        if section:  # a long table of facets: one chart per facet
            for name, part in land.groupby(section):
                st.markdown(f"**{name}**")
                key_c = col(part, "key", "label", "year", "name")
                val_c = col(part, "value", "count", "n")
                if key_c and val_c:
                    st.bar_chart(part.set_index(key_c)[val_c])
        else:
            year = col(land, "year")
            count = col(land, "filings", "count", "patents")
            if year and count:
                st.line_chart(land.set_index(year)[count])
    table(land, f"landscape_{target}", key="pn_table", excel=True)
    st.subheader(t("open_offers"))
    table(saved(drv, "open_offers", **{mode: target}), f"offers_{target}", key="pn_offers")
