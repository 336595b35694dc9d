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
WITH c, collect(n) AS nodes
// Local patents counted once for the whole chain from the region's organisations (range seek on
// region_code), as in chain_map; national patents are the MAPS_TO degree (one edge per pair).
CALL (nodes) {
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
  USING INDEX h:Organization(region_code)
  WHERE h.region_code STARTS WITH $region AND m IN nodes
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH m, count(DISTINCT p) AS k
  RETURN collect([m.node_id, k]) AS local_pairs
}
UNWIND nodes AS n
CALL (n) {
  OPTIONAL MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE o.is_sme = true
  WITH DISTINCT o
  RETURN count(o) AS smes_national,
         count(CASE WHEN coalesce(o.region_code, '') STARTS WITH $region THEN 1 END) AS smes_local
}
WITH c, n, smes_national, smes_local, COUNT { (n)<-[:MAPS_TO]-() } AS patents_national,
     coalesce(head([x IN local_pairs WHERE x[0] = n.node_id | x[1]]), 0) AS patents_local
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
