"""Before/after of the saved queries in one run: a committed version of each query file against the
working tree's, on the same server, parameter sets and answers compared.

    python benchmarks/bench_queries_ab.py --scale loaded --json OUT [--rev HEAD] [--runs 10] [--only NAME]

For every saved query of ``benchmarks/bench_queries.py``'s table, both texts are rendered with the same
resolved parameters (headers are the same; a query whose text did not change runs once, as both).
Each parameter set is run once per text to warm the plan cache and to compare the answers (rows
equal, in order), then ``--runs`` timed runs per text alternate old, new, old, new … so both meet
the same machine load. PROFILE db hits of each text on the query's first parameter set and the
machine load average are recorded. Figures: ``<query>.before_p50_ms``, ``before_p95_ms``,
``after_p50_ms``, ``after_p95_ms``, ``before_db_hits``, ``after_db_hits``, ``same_answers``.
Read-only: the stored shortcuts the new texts read must have been refreshed already.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_queries import pick_params  # noqa: E402
from benchmarks.common import (  # noqa: E402
    bench_parser,
    figure,
    finish_figure,
    latency_summary,
    machine_facts,
    write_result,
)

ROOT = Path(__file__).resolve().parent.parent


def cached_samples(cache: Path | None, timeout_s: float = 900):
    """``benchmarks.common.graph_samples`` with a patient timeout (its sampling queries take minutes
    on a loaded 1M graph), kept in ``cache`` (JSON) so a re-run reuses the same inputs."""
    import dataclasses
    import json

    import queries.adhoc as adhoc
    from benchmarks import common

    def samples(driver, db):
        if cache is not None and cache.exists():
            d = json.loads(cache.read_text(encoding="utf-8"))
            return common.GraphSamples(**{**d, "pairs": [tuple(x) for x in d["pairs"]]})
        orig = adhoc.run_readonly

        def patient(*a, timeout_s=None, **kw):
            return orig(*a, timeout_s=max(timeout_s or 0, timeout_s_floor), **kw)

        timeout_s_floor = timeout_s
        adhoc.run_readonly = patient
        try:
            g = common.graph_samples(driver, db)
        finally:
            adhoc.run_readonly = orig
        if cache is not None:
            cache.write_text(json.dumps(dataclasses.asdict(g), ensure_ascii=False), encoding="utf-8")
        return g

    return samples


def old_text(name: str, rev: str) -> str | None:
    """The query file as committed at ``rev`` (None when it did not exist there)."""
    r = subprocess.run(["git", "show", f"{rev}:queries/{name}.cypher"], cwd=ROOT, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def texts(driver, db: str, name: str, params: dict, rev: str) -> tuple[str, str, dict, float]:
    """(old Cypher, new Cypher, $params, timeout) for one parameter set."""
    from queries.registry import bind_params, parse_query_file, prepare_query, render
    from queries.resolve import resolve_params

    q, new, cypher_params = prepare_query(driver, name, params, database=db)
    src = old_text(name, rev)
    if src is None or src == (ROOT / "queries" / f"{name}.cypher").read_text(encoding="utf-8"):
        return new, new, cypher_params, q.timeout_s
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.cypher"
        path.write_text(src, encoding="utf-8")
        old_q = parse_query_file(path)
    values = resolve_params(driver, old_q, bind_params(old_q, params), database=db)
    old, old_params = render(old_q, values)
    assert old_params == cypher_params, f"{name}: parameters differ between the two versions"
    return old, new, cypher_params, q.timeout_s


def timed(driver, db: str, text: str, params: dict, timeout: float) -> tuple[float, list | None]:
    """Seconds and rows of one run; a run over the timeout counts as the timeout, with rows None."""
    from neo4j.exceptions import Neo4jError

    from graph.errors import QueryError
    from queries.registry import run_read

    t0 = time.perf_counter()
    try:
        df = run_read(driver, text, params, database=db, timeout_s=timeout, what="ab")
    except (QueryError, Neo4jError) as e:  # a timeout, or the server out of transaction memory
        print(f"  failed ({str(e)[:100]}); counted as {timeout:g} s", flush=True)
        return timeout, None
    return time.perf_counter() - t0, df.astype(object).where(df.notna(), None).values.tolist()


def db_hits(driver, db: str, text: str, params: dict, timeout: float) -> int:
    """Total PROFILE db hits of one run (-1 when the server cannot profile the plan)."""
    import neo4j

    def work(tx):
        return tx.run("PROFILE " + text, params).consume().profile

    try:
        with driver.session(database=db, notifications_min_severity="OFF") as s:
            prof = s.execute_read(neo4j.unit_of_work(timeout=timeout)(work))
    except neo4j.exceptions.Neo4jError as e:  # e.g. "result has not been materialised" (eager plans)
        print(f"  PROFILE failed: {e.code}", flush=True)
        return -1

    def hits(p):
        return int(p.get("dbHits", 0)) + sum(hits(c) for c in p.get("children", []))

    return hits(prof)


def main() -> None:
    p = bench_parser(__doc__.splitlines()[0])
    for action in p._actions:
        if action.dest == "scale":
            action.type, action.default = str, "loaded"
    p.add_argument("--rev", default="HEAD", help="git revision of the 'before' texts")
    p.add_argument("--runs", type=int, default=10, help="timed runs per text (spread over the parameter sets)")
    p.add_argument("--only", action="append", default=None, help="only this query (repeatable)")
    p.add_argument("--samples", type=Path, default=None, help="cache of the graph's sampled inputs (JSON)")
    args = p.parse_args()
    import benchmarks.bench_queries as bq

    bq.graph_samples = cached_samples(args.samples)  # pick_params reads its inputs through it

    from graph.connection import make_driver
    from graph.settings import load_settings

    settings = load_settings()
    driver = make_driver(settings)
    db = settings.database
    notes = [f"machine load average at start: {machine_facts()['load_avg']}", f"before = queries/*.cypher at {args.rev}"]
    figures = {}
    for name, param_sets in pick_params(driver, db).items():
        if (args.only and name not in args.only) or not param_sets:
            continue
        sets = [texts(driver, db, name, ps, args.rev) for ps in param_sets]
        changed = any(old != new for old, new, _, _ in sets)
        same = True
        for (old, new, cp, to), ps in zip(sets, param_sets, strict=True):
            # warm-up (planning, a cold page cache) with a patient timeout; answers compared
            a = timed(driver, db, old, cp, max(120.0, to))[1]
            b = timed(driver, db, new, cp, max(120.0, to))[1] if changed else a
            if a != b:
                same = False
                print(f"  ANSWERS DIFFER: {name} {ps}", flush=True)
        before, after = [], []
        for i in range(max(args.runs, len(sets))):
            old, new, cp, to = sets[i % len(sets)]
            before.append(timed(driver, db, old, cp, to)[0])
            after.append(timed(driver, db, new, cp, to)[0] if changed else before[-1])
        old, new, cp, to = sets[0]
        h_old = db_hits(driver, db, old, cp, to)
        h_new = db_hits(driver, db, new, cp, to) if changed else h_old
        sb, sa = latency_summary(before), latency_summary(after)
        for key, val, unit in (("before_p50_ms", sb["p50_ms"], "ms"), ("before_p95_ms", sb["p95_ms"], "ms"),
                               ("after_p50_ms", sa["p50_ms"], "ms"), ("after_p95_ms", sa["p95_ms"], "ms"),
                               ("before_db_hits", h_old, "db hits"), ("after_db_hits", h_new, "db hits")):
            figures[f"{name}.{key}"] = finish_figure(figure(val, unit, better="lower"))
        figures[f"{name}.same_answers"] = finish_figure(figure(same, "bool", better="higher"))
        print(f"{name:22s} {'changed' if changed else 'same text':9s} before p50 {sb['p50_ms']:8.1f} p95 {sb['p95_ms']:8.1f} "
              f"hits {h_old:>10,} | after p50 {sa['p50_ms']:8.1f} p95 {sa['p95_ms']:8.1f} hits {h_new:>10,} | "
              f"answers {'same' if same else 'DIFFER'} | load {machine_facts()['load_avg']}", flush=True)
    notes.append(f"machine load average at end: {machine_facts()['load_avg']}")
    driver.close()
    write_result(args.json, "queries_ab", args.scale, figures, notes)


if __name__ == "__main__":
    main()
