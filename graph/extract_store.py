"""Cypher for the extraction step: read texts and dictionaries out of the graph, write mentions,
technology terms, text-derived relations, chain placements and TRL readings back.

Every label and relationship type is checked against :mod:`graph.schema`; every value is a
parameter. Writes are idempotent: mentions merge on ``mention_id``; relations merge on their
endpoints (plus a key where parallel edges are meaningful) and set text provenance only when
created; placements merge per (start, end) pair and never lower an existing confidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import neo4j

from graph.schema import check_label, check_property, check_rel_type, key_of
from graph.writer import DEFAULT_BATCH_SIZE, WriteResult, _run_chunks, clean_props, rel_merge_query

#: What each source label's text page returns besides its key (``n`` is the source node).
_TEXT_COLUMNS: dict[str, str] = {
    "Patent": "n.title AS title, n.abstract AS body, coalesce(n.ipc, []) AS ipc",
    "Achievement": "n.title AS title, n.description AS body, n.trl AS trl",
    "Demand": "n.title AS title, n.description AS body",
    "Organization": "n.name AS title, n.profile AS body, n.products AS products",
}

#: Source nodes read per page by :func:`read_text_pages` (extraction memory is bounded by one page).
TEXT_PAGE_SIZE = 2000


def _text_page_query(label: str, first: bool, key_prefix: str | None = None) -> str:
    key = check_property(key_of(check_label(label)))
    # A range on the key walks its unique index in key order: each page is a seek, not a sort of the label.
    prefix = f" AND n.{key} STARTS WITH $p" if key_prefix is not None else ""
    return (f"MATCH (n:{label}) WHERE n.{key} {'>=' if first else '>'} $after{prefix} "
            f"RETURN n.{key} AS key, {_TEXT_COLUMNS[label]} ORDER BY n.{key} LIMIT $page")


def read_text_pages(
    driver: neo4j.Driver, label: str, database: str = "neo4j", page_size: int = TEXT_PAGE_SIZE,
    key_prefix: str | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of rows ``{key, title, body, …}`` of the nodes of ``label`` (whose key starts with
    ``key_prefix``, when given), in key order. Keys are strings (as every ChainKG loader writes them).

    Each page is its own short read (``key > last key of the previous page``), so a caller that
    writes between pages never holds more than one page, and the server never sorts the label.
    """
    after, first = key_prefix or "", True  # a prefix's nodes start at the prefix itself in key order
    while True:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            rows = [dict(r) for r in session.run(_text_page_query(label, first, key_prefix), after=after,
                                                 page=page_size, p=key_prefix)]
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        after, first = rows[-1]["key"], False


_DICTIONARY_QUERIES: dict[str, str] = {
    "orgs": "MATCH (o:Organization) RETURN o.org_id AS org_id, o.name AS name, coalesce(o.aliases, []) AS aliases",
    "nodes": "MATCH (n:ChainNode) RETURN n.node_id AS node_id, n.name AS name, coalesce(n.keywords, []) AS keywords, "
    "coalesce(n.ipc_prefixes, []) AS ipc_prefixes, n.chain_id AS chain_id, "
    "coalesce(n.context_terms, []) AS context_terms, coalesce(n.exclude_terms, []) AS exclude_terms, "
    "coalesce(n.ipc_scope, []) AS ipc_scope, coalesce(n.chain_anchors, []) AS chain_anchors, "
    "coalesce(n.chain_ipc_domain, []) AS chain_ipc_domain",
    "regions": "MATCH (r:Region) WHERE r.name IS NOT NULL RETURN r.code AS code, r.name AS name",
    "tech": "MATCH (t:Technology) RETURN t.term AS term",
}


def read_dictionary_rows(driver: neo4j.Driver, database: str = "neo4j") -> dict[str, list[dict[str, Any]]]:
    """Organisations (id, name, aliases), chain nodes (id, name, keywords, IPC prefixes and the placement
    fields of issue 18: context/exclude terms, IPC scope, the chain's anchors and IPC domain), regions,
    technologies."""
    queries = _DICTIONARY_QUERIES
    out: dict[str, list[dict[str, Any]]] = {}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for name, q in queries.items():
            out[name] = [dict(r) for r in session.run(q)]
    return out


