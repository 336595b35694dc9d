"""供需对接 Demand matching: a demand from the library, or one typed in and extracted on the fly."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import guarded, optional_module, saved
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.params import declared_params
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


def _terms(extracted: list[dict]) -> list[str]:
    mentions = extracted[0].get("mentions", []) if extracted else []
    return sorted({str(m.get("link") or m.get("text")) for m in mentions if m.get("label") in ("TECH", "IPC")})


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
        terms = _terms(extracted)
        registry = optional_module("queries.registry")
        accepted = {p["name"] for p in declared_params(registry.get_query("demand_matches"))} if registry else set()
        term_param = next((p for p in ("terms", "keywords", "text") if p in accepted), None)
        st.subheader(t("matches"))
        if term_param == "text":
            table(saved(drv, "demand_matches", text=typed, min_trl=min_trl), "typed_matches", key="dm_typed")
        elif term_param and terms:
            table(saved(drv, "demand_matches", **{term_param: terms}, min_trl=min_trl), "typed_matches", key="dm_typed")
        else:
            for term in terms[:5]:  # no free-text matcher: show open offers for each extracted IPC/term
                st.markdown(f"**{term}**")
                table(saved(drv, "open_offers", ipc=term), f"offers_{term}", key=f"dm_off_{term}")
