// name: licensing_network
// title: 许可网络 Licensing network
// description: Who licensed or transferred what to whom, in time order — around one organisation (both directions) or for one patent.
// param: org: org = null — organisation id or name
// param: patent: patent = null — publication number, e.g. CN114142123A
// param: since: date = null — only events on or after this date
// param: limit: int = 500 [1..5000] — maximum rows
// one_of: org, patent
// timeout: 10
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
RETURN date,
       event,
       type,
       a.org_id AS from_id,
       a.name AS from_name,
       a.kind AS from_kind,
       b.org_id AS to_id,
       b.name AS to_name,
       b.kind AS to_kind,
       coalesce(b.is_sme, false) AS to_is_sme,
       pub_no,
       p.title AS patent_title,
       record_id
ORDER BY date, record_id
LIMIT $limit
