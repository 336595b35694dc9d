// name: demand_matches
// title: 需求对接 Demand matches
// description: For one demand (or 揭榜挂帅 challenge): achievements (TRL ≥ min), patents (open-licence offers first) and partner organisations, each scored, with the reasons.
// param: demand_id: str (required) — the demand's id
// param: min_trl: int = 1 [1..9] — only achievements with at least this TRL (achievements with no TRL are left out)
// param: limit: int = 10 [1..200] — maximum rows of each kind (achievement, patent, organization)
// timeout: 15
// The demand's chain nodes are its ABOUT edges (written by extraction) plus the nodes whose
// keywords occur in its title or description, so matching works before extraction has run.
MATCH (d:Demand {demand_id: $demand_id})
WITH d, coalesce(d.title, '') + ' ' + coalesce(d.description, '') AS text
CALL (d) {
  OPTIONAL MATCH (d)-[:ABOUT]->(n:ChainNode)
  RETURN collect(DISTINCT n) AS about
}
CALL (text) {
  MATCH (n:ChainNode)
  WITH n, [k IN coalesce(n.keywords, []) WHERE size(k) > 1 AND text CONTAINS k] AS kws
  WHERE size(kws) > 0
  RETURN collect(n) AS kw_nodes, reduce(acc = [], x IN collect(kws) | acc + x) AS keywords
}
WITH d, keywords, about + [x IN kw_nodes WHERE NOT x IN about] AS nodes
CALL (d, nodes, keywords) {
  MATCH (a:Achievement)
  WHERE a.trl >= $min_trl
  // The achievement's own nodes, read from the achievement (a few edges each). Written as
  // `EXISTS { (a)-[:BACKED_BY]->()-[:MAPS_TO]->(n) }` per demand node, the planner expanded from
  // the node's (100k at scale) patents for every achievement: 270M db hits at 300k patents.
  WITH a, COLLECT { MATCH (a)-[:ABOUT]->(x:ChainNode) RETURN x
                    UNION
                    MATCH (a)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(x:ChainNode) RETURN x } AS own
  WITH a, [n IN nodes WHERE n IN own] AS shared,
       [k IN keywords WHERE coalesce(a.title, '') + ' ' + coalesce(a.description, '') CONTAINS k] AS kw
  WHERE size(shared) > 0 OR size(kw) > 0
  OPTIONAL MATCH (owner:Organization)-[:OWNS]->(a)
  WITH a, shared, kw, collect(owner)[0] AS owner
  WITH a, shared, kw, owner, 2.0 * size(shared) + 0.5 * size(kw) + a.trl / 9.0 AS score
  RETURN 'achievement' AS kind, a.ach_id AS id, a.title AS title, owner.org_id AS org_id, owner.name AS org,
         a.trl AS trl, false AS open_offer, round(score, 3) AS score,
         [n IN shared | 'on node ' + n.name] + [k IN kw | 'mentions ' + k] + ['TRL ' + toString(a.trl)] AS reasons
  ORDER BY score DESC, id
  LIMIT $limit
  UNION ALL
  UNWIND nodes AS n
  MATCH (p:Patent)-[:MAPS_TO]->(n)
  WITH p, collect(n) AS shared
  WITH p, shared, EXISTS { (p)-[:OFFERED]->(:OpenLicenseOffer) } AS offered,
       [k IN keywords WHERE coalesce(p.title, '') + ' ' + coalesce(p.abstract, '') CONTAINS k] AS kw
  WITH p, shared, offered, kw,
       1.0 * size(shared) + CASE WHEN offered THEN 2.0 ELSE 0.0 END
         + CASE WHEN p.status = 'granted' THEN 0.5 ELSE 0.0 END + 0.5 * size(kw) AS score
  ORDER BY offered DESC, score DESC, p.pub_no
  LIMIT $limit
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
  WHERE type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0
  WITH p, shared, offered, kw, score, collect(h)[0] AS holder
  RETURN 'patent' AS kind, p.pub_no AS id, p.title AS title, holder.org_id AS org_id, holder.name AS org,
         null AS trl, offered AS open_offer, round(score, 3) AS score,
         (CASE WHEN offered THEN ['open-licence offer'] ELSE [] END) + [n IN shared | 'on node ' + n.name]
           + [k IN kw | 'mentions ' + k] + ['status ' + coalesce(p.status, 'unknown')] AS reasons
  ORDER BY open_offer DESC, score DESC, id
  UNION ALL
  UNWIND nodes AS n
  MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE NOT EXISTS { (o)-[:POSTED]->(d) }
  WITH o, collect(DISTINCT n) AS shared
  // Counted from the organisation's patents (anchored on o), not from the node's.
  WITH o, shared, size(COLLECT { MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
                                 WHERE m IN shared RETURN DISTINCT p }) AS pats
  WITH o, shared, pats, EXISTS { (o)-[:RESPONDED]->(d) } AS responded
  WITH o, shared, pats, responded,
       1.5 * size(shared) + log(1 + pats) + CASE WHEN responded THEN 1.0 ELSE 0.0 END AS score
  RETURN 'organization' AS kind, o.org_id AS id, o.name AS title, o.org_id AS org_id, o.name AS org,
         null AS trl, false AS open_offer, round(score, 3) AS score,
         [n IN shared | 'on node ' + n.name] + [toString(pats) + ' patents there']
           + (CASE WHEN responded THEN ['responded to this demand'] ELSE [] END)
           + (CASE WHEN o.kind IN ['university', 'institute'] THEN [o.kind] ELSE [] END) AS reasons
  ORDER BY score DESC, id
  LIMIT $limit
}
RETURN d.demand_id AS demand_id, kind, id, title, org_id, org, trl, open_offer, score, reasons
ORDER BY CASE kind WHEN 'achievement' THEN 0 WHEN 'patent' THEN 1 ELSE 2 END, open_offer DESC, score DESC, id
