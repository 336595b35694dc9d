// name: lookup_chains
// title: 产业链列表 Chains (picker)
// description: Every chain with its node count, for pickers: chain_id, name, nodes.
// param: limit: int = 200 [1..1000] — maximum rows
// timeout: 5
MATCH (c:Chain)
RETURN c.chain_id AS chain_id, c.name AS name, COUNT { (c)-[:HAS_NODE]->(:ChainNode) } AS nodes
ORDER BY c.chain_id
LIMIT $limit
