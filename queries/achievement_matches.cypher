// name: achievement_matches
// title: 成果对接 Achievement matches
// description: For one achievement (成果): the SMEs on its chain nodes and the demands it could answer (the reverse of demand_matches), each scored, with a one-sentence reason in Chinese.
// param: ach_id: str (required) — the achievement's id
// param: region: region = null — only SMEs and demand posters in this region (name, code, or a group such as 长三角)
// param: kind: str = null {sme|demand} — only SMEs or only demands (both when omitted)
// param: include_closed: bool = false — also list 揭榜挂帅 challenges already awarded or closed
// param: limit: int = 10 [1..200] — maximum rows of each kind
// column: ach_id: str hidden — 成果编号 | Achievement id
// column: kind: str hidden — 类别代码 | Kind code
// column: kind_name: str — 类别 | Kind
// column: id: str hidden — 编号 | Id
// column: name: str — 企业或需求 | SME or demand
// column: org: str — 机构 | Organisation
// column: org_id: str hidden — 机构编号 | Organisation id
// column: region: str — 地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: tier: str — 企业梯度 | Tier
// column: nodes: list — 共同环节 | Shared chain nodes
// column: score: float — 得分 | Score
// column: reason: str — 推荐理由 | Why
// timeout: 15
// The achievement's own chain nodes are its ABOUT edges plus the nodes of its backing patents (as in
// demand_matches); the nodes whose keywords occur in its text join them as keyword nodes. A demand
// matches when it is ABOUT one of these nodes or its text contains one of their keywords — exactly the
// pairs demand_matches proposes from the demand's side. Demands are found per keyword through the
// demand_text full-text index (phrase query), then checked with CONTAINS.
// SME score = 2·shared nodes + ln(1 + its patents on them) + 1 if it posted a demand on them
//             + 0.5 same province as the owner + 0.5 if it holds a tier (专精特新/小巨人/单项冠军).
// Demand score = 2·shared nodes + 0.5·keywords in the achievement's text + 0.5 posted by an SME
//             + 0.5 same province as the owner + 0.5 open 揭榜挂帅 challenge.
MATCH (a:Achievement {ach_id: $ach_id})
OPTIONAL CALL (a) {
  MATCH (o:Organization)-[:OWNS]->(a)
  RETURN o AS owner ORDER BY o.org_id LIMIT 1
}
WITH a, owner, coalesce(a.title, '') + ' ' + coalesce(a.description, '') AS text,
     COLLECT { MATCH (a)-[:ABOUT]->(n:ChainNode) RETURN n
               UNION
               MATCH (a)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(n:ChainNode) RETURN n } AS own
