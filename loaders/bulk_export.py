"""Write graph records as ``neo4j-admin database import`` CSV files (the bulk path).

For loads beyond what Bolt does well (tens of millions of patents) the offline importer builds a
store from CSV files in minutes. This module is pure Python: it turns node and relationship records
into one header file plus one data file per node label and per (type, start label, end label), one
id space per label keyed by the business key (``pub_no:ID(Patent)``, ``:START_ID(Organization)``),
with typed columns (``filed:date``, ``ipc:string[]``, ``is_sme:boolean``) and a ``manifest.json`` and
``import.args`` that say how to run the importer. :mod:`graph.bulk_import` runs it.

Semantics match the Bolt writer where they can: ``None`` is "no property"; the first record of a
key wins (later duplicates are counted, not written, because the importer cannot merge); a
relationship whose endpoint was never written is counted as dangling and left out (the Bolt writer
matches endpoints and skips them the same way), so the importer never meets a missing id. Nodes must
therefore be added before the relationships that use them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.bulk_manifest import FORMAT_VERSION, MANIFEST_NAME
from graph.errors import InputError
from graph.schema import NODE_KEYS, REL_TYPES, SUB_LABELS, check_property

#: The importer's default array delimiter; list elements never contain it (see ``_array_text``).
ARRAY_DELIMITER = ";"
#: Stands in for the delimiter inside a list element (fullwidth semicolon, common in Chinese text).
_DELIMITER_STAND_IN = "\uff1b"

# Importer column types by Python value type (bool before int: bool is an int subclass;
# datetime before date for the same reason).
_SCALAR_TYPES: list[tuple[type, str]] = [
    (bool, "boolean"), (int, "long"), (float, "double"), (dt.datetime, "datetime"), (dt.date, "date"), (str, "string"),
]


def column_type(value: Any, where: str) -> str:
    """Importer type name for a Python value (``long``, ``date``, ``string[]`` …); raise for others."""
    if isinstance(value, list | tuple):
        inner = next((v for v in value if v is not None), "")
        base = column_type(inner, where)
        if base.endswith("[]"):
            raise InputError(f"{where}: nested lists cannot be bulk-exported; flatten the value first")
        return base + "[]"
    for py_type, name in _SCALAR_TYPES:
        if isinstance(value, py_type):
            return name
    raise InputError(f"{where}: a {type(value).__name__} value cannot be a property; use a string, number, date or list")


def _merge_type(old: str, new: str, where: str) -> str:
    if old == new:
        return old
    # A column that saw integers and then a float becomes double; integers parse as doubles.
    if {old, new} == {"long", "double"}:
        return "double"
    if {old, new} == {"long[]", "double[]"}:
        return "double[]"
    raise InputError(f"{where}: values of type {old} and {new} in one column; make the source column one type")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class _FileState:
    """One open data file: its header columns (name -> type, in first-seen order) and row count."""

    path: Path
    fixed: list[str]  # leading header fields that carry no property type (":ID(...)", ":LABEL", ...)
    handle: IO[str]
    writer: Any
    columns: dict[str, str] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)  # column name -> index in a row
    rows: int = 0


@dataclass
class BulkManifest:
    """What an export wrote: files per label / relationship group, counts, and what was left out."""

    out_dir: Path
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    relationships: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicate_nodes: dict[str, int] = field(default_factory=dict)
    duplicate_relationships: dict[str, int] = field(default_factory=dict)  # merged into one, as MERGE does
    dangling_relationships: dict[str, int] = field(default_factory=dict)
    altered_values: int = 0
    multiline: bool = False
    source: str = ""

    @property
    def node_count(self) -> int:
        return sum(v["rows"] for v in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(v["rows"] for v in self.relationships.values())

    def to_json(self) -> dict[str, Any]:
        """The ``manifest.json`` content (paths relative to the export directory)."""
        return {
            "format_version": FORMAT_VERSION,
            "source": self.source,
            "array_delimiter": ARRAY_DELIMITER,
            "multiline_fields": self.multiline,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "duplicate_nodes": self.duplicate_nodes,
            "duplicate_relationships": self.duplicate_relationships,
            "dangling_relationships": self.dangling_relationships,
            "altered_values": self.altered_values,
            "node_count": self.node_count,
            "relationship_count": self.relationship_count,
        }

    def import_arguments(self, base: Path | None = None) -> list[str]:
        """``neo4j-admin database import full`` options for these files (relative to ``base``)."""
        base = base or self.out_dir

        def rel(p: str) -> str:
            return str((self.out_dir / p).resolve().relative_to(base.resolve())) if base != self.out_dir else p

        args = [f"--array-delimiter={ARRAY_DELIMITER}"]
        if self.multiline:
            args.append("--multiline-fields=true")
        for info in self.nodes.values():
            args.append(f"--nodes={rel(info['header'])},{rel(info['data'])}")
        for info in self.relationships.values():
            args.append(f"--relationships={rel(info['header'])},{rel(info['data'])}")
        return args


class BulkWriter:
    """Stream node and relationship records into importer CSV files under ``out_dir``.

    Call :meth:`add_node` for every node first, then :meth:`add_relationship`, then :meth:`finish`
    (which writes the header files, ``manifest.json`` and ``import.args``). Files are opened on the
    first row of each group, so constructing a writer touches nothing on disk.
    """

    def __init__(self, out_dir: Path | str, source: str = "") -> None:
        self.out_dir = Path(out_dir)
        self._files: dict[str, _FileState] = {}
        self._seen: dict[str, set[str]] = {}
        self._expected: dict[str, set[str]] = {}  # keys promised by expect_node, not yet written
        # Relationships already written, as 64-bit hashes of (group, start, end, merge value): the Bolt
        # writer MERGEs, so a link two rows (or two files) both name exists once; ~60 bytes each.
        self._rel_seen: set[int] = set()
        self.manifest = BulkManifest(self.out_dir, source=source)

    # -- nodes ------------------------------------------------------------------------------------
    def add_node(self, label: str, props: Mapping[str, Any], extra_labels: Iterable[str] = ()) -> bool:
        """Add one node of primary ``label``; returns False when its key was already written."""
        if label not in NODE_KEYS:
            raise InputError(f"{label!r} is not a primary label; use one of {sorted(NODE_KEYS)}")
        key_prop = NODE_KEYS[label]
        key = props.get(key_prop)
        if key in (None, ""):
            raise InputError(f"a {label} record has no {key_prop!r}; every node needs its key")
        key = str(key)
        seen = self._seen.setdefault(label, set())
        if key in seen:
            self.manifest.duplicate_nodes[label] = self.manifest.duplicate_nodes.get(label, 0) + 1
            return False
        seen.add(key)
        self._expected.get(label, set()).discard(key)
        for extra in extra_labels:
            if SUB_LABELS.get(extra) != label:
                raise InputError(f"{extra!r} is not a sub-label of {label}; allowed: "
                                 f"{sorted(k for k, v in SUB_LABELS.items() if v == label)}")
        labels = ARRAY_DELIMITER.join([label, *extra_labels])
        state = self._open(f"nodes/{label}", [f"{key_prop}:ID({label})", ":LABEL"], group=("node", label))
        others = {k: v for k, v in props.items() if k != key_prop}
        self._write(state, [key, labels], others, f"{label} {key}")
        return True

    def has_node(self, label: str, key: Any) -> bool:
        """True when a node of ``label`` with this key was already added."""
        return str(key) in self._seen.get(label, ())

    def expect_node(self, label: str, key: Any) -> None:
        """Promise a node that will be added later (before :meth:`finish`), so relationships may use it now.

        For nodes whose properties are only final at the end (organisations gain aliases as references
        resolve). :meth:`finish` raises if a promised node never came.
        """
        if not self.has_node(label, key):
            self._expected.setdefault(label, set()).add(str(key))

    # -- relationships ----------------------------------------------------------------------------
    def add_relationship(
        self, rel_type: str, start_label: str, start: Any, end_label: str, end: Any,
        props: Mapping[str, Any] | None = None, merge_key: str | None = None,
    ) -> bool:
        """Add one relationship between two added nodes; returns False (and counts it) when an end is
        missing or when the same relationship was added before.

        Like the Bolt writer's ``MERGE (a)-[:TYPE]->(b)``, one relationship per type and pair of ends —
        per value of ``props[merge_key]`` when a merge key is given (parallel licences); the first one's
        properties are kept.
        """
        if rel_type not in REL_TYPES:
            raise InputError(f"relationship type {rel_type!r} is not in the allow-list")
        group = f"{rel_type}__{start_label}__{end_label}"
        if not (self._known(start_label, start) and self._known(end_label, end)):
            self.manifest.dangling_relationships[group] = self.manifest.dangling_relationships.get(group, 0) + 1
            return False
        identity = hash((group, str(start), str(end), (props or {}).get(merge_key) if merge_key else None))
        if identity in self._rel_seen:
            self.manifest.duplicate_relationships[group] = self.manifest.duplicate_relationships.get(group, 0) + 1
            return False
        self._rel_seen.add(identity)
        state = self._open(
            f"relationships/{group}", [f":START_ID({start_label})", f":END_ID({end_label})", ":TYPE"],
            group=("rel", group),
        )
        self._write(state, [str(start), str(end), rel_type], props or {}, f"{rel_type} {start}->{end}")
        return True

    def _known(self, label: str, key: Any) -> bool:
        return self.has_node(label, key) or str(key) in self._expected.get(label, ())

    # -- files ------------------------------------------------------------------------------------
    def _open(self, stem: str, fixed: list[str], group: tuple[str, str]) -> _FileState:
        state = self._files.get(stem)
        if state is None:
            path = self.out_dir / f"{stem}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in finish()
            state = _FileState(path, fixed, handle, csv.writer(handle, lineterminator="\n"))
            self._files[stem] = state
        return state

    def _write(self, state: _FileState, fixed_values: list[str], props: Mapping[str, Any], where: str) -> None:
        # Columns are appended in first-seen order and the header is written last, so earlier rows
        # may be shorter than the header: the importer reads missing trailing fields as "no value".
        row = list(fixed_values) + [""] * len(state.columns)
        for name, value in props.items():
            if value is None or (isinstance(value, list | tuple) and not value):
                continue
            check_property(name)
            typ = column_type(value, f"{where}, property {name!r}")
            if name not in state.columns:
                state.columns[name] = typ
                state.positions[name] = len(state.fixed) + len(state.positions)
                row.append("")
            elif state.columns[name] != typ:
                state.columns[name] = _merge_type(state.columns[name], typ, f"{where}, property {name!r}")
            idx = state.positions[name]
            row[idx] = self._array_text(value) if isinstance(value, list | tuple) else _scalar_text(value)
            if "\n" in row[idx] or "\r" in row[idx]:
                self.manifest.multiline = True
        while len(row) > len(state.fixed) and row[-1] == "":
            row.pop()
        state.writer.writerow(row)
        state.rows += 1

    def _array_text(self, values: Iterable[Any]) -> str:
        parts = []
        for v in values:
            if v is None:
                continue
            text = _scalar_text(v)
            if ARRAY_DELIMITER in text:
                text = text.replace(ARRAY_DELIMITER, _DELIMITER_STAND_IN)
                self.manifest.altered_values += 1
            parts.append(text)
        return ARRAY_DELIMITER.join(parts)

    def finish(self) -> BulkManifest:
        """Close the data files, write header files, ``manifest.json`` and ``import.args``."""
        missing = {label: sorted(keys)[:5] for label, keys in self._expected.items() if keys}
        if missing:
            raise InputError(f"nodes promised with expect_node were never added: {missing}")
        for stem, state in self._files.items():
            state.handle.close()
            header_path = self.out_dir / f"{stem}.header.csv"
            with open(header_path, "w", encoding="utf-8", newline="") as fh:
                csv.writer(fh, lineterminator="\n").writerow(
                    state.fixed + [f"{name}:{typ}" for name, typ in state.columns.items()]
                )
            info = {"header": f"{stem}.header.csv", "data": f"{stem}.csv", "rows": state.rows}
            kind, name = stem.split("/", 1)
            (self.manifest.nodes if kind == "nodes" else self.manifest.relationships)[name] = info
        self._files.clear()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / MANIFEST_NAME).write_text(
            json.dumps(self.manifest.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        # A picocli @-file: `neo4j-admin database import full @import.args neo4j`, run from out_dir.
        (self.out_dir / "import.args").write_text("\n".join(self.manifest.import_arguments()) + "\n", encoding="utf-8")
        return self.manifest

