// name: events
// title: 对接活动 Programme events
// description: Programme events — 深度行, 对接会, 路演, 揭榜 — newest first, with date, region, chain, organisers, participants, the achievements and demands presented and the outcomes: deals arising (count and value in 万元) and the recorded outcome note.
// param: kind: str = null {deep_dive|matchmaking|roadshow|challenge} — only events of this kind
// param: region: region = null — only events held in this region (name, code or region group)
// param: chain: chain = null — only events on this chain (id or name)
// param: year: int = null [2000..2100] — only events of this year
// param: limit: int = 100 [1..1000] — maximum rows
// column: event_id: str hidden — 活动编号 | Event id
// column: date: date — 日期 | Date
// column: name: str — 活动名称 | Event
// column: kind: str hidden — 类型代码 | Kind code
// column: kind_name: str — 类型 | Kind
// column: region: str — 地区 | Region
// column: region_code: str hidden — 地区代码 | Region code
// column: chain: str — 产业链 | Chain
// column: chain_id: str hidden — 产业链编号 | Chain id
// column: organisers: list — 主办方 | Organisers
// column: participants: int — 参与机构数 | Participating organisations
// column: smes: int — 参与中小企业数 | SMEs attending
// column: presenters: list — 发布方 | Presenters
// column: achievements: int — 发布成果数 | Achievements presented
// column: demands: int — 发布需求数 | Demands presented
// column: deals: int — 促成成交 | Deals arising
// column: deal_value: float — 成交金额（万元） | Deal value (10k CNY)
// column: outcome: str — 成效 | Outcome
// timeout: 10
// Events are few (hundreds a year nationally): with a year the Event(date) index gives a range seek,
// otherwise the Event label is read; everything else hangs off each event (a few edges).
CALL () {
  WITH $year AS y WHERE y IS NOT NULL
  MATCH (e:Event)
  WHERE e.date >= date({year: y, month: 1, day: 1}) AND e.date < date({year: y + 1, month: 1, day: 1})
  RETURN e
  UNION ALL
  WITH $year AS y WHERE y IS NULL
  MATCH (e:Event)
  RETURN e
}
WITH e
WHERE ($kind IS NULL OR e.kind = $kind)
  AND ($region IS NULL OR any(rp IN $region WHERE coalesce(e.region_code, '') STARTS WITH rp))
OPTIONAL CALL (e) {
  MATCH (e)-[:ON_CHAIN]->(c:Chain)
  RETURN c ORDER BY c.chain_id LIMIT 1
}
WITH e, c, coalesce(e.chain_id, c.chain_id) AS chain_id
WHERE $chain IS NULL OR chain_id = $chain OR EXISTS { (e)-[:ON_CHAIN]->(:Chain {chain_id: $chain}) }
WITH e, c, chain_id
ORDER BY e.date DESC, e.event_id
LIMIT $limit
OPTIONAL MATCH (r:Region {code: e.region_code})
OPTIONAL MATCH (cc:Chain {chain_id: chain_id})
WITH e, chain_id, r, coalesce(c, cc) AS c,
     COLLECT { MATCH (o:Organization)-[:ORGANISED]->(e) RETURN o.name AS name
               UNION
               MATCH (o:Organization)-[:ATTENDED {role: 'organiser'}]->(e) RETURN o.name AS name } AS organisers,
     COLLECT { MATCH (o:Organization)-[x:ATTENDED]->(e) RETURN DISTINCT o } AS attendees,
     COLLECT { MATCH (o:Organization)-[:ATTENDED {role: 'presenter'}]->(e) RETURN o.name AS name ORDER BY name } AS presenters,
     COUNT { (e)-[:PRESENTED]->(:Achievement) } AS achievements,
     COUNT { (e)-[:PRESENTED]->(:Demand) } AS demands
CALL (e) {
  OPTIONAL MATCH (d:Deal)-[:FROM_EVENT]->(e)
  WHERE coalesce(d.status, 'signed') <> 'terminated'
  RETURN count(d) AS deals, sum(coalesce(toFloat(d.value), 0.0)) AS deal_value
}
RETURN e.event_id AS event_id,
       e.date AS date,
       e.name AS name,
       e.kind AS kind,
       CASE e.kind WHEN 'deep_dive' THEN '深度行' WHEN 'matchmaking' THEN '对接会' WHEN 'roadshow' THEN '路演'
                   WHEN 'challenge' THEN '揭榜挂帅' ELSE e.kind END AS kind_name,
       coalesce(r.name, e.region_code) AS region,
       e.region_code AS region_code,
       c.name AS chain,
       chain_id,
       organisers,
       size(attendees) AS participants,
       size([o IN attendees WHERE o.is_sme = true]) AS smes,
       presenters,
       achievements,
       demands,
       deals,
       round(deal_value, 2) AS deal_value,
       CASE WHEN deals > 0 THEN '促成成交 ' + toString(deals) + ' 项，金额 ' + toString(round(deal_value, 2)) + ' 万元'
            ELSE '暂无成交记录' END
         + coalesce('；' + e.outcome_note, '') + '。' AS outcome
ORDER BY date DESC, event_id
