"""The one generic write path: ``UNWIND $rows MERGE`` on the business key, in chunked transactions.

Nodes are written before relationships by the callers (loaders, extraction). Each chunk is one
managed transaction (``execute_write``), so transient errors (deadlocks, leader switches) are
retried by the driver and a failing chunk leaves nothing of itself behind. Labels and relationship
types come from the allow-lists in :mod:`graph.schema`; every value travels as a parameter.

Callers that know rows are new (a first load of a label) may ``CREATE`` them instead (``create=True``);
node chunks then fall back to ``MERGE`` when the uniqueness constraint finds a key after all. Node
chunks can run in parallel on distinct keys; relationship chunks in lanes split by their hub end.
"""

from __future__ import annotations

import datetime as dt
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from typing import Any

import neo4j
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

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


def node_create_query(label: str, extra_labels: Iterable[str] = ()) -> str:
    """Cypher text for creating rows ``{key, props}`` as new nodes of ``label`` (no existence check).

    Only for keys known to be absent (see ``write_nodes(create=True)``); the label's uniqueness
    constraint still refuses a key that exists, and the writer then falls back to ``MERGE``.
    """
    check_property(key_of(label))
    check_label(label)
    extras = "".join(f":{check_label(x)}" for x in extra_labels)
    return f"UNWIND $rows AS row CREATE (n:{label}{extras}) SET n = row.props RETURN count(n) AS c"


def rel_create_query(rel_type: str, start_label: str, end_label: str) -> str:
    """Cypher text for creating rows ``{start, end, props}`` as new ``rel_type`` relationships.

    No existence check (no ``Expand(Into)``, no merge lock): only for relationships that cannot exist
    yet — see ``write_relationships(create=True)``.
    """
    check_rel_type(rel_type)
    sk, ek = check_property(key_of(start_label)), check_property(key_of(end_label))
    check_label(start_label)
    check_label(end_label)
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{sk}: row.start}}) "
        f"MATCH (b:{end_label} {{{ek}: row.end}}) CREATE (a)-[r:{rel_type}]->(b) SET r = row.props "
        "RETURN count(r) AS c"
    )


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


class _ChunkWriter:
    """Runs one chunk as one managed transaction (driver retries transient errors such as deadlocks,
    re-running the whole chunk after its rollback), with an optional ``MERGE`` fallback: a ``CREATE``
    chunk refused by a uniqueness constraint (a key that exists after all) is rolled back and re-run
    with ``fallback``, and every later chunk of the write uses ``fallback`` too."""

    def __init__(self, query: str, fallback: str | None) -> None:
        self.query = query
        self.fallback = fallback
        self.fell_back = False
        self._lock = threading.Lock()

    @staticmethod
    def _work(tx: neo4j.ManagedTransaction, query: str, chunk: list[dict[str, Any]]) -> int:
        return tx.run(query, rows=chunk).single()["c"]

    def __call__(self, session: neo4j.Session, chunk: list[dict[str, Any]]) -> int:
        query = self.fallback if self.fell_back else self.query
        try:
            return session.execute_write(self._work, query, chunk)
        except ConstraintError:
            if not self.fallback or query == self.fallback:
                raise
            with self._lock:
                self.fell_back = True
            return session.execute_write(self._work, self.fallback, chunk)


def _run_chunks(
    driver: neo4j.Driver,
    query: str,
    rows: Iterable[dict[str, Any]],
    batch_size: int,
    database: str,
    on_chunk: Callable[[int, int], None] | None,
    what: str,
    parallel: int = 1,
    *,
    fallback: str | None = None,
    lane_of: Callable[[dict[str, Any]], Any] | None = None,
    order_of: Callable[[dict[str, Any]], Any] | None = None,
) -> WriteResult:
    result = WriteResult()
    run_chunk = _ChunkWriter(query, fallback)

    def done(i: int, size: int, written: int) -> None:
        nonlocal result
        result += WriteResult(rows=size, written=written, chunks=1)
        if on_chunk:
            on_chunk(i, size)

    if parallel <= 1:
        with driver.session(database=database) as session:
            for i, chunk in enumerate(chunked(rows, batch_size)):
                try:
                    written = run_chunk(session, chunk)
                except (Neo4jError, DriverError) as e:
                    raise _chunk_error(e, what, i, len(chunk), result.chunks) from e
                done(i, len(chunk), written)
        return result
    if lane_of is None:
        chunks = ((None, c) for c in chunked(rows, batch_size))
    else:
        chunks = _lanes(rows, batch_size, parallel, lane_of, order_of)
    return _run_chunks_parallel(driver, run_chunk, chunks, database, what, parallel, done, result)


