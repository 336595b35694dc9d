// name: patent_history
// title: 专利档案 Patent history
// description: One patent's life in date order: application, publication, grant, licences (备案号, fee), transfers, pledges (登记号, amount, release), the open-licence offer and the licences taken under it, and programme deals covering it. Each row names both parties and says what happened in one Chinese sentence.
// param: patent: patent (required) — the patent's publication number (find it by title or application number with lookup_patents)
// param: limit: int = 500 [1..2000] — maximum rows
// column: pub_no: str hidden — 公开号 | Publication no.
// column: title: str hidden — 专利名称 | Patent title
// column: date: date — 日期 | Date
// column: event: str hidden — 事件代码 | Event code
// column: event_name: str — 事件 | Event
// column: from_org: str — 一方 | From
// column: from_id: str hidden — 一方编号 | From id
// column: to_org: str — 另一方 | To
// column: to_id: str hidden — 另一方编号 | To id
// column: ref_no: str — 备案号/登记号 | Record / registration no.
// column: value: float — 金额（万元） | Amount (10k CNY)
// column: status: str — 状态 | Status
// column: ref_id: str hidden — 记录编号 | Record id
// column: detail: str — 说明 | Detail
// timeout: 10
// Every event hangs off the patent (OF, OFFERED, COVERS edges: a handful each), so the query is an
// index seek on the patent plus a few short expansions. Licences taken under the patent's open offer
// ((License)-[:UNDER]->(OpenLicenseOffer)) are shown as 'open_license' instead of 'license'. A deal is
// listed only when it is not already recorded as one of the licences or transfers shown.
MATCH (p:Patent {pub_no: $patent})
CALL (p) {
  OPTIONAL MATCH (a:Organization)-[:APPLICANT_OF]->(p)
  WITH p, collect(a) AS applicants
  OPTIONAL MATCH (h:Organization)-[:HOLDS]->(p)
  RETURN applicants, collect(h) AS holders
}
CALL (p, applicants, holders) {
  WITH p, applicants WHERE p.filed IS NOT NULL
  RETURN p.filed AS date, 'filed' AS event, null AS from_org, null AS from_id,
         reduce(s = '', x IN applicants | s + CASE WHEN s = '' THEN '' ELSE '、' END + x.name) AS to_org,
         head([x IN applicants | x.org_id]) AS to_id, p.app_no AS ref_no, null AS value, null AS status, p.pub_no AS ref_id,
         '提交申请' + coalesce('（申请号 ' + p.app_no + '）', '') + coalesce('，申请人：' + head([x IN applicants | x.name]), '') + '。' AS detail
  UNION ALL
  WITH p WHERE p.published IS NOT NULL
  RETURN p.published AS date, 'published' AS event, null AS from_org, null AS from_id, null AS to_org, null AS to_id,
         p.pub_no AS ref_no, null AS value, null AS status, p.pub_no AS ref_id, '公开（公开号 ' + p.pub_no + '）。' AS detail
  UNION ALL
  WITH p, holders, applicants WHERE p.granted IS NOT NULL
  WITH p, CASE WHEN size(holders) > 0 THEN holders ELSE applicants END AS owners
  RETURN p.granted AS date, 'granted' AS event, null AS from_org, null AS from_id,
         reduce(s = '', x IN owners | s + CASE WHEN s = '' THEN '' ELSE '、' END + x.name) AS to_org,
         head([x IN owners | x.org_id]) AS to_id, p.pub_no AS ref_no, null AS value, p.status AS status, p.pub_no AS ref_id,
         '授权' + coalesce('，现权利人：' + head([x IN owners | x.name]), '') + '。' AS detail
  UNION ALL
  MATCH (l:License)-[:OF]->(p)
  OPTIONAL CALL (l) { MATCH (x:Organization)-[:LICENSOR]->(l) RETURN x ORDER BY x.org_id LIMIT 1 }
  OPTIONAL CALL (l) { MATCH (l)-[:LICENSEE]->(y:Organization) RETURN y ORDER BY y.org_id LIMIT 1 }
  OPTIONAL CALL (l) { MATCH (l)-[:UNDER]->(f:OpenLicenseOffer) RETURN f LIMIT 1 }
  WITH l, x, y, f,
       CASE l.type WHEN 'exclusive' THEN '独占许可' WHEN 'sole' THEN '排他许可' WHEN 'ordinary' THEN '普通许可'
                   WHEN 'open' THEN '开放许可' WHEN 'sub' THEN '分许可' ELSE '许可' END AS kind
  RETURN l.date AS date, CASE WHEN f IS NULL THEN 'license' ELSE 'open_license' END AS event,
         x.name AS from_org, x.org_id AS from_id, y.name AS to_org, y.org_id AS to_id,
         l.record_no AS ref_no, toFloat(l.fee) AS value, l.type AS status, l.license_id AS ref_id,
         coalesce(x.name, '许可方不详') + ' 向 ' + coalesce(y.name, '被许可方不详') + ' ' + kind
           + CASE WHEN f IS NULL THEN '' ELSE '（依开放许可声明 ' + f.offer_id + '）' END
           + coalesce('，备案号 ' + l.record_no, '') + coalesce('，许可费 ' + toString(l.fee) + ' 万元', '') + '。' AS detail
  UNION ALL
  MATCH (t:Transfer)-[:OF]->(p)
  OPTIONAL CALL (t) { MATCH (x:Organization)-[:ASSIGNOR]->(t) RETURN x ORDER BY x.org_id LIMIT 1 }
  OPTIONAL CALL (t) { MATCH (t)-[:ASSIGNEE]->(y:Organization) RETURN y ORDER BY y.org_id LIMIT 1 }
  RETURN t.date AS date, 'transfer' AS event, x.name AS from_org, x.org_id AS from_id, y.name AS to_org, y.org_id AS to_id,
         t.record_no AS ref_no, null AS value, t.mode AS status, t.transfer_id AS ref_id,
         '专利权由 ' + coalesce(x.name, '转让方不详') + ' 转让给 ' + coalesce(y.name, '受让方不详')
           + coalesce('，登记号 ' + t.record_no, '') + '。' AS detail
  UNION ALL
  MATCH (g:Pledge)-[:OF]->(p)
  OPTIONAL CALL (g) { MATCH (x:Organization)-[:PLEDGOR]->(g) RETURN x ORDER BY x.org_id LIMIT 1 }
  OPTIONAL CALL (g) { MATCH (g)-[:PLEDGEE]->(y:Organization) RETURN y ORDER BY y.org_id LIMIT 1 }
  UNWIND [['pledge', g.registered], ['pledge_released', g.released]] AS ev
  WITH g, x, y, ev WHERE ev[0] = 'pledge' OR ev[1] IS NOT NULL
  RETURN ev[1] AS date, ev[0] AS event, x.name AS from_org, x.org_id AS from_id, y.name AS to_org, y.org_id AS to_id,
         g.registration_no AS ref_no, CASE WHEN ev[0] = 'pledge' THEN toFloat(g.amount) END AS value,
         g.status AS status, g.pledge_id AS ref_id,
         CASE ev[0]
           WHEN 'pledge' THEN coalesce(x.name, '出质人不详') + ' 以本专利向 ' + coalesce(y.name, '质权人不详') + ' 出质'
             + coalesce('，融资 ' + toString(g.amount) + ' 万元', '') + coalesce('，登记号 ' + g.registration_no, '')
             + coalesce('，期限至 ' + toString(g.term_end), '')
           ELSE '质押解除' + coalesce('（登记号 ' + g.registration_no + '）', '')
         END + '。' AS detail
  UNION ALL
  MATCH (p)-[:OFFERED]->(f:OpenLicenseOffer)
  RETURN f.declared AS date, 'open_offer' AS event, null AS from_org, null AS from_id, null AS to_org, null AS to_id,
         f.offer_id AS ref_no, null AS value, null AS status, f.offer_id AS ref_id,
         '声明开放许可' + coalesce('，许可使用费：' + f.fee_terms, '') + coalesce('，实施领域：' + f.field_of_use, '')
           + '；依此声明已达成许可 ' + toString(COUNT { (:License)-[:UNDER]->(f) }) + ' 项。' AS detail
  UNION ALL
  MATCH (dl:Deal)-[:COVERS]->(p)
  WHERE NOT EXISTS { (dl)-[:RECORDED_AS]->() }
  OPTIONAL CALL (dl) { MATCH (x:Organization)-[:PARTY_TO {role: 'provider'}]->(dl) RETURN x ORDER BY x.org_id LIMIT 1 }
  OPTIONAL CALL (dl) { MATCH (y:Organization)-[:PARTY_TO {role: 'recipient'}]->(dl) RETURN y ORDER BY y.org_id LIMIT 1 }
  OPTIONAL CALL (dl) { MATCH (dl)-[:FROM_EVENT]->(e:Event) RETURN e LIMIT 1 }
  RETURN dl.date AS date, 'deal' AS event, x.name AS from_org, x.org_id AS from_id, y.name AS to_org, y.org_id AS to_id,
         null AS ref_no, toFloat(dl.value) AS value, dl.status AS status, dl.deal_id AS ref_id,
         coalesce(x.name, '提供方不详') + ' 与 ' + coalesce(y.name, '接收方不详') + ' 成交'
           + CASE dl.kind WHEN 'license' THEN '（许可）' WHEN 'transfer' THEN '（转让）' WHEN 'equity' THEN '（作价入股）'
                          WHEN 'joint_development' THEN '（合作开发）' WHEN 'service' THEN '（技术服务）' ELSE '' END
           + coalesce('，金额 ' + toString(dl.value) + ' 万元', '') + coalesce('，源自活动“' + e.name + '”', '') + '。' AS detail
}
WITH p, date, event, from_org, from_id, to_org, to_id, ref_no, value, status, ref_id, detail
RETURN p.pub_no AS pub_no,
       p.title AS title,
       date,
       event,
       CASE event WHEN 'filed' THEN '申请' WHEN 'published' THEN '公开' WHEN 'granted' THEN '授权'
                  WHEN 'license' THEN '许可' WHEN 'open_license' THEN '开放许可实施' WHEN 'transfer' THEN '转让'
                  WHEN 'pledge' THEN '质押登记' WHEN 'pledge_released' THEN '质押解除'
                  WHEN 'open_offer' THEN '开放许可声明' WHEN 'deal' THEN '对接成交' END AS event_name,
       from_org, from_id, to_org, to_id, ref_no, value, status, ref_id, detail
ORDER BY date IS NULL, date,
         CASE event WHEN 'filed' THEN 0 WHEN 'published' THEN 1 WHEN 'granted' THEN 2 WHEN 'open_offer' THEN 3
                    WHEN 'license' THEN 4 WHEN 'open_license' THEN 5 WHEN 'transfer' THEN 6 WHEN 'deal' THEN 7
                    WHEN 'pledge' THEN 8 ELSE 9 END,
         ref_id
LIMIT $limit
