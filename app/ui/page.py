"""What every page does first: its title, a working driver (or the outage banner), the empty-graph offer."""

from __future__ import annotations

import streamlit as st

from app.ui.connection import app_settings, driver_or_stop
from app.ui.data import clear_caches, guarded, optional_module, stats
from app.ui.i18n import both, lang, t


def localise_streamlit_chrome() -> None:
    """Word the few texts Streamlit draws itself (the file uploader's button and size note) in the
    session's language. Streamlit has no option for them, so a style rule hides its English text
    and shows ours in its place (CSS only: the widget and its behaviour are untouched)."""
    if lang() != "zh":
        return
    button, limit = t("upload_button"), t("upload_limit")
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{button}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{limit}"; font-size: 0.875rem; }}
</style>""")


def page_start(title_key: str, *, need_data: bool = True):
    """Title the page and return the driver; stops the page (after a banner) when Neo4j is down.

    With ``need_data`` an empty graph shows the offer to load the demo instead of the page.
    """
    st.title(both(title_key))
    drv = driver_or_stop()
    if need_data:
        counts = stats(drv)
        if counts is None:
            st.stop()
        if not any(counts["nodes"].get(k) for k in ("Organization", "Patent", "ChainNode")):
            offer_demo(drv)
            st.stop()
    return drv


def offer_demo(drv) -> None:
    """Tell the user the graph is empty and offer to load the bundled demo (with progress)."""
    st.warning(t("empty_graph"), icon=":material/inbox:")
    demo = optional_module("loaders.demo")
    if demo is None:
        st.info(t("module_missing") + "loaders.demo")
        return
    if st.button(t("load_demo"), key="load_demo", type="primary"):
        load_demo_with_progress(drv)
        st.rerun()


def load_demo_with_progress(drv) -> None:
    """Load data/demo, then run extraction when it is installed; progress shown as status steps."""
    database = app_settings().database
    with st.status(t("loading_demo"), expanded=True) as status:
        st.write("loaders.demo.load_demo …")
        demo = optional_module("loaders.demo")
        report = guarded(lambda: demo.load_demo(drv, database=database))
        if report is None:
            status.update(state="error")
            return
        st.write(f"{report.nodes_written:,} nodes, {report.relationships_written:,} relationships, "
                 f"{len(report.rejects):,} rejects")
        extract = optional_module("extraction.graph_extract")
        if extract is not None:
            st.write("extraction.graph_extract.extract_graph …")
            guarded(lambda: extract.extract_graph(drv, database=database, progress=lambda kind, n: st.write(f"{kind}: {n:,}")))
        status.update(label=t("demo_loaded"), state="complete")
    clear_caches()
