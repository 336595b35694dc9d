"""产业链图谱 Chain map: SMEs on each chain node, laid out upstream → midstream → downstream, gaps marked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import col, saved
from app.ui.downloads import display_frame, table
from app.ui.graphview import GraphSpec, segment_layout, show_graph, spec_png
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pickers import pick_chain, pick_region

TIERS = ["", "专精特新", "小巨人", "单项冠军"]

drv = page_start("page_chain_map")
c1, c2, c3 = st.columns(3)
with c1:
    chain = pick_chain(drv, t("chain"), key="cm_chain")
with c2:
    region = pick_region(t("region"), key="cm_region")
tier = c3.selectbox(t("tier"), TIERS, key="cm_tier", format_func=lambda v: v or t("any")) or None

if not chain:
    st.stop()
cmap = saved(drv, "chain_map", chain=chain, region=region, tier=tier)
# chain_gaps needs a region (gaps are local); without one a node with no SME at all is the gap.
gaps = saved(drv, "chain_gaps", chain=chain, region=region) if region else None
if cmap is None:
    st.stop()

id_c = col(cmap, "node_id", "node")
name_c = col(cmap, "node", "node_name", "name")
seg_c = col(cmap, "segment")
sme_c = col(cmap, "smes_local", "sme_count", "smes", "smes_national")
gap_ids = set()
if gaps is not None and not gaps.empty and col(gaps, "node_id", "node"):
    gap_ids = {str(v) for v in gaps[col(gaps, "node_id", "node")]}
elif sme_c and id_c and cmap is not None and not region:
    gap_ids = {str(r[id_c]) for _, r in cmap.iterrows() if not r[sme_c]}

spec = GraphSpec()
if id_c and not cmap.empty:
    per_node = cmap.drop_duplicates(subset=[id_c])
    top = max([float(v) for v in per_node[sme_c].fillna(0)] or [1]) if sme_c else 1
    for _, row in per_node.iterrows():
        smes = float(row[sme_c] or 0) if sme_c and pd.notna(row[sme_c]) else 0.0
        spec.nodes.append({
            "id": str(row[id_c]), "name": f"{row[name_c]} ({int(smes)})" if name_c else str(row[id_c]),
            "segment": str(row[seg_c]) if seg_c else "", "group": str(row[seg_c]) if seg_c else "node",
            "size": 24 + 56 * (smes / top if top else 0), "gap": str(row[id_c]) in gap_ids,
        })
    up_c = col(cmap, "upstream", "upstream_of", "upstream_nodes")
    if up_c:
        for _, row in per_node.iterrows():
            ups = row[up_c] if isinstance(row[up_c], (list, tuple)) else []
            for u in ups:
                spec.edges.append({"source": str(u), "target": str(row[id_c]), "label": "UPSTREAM_OF"})
    segment_layout(spec.nodes, spec.edges)

if spec.empty:
    st.caption(t("no_rows"))
else:
    total = sum(int(float(r[sme_c] or 0)) for _, r in cmap.drop_duplicates(subset=[id_c]).iterrows()) if sme_c else 0
    st.caption(f"{t('upstream')} → {t('midstream')} → {t('downstream')}  ·  "
               f"{t('sme_count')} = size  ·  {t('gaps')}: dashed red")
    st.markdown(f"**{t('sme_count')}: {total:,}** · {t('node')}: {len(spec.nodes)} · {t('gaps')}: {len(gap_ids)}")
    tapped = show_graph(spec, key=f"cm_graph_{chain}", height=520)
    ids = [n["id"] for n in spec.nodes]
    names = {n["id"]: n["name"] for n in spec.nodes}
    if tapped in ids:
        st.session_state["cm_node"] = tapped
    node = st.selectbox(t("pick_node"), [""] + ids, key="cm_node", format_func=lambda v: names.get(v, "—"))
    b1, b2 = st.columns([1, 5])
    # A callable: the PNG (matplotlib) is drawn only when the button is pressed, not on every run.
    b1.download_button(t("download_png"), lambda: spec_png(spec, title=chain), file_name=f"chain_map_{chain}.png",
                       mime="image/png", key="cm_png")
    if node:
        st.subheader(f"{t('node_detail')}: {names.get(node, node)}")
        rows = cmap[cmap[id_c].astype(str) == node]
        first = rows.iloc[0]
        st.dataframe(display_frame(pd.DataFrame({"field": [str(c) for c in rows.columns],
                                                 "value": [str(first[c]) for c in rows.columns]})),
                     hide_index=True, width="stretch")
        for c in rows.columns:  # nested lists (top SMEs, patents) as their own tables
            vals = rows[c].iloc[0]
            if isinstance(vals, list) and vals and not c.endswith("_ids"):
                st.markdown(f"**{c}**")
                frame = pd.DataFrame(vals) if isinstance(vals[0], dict) else pd.DataFrame({c: vals})
                table(frame, f"{chain}_{node}_{c}", key=f"cm_{c}")
        patents = saved(drv, "patent_landscape", node=node)
        if patents is not None:
            st.markdown(f"**{t('patents')}**")
            table(patents, f"patents_{node}", key="cm_patents")

st.subheader(t("table"))
table(cmap, f"chain_map_{chain}", key="cm_table", excel=True)
if gaps is not None:
    st.subheader(t("gaps"))
    table(gaps, f"chain_gaps_{chain}", key="cm_gaps")
