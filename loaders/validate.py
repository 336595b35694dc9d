"""Row validation: a mapped input row → a ``Record`` (node + links + references) or a ``RowRejected``.

One function per file kind. They normalise every value (loaders.normalise), resolve organisation
references through the load's ``OrgResolver`` and declare references to patents and chain nodes,
which the pipeline checks against the batch and the graph before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.vocab import demand_labels, org_labels
from loaders import normalise as N
from loaders import validate_programme as P
from loaders.rows import (  # noqa: F401 - re-exported: callers import these from loaders.validate
    MAX_EXTRA_CHARS,
    Link,
    Record,
    Ref,
    Reject,
    RowContext,
    RowRejected,
    _extras,
    _ipc_list,
    _optional,
    _org,
    _orgs,
    _region,
    _required,
    _text,
    amount_wan,
    normalise_demand_status,
    stable_id,
)

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
        # a tier the file states is never replaced by one derived from tier awards (graph/derive_programme.py)
        "tier_source": "declared" if tier not in (None, "none") else None,
        "listed_code": _text(row, "listed_code"),
        "industry_code": _optional(row, "industry_code", N.normalise_industry_code, ctx, strict=False),
        "founded": _optional(row, "founded", N.normalise_date, ctx),
        "profile": _text(row, "profile"), "products": _text(row, "products"), **_extras(row),
    }
    rec = Record(ctx.line, "Organization", node, extra_labels=org_labels(kind),
                 merged=len(ctx.resolver.merges) > merges_before)
    for node_id in N.split_list(row.get("chain_nodes")):
        rec.links.append(Link("IN_NODE", "Organization", entry.org_id, "ChainNode", node_id,
                              {"method": "declared", "confidence": 1.0, "source": ctx.file,
                               "evidence": "chain_nodes column"}))
        rec.refs.append(Ref("ChainNode", node_id, "chain_nodes", required=False))
    return rec





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
    fee = amount_wan(row, "fee", ctx)
    licensor = _org(_required(row, "licensor"), "licensor", ctx)
    licensee = _org(_required(row, "licensee"), "licensee", ctx)
    record_no = _text(row, "record_no")
    license_id = _text(row, "license_id") or stable_id("LIC", pub_no, licensor, licensee, record_no, date, ltype)
    # offer_id: the open-licence offer this licence was taken under; the UNDER edge is derived
    # (graph/derive_programme.py) because offers may be loaded after licences.
    node = {"license_id": license_id, "type": ltype, "date": date, "record_no": record_no,
            "fee": fee, "pub_no": pub_no, "offer_id": _text(row, "offer_id"), **_extras(row)}
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
            "budget": amount_wan(row, "budget", ctx),
            "deadline": _optional(row, "deadline", N.normalise_date, ctx), **_extras(row)}
    winners = _orgs(row, "winner", ctx)
    status = _optional(row, "status", normalise_demand_status, ctx)
    node["status"] = status or ("awarded" if winners else None)
    rec = Record(ctx.line, "Demand", node, extra_labels=demand_labels(kind))
    rec.links.append(Link("POSTED", "Organization", poster, "Demand", demand_id))
    rec.links += [Link("RESPONDED", "Organization", o, "Demand", demand_id) for o in _orgs(row, "responders", ctx)]
    rec.links += [Link("WON", "Organization", o, "Demand", demand_id) for o in winners]
    return rec


def validate_service_body(row: dict[str, Any], ctx: RowContext) -> Record:
    """service_bodies row → an organisation of kind service (declared like an organisations row) with the
    ServiceBody label, its service types and what it serves (:func:`loaders.validate_programme.add_service_body`)."""
    return P.add_service_body(validate_organization({**row, "kind": "service", "chain_nodes": None}, ctx), row, ctx)


def validate_programme_achievement(row: dict[str, Any], ctx: RowContext) -> Record:
    """achievements row → Achievement with the 成果库 fields of issue 14 (:func:`loaders.validate_programme.add_achievement_fields`)."""
    return P.add_achievement_fields(validate_achievement(row, ctx), row, ctx)


#: file kind -> validator, in load order: files that others refer to first. Service bodies come right
#: after organisations (achievements name them as evaluators, later files refer to them); event
#: participants after events, achievements and demands; deals after those and the licences / transfers
#: they are recorded as; members after their clusters. The load paths take their file order from
#: this dict (loaders.mapping.FILE_ORDER).
VALIDATORS: dict[str, Callable[[dict[str, Any], RowContext], Record]] = {
    "organizations": validate_organization,
    "service_bodies": validate_service_body,
    "patents": validate_patent,
    "licenses": validate_license,
    "transfers": validate_transfer,
    "open_licenses": validate_open_license,
    "achievements": validate_programme_achievement,
    "demands": validate_demand,
    **P.PROGRAMME_VALIDATORS,  # events, event_participants, deals, tiers, pledges, clusters, cluster_members, tech_managers
}

#: The key property of each file kind's main node (duplicate keys within a file are rejects).
RECORD_KEYS = {"organizations": "org_id", "patents": "pub_no", "licenses": "license_id", "transfers": "transfer_id",
               "open_licenses": "offer_id", "achievements": "ach_id", "demands": "demand_id", "service_bodies": "org_id",
               **P.PROGRAMME_KEYS}
