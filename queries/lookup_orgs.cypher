// name: lookup_orgs
// title: 机构检索 Organisations (searchable picker)
// description: Organisations whose name, alias, org_id or credit code contains the typed text, best matches first (exact, then prefix, then shorter names), for pickers: org_id, name, kind, size, tier, region_code, is_sme.
// param: q: str = null — part of a name, an alias, an org_id or a credit code (every organisation when omitted)
// param: sme_only: bool = false — only SMEs (companies of size medium/small/micro)
// param: limit: int = 50 [1..5000] — maximum rows
// column: org_id: str hidden — 机构编号 | Organisation id
// column: name: str — 机构名称 | Organisation
// column: kind: str — 机构类型 | Kind
// column: size: str — 规模 | Size
// column: tier: str — 企业梯度 | Tier
// column: region: str — 所在地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: is_sme: bool — 中小企业 | SME
// timeout: 5
MATCH (o:Organization)
WHERE ($sme_only = false OR o.is_sme = true)
  AND ($q IS NULL
       OR o.name CONTAINS $q
       OR o.org_id = $q
       OR o.credit_code = $q
       OR coalesce(o.aliases_text, '') CONTAINS $q)
RETURN o.org_id AS org_id, o.name AS name, o.kind AS kind, o.size AS size, o.tier AS tier,
       coalesce(COLLECT { MATCH (r:Region {code: o.region_code}) RETURN r.name }[0], o.region_code) AS region,
       o.region_code AS region_code, coalesce(o.is_sme, false) AS is_sme
ORDER BY CASE WHEN $q IS NULL THEN 0
              WHEN o.name = $q OR o.org_id = $q OR o.credit_code = $q THEN 0
              WHEN o.name STARTS WITH $q THEN 1
              ELSE 2 END,
         size(o.name), o.name, o.org_id
LIMIT $limit