def read_org_patent_nodes(driver: neo4j.Driver, database: str = "neo4j") -> list[dict[str, Any]]:
    """Per organisation: how many of its patents (applied or held) each chain node has, and its total."""
    query = (
        "MATCH (o:Organization)-[:APPLICANT_OF|HOLDS]->(p:Patent) "
        "WITH o, collect(DISTINCT p) AS ps "
        "UNWIND ps AS p OPTIONAL MATCH (p)-[:MAPS_TO]->(n:ChainNode) "
        "WITH o, size(ps) AS total, n.node_id AS node_id, count(DISTINCT p) AS c WHERE node_id IS NOT NULL "
        "RETURN o.org_id AS org_id, total, collect({node_id: node_id, count: c}) AS nodes"
    )
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(r) for r in session.run(query)]


def read_chain_node_rows(driver: neo4j.Driver, database: str = "neo4j") -> list[dict[str, Any]]:
    """Chain nodes with what chain placement reads (see :func:`read_dictionary_rows`)."""
    query = _DICTIONARY_QUERIES["nodes"]
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(r) for r in session.run(query)]


_ORG_PATENT_PLACEMENTS_TAIL = (
    "-[:APPLICANT_OF|HOLDS]->(p:Patent) "
    "WITH o, collect(DISTINCT p) AS ps "
    "UNWIND ps AS p OPTIONAL MATCH (p)-[r:MAPS_TO]->(n:ChainNode) "
    "WITH o, size(ps) AS total, n.node_id AS node_id, p, max(r.confidence) AS c "
    "WITH o, total, node_id, collect(c) AS cs "
    "RETURN o.org_id AS org_id, total, "
    "[x IN collect({node_id: node_id, confidences: cs}) WHERE x.node_id IS NOT NULL] AS nodes"
)


