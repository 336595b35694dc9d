"""Run extraction over the texts in the graph and write the results back (the one module in
extraction/ that takes a driver; its Cypher lives in :mod:`graph.extract_store`).

Texts: patent titles+abstracts, achievement and demand titles+descriptions, organisation
profiles+products. Writes: Mention nodes (MENTIONS from the source, REFERS_TO the linked node),
Technology nodes (MENTIONS_TECH), relations between organisations with provenance, placements
(MAPS_TO / IN_NODE / ABOUT, method + confidence, never lowering an existing one), patents'
strategic-emerging-industry placements ``(Patent)-[:IN_INDUSTRY {method: sei_ipc}]->(Industry)`` when
the 战新–IPC (2021) table is loaded, TRL readings.
Re-running is idempotent (everything merges on stable keys).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from extraction.chain_profiles import profiles_from_rows
from extraction.gazetteer import Gazetteer, NodeEntry, OrgEntry
from extraction.pipeline import build_nlp, iter_extract
from extraction.placement import (
    EVIDENCE_METHOD,
    PlacementModel,
    place_by_sei,
    place_org_by_patent_evidence,
    placement_row,
)
from extraction.relations import find_self_relations
from extraction.textnorm import sentence_spans
from extraction.trl import read_trl
from graph import extract_store as store
from graph.writer import write_nodes, write_relationships
from loaders.reference import SEI_SCHEME

SOURCES = ("Patent", "Achievement", "Demand", "Organization")
_LINK_TARGET = {"ORG": "Organization", "REGION": "Region", "TECH": "Technology", "PATENT": "Patent", "IPC": "IPC"}
_ORG_REL_KEYS = {"LICENSED_TO": "license_id", "ASSIGNED_TO": "transfer_id"}


def mention_id(source_label: str, source: str, field: str, start: int, end: int, label: str) -> str:
    """Stable key of a mention: sha1 of source, field, offsets and label (16 hex)."""
    raw = f"{source_label}:{source}|{field}|{start}|{end}|{label}"
    return "M-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def gazetteer_from_graph(driver, database: str = "neo4j") -> Gazetteer:
    """A gazetteer built from the graph's organisations, chain nodes, regions and technology terms."""
    rows = store.read_dictionary_rows(driver, database)
    gaz = Gazetteer()
    gaz.orgs = [OrgEntry(r["org_id"], r["name"], tuple(a for a in r["aliases"] if a)) for r in rows["orgs"] if r["name"]]
    gaz.nodes = [
        NodeEntry(r["node_id"], r["name"] or "", tuple(r["keywords"]), tuple(r["ipc_prefixes"]), r["chain_id"] or "")
        for r in rows["nodes"]
    ]
    for r in rows["regions"]:
        gaz.regions.setdefault(r["name"], r["code"])
    gaz.tech_terms += [r["term"] for r in rows["tech"] if r["term"]]
    return gaz


