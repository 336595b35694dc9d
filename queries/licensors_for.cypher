// name: licensors_for
// title: 许可方推荐 Licensors for an SME, node or IPC
// description: Large organisations, universities and institutes holding patents on the SME's chain nodes (or on a node / IPC prefix), not already licensing to it, ranked; the score's parts come back as columns.
// param: org: org = null — the SME (id or name): its IN_NODE nodes and the nodes of its patents
// param: node: node = null — a chain node id or name
// param: ipc: ipc = null — an IPC code or prefix, e.g. H01M10/05
// param: region: region = null — only licensors in this region (name or code)
// param: as_of: date = null — evaluate as of this date: later patents and licences are ignored (time-split evaluation)
// param: limit: int = 20 [1..500] — maximum rows
// one_of: org, node, ipc
// column: licensor_id: str hidden — 许可方编号 | Licensor id
// column: licensor: str — 候选许可方 | Candidate licensor
// column: kind: str — 机构类型 | Kind
// column: size: str hidden — 规模 | Size
// column: region: str — 所在地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: score: float — 推荐得分 | Score
// column: reason: str — 推荐理由 | Why
// column: relevant_patents: int — 相关专利 | Relevant patents
// column: live_patents: int — 有效/在审专利 | Live patents
// column: granted: int — 已授权 | Granted
// column: prior_sme_licences: int — 向中小企业许可次数 | Prior licences to SMEs
// column: open_offers: int — 开放许可专利 | Patents under open licence
// column: same_region: bool — 同省 | Same province
// column: mean_patent_age_years: float — 专利平均年龄（年） | Mean patent age (years)
// column: s_patents: float hidden — 得分：专利 | Score: patents
// column: s_licences: float hidden — 得分：许可记录 | Score: licences
// column: s_open: float hidden — 得分：开放许可 | Score: open licences
// column: s_region: float hidden — 得分：同省 | Score: same province
// column: s_granted: float hidden — 得分：授权率 | Score: granted share
// column: s_age: float hidden — 得分：专利年龄 | Score: patent age
// timeout: 15
// score = 2·ln(1+live relevant patents) + 1·ln(1+prior licences to SMEs) + 0.7·ln(1+relevant patents
// with open-licence offers) + 0.5·same province + 0.5·granted share − 0.03·mean age (years, from filing days).
OPTIONAL MATCH (t:Organization {org_id: $org})
WITH t, coalesce($as_of, date()) AS asof
CALL (t) {
  CALL (t) {
    MATCH (t)-[:IN_NODE]->(n:ChainNode)
    RETURN n
    UNION
    MATCH (t)-[:HOLDS|APPLICANT_OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
    RETURN n
    UNION
    MATCH (n:ChainNode {node_id: $node})
    RETURN n
  }
  RETURN collect(DISTINCT n) AS nodes
}
// The stored groups (graph/precompute.py, licensor_groups) answer the common question — no as_of, by
// org or node — when every node's stamp equals the graph's count-store totals now and no patent on
// it is filed after today; otherwise (as_of, ipc, a graph changed since the refresh) every patent is
// read live. Both paths give the same columns per candidate, summed from integers, so they agree.
CALL () {
  CALL () { MATCH (x:Patent) RETURN count(x) AS c1 }
  CALL () { MATCH (x:Organization) RETURN count(x) AS c2 }
  CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 }
  CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 }
  CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
  CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 }
  RETURN [c1, c2, c3, c4, c5, c6] AS stamp
}
WITH t, asof, nodes,
     $as_of IS NULL AND size(nodes) > 0
       AND all(n IN nodes WHERE coalesce(n.pc_lic_stamp = stamp, false) AND coalesce(n.pc_lic_max_filed <= asof, true)) AS stored
CALL (nodes, asof, stored) {
  WITH nodes WHERE stored
  UNWIND nodes AS n
  WITH n.pc_lic_ids AS ids, n.pc_lic_sigs AS sigs, n.pc_lic_patents AS ks, n.pc_lic_live AS lives,
       n.pc_lic_granted AS granteds, n.pc_lic_open AS opens, n.pc_lic_fsum AS fsums, n.pc_lic_fn AS fns
  UNWIND range(0, size(ids) - 1) AS i
  // one group per (licensor, node set), however many of the nodes list it
  WITH DISTINCT ids[i] AS cid, sigs[i] AS sig, ks[i] AS k, lives[i] AS live, granteds[i] AS granted,
                opens[i] AS open, fsums[i] AS fsum, fns[i] AS fn
  RETURN cid, sum(k) AS relevant_patents, sum(live) AS live_patents, sum(granted) AS granted,
         sum(open) AS open_offers, sum(fsum) AS filed_days, sum(fn) AS filed_n
  UNION ALL
  WITH nodes, asof WHERE NOT stored
  CALL (nodes) {
    UNWIND nodes AS n
    MATCH (p:Patent)-[:MAPS_TO]->(n)
    RETURN p
    UNION
    MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
    MATCH (p:Patent)-[:CLASSIFIED_AS]->(i)
    RETURN p
  }
  WITH asof, p
  WHERE p.filed IS NULL OR p.filed <= asof
  // The candidate owners of each patent: its precomputed pc_licensors (graph/precompute.py) while its
  // stamp pc_owner_degree equals the live HOLDS|APPLICANT_OF degree, else expanded live ("nobody
  // holds it" as a HOLDS degree read: only organisations hold patents). No subquery per patent: a
  // CALL/UNION per row cost more time than the expansions it saved.
  WITH asof, p,
       CASE WHEN p.pc_owner_degree = COUNT { (p)<-[:HOLDS|APPLICANT_OF]-() } THEN p.pc_licensors END AS pcl
  UNWIND CASE WHEN pcl IS NOT NULL THEN pcl ELSE COLLECT {
    MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
    WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
      AND coalesce(h.is_sme, false) = false
      AND coalesce(h.kind, 'company') <> 'government'
    RETURN h.org_id
  } END AS cid
  // One row per (candidate, patent) here, so the patent facts are aggregated in one pass (each
  // property read once) before the (few) candidates are looked up and filtered.
  WITH cid, p, coalesce(p.status, 'unknown') AS status
  RETURN cid,
         count(p) AS relevant_patents,
         sum(CASE WHEN status IN ['invalid', 'expired'] THEN 0 ELSE 1 END) AS live_patents,
         sum(CASE WHEN status = 'granted' THEN 1 ELSE 0 END) AS granted,
         sum(CASE WHEN NOT status IN ['invalid', 'expired'] AND COUNT { (p)-[:OFFERED]->() } > 0 THEN 1 ELSE 0 END) AS open_offers,
         sum(duration.inDays(date('1970-01-01'), p.filed).days) AS filed_days,
         count(p.filed) AS filed_n
}
// mean age in years from the summed filing days: the same integers on both paths, the same float here
WITH t, asof, cid, relevant_patents, live_patents, granted, open_offers,
     CASE WHEN filed_n = 0 THEN null
          ELSE (duration.inDays(date('1970-01-01'), asof).days - toFloat(filed_days) / filed_n) / 365.25 END AS mean_age
