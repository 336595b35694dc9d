"""Precomputed shortcuts for the saved queries: counts stored at load time (docs/queries.md).

``refresh_chain_counts`` recomputes, set-based and in batched transactions, three things the
region-filtered saved queries would otherwise count live by walking every patent of a node or a
region (chain_map, chain_gaps, licensors_for):

* on each ChainNode: ``pc_total`` (its MAPS_TO degree when counted — the freshness stamp),
  ``pc_region_keys`` / ``pc_region_counts`` (aligned lists: for every 2-, 4- and 6-digit prefix of
  a region_code, the distinct patents on the node with an owner whose region_code starts with it);
* on each IN_NODE edge: ``pc_node_patents`` (the organisation's patents on that node);
* on each Patent: ``pc_licensors`` (org_ids of its owners that are neither an SME nor a government),
  ``pc_owner_regions`` (the distinct region codes of all its owners, '' for an owner without one:
  patent_landscape's region filter) and ``pc_owner_degree`` (its HOLDS|APPLICANT_OF degree when
  computed — their freshness stamp).

``node_owners`` stores on each ChainNode every owner of its patents with its distinct patents on the
node, ordered as chain_gaps lists the strongest organisations elsewhere (``pc_own_ids`` /
``pc_own_counts`` / ``pc_own_regions``, stamp ``pc_own_stamp``: the graph's count-store totals).

``refresh_programme_totals`` (run by ``refresh_chain_counts`` after the steps above) stores
programme_measures' yearly totals (issue 14: it read every licence, transfer, deal, event, pledge,
award, achievement and demand on each run): the query's own record section, summed per (measure,
year, region code, chain), kept on ``ProgrammeTotals`` nodes — ``L2:`` (keys: 2-digit region prefixes,
'~' for no region), ``L4:<province prefix>`` (keys: 4-digit prefixes) and ``L6:<city prefix>`` (keys:
full codes) — as aligned lists ``measures``/``years``/``keys``/``chains``/``values`` ('~' and -1 stand
for null), with the stamp on ``(:ProgrammeTotals {key: 'stamp'})``: the count-store totals of every
label and relationship type the records are read through. A record changed in place (same counts)
is seen only after the next refresh, as for licensor_groups.

``achievement_nodes`` stores on each Achievement the sorted ids of its chain nodes (ABOUT, and MAPS_TO
of the patents it is BACKED_BY) as ``pc_nodes``, stamp ``pc_nodes_stamp`` (count-store totals of
achievements, chain nodes, ABOUT, BACKED_BY, MAPS_TO): demand_matches reads them instead of expanding
every achievement's patents.

``node_offers`` stores on each ChainNode the sorted pub_nos of its patents with an open-licence offer
(``pc_off_ids``, stamp ``pc_off_stamp``: the count-store totals of STAMP_CYPHER): demand_matches reads
them instead of scanning every offer.

``org_node_groups`` stores on each Organization placed on a chain node its distinct patents
(HOLDS|APPLICANT_OF) grouped by the exact set of nodes they map to (``pc_np_sigs`` / ``pc_np_counts``,
stamp ``pc_np_stamp``: the count-store totals of STAMP_CYPHER): demand_matches sums the groups meeting
the demand's nodes instead of expanding each partner organisation's patents.

``refresh_landscapes`` (run last) stores patent_landscape's rows — its own live section run with
top_n = 20 and no region — on every ChainNode and on the IPC nodes of every subclass and main group
a patent is classified under (``pc_ls_*`` aligned lists, ``pc_ls_prefix`` the IPC prefix
answered, stamp ``pc_ls_stamp``: count-store totals of patents, organisations, HOLDS, APPLICANT_OF,
MAPS_TO, OFFERED, CLASSIFIED_AS, OF, licences and transfers).

"Owner" everywhere is the queries' rule: the HOLDS organisations, or the applicants when nobody
holds the patent. It is a full refresh and idempotent (a value is only written when it changed).
The queries use a node's values only while ``pc_total`` equals its live MAPS_TO degree (a patent's
while ``pc_owner_degree`` equals its live owner-edge degree) and fall back to live counting otherwise,
so a graph that was never refreshed still answers correctly.
"""

