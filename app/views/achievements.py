"""成果库 Achievements library: search and filter achievements, then see whom a chosen one could serve.

The question the page answers: "which achievements fit, and which SMEs and demands could each one
serve — and why?" Results come from the saved queries ``achievements`` (full text + filters) and
``achievement_matches`` (SMEs on its chain nodes, demands it could answer, each with a reason).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.pagekit import profile_link, show_table
from app.ui.pickers import pick_region
from app.ui.progcharts import fmt

OWNER_KINDS = ["company", "university", "institute", "service", "government"]
MODES = ["transfer", "license", "equity", "cooperation", "other"]
TRL, MRL = (1, 9), (1, 10)
LIMIT = 200

drv = page_start("page_achievements")
st.caption(t("pq_ach_question"))

top = st.columns([3, 2, 2])
q = top[0].text_input(t("pq_search"), key="ach_q", help=t("pq_search_help"), placeholder="储能、固态电池、去毛刺…").strip()
field = top[1].text_input(t("pq_field"), key="ach_field").strip()
with top[2]:
    region = pick_region(t("region"), key="ach_region", groups=True)
row = st.columns([2, 2, 2, 2, 3])
trl = row[0].slider(t("pq_trl_range"), *TRL, value=TRL, key="ach_trl")
mrl = row[1].slider(t("pq_mrl_range"), *MRL, value=MRL, key="ach_mrl")
owner_kind = row[2].selectbox(t("pq_owner_kind"), [""] + OWNER_KINDS, key="ach_owner_kind",
                              format_func=lambda v: t("any") if not v else t(f"pq_kind_{v}"))
mode = row[3].selectbox(t("pq_transfer_mode"), [""] + MODES, key="ach_mode",
                        format_func=lambda v: t("any") if not v else t(f"pq_mode_{v}"))
with row[4]:
    st.write("")
    open_only = st.checkbox(t("pq_open_to_sme"), key="ach_open")

# A range left at its full width is no filter: achievements with no TRL/MRL stated stay listed.
params = dict(q=q or None, field=field or None, region=region, owner_kind=owner_kind or None,
              transfer_mode=mode or None, open_to_sme=True if open_only else None, limit=LIMIT,
              min_trl=trl[0] if trl != TRL else None, max_trl=trl[1] if trl != TRL else None,
              min_mrl=mrl[0] if mrl != MRL else None, max_mrl=mrl[1] if mrl != MRL else None)
found = saved(drv, "achievements", **params)

if found is not None:
    capped = len(found) >= LIMIT  # the query stopped at its limit: say so, not "found 200"
    st.subheader(t("pq_n_capped" if capped else "pq_n_found").format(n=len(found)))
    # TRL / MRL not stated show as "—" (not a grey None)
    listed = found.assign(**{c: found[c].map(lambda v: "—" if v is None or pd.isna(v) else str(int(v))) for c in ("trl", "mrl")},
                          modes=[[t(f"pq_mode_{m}") for m in (ms if isinstance(ms, list) else [])] for ms in found.transfer_modes],
                          owner_type=[t(f"pq_kind_{k}") if isinstance(k, str) else "—" for k in found.owner_kind])
    listed.attrs = dict(found.attrs)
    show_table(listed, "achievements", "achievements", key="ach_table", height=300,
               order=["title", "owner", "region", "trl", "mrl", "field", "modes", "reason", "owner_type", "open_to_sme"])

if found is not None and not found.empty:
    titles = {r.ach_id: f"{r.title} · {r.owner or '—'}" for r in found.itertuples()}
    ach = st.selectbox(t("pq_pick_ach"), list(titles), key="ach_pick", format_func=lambda v: titles.get(v, v))
    a = found.set_index("ach_id").loc[ach]
    st.markdown(f"#### {a.title}")

    def shown(v) -> str:
        return "—" if v is None or (isinstance(v, float) and pd.isna(v)) or v == "" else (fmt(v) if isinstance(v, (int, float)) else str(v))

    modes = "、".join(t(f"pq_mode_{m}") for m in (a.transfer_modes if isinstance(a.transfer_modes, list) else [])) or "—"
    facts = [(t("pq_owner"), shown(a.owner)), (t("pq_owner_kind"), shown(a.owner_type)), (t("pq_region"), shown(a.region)),
             (t("pq_field"), shown(a.field)), ("TRL", shown(a.trl)), ("MRL", shown(a.mrl)), (t("pq_transfer_mode"), modes),
             (t("pq_evaluation"), shown(a.evaluation))]
    st.markdown("　·　".join(f"**{k}** {v}" for k, v in facts))
    if a.owner_id:
        profile_link(a.owner_id, f"{t('pq_open_owner')}：{a.owner}")

    st.subheader(t("pq_matches"))
    st.caption(t("pq_matches_caption"))
    matches = saved(drv, "achievement_matches", ach_id=ach, region=region, limit=15)
    if matches is not None and matches.empty:
        st.info(t("pq_no_match"))
    elif matches is not None:
        st.markdown(f"**{t('pq_match_smes')}**")
        matches = matches.assign(tier=matches.tier.fillna("—"))
        show_table(matches[matches.kind == "sme"].drop(columns=["org"]), "achievement_matches", "achievement_smes",
                   key="ach_m_sme", order=["name", "reason", "score", "region", "tier", "nodes"])
        st.markdown(f"**{t('pq_match_demands')}**")
        show_table(matches[matches.kind == "demand"], "achievement_matches", "achievement_demands",
                   key="ach_m_dem", order=["name", "org", "reason", "score", "region", "nodes"])
