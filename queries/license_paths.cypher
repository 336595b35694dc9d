// name: license_paths
// title: 许可与转让路径 Licence paths between two organisations
// description: The shortest paths (either direction) between two different organisations over licences, transfers, subsidiaries and cooperation, one row per hop in path order (from the first organisation towards the second) with its relation, patent, date, 备案号 and fee, and a one-sentence Chinese description.
// param: from_org: org (required) — first organisation (id or name)
// param: to_org: org (required) — second organisation (id or name)
// param: max_hops: int = 4 [1..6] — hop ceiling
// param: paths: int = 5 [1..50] — how many shortest paths to return
// column: path_no: int — 路径 | Path
// column: path_length: int — 跳数 | Hops
// column: hop: int — 第几跳 | Hop
// column: step_from_id: str hidden — 本跳起点编号 | Hop start id
// column: step_from: str — 本跳起点 | Hop start
// column: step_to_id: str hidden — 本跳终点编号 | Hop end id
// column: step_to: str — 本跳终点 | Hop end
// column: forward: bool hidden — 与路径同向 | Along the path
// column: from_id: str hidden — 许可方/转让方编号 | Licensor / assignor id
// column: from_name: str hidden — 许可方/转让方 | Licensor / assignor
// column: relation: str hidden — 关系类型代码 | Relation code
// column: relation_name: str — 关系 | Relation
// column: to_id: str hidden — 被许可方/受让方编号 | Licensee / assignee id
// column: to_name: str hidden — 被许可方/受让方 | Licensee / assignee
// column: pub_no: str — 专利号 | Patent
// column: patent_title: str — 专利名称 | Patent title
// column: date: date — 日期 | Date
// column: detail: str — 方式 | Type
// column: record_no: str — 备案号 | Record no.
// column: fee: float — 许可费（万元） | Fee (10k CNY)
// column: record: str hidden — 记录编号 | Record id
// column: description: str — 说明 | What happened
// timeout: 10
// SHORTEST k finds the k shortest paths by breadth-first search, so parallel edges (several
// licences between the same pair) do not blow up the expansion the way *1..n enumeration does.
// A hop is read along the path (step_from → step_to); from/to are the relationship's own direction
// (licensor → licensee), so `forward` says whether the path walks the licence the way it went.
// The 备案号 and fee live on the License / Transfer nodes: one unique-index seek per hop.
MATCH (a:Organization {org_id: $from_org})
MATCH (b:Organization {org_id: $to_org})
WHERE a <> b
// Only simple paths: a route that passes an organisation twice (back through the target, or round
// a loop) says nothing an officer can use. The predicate sits inside the pattern so the search
// itself skips such walks and still returns k paths.
MATCH path = SHORTEST {{paths}} ((a) ((x)-[:LICENSED_TO|ASSIGNED_TO|SUBSIDIARY_OF|COOPERATES_WITH]-(y)){1,{{max_hops}}} (b)
  WHERE NOT a IN y AND all(i IN range(0, size(y) - 2) WHERE NOT y[i] IN y[i + 1..]))
WITH path, length(path) AS hops
ORDER BY hops
WITH collect(path) AS found
UNWIND range(0, size(found) - 1) AS i
WITH i + 1 AS path_no, found[i] AS path
UNWIND range(0, length(path) - 1) AS k
WITH path_no, length(path) AS path_length, k + 1 AS hop, relationships(path)[k] AS r,
     nodes(path)[k] AS x, nodes(path)[k + 1] AS y
WITH path_no, path_length, hop, r, x, y, startNode(r) AS s, endNode(r) AS e
OPTIONAL CALL (r) {
  MATCH (l:License {license_id: r.license_id})
  RETURN l.record_no AS lic_record_no, l.fee AS lic_fee
}
OPTIONAL CALL (r) {
  MATCH (t:Transfer {transfer_id: r.transfer_id})
  RETURN t.record_no AS trf_record_no
}
OPTIONAL CALL (r) {
  MATCH (p:Patent {pub_no: r.pub_no})
  RETURN p.title AS patent_title
}
WITH path_no, path_length, hop, r, x, y, s, e, patent_title,
     coalesce(lic_record_no, trf_record_no) AS record_no, lic_fee AS fee,
     CASE type(r) WHEN 'LICENSED_TO' THEN '许可' WHEN 'ASSIGNED_TO' THEN '转让'
                  WHEN 'SUBSIDIARY_OF' THEN '子公司' WHEN 'COOPERATES_WITH' THEN '合作' ELSE type(r) END AS relation_name,
     CASE coalesce(r.type, r.mode)
       WHEN 'exclusive' THEN '独占许可' WHEN 'sole' THEN '排他许可' WHEN 'ordinary' THEN '普通许可'
       WHEN 'open' THEN '开放许可' WHEN 'assignment' THEN '权利转让' WHEN 'equity' THEN '作价入股'
       ELSE coalesce(r.type, r.mode, r.method) END AS detail
RETURN path_no,
       path_length,
       hop,
       x.org_id AS step_from_id,
       x.name AS step_from,
       y.org_id AS step_to_id,
       y.name AS step_to,
       s = x AS forward,
       s.org_id AS from_id,
       s.name AS from_name,
       type(r) AS relation,
       relation_name,
       e.org_id AS to_id,
       e.name AS to_name,
       r.pub_no AS pub_no,
       patent_title,
       r.date AS date,
       detail,
       record_no,
       fee,
       coalesce(r.license_id, r.transfer_id, r.source) AS record,
       CASE type(r)
         WHEN 'LICENSED_TO' THEN s.name + coalesce('于' + toString(r.date), '') + '将专利' + coalesce(r.pub_no, '') + coalesce('（' + patent_title + '）', '')
              + coalesce(detail, '') + '给' + e.name + coalesce('，备案号' + record_no, '') + coalesce('，许可费' + toString(fee) + '万元', '') + '。'
         WHEN 'ASSIGNED_TO' THEN s.name + coalesce('于' + toString(r.date), '') + '将专利' + coalesce(r.pub_no, '') + coalesce('（' + patent_title + '）', '')
              + '转让给' + e.name + coalesce('，备案号' + record_no, '') + '。'
         WHEN 'SUBSIDIARY_OF' THEN s.name + '是' + e.name + '的子公司。'
         ELSE s.name + '与' + e.name + '有合作关系' + coalesce('（' + r.evidence + '）', '') + '。'
       END AS description
ORDER BY path_no, hop
