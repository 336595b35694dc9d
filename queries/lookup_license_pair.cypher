// name: lookup_license_pair
// title: 许可路径示例 An example pair for licence paths
// description: Two organisations two hops apart over licences and transfers (not directly linked), for the licence-path page's first screen: a licensor and an organisation its licensee later dealt with.
// param: limit: int = 1 [1..20] — how many pairs
// column: from_id: str hidden — 起点机构编号 | Source id
// column: from_name: str — 起点机构 | Source
// column: to_id: str hidden — 终点机构编号 | Target id
// column: to_name: str — 终点机构 | Target
// timeout: 5
// The first pairs found (no ordering: a sort would read every licence in the graph).
MATCH (a:Organization)-[:LICENSED_TO]->(m:Organization)-[:LICENSED_TO|ASSIGNED_TO]-(c:Organization)
WHERE a <> c AND NOT EXISTS { (a)-[:LICENSED_TO|ASSIGNED_TO|SUBSIDIARY_OF|COOPERATES_WITH]-(c) }
RETURN a.org_id AS from_id, a.name AS from_name, c.org_id AS to_id, c.name AS to_name
LIMIT $limit
