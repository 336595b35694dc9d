"""供需对接 Demand matching: a demand from the library, or one typed in and extracted on the fly."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import guarded, optional_module, saved
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_demand


@st.cache_resource(show_spinner=False)
def _nlp():
    from extraction.pipeline import build_nlp

    return build_nlp()


@st.cache_data(show_spinner=False, max_entries=64)
def extract_one(text: str) -> list[dict]:
    """Mentions and relations of one typed text (the JSONL shape of `chainkg extract`)."""
    from extraction.pipeline import extract_texts

    return extract_texts(_nlp(), [{"id": "typed", "text": text}])


def _linked(extracted: list[dict], label: str) -> list[str]:
    mentions = extracted[0].get("mentions", []) if extracted else []
    out = []
    for m in mentions:
        if m.get("label") == label:
            link = m.get("link")
            out.append(str(link.get("id") if isinstance(link, dict) else link or m.get("text")))
    return sorted(set(out))


def typed_matches(drv, extracted: list[dict]) -> pd.DataFrame:
    """Candidates for a typed demand: licensors and open offers for its IPC codes and for the chain
    nodes its technology terms name, each row saying which term brought it ("via")."""
    parts = []
    for ipc in _linked(extracted, "IPC")[:5]:
        for name in ("licensors_for", "open_offers"):
            df = saved(drv, name, quiet=True, ipc=ipc)
            if df is not None and not df.empty:
                parts.append(df.assign(via=f"IPC {ipc}", source=name))
    for term in _linked(extracted, "TECH")[:8]:
        df = saved(drv, "licensors_for", quiet=True, node=term)  # only terms that name a chain node resolve
        if df is not None and not df.empty:
            parts.append(df.assign(via=f"{t('node')} {term}", source="licensors_for"))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


drv = page_start("page_demand")
c1, c2 = st.columns([3, 1])
with c1:
    demand_id = pick_demand(drv, t("demand"), key="dm_demand")
min_trl = c2.slider(t("min_trl"), 1, 9, 1, key="dm_trl")
typed = st.text_area(t("type_demand"), key="dm_text", height=90).strip()

if demand_id:
    st.subheader(t("matches"))
    table(saved(drv, "demand_matches", demand_id=demand_id, min_trl=min_trl), f"matches_{demand_id}", key="dm_table", excel=True)
elif typed:
    if optional_module("extraction.pipeline") is None:
        st.info(t("module_missing") + "extraction.pipeline")
        st.stop()
    with st.spinner(t("extract_match")):
        extracted = guarded(lambda: extract_one(typed))
    if extracted:
        mentions = pd.DataFrame(extracted[0].get("mentions", []))
        st.subheader(t("mentions"))
        table(mentions, "typed_demand_mentions", key="dm_mentions")
        st.subheader(t("matches"))
        table(typed_matches(drv, extracted), "typed_demand_matches", key="dm_typed", excel=True)
