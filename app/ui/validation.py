"""Validation preview before a load: per file its kind, rows, mapped columns, and the rows a load would reject.

Uses the loaders' own readers and header mapping (pure Python, no graph access), so what the preview
calls missing is what `chainkg load` would refuse. The loader's full normalisation (dates, codes)
may reject a few more rows; those appear in the load report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graph.errors import ChainKGError

#: Rows read per file for the preview (a planner's upload is small; huge files use `chainkg load`).
PREVIEW_ROW_LIMIT = 200_000


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and pd.isna(v))


def preview_file(path: Path) -> tuple[dict, list[dict]]:
    """One file's summary row and its reject rows (file, row, field, reason)."""
    from loaders.headers import FILE_SPECS, map_headers
    from loaders.readers import open_table, read_chain_yaml

    summary = {"file": path.name, "kind": "", "rows": 0, "valid": 0, "rejected": 0, "status": "ok", "columns": ""}
    rejects: list[dict] = []
    if path.suffix in (".yaml", ".yml"):
        summary["kind"] = "chain"
        try:
            spec = read_chain_yaml(path)
            summary["rows"] = summary["valid"] = len(getattr(spec, "nodes", []))
        except ChainKGError as e:
            summary["status"] = str(e)
        return summary, rejects
    kind = path.stem.lower()
    if kind not in FILE_SPECS:
        summary["status"] = f"unknown file name; expected one of {', '.join(f + '.csv' for f in FILE_SPECS)}"
        return summary, rejects
    summary["kind"] = kind
    spec = FILE_SPECS[kind]
    try:
        table = open_table(path)
    except ChainKGError as e:
        summary["status"] = str(e)
        return summary, rejects
    hmap = map_headers(kind, table.header)
    summary["columns"] = ", ".join(sorted(hmap.canonical))
    missing = hmap.missing(spec)
    if missing:
        summary["status"] = f"missing required column(s) {', '.join(missing)}; the file would not load"
        return summary, rejects
    for n, row in enumerate(table.rows):
        if n >= PREVIEW_ROW_LIMIT:
            summary["status"] = f"preview stopped after {PREVIEW_ROW_LIMIT:,} rows"
            break
        summary["rows"] += 1
        if row.problem:
            rejects.append({"file": path.name, "row": row.line, "field": "", "reason": row.problem})
            continue
        if isinstance(row.values, dict):
            by_canon = {hmap.columns.get(i): row.values.get(h) for i, h in enumerate(table.header)}
        else:
            by_canon = {hmap.columns.get(i): v for i, v in enumerate(row.values or [])}
        empty = [c for c in spec.required if _blank(by_canon.get(c))]
        if empty:
            rejects.append({"file": path.name, "row": row.line, "field": ", ".join(empty), "reason": "required value is empty"})
        else:
            summary["valid"] += 1
    summary["rejected"] = summary["rows"] - summary["valid"]
    return summary, rejects


def preview_directory(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary (one row per file) and rejects for every table and chain file under ``folder``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".csv", ".tsv", ".jsonl", ".xlsx", ".yaml", ".yml"))
    summaries, rejects = [], []
    for path in files:
        s, r = preview_file(path)
        summaries.append(s)
        rejects.extend(r)
    return pd.DataFrame(summaries), pd.DataFrame(rejects, columns=["file", "row", "field", "reason"])