from __future__ import annotations

import re
from pathlib import Path

import neo4j
from neo4j.exceptions import ClientError, Neo4jError, TransientError

from graph.errors import ChainKGError, WriteError

_OWNER = "(type(r) = 'HOLDS' OR COUNT { (p)<-[:HOLDS]-() } = 0)"

# Days from 1970-01-01 to a patent's filing date (an integer, so stored and live sums agree exactly).
FILED_DAYS = "duration.inDays(date('1970-01-01'), p.filed).days"

# The graph's totals from the count store (constant time): the freshness stamp of licensor_groups.
# Any patent, organisation, owner edge, placement or open-licence offer added or removed changes it.
STAMP_CYPHER = (
    "CALL () { MATCH (x:Patent) RETURN count(x) AS c1 } "
    "CALL () { MATCH (x:Organization) RETURN count(x) AS c2 } "
    "CALL () { MATCH ()-[x:HOLDS]->() RETURN count(x) AS c3 } "
    "CALL () { MATCH ()-[x:APPLICANT_OF]->() RETURN count(x) AS c4 } "
    "CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 } "
    "CALL () { MATCH ()-[x:OFFERED]->() RETURN count(x) AS c6 } "
    "WITH [c1, c2, c3, c4, c5, c6] AS stamp"
)

#: The totals an achievement's stored node ids (``pc_nodes``) are read through: achievements, chain
#: nodes, ABOUT, BACKED_BY and MAPS_TO edges (count store, constant time); demand_matches repeats it.
ACHIEVEMENT_STAMP_CYPHER = (
    "CALL () { MATCH (x:Achievement) RETURN count(x) AS c1 } "
    "CALL () { MATCH (x:ChainNode) RETURN count(x) AS c2 } "
    "CALL () { MATCH ()-[x:ABOUT]->() RETURN count(x) AS c3 } "
    "CALL () { MATCH ()-[x:BACKED_BY]->() RETURN count(x) AS c4 } "
    "CALL () { MATCH ()-[x:MAPS_TO]->() RETURN count(x) AS c5 } "
    "WITH [c1, c2, c3, c4, c5] AS stamp"
)

