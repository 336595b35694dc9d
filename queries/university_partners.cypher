// name: university_partners
// title: 产学研结对 University and institute partners
// description: Universities and institutes strong on the SME's chain nodes, ranked, with the score's parts (patents on the nodes, achievements, transfers to SMEs, same province, existing ties).
// param: org: org (required) — the SME (id or name)
// param: region: region = null — only partners in this region
// param: limit: int = 20 [1..200] — maximum rows
// column: partner_id: str hidden — 伙伴编号 | Partner id
// column: partner: str — 高校/院所 | University or institute
// column: kind: str hidden — 类型代码 | Kind code
// column: kind_name: str — 类型 | Kind
// column: region: str — 地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: score: float — 得分 | Score
// column: reason: str — 推荐理由 | Why
// column: node_patents: int — 相关环节专利 | Patents on the SME's nodes
// column: achievements: int — 相关成果 | Achievements on the nodes
// column: licences_to_smes: int — 许可/转让给中小企业 | Licences/transfers to SMEs
// column: same_province: bool — 同省 | Same province
// column: shared_nodes: list — 共同环节 | Shared chain nodes
// column: cooperating: bool — 已有合作 | Already cooperating
// column: licensed_before: bool — 曾许可给该企业 | Licensed to it before
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
// Patents on the nodes per university: from the stored licensor groups (graph/precompute.py; every
// university or institute owning a patent is an eligible licensor there) while their stamp equals the
// graph's count-store totals, else counted live. shared_nodes keeps the order of `nodes` on both paths.
CALL () {
  CALL () { MATCH (x:Patent) RETURN count(x) AS c1 }
  CALL () { MATCH (x:Organization) RETURN count(x) AS c2 }
  CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 }
  CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 }
  CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
  CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 }
  RETURN [c1, c2, c3, c4, c5, c6] AS stamp
}
WITH t, nodes, size(nodes) > 0 AND all(n IN nodes WHERE coalesce(n.pc_lic_stamp = stamp, false)) AS stored
CALL (t, nodes, stored) {
  WITH t, nodes WHERE stored
  UNWIND nodes AS n
  WITH t, nodes, n.node_id AS node_id, n.pc_lic_ids AS ids, n.pc_lic_sigs AS sigs, n.pc_lic_patents AS ks
  UNWIND range(0, size(ids) - 1) AS i
  // a group (licensor, node set) listed under several of the nodes is one set of patents
  WITH t, nodes, ids[i] AS cid, collect(DISTINCT node_id) AS on_nodes, collect(DISTINCT [sigs[i], ks[i]]) AS groups
  MATCH (u:Organization {org_id: cid})
  WHERE u.kind IN ['university', 'institute'] AND u <> t
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(u.region_code, '') STARTS WITH rp))
  RETURN u, reduce(s = 0, g IN groups | s + g[1]) AS node_patents,
         [n IN nodes WHERE n.node_id IN on_nodes | n.name] AS shared_nodes
  UNION ALL
  WITH t, nodes WHERE NOT stored
  UNWIND nodes AS n
  MATCH (u:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
  WHERE u.kind IN ['university', 'institute'] AND u <> t AND coalesce(u.is_sme, false) = false
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
    AND ($region IS NULL OR any(rp IN $region WHERE coalesce(u.region_code, '') STARTS WITH rp))
  WITH nodes, u, count(DISTINCT p) AS node_patents, collect(DISTINCT n.node_id) AS on_nodes
  RETURN u, node_patents, [n IN nodes WHERE n.node_id IN on_nodes | n.name] AS shared_nodes
}
WITH t, nodes, u, node_patents, shared_nodes
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
OPTIONAL MATCH (r:Region {code: u.region_code})
RETURN u.org_id AS partner_id,
       u.name AS partner,
       u.kind AS kind,
       CASE u.kind WHEN 'university' THEN '高校' WHEN 'institute' THEN '科研院所' ELSE u.kind END AS kind_name,
       coalesce(r.name, u.region_code) AS region,
       u.region_code AS region_code,
       round(score, 3) AS score,
       CASE WHEN size(shared_nodes) > 0
            THEN '在' + reduce(x = '', i IN range(0, size(shared_nodes) - 1) | x + CASE WHEN i > 0 THEN '、' ELSE '' END + shared_nodes[i]) + '环节有专利 ' + toString(node_patents) + ' 件'
            ELSE '相关专利 ' + toString(node_patents) + ' 件' END
         + CASE WHEN achievements > 0 THEN '，相关成果 ' + toString(achievements) + ' 项' ELSE '' END
         + CASE WHEN to_smes > 0 THEN '，曾向中小企业许可或转让 ' + toString(to_smes) + ' 次' ELSE '' END
         + CASE WHEN same_province = 1 THEN '，同省' ELSE '' END
         + CASE WHEN licensed_before THEN '，曾许可给该企业' WHEN cooperating THEN '，已有合作' ELSE '' END + '。' AS reason,
       node_patents,
       achievements,
       to_smes AS licences_to_smes,
       same_province = 1 AS same_province,
       shared_nodes,
       cooperating,
       licensed_before
ORDER BY score DESC, partner_id
LIMIT $limit
