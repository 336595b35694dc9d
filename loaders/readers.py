"""Streaming readers for CSV/TSV, JSONL and XLSX files with the same columns, and chain YAML files.

``open_table(path)`` returns a ``Table``: its raw header row and an iterator of ``SourceRow``
(line number, raw values by header position, or a parse problem). Rows are produced one at a time
(``csv`` module, ``json`` per line, openpyxl ``read_only`` ``iter_rows``), so a file of a million
rows never sits whole in memory. The encoding of text files is detected on a sample: a BOM, strict
UTF-8, else charset-normalizer's best guess (GBK/GB2312 widened to GB18030, their superset).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import yaml

from graph.errors import InputError

SAMPLE_BYTES = 256 * 1024
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".xlsx")

# Long abstracts and claims exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class SourceRow(NamedTuple):
    """One data row: ``line`` is its line (CSV/JSONL) or sheet row (XLSX), the header being line 1.

    ``values`` holds the cells by header position (JSONL: by key); ``problem`` is set instead when
    the row could not be parsed (wrong field count, bad JSON) and becomes a reject. A NamedTuple
    (immutable like the frozen dataclass it replaced, but several times cheaper to build per row).
    """

    line: int
    values: list[Any] | dict[str, Any] | None
    problem: str | None = None


@dataclass
class Table:
    """An opened input table: its header and a one-shot row iterator (``encoding`` for text files)."""

    path: Path
    header: list[str]
    rows: Iterator[SourceRow]
    encoding: str | None = None


def _plausible_gb18030(sample: bytes) -> bool:
    """True when ``sample`` decodes strictly as GB18030 into mostly Chinese text.

    Short Chinese exports fool statistical detectors (a few names read as a Thai code page), while a
    strict GB18030 decode of non-Chinese bytes rarely yields mostly CJK ideographs.
    """
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return False
    cjk = sum(1 for c in non_ascii if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(non_ascii) >= 0.9


def detect_encoding(path: Path) -> str:
    """Encoding of a text file from a sample: ``utf-8-sig`` (BOM), ``utf-8``, ``gb18030`` or another guess."""
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _plausible_gb18030(sample):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    enc = (best.encoding if best else "gb18030").lower().replace("-", "_")
    # Chinese exports in GBK/GB2312 (and look-alikes the detector confuses them with) are read as
    # GB18030, a strict superset, so rare characters outside GBK still decode.
    if enc in ("gbk", "gb2312", "gb18030", "hz", "big5", "cp936", "euc_jp", "cp932", "shift_jis"):
        return "gb18030" if enc != "big5" else "big5"
    return best.encoding if best else "gb18030"


def open_table(path: str | Path) -> Table:
    """Open a CSV/TSV/JSONL/XLSX file for streaming. Raises InputError when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (no header row); write the header line with the expected columns")
    if suffix in (".csv", ".tsv"):
        return _open_csv(path, "\t" if suffix == ".tsv" else ",")
    if suffix == ".jsonl":
        return _open_jsonl(path)
    if suffix == ".xlsx":
        return _open_xlsx(path)
    raise InputError(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(TABLE_SUFFIXES)}")


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    with open(path, encoding=encoding, errors="strict", newline="") as f:
        try:
            yield from f
        except UnicodeDecodeError as e:
            raise _decode_error(path, encoding, e) from e