# name -> Cypher; $batch is the rows per inner transaction.
REFRESHES: dict[str, str] = {
    "chain_node_region_counts": (
        "MATCH (n:ChainNode) "
        "CALL (n) { "
        "  CALL (n) { "
        "    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n) "
        f"   WHERE h.region_code IS NOT NULL AND {_OWNER} "
        "    UNWIND CASE WHEN h IS NULL THEN [] ELSE [2, 4, 6] END AS len "
        "    WITH DISTINCT left(h.region_code, len) AS key, p "
        "    WITH key, count(p) AS k ORDER BY key "
        "    RETURN collect(key) AS keys, collect(k) AS counts "
        "  } "
        "  WITH n, keys, counts, COUNT { (n)<-[:MAPS_TO]-() } AS total "
        "  WHERE n.pc_total IS NULL OR n.pc_total <> total OR n.pc_region_keys IS NULL "
        "    OR n.pc_region_keys <> keys OR n.pc_region_counts <> counts "
        "  SET n.pc_total = total, n.pc_region_keys = keys, n.pc_region_counts = counts "
        "} IN TRANSACTIONS OF 1 ROWS"
    ),
    "in_node_patents": (
        "MATCH (o:Organization)-[x:IN_NODE]->(n:ChainNode) "
        "CALL (o, x, n) { "
        "  WITH o, x, n, COUNT { MATCH (o)-[r:HOLDS|APPLICANT_OF]->(p:Patent) "
        f"   WHERE {_OWNER} AND EXISTS {{ (p)-[:MAPS_TO]->(n) }} }} AS k "
        "  WITH x, k WHERE x.pc_node_patents IS NULL OR x.pc_node_patents <> k "
        "  SET x.pc_node_patents = k "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # The org_ids of a patent's owners that can be licensors (not an SME, not a government), and the
    # region codes of all its owners ('' for none: patent_landscape's region filter), with its
    # HOLDS|APPLICANT_OF degree as the freshness stamp.
    "patent_licensors": (
        "MATCH (p:Patent) "
        "CALL (p) { "
        "  CALL (p) { "
        "    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p) "
        f"   WHERE {_OWNER} "
        "    WITH DISTINCT h "
        "    WITH collect(CASE WHEN coalesce(h.is_sme, false) = false AND coalesce(h.kind, 'company') <> 'government' "
        "                      THEN h.org_id END) AS ids, collect(CASE WHEN h IS NOT NULL THEN coalesce(h.region_code, '') END) AS rcs "
        "    RETURN COLLECT { UNWIND ids AS id RETURN DISTINCT id ORDER BY id } AS ids, "
        "           COLLECT { UNWIND rcs AS rc RETURN DISTINCT rc ORDER BY rc } AS rcs "
        "  } "
        "  WITH p, ids, rcs, COUNT { (p)<-[:HOLDS|APPLICANT_OF]-() } AS deg "
        "  WHERE p.pc_licensors IS NULL OR p.pc_licensors <> ids OR p.pc_owner_regions IS NULL "
        "    OR p.pc_owner_regions <> rcs OR p.pc_owner_degree IS NULL OR p.pc_owner_degree <> deg "
        "  SET p.pc_licensors = ids, p.pc_owner_regions = rcs, p.pc_owner_degree = deg "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # licensors_for's aggregates (issue 7: it read every patent of an SME's nodes). For each node,
    # one entry per (licensor, node set) group: the licensor's patents on the node whose MAPS_TO
    # node set is exactly that set (``sig``, the sorted node ids joined by '|'), with the counts the
    # score needs. A patent on two of an SME's nodes sits in one group, listed under both nodes, so
    # the query de-duplicates groups before summing and never counts a patent twice. The stamp is
    # the graph's own count-store totals at the start of the refresh: any added or removed patent,
    # organisation, owner, placement or offer makes the stored groups stale (queries then count live).
    "licensor_groups": (
        f"{STAMP_CYPHER} "
        "MATCH (n:ChainNode) "
        "CALL (n, stamp) { "
        "  CALL (n) { "
        "    OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n) "
        "    RETURN max(p.filed) AS max_filed "
        "  } "
        "  CALL (n) { "
        "    OPTIONAL MATCH (p:Patent)-[:MAPS_TO]->(n) "
        "    WITH p, COLLECT { MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p) "
        f"     WHERE {_OWNER} AND coalesce(h.is_sme, false) = false "
        "        AND coalesce(h.kind, 'company') <> 'government' RETURN DISTINCT h.org_id } AS ids "
        "    UNWIND ids AS id "
        "    WITH id, p, coalesce(p.status, 'unknown') AS status, "
        "         reduce(s = '', m IN COLLECT { MATCH (p)-[:MAPS_TO]->(m:ChainNode) RETURN m.node_id ORDER BY m.node_id } "
        "                | s + '|' + m) AS sig "
        "    WITH id, sig, count(p) AS k, "
        "         sum(CASE WHEN status IN ['invalid', 'expired'] THEN 0 ELSE 1 END) AS live, "
        "         sum(CASE WHEN status = 'granted' THEN 1 ELSE 0 END) AS granted, "
        "         sum(CASE WHEN NOT status IN ['invalid', 'expired'] AND COUNT { (p)-[:OFFERED]->() } > 0 THEN 1 ELSE 0 END) AS open, "
        f"        sum({FILED_DAYS}) AS fsum, count(p.filed) AS fn "
        "    ORDER BY id, sig "
        "    RETURN collect(id) AS ids, collect(sig) AS sigs, collect(k) AS ks, collect(live) AS lives, "
        "           collect(granted) AS granteds, collect(open) AS opens, collect(fsum) AS fsums, collect(fn) AS fns "
        "  } "
        "  WITH n, stamp, max_filed, ids, sigs, ks, lives, granteds, opens, fsums, fns "
        "  WHERE NOT (coalesce(n.pc_lic_stamp = stamp, false) AND coalesce(n.pc_lic_ids = ids, false) "
        "    AND coalesce(n.pc_lic_sigs = sigs, false) AND coalesce(n.pc_lic_patents = ks, false) "
        "    AND coalesce(n.pc_lic_live = lives, false) AND coalesce(n.pc_lic_granted = granteds, false) "
        "    AND coalesce(n.pc_lic_open = opens, false) AND coalesce(n.pc_lic_fsum = fsums, false) "
        "    AND coalesce(n.pc_lic_fn = fns, false) "
        "    AND coalesce(n.pc_lic_max_filed = max_filed, n.pc_lic_max_filed IS NULL AND max_filed IS NULL)) "
        "  SET n.pc_lic_ids = ids, n.pc_lic_sigs = sigs, n.pc_lic_patents = ks, n.pc_lic_live = lives, "
        "      n.pc_lic_granted = granteds, n.pc_lic_open = opens, n.pc_lic_fsum = fsums, n.pc_lic_fn = fns, "
        "      n.pc_lic_max_filed = max_filed, n.pc_lic_stamp = stamp "
        "} IN TRANSACTIONS OF 1 ROWS"
    ),
    # chain_gaps' strongest organisations elsewhere (issue 14: each gap read all of its node's
    # patents): every owner of the node's patents with its distinct patents on the node, ordered as
    # the query orders them (patents descending, then name, then id), with its region code ('' for
    # none) so the query skips the local ones. Stamp: the graph's count-store totals, as above.
    "node_owners": (
        f"{STAMP_CYPHER} "
        "MATCH (n:ChainNode) "
        "CALL (n, stamp) { "
        "  CALL (n) { "
        "    OPTIONAL MATCH (h:Organization)-[r:HOLDS|APPLICANT_OF]->(p:Patent)-[:MAPS_TO]->(n) "
        f"   WHERE {_OWNER} "
        "    WITH h, count(DISTINCT p) AS k WHERE h IS NOT NULL "
        "    ORDER BY k DESC, h.name, h.org_id "
        "    RETURN collect(h.org_id) AS ids, collect(k) AS ks, collect(coalesce(h.region_code, '')) AS rcs "
        "  } "
        "  WITH n, stamp, ids, ks, rcs "
        "  WHERE NOT (coalesce(n.pc_own_stamp = stamp, false) AND coalesce(n.pc_own_ids = ids, false) "
        "    AND coalesce(n.pc_own_counts = ks, false) AND coalesce(n.pc_own_regions = rcs, false)) "
        "  SET n.pc_own_ids = ids, n.pc_own_counts = ks, n.pc_own_regions = rcs, n.pc_own_stamp = stamp "
        "} IN TRANSACTIONS OF 1 ROWS"
    ),
    # demand_matches' achievement nodes (issue 17: it expanded every achievement's backing patents on
    # each run, ~0.7M db hits at 1M patents): the sorted node ids of the achievement's ABOUT edges and
    # of its backing patents' MAPS_TO edges, stamped with the count-store totals they are read through.
    "achievement_nodes": (
        f"{ACHIEVEMENT_STAMP_CYPHER} "
        "MATCH (a:Achievement) "
        "CALL (a, stamp) { "
        "  WITH a, stamp, COLLECT { "
        "    CALL (a) { MATCH (a)-[:ABOUT]->(x:ChainNode) RETURN x "
        "               UNION MATCH (a)-[:BACKED_BY]->(:Patent)-[:MAPS_TO]->(x:ChainNode) RETURN x } "
        "    WITH x.node_id AS id WHERE id IS NOT NULL RETURN id ORDER BY id } AS ids "
        "  WITH a, stamp, ids "
        "  WHERE NOT (coalesce(a.pc_nodes_stamp = stamp, false) AND coalesce(a.pc_nodes = ids, false)) "
        "  SET a.pc_nodes = ids, a.pc_nodes_stamp = stamp "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
    # demand_matches' offered patents (issue 17: it scanned every open-licence offer and expanded each
    # offered patent's MAPS_TO edges on each run, ~0.3M db hits at 1M patents): on each chain node the
    # sorted pub_nos of its patents with an open-licence offer, stamped with the count-store totals.
    "node_offers": (
        f"{STAMP_CYPHER} "
        "MATCH (n:ChainNode) "
        "CALL (n, stamp) { "
        "  WITH n, stamp, COLLECT { MATCH (p:Patent)-[:MAPS_TO]->(n) "
        "    WHERE EXISTS { (p)-[:OFFERED]->(:OpenLicenseOffer) } "
        "    RETURN DISTINCT p.pub_no AS id ORDER BY id } AS ids "
        "  WHERE NOT (coalesce(n.pc_off_stamp = stamp, false) AND coalesce(n.pc_off_ids = ids, false)) "
        "  SET n.pc_off_ids = ids, n.pc_off_stamp = stamp "
        "} IN TRANSACTIONS OF 1 ROWS"
    ),
    # demand_matches' partner organisations (issue 17: it expanded every candidate organisation's
    # patents and their MAPS_TO edges on each run, ~0.37M db hits at 1M patents): for each
    # organisation placed on a node (IN_NODE, the only ones the query scores), its distinct
    # HOLDS|APPLICANT_OF patents grouped by the exact set of nodes they map to (``sig``, sorted node
    # ids joined by '|', as licensor_groups), with each group's patent count. The query sums the
    # groups whose set meets the demand's nodes: each patent sits in one group, so counted once.
    "org_node_groups": (
        f"{STAMP_CYPHER} "
        "MATCH (o:Organization) WHERE EXISTS { (o)-[:IN_NODE]->(:ChainNode) } "
        "CALL (o, stamp) { "
        "  CALL (o) { "
        "    OPTIONAL MATCH (o)-[:HOLDS|APPLICANT_OF]->(p:Patent) "
        "    WITH DISTINCT p "
        "    WITH p, COLLECT { MATCH (p)-[:MAPS_TO]->(m:ChainNode) RETURN m.node_id AS id ORDER BY id } AS ms "
        "    WHERE size(ms) > 0 "
        "    WITH reduce(s = '', m IN ms | s + '|' + m) AS sig, count(p) AS k "
        "    ORDER BY sig "
        "    RETURN collect(sig) AS sigs, collect(k) AS ks "
        "  } "
        "  WITH o, stamp, sigs, ks "
        "  WHERE NOT (coalesce(o.pc_np_stamp = stamp, false) AND coalesce(o.pc_np_sigs = sigs, false) "
        "    AND coalesce(o.pc_np_counts = ks, false)) "
        "  SET o.pc_np_sigs = sigs, o.pc_np_counts = ks, o.pc_np_stamp = stamp "
        "} IN TRANSACTIONS OF $batch ROWS"
    ),
}


#: The saved query whose record section and stamp the programme totals are built from (one source of
#: truth: the stored path can only agree with the live one if both run the same Cypher).
PROGRAMME_QUERY = Path(__file__).resolve().parent.parent / "queries" / "programme_measures.cypher"

#: Label of the nodes holding programme_measures' stored totals (written only by this module).
PROGRAMME_TOTALS_LABEL = "ProgrammeTotals"


def _query_sections(path: Path, query: str, names: tuple[str, str], indent: str = "") -> tuple[str, str]:
    """The ``// NAME: begin … end`` sections ``names`` of a saved query file (``indent``: a regex for what may
    precede a marker on its line)."""
    text = path.read_text(encoding="utf-8")
    out = []
    for name in names:
        m = re.search(rf"^{indent}// {name}: begin\n(.*?)^{indent}// {name}: end$", text, re.S | re.M)
        if not m:
            raise ChainKGError(f"{path}: no '// {name}: begin' … '// {name}: end' section; "
                               f"{query} must keep both markers (graph/precompute.py reads them)")
        out.append(m.group(1))
    return out[0], out[1]


def programme_sections(path: Path = PROGRAMME_QUERY) -> tuple[str, str]:
    """The ``// stamp: begin … end`` and ``// records: begin … end`` sections of programme_measures."""
    return _query_sections(path, "programme_measures", ("stamp", "records"))


def _programme_totals_cypher() -> str:
    """One statement (one transaction, so the stamp and the totals always change together)."""
    stamp, records = programme_sections()
    # the stamp section ends "WITH need_chain, [...] AS stamp"; run it with the chain always needed
    return (
        "WITH true AS need_chain "
        f"{stamp}"
        "CALL (need_chain) { "
        f"{records}"
        "  WITH measure, CASE WHEN day IS NULL THEN -1 ELSE day.year END AS year, "
        "       coalesce(rc, '~') AS rc, coalesce(chain_id, '~') AS chain_id, toFloat(n) AS n "
        "  UNWIND [2, 4, 6] AS level "
        "  WITH level, measure, year, chain_id, n, rc WHERE level = 2 OR rc <> '~' "
        "  WITH level, measure, year, chain_id, n, "
        "       CASE level WHEN 2 THEN '' WHEN 4 THEN left(rc, 2) ELSE left(rc, 4) END AS parent, "
        "       CASE level WHEN 2 THEN left(rc, 2) WHEN 4 THEN left(rc, 4) ELSE rc END AS k "
        "  WITH level, parent, measure, year, k, chain_id, sum(n) AS value "
        "  ORDER BY level, parent, measure, year, k, chain_id "
        "  WITH level, parent, collect(measure) AS ms, collect(year) AS ys, collect(k) AS ks, "
        "       collect(chain_id) AS cs, collect(value) AS vs "
        "  RETURN collect({key: 'L' + toString(level) + ':' + parent, level: level, parent: parent, "
        "                  ms: ms, ys: ys, ks: ks, cs: cs, vs: vs}) AS rows "
        "} "
        "CALL (rows) { "
        f"  MATCH (t:{PROGRAMME_TOTALS_LABEL}) WHERE t.key <> 'stamp' AND NOT t.key IN [x IN rows | x.key] "
        "  DETACH DELETE t "
        "} "
        "CALL (rows) { "
        "  UNWIND rows AS x "
        f"  MERGE (t:{PROGRAMME_TOTALS_LABEL} {{key: x.key}}) "
        "  WITH t, x WHERE NOT (coalesce(t.level = x.level, false) AND coalesce(t.parent = x.parent, false) "
        "    AND coalesce(t.measures = x.ms, false) AND coalesce(t.years = x.ys, false) "
        "    AND coalesce(t.keys = x.ks, false) AND coalesce(t.chains = x.cs, false) "
        "    AND coalesce(t.values = x.vs, false)) "
        "  SET t.level = x.level, t.parent = x.parent, t.measures = x.ms, t.years = x.ys, t.keys = x.ks, "
        "      t.chains = x.cs, t.values = x.vs "
        "} "
        f"MERGE (s:{PROGRAMME_TOTALS_LABEL} {{key: 'stamp'}}) "
        "WITH s, stamp WHERE NOT coalesce(s.stamp = stamp, false) "
        "SET s.stamp = stamp"
    )


def refresh_programme_totals(driver: neo4j.Driver, database: str = "neo4j") -> int:
    """Recompute programme_measures' stored yearly totals; returns the properties (and nodes) changed.

    One transaction: the stamp is counted before the records are read, so a write landing during
    the refresh leaves a stamp that no longer matches and the query reads the records live.
    """
    cypher = _programme_totals_cypher()
    try:
        with driver.session(database=database) as session:
            c = session.run(cypher).consume().counters
    except Neo4jError as e:
        raise WriteError(
            f"precomputed shortcut 'programme_totals' failed ({e.code}: {e.message}); "
            "re-run `chainkg load` or graph.precompute.refresh_chain_counts (it is idempotent)"
        ) from e
    return c.properties_set + c.nodes_deleted


#: patent_landscape, whose live section the stored landscapes are computed with (one source of truth).
LANDSCAPE_QUERY = Path(__file__).resolve().parent.parent / "queries" / "patent_landscape.cypher"

#: Rows stored per ranked section (top_holders, ipc_groups); patent_landscape reads the stored rows
#: only for top_n up to this (default 10, ceiling 100). At 1M patents the live section's transaction
#: memory grows with top_n times the patents covered: top_n = 100 exceeded the server's 2.1 GiB for
#: 60k+ patent subclasses, 50 for H01M (124k patents); 20 fits them all.
LANDSCAPE_TOP_N = 20

#: The IPC prefixes a stored landscape answers: one per IPC node of these levels with a patent
#: classified under it — its code for a subclass (``H01M``), the code without ``00`` for a main group
#: (``H01M10/``, the form ``H01M 10/`` normalises to). Sections and classes (``H``, ``H01``: up to
#: hundreds of thousands of patents each at 1M) are left to the live query: one landscape of that
#: size does not fit the server's transaction memory (2.1 GiB at 1M patents with a 3 GB heap).
_LANDSCAPE_IPC = (
    "MATCH (c:IPC) WHERE EXISTS { (c)<-[:CLASSIFIED_AS]-() } "
    "MATCH (c)-[:PARENT*0..4]->(a:IPC) WHERE a.level IN ['subclass', 'main_group'] "
    "WITH DISTINCT a "
    "WITH a, CASE WHEN a.level <> 'main_group' THEN a.code "
    "             WHEN a.code ENDS WITH '/00' THEN left(a.code, size(a.code) - 2) END AS prefix "
    "WHERE prefix IS NOT NULL "
    "RETURN a.code AS code, prefix ORDER BY code"
)

# One stored landscape per holder (ChainNode or IPC node): the live section's rows as aligned lists
# ('' for a null key or label, -1.0 for a null share), the IPC prefix it answers and the stamp.
_LANDSCAPE_WRITE = (
    "UNWIND $rows AS x "
    "CALL (x) { "
    "  OPTIONAL MATCH (n:ChainNode {node_id: x.node}) "
    "  OPTIONAL MATCH (i:IPC {code: x.code}) "
    "  WITH coalesce(n, i) AS s, x WHERE s IS NOT NULL "
    "  AND NOT (coalesce(s.pc_ls_stamp = $stamp, false) AND coalesce(s.pc_ls_sections = x.sections, false) "
    "    AND coalesce(s.pc_ls_ranks = x.ranks, false) AND coalesce(s.pc_ls_keys = x.keys, false) "
    "    AND coalesce(s.pc_ls_labels = x.labels, false) AND coalesce(s.pc_ls_values = x.vals, false) "
    "    AND coalesce(s.pc_ls_shares = x.shares, false) "
    "    AND coalesce(s.pc_ls_prefix = x.prefix, s.pc_ls_prefix IS NULL AND x.prefix IS NULL)) "
    "  SET s.pc_ls_sections = x.sections, s.pc_ls_ranks = x.ranks, s.pc_ls_keys = x.keys, "
    "      s.pc_ls_labels = x.labels, s.pc_ls_values = x.vals, s.pc_ls_shares = x.shares, "
    "      s.pc_ls_prefix = x.prefix, s.pc_ls_stamp = $stamp "
    "}"
)
_LANDSCAPE_PROPS = ("pc_ls_sections", "pc_ls_ranks", "pc_ls_keys", "pc_ls_labels", "pc_ls_values",
                    "pc_ls_shares", "pc_ls_prefix", "pc_ls_stamp")
_SECTION_ORDER = {"summary": 0, "top_holders": 1, "yearly_filings": 2, "ipc_groups": 3, "licensing": 4}


def landscape_sections(path: Path = LANDSCAPE_QUERY) -> tuple[str, str]:
    """The ``// stamp: begin … end`` and ``// live: begin … end`` sections of patent_landscape (markers may be indented)."""
    return _query_sections(path, "patent_landscape", ("stamp", "live"), indent="[ \t]*")


def _landscape_lists(records: list) -> dict:
    """The live section's rows (any order) → aligned lists in the query's own row order."""
    rows = sorted(records, key=lambda r: (_SECTION_ORDER.get(r["section"], 5), r["rank"], r["key"] or ""))
    return {
        "sections": [r["section"] for r in rows], "ranks": [int(r["rank"]) for r in rows],
        "keys": [r["key"] or "" for r in rows], "labels": [r["label"] or "" for r in rows],
        "vals": [int(r["value"]) for r in rows],
        "shares": [-1.0 if r["share"] is None else float(r["share"]) for r in rows],
    }


def refresh_landscapes(driver: neo4j.Driver, database: str = "neo4j", *, batch_size: int = 50,
                       stale_only: bool = False) -> int:
    """Store patent_landscape's rows on every ChainNode and on the IPC nodes of every subclass and main
    group a patent is classified under; returns the properties set.

    Each landscape is the query's own live section run with top_n = LANDSCAPE_TOP_N (20) and no region (one read per
    holder), written only when it changed, with the count-store stamp read before the first one: a
    write landing during the refresh leaves a stamp that no longer matches and the query reads live.
    Stored landscapes of IPC nodes no longer above any classified patent are removed. A landscape the
    server cannot hold in its transaction memory is skipped (left to the live query). ``stale_only``
    computes only the landscapes whose stamp differs from the graph's now (missing ones included): a
    cheap catch-up after a refresh that skipped some, but blind to property edits the stamp misses.
    """
    stamp_cypher, live = landscape_sections()
    props = 0
    try:
        with driver.session(database=database) as session:
            stamp = session.run(f"{stamp_cypher} RETURN stamp").single()["stamp"]
            nodes = [r["id"] for r in session.run("MATCH (n:ChainNode) RETURN n.node_id AS id ORDER BY id")]
            ipc = [(r["prefix"], r["code"]) for r in session.run(_LANDSCAPE_IPC)]
            props += session.run(
                "MATCH (i:IPC) WHERE i.pc_ls_stamp IS NOT NULL AND NOT i.code IN $keep "
                "REMOVE " + ", ".join(f"i.{x}" for x in _LANDSCAPE_PROPS),
                keep=[code for _, code in ipc]).consume().counters.properties_set
            todo = [({"node": n, "ipc": None}, {"node": n, "code": None, "prefix": None}) for n in nodes]
            todo += [({"node": None, "ipc": pfx}, {"node": None, "code": code, "prefix": pfx}) for pfx, code in ipc]
            if stale_only:
                current = {(r["node"], r["code"]) for r in session.run(
                    "MATCH (n:ChainNode) WHERE n.pc_ls_stamp = $stamp RETURN n.node_id AS node, null AS code "
                    "UNION ALL MATCH (i:IPC) WHERE i.pc_ls_stamp = $stamp RETURN null AS node, i.code AS code",
                    stamp=stamp)}
                todo = [(params, where) for params, where in todo if (where["node"], where["code"]) not in current]
            batch: list[dict] = []
            for i, (params, where) in enumerate(todo, 1):
                try:
                    recs = list(session.run(live, **params, region=None, top_n=LANDSCAPE_TOP_N))
                except (ClientError, TransientError) as e:
                    # too big for the server's transaction memory: left unstored, the query counts it live
                    if "Memory" not in (e.code or "") + (e.message or ""):
                        raise
                    recs = None
                if recs is not None:
                    batch.append({**where, **_landscape_lists(recs)})
                if batch and (len(batch) >= batch_size or i == len(todo)):
                    props += session.run(_LANDSCAPE_WRITE, rows=batch, stamp=stamp).consume().counters.properties_set
                    batch = []
    except Neo4jError as e:
        raise WriteError(
            f"precomputed shortcut 'landscapes' failed ({e.code}: {e.message}); "
            "re-run `chainkg load` or graph.precompute.refresh_chain_counts (it is idempotent)"
        ) from e
    return props


def refresh_chain_counts(driver: neo4j.Driver, database: str = "neo4j", *, batch_size: int = 5000) -> dict[str, int]:
    """Recompute every precomputed shortcut (programme_measures' totals included); returns the
    properties set per refresh step.

    Run after anything that changes patents, owners, regions or placements (the end of
    ``run_derivations`` and of ``extract_graph`` do). Safe to re-run: values are only rewritten
    when they changed, and a failure part-way leaves nodes whose stamp no longer matches, which the
    queries count live.
    """
    out: dict[str, int] = {}
    with driver.session(database=database) as session:
        for name, cypher in REFRESHES.items():
            try:
                summary = session.run(cypher, batch=batch_size).consume()
            except Neo4jError as e:
                raise WriteError(
                    f"precomputed shortcut {name!r} failed ({e.code}: {e.message}); "
                    "re-run `chainkg load` or graph.precompute.refresh_chain_counts (it is idempotent)"
                ) from e
            out[name] = summary.counters.properties_set
    out["programme_totals"] = refresh_programme_totals(driver, database)
    out["landscapes"] = refresh_landscapes(driver, database)
    return out