CALL (text) {
  MATCH (m:ChainNode)
  WITH m, [k IN coalesce(m.keywords, []) WHERE size(k) > 1 AND text CONTAINS k] AS kws
  WHERE size(kws) > 0
  RETURN collect(m) AS kw_nodes, reduce(acc = [], x IN collect(kws) | acc + x) AS keywords
}
WITH a, owner, own, keywords, own + [x IN kw_nodes WHERE NOT x IN own] AS nodes
CALL (a, owner, own) {
  WITH a, owner, own WHERE $kind IS NULL OR $kind = 'sme'
  UNWIND own AS n
  MATCH (s:Organization)-[:IN_NODE]->(n)
  WHERE s.is_sme = true AND (owner IS NULL OR s <> owner)
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(s.region_code, '') STARTS WITH rp))
  WITH owner, s, collect(DISTINCT n) AS shared
  // counted from the SME's own patents (a few), not from the node's (up to 100k at scale)
  WITH owner, s, shared,
       size(COLLECT { MATCH (s)-[:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
                      WHERE m IN shared RETURN DISTINCT p }) AS pats,
       EXISTS { MATCH (s)-[:POSTED]->(:Demand)-[:ABOUT]->(m:ChainNode) WHERE m IN shared } AS has_demand,
       owner IS NOT NULL AND s.province_code IS NOT NULL AND s.province_code = owner.province_code AS same_province,
       s.tier IN ['专精特新', '小巨人', '单项冠军'] AS tiered
  WITH s, shared, pats, has_demand, same_province, tiered,
       2.0 * size(shared) + log(1 + pats) + CASE WHEN has_demand THEN 1.0 ELSE 0.0 END
         + CASE WHEN same_province THEN 0.5 ELSE 0.0 END + CASE WHEN tiered THEN 0.5 ELSE 0.0 END AS score
  ORDER BY score DESC, s.org_id
  LIMIT $limit
  WITH s, shared, pats, has_demand, same_province, tiered, score, [n IN shared | n.name] AS names
  RETURN collect({kind: 'sme', id: s.org_id, name: s.name, org: s.name, org_id: s.org_id,
         region_code: s.region_code, tier: CASE WHEN tiered THEN s.tier END, names: names, score: score, reason:
         '同属' + reduce(x = '', i IN range(0, size(names) - 1) | x + CASE WHEN i > 0 THEN '、' ELSE '' END + names[i]) + '环节'
           + CASE WHEN pats > 0 THEN '，在这些环节有专利 ' + toString(pats) + ' 件' ELSE '' END
           + CASE WHEN has_demand THEN '，已发布这些环节的技术需求' ELSE '' END
           + CASE WHEN same_province THEN '，与成果持有方同省' ELSE '' END
           + CASE WHEN tiered THEN '，' + s.tier + '企业' ELSE '' END + '。'}) AS sme_rows
}
CALL (a, owner, own, nodes, keywords) {
  WITH a, owner, own, nodes, keywords WHERE $kind IS NULL OR $kind = 'demand'
  UNWIND nodes AS n
  CALL (n) {
    MATCH (d:Demand)-[:ABOUT]->(n)
    RETURN d
    UNION
    UNWIND [k IN coalesce(n.keywords, []) WHERE size(k) > 1] AS k
    CALL db.index.fulltext.queryNodes('demand_text', '"' + replace(replace(k, '\\', ' '), '"', ' ') + '"', {limit: 1000})
      YIELD node AS d
    WITH k, d WHERE coalesce(d.title, '') + ' ' + coalesce(d.description, '') CONTAINS k
    RETURN d
  }
  WITH owner, own, keywords, d, collect(DISTINCT n) AS via
  WHERE (owner IS NULL OR NOT EXISTS { (owner)-[:POSTED]->(d) })
    AND ($include_closed OR NOT coalesce(d.status, 'open') IN ['awarded', 'closed'])
  OPTIONAL CALL (d) {
    MATCH (p:Organization)-[:POSTED]->(d)
    RETURN p ORDER BY p.org_id LIMIT 1
  }
  WITH owner, d, p, [n IN via WHERE n IN own] AS shared,
       [k IN keywords WHERE coalesce(d.title, '') + ' ' + coalesce(d.description, '') CONTAINS k] AS kw_in_demand,
       [n IN via WHERE NOT n IN own] AS kw_nodes
  // a keyword node counts for the demand when the demand sits on it; the achievement's own text holds
  // its keyword, so the pair is proposed (demand_matches' 'mentions' reason)
  WITH owner, d, p, shared, kw_nodes,
       coalesce(p.is_sme, false) AS by_sme,
       owner IS NOT NULL AND p.province_code IS NOT NULL AND p.province_code = owner.province_code AS same_province,
       d:Challenge AND coalesce(d.status, 'open') = 'open' AS open_challenge
  WHERE $region IS NULL OR any(rp IN $region WHERE coalesce(p.region_code, '') STARTS WITH rp)
  WITH d, p, shared, kw_nodes, by_sme, same_province, open_challenge,
       2.0 * size(shared) + 0.5 * size(kw_nodes) + CASE WHEN by_sme THEN 0.5 ELSE 0.0 END
         + CASE WHEN same_province THEN 0.5 ELSE 0.0 END + CASE WHEN open_challenge THEN 0.5 ELSE 0.0 END AS score
  ORDER BY score DESC, d.demand_id
  LIMIT $limit
  WITH d, p, shared, kw_nodes, by_sme, same_province, open_challenge, score,
       [n IN shared | n.name] AS names, [n IN kw_nodes | n.name] AS kw_names
  RETURN collect({kind: 'demand', id: d.demand_id, name: d.title, org: p.name, org_id: p.org_id,
         region_code: p.region_code, tier: CASE WHEN p.tier IN ['专精特新', '小巨人', '单项冠军'] THEN p.tier END, names: names + kw_names, score: score, reason:
         CASE WHEN size(names) > 0
              THEN '需求涉及' + reduce(x = '', i IN range(0, size(names) - 1) | x + CASE WHEN i > 0 THEN '、' ELSE '' END + names[i]) + '环节，与成果相同'
              ELSE '需求涉及' + reduce(x = '', i IN range(0, size(kw_names) - 1) | x + CASE WHEN i > 0 THEN '、' ELSE '' END + kw_names[i]) + '环节，成果简介提到该环节的关键词'
         END
           + CASE WHEN by_sme THEN '，发布方为中小企业' ELSE '' END
           + CASE WHEN same_province THEN '，与成果持有方同省' ELSE '' END
           + CASE WHEN open_challenge THEN '，揭榜挂帅进行中' ELSE '' END + '。'}) AS demand_rows
}
UNWIND sme_rows + demand_rows AS row
WITH a, row
OPTIONAL MATCH (r:Region {code: row.region_code})
RETURN a.ach_id AS ach_id,
       row.kind AS kind,
       CASE row.kind WHEN 'sme' THEN '中小企业' ELSE '需求' END AS kind_name,
       row.id AS id,
       row.name AS name,
       row.org AS org,
       row.org_id AS org_id,
       coalesce(r.name, row.region_code) AS region,
       row.region_code AS region_code,
       row.tier AS tier,
       row.names AS nodes,
       round(row.score, 3) AS score,
       row.reason AS reason
ORDER BY CASE row.kind WHEN 'sme' THEN 0 ELSE 1 END, score DESC, id
