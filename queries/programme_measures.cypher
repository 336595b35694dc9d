// name: programme_measures
// title: 项目成效 Programme outcomes by year, region and chain
// description: The programme's real outcomes per year and region (or per year and chain): events held and 深度行 among them (target ten a year), deals and their value, licences and transfers to SMEs, SMEs that moved up a tier, SMEs that became achievement producers, open-licence offers and the licences taken under them, pledge financing, new achievements and demands. Long format: one row per year × region (or chain) × measure; the current year is marked partial.
// param: region: region = null — only records in this region (name, code or region group); rows then break the region down one level (province → city → district; a group → its members)
// param: chain: chain = null — only records on this chain (id or name)
// param: by: str = region {region|chain} — break the rows down by region or by chain
// param: limit: int = 20000 [1..50000] — maximum rows
// column: year: int — 年份 | Year
// column: partial: bool — 当年未完 | Partial year
// column: region_code: str hidden — 地区代码 | Region code
// column: region: str — 地区 | Region
// column: chain_id: str hidden — 产业链编号 | Chain id
// column: chain: str — 产业链 | Chain
// column: measure: str hidden — 指标代码 | Measure code
// column: measure_name: str — 指标 | Measure
// column: unit: str — 单位 | Unit
// column: value: float — 数值 | Value
// timeout: 15
// Who, where and when, per measure (region = the region of the organisation named; chain = the one
// chain the record is attributed to, counted once, so rows of one measure add up to its total):
//   events / deep_dives  Event (deep_dives: kind deep_dive); its region_code; ON_CHAIN; its date
//   deals / deal_value   Deal not terminated; its recipient (PARTY_TO role recipient, else any party);
//                        chain of its event, else of the achievement it USES, the patents it COVERS or
//                        the demand it ANSWERS; its date; value in 万元
//   licences_to_smes     licensee is an SME; chain of the licensed patent's nodes; licence date
//   transfers_to_smes    assignee is an SME; as above; transfer date
//   tier_upgrades        SMEs with a TierAward in year Y ranking above every earlier award of theirs
//                        (专精特新 < 小巨人 < 单项冠军; a first award is no upgrade); chain of its IN_NODE nodes
//   new_producers        SMEs whose first owned achievement is of year Y (achievement year, else its date's)
//   open_offers          OpenLicenseOffer, its patent's holder (HOLDS, else applicant); declared date
//   open_licences        licences UNDER an open offer; the licensee; licence date
//   pledges / pledge_amount  Pledge, its pledgor; registered date; amount in 万元
//   achievements         Achievement, its owner (OWNS); year, else date / evaluation date
//   demands              Demand, its poster (POSTED); posted / published date, else deadline
// Records with no date count with year null; records whose organisation has no region with region null.
// A record's chain (several-node records: the chain most of its nodes are on, then by id) is looked up
// only when rows are broken down by chain or a chain is given. Each part starts from its own (small)
// programme label, the organisation read from each record in a subquery — never a scan of the
// organisations or patents (a hash join over all SMEs is what the planner would otherwise pick).
WITH $by = 'chain' OR $chain IS NOT NULL AS need_chain
// Stored yearly totals (graph/precompute.py, refreshed after every load and extraction): the records
// below are summed once per (measure, year, region code, chain) and kept on ProgrammeTotals nodes, one per
// region level and parent prefix. They are read instead of the records while the stamp stored with them
// (the counts of every label and relationship type the records are read through, from the count store:
// constant time) equals the graph's, and every region prefix asked for is at least two characters with
// none inside another; otherwise the records are read live. Both give the same rows.
// stamp: begin
CALL () { MATCH (x:Event) RETURN count(x) AS n_event }
CALL () { MATCH (x:Deal) RETURN count(x) AS n_deal }
CALL () { MATCH (x:License) RETURN count(x) AS n_license }
CALL () { MATCH (x:Transfer) RETURN count(x) AS n_transfer }
CALL () { MATCH (x:TierAward) RETURN count(x) AS n_tieraward }
CALL () { MATCH (x:Achievement) RETURN count(x) AS n_achievement }
CALL () { MATCH (x:Demand) RETURN count(x) AS n_demand }
CALL () { MATCH (x:Pledge) RETURN count(x) AS n_pledge }
CALL () { MATCH (x:OpenLicenseOffer) RETURN count(x) AS n_openlicenseoffer }
CALL () { MATCH (x:Organization) RETURN count(x) AS n_organization }
CALL () { MATCH (x:Patent) RETURN count(x) AS n_patent }
CALL () { MATCH (x:ChainNode) RETURN count(x) AS n_chainnode }
CALL () { MATCH (x:Chain) RETURN count(x) AS n_chain }
CALL () { MATCH ()-[x:ON_CHAIN]->() RETURN count(x) AS r_on_chain }
CALL () { MATCH ()-[x:PARTY_TO]->() RETURN count(x) AS r_party_to }
CALL () { MATCH ()-[x:FROM_EVENT]->() RETURN count(x) AS r_from_event }
CALL () { MATCH ()-[x:USES]->() RETURN count(x) AS r_uses }
CALL () { MATCH ()-[x:COVERS]->() RETURN count(x) AS r_covers }
CALL () { MATCH ()-[x:ANSWERS]->() RETURN count(x) AS r_answers }
CALL () { MATCH ()-[x:LICENSEE]->() RETURN count(x) AS r_licensee }
CALL () { MATCH ()-[x:ASSIGNEE]->() RETURN count(x) AS r_assignee }
CALL () { MATCH ()-[x:OF]->() RETURN count(x) AS r_of }
CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS r_maps_to }
CALL () { MATCH ()-[x:AWARDED]->() RETURN count(x) AS r_awarded }
CALL () { MATCH ()-[x:IN_NODE]->() RETURN count(x) AS r_in_node }
CALL () { MATCH ()-[x:OWNS]->() RETURN count(x) AS r_owns }
CALL () { MATCH ()-[x:ABOUT]->() RETURN count(x) AS r_about }
CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS r_offered }
CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS r_holds }
CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS r_applicant_of }
CALL () { MATCH ()-[x:UNDER]->() RETURN count(x) AS r_under }
CALL () { MATCH ()-[x:PLEDGOR]->() RETURN count(x) AS r_pledgor }
CALL () { MATCH ()-[x:POSTED]->() RETURN count(x) AS r_posted }
WITH need_chain, [n_event, n_deal, n_license, n_transfer, n_tieraward, n_achievement, n_demand, n_pledge,
           n_openlicenseoffer, n_organization, n_patent, n_chainnode, n_chain, r_on_chain, r_party_to,
           r_from_event, r_uses, r_covers, r_answers, r_licensee, r_assignee, r_of, r_maps_to, r_awarded,
           r_in_node, r_owns, r_about, r_offered, r_holds, r_applicant_of, r_under, r_pledgor,
           r_posted] AS stamp
