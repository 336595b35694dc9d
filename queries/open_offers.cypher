// name: open_offers
// title: 开放许可 Open-licence offers
// description: 开放许可 offers — on patents relevant to a chain node or IPC prefix, or all of them — newest first, with the holder (filterable by kind and region), the terms, and the licences taken under each offer (count, licensees, latest date).
// param: node: node = null — chain node id or name
// param: ipc: ipc = null — IPC code or prefix
// param: region: region = null — only offers whose holder is in this region (name, code or region group)
// param: holder_kind: str = null {company|university|institute|service|government} — only offers whose holder is of this kind
// param: taken_only: bool = false — only offers under which at least one licence was taken
// param: limit: int = 50 [1..1000] — maximum rows
// column: offer_id: str hidden — 声明编号 | Offer id
// column: pub_no: str — 公开号 | Publication no.
// column: title: str — 专利名称 | Patent title
// column: status: str hidden — 法律状态 | Legal status
// column: ipc_main: str hidden — 主分类号 | Main IPC
// column: holder_id: str hidden — 权利人编号 | Holder id
// column: holder: str — 权利人 | Holder
// column: holder_kind: str hidden — 权利人类型代码 | Holder kind code
// column: holder_type: str — 权利人类型 | Holder type
// column: holder_region: str — 权利人地区 | Holder region
// column: holder_region_code: str hidden — 权利人地区代码 | Holder region code
// column: fee_terms: str — 许可使用费 | Fee terms
// column: declared: date — 声明日期 | Declared
// column: field_of_use: str — 实施领域 | Field of use
// column: nodes: list — 产业链环节 | Chain nodes
// column: licences_taken: int — 已达成许可 | Licences taken
// column: licensees: list — 被许可方 | Licensees
// column: licensee_ids: list hidden — 被许可方编号 | Licensee ids
// column: last_taken: date — 最近许可日期 | Latest licence
// timeout: 10
// Entry: the node's patents (key seek), the IPC prefix (range seek on IPC.code), or — with neither —
// the OpenLicenseOffer label (thousands of offers, never the patents). Licences taken under an offer
// are (License)-[:UNDER]->(OpenLicenseOffer).
// A node or prefix with more patents than the graph has offers (degrees and the count store, O(1);
// `ipc=H01M`: 124k patents vs 18.6k offers at 1M) is read from the offers instead, each checked
// against it: same pairs, 2.5M -> far fewer db hits.
CALL () {
  OPTIONAL MATCH (c:ChainNode {node_id: $node})
  WITH CASE WHEN c IS NULL THEN 0 ELSE COUNT { (c)<-[:MAPS_TO]-() } END AS n_node
  OPTIONAL MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
  WITH n_node, sum(COUNT { (i)<-[:CLASSIFIED_AS]-() }) AS n_ipc
  RETURN n_node + n_ipc > COUNT { (:OpenLicenseOffer) } AS from_offers
}
CALL (from_offers) {
  WITH from_offers WHERE NOT from_offers
  MATCH (:ChainNode {node_id: $node})<-[:MAPS_TO]-(p:Patent)
  MATCH (p)-[:OFFERED]->(off:OpenLicenseOffer)
  RETURN p, off
  UNION
  WITH from_offers WHERE NOT from_offers
  MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
  MATCH (p:Patent)-[:CLASSIFIED_AS]->(i)
  MATCH (p)-[:OFFERED]->(off:OpenLicenseOffer)
  RETURN p, off
  UNION
  WITH from_offers WHERE from_offers OR ($node IS NULL AND $ipc IS NULL)
  MATCH (off:OpenLicenseOffer)
  MATCH (p:Patent)-[:OFFERED]->(off)
  WHERE ($node IS NULL AND $ipc IS NULL)
     OR $node IS NOT NULL AND EXISTS { (p)-[:MAPS_TO]->(:ChainNode {node_id: $node}) }
     OR $ipc IS NOT NULL AND EXISTS { MATCH (p)-[:CLASSIFIED_AS]->(i:IPC) WHERE i.code STARTS WITH $ipc }
  RETURN p, off
}
OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
WHERE type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0
WITH p, off, collect(DISTINCT h)[0] AS holder
WHERE ($region IS NULL OR any(rp IN $region WHERE coalesce(holder.region_code, '') STARTS WITH rp))
  AND ($holder_kind IS NULL OR holder.kind = $holder_kind)
// "taken" is tested as an existence check before the LIMIT; the licences themselves (count, licensees,
// latest date) are read after it, for the rows shown only (they were read for all 18.6k offers at 1M).
WITH p, off, holder
WHERE NOT $taken_only OR EXISTS { (:License)-[:UNDER]->(off) }
WITH p, off, holder
ORDER BY off.declared DESC, off.offer_id
LIMIT $limit
CALL (off) {
  OPTIONAL MATCH (l:License)-[:UNDER]->(off)
  OPTIONAL MATCH (l)-[:LICENSEE]->(y:Organization)
  WITH l, y ORDER BY l.date DESC, y.name
  RETURN count(DISTINCT l) AS licences_taken, collect(DISTINCT y.name) AS licensees,
         collect(DISTINCT y.org_id) AS licensee_ids, max(l.date) AS last_taken
}
CALL (p) {
  OPTIONAL MATCH (p)-[:MAPS_TO]->(n:ChainNode)
  RETURN collect(n.name) AS nodes
}
OPTIONAL MATCH (hr:Region {code: holder.region_code})
RETURN off.offer_id AS offer_id,
       p.pub_no AS pub_no,
       p.title AS title,
       p.status AS status,
       p.ipc_main AS ipc_main,
       holder.org_id AS holder_id,
       holder.name AS holder,
       holder.kind AS holder_kind,
       CASE holder.kind WHEN 'company' THEN '企业' WHEN 'university' THEN '高校' WHEN 'institute' THEN '科研院所'
                        WHEN 'service' THEN '服务机构' WHEN 'government' THEN '政府机构' END AS holder_type,
       coalesce(hr.name, holder.region_code) AS holder_region,
       holder.region_code AS holder_region_code,
       off.fee_terms AS fee_terms,
       off.declared AS declared,
       off.field_of_use AS field_of_use,
       nodes,
       licences_taken,
       licensees,
       licensee_ids,
       last_taken
ORDER BY declared DESC, offer_id
