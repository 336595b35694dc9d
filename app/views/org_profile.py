"""机构画像 Organisation profile, as a 企业画像: a header card (name, tier badge, region, founded, credit
code, listed code), key figures, tabs 产业链环节 / 专利 / 许可与转让 / 合作与供应 / 成果与需求, and an
ego-network of its licences, transfers, suppliers and partners. ``?org=<id>`` preselects it."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.downloads import table
from app.ui.graphview import graph_chart
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import org_picker, profile_link, show_table

EGO_MAX = 12  # partners drawn around the organisation
#: Rows of the patent and licence tables: a large holder has thousands at 1M patents; the newest
#: are shown (the table says when it is capped) and the CSV/Excel download holds what is shown.
PATENT_ROWS = 50
NETWORK_ROWS = 100

LIST_SECTIONS = {
    # section -> (label heading 中文/English, value heading, detail heading); None = column left out
    "chain_nodes": (("产业链环节", "Chain node"), ("节点专利", "Patents on the node"), ("定位依据", "Placed by")),
    "licences_out": (("被许可方", "Licensee"), ("次数", "Times"), ("说明", "Detail")),
    "licences_in": (("许可方", "Licensor"), ("次数", "Times"), ("说明", "Detail")),
    "transfers_out": (("受让方", "Assignee"), ("次数", "Times"), ("说明", "Detail")),
    "transfers_in": (("转让方", "Assignor"), ("次数", "Times"), ("说明", "Detail")),
    "relations": (("机构", "Organisation"), ("置信度", "Confidence"), ("关系", "Relation")),
    "achievements": (("成果", "Achievement"), None, ("技术成熟度", "Readiness")),
    "demands_posted": (("需求", "Demand"), ("预算（万元）", "Budget (10k CNY)"), ("说明", "Detail")),
    "demands_responded": (("需求", "Demand"), ("预算（万元）", "Budget (10k CNY)"), ("说明", "Detail")),
    "open_offers": (("专利", "Patent"), None, ("许可条件", "Terms")),
}


def _section(prof: pd.DataFrame, name: str) -> pd.DataFrame:
    return prof[prof.section == name]


def _list_table(prof: pd.DataFrame, name: str, *, key: str) -> None:
    """One listed section as a small table with its own headings (no columns of None)."""
    part = _section(prof, name)
    if part.empty:
        return
    heads = LIST_SECTIONS[name]
    cols = {"label": heads[0]}
    if heads[1] and part.value.notna().any():
        cols["value"] = heads[1]
    if heads[2] and part.detail.notna().any():
        cols["detail"] = heads[2]
    st.markdown(f"**{part.section_name.iloc[0] if lang() == 'zh' else name.replace('_', ' ').capitalize()}**")
    frame = part[list(cols)].copy()
    if "value" in frame:
        frame["value"] = frame["value"].map(lambda v: int(v) if pd.notna(v) and float(v).is_integer() else v)
    table(frame, f"{key}", key=key, columns={c: (zh, en, False) for c, (zh, en) in cols.items()})


def _identity(prof: pd.DataFrame) -> dict[str, str]:
    part = _section(prof, "identity")
    return dict(zip(part.key, part.detail, strict=False))


def _kind_shown(kind: str) -> str:
    """The organisation kind (stored in Chinese by the query) in the session's language."""
    from app.ui.i18n import LABELS

    if lang() != "en":
        return kind
    return next((en for key, (zh, en) in LABELS.items() if key.startswith("kind_") and zh == kind), kind)


