"""Reference-table loaders: IPC scheme (zh/en), GB/T 4754-2017, 战新–IPC (2021) and regions.

Model (docs/loading.md):
- IPC: ``(:IPC {code, level, title_zh, title_en})-[:PARENT]->(:IPC)`` up to the section. The zh
  file gives titles and parents; the en file (WIPO 14-character codes) adds ``title_en``.
- GB/T 4754-2017: ``(:Industry {code, name, level, level_name, section, remark, scheme})`` with
  ``PARENT`` to the parent code (门类 A … 小类 4 digits; ``code`` without the section letter except
  for 门类 themselves).
- 战略性新兴产业 (SEI): one ``Industry`` node per SEI code, keyed ``SEI-1.1`` (``SEI-1`` for the nine
  top-level groups, named when ``sei_industries.csv`` sits beside the link file), ``scheme`` =
  ``SEI-2018``, ``PARENT`` to the top group, and ``(:Industry)-[:COVERS_IPC {rules, source}]->(:IPC)``
  per (SEI code, IPC code) pair (``rules`` = the SEI rule ids that link them). IPC nodes missing from
  the scheme are created with their parents.
- Regions: ``(:Region {code, name, level})-[:PART_OF]->(:Region)`` from data/regions/cn_regions.csv.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.writer import write_nodes, write_relationships
from loaders import normalise as N
from loaders.readers import open_table
from loaders.validate import Reject

REFERENCE_KINDS = ("ipc-zh", "ipc-en", "gbt4754", "sei-ipc", "regions")
SEI_SCHEME = "SEI-2018"
GBT_SCHEME = "GB/T 4754-2017"


@dataclass
class ReferenceReport:
    """Counts of one reference load."""

    kind: str
    file: str
    rows_read: int = 0
    nodes: int = 0
    relationships: int = 0
    rejects: list[Reject] = field(default_factory=list)


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    table = open_table(path)
    missing = [c for c in required if c not in table.header]
    if missing:
        raise InputError(f"{path.name}: missing column(s) {', '.join(missing)}; expected {', '.join(required)}; "
                         f"found {', '.join(table.header)}")
    for src in table.rows:
        if src.values is None:
            continue
        values = src.values if isinstance(src.values, dict) else dict(zip(table.header, src.values, strict=False))
        yield src.line, values


def _clean_title(text: str | None) -> str | None:
    if not text:
        return None
    # PDF extraction left NBSPs and spaces between CJK characters in the CNIPA titles.
    return N.clean_org_name(text.replace("\u00a0", " ")) or None


def load_ipc_zh(driver: Any, path: Path, *, database: str = "neo4j", batch_size: int = 5000) -> ReferenceReport:
    """IPC scheme with Chinese titles (``code, level, title_zh, parent_code``)."""
    rep = ReferenceReport("ipc-zh", path.name)
    nodes: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []
    for line, row in _rows(path, ("code", "title_zh")):
        rep.rows_read += 1
        try:
            parsed = N.parse_ipc(row["code"])
        except ValueError as e:
            rep.rejects.append(Reject(path.name, line, "code", str(e)))
            continue
        nodes.append({"code": parsed.code, "level": parsed.level, "title_zh": _clean_title(row.get("title_zh"))})
        if parsed.parents:
            parents.append({"start": parsed.code, "end": parsed.parents[0]})
    rep.nodes = write_nodes(driver, "IPC", nodes, batch_size=batch_size, database=database).rows
    rep.relationships = write_relationships(driver, "PARENT", parents, start_label="IPC", end_label="IPC",
                                            batch_size=batch_size, database=database).written
    return rep


def load_ipc_en(driver: Any, path: Path, *, database: str = "neo4j", batch_size: int = 5000) -> ReferenceReport:
    """IPC English titles: TAB-separated, no header, ``code<TAB>title`` (WIPO 14-char or plain codes)."""
    rep = ReferenceReport("ipc-en", path.name)
    by_code: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, start=1):
            code, _, title = line.rstrip("\n").partition("\t")
            if not code.strip():
                continue
            rep.rows_read += 1
            try:
                parsed = N.parse_ipc(code)
            except ValueError as e:
                rep.rejects.append(Reject(path.name, line_no, "code", str(e)))
                continue
            by_code[parsed.code] = {"code": parsed.code, "level": parsed.level, "title_en": title.strip() or None,
                                    "_parent": parsed.parents[0] if parsed.parents else None}
    nodes = [{k: v for k, v in n.items() if k != "_parent"} for n in by_code.values()]
    rep.nodes = write_nodes(driver, "IPC", nodes, batch_size=batch_size, database=database).rows
    rels = [{"start": c, "end": n["_parent"]} for c, n in by_code.items() if n["_parent"]]
    rep.relationships = write_relationships(driver, "PARENT", rels, start_label="IPC", end_label="IPC",
                                            batch_size=batch_size, database=database).written
    return rep


def load_gbt4754(driver: Any, path: Path, *, database: str = "neo4j", batch_size: int = 5000) -> ReferenceReport:
    """GB/T 4754-2017 national industry classification → Industry nodes with PARENT edges."""
    rep = ReferenceReport("gbt4754", path.name)
    nodes, rels = [], []
    for line, row in _rows(path, ("code", "name")):
        rep.rows_read += 1
        code = re.sub(r"\s", "", str(row["code"] or ""))
        if not re.fullmatch(r"[A-T]|\d{2,4}", code) or not row.get("name"):
            rep.rejects.append(Reject(path.name, line, "code", f"not a GB/T 4754 code with a name: {code!r}"))
            continue
        level = row.get("level")
        nodes.append({
            "code": code, "name": N.nfkc(row["name"]), "level": int(level) if str(level or "").isdigit() else None,
            "level_name": row.get("level_name") or None, "section": row.get("section") or None,
            "remark": row.get("remark") or None, "scheme": GBT_SCHEME,
        })
        parent = (row.get("parent_code") or "").strip()
        if parent:
            rels.append({"start": code, "end": parent})
    rep.nodes = write_nodes(driver, "Industry", nodes, batch_size=batch_size, database=database).rows
    rep.relationships = write_relationships(driver, "PARENT", rels, start_label="Industry", end_label="Industry",
                                            batch_size=batch_size, database=database).written
    return rep


def sei_industry_code(sei_code: str) -> str:
    """Industry key of a 战略性新兴产业 code: ``1.1`` → ``SEI-1.1`` (kept apart from GB/T codes)."""
    return f"SEI-{sei_code.strip()}"


def load_sei_ipc(driver: Any, path: Path, *, database: str = "neo4j", batch_size: int = 5000) -> ReferenceReport:
    """战略性新兴产业分类与国际专利分类参照关系表 (2021) → SEI Industry nodes + COVERS_IPC to IPC."""
    rep = ReferenceReport("sei-ipc", path.name)
    industries: dict[str, dict[str, Any]] = {}
    tops: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], set[int]] = defaultdict(set)
    ipc_codes: set[str] = set()
    for line, row in _rows(path, ("sei_code", "sei_name", "ipc_code")):
        rep.rows_read += 1
        try:
            ipc = N.parse_ipc(row["ipc_code"])
        except ValueError as e:
            rep.rejects.append(Reject(path.name, line, "ipc_code", str(e)))
            continue
        sei = str(row["sei_code"]).strip()
        if not re.fullmatch(r"\d+(\.\d+)*", sei):
            rep.rejects.append(Reject(path.name, line, "sei_code", f"not an SEI code: {sei!r}"))
            continue
        code = sei_industry_code(sei)
        top = sei.split(".")[0]
        industries.setdefault(code, {"code": code, "name": N.nfkc(row["sei_name"]), "level": sei.count(".") + 1,
                                     "scheme": SEI_SCHEME, "sei_code": sei, "_parent": sei_industry_code(top)})
        tops.setdefault(top, {"code": sei_industry_code(top), "level": 1, "scheme": SEI_SCHEME, "sei_code": top})
        rule = str(row.get("sei_rule_id") or "").strip()
        links[(code, ipc.code)].add(int(rule) if rule.isdigit() else 0)
        ipc_codes.add(ipc.code)
        ipc_codes.update(ipc.parents)
    names = path.parent / "sei_industries.csv"
    if names.is_file():  # level-1 names (新一代信息技术产业 …) live only in the companion file
        for _line, row in _rows(names, ("sei_top_code", "sei_top_name_external")):
            top = str(row["sei_top_code"]).strip()
            if top in tops and row.get("sei_top_name_external"):
                tops[top]["name"] = N.nfkc(row["sei_top_name_external"])
    # IPC nodes the scheme may not have (older codes): create with level and parents.
    ipc_nodes = [{"code": c, "level": N.parse_ipc(c).level} for c in sorted(ipc_codes)]
    # code and level only (SET n += props), so titles loaded from the scheme survive
    write_nodes(driver, "IPC", ipc_nodes, batch_size=batch_size, database=database)
    write_relationships(driver, "PARENT", ({"start": c["code"], "end": N.parse_ipc(c["code"]).parents[0]}
                                           for c in ipc_nodes if N.parse_ipc(c["code"]).parents),
                        start_label="IPC", end_label="IPC", batch_size=batch_size, database=database)
    nodes = list(tops.values()) + [{k: v for k, v in n.items() if k != "_parent"} for n in industries.values()]
    rep.nodes = write_nodes(driver, "Industry", nodes, batch_size=batch_size, database=database).rows
    rep.relationships = write_relationships(
        driver, "PARENT", [{"start": c, "end": n["_parent"]} for c, n in industries.items() if n["_parent"] != c],
        start_label="Industry", end_label="Industry", batch_size=batch_size, database=database).written
    rep.relationships += write_relationships(
        driver, "COVERS_IPC",
        ({"start": code, "end": ipc, "props": {"rules": sorted(r), "source": "sei_ipc_2021"}}
         for (code, ipc), r in sorted(links.items())),
        start_label="Industry", end_label="IPC", batch_size=batch_size, database=database).written
    return rep


def region_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Region nodes and PART_OF rows from the shipped region table (data/regions/cn_regions.csv)."""
    table = N.region_table()
    nodes = [{"code": r.code, "name": r.name, "level": r.level} for r in table.values()]
    rels = [{"start": r.code, "end": r.parent} for r in table.values() if r.parent]
    return nodes, rels


