// name: patent_landscape
// title: 专利导航 Patent landscape
// description: For a chain node or IPC prefix: summary counts, top holders (by name), filings per year (every year from the first to the last, empty years at 0), IPC main-group breakdown and licences and transfers per year — long format (section, section name, rank, key, label, value, share); labels in Chinese.
// param: node: node = null — chain node id or name
// param: ipc: ipc = null — IPC code or prefix
// param: region: region = null — only patents with a holder in this region
// param: top_n: int = 10 [1..100] — rows per ranked section
// one_of: node, ipc
// column: section: str hidden — 栏目代码 | Section code
// column: section_name: str — 栏目 | Section
// column: rank: int — 序号 / 年份 | Rank / year
// column: key: str hidden — 键 | Key
// column: label: str — 项目 | Item
// column: value: int — 数量 | Count
// column: share: float — 占比 | Share
// timeout: 15
// Stored landscapes (graph/precompute.py, refresh_landscapes) answer the common question — a chain
// node, or an IPC subclass / main group prefix (H01M, H01M10/), no region —
// when the holder's stamp equals the graph's count-store totals now; otherwise (a region, another
// prefix, top_n over the 20 rows stored per ranked section, a graph changed since the refresh) every
// patent is read live. The stored rows are the live section below run by the refresh with top_n = 20,
// so both paths return the same rows.
// stamp: begin
CALL () { MATCH (x:Patent) RETURN count(x) AS c1 }
CALL () { MATCH (x:Organization) RETURN count(x) AS c2 }
CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 }
CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 }
CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 }
CALL () { MATCH ()-[x:CLASSIFIED_AS]->() RETURN count(x) AS c7 }
CALL () { MATCH ()-[x:OF]->() RETURN count(x) AS c8 }
CALL () { MATCH (x:License) RETURN count(x) AS c9 }
CALL () { MATCH (x:Transfer) RETURN count(x) AS c10 }
WITH [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] AS stamp
// stamp: end
OPTIONAL MATCH (n:ChainNode {node_id: $node})
OPTIONAL MATCH (i:IPC {code: CASE WHEN $ipc ENDS WITH '/' THEN $ipc + '00' ELSE $ipc END})
WITH CASE WHEN $region IS NOT NULL OR $top_n > 20 THEN null
          WHEN n.pc_ls_stamp = stamp THEN n
          WHEN i.pc_ls_prefix = $ipc AND i.pc_ls_stamp = stamp THEN i END AS s
