"""许可方发现 Licensor finder: which large holders could license patents to an SME, a chain node or an
IPC field — ranked, each score next to its one-sentence reason, names and regions instead of codes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.downloads import table
from app.ui.i18n import LABELS, choice, t
from app.ui.page import page_start
from app.ui.pickers import pick_chain_node, pick_org_select, pick_region

#: What the IP officer reads first: who, why, how strong; the evidence columns follow.
LEAD_COLUMNS = ["licensor", "score", "reason", "kind", "region", "live_patents", "prior_sme_licences",
                "open_offers", "same_region", "granted", "relevant_patents", "mean_patent_age_years"]


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """Organisation kinds and sizes in the session's language, the reason beside the score."""
    out = df.copy()
    for col, prefix in (("kind", "kind_"), ("size", "size_")):
        if col in out.columns:
            out[col] = out[col].map(lambda v, p=prefix: t(p + str(v)) if f"{p}{v}" in LABELS else v)
    order = [c for c in LEAD_COLUMNS if c in out.columns] + [c for c in out.columns if c not in LEAD_COLUMNS]
    out = out[order]
    out.attrs = dict(df.attrs)
    return out


drv = page_start("page_licensors")
st.caption(t("lf_question"))
mode = choice(st.radio, t("search_by"), ["node", "org", "ipc"], horizontal=True, key="lf_mode",
              format_func=lambda m: t(f"lf_mode_{m}"))
c1, c2 = st.columns([2, 1])
with c1:
    if mode == "org":
        target = pick_org_select(drv, t("org"), key="lf_org", sme_only=True)
    elif mode == "node":
        target = pick_chain_node(drv, t("node"), key="lf_node")
    else:
        target = st.text_input(t("ipc"), key="lf_ipc", placeholder="H01M10/05").strip() or None
with c2:
    region = pick_region(t("region"), key="lf_region", groups=True)

if not target:
    st.info(t("lf_pick_first"))
else:
    # The ranked table takes the page's width: the reason is the column the officer reads.
    st.subheader(t("licensors"), help=t("lf_score_help"))
    df = saved(drv, "licensors_for", **{mode: target}, region=region)
    if df is not None and df.empty:
        st.info(t("lf_none"))
    elif df is not None:
        top = df.iloc[0]
        st.success(t("lf_top").format(name=top["licensor"], score=f"{top['score']:.2f}", reason=top["reason"]))
        table(readable(df), f"licensors_{target}", key="lf_table", excel=True)
    left, right = st.columns(2)
    with left:
        st.subheader(t("open_offers"))
        if mode == "org":
            st.caption(t("lf_offers_need"))
        else:
            table(saved(drv, "open_offers", **{mode: target}, region=region), f"open_offers_{target}", key="lf_offers")
    if mode == "org":
        with right:
            st.subheader(t("partners"))
            table(saved(drv, "university_partners", org=target, region=region), f"partners_{target}", key="lf_partners")
