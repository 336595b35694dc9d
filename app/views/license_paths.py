"""许可路径 Licence paths: how two organisations connect through licences, transfers, subsidiaries and
cooperation — drawn left to right from the source to the target, one labelled edge per hop (relation,
date, patent), each hop also written out as a sentence with its 备案号 and fee. When there is no path,
the page says how many hops were tried, suggests more, and lists each side's nearest licensing partners."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import org_picker, profile_link, show_table
from app.ui.pathview import path_chart

MAX_HOPS = 6
NETWORK_ROWS = 100  # the source's licence records shown (a busy licensor has hundreds at 1M patents)


def _default_pair(drv) -> tuple[str | None, str | None]:
    """The URL's ?from=&to=, else an example pair two hops apart (so the first screen shows a path)."""
    qp = st.query_params
    if qp.get("from") and qp.get("to"):
        return qp.get("from"), qp.get("to")
    pair = saved(drv, "lookup_license_pair", quiet=True)
    if pair is None or pair.empty:
        return None, None
    return str(pair.from_id.iloc[0]), str(pair.to_id.iloc[0])


def routes_of(paths: pd.DataFrame) -> list[dict]:
    """One route per path: organisation ids and names in order, and per hop its edge (the
    relationship's own direction, a label with relation, date and patent, the hop's sentence)."""
    out = []
    for _, part in paths.groupby("path_no", sort=True):
        hops = []
        for r in part.itertuples():
            label = t("rel_" + r.relation) + (f" {r.date}" if r.date is not None and pd.notna(r.date) else "")
            if isinstance(r.pub_no, str) and r.pub_no:  # cooperation and subsidiary hops name no patent
                label += f" · {r.pub_no}"
            hops.append({"from": r.from_id, "to": r.to_id, "label": label, "tooltip": r.description})
        out.append({"orgs": [part.step_from_id.iloc[0], *part.step_to_id],
                    "names": [part.step_from.iloc[0], *part.step_to], "hops": hops})
    return out


def _partners(drv, org: str, who: str) -> None:
    """Each side's nearest licensing partners: who it licensed or transferred with, most often first."""
    net = saved(drv, "licensing_network", quiet=True, org=org, limit=200)
    st.markdown(f"**{t('lp_partners_of').format(org=who)}**")
    if net is None or net.empty:
        st.caption(t("lp_no_partners"))
        return
    other = net.apply(lambda r: (r.to_id, r.to_name) if r.from_id == org else (r.from_id, r.from_name), axis=1)
    counts = pd.Series([o for o in other]).value_counts().head(8)
    for (oid, name), k in counts.items():
        profile_link(str(oid), f"{name}（{k} 次）" if lang() == "zh" else f"{name} ({k}×)", key=f"lp_p_{org}_{oid}")


drv = page_start("page_license_paths")
st.markdown(f"**{t('lp_question')}**")
d_src, d_dst = _default_pair(drv)
c1, c2, c3 = st.columns([2.2, 2.2, 1])
with c1:
    src = org_picker(drv, t("lp_from"), key="lp_from", default=d_src)
with c2:
    dst = org_picker(drv, t("lp_to"), key="lp_to", default=d_dst, exclude=src)
hops = c3.slider(t("lp_hops"), 1, MAX_HOPS, 4, key="lp_hops")

if not (src and dst):
    st.info(t("lp_pick_both"))
    st.stop()
if src == dst:
    st.warning(t("lp_same"))
    st.stop()

paths = saved(drv, "license_paths", from_org=src, to_org=dst, max_hops=hops)
if paths is None:
    st.stop()
if paths.empty:
    st.warning(t("lp_none").format(h=hops))
    st.markdown(t("lp_more_hops").format(h=min(hops + 2, MAX_HOPS)) if hops < MAX_HOPS else t("lp_max_reached"))
    names = saved(drv, "lookup_orgs", quiet=True, q=src, limit=1)
    names2 = saved(drv, "lookup_orgs", quiet=True, q=dst, limit=1)
    a, b = st.columns(2)
    with a:
        _partners(drv, src, str(names.name.iloc[0]) if names is not None and not names.empty else src)
    with b:
        _partners(drv, dst, str(names2.name.iloc[0]) if names2 is not None and not names2.empty else dst)
    st.stop()

n_paths, shortest = int(paths.path_no.max()), int(paths.path_length.min())
st.success(t("lp_found").format(n=n_paths, k=shortest))
clicked = path_chart(routes_of(paths), key=f"lp_graph_{src}_{dst}_{hops}",
                     categories=(t("lp_cat_source"), t("lp_cat_via"), t("lp_cat_target")))
if clicked:
    st.session_state["lp_clicked"] = clicked
if st.session_state.get("lp_clicked") in set(paths.step_from_id) | set(paths.step_to_id):
    oid = st.session_state["lp_clicked"]
    name = dict(zip(paths.step_to_id, paths.step_to, strict=False)) | dict(zip(paths.step_from_id, paths.step_from, strict=False))
    profile_link(oid, f"{t('pg_open_profile')}：{name.get(oid, oid)}", key="lp_clicked_link")

for no, part in list(paths.groupby("path_no", sort=True))[:3]:  # the rest are in the table below
    st.markdown(f"**{t('lp_path_n').format(i=no, k=int(part.path_length.iloc[0]))}**")
    st.markdown("\n".join(f"{int(r.hop)}. {r.description}" for r in part.itertuples()))

st.markdown(f"#### {t('lp_hops_table')}")
show_table(paths, "license_paths", f"license_paths_{src}_{dst}", key="lp_table", excel=True,
           order=["path_no", "hop", "step_from", "relation_name", "step_to", "date", "pub_no", "patent_title", "detail",
                  "record_no", "fee", "description"])
st.markdown(f"#### {t('lp_network')}")
show_table(saved(drv, "licensing_network", org=src, limit=NETWORK_ROWS), "licensing_network", f"network_{src}", key="lp_network")
