"""Load throughput: the chunked UNWIND loader vs a naive one-auto-commit-MERGE-per-row baseline.

Usage:
    python benchmarks/bench_load.py [--patents 100000] [--naive-sample 5000] [--out results.json]
    python benchmarks/bench_load.py --validate-only --patents 1000000   # no server: memory on 1M rows

Generates a synthetic patents.csv (N rows, applicants from a pool of organisations, 1–3 IPC codes
each), loads it with ``load_directory`` and times node and relationship writes separately. The baseline
writes a sample of the same rows the py2neo-era way — one auto-committed transaction per node and
per relationship, using the same MERGE text — and is extrapolated to N. Reports rows/s, the ratio,
and the loader's peak resident memory. Everything it writes is deleted afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.connection import check_connection, make_driver  # noqa: E402
from graph.schema import ensure_schema  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from graph.writer import delete_nodes, node_merge_query, rel_merge_query, write_nodes  # noqa: E402
from loaders import pipeline  # noqa: E402
from loaders.normalise import normalise_org_name, org_id_for_name  # noqa: E402
from loaders.pipeline import load_directory  # noqa: E402

IPC_POOL = ["H01M4/13", "H01M4/58", "H01M10/0525", "H01M10/052", "H01L21/02", "H01L29/78", "B25J9/16", "B25J13/08",
            "H02S40/32", "H01L31/18", "A61K31/00", "C12N15/10", "G06F30/20", "B60L50/64", "C01B33/02"]
PUB_BASE = 880_000_000


def org_name(i: int) -> str:
    return f"基准测试{i}号科技有限公司"


def write_patents_csv(path: Path, n: int, n_orgs: int, seed: int = 7) -> None:
    """Stream N synthetic patents to ``path`` (never held in memory)."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pub_no", "title", "abstract", "applicants", "ipc", "filed", "kind"])
        for i in range(n):
            apps = ";".join(org_name(rnd.randrange(n_orgs)) for _ in range(rnd.choice((1, 1, 2))))
            ipc = ";".join(rnd.sample(IPC_POOL, rnd.choice((1, 2, 3))))
            w.writerow([f"CN{PUB_BASE + i}A", f"一种基准测试装置{i}", "本发明公开了一种用于基准测试的装置。" * 3, apps, ipc,
                        f"20{10 + i % 14}-0{1 + i % 9}-1{i % 9}", "发明"])


