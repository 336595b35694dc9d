"""Parameter sets for the programme's saved queries (issue 14) in the query benchmark.

``programme_params`` reads realistic inputs from the loaded graph (read-only, deterministic order)
— achievements, licensed and pledged patents, the busiest chain and province of
:class:`benchmarks.common.GraphSamples` — and returns them per query name; bench_queries merges them
into its own table (they replace its entries for programme_measures, chain_gaps and open_offers).
"""

from __future__ import annotations

from typing import Any


def programme_params(driver: Any, db: str, g: Any) -> dict[str, list[dict]]:
    """Parameter sets for achievements, achievement_matches, patent_history, lookup_patents, events,
    service_bodies, programme_measures, chain_gaps and open_offers, drawn from the graph."""
    from queries.adhoc import run_readonly

    def ids(cypher: str) -> list[str]:
        return [str(x) for x in run_readonly(driver, cypher, None, database=db, timeout_s=120).id]

    achs = ids("MATCH (a:Achievement) RETURN a.ach_id AS id ORDER BY id LIMIT 5")
    pledged = ids("MATCH (:Pledge)-[:OF]->(p:Patent) RETURN DISTINCT p.pub_no AS id ORDER BY id LIMIT 2")
    patents = list(g.licensed_patents) + pledged
    prov = g.province
    node = [g.node] if g.node else []
    return {
        "achievements": [{"q": "储能"}, {"q": "电池 材料", "min_trl": 6}, {}, {"region": prov, "open_to_sme": True}],
        "achievement_matches": [{"ach_id": a} for a in achs],
        "patent_history": [{"patent": p} for p in patents],
        "lookup_patents": [{"q": p} for p in patents[:2]] + [{"q": "电池"}, {}],
        "events": [{}, {"kind": "deep_dive"}, {"chain": g.chain, "year": 2024}, {"region": prov}],
        "service_bodies": [{"chain": g.chain}, {"region": prov}] + [{"node": n} for n in node],
        "programme_measures": [{}, {"region": prov}, {"by": "chain"}, {"chain": g.chain, "region": "长三角"}],
        "chain_gaps": [{"chain": c, "region": prov} for c in g.chains]
        + [{"chain": g.chain, "region": prov, "tier": "小巨人"}, {"chain": g.chain, "region": "长三角"}],
        "open_offers": [{"node": n} for n in node] + [{"holder_kind": "university"}, {}],
    }