def _lanes(rows: Iterable[dict[str, Any]], batch_size: int, lanes: int, lane_of: Callable[[dict[str, Any]], Any],
           order_of: Callable[[dict[str, Any]], Any] | None = None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """``(lane, chunk)`` pairs: each row goes to lane ``hash(lane_of(row)) % lanes``, a lane's
    chunk is emitted when it is full (and the rest at the end). Rows sharing a lane key always share a
    lane, so chunks of different lanes never touch the same hub node. Each chunk is sorted by
    ``order_of``: two lanes then take the locks of the ends they share in the same order, which
    leaves far fewer deadlocks to retry."""
    bufs: list[list[dict[str, Any]]] = [[] for _ in range(lanes)]
    for row in rows:
        lane = hash(lane_of(row)) % lanes
        buf = bufs[lane]
        buf.append(row)
        if len(buf) >= batch_size:
            if order_of:
                buf.sort(key=order_of)
            yield lane, buf
            bufs[lane] = []
    for lane, buf in enumerate(bufs):
        if buf:
            if order_of:
                buf.sort(key=order_of)
            yield lane, buf


def _run_chunks_parallel(driver, run_chunk, chunks, database, what, parallel, done, result) -> WriteResult:
    """``parallel`` transactions in flight at once, each in its own session (sessions are not
    thread-safe); at most ``2 × parallel`` chunks are held in memory.

    ``chunks`` yields ``(lane, chunk)``. Lane ``None``: any worker takes any chunk — for node writes
    on distinct keys, which never contend. Lane ``k``: the chunks of a lane run one after the other on
    the lane's own worker, so two concurrent transactions never share the lane's key (the hub end of a
    relationship: an organisation, an IPC code); the other ends can still meet, and a deadlock there is
    a transient error that the driver retries with the chunk rolled back first.
    """

    # Set by the first chunk that fails: queued chunks then never start. Without it a worker freed by
    # the failure would pick the next chunk at once and, with the server gone, spend the driver's
    # whole retry time (~60 s) on it before the load could report the error.
    failed = threading.Event()

    def one(chunk: list[dict[str, Any]]) -> int | None:
        if failed.is_set():
            return None  # skipped: an earlier chunk failed, and that failure is what gets raised
        try:
            with driver.session(database=database) as session:
                return run_chunk(session, chunk)
        except BaseException:
            failed.set()
            raise

    pending: dict[Future, tuple[int, int, int | None]] = {}

    def settle(futures: Iterable[Future]) -> None:
        for fut in futures:
            i, size, _lane = pending.pop(fut)
            try:
                written = fut.result()
            except (Neo4jError, DriverError) as e:
                for other in pending:
                    other.cancel()
                raise _chunk_error(e, what, i, size, result.chunks) from e
            if written is not None:
                done(i, size, written)

    shared = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="chainkg-writer")
    lanes = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"chainkg-lane{k}") for k in range(parallel)]
    try:
        for i, (lane, chunk) in enumerate(chunks):
            if failed.is_set():
                break
            if lane is None:
                busy = list(pending)
                limit = 2 * parallel
            else:
                busy = [f for f, (_i, _n, ln) in pending.items() if ln == lane]
                limit = 2
            while len(busy) >= limit:  # bounded memory: wait for a chunk of this lane (or any) to finish
                finished, _ = wait(busy, return_when=FIRST_COMPLETED)
                settle(finished)
                busy = [f for f in busy if f in pending]
            pool = shared if lane is None else lanes[lane]
            pending[pool.submit(one, chunk)] = (i, len(chunk), lane)
        settle(list(pending))
    finally:
        failed.set()  # anything still queued after an error is skipped
        for pool in (shared, *lanes):
            pool.shutdown(wait=True)
    return result


