"""Row validation: a mapped input row → a ``Record`` (node + links + references) or a ``RowRejected``.

One function per file kind. They normalise every value (loaders.normalise), resolve organisation
references through the load's ``OrgResolver`` and declare references to patents and chain nodes,
which the pipeline checks against the batch and the graph before anything is written.
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


# ---------------------------------------------------------------------------------------------
# validators


def validate_organization(row: dict[str, Any], ctx: RowContext) -> Record:
    """organizations.csv row → Organization node (+ IN_NODE links to declared chain nodes)."""
    raw_name = _required(row, "name")
    name, former = N.split_former_name(raw_name)
    try:
        N.normalise_org_name(name)
    except ValueError as e:
        raise RowRejected("name", str(e)) from None
    credit = _optional(row, "credit_code", N.normalise_credit_code, ctx)
    given_id = _text(row, "org_id")
    if given_id and N.looks_like_credit_code(given_id):
        try:
            credit = credit or N.normalise_credit_code(given_id)
        except ValueError as e:
            raise RowRejected("org_id", str(e)) from None
        given_id = None
    kind = _optional(row, "kind", N.normalise_kind, ctx)
    size = _optional(row, "size", N.normalise_size, ctx)
    tier = _optional(row, "tier", N.normalise_tier, ctx)
    region = _region(row, ctx)
    aliases = N.split_list(row.get("aliases")) + former
    merges_before = len(ctx.resolver.merges)
    entry = ctx.resolver.declare(name, credit_code=credit, org_id=given_id, aliases=aliases, kind=kind,
                                 file=ctx.file, line=ctx.line)
    kind = kind or entry.kind
    entry.kind = kind
    all_aliases = sorted(entry.aliases)
    is_sme = None
    if kind == "company" and size:
        is_sme = size in ("medium", "small", "micro")
    elif kind == "company" and tier in ("专精特新", "小巨人"):
        is_sme = True  # both titles are only granted to SMEs (中小企业)
    node = {
        "org_id": entry.org_id, "name": entry.name, "name_norm": entry.name_norm, "aliases": all_aliases,
        "aliases_text": " ".join(all_aliases), "credit_code": entry.credit_code, "kind": kind, "size": size,
        "is_sme": is_sme, "tier": tier, "region_code": region,
        "listed_code": _text(row, "listed_code"),
        "industry_code": _optional(row, "industry_code", N.normalise_industry_code, ctx, strict=False),
        "founded": _optional(row, "founded", N.normalise_date, ctx),
        "profile": _text(row, "profile"), "products": _text(row, "products"), **_extras(row),
    }
    rec = Record(ctx.line, "Organization", node, extra_labels=(_KIND_LABEL[kind],),
                 merged=len(ctx.resolver.merges) > merges_before)
    for node_id in N.split_list(row.get("chain_nodes")):
        rec.links.append(Link("IN_NODE", "Organization", entry.org_id, "ChainNode", node_id,
                              {"method": "declared", "confidence": 1.0, "source": ctx.file,
                               "evidence": "chain_nodes column"}))
        rec.refs.append(Ref("ChainNode", node_id, "chain_nodes", required=False))
    return rec


_KIND_LABEL = {"company": "Company", "university": "University", "institute": "Institute", "government": "Government"}


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


def validate_patent(row: dict[str, Any], ctx: RowContext) -> Record:
    """patents.csv row → Patent node, APPLICANT_OF / HOLDS / CLASSIFIED_AS / CITES links."""
    raw_pub = _required(row, "pub_no")
    try:
        pub_no = N.normalise_pub_no(raw_pub)
    except ValueError as e:
        raise RowRejected("pub_no", str(e)) from None
    title = _required(row, "title")
    ipcs = _ipc_list(N.split_list(row.get("ipc_main")) + N.split_list(row.get("ipc")), "ipc", ctx)
    kind = _optional(row, "kind", N.normalise_patent_kind, ctx) or N.kind_from_pub_no(pub_no)
    status = _optional(row, "status", N.normalise_patent_status, ctx) or N.status_from_pub_no(pub_no) or "unknown"
    node = {
        "pub_no": pub_no, "title": title, "abstract": _text(row, "abstract"),
        "app_no": _optional(row, "app_no", N.normalise_app_no, ctx),
        "kind": kind, "status": status, "ipc": [c.code for c in ipcs], "ipc_main": ipcs[0].code if ipcs else None,
        "filed": _optional(row, "filed", N.normalise_date, ctx),
        "published": _optional(row, "published", N.normalise_date, ctx),
        "granted": _optional(row, "granted", N.normalise_date, ctx), **_extras(row),
    }
    rec = Record(ctx.line, "Patent", node)
    applicants = _orgs(row, "applicants", ctx)
    holders = _orgs(row, "holders", ctx) or applicants  # no holder column: the applicants hold it
    rec.links += [Link("APPLICANT_OF", "Organization", o, "Patent", pub_no) for o in applicants]
    rec.links += [Link("HOLDS", "Organization", o, "Patent", pub_no) for o in holders]
    rec.links += [Link("CLASSIFIED_AS", "Patent", pub_no, "IPC", c.code) for c in ipcs]
    rec.ipc_codes = [c.code for c in ipcs]
    for raw in N.split_list(row.get("cites")):
        try:
            cited = N.normalise_pub_no(raw)
        except ValueError as e:
            ctx.note("cites", f"{e}; citation dropped, row loaded")
            continue
        rec.links.append(Link("CITES", "Patent", pub_no, "Patent", cited))
        rec.refs.append(Ref("Patent", cited, "cites", required=False, report=False))
    return rec


def _pub_ref(row: dict[str, Any]) -> str:
    raw = _required(row, "pub_no")
    try:
        return N.normalise_pub_no(raw)
    except ValueError as e:
        raise RowRejected("pub_no", str(e)) from None


def validate_license(row: dict[str, Any], ctx: RowContext) -> Record:
    """licenses.csv row → License node with LICENSOR / LICENSEE / OF links."""
    pub_no = _pub_ref(row)
    ltype = _optional(row, "type", N.normalise_license_type, ctx)
    date = _optional(row, "date", N.normalise_date, ctx)
    fee = _optional(row, "fee", N.normalise_amount, ctx)
    licensor = _org(_required(row, "licensor"), "licensor", ctx)
    licensee = _org(_required(row, "licensee"), "licensee", ctx)
    record_no = _text(row, "record_no")
    license_id = _text(row, "license_id") or stable_id("LIC", pub_no, licensor, licensee, record_no, date, ltype)
    node = {"license_id": license_id, "type": ltype, "date": date, "record_no": record_no,
            "fee": fee, "pub_no": pub_no, **_extras(row)}
    rec = Record(ctx.line, "License", node)
    rec.links += [
        Link("LICENSOR", "Organization", licensor, "License", license_id),
        Link("LICENSEE", "License", license_id, "Organization", licensee),
        Link("OF", "License", license_id, "Patent", pub_no),
    ]
    rec.refs.append(Ref("Patent", pub_no, "pub_no"))
    return rec


def validate_transfer(row: dict[str, Any], ctx: RowContext) -> Record:
    """transfers.csv row → Transfer node with ASSIGNOR / ASSIGNEE / OF links."""
    pub_no = _pub_ref(row)
    mode = _optional(row, "mode", N.normalise_transfer_mode, ctx) or "assignment"
    date = _optional(row, "date", N.normalise_date, ctx)
    assignor = _org(_required(row, "assignor"), "assignor", ctx)
    assignee = _org(_required(row, "assignee"), "assignee", ctx)
    record_no = _text(row, "record_no")
    transfer_id = _text(row, "transfer_id") or stable_id("TRF", pub_no, assignor, assignee, record_no, date, mode)
    node = {"transfer_id": transfer_id, "mode": mode, "date": date, "record_no": record_no, "pub_no": pub_no,
            **_extras(row)}
    rec = Record(ctx.line, "Transfer", node)
    rec.links += [
        Link("ASSIGNOR", "Organization", assignor, "Transfer", transfer_id),
        Link("ASSIGNEE", "Transfer", transfer_id, "Organization", assignee),
        Link("OF", "Transfer", transfer_id, "Patent", pub_no),
    ]
    rec.refs.append(Ref("Patent", pub_no, "pub_no"))
    return rec


def validate_open_license(row: dict[str, Any], ctx: RowContext) -> Record:
    """open_licenses.csv row → OpenLicenseOffer node, (Patent)-[:OFFERED]->(offer)."""
    pub_no = _pub_ref(row)
    declared = _optional(row, "declared", N.normalise_date, ctx)
    offer_id = _text(row, "offer_id") or stable_id("OLO", pub_no, declared)
    node = {"offer_id": offer_id, "fee_terms": _text(row, "fee_terms"), "declared": declared,
            "field_of_use": _text(row, "field_of_use"), "pub_no": pub_no, **_extras(row)}
    rec = Record(ctx.line, "OpenLicenseOffer", node)
    rec.links.append(Link("OFFERED", "Patent", pub_no, "OpenLicenseOffer", offer_id))
    holder = _text(row, "holder")
    if holder:
        rec.links.append(Link("HOLDS", "Organization", _org(holder, "holder", ctx), "Patent", pub_no))
    rec.refs.append(Ref("Patent", pub_no, "pub_no"))
    return rec


def validate_achievement(row: dict[str, Any], ctx: RowContext) -> Record:
    """achievements row → Achievement node, OWNS from the owner, BACKED_BY to known patents."""
    title = _required(row, "title")
    description = _required(row, "description")
    owner = _text(row, "owner")
    owner_id = _org(owner, "owner", ctx) if owner else None
    ach_id = _text(row, "ach_id") or stable_id("ACH", title, owner_id)
    node = {"ach_id": ach_id, "title": title, "description": description,
            "trl": _optional(row, "trl", N.normalise_trl, ctx), "field": _text(row, "field"),
            "transfer_modes": N.split_list(row.get("transfer_modes")) or None, **_extras(row)}
    rec = Record(ctx.line, "Achievement", node)
    if owner_id:
        rec.links.append(Link("OWNS", "Organization", owner_id, "Achievement", ach_id))
    for raw in N.split_list(row.get("patents")):
        try:
            pub_no = N.normalise_pub_no(raw)
        except ValueError as e:
            ctx.note("patents", f"{e}; link dropped, row loaded")
            continue
        rec.links.append(Link("BACKED_BY", "Achievement", ach_id, "Patent", pub_no))
        rec.refs.append(Ref("Patent", pub_no, "patents", required=False))
    return rec


def validate_demand(row: dict[str, Any], ctx: RowContext) -> Record:
    """demands row → Demand node (+ Challenge label for 揭榜挂帅), POSTED and RESPONDED links."""
    title = _required(row, "title")
    description = _required(row, "description")
    poster = _org(_required(row, "poster"), "poster", ctx)
    kind = _optional(row, "kind", N.normalise_demand_kind, ctx) or "demand"
    demand_id = _text(row, "demand_id") or stable_id("DEM", title, poster)
    node = {"demand_id": demand_id, "title": title, "description": description, "kind": kind,
            "budget": _optional(row, "budget", N.normalise_amount, ctx),
            "deadline": _optional(row, "deadline", N.normalise_date, ctx), **_extras(row)}
    rec = Record(ctx.line, "Demand", node, extra_labels=("Challenge",) if kind == "challenge" else ())
    rec.links.append(Link("POSTED", "Organization", poster, "Demand", demand_id))
    rec.links += [Link("RESPONDED", "Organization", o, "Demand", demand_id) for o in _orgs(row, "responders", ctx)]
    return rec


VALIDATORS: dict[str, Callable[[dict[str, Any], RowContext], Record]] = {
    "organizations": validate_organization,
    "patents": validate_patent,
    "licenses": validate_license,
    "transfers": validate_transfer,
    "open_licenses": validate_open_license,
    "achievements": validate_achievement,
    "demands": validate_demand,
}

#: The key property of each file kind's main node (duplicate keys within a file are rejects).
RECORD_KEYS = {"organizations": "org_id", "patents": "pub_no", "licenses": "license_id", "transfers": "transfer_id",
               "open_licenses": "offer_id", "achievements": "ach_id", "demands": "demand_id"}
