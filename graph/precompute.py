"""Precomputed shortcuts for the saved queries: counts stored at load time (docs/queries.md).

``refresh_chain_counts`` recomputes, set-based and in batched transactions, three things the
region-filtered saved queries would otherwise count live by walking every patent of a node or a
region (chain_map, chain_gaps, licensors_for):

* on each ChainNode: ``pc_total`` (its MAPS_TO degree when counted — the freshness stamp),
  ``pc_region_keys`` / ``pc_region_counts`` (aligned lists: for every 2-, 4- and 6-digit prefix of
  a region_code, the distinct patents on the node with an owner whose region_code starts with it);
* on each IN_NODE edge: ``pc_node_patents`` (the organisation's patents on that node);
* on each Patent: ``pc_licensors`` (org_ids of its owners that are neither an SME nor a government)
  and ``pc_owner_degree`` (its HOLDS|APPLICANT_OF degree when computed — its freshness stamp).

"Owner" everywhere is the queries' rule: the HOLDS organisations, or the applicants when nobody
holds the patent. It is a full refresh and idempotent (a value is only written when it changed).
The queries use a node's values only while ``pc_total`` equals its live MAPS_TO degree (a patent's
while ``pc_owner_degree`` equals its live owner-edge degree) and fall back to live counting otherwise,
so a graph that was never refreshed still answers correctly.
"""

from __future__ import annotations

import neo4j
from neo4j.exceptions import Neo4jError

from graph.errors import WriteError

_OWNER = "(type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)"

# name -> Cypher; $batch is the rows per inner transaction.
REFRESHES: dict[str, str] = {
    "chain_node_region_counts": (
        "MATCH (n:ChainNode) "
        "CALL (n) { "
        "  CALL (n) { "
        "    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n) "
        f"   WHERE h.region_code IS NOT NULL AND {_OWNER} "
        "    UNWIND CASE WHEN h IS NULL THEN [] ELSE [2, 4, 6] END AS len "
        "    WITH DISTINCT left(h.region_code, len) AS key, p "
        "    WITH key, count(p) AS k ORDER BY key "
        "    RETURN collect(key) AS keys, collect(k) AS counts "
        "  } "
        "  WITH n, keys, counts, COUNT { (n)<-[:MAPS_TO]-() } AS total "
        "  WHERE n.pc_total IS NULL OR n.pc_total <> total OR n.pc_region_keys IS NULL "
        "    OR n.pc_region_keys <> keys OR n.pc_region_counts <> counts "
        "  SET n.pc_total = total, n.pc_region_keys = keys, n.pc_region_counts = counts "
        "} IN TRANSACTIONS OF 1 ROWS"
    ),
    "in_node_patents": (
        "MATCH (o:Organization)-[x:IN_NODE]->(n:ChainNode) "
        "CALL (o, x, n) { "
        "  WITH o, x, n, COUNT { MATCH (o)-[r:HOLDS|APPLICANT_OF]->(p:Patent) "
        f"   WHERE {_OWNER} AND EXISTS {{ (p)-[:MAPS_TO]->(n) }} }} AS k "
        "  WITH x, k WHERE x.pc_node_patents IS NULL OR x.pc_node_patents <> k "
        "  SET x.pc_node_patents = k "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # The org_ids of a patent's owners that can be licensors (not an SME, not a government), with
    # its HOLDS|APPLICANT_OF degree as the freshness stamp.
    "patent_licensors": (
        "MATCH (p:Patent) "
        "CALL (p) { "
        "  CALL (p) { "
        "    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p) "
        f"   WHERE {_OWNER} AND coalesce(h.is_sme, false) = false "
        "      AND coalesce(h.kind, 'company') <> 'government' "
        "    WITH DISTINCT h.org_id AS id ORDER BY id "
        "    RETURN collect(id) AS ids "
        "  } "
        "  WITH p, ids, COUNT { (p)<-[:HOLDS|APPLICANT_OF]-() } AS deg "
        "  WHERE p.pc_licensors IS NULL OR p.pc_licensors <> ids OR p.pc_owner_degree IS NULL "
        "    OR p.pc_owner_degree <> deg "
        "  SET p.pc_licensors = ids, p.pc_owner_degree = deg "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
}


def refresh_chain_counts(driver: neo4j.Driver, database: str = "neo4j", *, batch_size: int = 5000) -> dict[str, int]:
    """Recompute every precomputed shortcut; returns the properties set per refresh step.

    Run after anything that changes patents, owners, regions or placements (the end of
    ``run_derivations`` and of ``extract_graph`` do). Safe to re-run: values are only rewritten
    when they changed, and a failure part-way leaves nodes whose stamp no longer matches, which the
    queries count live.
    """
    out: dict[str, int] = {}
    with driver.session(database=database) as session:
        for name, cypher in REFRESHES.items():
            try:
                summary = session.run(cypher, batch=batch_size).consume()
            except Neo4jError as e:
                raise WriteError(
                    f"precomputed shortcut {name!r} failed ({e.code}: {e.message}); "
                    "re-run `chainkg load` or graph.precompute.refresh_chain_counts (it is idempotent)"
                ) from e
            out[name] = summary.counters.properties_set
    return out
