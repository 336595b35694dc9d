// name: org_profile
// title: 机构画像 Organisation profile
// description: Everything about one organisation in long format (section, section name, key, label, value, detail — labels and details in Chinese): identity (with its region's name), chain placements, patent counts and IPC groups, licences and transfers in and out, business relations, achievements, demands, open-licence offers.
// param: org: org (required) — organisation id or name
// param: top_n: int = 20 [1..200] — rows per listed section
// column: section: str hidden — 栏目代码 | Section code
// column: section_name: str — 栏目 | Section
// column: key: str hidden — 键 | Key
// column: label: str — 项目 | Item
// column: value: float — 数值 | Value
// column: detail: str — 说明 | Detail
// timeout: 10
// Sections: identity, chain_nodes, patents, patent_ipc_groups, licences_out/in, transfers_out/in,
// relations, achievements, demands_posted/responded, open_offers. In identity `key` is the property
// and `detail` its value as text; elsewhere `key` is the id of the thing listed and `label` its name.
MATCH (o:Organization {org_id: $org})
CALL (o) {
  OPTIONAL MATCH (rg:Region {code: o.region_code})
  WITH o, rg
  UNWIND [['org_id', '机构编号', o.org_id], ['name', '名称', o.name],
          ['kind', '类型', CASE o.kind WHEN 'company' THEN '企业' WHEN 'university' THEN '高校' WHEN 'institute' THEN '科研院所'
                                     WHEN 'government' THEN '政府机构' WHEN 'service' THEN '服务机构' ELSE o.kind END],
          ['size', '规模', CASE o.size WHEN 'large' THEN '大型' WHEN 'medium' THEN '中型' WHEN 'small' THEN '小型'
                                     WHEN 'micro' THEN '微型' ELSE o.size END],
          ['tier', '企业梯度', CASE WHEN o.tier IN ['专精特新', '小巨人', '单项冠军'] THEN o.tier END],
          ['is_sme', '中小企业', CASE o.is_sme WHEN true THEN '是' WHEN false THEN '否' END],
          ['credit_code', '统一社会信用代码', o.credit_code], ['region', '地区', coalesce(rg.name, o.region_code)],
          ['region_code', '地区代码', o.region_code],
          ['listed_code', '上市代码', o.listed_code], ['founded', '成立日期', o.founded], ['aliases', '简称 / 别名', o.aliases],
          ['products', '主要产品', o.products], ['profile', '简介', o.profile]] AS kv
  WITH kv WHERE kv[2] IS NOT NULL
  RETURN 'identity' AS section, kv[0] AS key, kv[1] AS label, null AS value,
         CASE WHEN valueType(kv[2]) STARTS WITH 'LIST' THEN reduce(s = '', x IN kv[2] | s + CASE WHEN s = '' THEN '' ELSE '; ' END + toString(x))
              ELSE toString(kv[2]) END AS detail
  UNION ALL
  MATCH (o)-[r:IN_NODE]->(n:ChainNode)
  CALL (o, n) {
    OPTIONAL MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n)
    RETURN count(DISTINCT p) AS k
  }
  RETURN 'chain_nodes' AS section, n.node_id AS key,
         n.name + '（' + CASE n.segment WHEN 'upstream' THEN '上游' WHEN 'midstream' THEN '中游' WHEN 'downstream' THEN '下游' ELSE '其他' END + '）' AS label,
         k AS value,
         CASE r.method WHEN 'keyword' THEN '关键词定位' WHEN 'ipc' THEN 'IPC 分类定位' WHEN 'patents' THEN '按专利分布定位'
                       WHEN 'manual' THEN '人工确认' WHEN 'declared' THEN '自报' ELSE coalesce(r.method, '定位') END
           + coalesce('，置信度 ' + toString(round(r.confidence, 2)), '') AS detail
  UNION ALL
  CALL (o) {
    OPTIONAL MATCH (o)-[:HOLDS]->(p:Patent) RETURN count(p) AS held, count(CASE WHEN p.status = 'granted' THEN 1 END) AS granted
  }
  CALL (o) {
    OPTIONAL MATCH (o)-[:APPLICANT_OF]->(p:Patent) RETURN count(p) AS applied
  }
  UNWIND [['held', '持有专利', held], ['granted_held', '其中已授权', granted], ['applied', '申请专利', applied]] AS kv
  RETURN 'patents' AS section, kv[0] AS key, kv[1] AS label, kv[2] AS value, null AS detail
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
         k AS value,
         CASE t WHEN 'LICENSED_TO' THEN '许可' ELSE '转让' END + CASE dir WHEN 'out' THEN '给对方' ELSE '自对方' END
           + toString(k) + '次' + coalesce('，最近 ' + toString(last), '') AS detail
  UNION ALL
  MATCH (o)-[r:SUBSIDIARY_OF|SUPPLIES|COOPERATES_WITH]-(x:Organization)
  WITH r, x, startNode(r) = o AS outgoing
  ORDER BY coalesce(r.confidence, 0) DESC, x.name
  LIMIT $top_n
  RETURN 'relations' AS section, x.org_id AS key, x.name AS label, r.confidence AS value,
         CASE type(r)
           WHEN 'SUPPLIES' THEN CASE WHEN outgoing THEN '向对方供货' ELSE '对方供货' END
           WHEN 'SUBSIDIARY_OF' THEN CASE WHEN outgoing THEN '本机构是对方的子公司' ELSE '对方是本机构的子公司' END
           ELSE '合作'
         END + coalesce('：' + r.evidence, '') AS detail
  UNION ALL
  MATCH (o)-[:OWNS]->(a:Achievement)
  WITH a ORDER BY a.trl DESC, a.ach_id LIMIT $top_n
  RETURN 'achievements' AS section, a.ach_id AS key, a.title AS label, a.trl AS value,
         coalesce('技术成熟度 ' + toString(a.trl) + ' 级', '技术成熟度未标注') AS detail
  UNION ALL
  MATCH (o)-[rel:POSTED|RESPONDED]->(d:Demand)
  WITH rel, d ORDER BY d.deadline DESC, d.demand_id LIMIT $top_n
  RETURN CASE type(rel) WHEN 'POSTED' THEN 'demands_posted' ELSE 'demands_responded' END AS section, d.demand_id AS key,
         d.title AS label, d.budget AS value,
         CASE d.kind WHEN 'challenge' THEN '揭榜挂帅' ELSE '技术需求' END + coalesce('，截止 ' + toString(d.deadline), '') AS detail
  UNION ALL
  MATCH (o)-[:HOLDS]->(p:Patent)-[:OFFERED]->(off:OpenLicenseOffer)
  WITH p, off ORDER BY off.declared DESC LIMIT $top_n
  RETURN 'open_offers' AS section, off.offer_id AS key, p.pub_no + ' ' + coalesce(p.title, '') AS label, null AS value,
         coalesce(off.fee_terms, '') AS detail
}
RETURN section,
       CASE section WHEN 'identity' THEN '基本信息' WHEN 'chain_nodes' THEN '产业链环节' WHEN 'patents' THEN '专利数量'
                    WHEN 'patent_ipc_groups' THEN '专利技术分布（IPC）' WHEN 'licences_out' THEN '许可出去'
                    WHEN 'licences_in' THEN '许可进来' WHEN 'transfers_out' THEN '转让出去' WHEN 'transfers_in' THEN '受让进来'
                    WHEN 'relations' THEN '合作与供应' WHEN 'achievements' THEN '科技成果' WHEN 'demands_posted' THEN '发布的需求'
                    WHEN 'demands_responded' THEN '响应的需求' WHEN 'open_offers' THEN '开放许可' ELSE section END AS section_name,
       key, label, value, detail
