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

# Days from 1970-01-01 to a patent's filing date (an integer, so stored and live sums agree exactly).
FILED_DAYS = "duration.inDays(date('1970-01-01'), p.filed).days"

# The graph's totals from the count store (constant time): the freshness stamp of licensor_groups.
# Any patent, organisation, owner edge, placement or open-licence offer added or removed changes it.
STAMP_CYPHER = (
    "CALL () { MATCH (x:Patent) RETURN count(x) AS c1 } "
    "CALL () { MATCH (x:Organization) RETURN count(x) AS c2 } "
    "CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 } "
    "CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 } "
    "CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 } "
    "CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 } "
    "WITH [c1, c2, c3, c4, c5, c6] AS stamp"
)

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
    # licensors_for's aggregates (issue 7: it read every patent of an SME's nodes). For each node,
    # one entry per (licensor, node set) group: the licensor's patents on the node whose MAPS_TO
    # node set is exactly that set (``sig``, the sorted node ids joined by '|'), with the counts the
    # score needs. A patent on two of an SME's nodes sits in one group, listed under both nodes, so
    # the query de-duplicates groups before summing and never counts a patent twice. The stamp is
    # the graph's own count-store totals at the start of the refresh: any added or removed patent,
    # organisation, owner, placement or offer makes the stored groups stale (queries then count live).
    "licensor_groups": (
        f"{STAMP_CYPHER} "
        "MATCH (n:ChainNode) "
        "CALL (n, stamp) { "
        "  CALL (n) { "
        "    OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n) "
        "    RETURN max(p.filed) AS max_filed "
        "  } "
        "  CALL (n) { "
        "    OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n) "
        "    WITH p, COLLECT { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p) "
        f"     WHERE {_OWNER} AND coalesce(h.is_sme, false) = false "
        "        AND coalesce(h.kind, 'company') <> 'government' RETURN DISTINCT h.org_id } AS ids "
        "    UNWIND ids AS id "
        "    WITH id, p, coalesce(p.status, 'unknown') AS status, "
        "         reduce(s = '', m IN COLLECT { MATCH (p)-[:MAPS_TO]->(m:ChainNode) RETURN m.node_id ORDER BY m.node_id } "
        "                | s + '|' + m) AS sig "
        "    WITH id, sig, count(p) AS k, "
        "         sum(CASE WHEN status IN ['invalid', 'expired'] THEN 0 ELSE 1 END) AS live, "
        "         sum(CASE WHEN status = 'granted' THEN 1 ELSE 0 END) AS granted, "
        "         sum(CASE WHEN NOT status IN ['invalid', 'expired'] AND COUNT { (p)-[:OFFERED]->() } > 0 THEN 1 ELSE 0 END) AS open, "
        f"        sum({FILED_DAYS}) AS fsum, count(p.filed) AS fn "
        "    ORDER BY id, sig "
        "    RETURN collect(id) AS ids, collect(sig) AS sigs, collect(k) AS ks, collect(live) AS lives, "
        "           collect(granted) AS granteds, collect(open) AS opens, collect(fsum) AS fsums, collect(fn) AS fns "
        "  } "
        "  WITH n, stamp, max_filed, ids, sigs, ks, lives, granteds, opens, fsums, fns "
        "  WHERE NOT (coalesce(n.pc_lic_stamp = stamp, false) AND coalesce(n.pc_lic_ids = ids, false) "
        "    AND coalesce(n.pc_lic_sigs = sigs, false) AND coalesce(n.pc_lic_patents = ks, false) "
        "    AND coalesce(n.pc_lic_live = lives, false) AND coalesce(n.pc_lic_granted = granteds, false) "
        "    AND coalesce(n.pc_lic_open = opens, false) AND coalesce(n.pc_lic_fsum = fsums, false) "
        "    AND coalesce(n.pc_lic_fn = fns, false) "
        "    AND coalesce(n.pc_lic_max_filed = max_filed, n.pc_lic_max_filed IS NULL AND max_filed IS NULL)) "
        "  SET n.pc_lic_ids = ids, n.pc_lic_sigs = sigs, n.pc_lic_patents = ks, n.pc_lic_live = lives, "
        "      n.pc_lic_granted = granteds, n.pc_lic_open = opens, n.pc_lic_fsum = fsums, n.pc_lic_fn = fns, "
        "      n.pc_lic_max_filed = max_filed, n.pc_lic_stamp = stamp "
        "} IN TRANSACTIONS OF 1 ROWS"
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