#: Labels whose nodes many relationships share (an organisation applies for thousands of patents,
#: an IPC group classifies them): concurrent relationship writers are split by these ends.
HUB_LABELS = frozenset({"Organization", "IPC", "ChainNode", "Chain", "Region", "Industry", "Cluster", "Event"})


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
    create: bool = False,
) -> WriteResult:
    """Merge ``records`` (dicts holding the label's key property and other properties) as nodes.

    Each record becomes ``MERGE (n:Label {key: …}) SET n += props``; ``None`` values are skipped.
    Chunks of ``batch_size`` rows are committed one transaction each; ``on_chunk(index, size)`` is
    called after each commit. Raises WriteError naming the failed chunk (which was rolled back).
    ``parallel`` > 1 commits that many chunks concurrently (each its own transaction): safe when the
    records' keys are distinct, as the loaders guarantee; the server then uses more than one core.

    ``create=True`` is for keys the caller knows to be new (a first load of the label): rows are
    ``CREATE``d, skipping the index seek and lock of ``MERGE``. The label's uniqueness constraint
    still guards it: a chunk holding an existing (or repeated) key is refused whole, rolled back and
    re-run with ``MERGE``, as is every chunk after it, so the graph ends the same either way.
    """
    key = key_of(label)
    extras = tuple(extra_labels)
    query = node_merge_query(label, extras)
    fallback = None
    if create:
        query, fallback = node_create_query(label, extras), query

    def rows() -> Iterator[dict[str, Any]]:
        for rec in records:
            props = clean_props(rec)
            if props.get(key) in (None, ""):
                raise WriteError(f"a {label} record has no {key!r}; every node needs its key")
            yield {"key": props[key], "props": props}

    return _run_chunks(driver, query, rows(), batch_size, database, on_chunk, f"{label} nodes", parallel,
                       fallback=fallback)


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
    parallel: int = 1,
    create: bool = False,
) -> WriteResult:
    """Merge relationships from records ``{"start": key, "end": key, "props": {...}}``.

    Endpoints are matched by their labels' key properties; records whose endpoints do not exist are
    counted in ``rows`` but not ``written`` (callers validate references first and report rejects).
    ``merge_key`` names a property that distinguishes parallel relationships (e.g. ``license_id``),
    taken from ``props[merge_key]``.

    ``parallel`` > 1 writes in that many lanes at once, rows split by their hub end (the end whose
    label is in ``HUB_LABELS``, else the start): concurrent chunks never share that node, and a
    deadlock on the other end is retried by the driver after a rollback, so the graph is the one a
    single writer makes. ``create=True`` is only for relationships that cannot exist yet — the caller
    guarantees each has an end created in this load and appears once — and skips ``MERGE``'s check.
    """
    query = rel_create_query(rel_type, start_label, end_label) if create else \
        rel_merge_query(rel_type, start_label, end_label, merge_key)
    hub_end = "end" if end_label in HUB_LABELS and start_label not in HUB_LABELS else "start"

    def rows() -> Iterator[dict[str, Any]]:
        for rec in records:
            props = clean_props(rec.get("props") or {})
            row = {"start": rec["start"], "end": rec["end"], "props": props}
            if merge_key:
                if props.get(merge_key) in (None, ""):
                    raise WriteError(f"a {rel_type} record has no {merge_key!r}, which keys it")
                row["mkey"] = props[merge_key]
            yield row

    return _run_chunks(driver, query, rows(), batch_size, database, on_chunk, f"{rel_type} relationships", parallel,
                       lane_of=operator.itemgetter(hub_end),
                       order_of=operator.itemgetter("start" if hub_end == "end" else "end"))


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
