// name: licensing_network
// title: 许可网络 Licensing network
// description: Who licensed or transferred what to whom, in time order — around one organisation (both directions) or for one patent.
// param: org: org = null — organisation id or name
// param: patent: patent = null — publication number, e.g. CN114142123A
// param: since: date = null — only events on or after this date
// param: limit: int = 500 [1..5000] — maximum rows
// one_of: org, patent
// column: date: date — 日期 | Date
// column: event: str hidden — 事件代码 | Event code
// column: event_name: str — 事件 | Event
// column: type: str hidden — 方式代码 | Type code
// column: type_name: str — 方式 | Type
// column: from_id: str hidden — 许可方/转让方编号 | Licensor / assignor id
// column: from_name: str — 许可方/转让方 | Licensor / assignor
// column: from_kind: str hidden — 许可方类型代码 | Licensor kind code
// column: to_id: str hidden — 被许可方/受让方编号 | Licensee / assignee id
// column: to_name: str — 被许可方/受让方 | Licensee / assignee
// column: to_kind: str hidden — 被许可方类型代码 | Licensee kind code
// column: to_is_sme: bool — 受方为中小企业 | Recipient is an SME
// column: pub_no: str — 专利号 | Patent
// column: patent_title: str — 专利名称 | Patent title
// column: record_no: str — 备案号 | Record no.
// column: fee: float — 许可费（万元） | Fee (10k CNY)
// column: record_id: str hidden — 记录编号 | Record id
// timeout: 10
// 备案号 and fee live on the License / Transfer node (one unique-index seek per row).
CALL () {
  MATCH (:Organization {org_id: $org})-[r:LICENSED_TO|ASSIGNED_TO]-(:Organization)
  RETURN startNode(r) AS a, endNode(r) AS b, r.date AS date,
         CASE type(r) WHEN 'LICENSED_TO' THEN 'licence' ELSE 'transfer' END AS event,
         coalesce(r.type, r.mode) AS type, r.pub_no AS pub_no,
         coalesce(r.license_id, r.transfer_id) AS record_id
  UNION
  MATCH (:Patent {pub_no: $patent})<-[:OF]-(ev)
  WHERE ev:License OR ev:Transfer
  MATCH (a:Organization)-[:LICENSOR|ASSIGNOR]->(ev)-[:LICENSEE|ASSIGNEE]->(b:Organization)
  RETURN a, b, ev.date AS date,
         CASE WHEN ev:License THEN 'licence' ELSE 'transfer' END AS event,
         coalesce(ev.type, ev.mode) AS type, $patent AS pub_no,
         coalesce(ev.license_id, ev.transfer_id) AS record_id
}
WITH a, b, date, event, type, pub_no, record_id
WHERE $since IS NULL OR date >= $since
OPTIONAL MATCH (p:Patent {pub_no: pub_no})
OPTIONAL CALL (event, record_id) {
  MATCH (l:License {license_id: record_id}) WHERE event = 'licence'
  RETURN l.record_no AS record_no, l.fee AS fee
  UNION
  MATCH (t:Transfer {transfer_id: record_id}) WHERE event = 'transfer'
  RETURN t.record_no AS record_no, null AS fee
}
RETURN date,
       event,
       CASE event WHEN 'licence' THEN '许可' ELSE '转让' END AS event_name,
       type,
       CASE type WHEN 'exclusive' THEN '独占许可' WHEN 'sole' THEN '排他许可' WHEN 'ordinary' THEN '普通许可'
                 WHEN 'open' THEN '开放许可' WHEN 'assignment' THEN '权利转让' WHEN 'equity' THEN '作价入股'
                 ELSE type END AS type_name,
       a.org_id AS from_id,
       a.name AS from_name,
       a.kind AS from_kind,
       b.org_id AS to_id,
       b.name AS to_name,
       b.kind AS to_kind,
       coalesce(b.is_sme, false) AS to_is_sme,
       pub_no,
       p.title AS patent_title,
       record_no,
       fee,
       record_id
ORDER BY date, record_id
LIMIT $limit
