"""许可路径 Licence paths: how two organisations connect through licences, transfers and business ties."""

from __future__ import annotations

import streamlit as st

from app.ui.data import col, saved
from app.ui.downloads import table
from app.ui.graphview import GraphSpec, show_graph
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_org

drv = page_start("page_license_paths")
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    src = pick_org(drv, t("from_org"), key="lp_from")
with c2:
    dst = pick_org(drv, t("to_org"), key="lp_to")
hops = c3.slider(t("max_hops"), 1, 6, 4, key="lp_hops")

if src and dst:
    paths = saved(drv, "license_paths", from_org=src, to_org=dst, max_hops=hops)
    if paths is not None and not paths.empty:
        a = col(paths, "from_name", "from", "source", "from_org")
        b = col(paths, "to_name", "to", "target", "to_org")
        rel = col(paths, "type", "rel_type", "relation")
        spec = GraphSpec()
        if a and b:
            names = set(paths[a].astype(str)) | set(paths[b].astype(str))
            spec.nodes = [{"id": n, "name": n, "group": "org", "size": 34} for n in sorted(names)]
            spec.edges = [{"source": str(r[a]), "target": str(r[b]), "label": str(r[rel]) if rel else ""}
                          for _, r in paths.iterrows()]
        st.subheader(t("paths"))
        show_graph(spec, key="lp_graph")
    table(paths, "license_paths", key="lp_table", excel=True)
    st.subheader(t("network"))
    table(saved(drv, "licensing_network", org=src), f"network_{src}", key="lp_network")
