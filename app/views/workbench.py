"""查询工作台 Query workbench: saved queries through forms with pickers, read-only ad hoc Cypher,
results as a table and as a graph (Bloom-like), a schema sidebar, and researchers' own saved queries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.connection import app_settings
from app.ui.data import guarded, optional_module, stats
from app.ui.downloads import table
from app.ui.graphview import frame_graph, graph_chart
from app.ui.i18n import choice, lang, t
from app.ui.page import page_start
from app.ui.params import param_form
from graph.errors import QueryError

EXAMPLES = {
    "wb_ex_licences": "MATCH p = (a:Organization)-[:LICENSED_TO]->(b:Organization {is_sme: true})\nRETURN p LIMIT 40",
    "wb_ex_chain": "MATCH (c:Chain {chain_id: 'nev_battery'})-[:HAS_NODE]->(n:ChainNode)\n"
                   "OPTIONAL MATCH (n)-[r:UPSTREAM_OF]->(m:ChainNode)\nRETURN n, r, m",
    "wb_ex_counts": "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY n DESC",
}


# ------------------------------------------------------------------ helpers


def explain_error(err: Exception) -> None:
    """Say why a query did not run, in the session's language; the server's own text (no status
    code) sits in a details box for those who want it."""
    reason = getattr(err, "reason", None)
    headline = t(f"refused_{reason}") if reason else t("refused_other")
    st.error(headline, icon=":material/block:")
    detail = getattr(err, "detail", None) or (str(err) if not reason or reason in ("params", "other") else "")
    if detail:
        with st.expander(t("wb_details")):
            st.text(detail)


class _Explained(Exception):
    """Carries a QueryError past ``guarded`` (which would print it raw) to :func:`explain_error`."""

    def __init__(self, err: QueryError):
        super().__init__(str(err))
        self.err = err


def safely(fn):
    """``fn()``; None after explaining a QueryError in the user's language (outages: the banner)."""
    def raising():
        try:
            return fn()
        except QueryError as e:
            raise _Explained(e) from e

    try:
        return guarded(raising)
    except _Explained as e:
        explain_error(e.err)
        return None


@st.cache_data(ttl=600, show_spinner=False)
def _schema(_drv, uri: str, database: str) -> dict:
    from queries.adhoc import graph_schema

    return graph_schema(_drv, database=database)


def schema_sidebar(drv) -> None:
    """Node labels and relationship types with counts (from the count store, instant at any size) in
    the sidebar; their property names on request: Neo4j lists them by reading every node and
    relationship (~3 s at 100k patents, tens of seconds at 1M), too slow for the page's first render."""
    s = app_settings()
    with st.sidebar:
        st.subheader(t("wb_schema"))
        with_props = st.toggle(t("wb_schema_props"), key="wb_schema_props", help=t("wb_schema_props_help"))
        if with_props:
            st.caption(t("wb_schema_caption"))
            schema = safely(lambda: _schema(drv, s.uri, s.database))
        else:
            counts = stats(drv) or {"nodes": {}, "relationships": {}}
            schema = {kind: [{"name": k, "count": n, "properties": []} for k, n in sorted(counts[src].items())]
                      for kind, src in (("labels", "nodes"), ("relationships", "relationships"))}
        if not schema:
            return
        for title, items in ((t("wb_labels"), schema["labels"]), (t("wb_rel_types"), schema["relationships"])):
            st.markdown(f"**{title}**")
            if not with_props:  # names and counts only: one compact line each
                st.markdown("  \n".join(f"`{i['name']}` · {i['count']:,}" for i in items if i["count"]))
                continue
            for item in items:
                if not item["count"] and not item["properties"]:
                    continue
                with st.expander(f"{item['name']} · {item['count']:,}"):
                    st.code(", ".join(item["properties"]) or "—", language=None, wrap_lines=True)


def node_panel(nodes: list[dict], clicked: str | None, key: str) -> None:
    """The clicked node's labels and properties, as a two-column table (Bloom's inspector)."""
    node = next((n for n in nodes if n["id"] == clicked), None)
    if node is None:
        return
    st.markdown(f"**{t('wb_node_props')}: {node['label']}** · {node['category']}")
    rows = [line.split(": ", 1) for line in node.get("tooltip", "").splitlines()[1:] if ": " in line]
    st.dataframe(pd.DataFrame(rows, columns=[t("wb_prop"), t("wb_value")]), hide_index=True, width="stretch",
                 key=f"{key}_props")


