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
// applied for when nobody holds them (no transfer recorded).
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
CALL (n) {
  OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n)
  RETURN count(DISTINCT p) AS patents_national
}
CALL (n) {
  OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n)
  WHERE $region IS NOT NULL
    AND EXISTS {
      MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
      WHERE coalesce(h.region_code, '') STARTS WITH $region
        AND (type(r) = 'HOLDS' OR NOT EXISTS { (p)<-[:HOLDS]-(:Organization) })
    }
  RETURN count(DISTINCT p) AS patents_in_region
}
CALL (n) {
  OPTIONAL MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE o.is_sme = true AND ($tier IS NULL OR o.tier = $tier)
  WITH DISTINCT o
  CALL (o, n) {
    OPTIONAL MATCH (o)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
    WHERE type(r) = 'HOLDS' OR NOT EXISTS { (p)<-[:HOLDS]-(:Organization) }
    RETURN count(DISTINCT p) AS node_patents
  }
  WITH o, node_patents, o IS NOT NULL AND ($region IS NULL OR coalesce(o.region_code, '') STARTS WITH $region) AS local
  ORDER BY node_patents DESC, o.name
  RETURN count(o) AS smes_national,
         collect(CASE WHEN local THEN {id: o.org_id, name: o.name, tier: o.tier, patents: node_patents} END) AS locals
}
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
