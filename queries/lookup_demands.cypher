// name: lookup_demands
// title: 需求列表 Demands (picker)
// description: Demands and 揭榜挂帅 challenges, for pickers: demand_id, title, kind, poster, deadline; optionally only those whose title contains the typed text.
// param: q: str = null — part of the title (every demand when omitted)
// param: limit: int = 500 [1..5000] — maximum rows
// column: demand_id: str hidden — 需求编号 | Demand id
// column: title: str — 需求 | Demand
// column: kind: str — 类型 | Kind
// column: poster: str — 发布方 | Posted by
// column: deadline: date — 截止日期 | Deadline
// timeout: 5
MATCH (d:Demand)
WHERE $q IS NULL OR d.title CONTAINS $q OR d.demand_id = $q
OPTIONAL CALL (d) {
  MATCH (o:Organization)-[:POSTED]->(d)
  RETURN o.name AS poster
  ORDER BY o.org_id
  LIMIT 1
}
RETURN d.demand_id AS demand_id, d.title AS title, d.kind AS kind, poster, d.deadline AS deadline
ORDER BY d.demand_id
LIMIT $limit