def pair_graph(df: pd.DataFrame, key: str) -> tuple[list[dict], list[dict]]:
    """Nodes and edges from two chosen columns of a plain table (one edge per row)."""
    cols = [str(c) for c in df.columns]
    c1, c2 = st.columns(2)
    src = c1.selectbox(t("edge_from"), cols, index=0, key=f"{key}_src")
    dst = c2.selectbox(t("edge_to"), cols, index=min(1, len(cols) - 1), key=f"{key}_dst")
    nodes: dict[str, dict] = {}
    edges = []
    for a, b in zip(df[src].head(300), df[dst].head(300), strict=True):
        if a is None or b is None or (isinstance(a, float) and pd.isna(a)) or (isinstance(b, float) and pd.isna(b)):
            continue
        for v, cat in ((a, src), (b, dst)):
            nodes.setdefault(str(v), {"id": str(v), "label": str(v), "category": cat, "tooltip": f"{cat}: {v}"})
        edges.append({"source": str(a), "target": str(b)})
    return list(nodes.values()), edges


def result_views(df: pd.DataFrame | None, key: str, *, name: str) -> None:
    """A result as a graph (nodes, relationships and paths drawn; else two chosen columns) and a table."""
    if df is None:
        return
    if df.attrs.get("truncated"):
        st.warning(t("wb_truncated").format(n=len(df)))
    st.caption(f"{len(df):,} {t('wb_rows_found')}")
    if df.empty:
        st.caption(t("no_rows"))
        return
    nodes, edges = frame_graph(df)
    tab_graph, tab_table = st.tabs([t("wb_graph_tab"), t("wb_table_tab")]) if nodes else \
        reversed(st.tabs([t("wb_table_tab"), t("wb_graph_tab")]))
    with tab_graph:
        if not nodes:
            st.caption(t("wb_no_graph"))
            if len(df.columns) >= 2:
                nodes, edges = pair_graph(df, key)
        if nodes:
            st.caption(t("wb_graph_caption").format(n=len(nodes), m=len(edges)))
            clicked = graph_chart(nodes, edges, key=f"{key}_graph", height=620, layout="force")
            node_panel(nodes, clicked, key)
    with tab_table:
        table(df if not nodes else _flat_graph_values(df), name, key=f"{key}_table", excel=True)


def _flat_graph_values(df: pd.DataFrame) -> pd.DataFrame:
    """Node / relationship cells as their caption (name or key) instead of a JSON blob."""
    from app.ui.graphview import node_caption

    def cell(v):
        if isinstance(v, dict) and "_labels" in v:
            return f"({':'.join(v['_labels'])}) {node_caption(v)}"
        if isinstance(v, dict) and "_type" in v:
            return f"[:{v['_type']}]"
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return " → ".join(cell(x) for x in v if "_labels" in x)
        return v

    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(cell)
    out.attrs = dict(df.attrs)
    return out


def query_caption(q) -> str:
    mark = t("wb_mine") if q.user else t("wb_builtin")
    return f"{q.title} · {mark}"


def parse_adhoc_params(text: str) -> dict[str, str] | None:
    """``name=value`` lines → dict (None after an error naming the line)."""
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        k, sep, v = line.partition("=")
        if not sep or not k.strip().isidentifier():
            st.error(t("wb_adhoc_params_bad") + line)
            return None
        out[k.strip()] = v.strip()
    return out


def save_form(df: pd.DataFrame, cypher: str) -> None:
    """Save the ad hoc statement as the researcher's own query, with editable column labels."""
    registry = optional_module("queries.registry")
    with st.expander(t("wb_save"), icon=":material/bookmark_add:", expanded="wb_saved_msg" in st.session_state):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("wb_save_name"), key="wb_save_name")
        title = c2.text_input(t("wb_save_title"), key="wb_save_title")
        desc = st.text_input(t("wb_save_desc"), key="wb_save_desc")
        # Headings are the visible labels themselves (a data editor's frame is read back by position).
        heads = [t("wb_col_name"), t("wb_col_type"), t("wb_col_zh"), t("wb_col_en"), t("wb_col_hidden")]
        cols = pd.DataFrame({
            heads[0]: [str(c) for c in df.columns],
            heads[1]: [_guess_type(df[c]) for c in df.columns],
            heads[2]: [str(c) for c in df.columns],
            heads[3]: [str(c) for c in df.columns],
            heads[4]: [str(c).endswith("_id") for c in df.columns],
        })
        st.caption(t("wb_save_cols"))
        edited = st.data_editor(cols, key="wb_save_cols", hide_index=True, width="stretch", disabled=heads[:2])
        if st.button(t("wb_save_btn"), key="wb_save_btn", type="primary", disabled=not name.strip()):
            columns = [registry.Column(n, ty, bool(h), str(zh or n), str(en or n))
                       for n, ty, zh, en, h in edited.itertuples(index=False, name=None)]
            q = safely(lambda: registry.save_user_query(name.strip(), title or name, desc, cypher, columns=columns))
            if q is not None:  # rerun so the saved-queries list (drawn above) includes it at once
                st.session_state["wb_saved_msg"] = t("wb_saved_ok").format(path=q.path, name=q.name)
                st.rerun()
        if msg := st.session_state.pop("wb_saved_msg", None):
            st.success(msg)


