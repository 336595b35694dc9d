"""How the CLI writes result frames: table, CSV (UTF-8 with BOM), JSON or Excel, to stdout or a file.

CSV and xlsx come from app/export.py (shared with the app's download buttons; no streamlit), so a
file from the CLI opens in Excel exactly like one downloaded from the app: Chinese readable, formula
cells escaped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import pandas as pd

from graph.errors import ConfigError

FORMATS = ["table", "csv", "json", "xlsx"]


def format_option(f):
    """The shared ``--format``, ``-o/--out`` and ``--headers`` options of commands that print a frame."""
    f = click.option("--headers", type=click.Choice(["names", "zh", "en"]), default="names", show_default=True,
                     help="CSV/xlsx column headings: result names, or the query's Chinese / English labels.")(f)
    f = click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write to this file instead of stdout (needed for xlsx on a terminal).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="csv is UTF-8 with a BOM (Excel reads Chinese); xlsx is an Excel workbook.")(f)
    return f


def frame_bytes(df: pd.DataFrame, fmt: str, headers: str = "names", sheet: str = "result") -> bytes:
    """``df`` as csv / json / xlsx bytes (lists become "a; b" cells in csv and xlsx)."""
    from app.export import to_csv_bytes, to_xlsx_bytes

    labelled = headers != "names"
    lang = "en" if headers == "en" else "zh"
    if fmt == "csv":
        return to_csv_bytes(df, lang=lang, labelled=labelled, include_hidden=not labelled)
    if fmt == "xlsx":
        return to_xlsx_bytes(df, lang=lang, labelled=labelled, include_hidden=not labelled, sheet=sheet)
    if fmt == "json":
        return (json.dumps(df.to_dict("records"), ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    raise ConfigError(f"format {fmt!r} is not a file format; use csv, json or xlsx")


def emit_frame(df: pd.DataFrame, fmt: str, out: Path | None = None, headers: str = "names",
               sheet: str = "result") -> None:
    """Write ``df`` in ``fmt`` (not table) to ``out`` or stdout; xlsx refuses to write to a terminal."""
    data = frame_bytes(df, fmt, headers, sheet)
    if out is not None:
        out.write_bytes(data)
        click.echo(f"wrote {len(df):,} rows to {out}", err=True)
        return
    if fmt == "xlsx" and sys.stdout.isatty():
        raise ConfigError("xlsx is binary: add -o result.xlsx (or redirect stdout to a file)")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