def extract_graph(driver, database: str = "neo4j", nlp=None, progress: Callable[[str, int], None] | None = None,
                  page_size: int = store.TEXT_PAGE_SIZE, key_prefix: str | None = None) -> dict:
    """Extract from every text in the graph and write the results; returns counts per kind.

    Streams: the source nodes of each label are read in pages of ``page_size`` (by key), and each
    page's mentions, relations, placements and TRL readings are written before the next page is
    read, so memory is bounded by one page (plus the gazetteer and the placement profiles, which
    are the dictionaries), not by the graph. Sources run in :data:`SOURCES` order: organisations
    last, so their patent-evidence placements read the patents' placements just written.

    ``nlp`` defaults to ``build_nlp`` with a gazetteer read from the graph. ``progress(kind, n)`` is
    called after each source label with the number of source nodes processed. ``key_prefix`` limits
    the sources to those whose key starts with it (a batch loaded with prefixed keys; tests).
    """
    if nlp is None:  # built only when needed: the gazetteer holds every organisation name
        nlp = build_nlp({"gazetteer": gazetteer_from_graph(driver, database)})
    # chain placement by evidence combination (issue 18), from the chain nodes as loaded
    placer = PlacementModel(profiles_from_rows(store.read_chain_node_rows(driver, database)))
    # 战新–IPC (2021) table, when `chainkg load-reference sei-ipc` has loaded it (else empty: skipped)
    sei_table = store.read_sei_ipc_table(driver, SEI_SCHEME, database)
    stats: dict[str, Any] = defaultdict(int)
    tech_terms: set[str] = set()  # bounded by the technology dictionary, not by the number of texts
    for label in SOURCES:
        done = 0
        for rows in store.read_text_pages(driver, label, database, page_size=page_size, key_prefix=key_prefix):
            page = _extract_page(nlp, label, rows, placer, sei_table, stats)
            _write_page(driver, database, label, page, stats, tech_terms)
            done += len(rows)
        if progress:
            progress(label, done)
    stats["technologies"] = len(tech_terms)
    # Placements and applicants changed: the saved queries' stored counts follow (graph/precompute.py).
    from graph.precompute import refresh_chain_counts

    stats["precomputed_counts"] = sum(refresh_chain_counts(driver, database).values())
    return dict(stats)


@dataclass
class _Page:
    """What one page of source nodes yields, grouped the way it is written."""

    keep: dict[str, list[str]] = field(default_factory=dict)  # source key -> its mention ids (the rest are stale)
    mentions: list[dict] = field(default_factory=list)
    mentions_rels: list[dict] = field(default_factory=list)
    refers: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    tech_terms: set[str] = field(default_factory=set)
    mentions_tech: list[dict] = field(default_factory=list)
    org_rels: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    placements: dict[tuple[str, str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))  # IN_INDUSTRY
    # (rel type, source label) -> source key -> its chain placements (every source listed, so a source
    # that no longer places anywhere loses its earlier automatic placements)
    chain_places: dict[tuple[str, str], dict[str, list[dict]]] = field(default_factory=lambda: defaultdict(dict))
    trl_rows: list[dict] = field(default_factory=list)