def load_regions(driver: Any, *, database: str = "neo4j", batch_size: int = 5000) -> ReferenceReport:
    """Region nodes (province/city/district) with PART_OF edges (idempotent; ~3,200 nodes)."""
    nodes, rels = region_records()
    rep = ReferenceReport("regions", "data/regions/cn_regions.csv")
    rep.rows_read = len(nodes)
    rep.nodes = write_nodes(driver, "Region", nodes, batch_size=batch_size, database=database).rows
    rep.relationships = write_relationships(driver, "PART_OF", rels, start_label="Region", end_label="Region",
                                            batch_size=batch_size, database=database).written
    return rep


def load_reference(
    driver: Any, kind: str, path: str | Path | None = None, *, database: str = "neo4j", batch_size: int = 5000
) -> ReferenceReport:
    """Load one reference table: ``kind`` ∈ ipc-zh, ipc-en, gbt4754, sei-ipc (need ``path``), regions."""
    if kind == "regions":
        return load_regions(driver, database=database, batch_size=batch_size)
    loaders = {"ipc-zh": load_ipc_zh, "ipc-en": load_ipc_en, "gbt4754": load_gbt4754, "sei-ipc": load_sei_ipc}
    if kind not in loaders:
        raise InputError(f"unknown reference kind {kind!r}; use one of {', '.join(REFERENCE_KINDS)}")
    if path is None:
        raise InputError(f"reference kind {kind!r} needs a FILE argument")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    return loaders[kind](driver, path, database=database, batch_size=batch_size)

