"""The one generic write path: ``UNWIND $rows MERGE`` on the business key, in chunked transactions.

Nodes are written before relationships by the callers (loaders, extraction). Each chunk is one
managed transaction (``execute_write``), so transient errors (deadlocks, leader switches) are
retried by the driver and a failing chunk leaves nothing of itself behind. Labels and relationship
types come from the allow-lists in :mod:`graph.schema`; every value travels as a parameter.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from graph.errors import ConnectionFailed, WriteError
from graph.schema import ALLOWED_LABELS, REL_TYPES, check_label, check_property, check_rel_type, key_of

DEFAULT_BATCH_SIZE = 5000


@dataclass
class WriteResult:
    """What a write did: rows sent, rows that found their endpoints (relationships), chunks committed."""

    rows: int = 0
    written: int = 0
    chunks: int = 0

    def __iadd__(self, other: WriteResult) -> WriteResult:
        self.rows += other.rows
        self.written += other.written
        self.chunks += other.chunks
        return self


def chunked(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Yield lists of at most ``size`` items, streaming (never materialises ``rows``)."""
    if size < 1:
        raise ValueError("batch size must be >= 1")
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


_CHECKED_NAMES: set[str] = set()  # property names already checked: a load repeats the same few keys per row

try:  # the Bolt wire form of a DATE (what the driver's own date hook produces)
    from neo4j._codec.packstream import Structure as _WireStruct
except ImportError:  # pragma: no cover - a driver that moved it: dates then go through the driver's hook
    _WireStruct = None
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _wire(value: Any) -> Any:
    """A ``datetime.date`` (or a list of them) in its Bolt form: Structure(b"D", days since 1970).

    Why: the driver turns each date into bytes through a Python hook (~35 µs a value), which made
    date packing the largest client cost of a load (0.40 s of 0.47 s to pack 10,000 patent rows);
    handing it the structure directly packs in native code. Values read back are ordinary dates
    (tests/test_writer.py checks the round trip, so a driver change cannot slip by).
    """
    if _WireStruct is None:
        return value
    if type(value) is dt.date:
        return _WireStruct(b"D", value.toordinal() - _EPOCH_ORDINAL)
    if type(value) is list and value and type(value[0]) is dt.date:
        return [_WireStruct(b"D", v.toordinal() - _EPOCH_ORDINAL) if type(v) is dt.date else v for v in value]
    return value


