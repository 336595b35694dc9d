"""Result tables as files people open in a spreadsheet: CSV (UTF-8 with BOM) and Excel, with the
column labels a saved query declares. Shared by the app's download buttons and the CLI (no streamlit).

A spreadsheet treats a cell starting with ``= + - @`` (or a tab / carriage return) as a formula, so
an organisation named ``=HYPERLINK(...)`` in the graph could run in a planner's Excel. Such cells
get a leading apostrophe, which spreadsheets display as text. Column headings come from the query's
``// column:`` lines (Chinese or English); hidden columns (ids, internal keys) are left out unless
asked for.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: ``df.attrs`` key naming the saved query a frame came from (set by queries.registry.run_query).
QUERY_ATTR = "query"


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


def declared_columns(df: pd.DataFrame) -> tuple[Any, ...]:
    """The ``Column`` declarations of the saved query ``df`` came from (empty when unknown)."""
    name = df.attrs.get(QUERY_ATTR)
    if not name:
        return ()
    from graph.errors import QueryError
    from queries.registry import get_query

    try:
        return get_query(str(name)).columns
    except QueryError:  # a researcher's query deleted since it ran
        return ()


def _spec(columns: Any) -> dict[str, tuple[str, str, bool]]:
    """Column declarations in any of the accepted forms → name → (中文, English, hidden)."""
    out: dict[str, tuple[str, str, bool]] = {}
    if columns is None:
        return out
    if isinstance(columns, Mapping):
        for name, v in columns.items():
            if isinstance(v, str):
                out[name] = (v, v, False)
            else:
                zh, en, *rest = v
                out[name] = (zh, en, bool(rest[0]) if rest else False)
        return out
    for c in columns:  # queries.registry.Column or anything with the same fields
        out[c.name] = (c.zh, c.en, bool(c.hidden))
    return out


def labelled_frame(df: pd.DataFrame, columns: Any = None, lang: str = "zh", *,
                   include_hidden: bool = False) -> pd.DataFrame:
    """``df`` with its columns renamed to their labels in ``lang`` and hidden ones dropped.

    ``columns``: the query's ``Column`` declarations, or a mapping name → (中文, English[, hidden])
    or name → label; by default those of the saved query ``df`` came from. Columns without a
    declaration keep their name (ad hoc Cypher: the researcher's own aliases).
    """
    spec = _spec(columns if columns is not None else declared_columns(df))
    keep = [c for c in df.columns if include_hidden or not spec.get(str(c), ("", "", False))[2]]
    out = df[keep].copy()
    labels = {}
    for c in keep:
        zh, en, _ = spec.get(str(c), (str(c), str(c), False))
        label = en if lang == "en" else zh
        while label in labels.values():  # two columns with one label: keep both, tell them apart
            label += f" ({c})"
        labels[c] = label
    out.columns = [labels[c] for c in keep]
    out.attrs = dict(df.attrs)
    return out


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` flattened and escaped, ready for a file a user opens in a spreadsheet."""
    out = df.copy()
    out.columns = [escape_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(lambda v: escape_cell(flatten_cell(v)))
    return out


def to_csv_bytes(df: pd.DataFrame, columns: Any = None, lang: str = "zh", *, include_hidden: bool = False,
                 labelled: bool = True) -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads Chinese correctly), headings from the column
    declarations in ``lang``, hidden columns left out unless ``include_hidden``, formula cells escaped.
    ``labelled=False`` keeps the raw column names (for scripts reading the file back)."""
    frame = labelled_frame(df, columns, lang, include_hidden=include_hidden) if labelled else df
    # QUOTE_ALL: a cell holding a bare CR must not split into a new spreadsheet row.
    return export_frame(frame).to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8-sig")


def _excel_safe(value: Any) -> Any:
    """Drop control characters that the xlsx format cannot store (openpyxl raises on them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx_bytes(df: pd.DataFrame, columns: Any = None, lang: str = "zh", *, sheet: str = "result",
                  include_hidden: bool = False, labelled: bool = True) -> bytes:
    """An Excel workbook of ``df`` (labelled and escaped like the CSV; openpyxl would otherwise
    store formulas), one sheet named ``sheet``."""
    frame = labelled_frame(df, columns, lang, include_hidden=include_hidden) if labelled else df
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        export_frame(frame).map(_excel_safe).to_excel(xw, index=False, sheet_name=_sheet_name(sheet))
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    cleaned = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")
    return cleaned[:31] or "result"


def column_docs(columns: Iterable[Any]) -> list[str]:
    """Markdown table rows (name, type, 中文, English, shown) for docs/queries.md."""
    rows = ["| column | type | 中文 | English | shown |", "|---|---|---|---|---|"]
    for c in columns:
        rows.append(f"| `{c.name}` | {c.type} | {c.zh} | {c.en} | {'hidden' if c.hidden else 'yes'} |")
    return rows
