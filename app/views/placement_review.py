"""链上定位审核 Placement review: why a patent or organisation sits on a chain node, and corrections.

A planner filters placements (node, subject, confidence band, method), reads each one's evidence (the
matched terms, the IPC code and the rule, in words) and accepts it, moves it to another node or removes
it; graph.placement_store stores corrections as manual placements / rejections that automatic runs
(`chainkg extract`, `chainkg load`) never override.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.connection import app_settings
from app.ui.data import clear_caches, guarded
from app.ui.i18n import LABELS, lang, t
from app.ui.page import page_start
from app.ui.pickers import pick_chain_node
from graph import placement_store as ps

drv = page_start("page_placement_review")
database = app_settings().database
st.caption(t("pl_intro"))

METHODS = ["evidence", "ipc_prefix", "manual", "declared", "patents", "profile", "keyword"]


def rule_text(rule: str | None) -> str:
    """The evidence class in words (the stored `rule`), or a neutral note for manual/declared edges."""
    key = f"pl_r_{rule}" if rule else "pl_r_none"
    return t(key) if key in LABELS else rule


def why_text(rule: str | None, evidence: str | None) -> str:
    """The rule in words, and whether the matched term is what the title is about (the calibration
    class: the same term inside a title is right less often, so it gets a lower confidence)."""
    text = rule_text(rule)
    ev = evidence or ""
    notes = []
    if "not the title's subject" in ev:
        notes.append(t("pl_inner"))
    elif "the title's subject" in ev:
        notes.append(t("pl_subject"))
    # the classifier's verdict on a rule placement (extraction.placement.PlacementModel._with_learned)
    if "classifier:" in ev and rule != "learned":
        notes.append(t("pl_ml_agree") if "agrees" in ev else t("pl_ml_other") if "prefers" in ev else t("pl_ml_unsure"))
    return f"{text}（{'；'.join(notes)}）" if notes else text


def method_text(m: str | None) -> str:
    return t(f"pl_m_{m}") if m in METHODS else (m or "")


# widget keys carry the language: a keyed radio/select keeps a stale rendering when its labels change
L = lang()
c1, c2, c3 = st.columns([1, 2, 2])
with c1:
    kind = st.radio(t("pl_kind"), ["Patent", "Organization"], key=f"pl_kind_{L}", horizontal=True,
                    format_func=lambda k: t("pl_kind_patent") if k == "Patent" else t("pl_kind_org"))
with c2:
    subject = st.text_input(t("pl_subject_q"), key=f"pl_subject_{L}").strip() or None
with c3:
    lo, hi = st.slider(t("pl_conf_range"), 0.0, 1.0, (0.0, 1.0), 0.05, key=f"pl_conf_{L}", help=t("pl_conf_note"))
n1, n2 = st.columns([3, 1])
with n1:
    node_id = pick_chain_node(drv, t("node"), key=f"pl_node_{L}", optional=True)
with n2:
    method = st.selectbox(t("pl_method"), [None, *METHODS], key=f"pl_method_{L}",
                          format_func=lambda m: t("pl_all_methods") if m is None else method_text(m))

rows = guarded(lambda: ps.read_placements(drv, kind, node_id=node_id, subject=subject, min_confidence=lo,
                                          max_confidence=hi, method=method, limit=300, database=database)) or []
st.subheader(t("pl_placements"))
st.caption(t("pl_conf_note"))
if not rows:
    st.info(t("pl_none"))
    st.stop()

df = pd.DataFrame(rows)
df["why"] = [why_text(r, e) for r, e in zip(df["rule"], df["evidence"], strict=True)]
df["method"] = df["method"].map(method_text)
df["terms"] = df["terms"].map(lambda v: "、".join(v) if isinstance(v, list) else v)
shown = ["confidence", "subject_id", "subject_name", "node_name", "chain_id", "method", "why", "terms", "ipc"]
st.dataframe(
    df[shown].rename(columns={c: t(f"pl_col_{c}") for c in shown}), hide_index=True, width="stretch", height=320,
    column_config={t("pl_col_confidence"): st.column_config.ProgressColumn(t("pl_col_confidence"), min_value=0.0,
                                                                           max_value=1.0, format="%.2f")},
)

labels = [f"{r['confidence']:.2f} · {r['subject_id']} → {r['node_name']}" for r in rows]
i = st.selectbox(t("pl_pick_row"), range(len(rows)), format_func=lambda j: labels[j], key=f"pl_row_{L}_{kind}_{node_id}_{method}_{subject}_{lo}_{hi}")
row = rows[i]
with st.container(border=True):
    st.markdown(f"**{t('pl_why')}** — {row['subject_name'] or row['subject_id']} → **{row['node_name']}** "
                f"(`{row['node_id']}`) · {t('pl_col_confidence')} **{row['confidence']:.2f}**")
    st.markdown(f"- {t('pl_col_rule')}: {why_text(row['rule'], row['evidence'])}")
    if row["terms"]:
        st.markdown(f"- {t('pl_col_terms')}: {'、'.join(row['terms'])}")
    if row["ipc"]:
        st.markdown(f"- {t('pl_col_ipc')}: {row['ipc']}")
    st.markdown(f"- {t('pl_col_method')}: {', '.join(method_text(m) for m in row['methods'] or [])}")
    st.caption(f"{t('pl_col_evidence')}: {row['evidence'] or ''}")

a, m, r = st.columns([1, 2, 1])
with a:
    if st.button(t("pl_accept"), key="pl_accept_btn", width="stretch"):
        guarded(lambda: ps.place_manually(drv, kind, row["subject_id"], row["node_id"], by="app", database=database))
        clear_caches()
        st.success(t("pl_done"))
with m:
    target = pick_chain_node(drv, t("pl_move_to"), key=f"pl_move_node_{L}", optional=True)
    if st.button(t("pl_move"), key="pl_move_btn", disabled=not target):
        guarded(lambda: ps.move_placement(drv, kind, row["subject_id"], row["node_id"], target, by="app", database=database))
        clear_caches()
        st.success(t("pl_done"))
with r:
    if st.button(t("pl_remove"), key="pl_remove_btn", width="stretch"):
        guarded(lambda: ps.remove_placement(drv, kind, row["subject_id"], row["node_id"], by="app", database=database))
        clear_caches()
        st.success(t("pl_done"))

with st.expander(t("pl_rejections")):
    rej = guarded(lambda: ps.read_rejections(drv, kind, database=database)) or []
    if rej:
        cols = ["subject_id", "subject_name", "node_name", "at"]
        st.dataframe(pd.DataFrame(rej)[cols].rename(columns={c: t(f"pl_col_{c}") for c in cols}), hide_index=True,
                     width="stretch")
    else:
        st.caption(t("no_rows"))