def _guess_type(series: pd.Series) -> str:
    v = next((x for x in series if x is not None and not (isinstance(x, float) and pd.isna(x))), None)
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, dict):
        return "node" if "_labels" in v else "relationship" if "_type" in v else "map"
    if isinstance(v, list):
        return "path" if v and isinstance(v[0], dict) and "_labels" in v[0] else "list"
    if hasattr(v, "isoformat"):
        return "date"
    return "str"


# ------------------------------------------------------------------ page

drv = page_start("page_workbench", need_data=False)
st.caption(t("wb_question"))
schema_sidebar(drv)
tab_saved, tab_adhoc = st.tabs([t("saved_queries"), t("adhoc")])

with tab_saved:
    registry = optional_module("queries.registry")
    queries = safely(lambda: registry.list_queries()) if registry else None
    if not queries:
        st.caption(t("no_rows"))
    else:
        by_name = {q.name: q for q in queries}
        names = list(by_name)
        name = choice(st.selectbox, t("wb_pick_query"), names, key="wb_query",
                            index=names.index("licensors_for") if "licensors_for" in names else 0,
                            format_func=lambda n: query_caption(by_name[n]))
        q = by_name[name]
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in q.description)
        if lang() == "en" or cjk * 3 > len(q.description):
            st.caption(q.description)  # headers mostly describe queries in English: shown in English mode only
        params = param_form(q, key=f"wb_{name}", drv=drv)
        go = st.button(t("wb_run_saved"), key="wb_run_saved", type="primary", disabled=params is None)
        ran_key = "wb_saved_ran"
        if go:
            st.session_state[ran_key] = (name, repr(sorted((params or {}).items())))
        if params is not None and st.session_state.get(ran_key) == (name, repr(sorted(params.items()))):
            database = app_settings().database
            df = safely(lambda: registry.run_query(drv, name, database=database, **params))
            result_views(df, f"wb_{name}", name=name)
        if q.user and st.button(t("wb_delete"), key="wb_delete"):
            if safely(lambda: registry.delete_user_query(name) or True):
                st.success(t("wb_deleted"))
                st.rerun()

with tab_adhoc:
    adhoc = optional_module("queries.adhoc")
    ex_cols = st.columns(len(EXAMPLES) + 1)
    ex_cols[0].caption(t("wb_examples"))
    for i, (k, text) in enumerate(EXAMPLES.items(), 1):
        if ex_cols[i].button(t(k), key=f"wb_{k}"):
            st.session_state["wb_cypher"] = text
    if "wb_cypher" not in st.session_state:
        st.session_state["wb_cypher"] = EXAMPLES["wb_ex_licences"]
    cypher = st.text_area(t("wb_cypher"), height=130, key="wb_cypher")
    c1, c2, c3 = st.columns([3, 1, 1])
    param_text = c1.text_area(t("wb_adhoc_params"), height=68, key="wb_adhoc_params", placeholder="region=32")
    timeout_s = c2.number_input(t("timeout_s"), 1, 60, 10, key="wb_timeout")
    row_cap = c3.number_input(t("row_cap"), 1, 10000, 1000, key="wb_cap")
    if adhoc is None:
        st.info(t("module_missing") + "queries.adhoc")
    elif st.button(t("run"), key="wb_run", type="primary") or st.session_state.get("wb_ran") == cypher:
        st.session_state["wb_ran"] = cypher
        adhoc_params = parse_adhoc_params(param_text)
        if adhoc_params is not None:
            database = app_settings().database
            with st.spinner("…"):
                df = safely(lambda: adhoc.run_readonly(drv, cypher, adhoc_params, database=database,
                                                       timeout_s=float(timeout_s), row_cap=int(row_cap)))
            result_views(df, "wb_adhoc", name="adhoc")
            if df is not None:
                save_form(df, cypher)

