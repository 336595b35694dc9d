// name: landscape_patents
// title: 专利清单 Patents of a landscape
// description: The patents of a chain node, an IPC prefix or an organisation (held, or applied for), newest filing first (undated last), with holder (by name), legal status and dates; optionally only those whose title, number or holder contains a search text, or of one status.
// param: node: node = null — chain node id or name
// param: ipc: ipc = null — IPC code or prefix
// param: org: org = null — organisation id or name: its patents (held or applied for)
// param: q: str = null — text the title, publication number or holder name contains
// param: status: str = null {granted|pending|invalid|expired|unknown} — only this legal status
// param: limit: int = 200 [1..2000] — maximum rows
// param: plan: str = auto {auto|walk|expand} — how the list is read: walk = through the filing-date index, newest first (fast for a node or IPC prefix with many patents; not with a search text or an organisation); expand = every patent of the landscape, then sorted; auto picks by size
// one_of: node, ipc, org
// column: pub_no: str — 公开号 | Publication no.
// column: title: str — 标题 | Title
// column: holder: str — 持有人 | Holder
// column: holder_id: str hidden — 持有人编号 | Holder id
// column: holder_is_sme: bool — 中小企业 | SME
// column: status: str hidden — 法律状态代码 | Status code
// column: status_name: str — 法律状态 | Status
// column: kind: str — 类型 | Kind
// column: filed: date — 申请日 | Filed
// column: granted: date — 授权日 | Granted
// column: licences: int — 许可次数 | Licences
// column: transfers: int — 转让次数 | Transfers
// timeout: 10
// Owner = the HOLDS organisations, or the applicants when nobody holds the patent (the queries' rule); the first
// by name is shown.
// Two ways to read the list, same answer. `expand`: three branches, each starting from an index seek
// (ChainNode.node_id, a range seek on IPC.code, Organization.org_id), so the ones not asked for read nothing.
// `walk`: patents in filing-date index order, newest first, each checked against the node or prefix, until
// $limit are found — for `ipc=H01M` at 1M patents ~2k patents read instead of 124k sorted (24.7k db hits, was
// 470k). A walk reads about limit × patents / n patents for a landscape of n, an expansion about n, so `auto`
// walks when n² > limit × patents, n counted from relationship degrees (no patent read) and only without a
// search text (a rare text would make the walk read the whole graph).
CALL () {
  OPTIONAL MATCH (c:ChainNode {node_id: $node})
  WITH CASE WHEN c IS NULL THEN 0 ELSE COUNT { (c)<-[:MAPS_TO]-() } END AS n_node
  OPTIONAL MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
  WITH n_node, sum(COUNT { (i)<-[:CLASSIFIED_AS]-() }) AS n_ipc
  RETURN CASE $plan WHEN 'walk' THEN $org IS NULL AND $q IS NULL
                    WHEN 'expand' THEN false
                    ELSE $org IS NULL AND $q IS NULL
                         AND (n_node + n_ipc) ^ 2 > $limit * COUNT { (:Patent) } END AS walk
}
CALL (walk) {
  // Only patents have MAPS_TO and CLASSIFIED_AS edges (the loaders' rule, which chain_map's node degrees rely
  // on too), so the expand branches do not re-check the label: one db hit per patent saved.
  WITH walk WHERE NOT walk
  CALL () {
    MATCH (:ChainNode {node_id: $node})<-[:MAPS_TO]-(p)
    RETURN p
    UNION
    MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
    MATCH (p)-[:CLASSIFIED_AS]->(i)
    RETURN p
    UNION
    MATCH (:Organization {org_id: $org})-[:HOLDS|APPLICANT_OF]->(p:Patent)
    RETURN p
  }
  RETURN p
  UNION
  // Dated patents in index order (the planner keeps the order: a PartialTop stops after $limit), then, only
  // when fewer than $limit were found, the undated ones (they sort last).
  WITH walk WHERE walk
  CALL () {
    MATCH (p:Patent) WHERE p.filed IS NOT NULL
    WITH p ORDER BY p.filed DESC
    WHERE ($status IS NULL OR p.status = $status)
      AND ($node IS NOT NULL AND EXISTS { (p)-[:MAPS_TO]->(:ChainNode {node_id: $node}) }
           OR $ipc IS NOT NULL AND EXISTS { MATCH (p)-[:CLASSIFIED_AS]->(i:IPC) WHERE i.code STARTS WITH $ipc })
    WITH p ORDER BY p.filed DESC, p.pub_no LIMIT $limit
    RETURN collect(p) AS dated
  }
  OPTIONAL CALL (dated) {
    MATCH (:ChainNode {node_id: $node})<-[:MAPS_TO]-(p) WHERE size(dated) < $limit AND p.filed IS NULL
    RETURN p
    UNION
    MATCH (i:IPC) WHERE size(dated) < $limit AND i.code STARTS WITH $ipc
    MATCH (p)-[:CLASSIFIED_AS]->(i) WHERE p.filed IS NULL
    RETURN p
  }
  WITH dated, collect(p) AS undated
  UNWIND dated + undated AS p
  RETURN p
}
// (UNION already returns each patent once: no second DISTINCT over 124k rows for `ipc=H01M`)
WITH p
// The search text: title and number first; an owner's name is read only for the patents they miss
// (an OR with a subquery runs the subquery only when the plain test fails). Holders for display are
// read after the LIMIT, for the rows shown.
WHERE $status IS NULL OR p.status = $status
WITH p
WHERE $q IS NULL OR p.title CONTAINS $q OR p.pub_no = toUpper($q)
       OR EXISTS { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
                   WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0) AND h.name CONTAINS $q }
WITH p
ORDER BY p.filed IS NULL, p.filed DESC, p.pub_no
LIMIT $limit
CALL (p) {
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
  WHERE type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0
  WITH h ORDER BY h.name
  RETURN collect(h)[0] AS holder
}
RETURN p.pub_no AS pub_no,
       p.title AS title,
       holder.name AS holder,
       holder.org_id AS holder_id,
       coalesce(holder.is_sme, false) AS holder_is_sme,
       p.status AS status,
       CASE p.status WHEN 'granted' THEN '已授权' WHEN 'pending' THEN '审查中' WHEN 'invalid' THEN '无效'
                     WHEN 'expired' THEN '已失效' ELSE '未知' END AS status_name,
       CASE p.kind WHEN 'invention' THEN '发明' WHEN 'utility' THEN '实用新型' WHEN 'design' THEN '外观设计' ELSE '' END AS kind,
       p.filed AS filed,
       p.granted AS granted,
       COUNT { (p)<-[:OF]-(:License) } AS licences,
       COUNT { (p)<-[:OF]-(:Transfer) } AS transfers
ORDER BY filed IS NULL, filed DESC, pub_no
