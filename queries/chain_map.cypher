// name: chain_map
// title: 产业链图谱 Chain map
// description: One row per chain node (upstream → downstream): SMEs placed on it by tier, the top SMEs with their patents on the node, patents on the node, local (in the region) vs national, the nodes directly upstream of it (UPSTREAM_OF), and — when a region is given — whether the node is a 补链 gap for the chosen tier, with a one-sentence reason.
// param: chain: chain (required) — chain id or name
// param: region: region = null — region name or 6-digit code, or a region group (京津冀, 长三角, 粤港澳大湾区, 成渝); local counts are for organisations in it (national when omitted)
// param: tier: str = null {专精特新|小巨人|单项冠军|none} — only SMEs of this tier
// param: min_confidence: float = 0 [0..1] — only placements (IN_NODE, MAPS_TO) with at least this confidence are counted
// param: max_local_smes: int = 1 [0..100] — with a region, a node is a gap when it has at most this many local SMEs (of the tier) …
// param: max_local_patents: int = 5 [0..100000] — … or at most this many local patents
// param: top_n: int = 5 [1..20] — how many top SMEs to list per node
// param: limit: int = 200 [1..1000] — maximum rows (nodes)
// column: chain_id: str hidden — 产业链编号 | Chain id
// column: chain: str — 产业链 | Chain
// column: segment: str hidden — 环节代码 | Segment code
// column: segment_name: str — 环节 | Segment
// column: node_id: str hidden — 节点编号 | Node id
// column: node: str — 产业链节点 | Chain node
// column: smes_local: int — 本地企业数 | Local SMEs
// column: smes_national: int — 全国企业数 | SMEs nationally
// column: local_zjtx: int — 专精特新 | Specialised SMEs
// column: local_little_giant: int — 小巨人 | Little giants
// column: local_champion: int — 单项冠军 | Single champions
// column: top_smes: list — 重点企业（节点专利数） | Top SMEs (patents on the node)
// column: top_sme_ids: list hidden — 重点企业编号 | Top SME ids
// column: patents_local: int — 本地专利 | Local patents
// column: patents_national: int — 全国专利 | Patents nationally
// column: upstream: list hidden — 上游节点编号 | Upstream node ids
// column: region: str — 地区 | Region
// column: region_code: str hidden — 地区代码（前缀） | Region code (prefixes)
// column: is_gap: bool — 补链缺口 | Gap
// column: reason: str — 说明 | Why
// timeout: 10
// An SME is an organisation with is_sme = true placed on the node by IN_NODE (any method). A
// patent is "on the node" when it MAPS_TO it; an organisation's patents are those it HOLDS, or
// applied for when nobody holds them (no transfer recorded). "Nobody holds it" is tested with the
// HOLDS degree (`COUNT { (p)<-[:HOLDS]-() } = 0`, only organisations hold patents): a degree read,
// where a `NOT EXISTS { (p)<-[:HOLDS]-(:Organization) }` subquery expanded every applicant's patent again.
// Placements below $min_confidence are not counted; a placement with no confidence counts as 0.
// The gap rule is chain_gaps' (at most max_local_smes local SMEs or max_local_patents local
// patents), with the SMEs counted for the chosen tier, so the tier filter and the flag agree.
MATCH (c:Chain {chain_id: $chain})-[:HAS_NODE]->(n:ChainNode)
// Precomputed shortcuts (graph/precompute.py, docs/queries.md): a node's stored counts are used only
// while its stamp pc_total equals its live MAPS_TO degree and no confidence floor is asked for (the
// stored counts include every placement); other nodes are counted live below.
WITH c, n, COUNT { (n)<-[:MAPS_TO]-() } AS degree
WITH c, n, degree,
     CASE WHEN $min_confidence > 0
       THEN COUNT { (n)<-[m:MAPS_TO]-() WHERE coalesce(m.confidence, 0.0) >= $min_confidence }
       ELSE degree END AS patents_national
WITH c, collect({n: n, national: patents_national,
                 fresh: $min_confidence = 0 AND n.pc_total IS NOT NULL AND n.pc_total = degree}) AS rows
