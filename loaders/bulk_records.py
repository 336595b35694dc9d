"""Turn a source directory (the files ``chainkg load`` reads) into bulk-import files.

The bulk path's reading side goes through the same modules as ``chainkg load``: the readers
(:func:`loaders.readers.open_table`, :func:`~loaders.readers.read_chain_yaml`), header mapping
(:mod:`loaders.headers`), the row validators (:mod:`loaders.validate`, which normalise every value)
and organisation resolution (:class:`loaders.resolve.OrgResolver`); what each record becomes in the
graph comes from :mod:`loaders.mapping`, as for ``chainkg load``, and every file kind of
:data:`loaders.mapping.FILE_ORDER` is read. Instead of writing over Bolt it
hands nodes and relationships to a :class:`loaders.bulk_export.BulkWriter`, then adds in Python what
the Bolt load's derivations (:mod:`graph.derive`) add in Cypher, so an imported store matches a
loaded one: default tier, province/city codes, ``LOCATED_IN``, ``LICENSED_TO`` / ``ASSIGNED_TO``
shortcuts, ``HOLDS`` moved to the assignee of a patent's latest transfer, ``methods`` on declared
``IN_NODE``, and ``MAPS_TO`` by IPC prefix. (``IN_INDUSTRY`` needs the Industry reference nodes of
``chainkg load-reference``; run the derivations after loading those.)

Memory: organisations are kept until the end (their aliases grow as references resolve), plus one
key set per label, one 64-bit hash per relationship (the writer keeps each relationship once, as
the Bolt writer's MERGE does), the holders of transferred patents and the citation pairs — not the rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ChainKGError, InputError
from graph.placement_store import IPC_DERIVATION  # the values graph/derive.py uses
from loaders import normalise as N
from loaders.bulk_export import BulkManifest, BulkWriter
from loaders.bulk_programme import ProgrammeBulk
from loaders.headers import column_cells
from loaders.mapping import GraphWrites, chain_prefixes, chain_writes, ipc_writes, org_node, region_writes
from loaders.pipeline import check_header, find_source_files
from loaders.readers import open_table, read_chain_yaml
from loaders.resolve import OrgResolver
from loaders.validate import RECORD_KEYS, VALIDATORS, Link, Record, Reject, RowContext, RowRejected


@dataclass
class ExportReport:
    """What :func:`export_directory` did: the manifest, rejects (same shape as ``chainkg load``'s) and timings."""

    manifest: BulkManifest
    files_read: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected_by_file(self) -> dict[str, int]:
        """Rejected rows per file (a row with several problems counts once; notes on loaded rows do not count)."""
        rows: dict[str, set[int]] = defaultdict(set)
        for r in self.rejects:
            if "row loaded" not in r.reason:
                rows[r.file].add(r.row)
        return {f: len(v) for f, v in sorted(rows.items())}


class _BulkLoad:
    """One export: the writer, the resolver shared by every file, and what derivations need."""

    def __init__(self, src: Path, writer: BulkWriter, report: ExportReport) -> None:
        self.src, self.w, self.report = src, writer, report
        self.resolver = OrgResolver()  # offline: nothing is known before this load
        self.programme = ProgrammeBulk(find_source_files(src)[1])  # graph/derive_programme.py's rules, in Python
        self.org_props: dict[str, dict[str, Any]] = {}  # declared organisations, merged like SET n += props
        self.used_orgs: set[str] = set()  # organisations some written relationship refers to
        self.prefixes: list[tuple[str, str]] = []  # (IPC string prefix, chain node id)
        self.node_exclude: dict[str, tuple[str, ...]] = {}  # chain node id -> exclusion terms (issue 18)
        self._prefix_owners: Counter[str] | None = None  # prefix -> how many nodes list it
        self._by_subclass: dict[str, list[tuple[str, str]]] | None = None  # prefixes grouped by their first 4 chars
        self.transferred: set[str] = set()  # pub_nos named in transfers.* (their HOLDS wait for the transfers)
        self.pending_holds: dict[str, list[str]] = defaultdict(list)  # pub_no -> holders from patents.*
        self.latest_transfer: dict[str, tuple[Any, str, str, str]] = {}  # pub_no -> (date, id, assignor, assignee)
        self.deferred: list[Link] = []  # links within one file (citations): their end may come later in it
        self.licenses: dict[str, dict[str, Any]] = {}

    # -- writing helpers ------------------------------------------------------------------------
    def link(self, lk: Link) -> None:
        for label, key in ((lk.start_label, lk.start), (lk.end_label, lk.end)):
            if label == "Organization":
                self.used_orgs.add(key)
                self.w.expect_node("Organization", key)  # written at the end, with final aliases
        self.w.add_relationship(lk.rel_type, lk.start_label, lk.start, lk.end_label, lk.end, lk.props, lk.merge_key)

    def write(self, writes: GraphWrites) -> None:
        """Add mapped nodes (with the IPC nodes they need), then their links."""
        if writes.ipc_codes:
            self.ipc(writes.ipc_codes)
        for n in writes.nodes:
            self.w.add_node(n.label, n.props, n.extra_labels)
        for lk in writes.links:
            self.link(lk)

    def ipc(self, codes: list[str]) -> None:
        """IPC nodes with their ancestors and PARENT edges, for codes not added yet."""
        self.write(ipc_writes(codes, lambda code: self.w.has_node("IPC", code)))

    # -- chains and regions ---------------------------------------------------------------------
    def chains(self, paths: list[Path]) -> None:
        for path in paths:
            self.report.files_read.append(f"chains/{path.name}")
            try:
                spec = read_chain_yaml(path)
            except ChainKGError as e:
                self.report.fatal.append(f"chains/{path.name}: {e}")
                continue
            try:
                prefixes = chain_prefixes(spec, f"chains/{path.name}")
            except ChainKGError as e:
                self.report.fatal.append(str(e))  # names the file and the node
                continue
            self.write(chain_writes(spec, prefixes))
            self.prefixes += [(prefix, node_id) for node_id, pairs in prefixes.items() for prefix, _ in pairs]
            self.node_exclude.update({n.node_id: n.exclude for n in spec.nodes})  # graph/derive.py skips these titles

    def regions(self) -> None:
        self.write(region_writes())

    # -- tables ---------------------------------------------------------------------------------
    def rows(self, kind: str, path: Path) -> Iterator[Record]:
        """Valid records of one file (rejects go to the report), mapped exactly as ``chainkg load`` maps them."""
        table = open_table(path)
        hmap = check_header(kind, path, table.header)
        validator, key_name = VALIDATORS[kind], RECORD_KEYS[kind]
        json_keys = {h: hmap.columns[i] for i, h in enumerate(table.header) if hmap.columns.get(i)}
        first_line: dict[str, int] = {}
        for src in table.rows:
            if src.problem:
                self.report.rejects.append(Reject(path.name, src.line, "", src.problem))
                continue
            if isinstance(src.values, dict):
                row = {json_keys[k]: v for k, v in src.values.items() if k in json_keys}
            else:
                row = {hmap.columns[i]: v for i, v in enumerate(src.values or []) if hmap.columns.get(i)}
            ctx = RowContext(path.name, src.line, self.resolver)
            try:
                rec = validator(row, ctx)
            except RowRejected as e:
                self.report.rejects.append(Reject(path.name, src.line, e.field, e.reason))
                continue
            key = rec.node[key_name]
            if key in first_line and not rec.merged:
                self.report.rejects.append(Reject(path.name, src.line, key_name,
                                                  f"duplicate {key_name} {key!r} (first at line {first_line[key]}); row skipped"))
                continue
            first_line.setdefault(key, src.line)
            self.report.rejects += ctx.notes
            yield rec

    def table(self, kind: str, path: Path) -> None:
        self.report.files_read.append(path.name)
        try:
            for rec in self.rows(kind, path):
                self.record(kind, path.name, rec)
        except ChainKGError as e:
            # Like `chainkg load`, a file that cannot be read is fatal for that file only.
            self.report.fatal.append(str(e))

    def record(self, kind: str, file: str, rec: Record) -> None:
        """Add one validated record of any file kind: its node, the IPC nodes it needs, its links."""
        own_key = rec.node[RECORD_KEYS[kind]]
        # References to other nodes of the file's own label (citations) may point further down the
        # file: their links wait for finish(), where the writer counts the ones that still point nowhere.
        missing = [r for r in rec.refs if (r.label != rec.label or r.key == own_key)
                   and not self.w.has_node(r.label, r.key)]
        required = next((r for r in missing if r.required), None)
        if required:
            self.report.rejects.append(Reject(file, rec.line, required.field, f"unknown {required.label} "
                                              f"{required.key!r}: not in this load; add it to the source files"))
            return
        for r in missing:
            if r.report:
                self.report.rejects.append(Reject(file, rec.line, r.field,
                                                  f"unknown {r.label} {r.key!r}; link dropped, row loaded"))
        gone = {(r.label, r.key) for r in missing}
        links = [lk for lk in rec.links if (lk.end_label, lk.end) not in gone and (lk.start_label, lk.start) not in gone]
        if rec.label == "Organization":  # written in finish(), once its aliases are final
            props = self.org_props.setdefault(own_key, {})
            props.update({k: v for k, v in rec.node.items() if v is not None})
            # sub-labels add up like the Bolt writer's SET n:Label (declared as a company, then as a service body)
            props["_extra"] = tuple(dict.fromkeys((*props.get("_extra", ()), *rec.extra_labels)))
        elif not (rec.merged and self.w.has_node(rec.label, own_key)):  # a row adding links to a node added before
            self.programme.before(rec, self.org_props)
            self.w.add_node(rec.label, rec.node, rec.extra_labels)
        if rec.ipc_codes:
            self.ipc(rec.ipc_codes)
        if rec.label == "Patent":
            self.patent_derived(rec)
        for lk in links:
            if (lk.end_label == rec.label and lk.end != own_key) or (lk.start_label == rec.label and lk.start != own_key):
                self.deferred.append(lk)
            elif lk.rel_type == "HOLDS" and lk.end in self.transferred and rec.label == "Patent":
                self.pending_holds[lk.end].append(lk.start)
            elif lk.rel_type == "IN_NODE" and (lk.props or {}).get("method") == "declared":
                self.link(Link(lk.rel_type, lk.start_label, lk.start, lk.end_label, lk.end,
                               {**(lk.props or {}), "methods": ["declared"]}))
            else:
                self.link(lk)
        if rec.label in ("License", "Transfer"):
            self.event_derived(rec)
        for lk in self.programme.after(rec):
            self.link(lk)

    # -- derivations (graph/derive.py, in Python) -----------------------------------------------
    def _prefixes_for(self, code: str) -> list[tuple[str, str]]:
        # Chain prefixes are mostly subclass-level or finer (H01M4/…): group them by the first four
        # characters so each code is compared with a handful of prefixes, not the whole library.
        if self._by_subclass is None:
            self._by_subclass = defaultdict(list)
            for prefix, node_id in self.prefixes:
                self._by_subclass[prefix[:4] if len(prefix) >= 4 else ""].append((prefix, node_id))
        return self._by_subclass.get(code[:4], []) + self._by_subclass.get("", [])

    def patent_derived(self, rec: Record) -> None:
        pub_no, codes = rec.node["pub_no"], rec.node.get("ipc") or []
        evidence: dict[str, str] = {}
        matched: dict[str, set[str]] = defaultdict(set)  # node -> the prefixes its codes matched
        for code in codes:
            for prefix, node_id in self._prefixes_for(code):
                if code.startswith(prefix):
                    evidence[node_id] = min(code, evidence.get(node_id, code))
                    matched[node_id].add(prefix)
        # As graph/derive.py's maps_to_ipc_prefix: chain placement's IPC-only confidence (a group one
        # node lists vs a shared one), no edge when the title has an exclusion term of the node.
        params, title = IPC_DERIVATION, rec.node.get("title") or ""
        if self._prefix_owners is None:
            self._prefix_owners = Counter(pre for pre, _ in set(self.prefixes))
        for node_id, ev in evidence.items():
            if any(x in title for x in self.node_exclude.get(node_id, ())):
                continue
            unique = min(self._prefix_owners[pre] for pre in matched[node_id]) <= 1
            conf, rule = ((params["ipc_unique"], params["rule_unique"]) if unique
                          else (params["ipc_shared"], params["rule_shared"]))
            self.w.add_relationship("MAPS_TO", "Patent", pub_no, "ChainNode", node_id, {
                "confidence": conf, "method": "ipc_prefix", "methods": ["ipc_prefix"], "source": "ipc_prefix",
                "evidence": f"IPC {ev}; rule {rule}", "ipc": ev, "rule": rule})

    def event_derived(self, rec: Record) -> None:
        by_type = {lk.rel_type: lk for lk in rec.links}
        node = rec.node
        if rec.label == "License" and {"LICENSOR", "LICENSEE"} <= set(by_type):
            self.link(Link("LICENSED_TO", "Organization", by_type["LICENSOR"].start, "Organization",
                           by_type["LICENSEE"].end, {"license_id": node["license_id"], "date": node.get("date"),
                                                     "type": node.get("type"), "pub_no": node.get("pub_no")},
                           "license_id"))  # one per licence, as graph/derive.py merges it
        if rec.label == "Transfer" and {"ASSIGNOR", "ASSIGNEE"} <= set(by_type):
            a, b = by_type["ASSIGNOR"].start, by_type["ASSIGNEE"].end
            self.link(Link("ASSIGNED_TO", "Organization", a, "Organization", b,
                           {"transfer_id": node["transfer_id"], "date": node.get("date"), "mode": node.get("mode"),
                            "pub_no": node.get("pub_no")}, "transfer_id"))
            pub = node["pub_no"]
            mine = (node.get("date") or dt.date.min, node["transfer_id"], a, b)
            best = self.latest_transfer.get(pub)
            if best is None or mine[:2] > best[:2]:
                self.latest_transfer[pub] = mine

    def scan_transferred(self, path: Path) -> None:
        """Publication numbers named in the transfers file (cheap pass, no resolution)."""
        try:
            for raw in column_cells(path, "transfers", "pub_no"):
                try:
                    self.transferred.add(N.normalise_pub_no(raw))
                except (ValueError, TypeError):
                    continue
        except ChainKGError:
            return  # the transfers pass reports the problem

    def finish(self) -> None:
        for lk in self.deferred:  # every node of the file is known now
            self.link(lk)
        # HOLDS of transferred patents: the assignee of the latest transfer holds it; its assignor no longer does.
        for pub, holders in self.pending_holds.items():
            last = self.latest_transfer.get(pub)
            keep = [h for h in dict.fromkeys(holders) if not (last and h == last[2] and h != last[3])]
            for h in keep:
                self.link(Link("HOLDS", "Organization", h, "Patent", pub))
        for pub, (_d, _id, _a, assignee) in self.latest_transfer.items():
            if assignee not in self.pending_holds.get(pub, []):
                self.link(Link("HOLDS", "Organization", assignee, "Patent", pub))
        for lk in self.programme.finish(self.org_props, lambda o: getattr(self.resolver.orgs.get(o), "kind", None)):
            self.link(lk)
        for org_id in list(self.org_props) + [o for o in self.resolver.orgs if o in self.used_orgs
                                               and o not in self.org_props]:
            entry = self.resolver.orgs[org_id]
            base = org_node(entry)
            props = {**base.props, **self.org_props.get(org_id, {})}
            extra = props.pop("_extra", base.extra_labels)
            aliases = sorted(entry.aliases)  # final: references may have added spellings
            props["aliases"], props["aliases_text"] = aliases, " ".join(aliases)
            if props.get("tier") is None:
                props["tier"] = "none"
            region = props.get("region_code")
            if region:
                props["province_code"] = N.province_code(region)
                props["city_code"] = N.city_code(region)
            self.w.add_node("Organization", props, extra)
            if region and self.w.has_node("Region", region):
                self.w.add_relationship("LOCATED_IN", "Organization", org_id, "Region", region)


def export_directory(src: Path | str, out_dir: Path | str) -> ExportReport:
    """Read every known source file in ``src`` (as ``chainkg load`` would) and write importer CSV files to ``out_dir``.

    Raises InputError when ``src`` is not a directory or holds none of the known files, or when
    ``out_dir`` already holds an export (the importer reads whole directories). Rejected rows are in
    ``report.rejects``; files that could not be read at all in ``report.fatal``.
    """
    t0 = time.perf_counter()
    src, out = Path(src), Path(out_dir)
    if not src.is_dir():
        raise InputError(f"{src} is not a directory; pass the folder you would give to `chainkg load`")
    if (out / "manifest.json").exists() or (out / "nodes").exists():
        raise InputError(f"{out} already holds bulk files; remove it or choose another output directory")
    chains, tables = find_source_files(src)
    if not chains and not tables:
        raise InputError(f"{src} holds none of the known source files (chains/*.yaml, organizations.csv, patents.csv …)")
    writer = BulkWriter(out, source=str(src.resolve()))
    report = ExportReport(writer.manifest)
    load = _BulkLoad(src, writer, report)
    load.chains(chains)
    if any(kind == "organizations" for kind, _ in tables):
        load.regions()  # `chainkg load` writes the Region reference with an organisations file too
    for kind, path in tables:
        if kind == "transfers":
            load.scan_transferred(path)
    for kind, path in tables:
        load.table(kind, path)
    load.finish()
    report.manifest = writer.finish()
    report.seconds = time.perf_counter() - t0
    return report
