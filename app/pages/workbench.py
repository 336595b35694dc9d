"""查询工作台 Query workbench: every saved query with a form from its header, and read-only ad hoc Cypher."""

from __future__ import annotations

import streamlit as st

from app.ui.connection import app_settings
from app.ui.data import guarded, optional_module, query_names, saved
from app.ui.downloads import table
from app.ui.graphview import frame_to_spec, show_graph
from app.ui.i18n import t
from app.ui.page import page_start
from app.ui.params import param_form


def result_views(df, key: str) -> None:
    """A result as a table (CSV/Excel) and, from two chosen columns, as a graph."""
    if df is None:
        return
    tab_table, tab_graph = st.tabs([t("table"), t("graph")])
    with tab_table:
        table(df, key, excel=True)
    with tab_graph:
        if df.empty or len(df.columns) < 2:
            st.caption(t("no_rows"))
            return
        cols = list(df.columns)
        c1, c2 = st.columns(2)
        src = c1.selectbox(t("edge_from"), cols, index=0, key=f"{key}_src")
        dst = c2.selectbox(t("edge_to"), cols, index=1, key=f"{key}_dst")
        show_graph(frame_to_spec(df, src, dst), key=f"{key}_graph")


drv = page_start("page_workbench", need_data=False)
tab_saved, tab_adhoc = st.tabs([t("saved_queries"), t("adhoc")])

with tab_saved:
    names = query_names()
    registry = optional_module("queries.registry")
    if registry is None:
        st.info(t("module_missing") + "queries.registry")
    elif not names:
        st.caption(t("no_rows"))
    else:
        name = st.selectbox(t("saved_queries"), names, key="wb_query")
        q = registry.get_query(name)
        st.markdown(f"**{getattr(q, 'title', name)}** — {getattr(q, 'description', '')}")
        params = param_form(q, key=f"wb_{name}")
        if params is not None:
            result_views(saved(drv, name, **params), f"wb_{name}")

with tab_adhoc:
    adhoc = optional_module("queries.adhoc")
    cypher = st.text_area("Cypher", value="MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY n DESC",
                          height=140, key="wb_cypher")
    c1, c2 = st.columns(2)
    timeout_s = c1.number_input(t("timeout_s"), 1, 60, 10, key="wb_timeout")
    row_cap = c2.number_input(t("row_cap"), 1, 10000, 1000, key="wb_cap")
    if adhoc is None:
        st.info(t("module_missing") + "queries.adhoc")
    elif st.button(t("run"), key="wb_run", type="primary") or st.session_state.get("wb_ran") == cypher:
        st.session_state["wb_ran"] = cypher
        database = app_settings().database
        with st.spinner("…"):
            df = guarded(lambda: adhoc.run_readonly(drv, cypher, None, database=database,
                                                   timeout_s=float(timeout_s), row_cap=int(row_cap)))
        result_views(df, "wb_adhoc")
