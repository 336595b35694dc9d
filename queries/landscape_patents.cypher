// name: landscape_patents
// title: 专利清单 Patents of a landscape
// description: The patents of a chain node, an IPC prefix or an organisation (held, or applied for), newest filing first, with holder (by name), legal status and dates; optionally only those whose title, number or holder contains a search text, or of one status.
// param: node: node = null — chain node id or name
// param: ipc: ipc = null — IPC code or prefix
// param: org: org = null — organisation id or name: its patents (held or applied for)
// param: q: str = null — text the title, publication number or holder name contains
// param: status: str = null {granted|pending|invalid|expired|unknown} — only this legal status
// param: limit: int = 200 [1..2000] — maximum rows
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
// Three branches, each starting from an index seek (ChainNode.node_id, a range seek on IPC.code,
// Organization.org_id), so the ones not asked for read nothing. Owner = the HOLDS organisations, or the applicants when
// nobody holds the patent (the queries' rule); the first by name is shown. Only patents have MAPS_TO and
// CLASSIFIED_AS edges (the loaders' rule, which chain_map's node degrees rely on too), so those branches do not
// re-check the label: one db hit per patent saved (124k for `ipc=H01M` at 1M patents).
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
ORDER BY p.filed DESC, p.pub_no
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
ORDER BY filed DESC, pub_no