def _extract_page(nlp, label: str, rows: list[dict], placer: PlacementModel, sei_table, stats: dict[str, Any]) -> _Page:
    """Run the pipeline over one page of source rows and build what is to be written."""
    page = _Page(keep={r["key"]: [] for r in rows})
    items = []
    for r in rows:
        for field_ in ("title", "body", "products"):
            if field_ == "title" and label == "Organization":
                continue  # the name itself is not a text to extract from
            val = r.get(field_)
            if isinstance(val, list):
                val = "；".join(str(v) for v in val)
            if val:
                items.append({"id": (r["key"], field_), "text": str(val)})
    texts = {it["id"]: it["text"] for it in items}
    for rec in iter_extract(nlp, items):
        key, field_ = rec["id"]
        text = texts[rec["id"]]
        stats["texts"] += 1
        for m in rec["mentions"]:
            mid = mention_id(label, key, field_, m["start"], m["end"], m["label"])
            page.keep[key].append(mid)
            link = m["link"] or {}
            page.mentions.append(
                {
                    "mention_id": mid, "source": key, "source_label": label, "field": field_,
                    "label": m["label"], "text": m["text"], "start": m["start"], "end": m["end"],
                    "method": m["method"], "confidence": m["confidence"], "link_id": link.get("id"),
                    "link_by": link.get("by"), "proposed": link.get("by") == "proposed" or None,
                    "evidence": _sentence(text, m["start"]),
                }
            )
            page.mentions_rels.append({"start": key, "end": mid, "props": {"field": field_}})
            target = _LINK_TARGET.get(m["label"])
            if target and link.get("id") and link.get("by") != "proposed":
                page.refers[target].append({"start": mid, "end": link["id"], "props": {"by": link["by"], "score": link.get("score")}})
            if m["label"] == "TECH" and link.get("id"):
                page.tech_terms.add(link["id"])
                page.mentions_tech.append({"start": key, "end": link["id"], "props": {"method": "dictionary"}})
            stats["proposed_orgs"] += link.get("by") == "proposed"
        by_text = {m["text"]: m for m in rec["mentions"]}
        for rel in rec["relations"]:
            h, t = by_text.get(rel["head"]), by_text.get(rel["tail"])
            if not h or not t or not h["link"] or not t["link"] or h["link"]["by"] == "proposed":
                stats["relations_unlinked"] += 1
                continue
            if t["link"]["by"] == "proposed":
                stats["relations_unlinked"] += 1
                continue
            props = {"source": f"{label}:{key}", "evidence": rel["evidence"], "confidence": rel["confidence"], "method": rel["method"]}
            rk = _ORG_REL_KEYS.get(rel["type"])
            if rk:
                props[rk] = "TXT-" + hashlib.sha1(f"{label}:{key}|{h['link']['id']}|{t['link']['id']}".encode()).hexdigest()[:12]
            page.org_rels[rel["type"]].append({"start": h["link"]["id"], "end": t["link"]["id"], "props": props})
        if label == "Organization":
            _self_relations(key, text, rec["mentions"], label, page.org_rels, stats)
    # placements and TRL, one per source node (title and body together)
    for r in rows:
        whole = "\n".join(str(r.get(f)) for f in ("title", "body", "products") if r.get(f) and not (f == "title" and label == "Organization"))
        kind = {"Patent": ("MAPS_TO", EVIDENCE_METHOD), "Achievement": ("ABOUT", EVIDENCE_METHOD),
                "Demand": ("ABOUT", EVIDENCE_METHOD), "Organization": ("IN_NODE", "profile")}[label]
        ipc = (r.get("ipc") or []) if label == "Patent" else []
        page.chain_places[(kind[0], label)][r["key"]] = [
            placement_row(p, f"{label}:{r['key']}") for p in placer.place(whole, ipc, method=kind[1])]
        if label == "Patent" and sei_table:
            for p in place_by_sei(r.get("ipc") or [], sei_table):
                page.placements[("IN_INDUSTRY", label, "Industry")].append(
                    {"start": r["key"], "end": p.node_id, "method": p.method, "confidence": p.confidence,
                     "source": "sei_ipc_2021", "evidence": p.evidence}
                )
        if label == "Achievement":
            reading = read_trl(whole)
            if reading:
                page.trl_rows.append({"ach_id": r["key"], "level": reading.level, "confidence": reading.confidence,
                                      "method": reading.method, "evidence": reading.evidence})
    return page


