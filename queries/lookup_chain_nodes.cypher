// name: lookup_chain_nodes
// title: 产业链环节列表 Chain nodes (picker)
// description: The nodes of one chain (or of every chain), upstream → downstream, for pickers: node_id, name, segment, chain_id.
// param: chain: chain = null — chain id or name (all chains when omitted)
// param: limit: int = 1000 [1..5000] — maximum rows
// column: node_id: str hidden — 节点编号 | Node id
// column: name: str — 产业链节点 | Chain node
// column: name_en: str hidden — 英文名称 | English name
// column: segment: str — 环节 | Segment
// column: chain_id: str hidden — 产业链编号 | Chain id
// timeout: 5
// Two branches rather than `$chain IS NULL OR n.chain_id = $chain`: an OR keeps the planner from
// seeking the chain_id index.
CALL () {
  MATCH (n:ChainNode {chain_id: $chain})
  RETURN n
  UNION
  MATCH (n:ChainNode)
  WHERE $chain IS NULL
  RETURN n
}
RETURN n.node_id AS node_id, n.name AS name, n.name_en AS name_en, n.segment AS segment, n.chain_id AS chain_id
ORDER BY n.chain_id,
         CASE n.segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END,
         n.node_id
LIMIT $limit
