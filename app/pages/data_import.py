"""数据导入 Data import: upload files, preview validation and rejects, load with progress, then extract."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app.ui.connection import app_settings
from app.ui.data import clear_caches, guarded, optional_module
from app.ui.downloads import table
from app.ui.i18n import t
from app.ui.page import load_demo_with_progress, page_start
from app.ui.validation import preview_directory

UPLOAD_DIR_KEY = "imp_dir"

drv = page_start("page_import", need_data=False)
with st.expander(t("load_demo")):
    if st.button(t("load_demo"), key="imp_demo"):
        load_demo_with_progress(drv)

files = st.file_uploader(t("upload"), accept_multiple_files=True, key="imp_files",
                         type=["csv", "jsonl", "xlsx", "yaml", "yml"])
if files:
    # Uploaded bytes land in a private temp folder laid out like a data directory (chains/*.yaml).
    folder = Path(st.session_state.get(UPLOAD_DIR_KEY) or tempfile.mkdtemp(prefix="chainkg_upload_"))
    st.session_state[UPLOAD_DIR_KEY] = str(folder)
    for f in files:
        name = Path(f.name).name
        dest = folder / "chains" / name if name.endswith((".yaml", ".yml")) else folder / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.getvalue())

    st.subheader(t("validate"))
    summary, rejects = preview_directory(folder)
    table(summary, "validation_summary", key="imp_summary")
    if rejects is not None and not rejects.empty:
        st.subheader(t("rejects"))
        table(rejects, "rejects", key="imp_rejects", excel=True)

    pipeline = optional_module("loaders.pipeline")
    if pipeline is None:
        st.info(t("module_missing") + "loaders.pipeline")
    elif st.button(t("load"), type="primary", key="imp_load"):
        bar = st.progress(0.0, text=t("load"))

        def progress(file: str, phase: str, done: int, total: int | None) -> None:
            """loaders.pipeline's callback: (file, "validate"|"write", done, total or None)."""
            frac = done / total if total else 0.0
            bar.progress(min(max(frac, 0.0), 1.0), text=f"{file} · {phase} · {done:,}" + (f"/{total:,}" if total else ""))

        report = guarded(lambda: pipeline.load_directory(drv, folder, database=app_settings().database, progress=progress))
        bar.progress(1.0, text=t("loaded"))
        if report is not None:
            st.success(f"{t('loaded')}: {report.nodes_written:,} {t('nodes')}, {report.relationships_written:,} {t('relationships')}")
            files = pd.DataFrame([vars(f) for f in report.files])
            table(files, "load_report", key="imp_report")
            if report.rejects:
                table(pd.DataFrame([vars(r) for r in report.rejects]), "load_rejects", key="imp_load_rejects", excel=True)
            clear_caches()
            st.session_state["imp_loaded"] = True

if st.session_state.get("imp_loaded"):
    extract = optional_module("extraction.graph_extract")
    if extract is None:
        st.info(t("module_missing") + "extraction.graph_extract")
    elif st.button(t("extract"), key="imp_extract"):
        with st.status(t("extract"), expanded=True) as status:
            result = guarded(lambda: extract.extract_graph(
                drv, database=app_settings().database, progress=lambda kind, n: status.write(f"{kind}: {n:,}")))
            status.update(state="complete" if result is not None else "error")
        if result is not None:
            st.success(t("extracted"))
            st.json(result if isinstance(result, dict) else {"result": str(result)})
            clear_caches()
