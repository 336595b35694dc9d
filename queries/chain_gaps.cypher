// name: chain_gaps
// title: 补链目标 Chain gaps
// description: 补链 targets for a region: chain nodes with no or few local SMEs (of the chosen tier) or local patents. Each gap leads with a one-sentence reason and the strongest organisations elsewhere on the node (by patents on it), then the service capacity available for it (service bodies serving the node or chain, local first, and 技术经理人).
// param: chain: chain (required) — chain id or name
// param: region: region (required) — region name or 6-digit code, or a region group (京津冀, 长三角, 粤港澳大湾区, 成渝)
// param: tier: str = null {专精特新|小巨人|单项冠军|none} — count only local SMEs of this tier (as the chain map's tier filter)
// param: max_local_smes: int = 1 [0..100] — a node is a gap when it has at most this many local SMEs …
// param: max_local_patents: int = 5 [0..100000] — … or at most this many local patents
// param: top_n: int = 3 [1..10] — strongest organisations elsewhere listed per node
// param: limit: int = 100 [1..1000] — maximum rows
// column: chain_id: str hidden — 产业链编号 | Chain id
// column: chain: str hidden — 产业链 | Chain
// column: segment: str hidden — 环节代码 | Segment code
// column: segment_name: str — 环节 | Segment
// column: node_id: str hidden — 节点编号 | Node id
// column: node: str — 产业链节点 | Chain node
// column: reason: str — 缺口说明 | Why it is a gap
// column: strongest_elsewhere: list — 外地最强机构（节点专利数） | Strongest elsewhere (patents on the node)
// column: strongest_elsewhere_ids: list hidden — 外地最强机构编号 | Strongest elsewhere ids
// column: smes_local: int — 本地中小企业 | Local SMEs
// column: patents_local: int — 本地专利 | Local patents
// column: smes_national: int — 全国中小企业 | SMEs nationally
// column: patents_national: int — 全国专利 | Patents nationally
// column: gap: str hidden — 缺口类型 | Gap kind
// column: services: list — 可用服务机构（服务类型） | Service bodies available (services)
// column: service_ids: list hidden — 服务机构编号 | Service body ids
// column: local_services: int — 本地服务机构 | Local service bodies
// column: tech_managers: int — 本地技术经理人 | Local technology managers
// timeout: 10
// The graph's count-store totals (constant time): the stamp of the stored owner lists (below).
CALL () { MATCH (x:Patent) RETURN count(x) AS c1 }
CALL () { MATCH (x:Organization) RETURN count(x) AS c2 }
CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 }
CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 }
CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 }
CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 }
WITH [c1, c2, c3, c4, c5, c6] AS stamp
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
// Precomputed shortcuts (graph/precompute.py, docs/queries.md), as in chain_map: a node's stored
// region counts are used only while its stamp pc_total equals its live MAPS_TO degree (one edge
// per pair, so the degree is the national patent count); stale nodes are counted live. For a region
// group the stored counts of its member regions are added up (a patent co-owned by organisations in
// two member regions then counts in each; the live count counts it once).
WITH stamp, c, n, COUNT { (n)<-[:MAPS_TO]-() } AS patents_national
WITH stamp, c, collect({n: n, national: patents_national, fresh: n.pc_total IS NOT NULL AND n.pc_total = patents_national}) AS rows
WITH stamp, c, rows, [x IN rows WHERE NOT x.fresh | x.n] AS stale
CALL (stale) {
  WITH stale WHERE size(stale) > 0
  UNWIND $region AS rp
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(m:ChainNode)
  USING INDEX h:Organization(region_code)
  WHERE h.region_code STARTS WITH rp AND m IN stale
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH m, count(DISTINCT p) AS k
  RETURN collect([m.node_id, k]) AS local_pairs
}
UNWIND rows AS row
WITH stamp, c, row.n AS n, row.national AS patents_national, local_pairs, stale
CALL (n) {
  OPTIONAL MATCH (o:Organization)-[:IN_NODE]->(n)
  WHERE o.is_sme = true AND ($tier IS NULL OR o.tier = $tier)
  WITH DISTINCT o
  RETURN count(o) AS smes_national,
         count(CASE WHEN any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp) THEN 1 END) AS smes_local
}
WITH stamp, c, n, smes_national, smes_local, patents_national,
     CASE WHEN n IN stale
       THEN coalesce(head([x IN local_pairs WHERE x[0] = n.node_id | x[1]]), 0)
       ELSE reduce(k = 0, rp IN $region |
              k + coalesce(head([i IN range(0, size(n.pc_region_keys) - 1) WHERE n.pc_region_keys[i] = rp | n.pc_region_counts[i]]), 0))
     END AS patents_local
