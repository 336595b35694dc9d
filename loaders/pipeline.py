"""Load a directory of source files into the graph: read → validate → resolve → write → derive.

``load_directory`` finds ``chains/*.yaml`` and the table files of every kind the loaders know
(:data:`loaders.mapping.FILE_ORDER`: ``organizations``, ``patents``, ``licenses`` … as
.csv/.tsv/.jsonl/.xlsx), and loads them in dependency order: chains, organisations, patents, then
the files that refer to them. Each file is validated completely (streamed, its records spooled to a
temporary file) before anything of it is written, so a fatal problem writes nothing of that file.
What a record becomes in the graph comes from :mod:`loaders.mapping` (shared with the bulk export);
writes go through :mod:`graph.writer` (nodes before relationships, chunked transactions); the
derivations of :mod:`graph.derive` run at the end.

This module imports no ``neo4j``: it calls graph-side functions with the driver it is given.
"""

from __future__ import annotations

import pickle
import queue
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.derive import run_derivations
from graph.errors import ChainKGError, ConnectionFailed, InputError
from graph.lookup import existing_keys, has_nodes, organization_index
from graph.schema import drop_secondary_indexes, ensure_schema, missing_secondary_indexes
from graph.writer import write_nodes, write_relationships
from loaders.chain_refs import ChainNodeIds
from loaders.headers import FILE_SPECS, HeaderMap, map_headers
from loaders.mapping import (
    FILE_ORDER,
    GraphWrites,
    chain_prefixes,
    chain_writes,
    ipc_writes,
    org_alias_node,
    org_node,
    region_writes,
)
from loaders.readers import TABLE_SUFFIXES, open_table, read_chain_yaml
from loaders.resolve import Merge, OrgEntry, OrgResolver
from loaders.validate import RECORD_KEYS, VALIDATORS, Link, Record, Reject, RowContext, RowRejected

#: progress(file, phase, done, total): phase "validate" (total None) or "write" (total = records).
Progress = Callable[[str, str, int, int | None], None]


@dataclass
class FileReport:
    """What happened to one file."""

    file: str
    kind: str
    rows_read: int = 0
    loaded: int = 0
    rejected: int = 0
    merged: int = 0
    created_orgs: int = 0
    dropped_links: int = 0  # links to targets outside the data (e.g. citations of unknown patents)
    fatal: str | None = None
    seconds: float = 0.0


@dataclass
class LoadReport:
    """The outcome of a load: per-file counts, rejects, merges and derivation counters."""

    directory: str
    files: list[FileReport] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    derived: dict[str, dict[str, int]] = field(default_factory=dict)
    nodes_written: int = 0
    relationships_written: int = 0
    indexes_deferred: list[str] = field(default_factory=list)  # dropped before the writes, rebuilt after
    index_seconds: float = 0.0  # time to rebuild them (included in no file's seconds)
    node_write_seconds: float = 0.0  # wall time inside node writes (every file, chains and reference rows included)
    rel_write_seconds: float = 0.0  # wall time inside relationship writes
    derive_seconds: float = 0.0  # the derivations at the end of the load
    total_seconds: float = 0.0  # the whole load_directory call

    @property
    def nodes_per_s(self) -> float:
        """Node rows per second of node-write time (the write phase alone, without validation)."""
        return self.nodes_written / self.node_write_seconds if self.node_write_seconds else 0.0

    @property
    def rels_per_s(self) -> float:
        """Relationship rows per second of relationship-write time."""
        return self.relationships_written / self.rel_write_seconds if self.rel_write_seconds else 0.0

    @property
    def other_seconds(self) -> float:
        """Reading, validation, resolution and reference checks: the time not spent writing, indexing or deriving."""
        return max(self.total_seconds - self.node_write_seconds - self.rel_write_seconds - self.index_seconds
                   - self.derive_seconds, 0.0)

    @property
    def fatal(self) -> list[str]:
        """Messages of the files that failed as a whole."""
        return [f.fatal for f in self.files if f.fatal]

    @property
    def exit_code(self) -> int:
        """0 all loaded, 1 some rows rejected, 2 a fatal error (DESIGN.md §3)."""
        if self.fatal:
            return 2
        return 1 if self.rejects else 0

    def raise_for_fatal(self) -> None:
        """Raise InputError listing the fatal messages, if any."""
        if self.fatal:
            raise InputError("; ".join(self.fatal))


