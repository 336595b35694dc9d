"""Turn a source directory (the files ``chainkg load`` reads) into bulk-import files.

This is the bulk path's reading side: it streams ``chains/*.yaml``, ``organizations.csv``,
``patents.csv``, ``licenses.csv``, ``transfers.csv``, ``open_licenses.csv``, ``achievements.jsonl``
and ``demands.jsonl`` through the loaders' normalisers (:mod:`loaders.normalise`) and hands nodes
and relationships to a :class:`loaders.bulk_export.BulkWriter`, with the same keys and derived edges
the Bolt load writes (docs/CONTRACTS.md): IPC ancestors with ``PARENT``, ``MAPS_TO`` by IPC prefix
(method ``ipc_prefix``, confidence 0.9), ``IN_NODE`` from declared ``chain_nodes``, licence and
transfer events with the ``LICENSED_TO`` / ``ASSIGNED_TO`` shortcuts and ``HOLDS`` for assignees.

Rows that fail normalisation are counted per file and left out; run ``chainkg load`` on a sample
to see the full rejects table. Memory grows with the number of distinct keys (a set per label and
the name → org_id map), not with the number of rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.errors import InputError
from loaders import normalise as nz
from loaders.bulk_export import BulkManifest, BulkWriter

_KIND_LABEL = {"company": "Company", "university": "University", "institute": "Institute", "government": "Government"}
_SME_SIZES = {"medium", "small", "micro"}


@dataclass
class ExportReport:
    """What :func:`export_directory` did: the manifest plus rows skipped per file with sample reasons."""

    manifest: BulkManifest
    files_read: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)


def _event_id(prefix: str, *parts: Any) -> str:
    text = "|".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _opt(fn: Callable[[Any], Any], value: Any) -> Any:
    """Normalise an optional cell: blank → None, otherwise ``fn(value)`` (which may raise ValueError)."""
    return None if nz.is_blank(value) else fn(value)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) from a UTF-8 CSV or JSONL file; row numbers count data rows from 1."""
    try:
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8-sig") as fh:
                for i, line in enumerate(fh, 1):
                    if line.strip():
                        yield i, json.loads(line)
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                yield from enumerate(csv.DictReader(fh), 1)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: cannot be read as UTF-8 CSV/JSONL ({e}); convert it to UTF-8 first") from e