WITH stamp, c, n, smes_national, smes_local, patents_national, patents_local
WHERE smes_local <= $max_local_smes OR patents_local <= $max_local_patents
// Strongest elsewhere: the node's stored owner list (graph/precompute.py node_owners: every owner
// with its patents on the node, in this order, with its region) while its stamp equals the graph's
// totals above; else counted live from the node's patents.
CALL (n, stamp) {
  CALL (n, stamp) {
    WITH n WHERE coalesce(n.pc_own_stamp = stamp, false)
    // The lists are read once per node (indexing n.pc_own_counts[i] per row re-read the whole list:
    // hundreds of owners per node at 1M); the first $top_n owners outside the region, in stored order.
    WITH n.pc_own_ids AS ids, n.pc_own_counts AS ks, n.pc_own_regions AS rs
    UNWIND [i IN range(0, size(ids) - 1) WHERE NOT any(rp IN $region WHERE rs[i] STARTS WITH rp)][0..$top_n] AS i
    MATCH (h:Organization {org_id: ids[i]})
    RETURN h, ks[i] AS k
    UNION ALL
    WITH n WHERE NOT coalesce(n.pc_own_stamp = stamp, false)
    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
    WHERE NOT any(rp IN $region WHERE coalesce(h.region_code, '') STARTS WITH rp)
      AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
    WITH h, count(DISTINCT p) AS k
    ORDER BY k DESC, h.name
    LIMIT $top_n
    RETURN h, k
  }
  WITH h, k
  ORDER BY k DESC, h.name
  OPTIONAL MATCH (hr:Region {code: h.region_code})
  RETURN collect(CASE WHEN h IS NOT NULL THEN {id: h.org_id, name: h.name, region: coalesce(hr.name, h.region_code),
                                               sme: coalesce(h.is_sme, false), patents: k} END) AS elsewhere
}
// Service capacity: bodies that SERVE the node or the whole chain. Local = based in the region, or
// SERVES_REGION a region that contains it or lies inside it.
CALL (c, n) {
  CALL (c, n) {
    MATCH (s:Organization)-[:SERVES]->(n) RETURN s
    UNION
    MATCH (s:Organization)-[:SERVES]->(c) RETURN s
  }
  WITH s,
       any(rp IN $region WHERE coalesce(s.region_code, '') STARTS WITH rp)
         OR EXISTS { MATCH (s)-[:SERVES_REGION]->(g:Region)
                     WITH g, CASE WHEN g.code ENDS WITH '0000' THEN left(g.code, 2)
                                  WHEN g.code ENDS WITH '00' THEN left(g.code, 4) ELSE g.code END AS gp
                     WHERE any(rp IN $region WHERE rp STARTS WITH gp OR gp STARTS WITH rp) } AS local,
       [t IN coalesce(s.service_types, []) |
         CASE t WHEN 'evaluation' THEN '成果评价' WHEN 'transfer' THEN '转移转化' WHEN 'pilot' THEN '中试'
                WHEN 'poc' THEN '概念验证' WHEN 'testing' THEN '检测认证' WHEN 'tech_manager_body' THEN '技术经理人'
                ELSE t END] AS types
  ORDER BY local DESC, size(types) DESC, s.name
  WITH collect({id: s.org_id, local: local,
                label: s.name + CASE WHEN size(types) > 0
                                  THEN '（' + reduce(x = '', i IN range(0, size(types) - 1) | x + CASE WHEN i > 0 THEN '、' ELSE '' END + types[i]) + '）'
                                  ELSE '' END + CASE WHEN local THEN '' ELSE '·外地' END}) AS bodies
  RETURN bodies[0..5] AS services, size([b IN bodies WHERE b.local]) AS local_services
}
CALL (n) {
  OPTIONAL MATCH (pm:Person)-[:SERVES]->(n)
  WHERE any(rp IN $region WHERE coalesce(pm.region_code, '') STARTS WITH rp)
     OR EXISTS { MATCH (pm)-[:WORKS_FOR]->(b:Organization) WHERE any(rp IN $region WHERE coalesce(b.region_code, '') STARTS WITH rp) }
  RETURN count(DISTINCT pm) AS tech_managers
}
WITH c, n, smes_national, smes_local, patents_national, patents_local, elsewhere, services, local_services, tech_managers,
     CASE n.segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END AS seg_order,
     CASE $tier WHEN '专精特新' THEN '专精特新中小企业' WHEN '小巨人' THEN '小巨人企业' WHEN '单项冠军' THEN '单项冠军企业'
                WHEN 'none' THEN '未获评梯度的中小企业' ELSE '中小企业' END AS sme_word
