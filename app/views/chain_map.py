"""产业链图谱 Chain map: a planner's 补链 view — SMEs on each chain node in three bands
(上游 / 中游 / 下游), the nodes a region lacks (for the chosen tier) in red with the reason, and a
node's SMEs and patents one click away, each SME linked to its profile."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from app.ui.chainview import chain_chart, chain_png
from app.ui.data import saved
from app.ui.downloads import table
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import lang_key, profile_link, query_columns, show_table, tier_name

TIERS = ["", "专精特新", "小巨人", "单项冠军"]
DEFAULT_REGION = "江苏"  # a planner's first look: a province with SMEs on every demo chain; the URL's ?region= wins
EVERY_NODE = {"max_local_smes": 100, "max_local_patents": 100000}  # chain_gaps thresholds that keep every node


def _declared(name: str) -> set[str]:
    from queries.registry import get_query

    return {p.name for p in get_query(name).params}


def _region_options() -> list[str]:
    """Nationwide, the programme's region groups (长三角 …), then the provinces in code order."""
    from queries.resolve import PROVINCES, REGION_GROUPS

    full = {code: max((n for n, c in PROVINCES.items() if c == code), key=len) for code in set(PROVINCES.values())}
    return ["", *REGION_GROUPS, *(full[c] for c in sorted(full))]


def _filters_row(drv) -> tuple[str | None, str | None, str | None]:
    chains = saved(drv, "lookup_chains")
    if chains is None or chains.empty:
        st.stop()
    names = dict(zip(chains.chain_id.astype(str), chains.name.astype(str), strict=False))
    ids = list(names)
    want = st.query_params.get("chain")
    c1, c2, c3 = st.columns([2.2, 1.6, 1.4])
    chain = c1.selectbox(t("chain"), ids, index=ids.index(want) if want in ids else (ids.index("nev_battery") if "nev_battery" in ids else 0),
                         key="cm_chain", format_func=lambda v: names.get(v, v))
    regions = _region_options()
    want_region = st.query_params.get("region", DEFAULT_REGION)
    if want_region not in regions:
        want_region = next((r for r in regions if r and r.startswith(want_region)), want_region)  # 江苏 → 江苏省
    if want_region not in regions:
        regions.append(want_region)
    region = c2.selectbox(t("cm_region"), regions, index=regions.index(want_region), key=lang_key("cm_region"),
                          accept_new_options=True, format_func=lambda v: v or t("pg_region_none")) or None
    tier = c3.selectbox(t("cm_tier"), TIERS, key=lang_key("cm_tier"), format_func=lambda v: tier_name(v) or t("pg_tier_any")) or None
    return chain, region, tier


def _flag(v) -> bool:
    """True only for a real True (the gap flag is null without a region)."""
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and bool(v)


def _gap_table(cmap: pd.DataFrame, elsewhere: pd.DataFrame | None) -> tuple[pd.DataFrame, dict]:
    """The flagged nodes, reason first, then the strongest organisations elsewhere and the service
    capacity chain_gaps reports; with the column labels to show them under."""
    flagged = cmap[cmap.is_gap.map(_flag)][["node_id", "reason", "segment_name", "node", "smes_local", "patents_local",
                                              "patents_national"]]
    labels = {c: (x.zh, x.en, x.hidden) for c, x in query_columns("chain_map").items()}
    labels["reason"] = ("原因", "Reason", False)
    extra_cols: list[str] = []
    if elsewhere is not None and not elsewhere.empty:
        gap_labels = {c: (x.zh, x.en, x.hidden) for c, x in query_columns("chain_gaps").items()}
        extra_cols = [c for c in ("strongest_elsewhere", "services", "local_services", "tech_managers")
                      if c in elsewhere.columns]
        flagged = flagged.merge(elsewhere[["node_id", *extra_cols]].drop_duplicates("node_id"), on="node_id", how="left")
        labels.update({c: gap_labels.get(c, (c, c, False)) for c in extra_cols})
    if lang() == "en":  # segment names are stored in Chinese
        seg = {"上游": "Upstream", "中游": "Midstream", "下游": "Downstream"}
        flagged = flagged.assign(segment_name=flagged.segment_name.map(lambda v: seg.get(v, v)))
    order = ["reason", "segment_name", "node", *extra_cols[:1], "smes_local", "patents_local", "patents_national", *extra_cols[1:]]
    return flagged[[*order, "node_id"]], labels


