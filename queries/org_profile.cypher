// name: org_profile
// title: 机构画像 Organisation profile
// description: Everything about one organisation in long format (section, key, label, value, detail): identity, chain placements, patents, licences and transfers in and out, achievements, demands, business relations, open-licence offers.
// param: org: org (required) — organisation id or name
// param: top_n: int = 20 [1..200] — rows per listed section
// timeout: 10
MATCH (o:Organization {org_id: $org})
CALL (o) {
  UNWIND [['org_id', o.org_id], ['name', o.name], ['kind', o.kind], ['size', o.size], ['tier', o.tier],
          ['is_sme', o.is_sme], ['credit_code', o.credit_code], ['region_code', o.region_code],
          ['listed_code', o.listed_code], ['founded', o.founded], ['aliases', o.aliases],
          ['products', o.products], ['profile', o.profile]] AS kv
  WITH kv WHERE kv[1] IS NOT NULL
  RETURN 'identity' AS section, kv[0] AS key, kv[0] AS label, null AS value,
         CASE WHEN valueType(kv[1]) STARTS WITH 'LIST' THEN reduce(s = '', x IN kv[1] | s + CASE WHEN s = '' THEN '' ELSE '; ' END + toString(x))
              ELSE toString(kv[1]) END AS detail
  UNION ALL
  MATCH (o)-[r:IN_NODE]->(n:ChainNode)
  CALL (o, n) {
    OPTIONAL MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
    RETURN count(DISTINCT p) AS k
  }
  RETURN 'chain_nodes' AS section, n.node_id AS key, n.name + ' (' + coalesce(n.segment, '?') + ')' AS label, k AS value,
         coalesce(r.method, '?') + ' ' + toString(coalesce(r.confidence, '')) AS detail
  UNION ALL
  CALL (o) {
    OPTIONAL MATCH (o)-[:HOLDS]->(p:Patent) RETURN count(p) AS held, count(CASE WHEN p.status = 'granted' THEN 1 END) AS granted
  }
  CALL (o) {
    OPTIONAL MATCH (o)-[:APPLICANT_OF]->(p:Patent) RETURN count(p) AS applied
  }
  UNWIND [['held', held], ['granted_held', granted], ['applied', applied]] AS kv
  RETURN 'patents' AS section, kv[0] AS key, kv[0] AS label, kv[1] AS value, null AS detail
  UNION ALL
  MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent)
  WITH DISTINCT p
  WITH split(coalesce(p.ipc_main, head(coalesce(p.ipc, [])), ''), '/')[0] AS grp, count(*) AS k
  WHERE grp <> ''
  ORDER BY k DESC, grp
  LIMIT $top_n
  RETURN 'patent_ipc_groups' AS section, grp AS key, grp AS label, k AS value, null AS detail
  UNION ALL
  MATCH (o)-[r:LICENSED_TO|ASSIGNED_TO]-(x:Organization)
  WITH CASE WHEN startNode(r) = o THEN 'out' ELSE 'in' END AS dir, type(r) AS t, x, count(r) AS k, max(r.date) AS last
  ORDER BY k DESC, x.name
  LIMIT $top_n
  RETURN CASE t WHEN 'LICENSED_TO' THEN 'licences_' ELSE 'transfers_' END + dir AS section, x.org_id AS key, x.name AS label,
         k AS value, 'last ' + toString(last) AS detail
  UNION ALL
  MATCH (o)-[r:SUBSIDIARY_OF|SUPPLIES|COOPERATES_WITH]-(x:Organization)
  WITH r, x, CASE WHEN startNode(r) = o THEN '→' ELSE '←' END AS arrow
  ORDER BY coalesce(r.confidence, 0) DESC, x.name
  LIMIT $top_n
  RETURN 'relations' AS section, x.org_id AS key, x.name AS label, r.confidence AS value,
         type(r) + ' ' + arrow + coalesce(' ' + r.evidence, '') AS detail
  UNION ALL
  MATCH (o)-[:OWNS]->(a:Achievement)
  WITH a ORDER BY a.trl DESC, a.ach_id LIMIT $top_n
  RETURN 'achievements' AS section, a.ach_id AS key, a.title AS label, a.trl AS value, 'TRL ' + toString(a.trl) AS detail
  UNION ALL
  MATCH (o)-[rel:POSTED|RESPONDED]->(d:Demand)
  WITH rel, d ORDER BY d.deadline DESC, d.demand_id LIMIT $top_n
  RETURN CASE type(rel) WHEN 'POSTED' THEN 'demands_posted' ELSE 'demands_responded' END AS section, d.demand_id AS key,
         d.title AS label, d.budget AS value, coalesce(d.kind, '') + ' deadline ' + coalesce(toString(d.deadline), '?') AS detail
  UNION ALL
  MATCH (o)-[:HOLDS]->(p:Patent)-[:OFFERED]->(off:OpenLicenseOffer)
  WITH p, off ORDER BY off.declared DESC LIMIT $top_n
  RETURN 'open_offers' AS section, off.offer_id AS key, p.pub_no + ' ' + coalesce(p.title, '') AS label, null AS value,
         coalesce(off.fee_terms, '') AS detail
}
RETURN section, key, label, value, detail
