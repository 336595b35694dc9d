"""Tables with downloads: headings from the query's column declarations in the session's language,
hidden columns (ids, internal keys) behind a toggle, CSV (UTF-8 with BOM) and Excel built by
:mod:`app.export` (formula cells escaped, shared with the CLI)."""

from __future__ import annotations

import functools
import re
from typing import Any

import pandas as pd
import streamlit as st

from app.export import (
    declared_columns,
    escape_cell,
    export_frame,
    flatten_cell,
    labelled_frame,
    to_csv_bytes,
    to_xlsx_bytes,
)
from app.ui.i18n import lang, t

__all__ = ["display_frame", "escape_cell", "export_frame", "flatten_cell", "table", "to_csv_bytes", "to_xlsx_bytes"]

_FILENAME_UNSAFE = re.compile(r"[^\w.-]+")


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with nested values flattened for st.dataframe (Arrow rejects mixed object columns)."""
    out = df.copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(flatten_cell).map(lambda v: v if v is None or isinstance(v, (int, float, bool)) else str(v))
    return out


def table(df: pd.DataFrame | None, name: str, *, key: str | None = None, excel: bool = False, height: int | None = None,
          columns: Any = None) -> pd.DataFrame | None:
    """Show ``df`` with its row count and download buttons (CSV always, Excel when asked).

    Headings come from ``columns`` (``Column`` declarations or name → (中文, English[, hidden])) or,
    by default, from the saved query the frame came from; hidden columns appear only when the user
    ticks "show ids". Returns the frame as shown (labelled), or None when there was nothing to show.
    """
    if df is None:
        return None
    if df.empty:
        st.caption(t("no_rows"))
        return None
    key = key or name
    decl = columns if columns is not None else declared_columns(df)
    spec_hidden = _has_hidden(decl)
    show_hidden = bool(st.session_state.get(f"ids_{key}", False))
    shown = labelled_frame(df, decl, lang(), include_hidden=show_hidden)
    kwargs = {"height": height} if height else {}
    st.dataframe(display_frame(shown), hide_index=True, width="stretch", column_config=_column_config(decl, shown),
                 **kwargs)
    fname = _FILENAME_UNSAFE.sub("_", name).strip("_") or "result"
    # One wrapping row: the buttons keep their full text even in a narrow column.
    with st.container(horizontal=True, vertical_alignment="center"):
        st.download_button(t("download_csv"),
                           functools.partial(to_csv_bytes, df, decl, lang(), include_hidden=show_hidden),
                           file_name=f"{fname}.csv", mime="text/csv", key=f"csv_{key}")
        if excel:
            st.download_button(
                t("download_xlsx"),
                functools.partial(to_xlsx_bytes, df, decl, lang(), sheet=name, include_hidden=show_hidden),  # built on click only
                file_name=f"{fname}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"xlsx_{key}",
            )
        if spec_hidden:
            st.toggle(t("show_ids"), key=f"ids_{key}")
        st.caption(f"{len(df):,} {t('rows')}")
    return shown


def _column_config(decl: Any, shown: pd.DataFrame) -> dict[str, Any]:
    """Widths and number formats by declared name: the reason gets room, scores two decimals."""
    if not decl or isinstance(decl, dict):
        return {}
    labels = {c.name: c.label(lang()) for c in decl}
    config: dict[str, Any] = {}
    for name, label in labels.items():
        if label not in shown.columns:
            continue
        if name in ("reason", "reasons", "why", "gap"):
            config[label] = st.column_config.TextColumn(label, width="large")
        elif name == "score" or name.endswith("_score"):
            config[label] = st.column_config.NumberColumn(label, format="%.2f")
    return config


def _has_hidden(decl: Any) -> bool:
    if not decl:
        return False
    if isinstance(decl, dict):
        return any(not isinstance(v, str) and len(v) > 2 and v[2] for v in decl.values())
    return any(getattr(c, "hidden", False) for c in decl)
