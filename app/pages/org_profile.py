"""机构画像 Organisation profile: everything the graph knows about one organisation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.downloads import display_frame, table
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_org

drv = page_start("page_org_profile")
org = pick_org(drv, t("org"), key="op_org")
if org:
    prof = saved(drv, "org_profile", org=org)
    if prof is not None and not prof.empty:
        row = prof.iloc[0]
        scalars = {c: row[c] for c in prof.columns if not isinstance(row[c], (list, dict))}
        st.dataframe(display_frame(pd.DataFrame({"field": list(scalars), "value": list(scalars.values())})),
                     hide_index=True, width="stretch")
        for c in prof.columns:  # nested lists: patents, licences, chain nodes …
            if isinstance(row[c], list) and row[c]:
                st.markdown(f"**{c}** ({len(row[c])})")
                items = row[c]
                table(pd.DataFrame(items if isinstance(items[0], dict) else {c: items}), f"{org}_{c}", key=f"op_{c}")
    table(prof, f"org_profile_{org}", key="op_table", excel=True)
    st.subheader(t("network"))
    table(saved(drv, "licensing_network", org=org), f"network_{org}", key="op_network")
    st.subheader(t("partners"))
    table(saved(drv, "university_partners", org=org), f"partners_{org}", key="op_partners")
