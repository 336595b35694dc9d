// name: demand_matches
// title: 需求对接 Demand matches
// description: For one demand from the library (or 揭榜挂帅 challenge), or a typed demand text: achievements (TRL ≥ min), patents (open-licence offers first) and partner organisations, each scored with a one-sentence Chinese reason. Technology terms, partner types and a region, when given, filter the candidates in the query itself (before any limit).
// param: demand_id: str = null — the demand's id (its title and description are matched)
// param: text: str = null — a typed demand text (instead of a demand from the library)
// param: terms: list = null — technology terms: when given they replace the terms found in the text, and every match must be about one of them
// param: min_trl: int = 1 [1..9] — only achievements with at least this TRL (achievements with no TRL are left out)
// param: partner_kind: list = null — organisation kinds (university, institute, company, government, service): only achievements, patents and organisations whose owner, holder or self is of these kinds
// param: region: region = null — only owners, holders or organisations in this region (name, code or region group)
// param: limit: int = 10 [1..200] — maximum rows of each kind (achievement, patent, organization)
// one_of: demand_id, text
// column: demand_id: str hidden — 需求编号 | Demand id
// column: kind: str hidden — 类别代码 | Kind code
// column: kind_name: str — 类别 | Kind
// column: id: str hidden — 编号 | Id
// column: title: str — 名称 | Title
// column: org_id: str hidden — 机构编号 | Organisation id
// column: org: str — 所属机构 | Organisation
// column: org_kind: str — 机构类型 | Organisation kind
// column: region: str — 地区 | Region
// column: trl: int — 技术成熟度 | TRL
// column: open_offer: bool — 开放许可 | Open licence
// column: score: float — 得分 | Score
// column: reason: str — 推荐理由 | Why
// column: reasons: list hidden — 理由代码 | Reason codes
// timeout: 15
// The demand's chain nodes are its ABOUT edges (written by extraction) plus the nodes whose name or
// keywords occur in its text (so matching works before extraction has run). Given `terms`, the
// nodes are those whose name or keywords contain a term or lie inside one, and ABOUT is not used:
// the user's edited terms are the demand. Partner kind and region filter before ORDER BY / LIMIT.
CALL () {
  OPTIONAL MATCH (d:Demand {demand_id: $demand_id})
  RETURN d
}
WITH d WHERE d IS NOT NULL OR $text IS NOT NULL
WITH d, CASE WHEN $text IS NOT NULL THEN $text ELSE coalesce(d.title, '') + ' ' + coalesce(d.description, '') END AS text
CALL (d) {
  OPTIONAL MATCH (d)-[:ABOUT]->(n:ChainNode)
  WHERE $terms IS NULL
  RETURN collect(DISTINCT n) AS about
}
CALL (text) {
  MATCH (n:ChainNode)
  WITH n, CASE WHEN $terms IS NULL
                 THEN [k IN coalesce(n.keywords, []) + [n.name] WHERE size(k) > 1 AND text CONTAINS k]
                 ELSE [t IN $terms WHERE size(t) > 1 AND (n.name CONTAINS t OR t CONTAINS n.name
                        OR any(k IN coalesce(n.keywords, []) WHERE size(k) > 1 AND (k CONTAINS t OR t CONTAINS k)))]
               END AS kws
  WHERE size(kws) > 0
  RETURN collect(n) AS kw_nodes, reduce(acc = [], x IN collect(kws) | acc + [k IN x WHERE NOT k IN acc]) AS found
}
WITH d, coalesce($terms, found) AS keywords, about + [x IN kw_nodes WHERE NOT x IN about] AS nodes
// The achievements' own nodes: stored ids (graph/precompute.py, achievement_nodes) while their stamp
// equals these count-store totals, else read live from each achievement.
CALL () {
  CALL () { MATCH (x:Achievement) RETURN count(x) AS c1 }
  CALL () { MATCH (x:ChainNode) RETURN count(x) AS c2 }
  CALL () { MATCH ()-[x:ABOUT]->() RETURN count(x) AS c3 }
  CALL () { MATCH ()-[x:BACKED_BY]->() RETURN count(x) AS c4 }
  CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
  RETURN [c1, c2, c3, c4, c5] AS ach_stamp
}
// The stamp of the stored offered patents per node (node_offers) and partner patent groups
// (org_node_groups): graph/precompute.py's STAMP_CYPHER totals, read once.
CALL () {
  CALL () { MATCH (x:Patent) RETURN count(x) AS c1 }
  CALL () { MATCH (x:Organization) RETURN count(x) AS c2 }
  CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 }
  CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 }
  CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
  CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 }
  RETURN [c1, c2, c3, c4, c5, c6] AS np_stamp
}
CALL (d, nodes, keywords, ach_stamp, np_stamp) {
  MATCH (a:Achievement)
  WHERE a.trl >= $min_trl
  // The achievement's own nodes, read from the achievement (a few edges each). Written as
  // `EXISTS { (a)-[:BACKED_BY]->()-[:MAPS_TO]->(n) }` per demand node, the planner expanded from
  // the node's (100k at scale) patents for every achievement: 270M db hits at 300k patents.
  CALL (a, nodes, ach_stamp) {
    WITH a, nodes WHERE a.pc_nodes_stamp = ach_stamp
    RETURN [n IN nodes WHERE n.node_id IN a.pc_nodes] AS shared
    UNION ALL
    WITH a, nodes WHERE a.pc_nodes_stamp IS NULL OR a.pc_nodes_stamp <> ach_stamp
    WITH a, nodes, COLLECT { MATCH (a)-[:ABOUT]->(x:ChainNode) RETURN x
                             UNION
                             MATCH (a)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(x:ChainNode) RETURN x } AS own
    RETURN [n IN nodes WHERE n IN own] AS shared
  }
  WITH a, shared,
       [k IN keywords WHERE coalesce(a.title, '') + ' ' + coalesce(a.description, '') CONTAINS k] AS kw
  WHERE size(shared) > 0 OR size(kw) > 0
  OPTIONAL MATCH (owner:Organization)-[:OWNS]->(a)
  WITH a, shared, kw, collect(owner)[0] AS owner
  WHERE ($partner_kind IS NULL OR owner.kind IN $partner_kind)
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(owner.region_code, '') STARTS WITH rp))
  WITH a, shared, kw, owner, 2.0 * size(shared) + 0.5 * size(kw) + a.trl / 9.0 AS score
  RETURN 'achievement' AS kind, a.ach_id AS id, a.title AS title, owner AS who,
         a.trl AS trl, false AS open_offer, round(score, 3) AS score, shared, kw,
         [n IN shared | 'on node ' + n.name] + [k IN kw | 'mentions ' + k] + ['TRL ' + toString(a.trl)] AS reasons
  ORDER BY score DESC, id
  LIMIT $limit
  UNION ALL
  // Patents with an open-licence offer rank first, so when at least $limit of them sit on the nodes
  // they are the answer. They are read from each node's stored offered patents (graph/precompute.py,
  // node_offers) while every node's stamp equals np_stamp; otherwise, when the nodes hold more patents
  // than there are offers in the graph (tens of thousands per node at 1M patents vs ~19k offers;
  // degrees and the count store, O(1)), from the offers; with fewer than $limit there, or small
  // nodes, every patent of the nodes is read.
  CALL (nodes, np_stamp) {
    CALL () { MATCH (x:OpenLicenseOffer) RETURN count(x) AS offers }
    // decided once, before the offers are read (as one WHERE the planner scanned every offer first
    // and tested the degrees on each: 56k db hits at 1M when the path is not taken)
    WITH nodes, all(n IN nodes WHERE n.pc_off_stamp = np_stamp) AS stored,
         reduce(s = 0, k IN [n IN nodes | COUNT { (n)<-[:MAPS_TO]-() }] | s + k) > offers AS big
    CALL (nodes, stored, big) {
      WITH nodes WHERE stored
      UNWIND nodes AS n
      UNWIND n.pc_off_ids AS id
      MATCH (p:Patent {pub_no: id})
      RETURN DISTINCT p
      UNION
      WITH nodes WHERE big AND NOT stored
      MATCH (:OpenLicenseOffer)<-[:OFFERED]-(p:Patent)
      RETURN DISTINCT p
    }
    WITH nodes, p, [(p)-[:MAPS_TO]->(m:ChainNode) | m] AS on
    WITH p, [n IN nodes WHERE n IN on] AS shared
    WHERE size(shared) > 0
      AND (($partner_kind IS NULL AND $region IS NULL)
       OR EXISTS { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
                   WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
                     AND ($partner_kind IS NULL OR h.kind IN $partner_kind)
                     AND ($region IS NULL OR any(rp IN $region WHERE coalesce(h.region_code, '') STARTS WITH rp)) })
    RETURN collect({p: p, shared: shared}) AS offered_rows
  }
  CALL (nodes, offered_rows) {
    WITH offered_rows WHERE size(offered_rows) >= $limit
    UNWIND offered_rows AS x
    RETURN x.p AS p, x.shared AS shared
    UNION ALL
    WITH nodes, offered_rows WHERE size(offered_rows) < $limit
    UNWIND nodes AS n
    MATCH (p:Patent)-[:MAPS_TO]->(n)
    WITH nodes, p, collect(n) AS on
    WITH p, [n IN nodes WHERE n IN on] AS shared
    // partner kind / region: some owner (holder, or applicant when nobody holds it) must qualify
    WHERE ($partner_kind IS NULL AND $region IS NULL)
       OR EXISTS { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
                   WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
                     AND ($partner_kind IS NULL OR h.kind IN $partner_kind)
                     AND ($region IS NULL OR any(rp IN $region WHERE coalesce(h.region_code, '') STARTS WITH rp)) }
    RETURN p, shared
  }
  WITH p, shared, EXISTS { (p)-[:OFFERED]->(:OpenLicenseOffer) } AS offered,
       [k IN keywords WHERE coalesce(p.title, '') + ' ' + coalesce(p.abstract, '') CONTAINS k] AS kw
  WITH p, shared, offered, kw,
       1.0 * size(shared) + CASE WHEN offered THEN 2.0 ELSE 0.0 END
         + CASE WHEN p.status = 'granted' THEN 0.5 ELSE 0.0 END + 0.5 * size(kw) AS score
  ORDER BY offered DESC, score DESC, p.pub_no
  LIMIT $limit
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
  WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
    AND ($partner_kind IS NULL OR h.kind IN $partner_kind)
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(h.region_code, '') STARTS WITH rp))
  WITH p, shared, offered, kw, score, collect(h)[0] AS holder
  RETURN 'patent' AS kind, p.pub_no AS id, p.title AS title, holder AS who,
         null AS trl, offered AS open_offer, round(score, 3) AS score, shared, kw,
         (CASE WHEN offered THEN ['open-licence offer'] ELSE [] END) + [n IN shared | 'on node ' + n.name]
           + [k IN kw | 'mentions ' + k] + ['status ' + coalesce(p.status, 'unknown')] AS reasons
  ORDER BY open_offer DESC, score DESC, id
  UNION ALL
  // The organisations' patents on the shared nodes: stored groups (graph/precompute.py,
  // org_node_groups: patents by the exact node set they map to, each patent in one group) while
  // their stamp equals np_stamp, else counted live from the organisation's patents.
  UNWIND nodes AS n
  MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE (d IS NULL OR NOT EXISTS { (o)-[:POSTED]->(d) })
    AND ($partner_kind IS NULL OR o.kind IN $partner_kind)
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp))
  WITH o, np_stamp, collect(DISTINCT n) AS shared
  CALL (o, shared, np_stamp) {
    WITH o, shared WHERE o.pc_np_stamp = np_stamp
    WITH o, [x IN shared | x.node_id] AS sids
    RETURN reduce(s = 0, i IN range(0, size(o.pc_np_sigs) - 1) |
                  s + CASE WHEN any(x IN split(o.pc_np_sigs[i], '|') WHERE x IN sids) THEN o.pc_np_counts[i] ELSE 0 END) AS pats
    UNION ALL
    WITH o, shared WHERE o.pc_np_stamp IS NULL OR o.pc_np_stamp <> np_stamp
    // Counted from the organisation's patents (anchored on o), not from the node's.
    RETURN size(COLLECT { MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
                          WHERE m IN shared RETURN DISTINCT p }) AS pats
  }
  WITH o, shared, pats, d IS NOT NULL AND EXISTS { (o)-[:RESPONDED]->(d) } AS responded
  WITH o, shared, pats, responded,
       1.5 * size(shared) + log(1 + pats) + CASE WHEN responded THEN 1.0 ELSE 0.0 END AS score
  RETURN 'organization' AS kind, o.org_id AS id, o.name AS title, o AS who,
         null AS trl, false AS open_offer, round(score, 3) AS score, shared, [toString(pats)] AS kw,
         [n IN shared | 'on node ' + n.name] + [toString(pats) + ' patents there']
           + (CASE WHEN responded THEN ['responded to this demand'] ELSE [] END)
           + (CASE WHEN o.kind IN ['university', 'institute'] THEN [o.kind] ELSE [] END) AS reasons
  ORDER BY score DESC, id
  LIMIT $limit
}
OPTIONAL CALL (who) {
  MATCH (rg:Region {code: who.region_code})
  RETURN rg.name AS region_name
}
WITH d, kind, id, title, who, trl, open_offer, score, shared, kw, reasons, region_name,
     CASE who.kind WHEN 'university' THEN '高校' WHEN 'institute' THEN '科研院所' WHEN 'company' THEN '企业'
                   WHEN 'government' THEN '政府机构' WHEN 'service' THEN '服务机构' ELSE who.kind END AS org_kind,
     reduce(s = '', n IN shared | s + CASE WHEN s = '' THEN '' ELSE '、' END + n.name) AS on_nodes
