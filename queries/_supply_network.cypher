// name: _supply_network
// title: 供应网络投影 Supply network projection (for analytics)
// description: Edge list of one chain's supply network: ChainNode UPSTREAM_OF ChainNode, Organization IN_NODE ChainNode, Organization SUPPLIES Organization (between organisations on the chain).
// param: chain: chain (required) — chain id or name
// param: region: region = null — only organisations in this region (chain nodes are always kept)
// param: limit: int = 200000 [1..2000000] — maximum edges
// column: source: str — 起点 | Source
// column: source_kind: str — 起点类型 | Source kind
// column: source_name: str — 起点名称 | Source name
// column: source_segment: str — 起点环节 | Source segment
// column: source_is_sme: bool — 起点为中小企业 | Source is an SME
// column: source_region: str — 起点地区代码 | Source region code
// column: target: str — 终点 | Target
// column: target_kind: str — 终点类型 | Target kind
// column: target_name: str — 终点名称 | Target name
// column: target_segment: str — 终点环节 | Target segment
// column: target_is_sme: bool — 终点为中小企业 | Target is an SME
// column: target_region: str — 终点地区代码 | Target region code
// column: relation: str — 关系 | Relation
// timeout: 60
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
WITH collect(n) AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[:UPSTREAM_OF]->(b:ChainNode)
  WHERE b IN nodes
  RETURN a.node_id AS source, 'chain_node' AS source_kind, a.name AS source_name, a.segment AS source_segment,
         b.node_id AS target, 'chain_node' AS target_kind, b.name AS target_name, b.segment AS target_segment,
         'UPSTREAM_OF' AS relation, null AS source_is_sme, null AS target_is_sme, null AS source_region, null AS target_region
  UNION ALL
  UNWIND nodes AS b
  MATCH (o:Organization)-[:IN_NODE]->(b)
  WHERE $region IS NULL OR any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp)
  RETURN o.org_id AS source, 'organization' AS source_kind, o.name AS source_name, null AS source_segment,
         b.node_id AS target, 'chain_node' AS target_kind, b.name AS target_name, b.segment AS target_segment,
         'IN_NODE' AS relation, coalesce(o.is_sme, false) AS source_is_sme, null AS target_is_sme,
         o.region_code AS source_region, null AS target_region
  UNION ALL
  UNWIND nodes AS b
  MATCH (o:Organization)-[:IN_NODE]->(b)
  WITH DISTINCT o
  MATCH (o)-[:SUPPLIES]->(x:Organization)
  WHERE EXISTS { (x)-[:IN_NODE]->(m:ChainNode) WHERE m IN nodes }
    AND ($region IS NULL OR (any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp)
                             AND any(rp IN $region WHERE coalesce(x.region_code, '') STARTS WITH rp)))
  RETURN o.org_id AS source, 'organization' AS source_kind, o.name AS source_name, null AS source_segment,
         x.org_id AS target, 'organization' AS target_kind, x.name AS target_name, null AS target_segment,
         'SUPPLIES' AS relation, coalesce(o.is_sme, false) AS source_is_sme, coalesce(x.is_sme, false) AS target_is_sme,
         o.region_code AS source_region, x.region_code AS target_region
}
RETURN source, source_kind, source_name, source_segment, source_is_sme, source_region,
       target, target_kind, target_name, target_segment, target_is_sme, target_region, relation
LIMIT $limit
