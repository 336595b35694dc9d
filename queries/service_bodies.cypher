// name: service_bodies
// title: 服务机构 Service bodies
// description: Service bodies (成果评价, 转移转化, 中试, 概念验证, 检测认证, 技术经理人 bodies) serving a chain, a chain node and/or a region, with the service types they offer, what they serve, their 技术经理人 and their record (evaluations, deals). Bodies serving the node itself first, then those serving the whole chain.
// param: chain: chain = null — only bodies serving this chain or one of its nodes (id or name)
// param: node: node = null — only bodies serving this chain node (or its whole chain)
// param: region: region = null — only bodies based in or serving this region (name, code or region group)
// param: service_type: str = null {evaluation|transfer|pilot|poc|testing|tech_manager_body} — only bodies offering this service
// param: limit: int = 100 [1..1000] — maximum rows
// column: org_id: str hidden — 机构编号 | Organisation id
// column: name: str — 服务机构 | Service body
// column: service_types: list hidden — 服务类型代码 | Service type codes
// column: services: list — 服务类型 | Services
// column: region: str — 所在地 | Based in
// column: region_code: str hidden — 地区代码 | Region code
// column: regions_served: list — 服务地区 | Regions served
// column: chains: list — 服务产业链 | Chains served
// column: nodes: list — 服务环节 | Chain nodes served
// column: tech_managers: list — 技术经理人 | Technology managers
// column: evaluations: int — 已评价成果 | Achievements evaluated
// column: deals: int — 参与成交 | Deals
// column: match: str — 匹配说明 | Why listed
// timeout: 10
// Entry point: the node (key seek) or the chain's nodes (key seek), else the ServiceBody label (a
// few thousand bodies nationally). Region: based there (region_code), or SERVES_REGION a region that
// contains it or lies inside it (a province-wide body serves each of its cities).
CALL () {
  WITH $node AS nid WHERE nid IS NOT NULL
  MATCH (n:ChainNode {node_id: nid})
  CALL (n) {
    MATCH (s:Organization)-[:SERVES]->(n) RETURN s, 0 AS fit
    UNION ALL
    MATCH (s:Organization)-[:SERVES]->(:Chain {chain_id: n.chain_id}) RETURN s, 1 AS fit
  }
  RETURN s, fit
  UNION ALL
  WITH $node AS nid WHERE nid IS NULL AND $chain IS NOT NULL
  MATCH (c:Chain {chain_id: $chain})
  CALL (c) {
    MATCH (s:Organization)-[:SERVES]->(c) RETURN s, 1 AS fit
    UNION ALL
    MATCH (c)-[:HAS_NODE]->(n:ChainNode)<-[:SERVES]-(s:Organization) RETURN s, 0 AS fit
  }
  RETURN s, fit
  UNION ALL
  WITH $node AS nid WHERE nid IS NULL AND $chain IS NULL
  MATCH (s:ServiceBody)
  RETURN s, 2 AS fit
}
WITH s, min(fit) AS fit
WHERE ($service_type IS NULL OR $service_type IN coalesce(s.service_types, []))
  AND ($chain IS NULL OR $node IS NOT NULL
       OR EXISTS { (s)-[:SERVES]->(:Chain {chain_id: $chain}) }
       OR EXISTS { MATCH (s)-[:SERVES]->(m:ChainNode) WHERE m.chain_id = $chain })
WITH s, fit,
     COLLECT { MATCH (s)-[:SERVES_REGION]->(g:Region) RETURN g ORDER BY g.code } AS served
WITH s, fit, served,
     $region IS NULL OR any(rp IN $region WHERE coalesce(s.region_code, '') STARTS WITH rp) AS based_here,
     $region IS NOT NULL AND any(g IN served WHERE any(rp IN $region WHERE
        rp STARTS WITH CASE WHEN g.code ENDS WITH '0000' THEN left(g.code, 2)
                            WHEN g.code ENDS WITH '00' THEN left(g.code, 4) ELSE g.code END
        OR g.code STARTS WITH rp)) AS serves_here
WHERE based_here OR serves_here
WITH s, fit, served, based_here
ORDER BY fit, based_here DESC, size(coalesce(s.service_types, [])) DESC, s.name, s.org_id
LIMIT $limit
OPTIONAL MATCH (r:Region {code: s.region_code})
RETURN s.org_id AS org_id,
       s.name AS name,
       s.service_types AS service_types,
       [t IN coalesce(s.service_types, []) |
         CASE t WHEN 'evaluation' THEN '成果评价' WHEN 'transfer' THEN '转移转化' WHEN 'pilot' THEN '中试'
                WHEN 'poc' THEN '概念验证' WHEN 'testing' THEN '检测认证' WHEN 'tech_manager_body' THEN '技术经理人'
                ELSE t END] AS services,
       coalesce(r.name, s.region_code) AS region,
       s.region_code AS region_code,
       [g IN served | g.name] AS regions_served,
       COLLECT { MATCH (s)-[:SERVES]->(c:Chain) RETURN c.name AS name
                 UNION
                 MATCH (s)-[:SERVES]->(:ChainNode)<-[:HAS_NODE]-(c:Chain) RETURN c.name AS name } AS chains,
       COLLECT { MATCH (s)-[:SERVES]->(m:ChainNode) RETURN m.name AS name ORDER BY name } AS nodes,
       COLLECT { MATCH (pm:Person)-[:WORKS_FOR]->(s) RETURN pm.name AS name ORDER BY name } AS tech_managers,
       COUNT { (s)-[:EVALUATED]->(:Achievement) } AS evaluations,
       COUNT { (s)-[:PARTY_TO]->(:Deal) } AS deals,
       CASE fit WHEN 0 THEN '服务该环节' WHEN 1 THEN '服务整条产业链' ELSE '服务机构' END
         + CASE WHEN $region IS NULL THEN '' WHEN based_here THEN '，位于所选地区' ELSE '，服务所选地区' END + '。' AS match
ORDER BY fit, based_here DESC, size(coalesce(s.service_types, [])) DESC, name, org_id