def _header(ident: dict[str, str]) -> None:
    with st.container(border=True, key="op_header"):
        badges = []
        if ident.get("tier"):
            badges.append(f":orange-badge[{ident['tier']}]")
        if ident.get("is_sme") == "是":
            badges.append(f":blue-badge[{t('sme_yes')}]")
        if ident.get("kind"):
            badges.append(f":gray-badge[{_kind_shown(ident['kind'])}]")
        st.markdown(f"### {ident.get('name', '')}  " + " ".join(badges))
        c = st.columns([2, 3])  # two by two: an 18-character credit code fits on one line
        c[0].markdown(f"{t('op_region')}  \n**{ident.get('region') or '—'}**")
        c[1].markdown(f"{t('op_credit')}  \n**{ident.get('credit_code') or '—'}**")
        c[0].markdown(f"{t('op_founded')}  \n**{ident.get('founded') or '—'}**")
        c[1].markdown(f"{t('op_listed')}  \n**{ident.get('listed_code') or t('op_not_listed')}**")
        colon = "：" if lang() == "zh" else ": "
        extra = [f"{t(k)}{colon}{ident[f]}" for k, f in (("op_aliases", "aliases"), ("op_products", "products")) if ident.get(f)]
        if extra:
            st.caption(" ｜ ".join(extra))
        if ident.get("profile"):
            text = ident["profile"]
            st.caption(f"{t('op_profile_text')}{colon}{text[:140]}{'…' if len(text) > 140 else ''}", help=text if len(text) > 140 else None)


def _value(prof: pd.DataFrame, section: str, key: str) -> int:
    part = prof[(prof.section == section) & (prof.key == key)]
    return int(part.value.iloc[0]) if not part.empty and pd.notna(part.value.iloc[0]) else 0


def ego_network(prof: pd.DataFrame, org: str, name: str) -> tuple[list[dict], list[dict]]:
    """The organisation in the middle; its licensing, transfer, supply and cooperation partners around
    it (the EGO_MAX with the most ties)."""
    nodes = [{"id": org, "label": name, "category": t("op_cat_self"), "symbol_size": 40}]
    edges = []
    kinds = {"licences_out": ("op_cat_lic", True, "rel_LICENSED_TO"), "licences_in": ("op_cat_lic", False, "rel_LICENSED_TO"),
             "transfers_out": ("op_cat_trf", True, "rel_ASSIGNED_TO"), "transfers_in": ("op_cat_trf", False, "rel_ASSIGNED_TO")}
    seen = {org}
    for r in prof[prof.section.isin(list(kinds) + ["relations"])].itertuples():
        if r.section == "relations":
            cat = "op_cat_sup" if "供" in str(r.detail) else "op_cat_coop"
            out = "向对方" in str(r.detail) or str(r.detail).startswith("本机构")
            detail = str(r.detail)
            label = "供货" if "供货" in detail else "子公司" if "子公司" in detail else "合作"
            label = label if lang() == "zh" else {"供货": "supplies", "子公司": "subsidiary", "合作": "cooperation"}[label]
        else:
            cat, out, rel = kinds[r.section]
            label = f"{t(rel)} ×{int(r.value)}"
        if r.key not in seen:
            seen.add(r.key)
            nodes.append({"id": r.key, "label": r.label, "category": t(cat), "tooltip": f"{r.label}\n{r.detail}"})
        edges.append({"source": org if out else r.key, "target": r.key if out else org, "label": label,
                      "tooltip": str(r.detail)})
    # Readable at a glance: the EGO_MAX partners with the most ties (the tabs list them all); edge
    # labels only while they fit, the tooltip always says what the tie is.
    ties: dict[str, int] = {}
    for e in edges:
        other = e["target"] if e["source"] == org else e["source"]
        ties[other] = ties.get(other, 0) + 1
    keep = {org, *sorted(ties, key=lambda k: (-ties[k], k))[:EGO_MAX]}
    nodes = [n for n in nodes if n["id"] in keep]
    edges = [e for e in edges if e["source"] in keep and e["target"] in keep]
    if len(nodes) > 9:
        edges = [{**e, "label": ""} for e in edges]
    # A fixed radial layout: the organisation in the centre, partners evenly around it (the same
    # picture on every rerun).
    n = max(1, len(nodes) - 1)
    nodes[0].update(x=0.0, y=0.0)
    for i, node in enumerate(nodes[1:]):
        angle = 2 * math.pi * i / n - math.pi / 2
        node.update(x=round(320 * math.cos(angle), 1), y=round(220 * math.sin(angle), 1))
    return nodes, edges


drv = page_start("page_org_profile")
st.markdown(f"**{t('op_question')}**")
default = st.query_params.get("org")
if not default:
    pair = saved(drv, "lookup_license_pair", quiet=True)
    default = str(pair.from_id.iloc[0]) if pair is not None and not pair.empty else None
