"""Licensor ranking quality by time split: hide the latest licences, rank licensors for each licensee.

    python benchmarks/bench_licensor_ranking.py [--holdout 0.2] [--out benchmarks/results/licensor_ranking.json]

The cut date is the (1 − holdout) quantile of licence dates. For every licensee with a licence on or
after the cut, ``licensors_for(org=licensee, as_of=cut)`` ranks candidates using only what was known
before the cut (later licences are neither counted nor excluded); the held-out licensors are the
truth. Baseline: the most active licensors before the cut (popularity), minus those that already
licensed to the licensee. Reports hit@10 and MRR for both.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from graph.connection import make_driver
from graph.settings import load_settings
from queries.adhoc import run_readonly
from queries.registry import run_query


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
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--holdout", type=float, default=0.2)
    ap.add_argument("--out", default="benchmarks/results/licensor_ranking.json")
    args = ap.parse_args()
    settings = load_settings()
    driver = make_driver(settings)
    res = evaluate(driver, settings.database, args.holdout)
    print(json.dumps(res, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2), encoding="utf-8")
    driver.close()


if __name__ == "__main__":
    main()