def server_cpu_seconds(settings) -> float | None:
    """CPU seconds used so far by the local Neo4j this project started (None for another server).

    On a shared machine wall time moves with other people's work; CPU seconds per row of the
    client and the server do not, so before/after comparisons use them."""
    try:
        pid = int((settings.home / "neo4j.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Timer:
    """Wraps the pipeline's write functions to time node and relationship writes apart."""

    def __init__(self) -> None:
        self.node_s = self.rel_s = 0.0
        self.node_rows = self.rel_rows = 0

    def install(self) -> None:
        wn, wr = pipeline.write_nodes, pipeline.write_relationships

        def write_nodes(*a, **k):
            t = time.perf_counter()
            res = wn(*a, **k)
            self.node_s += time.perf_counter() - t
            self.node_rows += res.rows
            return res

        def write_relationships(*a, **k):
            t = time.perf_counter()
            res = wr(*a, **k)
            self.rel_s += time.perf_counter() - t
            self.rel_rows += res.rows
            return res

        pipeline.write_nodes, pipeline.write_relationships = write_nodes, write_relationships


def naive_baseline(driver, database: str, sample: int, n_orgs: int) -> dict:
    """One auto-committed MERGE per row (same MERGE text as the loader, one row each): ``sample``
    rows in all, half patent nodes and half relationships (APPLICANT_OF / CLASSIFIED_AS)."""
    rnd = random.Random(11)
    node_q = node_merge_query("Patent")
    rel_q = rel_merge_query("APPLICANT_OF", "Organization", "Patent")
    ipc_q = rel_merge_query("CLASSIFIED_AS", "Patent", "IPC")
    base = PUB_BASE + 50_000_000
    n_nodes, n_rels = sample // 2, sample - sample // 2
    pool = [f"BENCH-NAIVE-{i}" for i in range(min(n_orgs, 1000))]
    # the organisation pool is set up in one batch (not timed): only per-row writes are measured
    write_nodes(driver, "Organization", [{"org_id": o, "name": o} for o in pool], database=database)
    with driver.session(database=database) as s:
        t0 = time.perf_counter()
        for i in range(n_nodes):
            pub = f"CN{base + i}A"
            s.run(node_q, rows=[{"key": pub, "props": {"pub_no": pub, "title": f"朴素{i}"}}]).consume()
        t1 = time.perf_counter()
        for i in range(n_rels):
            pub = f"CN{base + i % n_nodes}A"
            if i % 2:
                s.run(rel_q, rows=[{"start": rnd.choice(pool), "end": pub, "props": {}}]).consume()
            else:
                s.run(ipc_q, rows=[{"start": pub, "end": rnd.choice(IPC_POOL), "props": {}}]).consume()
        t2 = time.perf_counter()
    delete_nodes(driver, "Patent", [f"CN{base + i}A" for i in range(n_nodes)], database=database)
    delete_nodes(driver, "Organization", pool, database=database)
    return {"nodes": n_nodes, "node_seconds": t1 - t0, "relationships": n_rels, "rel_seconds": t2 - t1,
            "node_rows_per_s": n_nodes / (t1 - t0), "rel_rows_per_s": n_rels / (t2 - t1)}


def validate_only(n: int, n_orgs: int) -> dict:
    """Read + validate + resolve + spool N rows without a server: the loader's memory on a large file
    (the write phase only adds one chunk of ``batch_size`` rows at a time)."""
    from collections import defaultdict

    from loaders.chain_refs import ChainNodeIds
    from loaders.resolve import OrgResolver

    loader = pipeline.Loader.__new__(pipeline.Loader)
    loader.resolver, loader.batch_keys, loader.progress = OrgResolver(), defaultdict(set), None
    loader.driver, loader.database, loader.create_new = None, "neo4j", False
    loader.chain_ids = ChainNodeIds(None)  # no server: only this load's chains (none here)
    with tempfile.TemporaryDirectory(prefix="chainkg-bench-") as tmp:
        path = Path(tmp) / "patents.csv"
        write_patents_csv(path, n, n_orgs)
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t, cpu = time.perf_counter(), time.process_time()
        fr = pipeline.FileReport("patents.csv", "patents")
        spool, rejects = pipeline._Spool(), []
        loader._validate("patents", path, fr, spool, rejects)
        routed = loader._check_references("patents", fr, spool, rejects)
        secs = time.perf_counter() - t
        cpu = time.process_time() - cpu
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        routed.close()
        spool.close()
    return {"patents": n, "organisations": n_orgs, "rows_rejected": len(rejects), "validate_seconds": round(secs, 1),
            "rows_per_s": round(n / secs), "cpu_seconds": round(cpu, 1), "rows_per_cpu_s": round(n / cpu),
            "load_avg": [round(x, 2) for x in os.getloadavg()], "peak_rss_mb": {"before": round(rss0 / 1024, 1), "after": round(rss1 / 1024, 1)}}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patents", type=int, default=100_000)
    ap.add_argument("--orgs", type=int, default=None, help="organisation pool (default N/20)")
    ap.add_argument("--naive-sample", type=int, default=5000)
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--defer-indexes", choices=["auto", "on", "off"], default="auto",
                    help="as `chainkg load --defer-indexes` (auto: deferred when the database holds no patent)")
    ap.add_argument("--writers", type=int, default=pipeline.DEFAULT_WRITERS, help="node-writing transactions in flight")
    ap.add_argument("--rel-writers", type=int, default=pipeline.DEFAULT_REL_WRITERS,
                    help="relationship-writing lanes in flight (rows split by their hub end)")
    ap.add_argument("--skip-derive", action="store_true",
                    help="no derivations after the writes (compare write paths only)")
    ap.add_argument("--merge-only", action="store_true",
                    help="MERGE every row, also on a first load (the write path before CREATE-when-new)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the loaded benchmark data")
    ap.add_argument("--validate-only", action="store_true",
                    help="no server: read, validate and spool N rows; report rows/s and peak RSS")
    args = ap.parse_args(argv)
    n_orgs = args.orgs or max(args.patents // 20, 10)
    if args.validate_only:
        result = validate_only(args.patents, n_orgs)
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text + "\n", encoding="utf-8")
        print(text)
        return result

    settings = load_settings()
    driver = make_driver(settings)
    check_connection(driver, settings)
    ensure_schema(driver, settings.database)
    db = settings.database
    try:
        with tempfile.TemporaryDirectory(prefix="chainkg-bench-") as tmp:
            d = Path(tmp)
            t = time.perf_counter()
            write_patents_csv(d / "patents.csv", args.patents, n_orgs)
            gen_s = time.perf_counter() - t
            timer = Timer()
            timer.install()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t, cpu, server0 = time.perf_counter(), time.process_time(), server_cpu_seconds(settings)
            report = load_directory(driver, d, database=db, batch_size=args.batch_size,
                                    defer_indexes=args.defer_indexes, writers=args.writers,
                                    rel_writers=args.rel_writers, create_new=not args.merge_only,
                                    derive=not args.skip_derive)
            load_s = time.perf_counter() - t
            client_cpu_s = time.process_time() - cpu
            server1 = server_cpu_seconds(settings)
            server_cpu_s = server1 - server0 if server0 is not None and server1 is not None else None
            rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        naive = naive_baseline(driver, db, args.naive_sample, n_orgs)
        fast_nodes = timer.node_rows / timer.node_s
        fast_rels = timer.rel_rows / timer.rel_s
        naive_total_extrapolated = (naive["node_seconds"] / naive["nodes"]) * timer.node_rows + (
            naive["rel_seconds"] / naive["relationships"]) * timer.rel_rows
        result = {
            "patents": args.patents, "organisations": n_orgs, "batch_size": args.batch_size, "writers": args.writers,
            "rel_writers": args.rel_writers, "create_new": not args.merge_only,
            "write_phase": {"node_rows_per_s": round(report.nodes_per_s), "rel_rows_per_s": round(report.rels_per_s),
                            "node_write_seconds": round(report.node_write_seconds, 2),
                            "rel_write_seconds": round(report.rel_write_seconds, 2)},
            "phases_seconds": {"read_validate_resolve": round(report.other_seconds, 2),
                               "node_writes": round(report.node_write_seconds, 2),
                               "relationship_writes": round(report.rel_write_seconds, 2),
                               "index_rebuild": round(report.index_seconds, 2), "derivations": round(report.derive_seconds, 2),
                               "end_to_end": round(report.total_seconds, 2)},
            "indexes_deferred": len(report.indexes_deferred), "index_rebuild_seconds": round(report.index_seconds, 2),
            "generate_seconds": round(gen_s, 2), "load_seconds": round(load_s, 2),
            "client_cpu_seconds": round(client_cpu_s, 1),
            "server_cpu_seconds": round(server_cpu_s, 1) if server_cpu_s is not None else None, "load_avg": [round(x, 2) for x in os.getloadavg()],
            "rows_rejected": len(report.rejects),
            "loader": {"node_rows": timer.node_rows, "node_seconds": round(timer.node_s, 2),
                       "node_rows_per_s": round(fast_nodes), "rel_rows": timer.rel_rows,
                       "rel_seconds": round(timer.rel_s, 2), "rel_rows_per_s": round(fast_rels),
                       "patents_per_s_end_to_end": round(args.patents / load_s)},
            "naive": {"sample": args.naive_sample, **{k: round(v, 2) if isinstance(v, float) else v for k, v in naive.items()},
                      "extrapolated_seconds_for_same_rows": round(naive_total_extrapolated, 1)},
            "ratio": {"nodes": round(fast_nodes / naive["node_rows_per_s"], 1),
                      "relationships": round(fast_rels / naive["rel_rows_per_s"], 1),
                      "write_time": round(naive_total_extrapolated / (timer.node_s + timer.rel_s), 1)},
            "peak_rss_mb": {"before_load": round(rss_before / 1024, 1), "after_load": round(rss_peak / 1024, 1)},
        }
    finally:
        if not args.keep:
            delete_nodes(driver, "Patent", (f"CN{PUB_BASE + i}A" for i in range(args.patents)), database=db)
            delete_nodes(driver, "Organization", (org_id_for_name(normalise_org_name(org_name(i))) for i in range(n_orgs)),
                         database=db)
        driver.close()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return result


if __name__ == "__main__":
    main()
