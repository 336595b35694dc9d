// name: achievements
// title: 成果库 Achievements library
// description: Search the achievements library (成果库): keywords over title and description (the achievement_text full-text index) and filters on field, TRL / MRL range, the owner's region and kind, transfer mode and openness to SMEs. Best text match first, then highest TRL, newest; each row says why it was found.
// param: q: str = null — keywords in the title or description (full text); empty lists every achievement, newest first
// param: field: str = null — 领域: the achievement's field, exactly or its beginning (e.g. 储能)
// param: min_trl: int = null [1..9] — only achievements with at least this TRL (those with no TRL are then left out)
// param: max_trl: int = null [1..9] — only achievements with at most this TRL
// param: min_mrl: int = null [1..10] — only achievements with at least this MRL (制造成熟度)
// param: max_mrl: int = null [1..10] — only achievements with at most this MRL
// param: region: region = null — only achievements whose owner is in this region (name or code)
// param: owner_kind: str = null {company|university|institute|service|government} — only achievements of owners of this kind
// param: transfer_mode: str = null {transfer|license|equity|cooperation|other} — only achievements offered in this mode
// param: open_to_sme: bool = null — true: only achievements open to SMEs
// param: limit: int = 50 [1..500] — maximum rows
// column: ach_id: str hidden — 成果编号 | Achievement id
// column: title: str — 成果名称 | Achievement
// column: field: str — 领域 | Field
// column: level: str — 层次 | Level
// column: trl: int — 技术成熟度 TRL | TRL
// column: mrl: int — 制造成熟度 MRL | MRL
// column: owner: str — 持有方 | Owner
// column: owner_id: str hidden — 持有方编号 | Owner id
// column: owner_kind: str hidden — 持有方类型代码 | Owner kind code
// column: owner_type: str — 持有方类型 | Owner type
// column: region: str — 地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: transfer_modes: list hidden — 转化方式代码 | Transfer mode codes
// column: modes: list — 转化方式 | Transfer modes
// column: open_to_sme: bool — 面向中小企业开放 | Open to SMEs
// column: evaluation: str — 评价 | Evaluation
// column: fiscal_funded: bool — 财政资金项目 | Publicly funded
// column: year: int — 年份 | Year
// column: patents: int — 支撑专利数 | Backing patents
// column: nodes: list — 产业链环节 | Chain nodes
// column: score: float — 文本匹配度 | Text match
// column: reason: str — 检索理由 | Why listed
// timeout: 10
// Keywords go to the full-text index (cjk analyser: two-character grams, any of them may match, best
// score first). Lucene's operator characters are blanked and the text lower-cased first, so what a user
// types is always read as words (never as query syntax: 'AND', '*', '"' …). Without keywords the
// Achievement label is scanned: a library of tens of thousands of records, filtered, sorted, limited.
WITH trim(toLower(reduce(s = coalesce($q, ''), c IN ['\\', '+', '-', '&', '|', '!', '(', ')', '{', '}', '[', ']',
                                                      '^', '"', '~', '*', '?', ':', '/', '\'']
                         | replace(s, c, ' ')))) AS text
CALL (text) {
  WITH text WHERE text <> ''
  CALL db.index.fulltext.queryNodes('achievement_text', text, {limit: 5000}) YIELD node, score
  RETURN node AS a, score
  UNION ALL
  WITH text WHERE text = ''
  MATCH (a:Achievement)
  RETURN a, null AS score
}
WITH text, a, score
WHERE ($field IS NULL OR a.field STARTS WITH $field)
  AND ($min_trl IS NULL OR a.trl >= $min_trl)
  AND ($max_trl IS NULL OR a.trl <= $max_trl)
  AND ($min_mrl IS NULL OR a.mrl >= $min_mrl)
  AND ($max_mrl IS NULL OR a.mrl <= $max_mrl)
  AND ($transfer_mode IS NULL OR $transfer_mode IN coalesce(a.transfer_modes, []))
  AND ($open_to_sme IS NULL OR $open_to_sme = false OR a.open_to_sme = true)
OPTIONAL CALL (a) {
  MATCH (o:Organization)-[:OWNS]->(a)
  RETURN o ORDER BY o.org_id LIMIT 1
}
WITH text, a, score, o, coalesce(a.region_code, o.region_code) AS region_code
WHERE ($region IS NULL OR any(rp IN $region WHERE coalesce(region_code, '') STARTS WITH rp))
  AND ($owner_kind IS NULL OR o.kind = $owner_kind)
WITH text, a, score, o, region_code
ORDER BY coalesce(score, 0.0) DESC, coalesce(a.trl, 0) DESC, coalesce(a.year, 0) DESC, a.ach_id
LIMIT $limit
OPTIONAL MATCH (r:Region {code: region_code})
WITH text, a, score, o, region_code, r,
     COLLECT { MATCH (a)-[:ABOUT]->(n:ChainNode) RETURN n.name AS name
               UNION
               MATCH (a)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(n:ChainNode) RETURN n.name AS name } AS nodes,
     COUNT { (a)-[:BACKED_BY]->(:Patent) } AS patents,
     [m IN coalesce(a.transfer_modes, []) |
       CASE m WHEN 'transfer' THEN '转让' WHEN 'license' THEN '许可' WHEN 'equity' THEN '作价入股'
              WHEN 'cooperation' THEN '合作开发' ELSE '其他' END] AS modes
RETURN a.ach_id AS ach_id,
       a.title AS title,
       a.field AS field,
       a.level AS level,
       a.trl AS trl,
       a.mrl AS mrl,
       o.name AS owner,
       o.org_id AS owner_id,
       o.kind AS owner_kind,
       CASE o.kind WHEN 'company' THEN '企业' WHEN 'university' THEN '高校' WHEN 'institute' THEN '科研院所'
                   WHEN 'service' THEN '服务机构' WHEN 'government' THEN '政府机构' END AS owner_type,
       coalesce(r.name, region_code) AS region,
       region_code,
       a.transfer_modes AS transfer_modes,
       modes,
       coalesce(a.open_to_sme, false) AS open_to_sme,
       CASE
         WHEN a.eval_method IS NULL AND coalesce(a.self_declared, false) THEN '自我声明'
         WHEN a.eval_method IS NULL THEN null
         ELSE CASE a.eval_method WHEN 'expert' THEN '专家评价' WHEN 'third_party' THEN '第三方评价' ELSE '自我声明' END
              + coalesce('（' + a.evaluator + '）', '')
              + coalesce('，' + toString(a.eval_date), '')
       END AS evaluation,
       a.fiscal_funded AS fiscal_funded,
       coalesce(a.year, a.eval_date.year) AS year,
       patents,
       nodes,
       CASE WHEN score IS NULL THEN null ELSE round(score, 3) END AS score,
       CASE WHEN score IS NULL THEN '无关键词：按技术成熟度和年份排列' ELSE '标题或简介与“' + text + '”相符' END
         + CASE WHEN a.trl IS NULL THEN '' ELSE '；TRL ' + toString(a.trl) END
         + CASE WHEN coalesce(a.open_to_sme, false) THEN '；面向中小企业开放' ELSE '' END
         + CASE WHEN size(nodes) > 0 THEN '；属' + reduce(s = '', i IN range(0, size(nodes) - 1) | s + CASE WHEN i > 0 THEN '、' ELSE '' END + nodes[i]) + '环节' ELSE '' END
         + '。' AS reason
ORDER BY coalesce(score, 0.0) DESC, coalesce(a.trl, 0) DESC, coalesce(a.year, 0) DESC, ach_id
LIMIT $limit
