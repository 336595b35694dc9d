"""Validation preview before a load: per file its kind, rows, recognised columns, and the rows a load
would reject; plus what a file of each kind must contain (for the column table and the templates).

Uses the loaders' own readers and header mapping (pure Python, no graph access, no streamlit), so
what the preview calls missing is what `chainkg load` would refuse. The loader's full normalisation
(dates, codes) may reject a few more rows; those appear in the load report. Statuses and reasons are
codes (``ok``, ``missing_columns``, ``empty_value`` …) with their details, so the page words them in
the user's language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from graph.errors import ChainKGError

#: Rows read per file for the preview (a planner's upload is small; huge files use `chainkg load`).
PREVIEW_ROW_LIMIT = 200_000
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".xlsx")
CHAIN_KIND = "chains"

#: Words in a file name that tell its kind (checked in this order: 开放许可 before 许可, 质押 before 专利).
NAME_HINTS: list[tuple[str, str]] = [
    ("开放许可", "open_licenses"), ("open_licen", "open_licenses"), ("质押", "pledges"), ("pledge", "pledges"),
    ("活动参与", "event_participants"), ("参与方", "event_participants"), ("participant", "event_participants"),
    ("集群成员", "cluster_members"), ("园区成员", "cluster_members"), ("member", "cluster_members"),
    ("技术经理人", "tech_managers"), ("manager", "tech_managers"), ("服务机构", "service_bodies"), ("service", "service_bodies"),
    ("许可", "licenses"), ("licen", "licenses"), ("转让", "transfers"), ("transfer", "transfers"),
    ("成果", "achievements"), ("achievement", "achievements"), ("需求", "demands"), ("揭榜", "demands"), ("demand", "demands"),
    ("成交", "deals"), ("交易", "deals"), ("deal", "deals"), ("梯度", "tiers"), ("小巨人", "tiers"), ("专精特新", "tiers"),
    ("tier", "tiers"), ("集群", "clusters"), ("园区", "clusters"), ("cluster", "clusters"),
    ("深度行", "events"), ("对接会", "events"), ("活动", "events"), ("event", "events"),
    ("专利", "patents"), ("patent", "patents"), ("机构", "organizations"), ("企业", "organizations"),
    ("单位", "organizations"), ("org", "organizations"), ("compan", "organizations"),
]


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and pd.isna(v))


def file_kinds() -> list[str]:
    """The table kinds the loaders know (read from loaders.headers at call time, so new kinds appear)."""
    from loaders.headers import FILE_SPECS

    return list(FILE_SPECS)


def kind_columns(kind: str) -> pd.DataFrame:
    """A kind's columns: name, required (bool) and the other header names accepted for it."""
    from loaders.headers import FILE_SPECS, HEADER_ALIASES

    spec = FILE_SPECS[kind]
    aliases = HEADER_ALIASES.get(kind, {})
    rows = [{"column": c, "required": c in spec.required,
             "aliases": "、".join(a for a in aliases.get(c, ())[:6] if not re.fullmatch(r"[a-z_ ]+", a))}
            for c in spec.columns]
    return pd.DataFrame(rows, columns=["column", "required", "aliases"])


def template_frame(kind: str) -> pd.DataFrame:
    """An empty table with a kind's columns (required first), for a template download."""
    from loaders.headers import FILE_SPECS

    return pd.DataFrame(columns=list(FILE_SPECS[kind].columns))


def guess_kind(filename: str, header: list[str] | None = None) -> str | None:
    """The kind a file most likely holds: its name when it is a kind (``patents.csv``), else a word
    in its name (``专利清单.csv`` → patents), else the kind whose required columns its header has
    (most recognised columns wins); None when nothing fits."""
    from loaders.headers import FILE_SPECS, map_headers

    path = Path(filename)
    if path.suffix.lower() in (".yaml", ".yml"):
        return CHAIN_KIND
    stem = path.stem.lower()
    if stem in FILE_SPECS:
        return stem
    for word, kind in NAME_HINTS:
        if word in stem and kind in FILE_SPECS:
            return kind
    if header:
        best, best_n = None, 0
        for kind, spec in FILE_SPECS.items():
            hmap = map_headers(kind, header)
            if not hmap.missing(spec) and len(hmap.canonical) > best_n:
                best, best_n = kind, len(hmap.canonical)
        return best
    return None


