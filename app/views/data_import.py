"""数据导入 Data import: what each file kind needs (column table, template), upload with the kind chosen
per file (the name only pre-selects it), a translated validation preview, load with progress, extract."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app.export import to_csv_bytes
from app.ui.connection import app_settings
from app.ui.data import clear_caches, guarded, optional_module
from app.ui.downloads import table
from app.ui.i18n import LABELS, choice, lang, t
from app.ui.page import load_demo_with_progress, page_start
from app.ui.validation import (
    CHAIN_KIND,
    file_kinds,
    guess_kind,
    kind_columns,
    preview_file,
    read_header,
    template_frame,
)

UPLOAD_DIR_KEY = "imp_dir"
SUMMARY_COLUMNS = {"file": ("文件", "File"), "kind": ("文件类型", "File kind"), "rows": ("行数", "Rows"),
                   "valid": ("有效行", "Valid rows"), "rejected": ("拒绝行", "Rejected rows"),
                   "status": ("状态", "Status"), "columns": ("识别出的列", "Columns recognised")}
REJECT_COLUMNS = {"file": ("文件", "File"), "row": ("行号", "Row"), "field": ("字段", "Field"),
                  "reason": ("原因", "Reason")}
REPORT_COLUMNS = {"file": ("文件", "File"), "kind": ("文件类型", "File kind"), "rows_read": ("读取行", "Rows read"),
                  "loaded": ("已加载", "Loaded"), "rejected": ("拒绝行", "Rejected"), "merged": ("合并", "Merged"),
                  "created_orgs": ("新建机构", "Organisations created"),
                  "dropped_links": ("未连接的关联", "Links dropped"), "fatal": ("错误", "Error"),
                  "seconds": ("用时（秒）", "Seconds")}
COLUMN_TABLE = {"column": ("列名（模板中的写法）", "Column (as in the template)"), "required": ("必填", "Required"),
                "aliases": ("也接受的中文列名", "Chinese headings also accepted")}


def kind_label(kind: str) -> str:
    """A file kind in the session's language (its code when no label exists yet)."""
    key = f"kind_file_{kind}"
    return t(key) if key in LABELS else kind


def status_text(row: pd.Series) -> str:
    status, detail = row.get("status"), row.get("detail") or ""
    if status == "ok":
        return t("imp_ok")
    if status == "missing_columns":
        return t("imp_missing_cols").format(cols=detail)
    if status == "stopped":
        return t("imp_stopped").format(n=detail)
    if status == "unknown_kind":
        return t("imp_kind_unknown")
    return t("imp_read_error") + str(detail)


def column_reference() -> None:
    """Per kind: the column table and a template to download."""
    kinds = file_kinds()
    with st.expander(t("imp_kinds"), expanded=not st.session_state.get("imp_files")):
        kind = choice(st.selectbox, t("imp_kind"), kinds, key="imp_ref_kind", format_func=lambda k: f"{kind_label(k)} · {k}")
        cols = kind_columns(kind)
        cols["required"] = cols["required"].map(lambda b: t("imp_yes") if b else t("imp_no"))
        left, right = st.columns([4, 1])
        with left:
            shown = cols.rename(columns={c: (zh if lang() == "zh" else en) for c, (zh, en) in COLUMN_TABLE.items()})
            st.dataframe(shown, hide_index=True, width="stretch")
        with right:
            st.download_button(t("imp_template"), to_csv_bytes(template_frame(kind), labelled=False),
                               file_name=f"{kind}.csv", mime="text/csv", key="imp_template", type="primary")


def store_uploads(files) -> tuple[Path, dict[str, str]]:
    """Write each uploaded file as ``<kind><suffix>`` (the names the loader reads) into a private
    folder, its kind taken from the user's choice; returns the folder and stored → uploaded names."""
    folder = Path(st.session_state.get(UPLOAD_DIR_KEY) or tempfile.mkdtemp(prefix="chainkg_upload_"))
    st.session_state[UPLOAD_DIR_KEY] = str(folder)
    for old in folder.rglob("*"):  # the choice of kinds may have changed since the last run
        if old.is_file():
            old.unlink()
    names: dict[str, str] = {}
    kinds = file_kinds()
    raw = folder / "_raw"
    raw.mkdir(exist_ok=True)
    taken: dict[str, str] = {}
    for i, f in enumerate(files):
        original = Path(f.name).name
        src = raw / f"{i}{Path(original).suffix.lower()}"
        src.write_bytes(f.getvalue())
        guess = guess_kind(original, read_header(src) if src.suffix != ".yaml" else None)
        options = kinds + [CHAIN_KIND] if src.suffix in (".yaml", ".yml") else kinds
        index = options.index(guess) if guess in options else None
        kind = choice(st.selectbox, t("imp_kind_for").format(file=original), options, index=index, key=f"imp_kind_{i}_{original}",
                            format_func=lambda k: f"{kind_label(k)} · {k}",
                            placeholder=t("imp_kind_unknown"), help=t("imp_kind_guess"))
        if kind is None:
            continue
        if kind == CHAIN_KIND:
            dest = folder / "chains" / original
        else:
            if kind in taken:
                st.error(f"{original}: {kind_label(kind)} ← {taken[kind]}")
                continue
            taken[kind] = original
            dest = folder / f"{kind}{src.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        names[dest.name] = original
    shutil.rmtree(raw, ignore_errors=True)
    return folder, names


