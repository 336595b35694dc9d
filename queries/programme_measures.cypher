// name: programme_measures
// title: 项目成效 Programme measures over time and by region
// description: The programme's measures per year and region: achievements, demands, matches proposed (demand → achievement pairs sharing a chain node), licences and transfers to SMEs, open-licence offers. Long format: year, region_code, region, measure, value.
// param: region: region = null — only organisations in this region (name or code); rows then break the region down one level (province → city → district)
// param: limit: int = 5000 [1..20000] — maximum rows
// timeout: 15
// Who and when, per measure (region = that organisation's region):
//   achievements      owner (OWNS); year of a.date / a.published when recorded, else no year
//   demands           poster (POSTED); year of d.posted / d.published when recorded, else of d.deadline
//   matches_proposed  per demand: achievements sharing a chain node with it (ABOUT on both sides, or
//                     an achievement BACKED_BY a patent that MAPS_TO one of the demand's nodes) —
//                     the pairs demand_matches proposes; demand's poster and year
//   licences_to_smes  licensee is an SME; licence date
//   transfers_to_smes assignee is an SME; transfer date
//   open_offers       the patent's holder (HOLDS, else applicant); declared date
// Rows with no year count in the regional totals (year null).
CALL () {
  MATCH (a:Achievement)
  OPTIONAL CALL (a) { MATCH (o:Organization)-[:OWNS]->(a) RETURN o ORDER BY o.org_id LIMIT 1 }
  RETURN 'achievements' AS measure, coalesce(a.date, a.published) AS day, o, 1 AS n
  UNION ALL
  MATCH (d:Demand)
  OPTIONAL CALL (d) { MATCH (o:Organization)-[:POSTED]->(d) RETURN o ORDER BY o.org_id LIMIT 1 }
  RETURN 'demands' AS measure, coalesce(d.posted, d.published, d.deadline) AS day, o, 1 AS n
  UNION ALL
  MATCH (d:Demand)
  CALL (d) {
    MATCH (d)-[:ABOUT]->(node:ChainNode)
    CALL (node) {
      MATCH (a:Achievement)-[:ABOUT]->(node) RETURN a
      UNION
      MATCH (a:Achievement)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(node) RETURN a
    }
    RETURN count(DISTINCT a) AS pairs
  }
  WITH d, pairs WHERE pairs > 0
  OPTIONAL CALL (d) { MATCH (o:Organization)-[:POSTED]->(d) RETURN o ORDER BY o.org_id LIMIT 1 }
  RETURN 'matches_proposed' AS measure, coalesce(d.posted, d.published, d.deadline) AS day, o, pairs AS n
  UNION ALL
  MATCH (l:License)-[:LICENSEE]->(o:Organization)
  WHERE o.is_sme = true
  RETURN 'licences_to_smes' AS measure, l.date AS day, o, 1 AS n
  UNION ALL
  MATCH (t:Transfer)-[:ASSIGNEE]->(o:Organization)
  WHERE o.is_sme = true
  RETURN 'transfers_to_smes' AS measure, t.date AS day, o, 1 AS n
  UNION ALL
  MATCH (p:Patent)-[:OFFERED]->(f:OpenLicenseOffer)
  OPTIONAL CALL (p) {
    MATCH (o:Organization)-[r:HOLDS|APPLICANT_OF]->(p)
    RETURN o ORDER BY CASE type(r) WHEN 'HOLDS' THEN 0 ELSE 1 END, o.org_id LIMIT 1
  }
  RETURN 'open_offers' AS measure, f.declared AS day, o, 1 AS n
}
WITH measure, day, o, n
WHERE $region IS NULL OR coalesce(o.region_code, '') STARTS WITH $region
WITH measure, n,
     CASE WHEN day IS NULL THEN null ELSE day.year END AS year,
     CASE
       WHEN o IS NULL OR o.region_code IS NULL THEN null
       WHEN $region IS NULL THEN left(o.region_code, 2) + '0000'
       WHEN size($region) = 2 THEN left(o.region_code, 4) + '00'
       ELSE o.region_code
     END AS region_code
WITH year, region_code, measure, sum(n) AS value
OPTIONAL MATCH (r:Region {code: region_code})
RETURN year, region_code, coalesce(r.name, region_code, 'unknown') AS region, measure, value
ORDER BY year, region_code, measure
LIMIT $limit
