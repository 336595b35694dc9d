// name: chain_gaps
// title: 补链目标 Chain gaps
// description: 补链 targets for a region: chain nodes with no or few local SMEs or local patents, with the strongest organisations elsewhere on each node (by patents on the node).
// param: chain: chain (required) — chain id or name
// param: region: region (required) — region name or 6-digit code
// param: max_local_smes: int = 1 [0..100] — a node is a gap when it has at most this many local SMEs …
// param: max_local_patents: int = 5 [0..100000] — … or at most this many local patents
// param: top_n: int = 3 [1..10] — strongest organisations elsewhere listed per node
// param: limit: int = 100 [1..1000] — maximum rows
// timeout: 10
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
// Precomputed shortcuts (graph/precompute.py, docs/queries.md), as in chain_map: a node's stored
// region counts are used only while its stamp pc_total equals its live MAPS_TO degree (one edge
// per pair, so the degree is the national patent count); stale nodes are counted live.
WITH c, n, COUNT { (n)<-[:MAPS_TO]-() } AS patents_national
WITH c, collect({n: n, national: patents_national, fresh: n.pc_total IS NOT NULL AND n.pc_total = patents_national}) AS rows
WITH c, rows, [x IN rows WHERE NOT x.fresh OR NOT size($region) IN [2, 4, 6] | x.n] AS stale
CALL (stale) {
  WITH stale WHERE size(stale) > 0
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
  USING INDEX h:Organization(region_code)
  WHERE h.region_code STARTS WITH $region AND m IN stale
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH m, count(DISTINCT p) AS k
  RETURN collect([m.node_id, k]) AS local_pairs
}
UNWIND rows AS row
WITH c, row.n AS n, row.national AS patents_national, local_pairs, stale
CALL (n) {
  OPTIONAL MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE o.is_sme = true
  WITH DISTINCT o
  RETURN count(o) AS smes_national,
         count(CASE WHEN coalesce(o.region_code, '') STARTS WITH $region THEN 1 END) AS smes_local
}
WITH c, n, smes_national, smes_local, patents_national,
     CASE WHEN n IN stale
       THEN coalesce(head([x IN local_pairs WHERE x[0] = n.node_id | x[1]]), 0)
       ELSE coalesce(head([i IN range(0, size(n.pc_region_keys) - 1) WHERE n.pc_region_keys[i] = $region | n.pc_region_counts[i]]), 0)
     END AS patents_local
WITH c, n, smes_national, smes_local, patents_national, patents_local
WHERE smes_local <= $max_local_smes OR patents_local <= $max_local_patents
CALL (n) {
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
  WHERE NOT coalesce(h.region_code, '') STARTS WITH $region
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH h, count(DISTINCT p) AS k
  ORDER BY k DESC, h.name
  LIMIT $top_n
  RETURN collect(CASE WHEN h IS NOT NULL THEN {id: h.org_id, name: h.name, region: h.region_code, sme: coalesce(h.is_sme, false), patents: k} END) AS elsewhere
}
WITH c, n, smes_national, smes_local, patents_national, patents_local, elsewhere,
     CASE n.segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END AS seg_order
RETURN c.chain_id AS chain_id,
       n.segment AS segment,
       n.node_id AS node_id,
       n.name AS node,
       smes_local,
       patents_local,
       smes_national,
       patents_national,
       CASE
         WHEN smes_local = 0 AND patents_local = 0 THEN 'no local SME and no local patent'
         WHEN smes_local = 0 THEN 'no local SME'
         WHEN smes_local <= $max_local_smes AND patents_local <= $max_local_patents THEN 'few local SMEs and patents'
         WHEN smes_local <= $max_local_smes THEN 'few local SMEs'
         ELSE 'few local patents'
       END AS gap,
       [x IN elsewhere | x.name + ' (' + toString(x.patents) + ')'] AS strongest_elsewhere,
       [x IN elsewhere | x.id] AS strongest_elsewhere_ids
ORDER BY smes_local, patents_local, patents_national DESC, seg_order, node_id
LIMIT $limit
