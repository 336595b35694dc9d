// name: university_partners
// title: 产学研结对 University and institute partners
// description: Universities and institutes strong on the SME's chain nodes, ranked, with the score's parts (patents on the nodes, achievements, transfers to SMEs, same province, existing ties).
// param: org: org (required) — the SME (id or name)
// param: region: region = null — only partners in this region
// param: limit: int = 20 [1..200] — maximum rows
// timeout: 15
// score = 2·ln(1+patents on the nodes) + ln(1+achievements on the nodes) + ln(1+licences/transfers
// to SMEs) + 0.3·shared nodes + 0.5·same province.
MATCH (t:Organization {org_id: $org})
CALL (t) {
  MATCH (t)-[:IN_NODE]->(n:ChainNode)
  RETURN n
  UNION
  MATCH (t)-[:HOLDS|APPLICANT_OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
  RETURN n
}
WITH t, collect(DISTINCT n) AS nodes
UNWIND nodes AS n
MATCH (u:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
WHERE u.kind IN ['university', 'institute'] AND u <> t
  AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  AND ($region IS NULL OR coalesce(u.region_code, '') STARTS WITH $region)
WITH t, nodes, u, count(DISTINCT p) AS node_patents, collect(DISTINCT n.name) AS shared_nodes
CALL (u, nodes) {
  OPTIONAL MATCH (u)-[:OWNS]->(a:Achievement)-[:ABOUT]->(n:ChainNode)
  WHERE n IN nodes
  RETURN count(DISTINCT a) AS achievements
}
CALL (u) {
  OPTIONAL MATCH (u)-[l:LICENSED_TO|ASSIGNED_TO]->(s:Organization)
  WHERE s.is_sme = true
  RETURN count(l) AS to_smes
}
WITH t, u, node_patents, shared_nodes, achievements, to_smes,
     CASE WHEN t.province_code IS NOT NULL AND u.province_code = t.province_code THEN 1 ELSE 0 END AS same_province,
     EXISTS { (u)-[:COOPERATES_WITH]-(t) } AS cooperating,
     EXISTS { (u)-[:LICENSED_TO|ASSIGNED_TO]->(t) } AS licensed_before
WITH u, node_patents, shared_nodes, achievements, to_smes, same_province, cooperating, licensed_before,
     2.0 * log(1 + node_patents) + log(1 + achievements) + log(1 + to_smes)
       + 0.3 * size(shared_nodes) + 0.5 * same_province AS score
RETURN u.org_id AS partner_id,
       u.name AS partner,
       u.kind AS kind,
       u.region_code AS region_code,
       round(score, 3) AS score,
       node_patents,
       achievements,
       to_smes AS licences_to_smes,
       same_province = 1 AS same_province,
       shared_nodes,
       cooperating,
       licensed_before
ORDER BY score DESC, partner_id
LIMIT $limit
