// name: lookup_chains
// title: 产业链列表 Chains (picker)
// description: Every chain with its node count, for pickers: chain_id, name, name_en (when the chain library gives one), nodes.
// param: limit: int = 200 [1..1000] — maximum rows
// column: chain_id: str hidden — 产业链编号 | Chain id
// column: name: str — 产业链 | Chain
// column: name_en: str hidden — 英文名称 | English name
// column: nodes: int — 节点数 | Nodes
// timeout: 5
MATCH (c:Chain)
RETURN c.chain_id AS chain_id, c.name AS name, c.name_en AS name_en, COUNT { (c)-[:HAS_NODE]->(:ChainNode) } AS nodes
ORDER BY c.chain_id
LIMIT $limit
