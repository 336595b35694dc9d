"""Backup and restore of the graph as JSON Lines, plus a content fingerprint for equality checks.

File format (one JSON object per line, UTF-8, optionally gzip-compressed when the name ends in ``.gz``):

* line 1, the header: ``{"format": "chainkg-dump", "version": 1, "created": …, "database": …, "key_prefix": …}``
* node lines: ``{"node": "Organization", "key": "9132…", "labels": ["Company"], "props": {…}}`` —
  the primary label (from :data:`graph.schema.NODE_KEYS`), its key value, the other labels, and every
  property (the key included);
* relationship lines: ``{"rel": "LICENSED_TO", "start": ["Organization", "…"], "end": ["Organization", "…"],
  "props": {…}}`` — a relationship is identified by its type, its endpoints' keys and, for the types
  in :data:`REL_MERGE_KEYS`, the merge key property (e.g. ``license_id``);
* the last line: ``{"end": true, "nodes": N, "relationships": M, "checksum": …}`` so a truncated file
  is detected, and an altered one (the checksum is :class:`FingerprintBuilder`'s, over the records).

Lines are canonical JSON (sorted keys, compact). The graph is read in pages keyed by each label's
business key (:data:`DEFAULT_PAGE_SIZE` nodes per short read transaction) and written line by line,
so a dump's memory does not grow with the graph.

Values that JSON cannot carry exactly are tagged objects (Neo4j properties are never maps, so a
dict is always a tag): ``{"$date": "2024-01-31"}``, ``{"$datetime": "…+08:00", "tz": "Asia/Shanghai"}``,
``{"$localdatetime": …}``, ``{"$time": …}``, ``{"$localtime": …}``, ``{"$duration": [months, days,
seconds, nanoseconds]}``, ``{"$point": [srid, x, y(, z)]}``, ``{"$bytes": base64}``,
``{"$float": "NaN" | "Infinity" | "-Infinity"}``. Lists are encoded element by element.

Restore validates the whole file first (nothing is written from a broken, truncated or altered
file), then merges nodes before relationships with ``UNWIND $rows MERGE … SET x = row.props`` in
chunked managed transactions, so it is idempotent, retried on transient errors, and a re-run after a
failure is safe. Its memory is bounded by the batch size (at most one start label's part-filled
batches wait). :func:`verify_restore` compares the restored graph with the file.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import neo4j
import neo4j.spatial
import neo4j.time
import pytz
from neo4j.exceptions import DriverError, Neo4jError

from graph.errors import ConnectionFailed, InputError, WriteError
from graph.schema import (
    ALLOWED_LABELS,
    NODE_KEYS,
    REL_TYPES,
    check_label,
    check_property,
    check_rel_type,
)
from graph.writer import DEFAULT_BATCH_SIZE, chunked

FORMAT = "chainkg-dump"
VERSION = 1
#: How the end line's ``checksum`` is made (see :class:`FingerprintBuilder`); announced in the header.
CHECKSUM_KIND = "sha256-sum-canonical"

#: Relationship types whose parallel instances between the same two nodes are told apart by a
#: property (licences and transfers repeat between the same organisations). Every other type has at
#: most one relationship per (start, end) pair in the ChainKG model.
REL_MERGE_KEYS: dict[str, str] = {"LICENSED_TO": "license_id", "ASSIGNED_TO": "transfer_id"}

# A map projection of every key property, built from the allow-list (no user text).
_KEY_PROJECTION = "{" + ", ".join(f".{k}" for k in sorted(set(NODE_KEYS.values()))) + "}"

_POINT_CLASSES = {7203: neo4j.spatial.CartesianPoint, 9157: neo4j.spatial.CartesianPoint,
                  4326: neo4j.spatial.WGS84Point, 4979: neo4j.spatial.WGS84Point}


# ---------------------------------------------------------------------------------------------
# typed values <-> JSON


def encode_value(value: Any) -> Any:
    """Turn a Neo4j property value into JSON-safe data that :func:`decode_value` restores exactly."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "NaN"}
        if math.isinf(value):
            return {"$float": "Infinity" if value > 0 else "-Infinity"}
        return value
    # Exact type check: neo4j Duration and Point are tuple subclasses with tags of their own.
    if type(value) in (list, tuple):
        return [encode_value(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, neo4j.spatial.Point):
        return {"$point": [value.srid, *[float(c) for c in value]]}
    if isinstance(value, (neo4j.time.DateTime, dt.datetime)):
        if not isinstance(value, neo4j.time.DateTime):
            value = neo4j.time.DateTime.from_native(value)
        if value.tzinfo is None:
            return {"$localdatetime": value.iso_format()}
        out: dict[str, Any] = {"$datetime": value.iso_format()}
        zone = getattr(value.tzinfo, "zone", None)  # pytz named zone, e.g. "Asia/Shanghai"
        if zone is None and hasattr(value.tzinfo, "key"):  # zoneinfo.ZoneInfo
            zone = value.tzinfo.key
        if zone and not _is_fixed_offset(value.tzinfo):
            out["tz"] = zone
        return out
    if isinstance(value, (neo4j.time.Date, dt.date)):
        return {"$date": value.isoformat() if isinstance(value, dt.date) else value.iso_format()}
    if isinstance(value, (neo4j.time.Time, dt.time)):
        if not isinstance(value, neo4j.time.Time):
            value = neo4j.time.Time.from_native(value)
        return {"$time" if value.tzinfo is not None else "$localtime": value.iso_format()}
    if isinstance(value, (neo4j.time.Duration, dt.timedelta)):
        if isinstance(value, dt.timedelta):
            value = neo4j.time.Duration(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
        return {"$duration": [value.months, value.days, value.seconds, value.nanoseconds]}
    raise InputError(f"cannot dump a property value of type {type(value).__name__}: {value!r:.80}")


def _is_fixed_offset(tz: dt.tzinfo) -> bool:
    # pytz.utc is how the driver returns a "Z" offset; it is an offset, not a named zone.
    return isinstance(tz, (pytz._FixedOffset, dt.timezone)) or tz is pytz.utc


def decode_value(value: Any) -> Any:
    """Inverse of :func:`encode_value`; raises InputError on an unknown tag."""
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 0:
        raise InputError("an empty object is not a property value")
    tag = next(iter(value))
    raw = value[tag]
    try:
        if tag == "$date":
            return neo4j.time.Date.from_iso_format(raw)
        if tag == "$localdatetime":
            return neo4j.time.DateTime.from_iso_format(raw)
        if tag == "$datetime":
            local = neo4j.time.DateTime.from_iso_format(raw)
            if "tz" in value:
                return local.astimezone(pytz.timezone(value["tz"]))
            return local
        if tag == "$localtime" or tag == "$time":
            return neo4j.time.Time.from_iso_format(raw)
        if tag == "$duration":
            months, days, seconds, nanos = raw
            return neo4j.time.Duration(months=months, days=days, seconds=seconds, nanoseconds=nanos)
        if tag == "$point":
            srid, *coords = raw
            return _POINT_CLASSES[srid](coords)
        if tag == "$bytes":
            return base64.b64decode(raw, validate=True)
        if tag == "$float":
            return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[raw]
    except (ValueError, TypeError, KeyError, pytz.UnknownTimeZoneError) as e:
        raise InputError(f"bad {tag} value {raw!r:.80}: {e}") from e
    raise InputError(f"unknown value tag {tag!r}; this file was not written by `chainkg dump`")


def encode_props(props: dict[str, Any]) -> dict[str, Any]:
    """Encode every property of a node or relationship (see :func:`encode_value`)."""
    return {k: encode_value(v) for k, v in props.items()}


def decode_props(props: dict[str, Any]) -> dict[str, Any]:
    """Decode every property of a node or relationship (see :func:`decode_value`)."""
    return {k: decode_value(v) for k, v in props.items()}


# ---------------------------------------------------------------------------------------------
# reading the graph


def primary_label(labels: Iterable[str]) -> str | None:
    """The first label (in :data:`NODE_KEYS` order) that has a key, or None for an unkeyed node."""
    present = set(labels)
    for label in NODE_KEYS:
        if label in present:
            return label
    return None


@dataclass
class DumpReport:
    """What a dump wrote and what it had to leave out (nodes without an allow-listed keyed label)."""

    nodes: int = 0
    relationships: int = 0
    skipped_nodes: int = 0
    skipped_relationships: int = 0
    by_label: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    bytes: int = 0
    seconds: float = 0.0
    fingerprint: Fingerprint | None = None


#: Nodes (or relationship start nodes) read per query page. A page is one short read transaction
#: keyed by the last key seen, so neither the client nor the server ever holds more than a page
#: (plus the relationships of a page's nodes, which the driver streams) whatever the graph's size.
DEFAULT_PAGE_SIZE = 10_000


def iter_graph(
    driver: neo4j.Driver, *, database: str = "neo4j", key_prefix: str | None = None, report: DumpReport | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Iterator[dict[str, Any]]:
    """Yield the graph as dump records (nodes first, then relationships), values already encoded.

    Reads in pages of ``page_size`` nodes ordered by their key (``WHERE key > $after ORDER BY key
    LIMIT $page`` walks the key's unique index), so memory is bounded by the page, not the graph.
    With ``key_prefix``, only nodes whose key starts with it and the relationships between such
    nodes are yielded (tests and partial exports). Nodes of labels outside the allow-list and
    relationships of unknown types are counted in ``report`` and left out. The pages are separate
    transactions: dump a graph nobody is writing to (see docs/reliability.md).
    """
    report = report if report is not None else DumpReport()
    labels = list(NODE_KEYS)
    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            indexed = _indexed_labels(session)
            for i, label in enumerate(labels):
                for rec in _paged(session, _node_query(label, labels[:i], key_prefix, label in indexed), key_prefix,
                                  page_size, _odd_key_query(label, labels[:i], key_prefix)):
                    props = dict(rec["props"])
                    extra = sorted(x for x in rec["labels"] if x != label)
                    unknown = [x for x in extra if x not in ALLOWED_LABELS]
                    if unknown:
                        report.skipped_nodes += 1
                        continue
                    report.nodes += 1
                    report.by_label[label] = report.by_label.get(label, 0) + 1
                    yield {"node": label, "key": encode_value(props[NODE_KEYS[label]]), "labels": extra,
                           "props": encode_props(props)}
            for i, label in enumerate(labels):
                for rec in _paged_rels(session, label, labels[:i], key_prefix, page_size, label in indexed):
                    rel_type = rec["type"]
                    end_label = primary_label(rec["end_labels"])
                    end_key = rec["end_keys"].get(NODE_KEYS[end_label]) if end_label else None
                    if rel_type not in REL_TYPES or end_key is None:
                        report.skipped_relationships += 1
                        continue
                    if key_prefix is not None and not (isinstance(end_key, str) and end_key.startswith(key_prefix)):
                        continue  # leaves the prefixed subgraph: not part of this partial dump
                    report.relationships += 1
                    report.by_type[rel_type] = report.by_type.get(rel_type, 0) + 1
                    yield {"rel": rel_type, "start": [label, encode_value(rec["start_key"])],
                           "end": [end_label, encode_value(end_key)], "props": encode_props(dict(rec["props"]))}
            if key_prefix is None:
                total_nodes = session.run("MATCH (n) RETURN count(n) AS c").single()["c"]
                total_rels = session.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
                report.skipped_nodes = max(report.skipped_nodes, total_nodes - report.nodes)
                report.skipped_relationships = max(report.skipped_relationships, total_rels - report.relationships)
    except (DriverError, OSError) as e:
        raise ConnectionFailed(f"reading the graph failed ({e.__class__.__name__}: {e}); check the server "
                               "(`chainkg server status`) and run the dump again") from e
    except Neo4jError as e:
        raise ConnectionFailed(f"reading the graph failed: {e.code}: {e.message}") from e


def _paged(session: neo4j.Session, query: Callable[[bool], str], key_prefix: str | None, page_size: int,
           odd_query: str | None = None) -> Iterator[neo4j.Record]:
    """Run a keyed query page by page (``query(first)`` gives its text) until a page comes back short.

    Keys are strings in ChainKG; ``odd_query`` then streams the (normally zero) nodes whose key is
    of another type, which a string range never reaches.
    """
    after, first = "", True
    while True:
        rows = list(session.run(query(first), p=key_prefix, after=after, page=page_size))
        yield from rows
        if len(rows) < page_size:
            break
        after, first = rows[-1]["k"], False
    if odd_query is not None:
        yield from session.run(odd_query, p=key_prefix)


def _indexed_labels(session: neo4j.Session) -> set[str]:
    """Keyed labels whose key has an online range index (the unique constraints `chainkg init` makes)."""
    rows = session.run("SHOW INDEXES YIELD type, entityType, labelsOrTypes, properties, state "
                       "WHERE type = 'RANGE' AND entityType = 'NODE' AND state = 'ONLINE' AND size(properties) = 1 "
                       "RETURN labelsOrTypes[0] AS label, properties[0] AS prop")
    return {r["label"] for r in rows if NODE_KEYS.get(r["label"]) == r["prop"]}


def _paged_rels(session: neo4j.Session, label: str, earlier: list[str], key_prefix: str | None,
                page_size: int, indexed: bool = False) -> Iterator[neo4j.Record]:
    """The outgoing relationships of ``label``'s nodes, a page of start nodes at a time (streamed)."""
    rels_query = _rel_query(label)
    after, first = "", True
    while True:
        keys = [r["k"] for r in session.run(_page_keys_query(label, earlier, key_prefix, first, indexed), p=key_prefix,
                                            after=after, page=page_size)]
        if keys:
            yield from session.run(rels_query, keys=keys)
        if len(keys) < page_size:
            break
        after, first = keys[-1], False
    odd = session.run(_odd_key_query(label, earlier, key_prefix, keys_only=True), p=key_prefix)
    odd_keys = [r["k"] for r in odd]  # normally empty: keys are strings
    for chunk in chunked(odd_keys, page_size):
        yield from session.run(rels_query, keys=chunk)


def _where(label: str, earlier: list[str], key_prefix: str | None, first: bool | None) -> str:
    """Page conditions: key range (``first``: from the smallest string; else after ``$after``;
    None: keys that are not strings), other primary labels excluded, the prefix."""
    key = check_property(NODE_KEYS[check_label(label)])
    if first is None:
        conds = [f"n.{key} IS NOT NULL", f"NOT n.{key} IS :: STRING"]
    else:
        # A range on the key lets the planner walk its unique index in order: no sort of the label.
        conds = [f"n.{key} {'>=' if first else '>'} $after"]
    # A node carrying two primary labels is dumped once, under the first in NODE_KEYS order.
    conds += [f"NOT n:{check_label(x)}" for x in earlier]
    if key_prefix is not None:
        conds.append(f"n.{key} STARTS WITH $p")
    return " AND ".join(conds)


def _hint(label: str, indexed: bool) -> str:
    # Without the hint the planner may scan the label and sort it for every page (quadratic at 1M);
    # with it, each page is an index seek read in key order. Only given when the index exists.
    return f" USING INDEX n:{check_label(label)}({check_property(NODE_KEYS[label])})" if indexed else ""


def _node_query(label: str, earlier: list[str], key_prefix: str | None, indexed: bool = False) -> Callable[[bool], str]:
    key = check_property(NODE_KEYS[check_label(label)])
    return lambda first: (f"MATCH (n:{label}){_hint(label, indexed)} WHERE {_where(label, earlier, key_prefix, first)} "
                          f"RETURN n.{key} AS k, labels(n) AS labels, properties(n) AS props "
                          f"ORDER BY n.{key} LIMIT $page")


def _page_keys_query(label: str, earlier: list[str], key_prefix: str | None, first: bool, indexed: bool = False) -> str:
    key = check_property(NODE_KEYS[check_label(label)])
    return (f"MATCH (n:{label}){_hint(label, indexed)} WHERE {_where(label, earlier, key_prefix, first)} "
            f"RETURN n.{key} AS k ORDER BY n.{key} LIMIT $page")


def _odd_key_query(label: str, earlier: list[str], key_prefix: str | None, *, keys_only: bool = False) -> str:
    key = check_property(NODE_KEYS[check_label(label)])
    what = f"n.{key} AS k" if keys_only else f"n.{key} AS k, labels(n) AS labels, properties(n) AS props"
    return f"MATCH (n:{label}) WHERE {_where(label, earlier, key_prefix, None)} RETURN {what}"


def _rel_query(label: str) -> str:
    key = check_property(NODE_KEYS[check_label(label)])
    return (
        f"UNWIND $keys AS k MATCH (a:{label} {{{key}: k}})-[r]->(b) "
        f"RETURN a.{key} AS start_key, type(r) AS type, properties(r) AS props, "
        f"labels(b) AS end_labels, b {_KEY_PROJECTION} AS end_keys"
    )


def _open(path: Path, mode: str, *, gz: bool | None = None) -> IO[str]:
    if path.suffix == ".gz" if gz is None else gz:
        return gzip.open(path, mode + "t", encoding="utf-8", newline="\n")
    return open(path, mode, encoding="utf-8", newline="\n")  # noqa: SIM115 - returned to the caller


def canonical_json(record: dict[str, Any]) -> str:
    """The one canonical text of a record (sorted keys, compact, UTF-8): dump lines and checksums use it."""
    # allow_nan=False: every non-finite float must have gone through a $float tag.
    return json.dumps(record, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _line(record: dict[str, Any]) -> str:
    return canonical_json(record) + "\n"


def dump_graph(
    driver: neo4j.Driver,
    path: str | os.PathLike[str],
    *,
    database: str = "neo4j",
    key_prefix: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> DumpReport:
    """Write the graph to ``path`` as JSON Lines (gzip when it ends in ``.gz``) and return counts.

    The file is written under a temporary name and renamed at the end, so a failed dump never
    leaves a half file under ``path``. ``on_progress(records_so_far)`` is called every 10,000 records.
    The end line carries the records' :class:`Fingerprint` digest (``report.fingerprint``), which
    ``chainkg restore --verify`` and ``chainkg graph-checksum`` compare against.
    """
    path = Path(path)
    t0 = time.monotonic()
    report = DumpReport(path=path)
    tmp = path.with_name(path.name + ".partial")
    header = {"format": FORMAT, "version": VERSION, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "database": database, "key_prefix": key_prefix, "rel_merge_keys": REL_MERGE_KEYS,
              "checksum": CHECKSUM_KIND}
    try:
        with _open(tmp, "w", gz=path.suffix == ".gz") as fh:
            fh.write(_line(header))
            fp = FingerprintBuilder()
            records = iter_graph(driver, database=database, key_prefix=key_prefix, report=report, page_size=page_size)
            for n, record in enumerate(records, 1):
                text = canonical_json(record)
                fp.add_text(text, record)
                fh.write(text + "\n")
                if on_progress and n % 10_000 == 0:
                    on_progress(n)
            report.fingerprint = fp.result()
            fh.write(_line({"end": True, "nodes": report.nodes, "relationships": report.relationships,
                            "checksum": report.fingerprint.digest}))
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write the dump to {path}: {e.strerror or e}; choose a writable path") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.bytes = path.stat().st_size
    report.seconds = time.monotonic() - t0
    return report


# ---------------------------------------------------------------------------------------------
# restoring


@dataclass
class RestoreReport:
    """What a restore merged: nodes, relationships, relationships whose endpoints were missing."""

    nodes: int = 0
    relationships: int = 0
    missing_endpoints: int = 0
    chunks: int = 0
    seconds: float = 0.0
    #: The dump file's fingerprint, computed in the validation pass (compare with the restored graph's).
    file_fingerprint: Fingerprint | None = None
    #: The dump's key prefix (a partial dump) from its header; None for a whole-graph dump.
    key_prefix: str | None = None


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The header object of a dump file (format, version, created, database, key_prefix, …)."""
    path = Path(path)
    try:
        with _open(path, "r") as fh:
            first = fh.readline()
        header = json.loads(first)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}:1: cannot read the dump header ({e}); make a dump with `chainkg dump FILE`") from e
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(f"{path}:1: not a ChainKG dump (no '{FORMAT}' header); make one with `chainkg dump`")
    return header


def read_dump(path: str | os.PathLike[str], *, fingerprint: FingerprintBuilder | None = None) -> Iterator[dict[str, Any]]:
    """Yield the node and relationship records of a dump file, checking each line.

    Raises InputError naming the file and line for anything that is not a complete, well-formed
    ChainKG dump (bad header, bad JSON, unknown label or type, missing end line, an end-line
    checksum the records do not add up to). Records are added to ``fingerprint`` when given (the
    end-line checksum is then checked too).
    """
    path = Path(path)
    try:
        fh = _open(path, "r")
    except OSError as e:
        raise InputError(f"cannot open dump {path}: {e.strerror or e}") from e
    with fh:
        ended = False
        counts = {"nodes": 0, "relationships": 0}
        lineno = 0
        # Dumps that announce a checksum are written in canonical form: a line is its own canonical
        # text, so hashing it is cheap; an older dump's lines are re-serialised canonically.
        canonical_lines = False
        try:
            for lineno, text in enumerate(fh, 1):
                if ended:
                    raise InputError(f"{path}:{lineno}: data after the end line; the file was altered")
                try:
                    rec = json.loads(text)
                except json.JSONDecodeError as e:
                    raise InputError(f"{path}:{lineno}: not valid JSON ({e.msg}); the dump is damaged") from e
                if lineno == 1:
                    if not isinstance(rec, dict) or rec.get("format") != FORMAT:
                        raise InputError(f"{path}:1: not a ChainKG dump (no '{FORMAT}' header); make one with `chainkg dump`")
                    if rec.get("version") != VERSION:
                        raise InputError(f"{path}:1: dump format version {rec.get('version')!r} is not supported "
                                         f"(this ChainKG reads version {VERSION})")
                    canonical_lines = rec.get("checksum") == CHECKSUM_KIND
                    continue
                if not isinstance(rec, dict):
                    raise InputError(f"{path}:{lineno}: expected a JSON object")
                if rec.get("end") is True:
                    if (rec.get("nodes"), rec.get("relationships")) != (counts["nodes"], counts["relationships"]):
                        raise InputError(f"{path}:{lineno}: the end line counts {rec.get('nodes')} nodes / "
                                         f"{rec.get('relationships')} relationships but the file holds "
                                         f"{counts['nodes']} / {counts['relationships']}; the dump is damaged")
                    if fingerprint is not None and "checksum" in rec and rec["checksum"] != fingerprint.result().digest:
                        raise InputError(f"{path}:{lineno}: the records do not add up to the end line's checksum; "
                                         "the dump was altered or damaged — make it again")
                    ended = True
                    continue
                _check_record(rec, path, lineno)
                if fingerprint is not None:
                    fingerprint.add_text(text.rstrip("\n"), rec) if canonical_lines else fingerprint.add(rec)
                yield rec
                counts["nodes" if "node" in rec else "relationships"] += 1
        except UnicodeDecodeError as e:
            raise InputError(f"{path}: line {lineno + 1} is not UTF-8 ({e.reason}); the dump is damaged") from e
        except (OSError, EOFError) as e:  # e.g. a truncated gzip stream
            raise InputError(f"{path}: read failed after line {lineno} ({e}); the dump is truncated or damaged") from e
        if lineno == 0:
            raise InputError(f"{path} is empty; make a dump with `chainkg dump FILE`")
        if not ended:
            raise InputError(f"{path}: no end line after line {lineno}; the dump is truncated — make it again")


def _check_record(rec: dict[str, Any], path: Path, lineno: int) -> dict[str, Any]:
    where = f"{path}:{lineno}"
    try:
        if "node" in rec:
            label = rec["node"]
            if label not in NODE_KEYS:
                raise InputError(f"{where}: {label!r} is not a keyed label of this schema")
            for extra in rec["labels"]:
                check_label(extra)
            props = rec["props"]
            if not isinstance(props, dict) or props.get(NODE_KEYS[label]) != rec["key"]:
                raise InputError(f"{where}: the node's props must hold its key {NODE_KEYS[label]!r}")
        elif "rel" in rec:
            check_rel_type(rec["rel"])
            for end in (rec["start"], rec["end"]):
                if not (isinstance(end, list) and len(end) == 2 and end[0] in NODE_KEYS):
                    raise InputError(f"{where}: relationship ends must be [keyed label, key]")
            if not isinstance(rec["props"], dict):
                raise InputError(f"{where}: relationship props must be an object")
        else:
            raise InputError(f"{where}: neither a node nor a relationship record")
    except KeyError as e:
        raise InputError(f"{where}: missing field {e.args[0]!r}") from e
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - SchemaError etc. become a message about this line
        raise InputError(f"{where}: {e}") from e
    return rec


def _node_restore_query(label: str, extras: tuple[str, ...]) -> str:
    key = check_property(NODE_KEYS[check_label(label)])
    set_labels = "".join(f" SET n:{check_label(x)}" for x in extras)
    # SET n = props (not +=): the restored node has exactly the dumped properties.
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n = row.props{set_labels} RETURN count(n) AS c"


def _rel_restore_query(rel_type: str, start: str, end: str, merge_key: str | None) -> str:
    check_rel_type(rel_type)
    sk, ek = check_property(NODE_KEYS[check_label(start)]), check_property(NODE_KEYS[check_label(end)])
    mk = f" {{{check_property(merge_key)}: row.mkey}}" if merge_key else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{start} {{{sk}: row.start}}) MATCH (b:{end} {{{ek}: row.end}}) "
        f"MERGE (a)-[r:{rel_type}{mk}]->(b) SET r = row.props RETURN count(r) AS c"
    )


def restore_graph(
    driver: neo4j.Driver,
    path: str | os.PathLike[str],
    *,
    database: str = "neo4j",
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> RestoreReport:
    """Merge a dump file into the graph: idempotent, nodes before relationships, in chunks.

    The file is validated completely before anything is written (InputError names the line).
    Each chunk is one managed transaction, so transient errors are retried; a failure raises
    WriteError / ConnectionFailed and re-running the restore is safe. Run ``ensure_schema`` first
    (``chainkg restore`` does) so MERGE finds nodes by their unique key.
    """
    t0 = time.monotonic()
    fp = FingerprintBuilder()
    for _ in read_dump(path, fingerprint=fp):  # validation pass: a damaged file writes nothing
        pass
    report = RestoreReport(file_fingerprint=fp.result(), key_prefix=read_header(path).get("key_prefix"))
    node_groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    rel_groups: dict[tuple[str, str, str, str | None], list[dict[str, Any]]] = defaultdict(list)

    try:
        with driver.session(database=database) as session:

            def flush_nodes(group: tuple[str, tuple[str, ...]]) -> None:
                rows = node_groups.pop(group)
                query = _node_restore_query(*group)
                for chunk in chunked(rows, batch_size):
                    report.nodes += _write(session, query, chunk)
                    report.chunks += 1
                if on_progress:
                    on_progress(report.nodes + report.relationships)

            def flush_rels(group: tuple[str, str, str, str | None]) -> None:
                rows = rel_groups.pop(group)
                query = _rel_restore_query(*group)
                for chunk in chunked(rows, batch_size):
                    written = _write(session, query, chunk)
                    report.relationships += written
                    report.missing_endpoints += len(chunk) - written
                    report.chunks += 1
                if on_progress:
                    on_progress(report.nodes + report.relationships)

            start_label = None
            for rec in read_dump(path):
                if "node" in rec:
                    group = (rec["node"], tuple(rec["labels"]))
                    node_groups[group].append({"key": decode_value(rec["key"]), "props": decode_props(rec["props"])})
                    if len(node_groups[group]) >= batch_size:
                        flush_nodes(group)
                    continue
                for group in list(node_groups):  # every node is in before the first relationship
                    flush_nodes(group)
                if rec["start"][0] != start_label:
                    # A dump groups relationships by start label: the previous label's part-filled groups
                    # are complete, so at most one label's groups wait in memory.
                    for group in list(rel_groups):
                        flush_rels(group)
                    start_label = rec["start"][0]
                props = decode_props(rec["props"])
                merge_key = REL_MERGE_KEYS.get(rec["rel"])
                if merge_key is not None and props.get(merge_key) is None:
                    merge_key = None
                row = {"start": decode_value(rec["start"][1]), "end": decode_value(rec["end"][1]), "props": props}
                if merge_key:
                    row["mkey"] = props[merge_key]
                group = (rec["rel"], rec["start"][0], rec["end"][0], merge_key)
                rel_groups[group].append(row)
                if len(rel_groups[group]) >= batch_size:
                    flush_rels(group)
            for group in list(node_groups):
                flush_nodes(group)
            for group in list(rel_groups):
                flush_rels(group)
    except Neo4jError as e:
        raise WriteError(f"restoring {path} failed and the current chunk was rolled back ({report.nodes} nodes, "
                         f"{report.relationships} relationships already merged; re-running the restore is safe): "
                         f"{e.code}: {e.message}") from e
    except DriverError as e:
        raise ConnectionFailed(f"lost the connection to Neo4j while restoring {path} ({e.__class__.__name__}); "
                               "check `chainkg server status` and run the restore again (it is idempotent)") from e
    report.seconds = time.monotonic() - t0
    return report


@dataclass(frozen=True)
class Verification:
    """A restored graph compared with the dump it came from."""

    expected: Fingerprint
    actual: Fingerprint

    @property
    def exact(self) -> bool:
        return self.expected == self.actual

    def differences(self) -> list[str]:
        """Human-readable differences: per label / type counts, then the digest."""
        out = []
        for kind, exp, act in (("nodes", self.expected.nodes, self.actual.nodes),
                               ("relationships", self.expected.relationships, self.actual.relationships)):
            for name in sorted(set(exp) | set(act)):
                if exp.get(name, 0) != act.get(name, 0):
                    out.append(f"{name} {kind}: dump {exp.get(name, 0):,}, graph {act.get(name, 0):,}")
        if not out and self.expected.digest != self.actual.digest:
            out.append("same counts but different keys, labels or property values")
        return out


def verify_restore(driver: neo4j.Driver, report: RestoreReport, *, database: str = "neo4j",
                   page_size: int = DEFAULT_PAGE_SIZE) -> Verification:
    """Compare the graph (the dump's ``key_prefix`` part of it) with the file ``report`` restored.

    Exact only when the restore went into an empty database (or one holding nothing else under the
    prefix) and nothing wrote to it meanwhile.
    """
    if report.file_fingerprint is None:
        raise InputError("this restore report has no file fingerprint; restore with restore_graph first")
    actual = graph_fingerprint(driver, database=database, key_prefix=report.key_prefix, page_size=page_size)
    return Verification(report.file_fingerprint, actual)


def _write(session: neo4j.Session, query: str, rows: list[dict[str, Any]]) -> int:
    return session.execute_write(lambda tx: tx.run(query, rows=rows).single()["c"])


# ---------------------------------------------------------------------------------------------
# fingerprint


@dataclass(frozen=True)
class Fingerprint:
    """Counts by label/type and an order-independent digest of every key, label and property."""

    nodes: dict[str, int]
    relationships: dict[str, int]
    digest: str

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())


class FingerprintBuilder:
    """Accumulates a :class:`Fingerprint` one record at a time (constant memory).

    Each record's canonical text (:func:`canonical_json`) is hashed with SHA-256 and the hashes are
    summed modulo 2**256, so the order does not matter but a duplicate or a changed value does.
    Node records carry their primary label, key, other labels and every property; relationship
    records their type, both endpoints' business keys and every property: the digest is keyed by
    business keys, never by Neo4j's internal ids, so two databases holding the same graph agree.
    """

    def __init__(self) -> None:
        self._total = 0
        self._nodes: dict[str, int] = {}
        self._rels: dict[str, int] = {}

    def add(self, record: dict[str, Any]) -> None:
        """Add one dump record (encoded values, as :func:`iter_graph` yields them)."""
        self.add_text(canonical_json(record), record)

    def add_text(self, canonical: str, record: dict[str, Any]) -> None:
        """Add a record whose canonical text is already known (a dump line without its newline)."""
        self._total = (self._total + int.from_bytes(hashlib.sha256(canonical.encode()).digest(), "big")) % (1 << 256)
        if "node" in record:
            self._nodes[record["node"]] = self._nodes.get(record["node"], 0) + 1
        else:
            self._rels[record["rel"]] = self._rels.get(record["rel"], 0) + 1

    def result(self) -> Fingerprint:
        """The fingerprint of the records added so far."""
        return Fingerprint(dict(sorted(self._nodes.items())), dict(sorted(self._rels.items())), f"{self._total:064x}")


def fingerprint_records(records: Iterable[dict[str, Any]]) -> Fingerprint:
    """Fingerprint dump records: two graphs are equal when their fingerprints are (see FingerprintBuilder)."""
    fp = FingerprintBuilder()
    for rec in records:
        fp.add(rec)
    return fp.result()


def file_fingerprint(path: str | os.PathLike[str]) -> Fingerprint:
    """Fingerprint of a dump file's records (checked against its end line's checksum when it has one)."""
    fp = FingerprintBuilder()
    for _ in read_dump(path, fingerprint=fp):
        pass
    return fp.result()


def graph_fingerprint(driver: neo4j.Driver, *, database: str = "neo4j", key_prefix: str | None = None,
                      page_size: int = DEFAULT_PAGE_SIZE) -> Fingerprint:
    """Fingerprint the graph (or its ``key_prefix`` part) as :func:`iter_graph` sees it (paged, constant memory).

    Equal to the fingerprint ``chainkg dump`` writes into its end line when the graph is unchanged,
    so ``dump`` → empty database → ``restore`` is exact when the restored graph's fingerprint equals it.
    """
    return fingerprint_records(iter_graph(driver, database=database, key_prefix=key_prefix, page_size=page_size))


__all__ = [
    "DEFAULT_PAGE_SIZE", "REL_MERGE_KEYS", "DumpReport", "Fingerprint", "FingerprintBuilder", "RestoreReport",
    "Verification", "canonical_json", "decode_value", "dump_graph", "encode_value", "file_fingerprint",
    "fingerprint_records", "graph_fingerprint", "iter_graph", "read_dump", "read_header", "restore_graph",
    "verify_restore",
]