org = org_picker(drv, t("op_pick"), key="op_org", default=default)
if not org:
    st.stop()
if org != st.query_params.get("org"):
    st.query_params["org"] = org  # the address bar names the organisation shown: bookmarkable, shareable

prof = saved(drv, "org_profile", org=org)
if prof is None or prof.empty:
    st.caption(t("no_rows"))
    st.stop()
ident = _identity(prof)
card, graph = st.columns([1, 1], gap="medium")
with card:
    _header(ident)
with graph:
    st.markdown(f"**{t('op_ego')}**")
    nodes, edges = ego_network(prof, org, ident.get("name", org))
    if len(nodes) == 1:
        st.caption(t("op_none_section"))
    else:
        present = {n["category"] for n in nodes}
        cats = [c for c in (t("op_cat_self"), t("op_cat_lic"), t("op_cat_trf"), t("op_cat_sup"), t("op_cat_coop")) if c in present]
        clicked = graph_chart(nodes, edges, key=f"op_ego_{org}", height=380, layout="force", categories=cats)
        if clicked and clicked != org:
            label = next((n["label"] for n in nodes if n["id"] == clicked), clicked)
            profile_link(clicked, f"{t('pg_open_profile')}：{label}", key="op_ego_link")
m = st.columns(5)
m[0].metric(t("op_m_held"), _value(prof, "patents", "held"))
m[1].metric(t("op_m_granted"), _value(prof, "patents", "granted_held"))
m[2].metric(t("op_m_applied"), _value(prof, "patents", "applied"))
m[3].metric(t("op_m_lic_out"), int(_section(prof, "licences_out").value.sum()))
m[4].metric(t("op_m_lic_in"), int(_section(prof, "licences_in").value.sum()))

tabs = st.tabs([t("op_tab_chain"), t("op_tab_patents"), t("op_tab_licences"), t("op_tab_partners"), t("op_tab_outputs")])
with tabs[0]:
    if _section(prof, "chain_nodes").empty:
        st.caption(t("op_none_section"))
    _list_table(prof, "chain_nodes", key="op_chain")
with tabs[1]:
    groups = _section(prof, "patent_ipc_groups")
    if not groups.empty:
        st.markdown(f"**{groups.section_name.iloc[0] if lang() == 'zh' else 'IPC main groups'}**")
        st.bar_chart(groups.set_index("label")["value"].rename(t("pn_count")), horizontal=True, height=220)
    pats = saved(drv, "landscape_patents", org=org, limit=PATENT_ROWS)
    if pats is not None and len(pats) >= PATENT_ROWS:
        st.caption(t("pg_rows_capped").format(n=PATENT_ROWS))
    show_table(pats, "landscape_patents", f"patents_{org}", key="op_patents", excel=True)
with tabs[2]:
    for s_ in ("licences_out", "licences_in", "transfers_out", "transfers_in"):
        _list_table(prof, s_, key=f"op_{s_}")
    net = saved(drv, "licensing_network", org=org, limit=NETWORK_ROWS)
    if net is not None and not net.empty:
        st.markdown(f"**{t('lp_network')}**" if lang() == "en" else "**许可与转让记录（含备案号、许可费）**")
    if net is not None and len(net) >= NETWORK_ROWS:
        st.caption(t("pg_rows_capped").format(n=NETWORK_ROWS))
    show_table(net, "licensing_network", f"network_{org}", key="op_network", excel=True)
with tabs[3]:
    if _section(prof, "relations").empty:
        st.caption(t("op_none_section"))
    _list_table(prof, "relations", key="op_relations")
    partners = saved(drv, "university_partners", quiet=True, org=org)
    if partners is not None and not partners.empty:
        st.markdown(f"**{t('partners')}**")
        show_table(partners, "university_partners", f"partners_{org}", key="op_partners")
with tabs[4]:
    if _section(prof, "achievements").empty and _section(prof, "demands_posted").empty \
            and _section(prof, "demands_responded").empty and _section(prof, "open_offers").empty:
        st.caption(t("op_none_section"))
    for s_ in ("achievements", "demands_posted", "demands_responded", "open_offers"):
        _list_table(prof, s_, key=f"op_{s_}")
