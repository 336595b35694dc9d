"""What a row validator produces and the helpers validators share: ``Record`` (node + links +
references), ``Link``, ``Ref``, ``RowRejected`` / ``Reject``, ``RowContext``, and value helpers that
normalise one column or reject the row naming the field. Used by :mod:`loaders.validate` and
:mod:`loaders.validate_programme`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from loaders import normalise as N
from loaders.resolve import OrgResolver, UnknownOrganization

MAX_EXTRA_CHARS = 10000  # extra columns longer than this are not "safe" to keep as properties


class RowRejected(Exception):
    """A row (or one of its values) is invalid: ``field`` and ``reason`` go to the rejects table."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Reject:
    """One line of the rejects table (``row`` is the line in the file, the header being line 1)."""

    file: str
    row: int
    field: str
    reason: str


class Link(NamedTuple):
    """A relationship to write: endpoints by label and key, properties, optional merge key.

    A NamedTuple rather than a frozen dataclass: a patent row makes several, and a tuple is
    built and pickled (spooled) several times faster.
    """

    rel_type: str
    start_label: str
    start: str
    end_label: str
    end: str
    props: dict[str, Any] | None = None
    merge_key: str | None = None


class Ref(NamedTuple):
    """A reference to a node that must exist (in this load or the graph).

    ``required``: a missing target rejects the row; otherwise only the links to it are dropped
    (``report`` says whether that drop is a reject line or just a count, e.g. citations of
    patents outside the data set).
    """

    label: str
    key: str
    field: str
    required: bool = True
    report: bool = True


@dataclass
class Record:
    """Everything one valid row produces."""

    line: int
    label: str
    node: dict[str, Any]
    extra_labels: tuple[str, ...] = ()
    links: list[Link] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    ipc_codes: list[str] = field(default_factory=list)  # IPC nodes this row needs
    merged: bool = False  # an organisations row that landed on an organisation declared before (a Merge)


@dataclass
class RowContext:
    """What a validator needs besides the row: file name, line and the load's resolver."""

    file: str
    line: int
    resolver: OrgResolver
    notes: list[Reject] = field(default_factory=list)  # field-level problems on an accepted row

    def note(self, field: str, reason: str) -> None:
        self.notes.append(Reject(self.file, self.line, field, reason))


# ---------------------------------------------------------------------------------------------
# helpers


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    if N.is_blank(value):
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _required(row: dict[str, Any], name: str) -> str:
    value = _text(row, name)
    if value is None:
        raise RowRejected(name, f"required value {name!r} is empty")
    return value


def _optional(row: dict[str, Any], name: str, fn: Callable[[Any], Any], ctx: RowContext, *, strict: bool = True) -> Any:
    """Normalise an optional value; a bad value rejects the row (strict) or is dropped with a note."""
    raw = row.get(name)
    if N.is_blank(raw):
        return None
    try:
        return fn(raw)
    except ValueError as e:
        if strict:
            raise RowRejected(name, str(e)) from None
        ctx.note(name, f"{e}; value dropped, row loaded")
        return None


def _org(ref: str, field: str, ctx: RowContext) -> str:
    try:
        return ctx.resolver.resolve(ref, file=ctx.file, line=ctx.line)
    except UnknownOrganization as e:
        raise RowRejected(field, str(e)) from None
    except ValueError as e:
        raise RowRejected(field, f"bad organisation reference {ref!r}: {e}") from None


def _orgs(row: dict[str, Any], name: str, ctx: RowContext) -> list[str]:
    ids: list[str] = []
    for ref in N.split_list(row.get(name)):
        org_id = _org(ref, name, ctx)
        if org_id not in ids:
            ids.append(org_id)
    return ids


def _extras(row: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in row.items():
        if k.startswith("x_") and not N.is_blank(v):
            text = ";".join(map(str, v)) if isinstance(v, list) else str(v)
            if len(text) <= MAX_EXTRA_CHARS:
                out[k] = text
    return out


def stable_id(prefix: str, *parts: Any) -> str:
    """Deterministic id for an event without one: prefix + 12 hex of sha1 of its defining values."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def _ipc_list(values: list[str], field: str, ctx: RowContext) -> list[N.IpcCode]:
    out: list[N.IpcCode] = []
    for raw in values:
        try:
            code = N.parse_ipc(raw)
        except ValueError as e:
            raise RowRejected(field, str(e)) from None
        if code.code not in [c.code for c in out]:
            out.append(code)
    return out


def amount_wan(row: dict[str, Any], name: str, ctx: RowContext) -> float | None:
    """A money column as 万元 (the unit of every stored amount, docs/programme.md).

    ``name`` holds yuan unless a unit is written (``50万``, ``1.2亿元``); the ``<name>_wan`` column
    (headers such as 质押金额(万元)) holds 万元 already. ``name`` wins when both are filled.
    """
    yuan = _optional(row, name, N.normalise_amount, ctx)
    if yuan is not None:
        return round(yuan / 10_000, 6)
    wan = _optional(row, f"{name}_wan", N.normalise_amount, ctx)
    return None if wan is None else round(wan, 6)


_DEMAND_STATUS = {
    "open": ("开放", "征集中", "揭榜中", "进行中", "未揭榜", "待揭榜"),
    "awarded": ("已揭榜", "揭榜成功", "已中榜", "已签约", "已对接"),
    "closed": ("已关闭", "关闭", "已结束", "结束", "已截止", "流榜", "撤榜"),
}


def normalise_demand_status(raw: Any) -> str:
    """Demand / 揭榜挂帅 status → open / awarded / closed (Chinese or English); ValueError otherwise."""
    text = N.nfkc(str(raw)).strip().lower()
    for canon, words in _DEMAND_STATUS.items():
        if text == canon or text in words:
            return canon
    raise ValueError(f"unknown demand status {raw!r}; use one of open (开放), awarded (已揭榜), closed (已关闭)")


def _region(row: dict[str, Any], ctx: RowContext) -> str | None:
    region, province, city = _text(row, "region"), _text(row, "province"), _text(row, "city")
    try:
        if region:
            return N.normalise_region(region)
        code = N.normalise_region(province) if province else None
        if city:
            return N.normalise_region(city, within=code)
        return code
    except ValueError as e:
        ctx.note("region", f"{e}; region dropped, row loaded")
        return None