def _node_panel(drv, row: pd.Series, elsewhere: pd.DataFrame | None, region: str | None) -> None:
    """The chosen node: why it is (not) a gap, its SMEs and the strongest organisations elsewhere
    (each a link to its profile), and its latest patents."""
    st.subheader(f"{t('cm_node_panel')}：{row['node']}" if lang() == "zh" else f"{t('cm_node_panel')}: {row['node']}")
    left, right = st.columns([2, 3], gap="large")
    with left:
        (st.warning if _flag(row.get("is_gap")) else st.info)(row["reason"])
        m1, m2, m3 = st.columns(3)
        m1.metric(t("cm_node_smes") if region else t("cm_node_smes_nat"), int(row["smes_local"]))
        m2.metric(t("cm_m_patents") if region else t("cm_m_patents_nat"), int(row["patents_local"]))
        m3.metric(t("cm_m_patents_nat"), int(row["patents_national"]))
        st.markdown(f"**{t('cm_node_smes') if region else t('cm_node_smes_nat')}**")
        ids, names = list(row["top_sme_ids"] or []), list(row["top_smes"] or [])
        if not ids:
            st.caption(t("cm_node_no_smes"))
        for oid, label in zip(ids, names, strict=False):
            profile_link(str(oid), f"{label}", key=f"cm_sme_{oid}")
        if elsewhere is not None and not elsewhere.empty and "strongest_elsewhere_ids" in elsewhere.columns:
            hit = elsewhere[elsewhere.node_id == row["node_id"]]
            if not hit.empty and len(hit.iloc[0]["strongest_elsewhere_ids"] or []):
                st.markdown(f"**{t('cm_col_strongest')}**")
                for oid, label in zip(hit.iloc[0]["strongest_elsewhere_ids"], hit.iloc[0]["strongest_elsewhere"] or [], strict=False):
                    profile_link(str(oid), str(label), key=f"cm_far_{oid}")
    with right:
        st.markdown(f"**{t('cm_node_patents')}**")
        pats = saved(drv, "landscape_patents", node=row["node_id"], limit=8)
        show_table(pats, "landscape_patents", f"patents_{row['node_id']}", key="cm_node_patents",
                   drop=("kind", "granted", "licences", "transfers", "holder_is_sme"))


drv = page_start("page_chain_map")
st.markdown(f"**{t('cm_question')}**")
chain, region, tier = _filters_row(drv)
with st.expander(t("pg_more_settings")):
    a, b, c = st.columns(3)
    min_conf = a.slider(t("cm_min_conf"), 0.0, 1.0, 0.0, 0.05, key="cm_min_conf", help=t("cm_min_conf_help"))
    gap_smes = b.number_input(t("cm_gap_smes"), 0, 100, 0, key="cm_gap_smes")
    gap_patents = c.number_input(t("cm_gap_patents"), 0, 100000, 0, key="cm_gap_patents")

cmap = saved(drv, "chain_map", chain=chain, region=region, tier=tier, min_confidence=float(min_conf),
             max_local_smes=int(gap_smes), max_local_patents=int(gap_patents), top_n=10)
if cmap is None or cmap.empty:
    st.caption(t("no_rows"))
    st.stop()
elsewhere = None
if region:
    gap_params = {k: v for k, v in {**EVERY_NODE, "tier": tier, "min_confidence": float(min_conf) or None}.items()
                  if k in _declared("chain_gaps")}
    elsewhere = saved(drv, "chain_gaps", quiet=True, chain=chain, region=region, **gap_params)

chain_name = str(cmap.chain.iloc[0])
region_label = str(cmap.region.dropna().iloc[0]) if region and cmap.region.notna().any() else None
tier_label = tier_name(tier) if tier else (t("smes") if lang() == "zh" else "")
n_gaps = int(cmap.is_gap.map(_flag).sum()) if region else None