def read_header(path: Path) -> list[str] | None:
    """A table file's header (None when it cannot be read)."""
    from loaders.readers import open_table

    try:
        return list(open_table(path).header)
    except (ChainKGError, OSError, ValueError):
        return None


def preview_file(path: Path, kind: str | None = None, display_name: str | None = None) -> tuple[dict, list[dict]]:
    """One file's summary row and its reject rows (file, row, field, reason, detail).

    ``kind`` defaults to the file's stem; ``display_name`` is the name the user uploaded. The
    summary's ``status`` is a code: ``ok``, ``unknown_kind``, ``unreadable``, ``missing_columns``
    (``detail``: the columns) or ``stopped`` (``detail``: the row limit); reject ``reason`` codes are
    ``bad_row`` (``detail``: the reader's text) and ``empty_value``.
    """
    from loaders.headers import FILE_SPECS, map_headers
    from loaders.readers import open_table, read_chain_yaml

    name = display_name or path.name
    summary = {"file": name, "kind": kind or "", "rows": 0, "valid": 0, "rejected": 0, "status": "ok", "detail": "",
               "columns": ""}
    rejects: list[dict] = []
    if path.suffix in (".yaml", ".yml"):
        summary["kind"] = CHAIN_KIND
        try:
            spec = read_chain_yaml(path)
            summary["rows"] = summary["valid"] = len(getattr(spec, "nodes", []))
        except ChainKGError as e:
            summary["status"], summary["detail"] = "unreadable", str(e)
        return summary, rejects
    kind = kind or path.stem.lower()
    if kind not in FILE_SPECS:
        summary["status"], summary["detail"] = "unknown_kind", ", ".join(FILE_SPECS)
        return summary, rejects
    summary["kind"] = kind
    spec = FILE_SPECS[kind]
    try:
        table = open_table(path)
    except ChainKGError as e:
        summary["status"], summary["detail"] = "unreadable", str(e)
        return summary, rejects
    hmap = map_headers(kind, table.header)
    summary["columns"] = ", ".join(sorted(hmap.canonical))
    missing = hmap.missing(spec)
    if missing:
        summary["status"], summary["detail"] = "missing_columns", ", ".join(missing)
        return summary, rejects
    for n, row in enumerate(table.rows):
        if n >= PREVIEW_ROW_LIMIT:
            summary["status"], summary["detail"] = "stopped", f"{PREVIEW_ROW_LIMIT:,}"
            break
        summary["rows"] += 1
        if row.problem:
            rejects.append({"file": name, "row": row.line, "field": "", "reason": "bad_row", "detail": row.problem})
            continue
        if isinstance(row.values, dict):
            by_canon = {hmap.columns.get(i): row.values.get(h) for i, h in enumerate(table.header)}
        else:
            by_canon = {hmap.columns.get(i): v for i, v in enumerate(row.values or [])}
        empty = [c for c in spec.required if _blank(by_canon.get(c))]
        if empty:
            rejects.append({"file": name, "row": row.line, "field": ", ".join(empty), "reason": "empty_value", "detail": ""})
        else:
            summary["valid"] += 1
    summary["rejected"] = summary["rows"] - summary["valid"]
    return summary, rejects


def preview_directory(folder: Path, names: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary (one row per file) and rejects for every table and chain file under ``folder``;
    ``names`` maps a stored file name to the name the user uploaded it as."""
    names = names or {}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TABLE_SUFFIXES + (".yaml", ".yml"))
    summaries, rejects = [], []
    for path in files:
        s, r = preview_file(path, display_name=names.get(path.name))
        summaries.append(s)
        rejects.extend(r)
    return pd.DataFrame(summaries), pd.DataFrame(rejects, columns=["file", "row", "field", "reason", "detail"])