MATCH (cand:Organization {org_id: cid})
WHERE (t IS NULL OR cand <> t)
  AND ($region IS NULL OR any(rp IN $region WHERE coalesce(cand.region_code, '') STARTS WITH rp))
WITH t, asof, cand, relevant_patents, live_patents, granted, open_offers, mean_age
WHERE t IS NULL OR NOT EXISTS {
  MATCH (cand)-[l:LICENSED_TO]->(t) WHERE l.date IS NULL OR l.date <= asof
}
CALL (cand, asof) {
  OPTIONAL MATCH (cand)-[l:LICENSED_TO]->(s:Organization)
  WHERE s.is_sme = true AND (l.date IS NULL OR l.date <= asof)
  RETURN count(l) AS prior_sme_licences
}
WITH t, cand, relevant_patents, live_patents, prior_sme_licences, open_offers, granted, mean_age,
     CASE WHEN t IS NOT NULL AND t.province_code IS NOT NULL AND cand.province_code = t.province_code THEN 1 ELSE 0 END AS same_region,
     toFloat(granted) / relevant_patents AS granted_share
WITH t, cand, relevant_patents, live_patents, prior_sme_licences, open_offers, granted, mean_age, same_region, granted_share,
     2.0 * log(1 + live_patents) AS s_patents,
     1.0 * log(1 + prior_sme_licences) AS s_licences,
     0.7 * log(1 + open_offers) AS s_open,
     0.5 * same_region AS s_region,
     0.5 * granted_share AS s_granted,
     -0.03 * coalesce(mean_age, 0.0) AS s_age
// The reason names what the score counts, in the order of its weights; the topic is the node asked
// for, the IPC prefix, or the SME's own nodes.
WITH cand, relevant_patents, live_patents, prior_sme_licences, open_offers, granted, mean_age, same_region,
     s_patents, s_licences, s_open, s_region, s_granted, s_age,
     CASE WHEN $ipc IS NOT NULL THEN 'IPC ' + $ipc + ' '
          WHEN $node IS NOT NULL THEN coalesce(COLLECT { MATCH (x:ChainNode {node_id: $node}) RETURN x.name }[0], '')
          ELSE '所在环节' END AS topic
RETURN cand.org_id AS licensor_id,
       cand.name AS licensor,
       cand.kind AS kind,
       cand.size AS size,
       coalesce(COLLECT { MATCH (r:Region {code: cand.region_code}) RETURN r.name }[0], cand.region_code) AS region,
       cand.region_code AS region_code,
       round(s_patents + s_licences + s_open + s_region + s_granted + s_age, 3) AS score,
       topic + '专利 ' + toString(live_patents) + ' 件'
         + CASE WHEN prior_sme_licences > 0 THEN '，曾向中小企业许可 ' + toString(prior_sme_licences) + ' 次' ELSE '，尚无向中小企业的许可' END
         + CASE WHEN open_offers > 0 THEN '，' + toString(open_offers) + ' 件开放许可' ELSE '' END
         + CASE WHEN same_region = 1 THEN '，同省' ELSE '' END
         + CASE WHEN relevant_patents > 0 AND granted * 2 >= relevant_patents THEN '，多数已授权' ELSE '' END AS reason,
       relevant_patents,
       live_patents,
       granted,
       prior_sme_licences,
       open_offers,
       same_region = 1 AS same_region,
       round(coalesce(mean_age, 0.0), 1) AS mean_patent_age_years,
       round(s_patents, 3) AS s_patents,
       round(s_licences, 3) AS s_licences,
       round(s_open, 3) AS s_open,
       round(s_region, 3) AS s_region,
       round(s_granted, 3) AS s_granted,
       round(s_age, 3) AS s_age
ORDER BY score DESC, relevant_patents DESC, licensor_id
LIMIT $limit