def read_org_patent_placements(
    driver: neo4j.Driver, database: str = "neo4j", org_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Per organisation: its patent total and, per chain node, the confidences of its patents'
    placements there (``{org_id, total, nodes: [{node_id, confidences}]}``); organisations without
    placed patents come with an empty list (so their old patent-share placements can be pruned).
    ``org_ids`` limits it to those organisations (one page of them: memory bounded by the page)."""
    if org_ids is None:
        query, params = "MATCH (o:Organization)" + _ORG_PATENT_PLACEMENTS_TAIL, {}
    else:
        query = "UNWIND $ids AS id MATCH (o:Organization {org_id: id})" + _ORG_PATENT_PLACEMENTS_TAIL
        params = {"ids": org_ids}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(r) for r in session.run(query, params)]


def read_sei_ipc_table(driver: neo4j.Driver, scheme: str, database: str = "neo4j") -> dict[str, list[tuple[str, str]]]:
    """The 战新–IPC (2021) table as the loader wrote it (``loaders.reference.load_sei_ipc``):
    ``(:Industry {scheme})-[:COVERS_IPC]->(:IPC)`` → ``{ipc code: [(industry code, name)]}``; empty
    when the table is not loaded."""
    query = (
        "MATCH (s:Industry {scheme: $scheme})-[:COVERS_IPC]->(i:IPC) "
        "RETURN i.code AS ipc, s.code AS code, coalesce(s.name, '') AS name ORDER BY ipc, code"
    )
    out: dict[str, list[tuple[str, str]]] = {}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for r in session.run(query, scheme=scheme):
            out.setdefault(r["ipc"], []).append((r["code"], r["name"]))
    return out


def placement_merge_query(rel_type: str, start_label: str, end_label: str) -> str:
    """Merge a placement edge; keep the higher confidence (and its method), collect ``methods``."""
    check_rel_type(rel_type)
    sk, ek = check_property(key_of(start_label)), check_property(key_of(end_label))
    check_label(start_label)
    check_label(end_label)
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{sk}: row.start}}) MATCH (b:{end_label} {{{ek}: row.end}}) "
        f"MERGE (a)-[r:{rel_type}]->(b) "
        "ON CREATE SET r.method = row.method, r.confidence = row.confidence, r.source = row.source, "
        "r.evidence = row.evidence, r.methods = [row.method] "
        "ON MATCH SET r.methods = CASE WHEN row.method IN coalesce(r.methods, []) THEN r.methods "
        "ELSE coalesce(r.methods, CASE WHEN r.method IS NULL THEN [] ELSE [r.method] END) + row.method END, "
        "r.evidence = CASE WHEN row.confidence > coalesce(r.confidence, 0.0) THEN row.evidence ELSE coalesce(r.evidence, row.evidence) END, "
        "r.method = CASE WHEN row.confidence > coalesce(r.confidence, 0.0) THEN row.method ELSE coalesce(r.method, row.method) END, "
        "r.confidence = CASE WHEN row.confidence > coalesce(r.confidence, 0.0) THEN row.confidence ELSE r.confidence END "
        "RETURN count(r) AS c"
    )


#: Methods that automatic placement never overwrites or prunes: a planner's correction
#: (graph.placement_store) and a placement declared in the loaded data.
KEPT_METHODS = ("manual", "declared")
#: Stamped on every patent the evidence-combination step has placed (graph/derive.py's IPC-group
#: derivation leaves such patents to it, so `chainkg load` after `chainkg extract` changes nothing).
PLACEMENT_RULES_VERSION = "evidence-v1"


def placement_replace_query(rel_type: str, start_label: str) -> str:
    """Replace a source's automatic placements onto ChainNodes by ``row.places``.

    Per row ``{key, places: [{end, method, methods, confidence, evidence, rule, terms, ipc, source}]}``:
    automatic edges of the source to nodes not in ``places`` are deleted (an earlier run's rules);
    the placed pairs are written with exactly the new values (confidences are calibrated, so a new
    one may be lower than an old one). Never touched: edges whose method or methods include
    ``manual``/``declared``, and pairs with a stored ``PLACEMENT_REJECTED`` (a planner removed them).
    Patents are stamped ``placement_rules``.
    """
    check_rel_type(rel_type)
    check_rel_type("PLACEMENT_REJECTED")
    check_label(start_label)
    sk = check_property(key_of(start_label))
    stamp = "SET a.placement_rules = row.version WITH a, row " if start_label == "Patent" else ""
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{sk}: row.key}}) {stamp}"
        "CALL (a, row) { "
        f"  MATCH (a)-[old:{rel_type}]->(x:ChainNode) "
        "  WHERE NOT x.node_id IN [pl IN row.places | pl.end] "
        "    AND NOT coalesce(old.method, '') IN row.kept "
        "    AND NONE(m IN coalesce(old.methods, []) WHERE m IN row.kept) "
        "  DELETE old "
        "} "
        "WITH a, row UNWIND row.places AS pl "
        "MATCH (b:ChainNode {node_id: pl.end}) "
        "WHERE NOT (a)-[:PLACEMENT_REJECTED]->(b) "
        f"MERGE (a)-[r:{rel_type}]->(b) "
        "WITH r, pl, row WHERE NOT coalesce(r.method, '') IN row.kept AND NONE(m IN coalesce(r.methods, []) WHERE m IN row.kept) "
        "SET r.method = pl.method, r.methods = pl.methods, r.confidence = pl.confidence, r.evidence = pl.evidence, "
        "r.rule = pl.rule, r.terms = pl.terms, r.ipc = pl.ipc, r.source = pl.source "
        "RETURN count(r) AS c"
    )


def replace_placements(
    driver: neo4j.Driver, rel_type: str, start_label: str, rows: Iterable[dict[str, Any]], *,
    database: str = "neo4j", batch_size: int = 500,
) -> WriteResult:
    """Rows ``{key, places: [...]}`` (see :func:`placement_replace_query`); ``written`` = edges set."""
    query = placement_replace_query(rel_type, start_label)
    kept = list(KEPT_METHODS)
    # the kept methods and the rules version travel in each row (the chunk runner passes only $rows)
    prepared = ({**r, "kept": kept, "version": PLACEMENT_RULES_VERSION} for r in rows)
    return _run_chunks(driver, query, prepared, batch_size, database, None, f"{rel_type} placements")


def text_relation_query(rel_type: str, start_label: str, end_label: str, merge_key: str | None = None) -> str:
    """Merge a relation found in text; provenance is set only on creation (loaded facts are not overwritten)."""
    return rel_merge_query(rel_type, start_label, end_label, merge_key, on_create_only=True, distinct_ends=True)


def write_placements(
    driver: neo4j.Driver, rel_type: str, start_label: str, rows: Iterable[dict[str, Any]],
    *, end_label: str = "ChainNode", database: str = "neo4j", batch_size: int = DEFAULT_BATCH_SIZE,
) -> WriteResult:
    """Rows ``{start, end, method, confidence, source, evidence}`` as placement edges onto ChainNodes
    (or onto ``end_label`` nodes: ``Industry`` for 战新 placements)."""
    query = placement_merge_query(rel_type, start_label, end_label)
    return _run_chunks(driver, query, rows, batch_size, database, None, f"{rel_type} placements")


def write_text_relations(
    driver: neo4j.Driver, rel_type: str, rows: Iterable[dict[str, Any]], *, start_label: str, end_label: str,
    merge_key: str | None = None, database: str = "neo4j", batch_size: int = DEFAULT_BATCH_SIZE,
) -> WriteResult:
    """Rows ``{start, end, props}`` as text-derived relations (``props[merge_key]`` keys parallel edges)."""
    query = text_relation_query(rel_type, start_label, end_label, merge_key)

    def prepared() -> Iterator[dict[str, Any]]:
        for r in rows:
            props = clean_props(r["props"])
            row = {"start": r["start"], "end": r["end"], "props": props}
            if merge_key:
                row["mkey"] = props[merge_key]
            yield row

    return _run_chunks(driver, query, prepared(), batch_size, database, None, f"{rel_type} text relations")


def prune_stale_mentions(
    driver: neo4j.Driver, source_label: str, rows: Iterable[dict[str, Any]], *, database: str = "neo4j",
    batch_size: int = 1000,
) -> WriteResult:
    """Rows ``{key, keep: [mention_id]}``: delete the source's Mention nodes not in ``keep`` — left by
    an earlier run whose rules found other spans — so a re-run with a changed pipeline replaces
    the mentions instead of piling them up. ``written`` counts the deleted mentions."""
    check_label(source_label)
    sk = check_property(key_of(source_label))
    query = (
        f"UNWIND $rows AS row MATCH (s:{source_label} {{{sk}: row.key}})-[:MENTIONS]->(m:Mention) "
        "WHERE NOT m.mention_id IN row.keep DETACH DELETE m RETURN count(m) AS c"
    )
    return _run_chunks(driver, query, rows, batch_size, database, None, f"stale {source_label} mentions")


def write_trl_readings(driver: neo4j.Driver, rows: list[dict[str, Any]], database: str = "neo4j") -> WriteResult:
    """Rows ``{ach_id, level, confidence, method, evidence}``: set ``trl_inferred``/``trl_confidence``/
    ``trl_method``/``trl_evidence``, and ``trl`` only where it is missing."""
    query = (
        "UNWIND $rows AS row MATCH (a:Achievement {ach_id: row.ach_id}) "
        "SET a.trl_inferred = row.level, a.trl_confidence = row.confidence, a.trl_method = row.method, "
        "a.trl_evidence = row.evidence, a.trl = coalesce(a.trl, row.level) RETURN count(a) AS c"
    )
    return _run_chunks(driver, query, rows, DEFAULT_BATCH_SIZE, database, None, "TRL readings")