m = st.columns(4)
m[0].metric(t("cm_m_nodes"), len(cmap))
m[1].metric(t("cm_m_gaps"), n_gaps if n_gaps is not None else "—")
m[2].metric(t("cm_m_smes") if region else t("cm_m_smes_nat"), int(cmap.smes_local.sum()))
m[3].metric(t("cm_m_patents") if region else t("cm_m_patents_nat"), int(cmap.patents_local.sum()))
if not region:
    st.warning(t("cm_gaps_need_region"))

where = t("cm_where_region").format(region=region_label) if region_label else t("cm_where_nat")
who = (tier_name(tier) + ("企业" if lang() == "zh" else "")) if tier else t("smes")
title = t("cm_title_tpl").format(chain=chain_name, where=where, tier=who)
subtitle = t("cm_filters_tpl").format(region=region_label or t("pg_region_none"), tier=tier_name(tier) or t("pg_tier_any"),
                                      conf=f"{min_conf:.2f}")
unit = ("{s}家 · {p}件" if lang() == "zh" else "{s} SMEs · {p} patents")
nodes, edges = [], []
for r in cmap.itertuples():
    nodes.append({"id": r.node_id, "label": r.node, "segment": r.segment, "value": int(r.smes_local),
                  "gap": _flag(r.is_gap), "caption": unit.format(s=int(r.smes_local), p=int(r.patents_local)),
                  "tooltip": f"{r.node}\n{r.reason}" + (f"\n{'、'.join(r.top_smes[:3])}" if r.top_smes else "")})
    edges += [{"source": u, "target": r.node_id} for u in (r.upstream or [])]
bands = {"upstream": t("seg_upstream"), "midstream": t("seg_midstream"), "downstream": t("seg_downstream")}
st.caption(t("cm_legend_size") + " · " + t("cm_click_hint"))
clicked = chain_chart(nodes, edges, key=f"cm_chart_{chain}", title=title, subtitle=subtitle, band_names=bands,
                      gap_name=t("cm_gap_cat"))
st.download_button(t("cm_png"), functools.partial(chain_png, nodes, edges, title=title, subtitle=subtitle, band_names=bands,
                                                  gap_name=t("cm_gap_cat"), size_note=t("cm_legend_size")),
                   file_name=f"chain_map_{chain}.png", mime="image/png", key="cm_png")

ids = list(cmap.node_id)
gap_ids = set(cmap.node_id[cmap.is_gap.map(_flag)])
names = dict(zip(cmap.node_id, cmap.node, strict=False))
node_key = lang_key("cm_node")
if clicked in ids and st.session_state.get("_cm_last_click") != clicked:
    st.session_state["_cm_last_click"] = clicked
    st.session_state[node_key] = clicked  # a click in the chart chooses the node below
if st.session_state.get(node_key) not in ids:
    order = cmap.assign(_gap=cmap.is_gap.map(_flag))
    gaps_first = order.sort_values(["_gap", "smes_local"], ascending=[False, True]) if region else order.sort_values("smes_local", ascending=False)
    st.session_state[node_key] = str(gaps_first.node_id.iloc[0])

node = st.selectbox(t("cm_pick_node"), ids, key=node_key,
                    format_func=lambda v: names.get(v, v) + (f" · {t('cm_gap_cat')}" if v in gap_ids else ""))
_node_panel(drv, cmap[cmap.node_id == node].iloc[0], elsewhere, region)

st.markdown(f"#### {t('cm_gap_table')}")
if not region:
    st.caption(t("cm_gaps_need_region"))
else:
    gap_rows, gap_labels = _gap_table(cmap, elsewhere)
    if gap_rows.empty:
        st.success(t("cm_no_gap"))
    else:
        table(gap_rows, f"chain_gaps_{chain}_{region}", key="cm_gaps", excel=True, columns=gap_labels)

with st.expander(t("pg_all_rows")):
    show_table(cmap, "chain_map", f"chain_map_{chain}", key="cm_table", excel=True,
               order=["segment_name", "node", "reason", "smes_local", "smes_national", "patents_local", "patents_national"])
