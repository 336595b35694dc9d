"""Licensor ranking quality by time split: hide the latest licences, rank licensors for each licensee.

    python benchmarks/bench_licensor_ranking.py --scale demo|N|loaded --json OUT [--holdout 0.2]

``--scale`` works as in bench_queries.py (``loaded`` measures the graph as it is; ``demo`` / ``N``
load that data set first unless the graph already holds that many patents). Figures: ``hit_at_10``
and ``mrr`` with the popularity baseline as ``baseline`` (``ratio`` = ranking / popularity).

The cut date is the (1 − holdout) quantile of licence dates. For every licensee with a licence on or
after the cut, ``licensors_for(org=licensee, as_of=cut)`` ranks candidates using only what was known
before the cut (later licences are neither counted nor excluded); the held-out licensors are the
truth. Baseline: the most active licensors before the cut (popularity), minus those that already
licensed to the licensee. Reports hit@10 and MRR for both.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_queries import LOADED, ensure_loaded, scale_arg  # noqa: E402
from benchmarks.common import bench_parser, figure, finish_figure, write_result  # noqa: E402
from graph.connection import make_driver  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from queries.adhoc import run_readonly  # noqa: E402
from queries.registry import run_query  # noqa: E402


def evaluate(driver, db: str, holdout: float = 0.2, k: int = 10) -> dict:
    """Time-split evaluation of licensors_for against the popularity baseline."""
    lic = run_readonly(driver, "MATCH (a:Organization)-[r:LICENSED_TO]->(b:Organization) WHERE r.date IS NOT NULL "
                       "RETURN a.org_id AS licensor, b.org_id AS licensee, r.date AS date", database=db, row_cap=10_000_000)
    if lic.empty:
        raise SystemExit("no dated licences in the graph; load data first")
    dates = sorted(lic.date)
    cut = dates[int(len(dates) * (1 - holdout))]
    train, test = lic[lic.date < cut], lic[lic.date >= cut]
    popularity = [o for o, _ in Counter(train.licensor).most_common()]
    truth = test.groupby("licensee").licensor.apply(set)
    known = train.groupby("licensee").licensor.apply(set)

    def score(ranked: list[str], gold: set[str]) -> tuple[int, float]:
        for i, o in enumerate(ranked, 1):
            if o in gold:
                return int(i <= k), 1.0 / i
        return 0, 0.0

    model, base = [], []
    for licensee, gold in truth.items():
        gold = gold - known.get(licensee, set())
        if not gold:
            continue
        ranked = list(run_query(driver, "licensors_for", database=db, org=licensee, as_of=cut, limit=100).licensor_id)
        model.append(score(ranked, gold))
        seen = known.get(licensee, set())
        base.append(score([o for o in popularity if o not in seen and o != licensee][:100], gold))
    n = len(model)
    agg = lambda xs: {"hit@10": round(sum(h for h, _ in xs) / n, 4), "mrr": round(sum(r for _, r in xs) / n, 4)}  # noqa: E731
    return {"cut": str(cut), "licences_train": len(train), "licences_test": len(test), "licensees": n,
            "licensors_for": agg(model), "popularity": agg(base)}


def main() -> None:
    p = bench_parser(__doc__.splitlines()[0])
    for action in p._actions:  # also accept "loaded" (measure what the server holds)
        if action.dest == "scale":
            action.type, action.default = scale_arg, LOADED
    p.add_argument("--holdout", type=float, default=0.2, help="share of the latest licences hidden (default 0.2)")
    args = p.parse_args()
    settings = load_settings()
    driver = make_driver(settings)
    notes = ensure_loaded(driver, settings.database, args.scale)
    res = evaluate(driver, settings.database, args.holdout)
    driver.close()
    print(json.dumps(res, indent=2))
    model, pop = res["licensors_for"], res["popularity"]
    figures = {
        "hit_at_10": finish_figure(figure(model["hit@10"], "share", baseline=pop["hit@10"],
                                          note="baseline: most active licensors before the cut (popularity)")),
        "mrr": finish_figure(figure(model["mrr"], "MRR", baseline=pop["mrr"])),
    }
    notes.append(f"time split at {res['cut']}: {res['licences_train']} train / {res['licences_test']} test licences, "
                 f"{res['licensees']} licensees with a new licensor")
    write_result(args.json, "licensor_ranking", args.scale, figures, notes, extra={"detail": res})


if __name__ == "__main__":
    main()
