// name: lookup_patents
// title: 专利检索 Patents (searchable picker)
// description: Patents whose publication number or application number is the typed text, or whose title and abstract match its words (the patent_text full-text index); exact numbers first, then best text match. With nothing typed: the patents of the latest licences, transfers and pledges, newest first. For the patent history page's picker.
// param: q: str = null — a publication number (CN…), an application number, or words of the title; empty lists the patents with the latest licences, transfers and pledges
// param: limit: int = 20 [1..200] — maximum rows
// column: pub_no: str — 公开号 | Publication no.
// column: title: str — 专利名称 | Title
// column: holder: str — 权利人 | Holder
// column: holder_id: str hidden — 权利人编号 | Holder id
// column: status: str — 法律状态 | Legal status
// column: filed: date — 申请日 | Filed
// column: app_no: str — 申请号 | Application no.
// column: relevance: float hidden — 匹配度 | Relevance
// timeout: 5
// Numbers are tried as typed, upper-cased without spaces, and with/without the CN prefix (index
// seeks on pub_no and app_no); the text goes to the full-text index with Lucene's operator
// characters blanked, so what a user types is never read as query syntax.
WITH trim(coalesce($q, '')) AS raw
WITH raw, toUpper(replace(raw, ' ', '')) AS num,
     trim(toLower(reduce(s = raw, c IN ['\\', '+', '-', '&', '|', '!', '(', ')', '{', '}', '[', ']',
                                        '^', '"', '~', '*', '?', ':', '/', '\'']
                         | replace(s, c, ' ')))) AS text
CALL (raw, num, text) {
  MATCH (p:Patent) WHERE p.pub_no IN [num, 'CN' + num]
  RETURN p, 1000.0 AS score
  UNION ALL
  MATCH (p:Patent) WHERE p.app_no IN [raw, num, CASE WHEN num STARTS WITH 'CN' THEN substring(num, 2) ELSE num END]
  RETURN p, 1000.0 AS score
  UNION ALL
  WITH text WHERE text <> ''
  CALL db.index.fulltext.queryNodes('patent_text', text, {limit: 200}) YIELD node, score
  RETURN node AS p, score
  UNION ALL
  WITH raw WHERE raw = ''
  // the latest transactions, read newest first from the date indexes (never all of them)
  CALL () {
    MATCH (x:License) WHERE x.date IS NOT NULL WITH x ORDER BY x.date DESC LIMIT 40
    MATCH (x)-[:OF]->(p:Patent) RETURN p, x.date AS day
    UNION ALL
    MATCH (x:Transfer) WHERE x.date IS NOT NULL WITH x ORDER BY x.date DESC LIMIT 40
    MATCH (x)-[:OF]->(p:Patent) RETURN p, x.date AS day
    UNION ALL
    MATCH (x:Pledge) WHERE x.registered IS NOT NULL WITH x ORDER BY x.registered DESC LIMIT 40
    MATCH (x)-[:OF]->(p:Patent) RETURN p, x.registered AS day
  }
  WITH p, max(day) AS day
  ORDER BY day DESC, p.pub_no
  LIMIT 100
  RETURN p, toFloat(duration.inDays(date('1970-01-01'), day).days) / 100000.0 AS score
}
WITH p, max(score) AS score
ORDER BY score DESC, p.pub_no
LIMIT $limit
OPTIONAL CALL (p) {
  MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
  RETURN h ORDER BY CASE type(r) WHEN 'HOLDS' THEN 0 ELSE 1 END, h.org_id LIMIT 1
}
RETURN p.pub_no AS pub_no, p.title AS title, h.name AS holder, h.org_id AS holder_id, p.status AS status,
       p.filed AS filed, p.app_no AS app_no, round(score, 3) AS relevance
ORDER BY relevance DESC, pub_no