def _write_page(driver, database: str, label: str, page: _Page, stats: dict[str, Any], tech_terms: set[str]) -> None:
    """Write one page's results (each write idempotent and chunked by graph.writer / extract_store)."""
    stats["mentions_pruned"] += store.prune_stale_mentions(
        driver, label, ({"key": k, "keep": ids} for k, ids in page.keep.items()), database=database).written
    write_nodes(driver, "Mention", page.mentions, database=database)
    stats["mentions"] += len(page.mentions)
    new_terms = sorted(page.tech_terms - tech_terms)
    if new_terms:
        write_nodes(driver, "Technology", [{"term": t} for t in new_terms], database=database)
        tech_terms.update(new_terms)
    if page.mentions_rels:
        write_relationships(driver, "MENTIONS", page.mentions_rels, start_label=label, end_label="Mention", database=database)
    for target, rows_ in page.refers.items():
        stats["refers_to"] += write_relationships(driver, "REFERS_TO", rows_, start_label="Mention", end_label=target, database=database).written
    if page.mentions_tech:
        write_relationships(driver, "MENTIONS_TECH", page.mentions_tech, start_label=label, end_label="Technology", database=database)
    for rtype, rows_ in page.org_rels.items():
        end_label = "Region" if rtype == "LOCATED_IN" else "Patent" if rtype == "APPLICANT_OF" else "Organization"
        res = store.write_text_relations(driver, rtype, rows_, start_label="Organization", end_label=end_label,
                                         merge_key=_ORG_REL_KEYS.get(rtype), database=database)
        stats[f"rel_{rtype}"] += res.written
    for (rtype, src, end_label), rows_ in page.placements.items():
        # e.g. placed_IN_INDUSTRY_Patent_sei_ipc (one method per key)
        res = store.write_placements(driver, rtype, src, rows_, end_label=end_label, database=database)
        stats[f"placed_{rtype}_{src}_{rows_[0]['method']}"] += res.written
    # chain placements replace each source's earlier automatic ones (manual/declared ones and stored
    # rejections are never touched); organisations combine their profile with their patents' placements
    org_profile = page.chain_places.pop(("IN_NODE", "Organization"), None)
    for (rtype, src), by_key in page.chain_places.items():
        res = store.replace_placements(driver, rtype, src, ({"key": k, "places": v} for k, v in by_key.items()),
                                       database=database)
        stats[f"placed_{rtype}_{src}_{EVIDENCE_METHOD}"] += res.written
    if org_profile is not None:
        _write_org_placements(driver, database, org_profile, stats)
    if page.trl_rows:
        stats["trl"] += store.write_trl_readings(driver, page.trl_rows, database).written


def _write_org_placements(driver, database: str, org_profile: dict[str, list[dict]], stats: dict[str, Any]) -> None:
    """Organisations of one page: profile placements combined with the share of their patents on each node."""
    org_places: dict[str, dict[str, dict]] = {k: {p["end"]: p for p in v} for k, v in org_profile.items()}
    for r in store.read_org_patent_placements(driver, database, org_ids=list(org_profile)):
        confs = {n["node_id"]: n["confidences"] for n in r["nodes"]}
        for p in place_org_by_patent_evidence(confs, r["total"]):
            row = placement_row(p, f"Organization:{r['org_id']}")
            have = org_places.setdefault(r["org_id"], {}).get(p.node_id)
            if have:  # profile and patents agree: one edge, the higher confidence, both methods
                row = {**(have if have["confidence"] >= row["confidence"] else row),
                       "methods": sorted({*have["methods"], *row["methods"]})}
            org_places[r["org_id"]][p.node_id] = row
            stats["placed_IN_NODE_Organization_patents"] += 1
    res = store.replace_placements(driver, "IN_NODE", "Organization",
                                   ({"key": k, "places": list(v.values())} for k, v in org_places.items()), database=database)
    stats["placed_IN_NODE_Organization_evidence"] += res.written


def _self_relations(org_id: str, text: str, mentions: list[dict], label: str,
                    org_rels: dict[str, list[dict]], stats: dict[str, Any]) -> None:
    # A profile's sentences often leave its own organisation implicit ("公司为X提供…配套",
    # "与Y联合开发…"): the profile's owner is the other end of those relations.
    objs = [SimpleNamespace(**m) for m in mentions]
    for sr in find_self_relations(text, objs, sentence_spans(text)):
        link = mentions[sr["tail_i"]]["link"] or {}
        if not link.get("id") or link.get("by") == "proposed" or link["id"] == org_id:
            stats["relations_unlinked"] += 1
            continue
        start, end = (link["id"], org_id) if sr["swap"] else (org_id, link["id"])
        props = {"source": f"{label}:{org_id}", "evidence": sr["evidence"], "confidence": sr["confidence"],
                 "method": sr["method"]}
        org_rels[sr["type"]].append({"start": start, "end": end, "props": props})


def _sentence(text: str, pos: int) -> str:
    for s, e in sentence_spans(text):
        if s <= pos < e:
            return text[s:e].strip()[:500]
    return ""
