// name: chain_map
// title: 产业链图谱 Chain map
// description: One row per chain node (upstream → downstream): SMEs placed on it by tier, the top SMEs with their patents on the node, patents on the node, local (in the region) vs national, and the ids of the nodes directly upstream of it (UPSTREAM_OF).
// param: chain: chain (required) — chain id or name
// param: region: region = null — region name or 6-digit code; local counts are for organisations in it (national when omitted)
// param: tier: str = null {专精特新|小巨人|单项冠军|none} — only SMEs of this tier
// param: top_n: int = 5 [1..20] — how many top SMEs to list per node
// param: limit: int = 200 [1..1000] — maximum rows (nodes)
// timeout: 10
// An SME is an organisation with is_sme = true placed on the node by IN_NODE (any method). A
// patent is "on the node" when it MAPS_TO it; an organisation's patents are those it HOLDS, or
// applied for when nobody holds them (no transfer recorded). "Nobody holds it" is tested with the
// HOLDS degree (`COUNT { (p)<-[:HOLDS]-() } = 0`, only organisations hold patents): a degree read,
// where a `NOT EXISTS { (p)<-[:HOLDS]-(:Organization) }` subquery expanded every applicant's patent again.
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
// Precomputed shortcuts (graph/precompute.py, docs/queries.md): a node's stored counts are used only
// while its stamp pc_total equals its live MAPS_TO degree; other nodes are counted live below.
WITH c, n, COUNT { (n)<-[:MAPS_TO]-() } AS patents_national
WITH c, collect({n: n, national: patents_national, fresh: n.pc_total IS NOT NULL AND n.pc_total = patents_national}) AS rows
WITH c, rows, [x IN rows WHERE NOT x.fresh OR NOT size($region) IN [2, 4, 6] | x.n] AS stale
// Live local patents for stale nodes only, counted once for the whole chain from the region's
// organisations (a range seek on region_code); with no stale node this reads nothing.
CALL (stale) {
  WITH stale WHERE $region IS NOT NULL AND size(stale) > 0
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
  USING INDEX h:Organization(region_code)
  WHERE h.region_code STARTS WITH $region AND m IN stale
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH m, count(DISTINCT p) AS k
  RETURN collect([m.node_id, k]) AS local_pairs
}
UNWIND rows AS row
WITH c, row.n AS n, row.national AS patents_national, row.fresh AS fresh, local_pairs, stale
CALL (n, fresh) {
  OPTIONAL MATCH (o:Organization)-[x:IN_NODE]->(n)
  WHERE o.is_sme = true AND ($tier IS NULL OR o.tier = $tier)
  WITH o, n, fresh, max(x.pc_node_patents) AS stored
  // Stored per-placement count when the node is fresh, else anchored on the SME's own patents (the
  // node side, 100k+ MAPS_TO at scale, only probed per patent): an applicant edge counts only when
  // nobody holds the patent.
  WITH o, CASE WHEN fresh AND stored IS NOT NULL THEN stored ELSE COUNT {
    MATCH (o)-[r:HOLDS|APPLICANT_OF]->(p:Patent)
    WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0) AND EXISTS { (p)-[:MAPS_TO]->(n) }
  } END AS node_patents
  WITH o, node_patents, o IS NOT NULL AND ($region IS NULL OR coalesce(o.region_code, '') STARTS WITH $region) AS local
  ORDER BY node_patents DESC, o.name
  RETURN count(o) AS smes_national,
         collect(CASE WHEN local THEN {id: o.org_id, name: o.name, tier: o.tier, patents: node_patents} END) AS locals
}
// One MAPS_TO per (patent, node) pair (CONTRACTS.md), so the degree is the patent count.
WITH c, n, smes_national, locals, patents_national,
     CASE WHEN n IN stale
       THEN coalesce(head([x IN local_pairs WHERE x[0] = n.node_id | x[1]]), 0)
       ELSE coalesce(head([i IN range(0, size(n.pc_region_keys) - 1) WHERE n.pc_region_keys[i] = $region | n.pc_region_counts[i]]), 0)
     END AS patents_in_region
WITH c, n, patents_national, patents_in_region, smes_national, locals,
     CASE n.segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END AS seg_order
RETURN c.chain_id AS chain_id,
       n.segment AS segment,
       n.node_id AS node_id,
       n.name AS node,
       size(locals) AS smes_local,
       smes_national,
       size([x IN locals WHERE x.tier = '专精特新']) AS local_zjtx,
       size([x IN locals WHERE x.tier = '小巨人']) AS local_little_giant,
       size([x IN locals WHERE x.tier = '单项冠军']) AS local_champion,
       [x IN locals[0..$top_n] | x.name + ' (' + toString(x.patents) + ')'] AS top_smes,
       [x IN locals[0..$top_n] | x.id] AS top_sme_ids,
       CASE WHEN $region IS NULL THEN patents_national ELSE patents_in_region END AS patents_local,
       patents_national,
       [(u:ChainNode)-[:UPSTREAM_OF]->(n) | u.node_id] AS upstream
ORDER BY seg_order, node_id
LIMIT $limit