RETURN d.demand_id AS demand_id,
       kind,
       CASE kind WHEN 'achievement' THEN '科技成果' WHEN 'patent' THEN '专利' ELSE '机构' END AS kind_name,
       id,
       title,
       who.org_id AS org_id,
       who.name AS org,
       org_kind,
       coalesce(region_name, who.region_code) AS region,
       trl,
       open_offer,
       score,
       CASE kind
         WHEN 'achievement' THEN
           CASE WHEN on_nodes <> '' THEN '属于需求涉及的“' + on_nodes + '”环节' ELSE '与需求技术相关' END
           + CASE WHEN size(kw) > 0 THEN '，提及“' + reduce(s = '', k IN kw | s + CASE WHEN s = '' THEN '' ELSE '”“' END + k) + '”' ELSE '' END
           + '，技术成熟度' + toString(trl) + '级'
           + coalesce('，由' + org_kind + who.name + coalesce('（' + region_name + '）', '') + '持有', '') + '。'
         WHEN 'patent' THEN
           CASE WHEN open_offer THEN '已声明开放许可，' ELSE '' END
           + '属于“' + on_nodes + '”环节'
           + CASE WHEN size(kw) > 0 THEN '，提及“' + reduce(s = '', k IN kw | s + CASE WHEN s = '' THEN '' ELSE '”“' END + k) + '”' ELSE '' END
           + coalesce('，持有人为' + org_kind + who.name + coalesce('（' + region_name + '）', ''), '') + '。'
         ELSE
           org_kind + '，位于“' + on_nodes + '”环节，在这些环节有专利' + kw[0] + '件'
           + coalesce('，地处' + region_name, '')
           + CASE WHEN 'responded to this demand' IN reasons THEN '，已响应该需求' ELSE '' END + '。'
       END AS reason,
       reasons
ORDER BY CASE kind WHEN 'achievement' THEN 0 WHEN 'patent' THEN 1 ELSE 2 END, open_offer DESC, score DESC, id
