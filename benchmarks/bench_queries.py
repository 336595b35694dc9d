"""p50/p95 latency of every saved query on the loaded graph.

    python benchmarks/bench_queries.py [--scale demo|N] [--runs 30] [--out benchmarks/results/queries.json]

``--scale`` is a label for the graph that is loaded (``demo`` after ``chainkg demo``; ``100x`` after
loading the generator's ``--patents`` output): the script measures what is in the database. Each
query runs ``--runs`` times per parameter set; parameters are drawn from the graph (busiest chain,
province, SME, licensor, demand). Aims at 1M patents: chain_map p95 < 300 ms, license_paths < 200 ms,
licensors_for < 500 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from graph.connection import make_driver
from graph.settings import load_settings
from queries.adhoc import run_readonly
from queries.registry import run_query


def pick_params(driver, db: str) -> dict[str, list[dict]]:
    """Realistic parameters taken from the graph itself."""
    one = lambda q, **p: run_readonly(driver, q, p, database=db)  # noqa: E731
    chain = one("MATCH (c:Chain)-[:HAS_NODE]->(n) RETURN c.chain_id AS id, count(n) AS k ORDER BY k DESC, id LIMIT 1").id[0]
    prov = one("MATCH (o:Organization) WHERE o.is_sme AND o.province_code IS NOT NULL "
               "RETURN o.province_code AS p, count(*) AS k ORDER BY k DESC, p LIMIT 1").p[0]
    smes = list(one("MATCH (o:Organization)-[:IN_NODE]->() WHERE o.is_sme RETURN DISTINCT o.org_id AS id ORDER BY id LIMIT 5").id)
    lic = one("MATCH (a)-[r:LICENSED_TO]->(b) RETURN a.org_id AS a, b.org_id AS b ORDER BY r.license_id LIMIT 5")
    node = one("MATCH (n:ChainNode)<-[:MAPS_TO]-(p) RETURN n.node_id AS id, count(p) AS k ORDER BY k DESC, id LIMIT 1").id[0]
    demands = list(one("MATCH (d:Demand) RETURN d.demand_id AS id ORDER BY id LIMIT 3").id)
    pat = list(one("MATCH (l:License)-[:OF]->(p:Patent) RETURN p.pub_no AS id ORDER BY id LIMIT 3").id)
    return {
        "chain_map": [{"chain": chain, "region": prov}, {"chain": chain}],
        "chain_gaps": [{"chain": chain, "region": prov}],
        "licensors_for": [{"org": s} for s in smes] + [{"node": node}],
        "license_paths": [{"from_org": a, "to_org": b, "max_hops": 4} for a, b in zip(lic.a, reversed(list(lic.b)), strict=False)],
        "licensing_network": [{"org": a} for a in lic.a[:3]] + [{"patent": p} for p in pat],
        "demand_matches": [{"demand_id": d} for d in demands],
        "patent_landscape": [{"node": node}],
        "university_partners": [{"org": s} for s in smes],
        "open_offers": [{"node": node}],
        "org_profile": [{"org": s} for s in smes],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--out", default="benchmarks/results/queries.json")
    args = ap.parse_args()
    settings = load_settings()
    driver = make_driver(settings)
    db = settings.database
    results = {}
    for name, param_sets in pick_params(driver, db).items():
        times = []
        rows = 0
        for params in param_sets:
            run_query(driver, name, database=db, **params)  # warm the plan cache
            for _ in range(max(1, args.runs // len(param_sets))):
                t0 = time.perf_counter()
                rows = len(run_query(driver, name, database=db, **params))
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "runs": len(times), "param_sets": len(param_sets), "last_rows": rows,
        }
        print(f"{name:22s} p50 {results[name]['p50_ms']:8.1f} ms  p95 {results[name]['p95_ms']:8.1f} ms  ({len(times)} runs)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scale": args.scale, "queries": results}, indent=2), encoding="utf-8")
    driver.close()


if __name__ == "__main__":
    main()
