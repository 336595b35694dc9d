// name: _licensing_network
// title: 许可网络投影 Licensing network projection (for analytics)
// description: Edge list of the licensing network: one row per licensor→licensee or assignor→assignee pair with the number of licences and transfers, optionally since a date or restricted to a chain's organisations.
// param: since: date = null — only licences and transfers on or after this date
// param: before: date = null — only licences and transfers before this date
// param: chain: chain = null — only pairs where both organisations are placed on this chain
// param: limit: int = 500000 [1..5000000] — maximum rows
// column: source: str — 许可方/转让方编号 | Licensor / assignor id
// column: source_name: str — 许可方/转让方 | Licensor / assignor
// column: source_kind: str — 许可方类型 | Licensor kind
// column: source_is_sme: bool — 许可方为中小企业 | Licensor is an SME
// column: source_region: str — 许可方地区代码 | Licensor region code
// column: target: str — 被许可方/受让方编号 | Licensee / assignee id
// column: target_name: str — 被许可方/受让方 | Licensee / assignee
// column: target_kind: str — 被许可方类型 | Licensee kind
// column: target_is_sme: bool — 被许可方为中小企业 | Licensee is an SME
// column: target_region: str — 被许可方地区代码 | Licensee region code
// column: licences: int — 许可次数 | Licences
// column: transfers: int — 转让次数 | Transfers
// column: weight: int — 合计 | Total
// column: first: date — 最早日期 | First date
// column: last: date — 最近日期 | Last date
// timeout: 60
MATCH (a:Organization)-[r:LICENSED_TO|ASSIGNED_TO]->(b:Organization)
WHERE ($since IS NULL OR r.date >= $since) AND ($before IS NULL OR r.date < $before)
  AND ($chain IS NULL OR (EXISTS { (a)-[:IN_NODE]->(:ChainNode {chain_id: $chain}) }
                          AND EXISTS { (b)-[:IN_NODE]->(:ChainNode {chain_id: $chain}) }))
WITH a, b, count(CASE WHEN type(r) = 'LICENSED_TO' THEN 1 END) AS licences,
     count(CASE WHEN type(r) = 'ASSIGNED_TO' THEN 1 END) AS transfers, min(r.date) AS first, max(r.date) AS last
RETURN a.org_id AS source, a.name AS source_name, a.kind AS source_kind, coalesce(a.is_sme, false) AS source_is_sme,
       a.region_code AS source_region,
       b.org_id AS target, b.name AS target_name, b.kind AS target_kind, coalesce(b.is_sme, false) AS target_is_sme,
       b.region_code AS target_region,
       licences, transfers, licences + transfers AS weight, first, last
ORDER BY source, target
LIMIT $limit
