"""Bounded load test: N concurrent clients run the saved queries for a fixed time on loopback.

    python benchmarks/bench_concurrency.py [--scale N|demo] [--clients 20] [--seconds 30] [--json OUT.json]

Measures the graph that is loaded (``run_all`` loads the generated data set first; ``--scale`` is a
label). First the idle latency: every saved query runs alone, a few times per parameter set
(parameters drawn from the graph, as in ``bench_queries``). Then ``--clients`` threads, each with
its own session on the one shared driver (pool sized for them), pick saved queries at random and run
them back to back until ``--seconds`` have passed — the test stops by itself. Reported: throughput
(queries/s), p50/p95 under load against the idle p95, per-query p95, and the error count (must be 0;
the script exits 1 otherwise).
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_queries import pick_params  # noqa: E402
from benchmarks.common import bench_parser, figure, latency_summary, machine_facts, write_result  # noqa: E402


def idle_latencies(driver, db: str, param_sets: dict[str, list[dict]], runs_per_set: int) -> dict[str, list[float]]:
    """Each query alone (after one warm-up per parameter set): seconds per run, by query name."""
    from queries.registry import run_query

    out: dict[str, list[float]] = {}
    for name, sets in param_sets.items():
        times = []
        for params in sets:
            run_query(driver, name, database=db, **params)
            for _ in range(runs_per_set):
                t0 = time.perf_counter()
                run_query(driver, name, database=db, **params)
                times.append(time.perf_counter() - t0)
        out[name] = times
    return out


def run_clients(driver, db: str, param_sets: dict[str, list[dict]], clients: int, seconds: float, seed: int = 7):
    """``clients`` threads run random saved queries until the deadline; returns (samples, errors, wall)."""
    from queries.registry import run_query

    work = [(name, params) for name, sets in param_sets.items() for params in sets]
    samples: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        rng = random.Random(seed + i)
        mine: dict[str, list[float]] = defaultdict(list)
        start.wait()
        while time.monotonic() < deadline[0]:
            name, params = rng.choice(work)
            t0 = time.perf_counter()
            try:
                run_query(driver, name, database=db, **params)
            except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    errors.append(f"{name}: {e.__class__.__name__}: {str(e)[:200]}")
                continue
            mine[name].append(time.perf_counter() - t0)
        with lock:
            for k, v in mine.items():
                samples[k].extend(v)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + seconds
    t0 = time.monotonic()
    start.wait()
    for t in threads:
        t.join(seconds + 120)  # a query in flight finishes within its own timeout
    return samples, errors, time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    p = bench_parser(__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=20, help="concurrent clients (threads), default 20")
    p.add_argument("--seconds", type=float, default=30.0, help="how long the clients run, default 30")
    p.add_argument("--idle-runs", type=int, default=5, help="idle runs per parameter set, default 5")
    args = p.parse_args(argv)

    import neo4j

    from graph.connection import check_connection
    from graph.settings import load_settings

    settings = load_settings()
    # One driver for the process, its pool big enough that clients never wait for a connection.
    driver = neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth, max_connection_pool_size=args.clients + 5,
                                        user_agent="chainkg-load-test")
    try:
        version = check_connection(driver, settings)
        db = settings.database
        # every saved query a user runs (the analytics projections, '_…', are bulk exports, not interactive)
        param_sets = {k: v for k, v in pick_params(driver, db).items() if v and not k.startswith("_")}
        idle = idle_latencies(driver, db, param_sets, args.idle_runs)
        idle_all = [s for v in idle.values() for s in v]
        samples, errors, wall = run_clients(driver, db, param_sets, args.clients, args.seconds)
    finally:
        driver.close()

    loaded_all = [s for v in samples.values() for s in v]
    idle_sum, load_sum = latency_summary(idle_all), latency_summary(loaded_all or [0.0])
    throughput = len(loaded_all) / wall if wall else 0.0
    per_query = {name: {"idle_p95_ms": round(latency_summary(idle[name])["p95_ms"], 1),
                        "load_p95_ms": round(latency_summary(samples[name])["p95_ms"], 1) if samples.get(name) else None,
                        "runs_under_load": len(samples.get(name, []))}
                 for name in sorted(idle)}
    figures = {
        "throughput_qps": figure(throughput, "queries/s", better="higher",
                                 note=f"{args.clients} clients for {args.seconds:g} s on loopback"),
        "p95_ms": figure(load_sum["p95_ms"], "ms", baseline=idle_sum["p95_ms"], better="lower",
                         note="p95 of all saved queries under load; baseline = idle p95"),
        "p50_ms": figure(load_sum["p50_ms"], "ms", baseline=idle_sum["p50_ms"], better="lower"),
        "errors": figure(len(errors), "count", target=0, better="lower"),
    }
    notes = [f"{len(loaded_all)} queries by {args.clients} clients in {wall:.1f} s; idle runs: {len(idle_all)}"]
    notes += errors[:10]
    write_result(args.json, "concurrency", args.scale, figures, notes,
                 extra={"per_query": per_query, "machine": machine_facts(version)})
    print(f"concurrency: {throughput:.1f} q/s, p95 {load_sum['p95_ms']:.0f} ms under load vs {idle_sum['p95_ms']:.0f} ms "
          f"idle, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