CALL (s) {
  WITH s WHERE s IS NOT NULL
  UNWIND range(0, size(s.pc_ls_sections) - 1) AS j
  WITH s, j WHERE NOT s.pc_ls_sections[j] IN ['top_holders', 'ipc_groups'] OR s.pc_ls_ranks[j] <= $top_n
  RETURN s.pc_ls_sections[j] AS section, s.pc_ls_ranks[j] AS rank,
         CASE WHEN s.pc_ls_keys[j] = '' THEN null ELSE s.pc_ls_keys[j] END AS key,
         CASE WHEN s.pc_ls_labels[j] = '' THEN null ELSE s.pc_ls_labels[j] END AS label,
         s.pc_ls_values[j] AS value,
         CASE WHEN s.pc_ls_shares[j] < 0 THEN null ELSE s.pc_ls_shares[j] END AS share
  UNION ALL
  WITH s WHERE s IS NULL
  // live: begin
  CALL () {
    MATCH (:ChainNode {node_id: $node})<-[:MAPS_TO]-(p:Patent)
    RETURN p
    UNION
    MATCH (i:IPC) WHERE i.code STARTS WITH $ipc
    MATCH (p:Patent)-[:CLASSIFIED_AS]->(i)
    RETURN p
  }
  // A region is tested first, on the patent's stored owner region codes (graph/precompute.py,
  // patent_licensors) while its stamp pc_owner_degree equals the live owner-edge degree, else on its
  // owners read live; only the patents kept have their holders read (at 1M patents the largest node's
  // 38k patents were all expanded for the ~6.7k of one province: 0.94M db hits).
  WITH p, CASE WHEN $region IS NULL THEN true
               WHEN p.pc_owner_degree = COUNT { (p)<-[:HOLDS|APPLICANT_OF]-() }
                 THEN any(rc IN p.pc_owner_regions WHERE any(rp IN $region WHERE rc STARTS WITH rp)) END AS stored_in
  // (the stale test inside the EXISTS, so the planner checks it before expanding)
  WHERE stored_in
     OR EXISTS { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
                 WHERE stored_in IS NULL AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
                   AND any(rp IN $region WHERE coalesce(h.region_code, '') STARTS WITH rp) }
  WITH p, COLLECT { MATCH (h:Organization)-[:HOLDS]->(p) RETURN DISTINCT h } AS hs
  WITH p, CASE WHEN size(hs) > 0 THEN hs
               ELSE COLLECT { MATCH (h:Organization)-[:APPLICANT_OF]->(p) RETURN DISTINCT h } END AS holders
  WITH collect({p: p, holders: holders}) AS rows
  WITH rows, size(rows) AS total
  CALL (rows, total) {
    UNWIND rows AS x
    WITH total, x.p AS p, x.holders AS holders
    // one expansion of the patent's OF edges serves both the licensed and the transferred count
    WITH total, p, holders, [(p)<-[:OF]-(ev) WHERE ev:License OR ev:Transfer | CASE WHEN ev:License THEN 1 ELSE 2 END] AS evs
    WITH total,
         count(CASE WHEN p.status = 'granted' THEN 1 END) AS granted,
         count(CASE WHEN p.kind = 'invention' THEN 1 END) AS inventions,
         count(CASE WHEN any(h IN holders WHERE h.is_sme = true) THEN 1 END) AS sme_held,
         count(CASE WHEN 1 IN evs THEN 1 END) AS licensed,
         count(CASE WHEN 2 IN evs THEN 1 END) AS transferred,
         count(CASE WHEN EXISTS { (p)-[:OFFERED]->(:OpenLicenseOffer) } THEN 1 END) AS offered
    WITH total, [['patents', '专利总数', total], ['granted', '已授权', granted], ['inventions', '发明专利', inventions],
                  ['sme_held', '中小企业持有', sme_held], ['licensed', '已许可', licensed], ['transferred', '已转让', transferred],
                  ['open_offers', '开放许可', offered]] AS kvs
    UNWIND range(0, size(kvs) - 1) AS i
    RETURN 'summary' AS section, i AS rank, kvs[i][0] AS key, kvs[i][1] AS label, kvs[i][2] AS value,
           CASE WHEN total = 0 THEN null ELSE round(toFloat(kvs[i][2]) / total, 4) END AS share
    UNION ALL
    UNWIND rows AS x
    UNWIND x.holders AS h
    WITH total, h, count(*) AS k
    ORDER BY k DESC, h.name, h.org_id
    LIMIT $top_n
    WITH total, collect({key: h.org_id, label: h.name + CASE WHEN h.is_sme = true THEN '（中小企业）' ELSE '' END, value: k}) AS top
    UNWIND range(0, size(top) - 1) AS i
    RETURN 'top_holders' AS section, i + 1 AS rank, top[i].key AS key, top[i].label AS label, top[i].value AS value,
           round(toFloat(top[i].value) / total, 4) AS share
    UNION ALL
    UNWIND rows AS x
    WITH total, x.p.filed.year AS year, count(*) AS k
    WHERE year IS NOT NULL
    // every year from the first filing to the last, so a year with no filing is a 0, not a missing point
    WITH total, collect(year) AS years, collect(k) AS ks
    WHERE size(years) > 0
    WITH total, years, ks, reduce(m = years[0], y IN years | CASE WHEN y < m THEN y ELSE m END) AS first,
         reduce(m = years[0], y IN years | CASE WHEN y > m THEN y ELSE m END) AS last
    UNWIND range(first, last) AS year
    WITH total, year, coalesce(head([i IN range(0, size(years) - 1) WHERE years[i] = year | ks[i]]), 0) AS k
    RETURN 'yearly_filings' AS section, year AS rank, toString(year) AS key, toString(year) AS label, k AS value,
           round(toFloat(k) / total, 4) AS share
    UNION ALL
    UNWIND rows AS x
    WITH total, split(coalesce(x.p.ipc_main, head(coalesce(x.p.ipc, [])), ''), '/')[0] AS grp, count(*) AS k
    WHERE grp <> ''
    ORDER BY k DESC, grp
    LIMIT $top_n
    WITH total, collect({g: grp, k: k}) AS top
    UNWIND range(0, size(top) - 1) AS i
    RETURN 'ipc_groups' AS section, i + 1 AS rank, top[i].g AS key, top[i].g AS label, top[i].k AS value,
           round(toFloat(top[i].k) / total, 4) AS share
    UNION ALL
    UNWIND rows AS x
    WITH total, x.p AS p
    MATCH (p)<-[:OF]-(ev)
    WHERE (ev:License OR ev:Transfer) AND ev.date IS NOT NULL
    WITH total, ev.date.year AS year, CASE WHEN ev:License THEN 'licences' ELSE 'transfers' END AS what, count(*) AS k
    RETURN 'licensing' AS section, year AS rank, what + ' ' + toString(year) AS key,
           CASE what WHEN 'licences' THEN '许可' ELSE '转让' END AS label, k AS value,
           null AS share
  }
  RETURN section, rank, key, label, value, share
  // live: end
}
RETURN section,
       CASE section WHEN 'summary' THEN '概况' WHEN 'top_holders' THEN '主要持有人' WHEN 'yearly_filings' THEN '每年申请量'
                    WHEN 'ipc_groups' THEN 'IPC 大组分布' ELSE '每年许可与转让' END AS section_name,
       rank, key, label, value, share
ORDER BY CASE section WHEN 'summary' THEN 0 WHEN 'top_holders' THEN 1 WHEN 'yearly_filings' THEN 2
                      WHEN 'ipc_groups' THEN 3 ELSE 4 END, rank, key
