"""Derivations of the programme's data (issue 14, docs/programme.md), run with graph/derive.py's.

Same contract as :mod:`graph.derive`: each entry is one batched, idempotent Cypher statement that
only MERGEs or SETs values that are functions of the graph. The bulk export computes the same
results in Python (:mod:`loaders.bulk_programme`), from the same rules stated here:

- ``achievement_region``: an achievement's ``region_code`` is its owner's (the smallest code when
  several owners are located); an achievement without a located owner keeps the file's region.
- ``license_under_offer``: ``(License)-[:UNDER]->(OpenLicenseOffer)`` for a licence whose
  ``offer_id`` names an offer, and for a licence of type ``open`` without ``offer_id`` whose patent
  is offered: the latest offer declared on or before the licence date (an undated licence or
  offer: the latest offer; ties by offer_id).
- ``event_located_in`` / ``cluster_located_in``: one LOCATED_IN to the Region of ``region_code``
  (a changed region moves the edge), as for organisations.
- ``pledge_of_app_no``: ``(Pledge)-[:OF]->(Patent)`` for patents a pledge names by application
  number (``app_nos``; CNIPA notices give 专利号 = application numbers), matched on ``Patent.app_no``.
- ``org_tier_from_awards``: an organisation whose own tier is missing or ``none`` (or was set by this
  rule before) takes the highest-ranked tier of its TierAwards (专精特新 < 小巨人 < 单项冠军; among
  equal ranks the latest year), with ``tier_source = 'tier_awards'`` and ``tier_year``; a tier the
  organisations file states (``tier_source = 'declared'``) is never replaced. A company without a
  size that gets 专精特新 or 小巨人 this way becomes ``is_sme = true`` (both titles go to SMEs only).
"""

from __future__ import annotations

#: Tier rank used by the derivation and by upgrade counting (programme_measures).
TIER_RANK: dict[str, int] = {"专精特新": 1, "小巨人": 2, "单项冠军": 3}

_RANK_CASE = "CASE t.tier WHEN '单项冠军' THEN 3 WHEN '小巨人' THEN 2 WHEN '专精特新' THEN 1 ELSE 0 END"

# name -> Cypher; $batch is the rows per inner transaction (run by graph.derive.run_derivations).
PROGRAMME_DERIVATIONS: dict[str, str] = {
    "achievement_region": (
        "MATCH (o:Organization)-[:OWNS]->(a:Achievement) WHERE o.region_code IS NOT NULL "
        "WITH a, min(o.region_code) AS rc WHERE a.region_code IS NULL OR a.region_code <> rc "
        "CALL (a, rc) { SET a.region_code = rc } IN TRANSACTIONS OF $batch ROWS"
    ),
    "license_under_offer_id": (
        "MATCH (l:License) WHERE l.offer_id IS NOT NULL "
        "MATCH (o:OpenLicenseOffer {offer_id: l.offer_id}) "
        "CALL (l, o) { MERGE (l)-[:UNDER]->(o) } IN TRANSACTIONS OF $batch ROWS"
    ),
    "license_under_open_offer": (
        "MATCH (l:License {type: 'open'})-[:OF]->(:Patent)-[:OFFERED]->(o:OpenLicenseOffer) "
        "WHERE l.offer_id IS NULL AND (l.date IS NULL OR o.declared IS NULL OR o.declared <= l.date) "
        "WITH l, o ORDER BY coalesce(o.declared, date('0001-01-01')) DESC, o.offer_id DESC "
        "WITH l, collect(o)[0] AS o "
        "CALL (l, o) { MERGE (l)-[:UNDER]->(o) } IN TRANSACTIONS OF $batch ROWS"
    ),
    "event_located_in": (
        "MATCH (e:Event) WHERE e.region_code IS NOT NULL "
        "CALL (e) { "
        "  OPTIONAL MATCH (e)-[old:LOCATED_IN]->(x:Region) WHERE x.code <> e.region_code DELETE old "
        "  WITH e MATCH (r:Region {code: e.region_code}) MERGE (e)-[:LOCATED_IN]->(r) "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "cluster_located_in": (
        "MATCH (c:Cluster) WHERE c.region_code IS NOT NULL "
        "CALL (c) { "
        "  OPTIONAL MATCH (c)-[old:LOCATED_IN]->(x:Region) WHERE x.code <> c.region_code DELETE old "
        "  WITH c MATCH (r:Region {code: c.region_code}) MERGE (c)-[:LOCATED_IN]->(r) "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    "pledge_of_app_no": (
        "MATCH (pl:Pledge) WHERE pl.app_nos IS NOT NULL UNWIND pl.app_nos AS app "
        "MATCH (p:Patent {app_no: app}) "
        "CALL (pl, p) { MERGE (pl)-[:OF]->(p) } IN TRANSACTIONS OF $batch ROWS"
    ),
    "org_tier_from_awards": (
        "MATCH (o:Organization)-[:AWARDED]->(t:TierAward) "
        "WHERE o.tier IS NULL OR o.tier = 'none' OR o.tier_source = 'tier_awards' "
        f"WITH o, t ORDER BY {_RANK_CASE} DESC, t.year DESC "
        "WITH o, collect(t)[0] AS best "
        "WHERE o.tier IS NULL OR o.tier <> best.tier OR o.tier_source IS NULL OR o.tier_year IS NULL "
        "   OR o.tier_year <> best.year "
        "CALL (o, best) { SET o.tier = best.tier, o.tier_source = 'tier_awards', o.tier_year = best.year, "
        "  o.is_sme = CASE WHEN o.is_sme IS NULL AND o.kind = 'company' AND o.size IS NULL "
        "    AND best.tier IN ['专精特新', '小巨人'] THEN true ELSE o.is_sme END "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
}