class _Exporter:
    def __init__(self, src: Path, writer: BulkWriter, report: ExportReport) -> None:
        self.src, self.w, self.report = src, writer, report
        self.org_by_name: dict[str, str] = {}  # name_norm (and alias norms) -> org_id
        self.prefixes: list[tuple[str, str]] = []  # (ipc prefix, chain node id)

    # -- helpers ----------------------------------------------------------------------------------
    def skip(self, file: str, row: int, reason: str) -> None:
        self.report.skipped[file] += 1
        self.report.reasons.setdefault(file, f"row {row}: {reason}")

    def ipc_node(self, code: str) -> None:
        if self.w.has_node("IPC", code):
            return
        parsed = nz.parse_ipc(code)
        self.w.add_node("IPC", {"code": parsed.code, "level": parsed.level})
        if parsed.parents:
            self.ipc_node(parsed.parents[0])
            self.w.add_relationship("PARENT", "IPC", parsed.code, "IPC", parsed.parents[0])

    def org_ref(self, raw: Any) -> str:
        """org_id for a reference (credit code or name); unknown names become stub organisations."""
        text = str(raw).strip()
        if nz.looks_like_credit_code(text):
            try:
                code = nz.normalise_credit_code(text)
                if self.w.has_node("Organization", code):
                    return code
            except ValueError:
                pass
        norm = nz.normalise_org_name(text)
        org_id = self.org_by_name.get(norm)
        if org_id is None:
            org_id = nz.org_id_for_name(norm)
            kind = nz.guess_org_kind(text)
            self.w.add_node("Organization", {"org_id": org_id, "name": nz.clean_org_name(text), "name_norm": norm,
                                             "kind": kind}, [_KIND_LABEL[kind]])
            self.org_by_name[norm] = org_id
        return org_id

    def files(self, name: str) -> Path | None:
        path = self.src / name
        if path.exists():
            self.report.files_read.append(name)
            return path
        return None

    # -- sources ----------------------------------------------------------------------------------
    def chains(self) -> None:
        for path in sorted((self.src / "chains").glob("*.y*ml")):
            self.report.files_read.append(f"chains/{path.name}")
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8"))
                chain_id, nodes = doc["id"], doc["nodes"]
            except (yaml.YAMLError, KeyError, TypeError) as e:
                raise InputError(f"{path}: not a chain definition (needs id, name, nodes): {e}") from e
            self.w.add_node("Chain", {"chain_id": chain_id, "name": doc.get("name"), "description": doc.get("description")})
            for node in nodes:
                covers = []
                for raw in node.get("ipc") or []:
                    prefix, code = nz.normalise_ipc_prefix(raw)
                    self.prefixes.append((prefix, node["id"]))
                    covers.append((prefix, code))
                self.w.add_node("ChainNode", {
                    "node_id": node["id"], "chain_id": chain_id, "name": node.get("name"),
                    "segment": node.get("segment"), "keywords": list(node.get("keywords") or []),
                    "ipc_prefixes": [p for p, _ in covers],
                })
                self.w.add_relationship("HAS_NODE", "Chain", chain_id, "ChainNode", node["id"])
                for _, code in covers:
                    self.ipc_node(code)
                    self.w.add_relationship("COVERS_IPC", "ChainNode", node["id"], "IPC", code)
            for node in nodes:
                for up in node.get("upstream") or []:
                    self.w.add_relationship("UPSTREAM_OF", "ChainNode", up, "ChainNode", node["id"])

    def organizations(self) -> None:
        path = self.files("organizations.csv")
        if not path:
            return
        placements: list[tuple[str, str]] = []
        for i, row in _rows(path):
            try:
                name, former = nz.split_former_name(row["name"])
                norm = nz.normalise_org_name(name)
                credit = _opt(nz.normalise_credit_code, row.get("credit_code") or row.get("org_id"))
                kind = _opt(nz.normalise_kind, row.get("kind")) or nz.guess_org_kind(name)
                size = _opt(nz.normalise_size, row.get("size"))
                region = _opt(nz.normalise_region, row.get("region"))
                aliases = former + nz.split_list(row.get("aliases"))
                props = {
                    "org_id": credit or nz.org_id_for_name(norm), "name": name, "name_norm": norm,
                    "credit_code": credit, "kind": kind, "size": size,
                    "is_sme": kind == "company" and size in _SME_SIZES,
                    "tier": _opt(nz.normalise_tier, row.get("tier")) or "none",
                    "region_code": region, "province_code": region and nz.province_code(region),
                    "city_code": region and nz.city_code(region), "listed_code": row.get("listed_code") or None,
                    "industry_code": _opt(nz.normalise_industry_code, row.get("industry_code")),
                    "founded": _opt(nz.normalise_date, row.get("founded")),
                    "aliases": aliases, "aliases_text": " ".join(aliases) or None,
                    "profile": row.get("profile") or None, "products": row.get("products") or None,
                }
            except (KeyError, ValueError) as e:
                self.skip("organizations.csv", i, str(e))
                continue
            if self.w.add_node("Organization", props, [_KIND_LABEL[kind]]):
                for n in [norm, *(nz.normalise_org_name(a) for a in aliases)]:
                    self.org_by_name.setdefault(n, props["org_id"])
                placements += [(props["org_id"], node) for node in nz.split_list(row.get("chain_nodes"))]
        for org_id, node in placements:
            self.w.add_relationship("IN_NODE", "Organization", org_id, "ChainNode", node,
                                    {"method": "declared", "confidence": 1.0, "source": "organizations.csv",
                                     "methods": ["declared"]})

    def patents(self) -> None:
        path = self.files("patents.csv")
        if not path:
            return
        cites: list[tuple[str, str]] = []
        for i, row in _rows(path):
            try:
                pub_no = nz.normalise_pub_no(row["pub_no"])
                codes = [nz.parse_ipc(c) for c in nz.split_list(row.get("ipc"))]
                props = {
                    "pub_no": pub_no, "title": row.get("title") or None, "abstract": row.get("abstract") or None,
                    "app_no": _opt(nz.normalise_app_no, row.get("app_no")),
                    "kind": _opt(nz.normalise_patent_kind, row.get("kind")) or nz.kind_from_pub_no(pub_no),
                    "status": _opt(nz.normalise_patent_status, row.get("status")) or nz.status_from_pub_no(pub_no)
                    or "unknown",
                    "ipc": [c.code for c in codes], "ipc_main": codes[0].code if codes else None,
                    "filed": _opt(nz.normalise_date, row.get("filed")),
                    "published": _opt(nz.normalise_date, row.get("published")),
                    "granted": _opt(nz.normalise_date, row.get("granted")),
                }
                applicants = [self.org_ref(a) for a in nz.split_list(row.get("applicants"))]
                holders = [self.org_ref(h) for h in nz.split_list(row.get("holders"))] or applicants
            except (KeyError, ValueError) as e:
                self.skip("patents.csv", i, str(e))
                continue
            if not self.w.add_node("Patent", props):
                continue
            for org in dict.fromkeys(applicants):
                self.w.add_relationship("APPLICANT_OF", "Organization", org, "Patent", pub_no)
            for org in dict.fromkeys(holders):
                self.w.add_relationship("HOLDS", "Organization", org, "Patent", pub_no)
            mapped = set()
            for c in codes:
                self.ipc_node(c.code)
                self.w.add_relationship("CLASSIFIED_AS", "Patent", pub_no, "IPC", c.code)
                for prefix, node in self.prefixes:
                    if c.code.startswith(prefix) and node not in mapped:
                        mapped.add(node)
                        self.w.add_relationship("MAPS_TO", "Patent", pub_no, "ChainNode", node,
                                                {"method": "ipc_prefix", "confidence": 0.9, "source": "ipc",
                                                 "evidence": c.code, "methods": ["ipc_prefix"]})
            for cited in nz.split_list(row.get("cites")):
                try:
                    cites.append((pub_no, nz.normalise_pub_no(cited)))
                except ValueError:
                    self.skip("patents.csv", i, f"cites: not a publication number {cited!r}")
        # Cited patents may come later in the file, so citations are written after all patents.
        for a, b in cites:
            self.w.add_relationship("CITES", "Patent", a, "Patent", b)

    def events(self, file: str, label: str, key: str, roles: tuple[str, str], shortcut: str,
               normalise_row: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        path = self.files(file)
        if not path:
            return
        src_col, dst_col = ("licensor", "licensee") if label == "License" else ("assignor", "assignee")
        for i, row in _rows(path):
            try:
                pub_no = nz.normalise_pub_no(row["pub_no"])
                start, end = self.org_ref(row[src_col]), self.org_ref(row[dst_col])
                props = normalise_row(row)
                props[key] = row.get(key) or _event_id(key[:3].upper(), pub_no, start, end, props.get("date"))
            except (KeyError, ValueError) as e:
                self.skip(file, i, str(e))
                continue
            if not self.w.has_node("Patent", pub_no):
                self.skip(file, i, f"patent {pub_no} is not in patents.csv")
                continue
            if not self.w.add_node(label, props):
                continue
            eid = props[key]
            self.w.add_relationship(roles[0], "Organization", start, label, eid)
            self.w.add_relationship(roles[1], label, eid, "Organization", end)
            self.w.add_relationship("OF", label, eid, "Patent", pub_no)
            extra = {k: props.get(k) for k in ("date", "type", "mode")}
            self.w.add_relationship(shortcut, "Organization", start, "Organization", end,
                                    {key: eid, "pub_no": pub_no, **extra})
            if label == "Transfer":
                self.w.add_relationship("HOLDS", "Organization", end, "Patent", pub_no)

    def open_licenses(self) -> None:
        path = self.files("open_licenses.csv")
        if not path:
            return
        for i, row in _rows(path):
            try:
                pub_no = nz.normalise_pub_no(row["pub_no"])
                props = {"offer_id": row.get("offer_id") or _event_id("OFF", pub_no, row.get("declared")),
                         "fee_terms": row.get("fee_terms") or None, "field_of_use": row.get("field_of_use") or None,
                         "declared": _opt(nz.normalise_date, row.get("declared")), "pub_no": pub_no}
            except (KeyError, ValueError) as e:
                self.skip("open_licenses.csv", i, str(e))
                continue
            if self.w.has_node("Patent", pub_no) and self.w.add_node("OpenLicenseOffer", props):
                self.w.add_relationship("OFFERED", "Patent", pub_no, "OpenLicenseOffer", props["offer_id"])
            elif not self.w.has_node("Patent", pub_no):
                self.skip("open_licenses.csv", i, f"patent {pub_no} is not in patents.csv")

    def texts(self) -> None:
        for file, label, key, owner_col, owner_rel in (
            ("achievements.jsonl", "Achievement", "ach_id", "owner", "OWNS"),
            ("demands.jsonl", "Demand", "demand_id", "poster", "POSTED"),
        ):
            path = self.files(file)
            if not path:
                continue
            for i, row in _rows(path):
                try:
                    props = {key: row.get(key) or _event_id(key[:3].upper(), row["title"], row["description"]),
                             "title": row["title"], "description": row["description"]}
                    extra: list[str] = []
                    if label == "Achievement":
                        props |= {"trl": _opt(nz.normalise_trl, row.get("trl")), "field": row.get("field") or None,
                                  "transfer_modes": nz.split_list(row.get("transfer_modes"))}
                    else:
                        props |= {"kind": _opt(nz.normalise_demand_kind, row.get("kind")) or "demand",
                                  "budget": _opt(nz.normalise_amount, row.get("budget")),
                                  "deadline": _opt(nz.normalise_date, row.get("deadline"))}
                        extra = ["Challenge"] if props["kind"] == "challenge" else []
                    owner = _opt(self.org_ref, row.get(owner_col))
                except (KeyError, ValueError) as e:
                    self.skip(file, i, str(e))
                    continue
                if not self.w.add_node(label, props, extra):
                    continue
                if owner:
                    self.w.add_relationship(owner_rel, "Organization", owner, label, props[key])
                for ref in nz.split_list(row.get("patents")):
                    self.w.add_relationship("BACKED_BY", label, props[key], "Patent", nz.normalise_pub_no(ref))
                for who in nz.split_list(row.get("responders")):
                    self.w.add_relationship("RESPONDED", "Organization", self.org_ref(who), label, props[key])


def _license_props(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": _opt(nz.normalise_license_type, row.get("type")), "date": _opt(nz.normalise_date, row.get("date")),
            "fee": _opt(nz.normalise_amount, row.get("fee")), "record_no": row.get("record_no") or None}


def _transfer_props(row: dict[str, Any]) -> dict[str, Any]:
    return {"mode": _opt(nz.normalise_transfer_mode, row.get("mode")), "date": _opt(nz.normalise_date, row.get("date")),
            "record_no": row.get("record_no") or None}


def export_directory(src: Path | str, out_dir: Path | str) -> ExportReport:
    """Read every known source file in ``src`` and write importer CSV files to ``out_dir``.

    Raises InputError when ``src`` is not a directory or holds none of the known files, or when
    ``out_dir`` already holds an export (delete it first: the importer reads whole directories).
    """
    src, out = Path(src), Path(out_dir)
    if not src.is_dir():
        raise InputError(f"{src} is not a directory; pass the folder you would give to `chainkg load`")
    if (out / "manifest.json").exists() or (out / "nodes").exists():
        raise InputError(f"{out} already holds bulk files; remove it or choose another output directory")
    writer = BulkWriter(out, source=str(src.resolve()))
    report = ExportReport(writer.manifest)
    ex = _Exporter(src, writer, report)
    ex.chains()
    ex.organizations()
    ex.patents()
    ex.events("licenses.csv", "License", "license_id", ("LICENSOR", "LICENSEE"), "LICENSED_TO", _license_props)
    ex.events("transfers.csv", "Transfer", "transfer_id", ("ASSIGNOR", "ASSIGNEE"), "ASSIGNED_TO", _transfer_props)
    ex.open_licenses()
    ex.texts()
    if not report.files_read:
        raise InputError(f"{src} holds none of the known source files (organizations.csv, patents.csv, chains/*.yaml, …)")
    report.manifest = writer.finish()
    return report
