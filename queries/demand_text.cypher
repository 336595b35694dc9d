// name: demand_text
// title: 需求原文 A demand as written
// description: One demand of the library as its poster wrote it: title, description, kind, poster, deadline and budget (the demand-matching page shows it and reads its constraints from it).
// param: demand_id: str (required) — the demand's id
// column: demand_id: str hidden — 需求编号 | Demand id
// column: title: str — 标题 | Title
// column: description: str — 描述 | Description
// column: kind: str — 类别 | Kind
// column: poster: str — 发布机构 | Posted by
// column: poster_id: str hidden — 发布机构编号 | Poster id
// column: deadline: date — 截止日期 | Deadline
// column: budget: float — 预算（万元） | Budget (10k CNY)
// timeout: 5
MATCH (d:Demand {demand_id: $demand_id})
OPTIONAL CALL (d) {
  MATCH (o:Organization)-[:POSTED]->(d)
  RETURN o ORDER BY o.org_id LIMIT 1
}
RETURN d.demand_id AS demand_id, d.title AS title, d.description AS description,
       CASE d.kind WHEN 'challenge' THEN '揭榜挂帅' ELSE '技术需求' END AS kind,
       o.name AS poster, o.org_id AS poster_id, d.deadline AS deadline, d.budget AS budget
