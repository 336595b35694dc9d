"""Derivations run at the end of every load: set-based Cypher, batched, idempotent.

Each derivation is one statement of the form ``MATCH … CALL (…) { … } IN TRANSACTIONS OF n ROWS``
(so a million-row graph is processed in bounded transactions) and only MERGEs or SETs values that
are functions of the graph, so running it twice changes nothing. Order matters: region codes before
LOCATED_IN, transfers' ASSIGNED_TO before HOLDS.
"""

from __future__ import annotations

import neo4j
from neo4j.exceptions import Neo4jError

from graph.derive_programme import PROGRAMME_DERIVATIONS
from graph.errors import WriteError

# name -> Cypher; $batch is the rows per inner transaction.
DERIVATIONS: dict[str, str] = {
    # Organisations without a tier are "none" (loaders never write a default over a known tier).
    "org_default_tier": (
        "MATCH (o:Organization) WHERE o.tier IS NULL "
        "CALL (o) { SET o.tier = 'none' } IN TRANSACTIONS OF $batch ROWS"
    ),
    # province_code / city_code from the most specific region_code (CONTRACTS.md).
    "org_region_codes": (
        "MATCH (o:Organization) WHERE o.region_code IS NOT NULL "
        "CALL (o) { SET o.province_code = left(o.region_code, 2) + '0000', "
        "o.city_code = CASE WHEN substring(o.region_code, 2) = '0000' THEN null "
        "ELSE left(o.region_code, 4) + '00' END } IN TRANSACTIONS OF $batch ROWS"
    ),
    # One LOCATED_IN per organisation, to its region_code; a changed region moves the edge.
    "located_in": (
        "MATCH (o:Organization) WHERE o.region_code IS NOT NULL "
        "CALL (o) { "
        "  OPTIONAL MATCH (o)-[old:LOCATED_IN]->(x:Region) WHERE x.code <> o.region_code DELETE old "
        "  WITH o MATCH (r:Region {code: o.region_code}) MERGE (o)-[:LOCATED_IN]->(r) "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "in_industry": (
        "MATCH (o:Organization) WHERE o.industry_code IS NOT NULL "
        "CALL (o) { MATCH (i:Industry {code: o.industry_code}) MERGE (o)-[:IN_INDUSTRY]->(i) } "
        "IN TRANSACTIONS OF $batch ROWS"
    ),
    "licensed_to": (
        "MATCH (a:Organization)-[:LICENSOR]->(l:License)-[:LICENSEE]->(b:Organization) "
        "CALL (a, l, b) { "
        "  OPTIONAL MATCH (l)-[:OF]->(p:Patent) WITH a, l, b, min(p.pub_no) AS pub "
        "  MERGE (a)-[r:LICENSED_TO {license_id: l.license_id}]->(b) "
        "  SET r.date = l.date, r.type = l.type, r.pub_no = pub "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "assigned_to": (
        "MATCH (a:Organization)-[:ASSIGNOR]->(t:Transfer)-[:ASSIGNEE]->(b:Organization) "
        "CALL (a, t, b) { "
        "  OPTIONAL MATCH (t)-[:OF]->(p:Patent) WITH a, t, b, min(p.pub_no) AS pub "
        "  MERGE (a)-[r:ASSIGNED_TO {transfer_id: t.transfer_id}]->(b) "
        "  SET r.date = t.date, r.mode = t.mode, r.pub_no = pub "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # The assignee of a patent's latest transfer holds it; that transfer's assignor no longer does.
    "holds_after_transfer": (
        "MATCH (t:Transfer)-[:OF]->(p:Patent) "
        "WITH p, t ORDER BY coalesce(t.date, date('0001-01-01')) DESC, t.transfer_id DESC "
        "WITH p, collect(t)[0] AS last "
        "CALL (p, last) { "
        "  MATCH (last)-[:ASSIGNEE]->(b:Organization) MERGE (b)-[:HOLDS]->(p) "
        "  WITH DISTINCT p, last "
        "  MATCH (a:Organization)-[:ASSIGNOR]->(last) WHERE NOT (last)-[:ASSIGNEE]->(a) "
        "  MATCH (a)-[h:HOLDS]->(p) DELETE h "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # A declared placement keeps 'declared' in its methods list even when extraction touched it.
    "in_node_methods": (
        "MATCH (:Organization)-[r:IN_NODE]->(:ChainNode) "
        "WHERE r.method = 'declared' AND NOT 'declared' IN coalesce(r.methods, []) "
        "CALL (r) { SET r.methods = coalesce(r.methods, []) + 'declared' } IN TRANSACTIONS OF $batch ROWS"
    ),
    # Patent -> ChainNode by IPC group (chain files list groups/subgroups; bare subclasses are scope, not
    # prefixes). One edge per pair; the confidence is chain placement's for IPC-only evidence
    # (graph.placement_store.IPC_DERIVATION: a group only one node lists vs a shared one), set
    # exactly on edges this derivation owns (method ipc_prefix) and never lowering another method's.
    # Skipped: patents evidence combination has placed (`chainkg extract` stamps placement_rules and
    # owns them), pairs a planner removed (PLACEMENT_REJECTED), titles with an exclusion term of the node.
    "maps_to_ipc_prefix": (
        "MATCH (n:ChainNode) UNWIND coalesce(n.ipc_prefixes, []) AS pre "
        "WITH n, pre, COUNT { MATCH (m:ChainNode) WHERE pre IN coalesce(m.ipc_prefixes, []) } AS owners "
        "MATCH (i:IPC) WHERE i.code STARTS WITH pre "
        "MATCH (p:Patent)-[:CLASSIFIED_AS]->(i) "
        "WHERE p.placement_rules IS NULL AND NOT (p)-[:PLACEMENT_REJECTED]->(n) "
        "  AND NONE(x IN coalesce(n.exclude_terms, []) WHERE coalesce(p.title, '') CONTAINS x) "
        "WITH n, p, min(i.code) AS ev, min(owners) AS owners "
        "WITH n, p, ev, CASE WHEN owners <= 1 THEN $ipc_unique ELSE $ipc_shared END AS conf, "
        "     CASE WHEN owners <= 1 THEN $rule_unique ELSE $rule_shared END AS rule "
        "CALL (n, p, ev, conf, rule) { "
        "  MERGE (p)-[r:MAPS_TO]->(n) "
        # Skip edges the SET below would leave unchanged (a re-load rewrote every MAPS_TO otherwise).
        "  WITH r, ev, conf, rule WHERE r.ipc IS NULL OR r.ipc <> ev OR r.confidence IS NULL "
        "    OR (r.method = 'ipc_prefix' AND (r.confidence <> conf OR coalesce(r.rule, '') <> rule)) "
        "    OR (r.method <> 'ipc_prefix' AND r.confidence < conf) "
        "    OR r.method IS NULL OR r.source IS NULL OR r.evidence IS NULL "
        "    OR NOT 'ipc_prefix' IN coalesce(r.methods, []) "
        "  SET r.confidence = CASE WHEN r.method IS NULL OR r.method = 'ipc_prefix' OR r.confidence IS NULL "
        "                          OR r.confidence < conf THEN conf ELSE r.confidence END, "
        "      r.rule = CASE WHEN r.method IS NULL OR r.method = 'ipc_prefix' THEN rule ELSE r.rule END, "
        "      r.evidence = CASE WHEN r.evidence IS NULL OR r.method IS NULL OR r.method = 'ipc_prefix' "
        "                   THEN 'IPC ' + ev + '; rule ' + rule ELSE r.evidence END, "
        "      r.method = coalesce(r.method, 'ipc_prefix'), "
        "      r.methods = CASE WHEN 'ipc_prefix' IN coalesce(r.methods, []) THEN r.methods "
        "                  ELSE coalesce(r.methods, []) + 'ipc_prefix' END, "
        "      r.source = coalesce(r.source, 'ipc_prefix'), r.ipc = ev "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # An IPC-only edge whose node no longer lists a group covering any of the patent's codes (a chain
    # file changed, e.g. the subclass C07C dropped from 化学原料药) is removed; so is one the node's
    # exclusion terms now veto. Only edges no other method supports, of patents extraction has not placed.
    "maps_to_ipc_prefix_stale": (
        "MATCH (p:Patent)-[r:MAPS_TO]->(n:ChainNode) "
        "WHERE r.method = 'ipc_prefix' AND coalesce(r.methods, ['ipc_prefix']) = ['ipc_prefix'] "
        "  AND p.placement_rules IS NULL "
        "  AND (NOT EXISTS { MATCH (p)-[:CLASSIFIED_AS]->(i:IPC) "
        "                    WHERE any(pre IN coalesce(n.ipc_prefixes, []) WHERE i.code STARTS WITH pre) } "
        "       OR any(x IN coalesce(n.exclude_terms, []) WHERE coalesce(p.title, '') CONTAINS x)) "
        "CALL (r) { DELETE r } IN TRANSACTIONS OF $batch ROWS"
    ),
}

# The programme's derivations (issue 14: achievement regions, licences under offers, event/cluster
# regions, pledges by application number, tiers from awards) run after these, in the same loop.
DERIVATIONS.update(PROGRAMME_DERIVATIONS)


def _params() -> dict:
    # chain placement decides what IPC-only evidence is worth (issue 18); unused keys are ignored
    from graph.placement_store import IPC_DERIVATION

    return dict(IPC_DERIVATION)


def run_derivations(
    driver: neo4j.Driver, *, database: str = "neo4j", batch_size: int = 5000, only: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Run every derivation (or ``only`` those named) and return their update counters by name.

    ``CALL … IN TRANSACTIONS`` needs an auto-commit transaction, hence ``session.run``; each inner
    batch commits on its own, and a failure stops at that batch (re-running is safe: idempotent).
    """
    names = only or list(DERIVATIONS)
    unknown = [n for n in names if n not in DERIVATIONS]
    if unknown:
        raise ValueError(f"unknown derivations {unknown}; known: {list(DERIVATIONS)}")
    out: dict[str, dict[str, int]] = {}
    with driver.session(database=database) as session:
        for name in names:
            try:
                summary = session.run(DERIVATIONS[name], batch=batch_size, **_params()).consume()
            except Neo4jError as e:
                raise WriteError(f"derivation {name!r} failed ({e.code}: {e.message}); re-run `chainkg load` (it is idempotent)") from e
            c = summary.counters
            out[name] = {
                "relationships_created": c.relationships_created,
                "relationships_deleted": c.relationships_deleted,
                "properties_set": c.properties_set,
            }
    if only is None:  # the queries' stored counts (graph/precompute.py) follow every derivation above
        from graph.precompute import refresh_chain_counts

        done = refresh_chain_counts(driver, database, batch_size=batch_size)
        out["precomputed_counts"] = {"relationships_created": 0, "relationships_deleted": 0, "properties_set": sum(done.values())}
    return out