// stamp: end
OPTIONAL MATCH (root:ProgrammeTotals {key: 'stamp'})
WITH need_chain,
     coalesce(root.stamp = stamp, false)
       AND ($region IS NULL OR all(i IN range(0, size($region) - 1) WHERE size($region[i]) >= 2
             AND none(j IN range(0, size($region) - 1) WHERE j <> i AND $region[i] STARTS WITH $region[j]))) AS stored
CALL (need_chain, stored) {
  WITH need_chain WHERE NOT stored
// records: begin
CALL (need_chain) {
  MATCH (e:Event)
  OPTIONAL CALL (e, need_chain) {
    WITH e WHERE need_chain
    OPTIONAL MATCH (e)-[:ON_CHAIN]->(c:Chain)
    WITH e, c ORDER BY c.chain_id LIMIT 1
    RETURN coalesce(e.chain_id, c.chain_id) AS chain_id
  }
  UNWIND CASE WHEN e.kind = 'deep_dive' THEN ['events', 'deep_dives'] ELSE ['events'] END AS measure
  RETURN measure, e.date AS day, e.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (d:Deal)
  WHERE coalesce(d.status, 'signed') <> 'terminated'
  OPTIONAL CALL (d) {
    MATCH (o:Organization)-[r:PARTY_TO]->(d)
    RETURN o ORDER BY CASE r.role WHEN 'recipient' THEN 0 ELSE 1 END, o.org_id LIMIT 1
  }
  OPTIONAL CALL (d, need_chain) {
    WITH d WHERE need_chain
    CALL (d) {
      MATCH (d)-[:FROM_EVENT]->(:Event)-[:ON_CHAIN]->(c:Chain) RETURN 0 AS src, c.chain_id AS c
      UNION ALL
      MATCH (d)-[:USES]->(:Achievement)-[:ABOUT]->(n:ChainNode) RETURN 1 AS src, n.chain_id AS c
      UNION ALL
      MATCH (d)-[:COVERS]->(:Patent)-[:MAPS_TO]->(n:ChainNode) RETURN 2 AS src, n.chain_id AS c
      UNION ALL
      MATCH (d)-[:ANSWERS]->(:Demand)-[:ABOUT]->(n:ChainNode) RETURN 3 AS src, n.chain_id AS c
    }
    WITH src, c, count(*) AS k ORDER BY src, k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  UNWIND [['deals', 1.0], ['deal_value', toFloat(coalesce(d.value, 0.0))]] AS mv
  RETURN mv[0] AS measure, d.date AS day, o.region_code AS rc, chain_id, mv[1] AS n
  UNION ALL
  MATCH (l:License)
  CALL (l) { MATCH (l)-[:LICENSEE]->(o:Organization) WHERE o.is_sme = true RETURN o }
  OPTIONAL CALL (l, need_chain) {
    WITH l WHERE need_chain
    MATCH (l)-[:OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'licences_to_smes' AS measure, l.date AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (t:Transfer)
  CALL (t) { MATCH (t)-[:ASSIGNEE]->(o:Organization) WHERE o.is_sme = true RETURN o }
  OPTIONAL CALL (t, need_chain) {
    WITH t WHERE need_chain
    MATCH (t)-[:OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'transfers_to_smes' AS measure, t.date AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (w:TierAward)
  WHERE w.year IS NOT NULL
  CALL (w) { MATCH (o:Organization)-[:AWARDED]->(w) WHERE coalesce(o.is_sme, true) RETURN o }
  WITH o, w, CASE w.tier WHEN '专精特新' THEN 1 WHEN '小巨人' THEN 2 WHEN '单项冠军' THEN 3 ELSE 0 END AS rank
  WITH o, w.year AS year, max(rank) AS rank
  ORDER BY year
  WITH o, collect([year, rank]) AS awards
  UNWIND range(1, size(awards) - 1) AS i
  WITH o, awards[i][0] AS year, awards[i][1] AS rank,
       reduce(m = 0, x IN awards[0..i] | CASE WHEN x[1] > m THEN x[1] ELSE m END) AS before
  WHERE rank > before
  OPTIONAL CALL (o, need_chain) {
    WITH o WHERE need_chain
    MATCH (o)-[:IN_NODE]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'tier_upgrades' AS measure, date({year: year, month: 1, day: 1}) AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (a:Achievement)
  CALL (a) { MATCH (o:Organization)-[:OWNS]->(a) WHERE o.is_sme = true RETURN o }
  WITH o, a, coalesce(a.year, a.date.year, a.published.year, a.eval_date.year) AS year
  WHERE year IS NOT NULL
  ORDER BY year, a.ach_id
  WITH o, head(collect(a)) AS first, min(year) AS year
  OPTIONAL CALL (first, need_chain) {
    WITH first WHERE need_chain
    MATCH (first)-[:ABOUT]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'new_producers' AS measure, date({year: year, month: 1, day: 1}) AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (p:Patent)-[:OFFERED]->(f:OpenLicenseOffer)
  OPTIONAL CALL (p) {
    MATCH (o:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
    RETURN o ORDER BY CASE type(r) WHEN 'HOLDS' THEN 0 ELSE 1 END, o.org_id LIMIT 1
  }
  OPTIONAL CALL (p, need_chain) {
    WITH p WHERE need_chain
    MATCH (p)-[:MAPS_TO]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'open_offers' AS measure, f.declared AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (l:License)-[:UNDER]->(:OpenLicenseOffer)
  OPTIONAL CALL (l) { MATCH (l)-[:LICENSEE]->(o:Organization) RETURN o ORDER BY o.org_id LIMIT 1 }
  OPTIONAL CALL (l, need_chain) {
    WITH l WHERE need_chain
    MATCH (l)-[:OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'open_licences' AS measure, l.date AS day, o.region_code AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (g:Pledge)
  OPTIONAL CALL (g) { MATCH (o:Organization)-[:PLEDGOR]->(g) RETURN o ORDER BY o.org_id LIMIT 1 }
  OPTIONAL CALL (g, need_chain) {
    WITH g WHERE need_chain
    MATCH (g)-[:OF]->(:Patent)-[:MAPS_TO]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  UNWIND [['pledges', 1.0], ['pledge_amount', toFloat(coalesce(g.amount, 0.0))]] AS mv
  RETURN mv[0] AS measure, g.registered AS day, o.region_code AS rc, chain_id, mv[1] AS n
  UNION ALL
  MATCH (a:Achievement)
  OPTIONAL CALL (a) { MATCH (o:Organization)-[:OWNS]->(a) RETURN o ORDER BY o.org_id LIMIT 1 }
  OPTIONAL CALL (a, need_chain) {
    WITH a WHERE need_chain
    MATCH (a)-[:ABOUT]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'achievements' AS measure,
         coalesce(a.date, a.published, CASE WHEN a.year IS NOT NULL THEN date({year: a.year, month: 1, day: 1}) END, a.eval_date) AS day,
         coalesce(o.region_code, a.region_code) AS rc, chain_id, 1 AS n
  UNION ALL
  MATCH (d:Demand)
  OPTIONAL CALL (d) { MATCH (o:Organization)-[:POSTED]->(d) RETURN o ORDER BY o.org_id LIMIT 1 }
  OPTIONAL CALL (d, need_chain) {
    WITH d WHERE need_chain
    MATCH (d)-[:ABOUT]->(n:ChainNode)
    WITH n.chain_id AS c, count(n) AS k ORDER BY k DESC, c LIMIT 1
    RETURN c AS chain_id
  }
  RETURN 'demands' AS measure, coalesce(d.posted, d.published, d.deadline) AS day, o.region_code AS rc, chain_id, 1 AS n
}
// records: end
  RETURN measure, CASE WHEN day IS NULL THEN null ELSE day.year END AS year, rc, chain_id, n
  UNION ALL
  // the stored totals: the national node for all regions (its keys: 2-digit prefixes), else per prefix
  // asked the node of its province (keys: 4-digit prefixes) or of its cities (keys: full codes)
  WITH stored WHERE stored
  CALL () {
    MATCH (t:ProgrammeTotals {key: 'L2:'}) WHERE $region IS NULL
    RETURN t, '' AS rp
    UNION ALL
    UNWIND $region AS rp
    MATCH (t:ProgrammeTotals)
    WHERE (size(rp) = 2 AND t.key = 'L4:' + rp) OR (size(rp) > 2 AND t.level = 6 AND t.parent STARTS WITH left(rp, 4))
    RETURN t, rp
  }
  UNWIND range(0, size(t.keys) - 1) AS i
  WITH rp, t.measures[i] AS measure, t.years[i] AS year, t.keys[i] AS rc, t.chains[i] AS chain_id, t.values[i] AS n
  WHERE rc STARTS WITH rp
  // '~' and -1 stand for null (a stored list holds no nulls)
  RETURN measure, CASE WHEN year = -1 THEN null ELSE year END AS year, CASE WHEN rc = '~' THEN null ELSE rc END AS rc,
         CASE WHEN chain_id = '~' THEN null ELSE chain_id END AS chain_id, n
}
WITH measure, year, rc, chain_id, n
WHERE ($region IS NULL OR any(rp IN $region WHERE coalesce(rc, '') STARTS WITH rp))
  AND ($chain IS NULL OR chain_id = $chain)
WITH measure, n, year,
     CASE
       WHEN $by = 'chain' THEN CASE WHEN $region IS NULL OR size($region) <> 1 THEN null
                                    ELSE left($region[0] + '000000', 6) END
       WHEN rc IS NULL THEN null
       WHEN $region IS NULL THEN left(rc, 2) + '0000'
       WHEN size($region) > 1 THEN left(head([rp IN $region WHERE rc STARTS WITH rp]) + '0000', 6)
       WHEN size($region[0]) = 2 THEN left(rc, 4) + '00'
       ELSE rc
     END AS region_code,
     CASE WHEN $by = 'chain' THEN chain_id ELSE $chain END AS chain_id
WITH year, region_code, chain_id, measure, sum(n) AS value
OPTIONAL MATCH (r:Region {code: region_code})
OPTIONAL MATCH (c:Chain {chain_id: chain_id})
RETURN year,
       year IS NOT NULL AND year = date().year AS partial,
       region_code,
       coalesce(r.name, region_code, CASE WHEN $by = 'region' THEN '地区不详' END) AS region,
       chain_id,
       coalesce(c.name, chain_id, CASE WHEN $by = 'chain' THEN '未归入产业链' END) AS chain,
       measure,
       CASE measure
         WHEN 'events' THEN '对接活动' WHEN 'deep_dives' THEN '深度行' WHEN 'deals' THEN '成交项目'
         WHEN 'deal_value' THEN '成交金额' WHEN 'licences_to_smes' THEN '许可给中小企业'
         WHEN 'transfers_to_smes' THEN '转让给中小企业' WHEN 'tier_upgrades' THEN '梯度晋级企业'
         WHEN 'new_producers' THEN '新成为成果产出方的中小企业' WHEN 'open_offers' THEN '开放许可声明'
         WHEN 'open_licences' THEN '开放许可实施' WHEN 'pledges' THEN '质押融资笔数'
         WHEN 'pledge_amount' THEN '质押融资金额' WHEN 'achievements' THEN '新增成果' WHEN 'demands' THEN '新增需求'
       END AS measure_name,
       CASE WHEN measure IN ['deal_value', 'pledge_amount'] THEN '万元'
            WHEN measure IN ['events', 'deep_dives'] THEN '场'
            WHEN measure IN ['tier_upgrades', 'new_producers'] THEN '家'
            ELSE '项' END AS unit,
       round(toFloat(value), 2) AS value
ORDER BY year, region_code, chain_id, measure
LIMIT $limit