RETURN c.chain_id AS chain_id,
       c.name AS chain,
       n.segment AS segment,
       CASE n.segment WHEN 'upstream' THEN '上游' WHEN 'midstream' THEN '中游' WHEN 'downstream' THEN '下游' END AS segment_name,
       n.node_id AS node_id,
       n.name AS node,
       CASE WHEN smes_local = 0 THEN '本地没有' + sme_word ELSE '本地仅有 ' + toString(smes_local) + ' 家' + sme_word END
         + '、本地专利 ' + toString(patents_local) + ' 件（全国 ' + toString(smes_national) + ' 家中小企业、' + toString(patents_national) + ' 件专利）'
         + CASE WHEN size(elsewhere) > 0
             THEN '；外地最强的是' + elsewhere[0].name + coalesce('（' + elsewhere[0].region + '，', '（') + toString(elsewhere[0].patents) + ' 件）'
             ELSE '；外地也没有该环节的专利持有者' END
         + CASE WHEN local_services > 0 THEN '；本地有 ' + toString(local_services) + ' 家服务机构可支撑'
                WHEN size(services) > 0 THEN '；本地无服务机构，可借助外地 ' + toString(size(services)) + ' 家'
                ELSE '；尚无服务机构覆盖该环节' END
         + CASE WHEN tech_managers > 0 THEN '，本地技术经理人 ' + toString(tech_managers) + ' 名' ELSE '' END + '。' AS reason,
       [x IN elsewhere | x.name + ' (' + toString(x.patents) + ')'] AS strongest_elsewhere,
       [x IN elsewhere | x.id] AS strongest_elsewhere_ids,
       smes_local,
       patents_local,
       smes_national,
       patents_national,
       CASE
         WHEN smes_local = 0 AND patents_local = 0 THEN 'no local SME and no local patent'
         WHEN smes_local = 0 THEN 'no local SME'
         WHEN smes_local <= $max_local_smes AND patents_local <= $max_local_patents THEN 'few local SMEs and patents'
         WHEN smes_local <= $max_local_smes THEN 'few local SMEs'
         ELSE 'few local patents'
       END AS gap,
       [b IN services | b.label] AS services,
       [b IN services | b.id] AS service_ids,
       local_services,
       tech_managers
ORDER BY smes_local, patents_local, patents_national DESC, seg_order, node_id
LIMIT $limit
