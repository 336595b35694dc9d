"""Time of each precompute step (graph/precompute.py) on the graph the server holds.

    python benchmarks/bench_precompute.py --scale loaded --json OUT [--only landscapes ...]

Runs every step of ``refresh_chain_counts`` one by one (the same Cypher, the same order) and reports
its wall time and the properties it set: ``precompute.<step>.s`` and ``precompute.total.s``. A step
whose values are already current sets nothing, but still reads everything it covers, so a second run
measures the refresh cost of a load that changed little. It writes to the graph (the stored values);
run it only against a server you may write to.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_parser, figure, finish_figure, machine_facts, write_result  # noqa: E402


def steps() -> list[str]:
    """Every refresh step in the order ``refresh_chain_counts`` runs them."""
    from graph.precompute import REFRESHES

    return [*REFRESHES, "programme_totals", "landscapes"]


def run_step(driver, db: str, name: str, batch_size: int = 5000, stale_only: bool = False) -> int:
    """Run one refresh step; the properties it set (``stale_only``: landscapes not current only)."""
    from graph import precompute as pc

    if name == "programme_totals":
        return pc.refresh_programme_totals(driver, db)
    if name == "landscapes":
        return pc.refresh_landscapes(driver, db, stale_only=stale_only)
    with driver.session(database=db) as session:
        return session.run(pc.REFRESHES[name], batch=batch_size).consume().counters.properties_set


def main() -> None:
    p = bench_parser(__doc__.splitlines()[0])
    for action in p._actions:  # this benchmark measures the graph as loaded
        if action.dest == "scale":
            action.type, action.default = str, "loaded"
    p.add_argument("--only", action="append", default=None, help="only this step (repeatable)")
    p.add_argument("--stale-only", action="store_true",
                   help="landscapes: compute only those whose stamp is not current (after a partial refresh)")
    args = p.parse_args()

    from graph.connection import make_driver
    from graph.settings import load_settings

    settings = load_settings()
    driver = make_driver(settings)
    db = settings.database
    notes = [f"machine load average at start: {machine_facts()['load_avg']}"]
    figures, total = {}, 0.0
    for name in steps():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        props = run_step(driver, db, name, stale_only=args.stale_only)
        s = time.perf_counter() - t0
        total += s
        figures[f"{name}.s"] = finish_figure(figure(round(s, 1), "s", better="lower", note=f"{props:,} properties set"))
        print(f"{name:28s} {s:8.1f} s  {props:>10,} properties set", flush=True)
    figures["total.s"] = finish_figure(figure(round(total, 1), "s", better="lower"))
    print(f"{'total':28s} {total:8.1f} s", flush=True)
    notes.append(f"machine load average at end: {machine_facts()['load_avg']}")
    driver.close()
    write_result(args.json, "precompute", args.scale, figures, notes)


if __name__ == "__main__":
    main()
