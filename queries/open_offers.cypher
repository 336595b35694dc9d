// name: open_offers
// title: 开放许可 Open-licence offers
// description: 开放许可 offers on patents relevant to a chain node or IPC prefix, newest first, with the holder and terms.
// param: node: node = null — chain node id or name
// param: ipc: ipc = null — IPC code or prefix
// param: region: region = null — only offers whose holder is in this region
// param: limit: int = 50 [1..1000] — maximum rows
// one_of: node, ipc
// timeout: 10
CALL () {
  MATCH (:ChainNode {node_id: $node})<-[:MAPS_TO]-(p:Patent)
  RETURN p
  UNION
  MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
  MATCH (p:Patent)-[:CLASSIFIED_AS]->(i)
  RETURN p
}
MATCH (p)-[:OFFERED]->(off:OpenLicenseOffer)
OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
WHERE type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0
WITH p, off, collect(DISTINCT h)[0] AS holder
WHERE $region IS NULL OR coalesce(holder.region_code, '') STARTS WITH $region
CALL (p) {
  OPTIONAL MATCH (p)-[:MAPS_TO]->(n:ChainNode)
  RETURN collect(n.name) AS nodes
}
RETURN off.offer_id AS offer_id,
       p.pub_no AS pub_no,
       p.title AS title,
       p.status AS status,
       p.ipc_main AS ipc_main,
       holder.org_id AS holder_id,
       holder.name AS holder,
       holder.kind AS holder_kind,
       holder.region_code AS holder_region,
       off.fee_terms AS fee_terms,
       off.declared AS declared,
       off.field_of_use AS field_of_use,
       nodes
ORDER BY declared DESC, offer_id
LIMIT $limit