// The stored counts are per single region prefix: a region group (several prefixes, where a patent
// owned in two of them must count once) is counted live.
WITH c, rows, [x IN rows WHERE NOT x.fresh OR size($region) <> 1 | x.n] AS stale
// Live local patents for stale nodes only, counted once for the whole chain from the region's
// organisations (a range seek on region_code); with no stale node this reads nothing.
CALL (stale) {
  WITH stale WHERE $region IS NOT NULL AND size(stale) > 0
  UNWIND $region AS rp
  OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[mt:MAPS_TO]->(m:ChainNode)
  USING INDEX h:Organization(region_code)
  WHERE h.region_code STARTS WITH rp AND m IN stale
    AND coalesce(mt.confidence, 0.0) >= $min_confidence
    AND (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
  WITH m, count(DISTINCT p) AS k
  RETURN collect([m.node_id, k]) AS local_pairs
}
UNWIND rows AS row
WITH c, row.n AS n, row.national AS patents_national, row.fresh AS fresh, local_pairs, stale
CALL (n, fresh) {
  OPTIONAL MATCH (o:Organization)-[x:IN_NODE]->(n)
  WHERE o.is_sme = true AND ($tier IS NULL OR o.tier = $tier)
    AND coalesce(x.confidence, 0.0) >= $min_confidence
  WITH o, n, fresh, max(x.pc_node_patents) AS stored
  // Stored per-placement count when the node is fresh, else anchored on the SME's own patents (the
  // node side, 100k+ MAPS_TO at scale, only probed per patent): an applicant edge counts only when
  // nobody holds the patent.
  WITH o, CASE WHEN fresh AND stored IS NOT NULL THEN stored ELSE COUNT {
    MATCH (o)-[r:HOLDS|APPLICANT_OF]->(p:Patent)
    WHERE (type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)
      AND EXISTS { (p)-[mt:MAPS_TO]->(n) WHERE coalesce(mt.confidence, 0.0) >= $min_confidence }
  } END AS node_patents
  WITH o, node_patents, o IS NOT NULL AND ($region IS NULL OR any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp)) AS local
  ORDER BY node_patents DESC, o.name
  RETURN count(o) AS smes_national,
         collect(CASE WHEN local THEN {id: o.org_id, name: o.name, tier: o.tier, patents: node_patents} END) AS locals
}
// One MAPS_TO per (patent, node) pair (CONTRACTS.md), so the degree is the patent count.
WITH c, n, smes_national, locals, patents_national,
     CASE WHEN n IN stale
       THEN coalesce(head([x IN local_pairs WHERE x[0] = n.node_id | x[1]]), 0)
       ELSE coalesce(head([i IN range(0, size(n.pc_region_keys) - 1) WHERE n.pc_region_keys[i] = $region[0] | n.pc_region_counts[i]]), 0)
     END AS patents_in_region
WITH c, n, patents_national, patents_in_region, smes_national, locals,
     CASE n.segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END AS seg_order
// The region's name for the reason: a unique-index seek on Region.code per prefix (padded to 6
// digits); a group of more than three regions is named by its first three.
WITH c, n, patents_national, patents_in_region, smes_national, locals, seg_order,
     [rp IN coalesce($region, []) | coalesce(COLLECT { MATCH (rg:Region {code: left(rp + '000000', 6)}) RETURN rg.name }[0], rp)] AS names
WITH c, n, patents_national, patents_in_region, smes_national, locals, seg_order,
     CASE WHEN $region IS NULL THEN null
          WHEN size(names) <= 3 THEN reduce(s = '', x IN names | s + CASE WHEN s = '' THEN '' ELSE '、' END + x)
          ELSE reduce(s = '', x IN names[0..3] | s + CASE WHEN s = '' THEN '' ELSE '、' END + x) + '等' + toString(size(names)) + '地'
     END AS region_name,
     coalesce($tier, '中小') + '企业' AS who,
     size(locals) AS smes_local
WITH c, n, patents_national, patents_in_region, smes_national, locals, seg_order, region_name, who, smes_local,
     CASE WHEN $region IS NULL THEN null
          ELSE smes_local <= $max_local_smes OR patents_in_region <= $max_local_patents END AS is_gap
RETURN c.chain_id AS chain_id,
       c.name AS chain,
       n.segment AS segment,
       CASE n.segment WHEN 'upstream' THEN '上游' WHEN 'midstream' THEN '中游' WHEN 'downstream' THEN '下游' ELSE '其他' END AS segment_name,
       n.node_id AS node_id,
       n.name AS node,
       smes_local,
       smes_national,
       size([x IN locals WHERE x.tier = '专精特新']) AS local_zjtx,
       size([x IN locals WHERE x.tier = '小巨人']) AS local_little_giant,
       size([x IN locals WHERE x.tier = '单项冠军']) AS local_champion,
       [x IN locals[0..$top_n] | x.name + ' (' + toString(x.patents) + ')'] AS top_smes,
       [x IN locals[0..$top_n] | x.id] AS top_sme_ids,
       CASE WHEN $region IS NULL THEN patents_national ELSE patents_in_region END AS patents_local,
       patents_national,
       [(u:ChainNode)-[:UPSTREAM_OF]->(n) | u.node_id] AS upstream,
       region_name AS region,
       CASE WHEN $region IS NULL THEN null ELSE reduce(s = '', rp IN $region | s + CASE WHEN s = '' THEN '' ELSE ',' END + rp) END AS region_code,
       is_gap,
       CASE
         WHEN $region IS NULL
           THEN '全国有' + toString(smes_national) + '家' + who + '、' + toString(patents_national) + '件专利；选择地区后可判断是否为补链缺口。'
         WHEN smes_local = 0 AND patents_in_region = 0
           THEN region_name + '没有' + who + '，也没有本地专利（全国' + toString(smes_national) + '家、' + toString(patents_national) + '件）。'
         WHEN smes_local = 0 AND smes_national = 0
           THEN region_name + '没有' + who + '（全国也没有），本地专利' + toString(patents_in_region) + '件。'
         WHEN smes_local = 0
           THEN region_name + '没有' + who + '，本地专利' + toString(patents_in_region) + '件（全国' + toString(smes_national) + '家）。'
         WHEN is_gap
           THEN region_name + '仅有' + toString(smes_local) + '家' + who + '、本地专利' + toString(patents_in_region) + '件，低于补链阈值。'
         ELSE region_name + '有' + toString(smes_local) + '家' + who + '、本地专利' + toString(patents_in_region) + '件。'
       END AS reason
ORDER BY seg_order, node_id
LIMIT $limit