def clean_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values (a missing value never erases what another source wrote), check names,
    and give dates their wire form (see ``_wire``)."""
    out = {k: _wire(v) for k, v in props.items() if v is not None}
    for k in out:
        if k not in _CHECKED_NAMES:
            _CHECKED_NAMES.add(check_property(k))
    return out


def node_merge_query(label: str, extra_labels: Iterable[str] = ()) -> str:
    """Cypher text for merging rows ``{key, props}`` as nodes of ``label`` (allow-listed)."""
    key = check_property(key_of(label))
    check_label(label)
    extras = "".join(f":{check_label(x)}" for x in extra_labels)
    set_extra = f" SET n{extras}" if extras else ""
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props{set_extra} RETURN count(n) AS c"


def rel_merge_query(
    rel_type: str,
    start_label: str,
    end_label: str,
    merge_key: str | None = None,
    *,
    on_create_only: bool = False,
    distinct_ends: bool = False,
) -> str:
    """Cypher text for merging rows ``{start, end, props[, mkey]}`` as ``rel_type`` relationships.

    ``on_create_only`` sets the properties only when the relationship is new (text-derived facts never
    overwrite loaded ones); ``distinct_ends`` skips rows whose two ends are the same node.
    """
    check_rel_type(rel_type)
    sk, ek = check_property(key_of(start_label)), check_property(key_of(end_label))
    check_label(start_label)
    check_label(end_label)
    rel_props = f" {{{check_property(merge_key)}: row.mkey}}" if merge_key else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{sk}: row.start}}) "
        f"MATCH (b:{end_label} {{{ek}: row.end}}) {'WHERE a <> b ' if distinct_ends else ''}"
        f"MERGE (a)-[r:{rel_type}{rel_props}]->(b) {'ON CREATE ' if on_create_only else ''}SET r += row.props "
        "RETURN count(r) AS c"
    )


def _chunk_error(e: Exception, what: str, index: int, size: int, committed: int) -> Exception:
    """The one-line ChainKG error for a failed chunk (rolled back by its managed transaction)."""
    if isinstance(e, Neo4jError):
        return WriteError(
            f"writing {what}: chunk {index + 1} ({size} rows) failed and was rolled back "
            f"({committed} earlier chunks were committed; re-running the load is safe): {e.code}: {e.message}"
        )
    return ConnectionFailed(  # DriverError: server gone mid-load (killed, restarted, network)
        f"lost the connection to Neo4j while writing {what} (chunk {index + 1}; {committed} "
        f"earlier chunks were committed): {e.__class__.__name__}; check the server "
        "(`chainkg server status`), then re-run the same load — it is idempotent"
    )


def _run_chunks(
    driver: neo4j.Driver,
    query: str,
    rows: Iterable[dict[str, Any]],
    batch_size: int,
    database: str,
    on_chunk: Callable[[int, int], None] | None,
    what: str,
    parallel: int = 1,
) -> WriteResult:
    result = WriteResult()

    def work(tx: neo4j.ManagedTransaction, chunk: list[dict[str, Any]]) -> int:
        return tx.run(query, rows=chunk).single()["c"]

    def done(i: int, size: int, written: int) -> None:
        nonlocal result
        result += WriteResult(rows=size, written=written, chunks=1)
        if on_chunk:
            on_chunk(i, size)

    if parallel <= 1:
        with driver.session(database=database) as session:
            for i, chunk in enumerate(chunked(rows, batch_size)):
                try:
                    written = session.execute_write(work, chunk)
                except (Neo4jError, DriverError) as e:
                    raise _chunk_error(e, what, i, len(chunk), result.chunks) from e
                done(i, len(chunk), written)
        return result
    return _run_chunks_parallel(driver, work, rows, batch_size, database, what, parallel, done, result)


def _run_chunks_parallel(driver, work, rows, batch_size, database, what, parallel, done, result) -> WriteResult:
    """``parallel`` transactions in flight at once, each in its own session (sessions are not
    thread-safe); at most ``2 × parallel`` chunks are held in memory. Only for writes whose chunks
    cannot contend for the same locks (node MERGE on disjoint keys): relationship chunks share hot
    endpoints (an IPC group, a big applicant) and would deadlock each other."""

    # Set by the first chunk that fails: queued chunks then never start. Without it a worker freed by
    # the failure would pick the next chunk at once and, with the server gone, spend the driver's
    # whole retry time (~60 s) on it before the load could report the error.
    failed = threading.Event()

    def one(chunk: list[dict[str, Any]]) -> int | None:
        if failed.is_set():
            return None  # skipped: an earlier chunk failed, and that failure is what gets raised
        try:
            with driver.session(database=database) as session:
                return session.execute_write(work, chunk)
        except BaseException:
            failed.set()
            raise

    pending: dict[Future, tuple[int, int]] = {}

    def settle(futures: Iterable[Future]) -> None:
        for fut in futures:
            i, size = pending.pop(fut)
            try:
                written = fut.result()
            except (Neo4jError, DriverError) as e:
                for other in pending:
                    other.cancel()
                raise _chunk_error(e, what, i, size, result.chunks) from e
            if written is not None:
                done(i, size, written)

    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="chainkg-writer") as pool:
        for i, chunk in enumerate(chunked(rows, batch_size)):
            if failed.is_set():
                break
            if len(pending) >= 2 * parallel:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                settle(finished)
            pending[pool.submit(one, chunk)] = (i, len(chunk))
        settle(list(pending))
    return result


def write_nodes(
    driver: neo4j.Driver,
    label: str,
    records: Iterable[Mapping[str, Any]],
    *,
    extra_labels: Iterable[str] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
    database: str = "neo4j",
    on_chunk: Callable[[int, int], None] | None = None,
    parallel: int = 1,
) -> WriteResult:
    """Merge ``records`` (dicts holding the label's key property and other properties) as nodes.

    Each record becomes ``MERGE (n:Label {key: …}) SET n += props``; ``None`` values are skipped.
    Chunks of ``batch_size`` rows are committed one transaction each; ``on_chunk(index, size)`` is
    called after each commit. Raises WriteError naming the failed chunk (which was rolled back).
    ``parallel`` > 1 commits that many chunks concurrently (each its own transaction): safe when the
    records' keys are distinct, as the loaders guarantee; the server then uses more than one core.
    """
    key = key_of(label)
    query = node_merge_query(label, tuple(extra_labels))

    def rows() -> Iterator[dict[str, Any]]:
        for rec in records:
            props = clean_props(rec)
            if props.get(key) in (None, ""):
                raise WriteError(f"a {label} record has no {key!r}; every node needs its key")
            yield {"key": props[key], "props": props}

    return _run_chunks(driver, query, rows(), batch_size, database, on_chunk, f"{label} nodes", parallel)


def write_relationships(
    driver: neo4j.Driver,
    rel_type: str,
    records: Iterable[Mapping[str, Any]],
    *,
    start_label: str,
    end_label: str,
    merge_key: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    database: str = "neo4j",
    on_chunk: Callable[[int, int], None] | None = None,
) -> WriteResult:
    """Merge relationships from records ``{"start": key, "end": key, "props": {...}}``.

    Endpoints are matched by their labels' key properties; records whose endpoints do not exist are
    counted in ``rows`` but not ``written`` (callers validate references first and report rejects).
    ``merge_key`` names a property that distinguishes parallel relationships (e.g. ``license_id``),
    taken from ``props[merge_key]``.
    """
    query = rel_merge_query(rel_type, start_label, end_label, merge_key)

    def rows() -> Iterator[dict[str, Any]]:
        for rec in records:
            props = clean_props(rec.get("props") or {})
            row = {"start": rec["start"], "end": rec["end"], "props": props}
            if merge_key:
                if props.get(merge_key) in (None, ""):
                    raise WriteError(f"a {rel_type} record has no {merge_key!r}, which keys it")
                row["mkey"] = props[merge_key]
            yield row

    return _run_chunks(driver, query, rows(), batch_size, database, on_chunk, f"{rel_type} relationships")


def delete_nodes(
    driver: neo4j.Driver, label: str, keys: Iterable[Any], *, batch_size: int = DEFAULT_BATCH_SIZE, database: str = "neo4j"
) -> int:
    """Detach-delete nodes of ``label`` by key; returns how many were deleted."""
    key = check_property(key_of(label))
    check_label(label)
    query = f"UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) DETACH DELETE n RETURN count(*) AS c"
    total = 0
    with driver.session(database=database) as session:
        for chunk in chunked(keys, batch_size):
            total += session.execute_write(lambda tx, c=chunk: tx.run(query, rows=c).single()["c"])
    return total


def graph_stats(driver: neo4j.Driver, database: str = "neo4j") -> dict[str, dict[str, int]]:
    """Node counts by label and relationship counts by type (from the count store: cheap).

    Runs as a managed read transaction, so it is routed to readers and retried on transient errors.
    """

    def work(tx: neo4j.ManagedTransaction) -> dict[str, dict[str, int]]:
        labels: dict[str, int] = {}
        rels: dict[str, int] = {}
        names = [r["label"] for r in tx.run("CALL db.labels() YIELD label RETURN label")]
        for name in sorted(n for n in names if n in ALLOWED_LABELS):
            labels[name] = tx.run(f"MATCH (n:{check_label(name)}) RETURN count(n) AS c").single()["c"]
        types = [r["relationshipType"] for r in tx.run("CALL db.relationshipTypes() YIELD relationshipType")]
        for t in sorted(t for t in types if t in REL_TYPES):
            rels[t] = tx.run(f"MATCH ()-[r:{check_rel_type(t)}]->() RETURN count(r) AS c").single()["c"]
        return {"nodes": labels, "relationships": rels}

    with driver.session(database=database) as session:
        return session.execute_read(work)