def preview(folder: Path, names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    summaries, rejects = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        s, r = preview_file(path, display_name=names.get(path.name, path.name))
        summaries.append(s)
        rejects.extend(r)
    summary = pd.DataFrame(summaries)
    rej = pd.DataFrame(rejects, columns=["file", "row", "field", "reason", "detail"])
    return summary, rej


drv = page_start("page_import", need_data=False)
st.caption(t("imp_question"))
column_reference()
with st.expander(t("load_demo")):
    if st.button(t("load_demo"), key="imp_demo"):
        load_demo_with_progress(drv)

files = st.file_uploader(t("upload"), accept_multiple_files=True, key="imp_files",
                         type=["csv", "tsv", "jsonl", "xlsx", "yaml", "yml"])
if files:
    folder, names = store_uploads(files)
    st.subheader(t("validate"))
    summary, rejects = preview(folder, names)
    valid_total = int(summary["valid"].sum()) if not summary.empty else 0
    if not summary.empty:
        shown = summary.copy()
        shown["status"] = shown.apply(status_text, axis=1)
        shown["kind"] = shown["kind"].map(kind_label)
        table(shown.drop(columns=["detail"]), "validation_summary", key="imp_summary", columns=SUMMARY_COLUMNS)
    if not rejects.empty:
        st.subheader(t("rejects"))
        rej = rejects.copy()
        rej["reason"] = [t("imp_empty_value") if r == "empty_value" else f"{t('imp_bad_row')}: {d}"
                         for r, d in zip(rej["reason"], rej["detail"], strict=True)]
        table(rej.drop(columns=["detail"]), "rejects", key="imp_rejects", excel=True, columns=REJECT_COLUMNS)

    pipeline = optional_module("loaders.pipeline")
    if valid_total == 0:
        st.warning(t("imp_no_valid"))
    else:
        st.caption(t("imp_will_load").format(n=f"{valid_total:,}"))
    if pipeline is None:
        st.info(t("module_missing") + "loaders.pipeline")
    elif st.button(t("load"), type="primary", key="imp_load", disabled=valid_total == 0):
        bar = st.progress(0.0, text=t("load"))

        def progress(file: str, phase: str, done: int, total: int | None) -> None:
            """loaders.pipeline's callback: (file, "validate"|"write", done, total or None)."""
            frac = done / total if total else 0.0
            bar.progress(min(max(frac, 0.0), 1.0), text=f"{names.get(file, file)} · {done:,}" + (f"/{total:,}" if total else ""))

        report = guarded(lambda: pipeline.load_directory(drv, folder, database=app_settings().database, progress=progress))
        bar.progress(1.0, text=t("loaded"))
        if report is not None:
            st.success(f"{t('loaded')}: {report.nodes_written:,} {t('nodes')}, {report.relationships_written:,} {t('relationships')}")
            st.subheader(t("imp_report"))
            rows = pd.DataFrame([vars(f) for f in report.files])
            if not rows.empty:
                rows["file"] = rows["file"].map(lambda f: names.get(Path(f).name, f))
                rows["kind"] = rows["kind"].map(kind_label)
            table(rows, "load_report", key="imp_report", columns=REPORT_COLUMNS)
            if report.rejects:
                table(pd.DataFrame([vars(r) for r in report.rejects]), "load_rejects", key="imp_load_rejects", excel=True,
                      columns=REJECT_COLUMNS)
            clear_caches()
            st.session_state["imp_loaded"] = True
    if st.button(t("imp_clear"), key="imp_clear"):
        shutil.rmtree(folder, ignore_errors=True)
        st.session_state.pop(UPLOAD_DIR_KEY, None)

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
            counts = pd.DataFrame(sorted(result.items()), columns=["kind", "n"]) if isinstance(result, dict) else None
            if counts is not None:
                table(counts, "extract_counts", key="imp_extract_counts",
                      columns={"kind": ("抽取类别", "Kind"), "n": ("数量", "Count")})
            clear_caches()
