"""Tables with downloads: CSV escaped against formula injection, and Excel.

A spreadsheet treats a cell starting with ``= + - @`` (or a tab / carriage return) as a formula, so
an organisation named ``=HYPERLINK(...)`` in the graph could run in a planner's Excel. Such cells
get a leading apostrophe, which spreadsheets display as text.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from app.ui.i18n import t

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILENAME_UNSAFE = re.compile(r"[^\w.-]+")


def escape_cell(value: Any) -> Any:
    """Return ``value`` with a leading ``'`` when, as text, it would start a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flatten_cell(value: Any) -> Any:
    """Lists, dicts and dates as plain text so every writer (CSV, Excel, Arrow) accepts them."""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(flatten_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is not None and type(value).__module__.startswith("neo4j"):
        return str(value)  # neo4j.time.Date and friends
    return value


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` flattened and escaped, ready for a file a user opens in a spreadsheet."""
    out = df.copy()
    out.columns = [escape_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(lambda v: escape_cell(flatten_cell(v)))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads Chinese correctly), formula cells escaped."""
    # QUOTE_ALL: a cell holding a bare CR must not split into a new spreadsheet row.
    return export_frame(df).to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8-sig")


def _excel_safe(value: Any) -> Any:
    """Drop control characters that the xlsx format cannot store (openpyxl raises on them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "result") -> bytes:
    """An Excel workbook of ``df`` (escaped like the CSV; openpyxl would otherwise store formulas)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        export_frame(df).map(_excel_safe).to_excel(xw, index=False, sheet_name=sheet[:31] or "result")
    return buf.getvalue()


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with nested values flattened for st.dataframe (Arrow rejects mixed object columns)."""
    out = df.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(flatten_cell).map(lambda v: v if v is None or isinstance(v, (int, float, bool)) else str(v))
    return out


def table(df: pd.DataFrame | None, name: str, *, key: str | None = None, excel: bool = False, height: int | None = None) -> None:
    """Show ``df`` with its row count and download buttons (CSV always, Excel when asked)."""
    if df is None:
        return
    if df.empty:
        st.caption(t("no_rows"))
        return
    key = key or name
    kwargs = {"height": height} if height else {}
    st.dataframe(display_frame(df), hide_index=True, width="stretch", **kwargs)
    fname = _FILENAME_UNSAFE.sub("_", name).strip("_") or "result"
    cols = st.columns([2, 2, 3])
    cols[0].download_button(t("download_csv"), functools.partial(to_csv_bytes, df), file_name=f"{fname}.csv", mime="text/csv", key=f"csv_{key}")
    if excel:
        cols[1].download_button(
            t("download_xlsx"),
            functools.partial(to_xlsx_bytes, df, name),  # built on click only
            file_name=f"{fname}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"xlsx_{key}",
        )
    cols[2].caption(f"{len(df):,} {t('rows')}")