def _open_csv(path: Path, delimiter: str) -> Table:
    encoding = detect_encoding(path)
    # The csv module reads the file object directly (1 MiB buffer): a generator between them
    # costs a Python frame per line. Undecodable bytes surface from next(reader) as
    # UnicodeDecodeError and become the same fatal InputError as before (see _decode_error).
    f = open(path, encoding=encoding, errors="strict", newline="", buffering=1 << 20)  # noqa: SIM115 - closed by _csv_rows
    reader = csv.reader(f, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        f.close()
        raise InputError(f"{path}: no header row found") from None
    except csv.Error as e:
        f.close()
        raise InputError(f"{path}: the header row cannot be parsed as CSV ({e})") from e
    except UnicodeDecodeError as e:
        f.close()
        raise _decode_error(path, encoding, e) from e
    header = [h.lstrip("\ufeff").strip() for h in header]
    return Table(path, header, _csv_rows(reader, len(header), f, path, encoding), encoding)


def _decode_error(path: Path, encoding: str, e: UnicodeDecodeError) -> InputError:
    return InputError(
        f"{path}: cannot decode as {encoding} near byte {e.start} ({e.reason}); "
        "save the file as UTF-8 (or GB18030) and load it again"
    )


def _csv_rows(reader: Any, width: int, f: IO[str], path: Path, encoding: str) -> Iterator[SourceRow]:
    with f:
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield SourceRow(reader.line_num, None, f"malformed CSV line: {e}")
                continue
            except UnicodeDecodeError as e:
                raise _decode_error(path, encoding, e) from e
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if len(fields) != width:
                # A stray quote or delimiter shifts every later column: never guess, reject the line.
                yield SourceRow(reader.line_num, None, f"malformed CSV line: {len(fields)} fields, header has {width}")
                continue
            yield SourceRow(reader.line_num, fields)


def _open_jsonl(path: Path) -> Table:
    encoding = detect_encoding(path)
    # The header of a JSONL file is the union of the keys in the first 100 objects (in order seen).
    header: list[str] = []
    for n, line in enumerate(_decoded_lines(path, encoding)):
        if n >= 100:
            break
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            header += [k for k in obj if k not in header]
    return Table(path, header, _jsonl_rows(path, encoding), encoding)


def _jsonl_rows(path: Path, encoding: str) -> Iterator[SourceRow]:
    for n, line in enumerate(_decoded_lines(path, encoding), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            yield SourceRow(n, None, f"malformed JSON line: {e}")
            continue
        if not isinstance(obj, dict):
            yield SourceRow(n, None, "malformed JSON line: not an object")
            continue
        yield SourceRow(n, obj)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zipfile/KeyError/InvalidFileException for broken files
        raise InputError(f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from e
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header: list[str] = []
    header_line = 0
    for values in it:
        header_line += 1
        if values and any(v not in (None, "") for v in values):
            header = [str(v).strip() if v is not None else "" for v in values]
            break
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[SourceRow]:
        try:
            for line, values in enumerate(it, start=header_line + 1):
                cells = [_cell(v) for v in values[: len(header)]]
                if all(c in (None, "") for c in cells):
                    continue
                cells += [None] * (len(header) - len(cells))
                yield SourceRow(line, cells)
        finally:
            wb.close()

    if not header:
        wb.close()
        raise InputError(f"{path}: the first sheet has no header row")
    return Table(path, header, rows(), None)


# ---------------------------------------------------------------------------------------------
# Chain YAML


@dataclass(frozen=True)
class ChainNodeSpec:
    """One node of a chain definition as written in YAML (ids already qualified with the chain id)."""

    node_id: str
    name: str
    segment: str
    upstream: tuple[str, ...]
    keywords: tuple[str, ...]
    ipc: tuple[str, ...]
    description: str | None = None
    # placement evidence (issue 18; extraction.chain_profiles explains each field)
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # the node's own exclusion terms plus the chain's
    ipc_scope: tuple[str, ...] = ()  # IPC subclasses (a bare subclass listed under `ipc` lands here)
    anchors: tuple[str, ...] = ()  # the chain's anchor words
    ipc_domain: tuple[str, ...] = ()  # the chain's further domain subclasses

    def placement_props(self) -> dict[str, list[str]]:
        """The ChainNode properties chain placement reads back from the graph (besides keywords and
        ipc_prefixes): context_terms, exclude_terms, ipc_scope, chain_anchors, chain_ipc_domain."""
        return {"context_terms": list(self.context), "exclude_terms": list(self.exclude),
                "ipc_scope": list(self.ipc_scope), "chain_anchors": list(self.anchors),
                "chain_ipc_domain": list(self.ipc_domain)}


_SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]$")


@dataclass(frozen=True)
class ChainSpec:
    """A chain definition: ``chains/<id>.yaml``."""

    chain_id: str
    name: str
    nodes: tuple[ChainNodeSpec, ...]
    source: str
    description: str | None = None


SEGMENTS = {"upstream": "upstream", "midstream": "midstream", "downstream": "downstream",
            "上游": "upstream", "中游": "midstream", "下游": "downstream"}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace("；", ";").split(";") if v.strip()]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def read_chain_yaml(path: str | Path) -> ChainSpec:
    """Parse one chain file (DESIGN.md §3): ``id``, ``name``, ``nodes`` with ``id``, ``name``,
    ``segment``, ``upstream`` (ids), ``keywords``, ``ipc``; for placement (issue 18) also the chain's
    ``anchors``, ``exclude``, ``ipc_domain`` and each node's ``context``, ``exclude``, ``ipc_scope``.

    Node ids without a dot are qualified as ``<chain id>.<node id>`` (so ``cathode`` in chain
    ``battery`` is ``battery.cathode``); upstream references are resolved the same way. Raises
    InputError naming the file and the problem (the whole chain is fatal: a half chain misleads).
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding=detect_encoding(path)))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid YAML ({e})") from e
    if not isinstance(data, dict) or not data.get("id") or not data.get("name") or not isinstance(data.get("nodes"), list):
        raise InputError(f"{path}: a chain file needs `id`, `name` and a `nodes` list (DESIGN.md §3)")
    chain_id = str(data["id"]).strip()
    chain_exclude = _as_list(data.get("exclude"))
    anchors = tuple(_as_list(data.get("anchors")))
    ipc_domain = tuple(c.replace(" ", "").upper() for c in _as_list(data.get("ipc_domain")))
    for c in ipc_domain:
        if not _SUBCLASS.match(c):
            raise InputError(f"{path}: chain `ipc_domain` entry {c!r} is not an IPC subclass (like H02S)")

    def qualify(node_id: Any) -> str:
        text = str(node_id).strip()
        return text if "." in text else f"{chain_id}.{text}"

    nodes = []
    seen: set[str] = set()
    for i, raw in enumerate(data["nodes"], start=1):
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            raise InputError(f"{path}: node #{i} needs `id` and `name`")
        segment = SEGMENTS.get(str(raw.get("segment", "")).strip().lower())
        if segment is None:
            raise InputError(f"{path}: node {raw['id']!r} has segment {raw.get('segment')!r}; use upstream/midstream/downstream")
        node_id = qualify(raw["id"])
        if node_id in seen:
            raise InputError(f"{path}: node id {node_id!r} appears twice")
        seen.add(node_id)
        ipc = [c.replace(" ", "") for c in _as_list(raw.get("ipc"))]
        scope = [c.replace(" ", "").upper() for c in _as_list(raw.get("ipc_scope"))]
        for c in scope:
            if not _SUBCLASS.match(c):
                raise InputError(f"{path}: node {raw['id']!r}: `ipc_scope` entry {c!r} is not an IPC subclass (like H01M)")
        nodes.append(
            ChainNodeSpec(
                node_id=node_id,
                name=str(raw["name"]).strip(),
                segment=segment,
                upstream=tuple(qualify(u) for u in _as_list(raw.get("upstream"))),
                keywords=tuple(_as_list(raw.get("keywords"))),
                # a bare subclass is far too broad to place a patent on its own (C07C is not 原料药):
                # it is scope, checked together with term evidence, never a prefix the loader maps by
                ipc=tuple(c for c in ipc if not _SUBCLASS.match(c.upper())),
                description=str(raw["description"]).strip() if raw.get("description") else None,
                context=tuple(_as_list(raw.get("context"))),
                exclude=tuple(dict.fromkeys([*_as_list(raw.get("exclude")), *chain_exclude])),
                ipc_scope=tuple(dict.fromkeys([*scope, *(c.upper() for c in ipc if _SUBCLASS.match(c.upper()))])),
                anchors=anchors,
                ipc_domain=ipc_domain,
            )
        )
    unknown = [(n.node_id, u) for n in nodes for u in n.upstream if u.startswith(chain_id + ".") and u not in seen]
    if unknown:
        raise InputError(f"{path}: upstream ids not defined in this chain: {', '.join(f'{a} <- {b}' for a, b in unknown)}")
    return ChainSpec(chain_id=chain_id, name=str(data["name"]).strip(), nodes=tuple(nodes), source=path.name,
                     description=str(data["description"]).strip() if data.get("description") else None)

