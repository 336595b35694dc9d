"""许可方发现 Licensor finder: large holders ranked for an SME, a chain node or an IPC, with the reasons."""

from __future__ import annotations

import streamlit as st

from app.ui.data import saved
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_chain_node, pick_org, pick_region

drv = page_start("page_licensors")
mode = st.radio(t("search_by"), ["org", "node", "ipc"], horizontal=True, key="lf_mode",
                format_func=lambda m: {"org": t("smes"), "node": t("node"), "ipc": t("ipc")}[m])
c1, c2 = st.columns([2, 1])
with c1:
    if mode == "org":
        target = pick_org(drv, t("org"), key="lf_org", sme_only=True)
    elif mode == "node":
        target = pick_chain_node(drv, t("node"), key="lf_node")
    else:
        target = st.text_input(t("ipc"), key="lf_ipc").strip() or None
with c2:
    region = pick_region(t("region"), key="lf_region")

if target:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("licensors"))
        table(saved(drv, "licensors_for", **{mode: target}, region=region), f"licensors_{target}", key="lf_table", excel=True)
    with right:
        st.subheader(t("open_offers"))
        if mode == "org":
            st.caption("→ " + t("node") + " / " + t("ipc"))
        else:
            table(saved(drv, "open_offers", **{mode: target}), f"open_offers_{target}", key="lf_offers")
        if mode == "org":
            st.subheader(t("partners"))
            table(saved(drv, "university_partners", org=target), f"partners_{target}", key="lf_partners")