class _Spool:
    """Records pickled in chunks to a temporary file: bounded memory for any file size."""

    def __init__(self, chunk: int = 5000) -> None:
        self._f: IO[bytes] = tempfile.TemporaryFile(prefix="chainkg-spool-")
        self._buf: list[Any] = []
        self._chunk = chunk
        self.count = 0

    def add(self, item: Any) -> None:
        self._buf.append(item)
        self.count += 1
        if len(self._buf) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            pickle.dump(self._buf, self._f, protocol=pickle.HIGHEST_PROTOCOL)
            self._buf = []

    def __iter__(self) -> Iterator[Any]:
        self._flush()
        self._f.seek(0)
        while True:
            try:
                chunk = pickle.load(self._f)
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self._f.close()


_DONE = object()


def prefetched(items: Iterable[Any], *, chunk: int = 1000, depth: int = 4) -> Iterator[Any]:
    """Iterate ``items`` from a background thread, ``chunk`` items at a time, at most ``depth`` chunks ahead.

    The write phase spends most of its time blocked on the socket while Neo4j runs a chunk (the
    driver releases the GIL there); reading the next rows from the spool meanwhile overlaps the
    two. Order is kept, an exception in ``items`` is re-raised here, and when the consumer stops
    early (a failed write) the thread is told to stop and exits.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            buf: list[Any] = []
            for item in items:
                buf.append(item)
                if len(buf) >= chunk:
                    if not put(buf):
                        return
                    buf = []
            if buf and not put(buf):
                return
            put(_DONE)
        except BaseException as e:  # handed to the consumer, which re-raises it
            put(e)

    thread = threading.Thread(target=produce, name="chainkg-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            got = q.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield from got
    finally:
        stop.set()
        thread.join()


def _pack(rec: Record) -> tuple:
    """A validated record as plain tuples for the spool: pickling dataclasses and NamedTuples
    costs a Python call per object on load; tuples of built-ins are rebuilt in C."""
    return (rec.line, rec.label, rec.extra_labels, rec.node, [tuple(lk) for lk in rec.links],
            [tuple(r) for r in rec.refs], rec.ipc_codes)


def check_header(kind: str, path: Path, header: list[str]) -> HeaderMap:
    """Map a file's header to canonical columns; InputError naming the file, the missing columns,
    the expected columns and the columns found when a required column is missing."""
    spec = FILE_SPECS[kind]
    hmap = map_headers(kind, header)
    missing = hmap.missing(spec)
    if missing:
        raise InputError(
            f"{Path(path).name}: missing required column(s) {', '.join(missing)}; a {kind} file needs "
            f"{', '.join(spec.required)} (optional: {', '.join(spec.optional)}); found: {', '.join(header) or 'nothing'}"
        )
    return hmap


def find_source_files(directory: Path) -> tuple[list[Path], list[tuple[str, Path]]]:
    """Chain YAML files and ``(kind, path)`` of known table files in ``directory``, in load order."""
    chains = sorted((directory / "chains").glob("*.yaml")) + sorted((directory / "chains").glob("*.yml"))
    tables: list[tuple[str, Path]] = []
    for kind in FILE_ORDER:
        for suffix in TABLE_SUFFIXES:
            path = directory / f"{kind}{suffix}"
            if path.is_file():
                tables.append((kind, path))
    return chains, tables


class Loader:
    """One load: the driver, the resolver shared by every file and the accumulating report."""

    def __init__(self, driver: Any, *, database: str, batch_size: int, progress: Progress | None, report: LoadReport,
                 writers: int = 1, rel_writers: int = 1, create_new: bool = False):
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.writers = writers
        self.rel_writers = rel_writers
        self.create_new = create_new  # CREATE a file's nodes and own links when its label is new (see _fresh)
        self.progress = progress
        self.report = report
        self.resolver = OrgResolver(organization_index(driver, database=database))
        self.batch_keys: dict[str, set[str]] = defaultdict(set)  # label -> keys loaded in this run
        self.ipc_written: set[str] = set()
        self._pending_refs: dict[str, set[str]] = defaultdict(set)  # label -> keys to look up after a file
        self.chain_ids = ChainNodeIds(driver, database)  # short chain node ids -> <chain>.<node> keys

    # -- writing helpers ------------------------------------------------------------------------
    def _nodes(self, label: str, records: Iterable[dict[str, Any]], extra: tuple[str, ...] = (), on_chunk=None,
               create: bool = False) -> int:
        t0 = time.perf_counter()
        res = write_nodes(self.driver, label, records, extra_labels=extra, batch_size=self.batch_size,
                          database=self.database, on_chunk=on_chunk, parallel=self.writers, create=create)
        self.report.node_write_seconds += time.perf_counter() - t0
        self.report.nodes_written += res.rows
        return res.rows

    def _rels(self, rel_type: str, start: str, end: str, rows: Iterable[dict[str, Any]], merge_key: str | None = None,
              create: bool = False) -> int:
        t0 = time.perf_counter()
        res = write_relationships(self.driver, rel_type, rows, start_label=start, end_label=end, merge_key=merge_key,
                                  batch_size=self.batch_size, database=self.database, parallel=self.rel_writers,
                                  create=create)
        self.report.rel_write_seconds += time.perf_counter() - t0
        self.report.relationships_written += res.written
        return res.written

    def write_specs(self, writes: GraphWrites, *, count: bool = True) -> dict[str, int]:
        """Write mapped nodes (grouped by label and extra labels), then their links; rows written per label.

        ``count=False`` leaves the report's totals alone (reference data such as regions).
        """
        before = (self.report.nodes_written, self.report.relationships_written, self.report.node_write_seconds,
                  self.report.rel_write_seconds)
        written: dict[str, int] = defaultdict(int)
        for (label, extra), rows in writes.node_groups().items():
            written[label] += self._nodes(label, rows, extra)
        for (rel_type, start, end, mkey), rows in writes.link_groups().items():
            self._rels(rel_type, start, end, rows, mkey)
        if not count:
            (self.report.nodes_written, self.report.relationships_written, self.report.node_write_seconds,
             self.report.rel_write_seconds) = before
        return written

    def write_ipc_codes(self, codes: Iterable[str]) -> None:
        """Ensure IPC nodes (code, level) with PARENT edges up to the section for ``codes``."""
        writes = ipc_writes(codes, self.ipc_written.__contains__)
        if writes.nodes:
            self.write_specs(writes)
            self.ipc_written |= {n.props["code"] for n in writes.nodes}

    def write_orgs(self, entries: list[OrgEntry]) -> None:
        """Organisations known only from references (created during a file) as Organization nodes."""
        nodes = [org_node(e) for e in entries]
        for e in entries:
            e.in_graph = True
        # sorted by sub-label: the same group order on every run
        self.write_specs(GraphWrites(nodes=sorted(nodes, key=lambda n: n.extra_labels)))

    # -- chains ---------------------------------------------------------------------------------
    def load_chains(self, paths: list[Path]) -> None:
        """Load chain YAML files: Chain, ChainNode, HAS_NODE, UPSTREAM_OF, COVERS_IPC (+ IPC nodes)."""
        for path in paths:
            t0 = time.perf_counter()
            fr = FileReport(file=f"chains/{path.name}", kind="chains")
            self.report.files.append(fr)
            try:
                spec = read_chain_yaml(path)
                prefixes = chain_prefixes(spec, fr.file)
            except ChainKGError as e:
                fr.fatal = str(e)
                continue
            fr.rows_read = len(spec.nodes)
            try:
                writes = chain_writes(spec, prefixes)
                self.write_ipc_codes(writes.ipc_codes)
                fr.loaded = self.write_specs(writes)["ChainNode"]
                self.batch_keys["ChainNode"] |= {n.node_id for n in spec.nodes}
            except ConnectionFailed:
                raise  # the server is gone: stop the whole load instead of retrying file after file
            except ChainKGError as e:
                fr.fatal = f"{fr.file}: {e}"
            fr.seconds = time.perf_counter() - t0

    # -- tables ---------------------------------------------------------------------------------
    def load_table(self, kind: str, path: Path) -> None:
        """Validate one table file completely, then write it (nothing is written on a fatal error)."""
        t0 = time.perf_counter()
        fr = FileReport(file=path.name, kind=kind)
        self.report.files.append(fr)
        spool = _Spool()
        rejects: list[Reject] = []
        merges_before = len(self.resolver.merges)
        self.resolver.begin()
        try:
            self._validate(kind, path, fr, spool, rejects)
            routed = self._check_references(kind, fr, spool, rejects)
        except ChainKGError as e:
            fr.fatal = str(e)
            self.resolver.rollback()  # nothing of this file is written, so nothing of it is known
            del self.resolver.merges[merges_before:]
            return
        finally:
            spool.close()
        self.report.rejects += rejects
        fr.rejected = len({r.row for r in rejects if "row loaded" not in r.reason})
        file_merges = self.resolver.merges[merges_before:]
        self.report.merges += file_merges
        fr.merged = len(file_merges)
        try:
            self._write(kind, fr, routed)
        except ConnectionFailed:
            routed.close()
            raise  # the server is gone: stop the whole load instead of retrying file after file
        except ChainKGError as e:
            fr.fatal = f"{path.name}: {e}"
            routed.close()
        fr.seconds = time.perf_counter() - t0

    def _validate(self, kind: str, path: Path, fr: FileReport, spool: _Spool, rejects: list[Reject]) -> None:
        table = open_table(path)
        hmap = check_header(kind, path, table.header)
        validator = VALIDATORS[kind]
        key_name = RECORD_KEYS[kind]
        first_line: dict[str, int] = {}
        label: str | None = None  # the file's main node label, from its records
        self._file_label, self._file_merged = None, False
        declared: list[str] = []  # keys of the nodes this file declares (rows that only add links to a node do not)
        json_keys = {h: hmap.columns[i] for i, h in enumerate(table.header) if hmap.columns.get(i)}
        # (position, column) pairs computed once: building each row's dict is then one comprehension.
        positions = [(i, c) for i, c in sorted(hmap.columns.items()) if c]
        width = len(table.header)
        # Referenced keys not known when the row was read; checked against the graph after the file.
        self._pending_refs: dict[str, set[str]] = defaultdict(set)
        pending, batch_keys = self._pending_refs, self.batch_keys
        progress, name = self.progress, path.name
        for src in table.rows:
            fr.rows_read += 1
            if progress and fr.rows_read % 5000 == 0:
                progress(name, "validate", fr.rows_read, None)
            if src.problem:
                rejects.append(Reject(name, src.line, "", src.problem))
                continue
            values = src.values
            if isinstance(values, dict):  # JSONL: map keys like headers
                row = {json_keys[k]: v for k, v in values.items() if k in json_keys}
            elif len(values) == width:
                row = {c: values[i] for i, c in positions}
            else:
                row = {hmap.columns[i]: v for i, v in enumerate(values or []) if hmap.columns.get(i)}
            ctx = RowContext(name, src.line, self.resolver)
            try:
                rec = validator(row, ctx)
            except RowRejected as e:
                rejects.append(Reject(name, src.line, e.field, e.reason))
                continue
            key = rec.node[key_name]
            if key in first_line and not rec.merged:
                rejects.append(Reject(name, src.line, key_name,
                                      f"duplicate {key_name} {key!r} (first at line {first_line[key]}); row skipped"))
                continue
            first_line.setdefault(key, src.line)
            label = rec.label
            if rec.merged:
                self._file_merged = True
            if not rec.merged:
                declared.append(key)
            if ctx.notes:
                rejects += ctx.notes
            self.chain_ids.qualify(rec, batch_keys["ChainNode"], fr, rejects)
            for ref in rec.refs:
                if ref.key not in batch_keys[ref.label]:
                    pending[ref.label].add(ref.key)
            spool.add(_pack(rec))
        if progress:
            progress(name, "validate", fr.rows_read, fr.rows_read)
        self._file_label = label
        if label:  # nodes this file declares are known to the references of its own rows and of later files
            self.batch_keys[label].update(declared)

    def _check_references(self, kind: str, fr: FileReport, spool: _Spool, rejects: list[Reject]) -> _Routed:
        # Which referenced keys exist neither in this load nor in the graph? The candidates were
        # collected while validating; keys of this file itself (e.g. citations of a patent further
        # down the same file) are in batch_keys by now.
        wanted = {label: keys - self.batch_keys[label] for label, keys in self._pending_refs.items()}
        self._pending_refs = defaultdict(set)
        found = {label: existing_keys(self.driver, label, keys, database=self.database) for label, keys in wanted.items()
                 if keys}
        missing_keys = {label: keys - found.get(label, set()) for label, keys in wanted.items()}
        missing_keys = {label: keys for label, keys in missing_keys.items() if keys}
        # One pass: drop what points nowhere and route nodes and links into one spool per write
        # group (plain tuples: cheap to pickle, and each group is then read exactly once).
        routed = _Routed()
        routed.fresh = self._fresh()
        for line, label, extra, node, links, refs, ipc_codes in spool:
            if missing_keys and refs:
                missing = [r for r in refs if r[1] in missing_keys.get(r[0], ())]
            else:
                missing = None
            if missing:
                required = [r for r in missing if r[3]]
                if required:
                    r = required[0]
                    rejects.append(Reject(fr.file, line, r[2],
                                          f"unknown {r[0]} {r[1]!r}: not in this load nor in the graph; load it first"))
                    continue
                gone = {(r[0], r[1]) for r in missing}
                for r in missing:
                    if r[4]:
                        rejects.append(Reject(fr.file, line, r[2], f"unknown {r[0]} {r[1]!r}; link dropped, row loaded"))
            else:
                gone = None
            routed.node(label, extra, node)
            if ipc_codes:
                routed.ipc.update(ipc_codes)
            if routed.fresh:
                links = _own_links_once(links, label, node[RECORD_KEYS[kind]])
            for lk in links:
                # lk: (rel_type, start_label, start, end_label, end, props, merge_key[, new])
                if gone and ((lk[3], lk[4]) in gone or (lk[1], lk[2]) in gone):
                    fr.dropped_links += 1
                    continue
                routed.link(lk)
        return routed

    def _fresh(self) -> bool:
        """Whether the file being loaded may CREATE its nodes and own links instead of MERGEing them.

        True when ``create_new`` is on, every record declares its own node (no row adds to another
        row's node: ``merged`` records) and the label has no node in the graph yet — so none of the
        file's keys (distinct within the file: duplicates are rejects) and none of the relationships
        touching them can exist. Checked before anything of the file is written.
        """
        label = self._file_label
        if not (self.create_new and label) or self._file_merged:
            return False
        return not has_nodes(self.driver, label, database=self.database)

    def _write(self, kind: str, fr: FileReport, routed: _Routed) -> None:
        created = self.resolver.take_created(routed.used_orgs)
        self.write_orgs(created)
        fr.created_orgs = len(created)
        self.write_ipc_codes(routed.ipc)
        done = 0
        total = routed.node_count

        def tick(_i: int, n: int) -> None:
            nonlocal done
            done += n
            if self.progress:
                self.progress(fr.file, "write", done, total)

        for (label, extra), rows in sorted(routed.nodes.items()):
            fr.loaded += self._nodes(label, prefetched(rows), extra, on_chunk=tick, create=routed.fresh)
        for (rel_type, start, end, mkey, new), rows in sorted(routed.links.items(),
                                                              key=lambda g: (*g[0][:3], g[0][3] or "", g[0][4])):
            self._rels(rel_type, start, end, prefetched({"start": a, "end": b, "props": p or {}} for a, b, p in rows), mkey,
                       create=new)
        for (label, _extra), rows in routed.nodes.items():
            if label == "Organization":  # declared organisations are in the graph now
                for node in rows:
                    self.resolver.orgs[node["org_id"]].in_graph = True
        updates = self.resolver.take_alias_updates()
        if updates:
            self.write_specs(GraphWrites(nodes=[org_alias_node(e) for e in updates]))
        if self.progress:
            self.progress(fr.file, "write", total, total)
        routed.close()


def _own_links_once(links: list[tuple], label: str, key: Any) -> list[tuple]:
    """A fresh file's record's links, each once, those that cannot exist yet marked ``new``.

    A link is new when the record's own node — created by this load — is its start, or its end with
    a start of another label: then no other record can produce the same link (a link between two
    nodes of the file's label is only new from the record of its start). A link repeated within the
    record is kept once with the properties a repeated ``MERGE … SET r += props`` would leave (later
    values win, missing values do not erase). Other links are left to ``MERGE``.
    """
    out: dict[tuple, tuple] = {}
    for lk in links:
        rel_type, start_label, start, end_label, end, props, merge_key = lk[:7]
        ident = (rel_type, start_label, start, end_label, end, merge_key,
                 (props or {}).get(merge_key) if merge_key else None)
        new = (start_label == label and start == key) or (end_label == label and end == key and start_label != label)
        seen = out.get(ident)
        if seen is not None:
            if props:
                merged = dict(seen[5] or {})
                merged.update((k, v) for k, v in props.items() if v is not None)
                props = merged
            else:
                props = seen[5]
        out[ident] = (rel_type, start_label, start, end_label, end, props, merge_key, new)
    return list(out.values())


class _Routed:
    """One file's validated output, split into spools by write group."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[str, tuple[str, ...]], _Spool] = {}
        self.links: dict[tuple[str, str, str, str | None, bool], _Spool] = {}
        self.fresh = False  # the file's nodes (and its links marked new) are CREATEd: see Loader._fresh
        self.ipc: set[str] = set()
        self.used_orgs: set[str] = set()
        self.node_count = 0

    def node(self, label: str, extra: tuple[str, ...], props: dict[str, Any]) -> None:
        # get-then-create: setdefault(key, _Spool()) would open a temporary file on every call
        spool = self.nodes.get((label, extra))
        if spool is None:
            spool = self.nodes[(label, extra)] = _Spool()
        spool.add(props)
        self.node_count += 1

    def link(self, lk: Link | tuple) -> None:
        """Route one link, a ``Link`` or its plain tuple (rel_type, start_label, start, end_label, end, props,
        merge_key), optionally followed by ``new``: True when it cannot exist yet (``_own_links_once``)."""
        rel_type, start_label, start, end_label, end, props, merge_key = lk[:7]
        key = (rel_type, start_label, end_label, merge_key, len(lk) > 7 and lk[7])
        spool = self.links.get(key)
        if spool is None:
            spool = self.links[key] = _Spool()
        spool.add((start, end, props))
        if start_label == "Organization":
            self.used_orgs.add(start)
        if end_label == "Organization":
            self.used_orgs.add(end)

    def close(self) -> None:
        for spool in (*self.nodes.values(), *self.links.values()):
            spool.close()


#: How long a load waits for rebuilt indexes to come online (full text over millions of patents).
INDEX_BUILD_WAIT_SECONDS = 3600

#: Node-writing transactions in flight at once.
DEFAULT_WRITERS = 2

#: Relationship-writing lanes in flight at once (rows split by their hub end: see graph.writer).
DEFAULT_REL_WRITERS = 2


def should_defer_indexes(driver: Any, database: str, mode: str | bool) -> bool:
    """Whether to build the secondary indexes after the writes instead of during them.

    ``"auto"`` defers on a first load — the database holds no Patent yet — where rebuilding the
    indexes once costs far less than maintaining them row by row; on a graph that already has data a
    rebuild would re-index everything for a small delta, so indexes stay. ``True``/``"on"`` and
    ``False``/``"off"`` force the choice.
    """
    if isinstance(mode, bool):
        return mode
    if mode in ("on", "off"):
        return mode == "on"
    if mode != "auto":
        raise ValueError(f"defer_indexes must be auto, on or off, not {mode!r}")
    return not has_nodes(driver, "Patent", database=database)


def load_directory(
    driver: Any,
    path: str | Path,
    *,
    database: str = "neo4j",
    batch_size: int = 5000,
    progress: Progress | None = None,
    defer_indexes: str | bool = "auto",
    writers: int = DEFAULT_WRITERS,
    rel_writers: int = DEFAULT_REL_WRITERS,
    create_new: bool = True,
    derive: bool = True,
) -> LoadReport:
    """Load every known source file in ``path`` and run the derivations; return a LoadReport.

    Files are loaded in dependency order (chains, organisations, patents, licences, transfers,
    open licences, achievements, demands). A file with a fatal problem (unreadable, missing
    required column) is skipped whole and reported in ``report.fatal``; rejected rows are in
    ``report.rejects``. Raises InputError when ``path`` is not a directory or holds no known file.

    ``defer_indexes`` (auto/on/off, see :func:`should_defer_indexes`) drops the secondary indexes
    before the writes and rebuilds them before the derivations — also when the load fails, so a
    failed load never leaves the graph without them. ``writers`` node chunks are written concurrently,
    and relationships in ``rel_writers`` lanes. ``create_new`` CREATEs (instead of MERGEs) a file's nodes
    and the links that can only be new when its label has no node yet (see ``Loader._fresh``).
    The report times the node writes, relationship writes, index rebuild and derivations apart;
    ``derive=False`` skips the derivations (benchmarks of the write path only; a graph loaded so lacks
    the derived links until the next load).
    """
    started = time.perf_counter()
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory; give the folder holding organizations.csv, patents.csv …")
    chains, tables = find_source_files(directory)
    if not chains and not tables:
        names = ", ".join(f"{k}.csv" for k in FILE_ORDER)
        raise InputError(f"{directory}: no known source files; expected chains/*.yaml or any of {names} (.jsonl/.xlsx too)")
    report = LoadReport(directory=str(directory))
    loader = Loader(driver, database=database, batch_size=batch_size, progress=progress, report=report, writers=writers,
                    rel_writers=rel_writers, create_new=create_new)
    # Indexes missing at the start (a first load, or one that died before rebuilding them) are built
    # after the writes too, so every load leaves the schema complete.
    report.indexes_deferred = missing_secondary_indexes(driver, database)
    if should_defer_indexes(driver, database, defer_indexes):
        report.indexes_deferred += drop_secondary_indexes(driver, database)
    try:
        loader.load_chains(chains)
        if any(kind == "organizations" for kind, _ in tables):
            # the Region reference organisations are located in (not counted as loaded rows)
            loader.write_specs(region_writes(), count=False)
        for kind, table_path in tables:
            loader.load_table(kind, table_path)
    except BaseException:
        if report.indexes_deferred:
            try:
                _rebuild_indexes(driver, database, report, None)
            except Exception:  # noqa: BLE001 - the load's own error is the one to report; the next load rebuilds
                pass
        raise
    if report.indexes_deferred:
        _rebuild_indexes(driver, database, report, progress)
    t0 = time.perf_counter()
    if derive:
        report.derived = run_derivations(driver, database=database, batch_size=batch_size)
    report.derive_seconds = time.perf_counter() - t0
    report.total_seconds = time.perf_counter() - started
    return report


def _rebuild_indexes(driver: Any, database: str, report: LoadReport, progress: Progress | None) -> None:
    """Recreate the deferred indexes and wait until they are online (populating them is the cost)."""
    started = time.perf_counter()
    if progress:
        progress("indexes", "build", 0, len(report.indexes_deferred))
    ensure_schema(driver, database, wait_seconds=INDEX_BUILD_WAIT_SECONDS)
    report.index_seconds = time.perf_counter() - started
    if progress:
        progress("indexes", "build", len(report.indexes_deferred), len(report.indexes_deferred))
