"""Operations on the loaded graph: `chainkg dump` / `restore` / `graph-checksum` / `extract` — time, size, peak memory, exact round trip.

Measured on the graph bench_dataset loaded (run_all order), each step as its own ``chainkg``
process so its peak RSS (``wait4`` of that child) and CPU time are its own:

1. ``chainkg graph-checksum --json`` on the loaded graph (the paged read alone: the baseline the
   dump's read rate is compared with);
2. ``chainkg dump FILE.jsonl.gz`` of the loaded graph: seconds, records/s, file bytes (and per
   node), peak RSS;
3. ``chainkg restore FILE`` into a **separate, empty, throw-away local server** (fresh
   ``CHAINKG_HOME`` under ``.chainkg/ops-restore-<pid>``, a free loopback port, started here and
   stopped and deleted at the end, also on SIGTERM from run_all's time limit): seconds, records/s,
   peak RSS;
4. ``chainkg graph-checksum --json`` on the restored copy: the round trip is exact when the loaded
   graph's checksum, the dump's end-line checksum and the copy's checksum are the same (and every
   keyed label / relationship-type count with them); then ``chainkg init --refresh-counts`` rebuilds
   the derived caches a dump leaves out (ProgrammeTotals; timed) and ``chainkg stats`` (the count
   store's totals per allow-listed label and type, independent of the checksum's read) of both
   graphs must agree;
5. ``chainkg extract`` over the restored copy (never over the loaded graph: extraction writes
   mentions and placements): seconds, texts/s, peak RSS (``--no-extract`` leaves it out).

Safety: the loaded graph is only read (steps 1–2). Nothing is written to it and nothing is deleted
from it; restore and extraction write only to the throw-away server, whose port must differ from the
loaded graph's and whose home must not exist beforehand. Memory is bounded by page and batch sizes,
not by the graph: compare the peak RSS figures at two scales (docs/reliability.md).

Duration: at 20k patents on the loaded 2-core machine, dump 69 s, restore 207 s, extract 887 s;
all three grow linearly with the graph, so at 1M the whole run takes hours — longer than run_all's
3-hour cap per benchmark. Run it alone there (``python benchmarks/bench_ops.py --scale 1000000
--json OUT``), with ``--extract-timeout S`` to bound the extraction (its peak RSS is still reported)
or ``--no-extract``.

Environment: ``CHAINKG_OPS_HEAP`` (default 2g, as the bench server: the copy's count refresh needs it) and ``CHAINKG_OPS_PAGECACHE_MB`` (default 1024) size
the throw-away server; ``CHAINKG_OPS_DIR`` holds the dump file (default ``.chainkg/ops-dump-<pid>``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, bench_parser, figure, write_result  # noqa: E402

CHAINKG = [sys.executable, "-m", "app.cli"]
#: Connection variables of the loaded graph that must not leak into the throw-away server's steps.
_CONNECTION_VARS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "CHAINKG_HOME", "CHAINKG_NEO4J_PORT")


def run_step(args: list[str], env: dict[str, str], log: Path, timeout: float | None = None,
             ok_codes: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Run one ``chainkg`` command; return its seconds, peak RSS (MiB), CPU seconds, stdout and an RSS
    sample every 5 s (``rss_samples``: [seconds, MiB], which shows whether memory grows with the work).

    ``os.wait4`` gives the resource usage of this child alone (RUSAGE_CHILDREN would be the maximum
    over every child so far). With ``timeout`` the command is stopped (SIGTERM) after that many
    seconds and ``stopped`` is True.
    """
    import psutil

    t0 = time.perf_counter()
    samples: list[list[float]] = []
    with open(log, "a", encoding="utf-8") as err:
        err.write(f"\n$ chainkg {' '.join(args)}\n")
        err.flush()
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out_fh:
            proc = subprocess.Popen([*CHAINKG, *args], cwd=ROOT, env=env, stdout=out_fh, stderr=err, text=True)
            ps = psutil.Process(proc.pid)
            stopped = False
            while True:
                try:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                except ChildProcessError:
                    raise RuntimeError(f"lost the child of `chainkg {' '.join(args)}`") from None
                if pid:
                    break
                elapsed = time.perf_counter() - t0
                with contextlib.suppress(psutil.Error):
                    samples.append([round(elapsed, 1), round(ps.memory_info().rss / 2**20, 1)])
                if timeout is not None and elapsed > timeout and not stopped:
                    proc.send_signal(signal.SIGTERM)
                    stopped = True
                time.sleep(5 if elapsed > 10 else 0.5)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out_fh.seek(0)
            out = out_fh.read()
    seconds = time.perf_counter() - t0
    if proc.returncode not in ok_codes and not stopped:
        raise RuntimeError(f"`chainkg {' '.join(args)}` exited {proc.returncode}; see {log}")
    # printed as each step ends, so a run stopped part-way still shows what it measured
    print(f"step `chainkg {' '.join(args)}`: {seconds:.1f} s, peak RSS {usage.ru_maxrss / 1024:.1f} MiB, "
          f"CPU {usage.ru_utime + usage.ru_stime:.1f} s, exit {proc.returncode}", flush=True)
    return {"exit": proc.returncode, "seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime, "out": out,
            "rss_samples": samples, "stopped": stopped}


def free_port() -> int:
    """A free loopback TCP port for the throw-away server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throwaway_env(home: Path, port: int) -> dict[str, str]:
    """Environment for `chainkg` commands against the throw-away server (and nothing else)."""
    env = {k: v for k, v in os.environ.items() if k not in _CONNECTION_VARS}
    env.update({"CHAINKG_HOME": str(home), "CHAINKG_NEO4J_PORT": str(port),
                "CHAINKG_NEO4J_HEAP": os.environ.get("CHAINKG_OPS_HEAP", "2g"),
                "CHAINKG_NEO4J_PAGECACHE_MB": os.environ.get("CHAINKG_OPS_PAGECACHE_MB", "1024")})
    return env


@contextlib.contextmanager
def throwaway_server(source_port: int):
    """Start an empty local Neo4j on a fresh home and free port; stop it and delete its home afterwards."""
    from graph import server as srv
    from graph.settings import load_settings

    home = ROOT / ".chainkg" / f"ops-restore-{os.getpid()}"
    if home.exists():
        raise RuntimeError(f"{home} exists; remove it (it is a left-over throw-away store) and run again")
    port = free_port()
    if port == source_port:
        raise RuntimeError("the throw-away port equals the loaded graph's port")
    env = throwaway_env(home, port)
    settings = load_settings(env)
    srv.start(settings)
    try:
        yield env
    finally:
        srv.stop(settings)
        shutil.rmtree(home, ignore_errors=True)


def _stats(out: str) -> dict[str, int]:
    """``chainkg extract``'s ``name  1,234`` lines as a dict."""
    stats = {}
    for line in out.splitlines():
        m = re.fullmatch(r"\s*(\w+)\s+([\d,]+)\s*", line)
        if m:
            stats[m.group(1)] = int(m.group(2).replace(",", ""))
    return stats


def main() -> None:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--no-extract", action="store_true", help="leave `chainkg extract` out")
    parser.add_argument("--extract-timeout", type=float, default=None,
                        help="stop `chainkg extract` after this many seconds (peak RSS of the part run is still reported)")
    parser.add_argument("--no-refresh", action="store_true",
                        help="skip `chainkg init --refresh-counts` on the copy (its ProgrammeTotals caches are then not rebuilt)")
    parser.add_argument("--keep-dump", action="store_true", help="keep the dump file (path in the notes)")
    args = parser.parse_args()
    # run_all's time limit sends SIGTERM to the process group: unwind so the throw-away server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from graph.settings import load_settings

    source = load_settings()
    source_env = dict(os.environ)
    work = Path(os.environ.get("CHAINKG_OPS_DIR") or ROOT / ".chainkg" / f"ops-dump-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    log = work / "steps.log"
    dump_path = work / "graph.jsonl.gz"
    try:
        before = run_step(["graph-checksum", "--json"], source_env, log)
        src_fp = json.loads(before["out"])
        src_stats = json.loads(run_step(["stats", "--format", "json"], source_env, log)["out"])
        nodes, rels = sum(src_fp["nodes"].values()), sum(src_fp["relationships"].values())
        records = nodes + rels
        dump = run_step(["dump", str(dump_path)], source_env, log)
        dumped_checksum = next(line.split()[1] for line in dump["out"].splitlines() if line.startswith("checksum "))
        size = dump_path.stat().st_size
        with throwaway_server(source.port if source.local else -1) as env:
            # exit 1: relationships whose endpoint was missing (a graph written to during the dump)
            restore = run_step(["restore", str(dump_path)], env, log, ok_codes=(0, 1))
            after = run_step(["graph-checksum", "--json"], env, log)
            copy_fp = json.loads(after["out"])
            # Derived caches (ProgrammeTotals) are not dumped: time their rebuild on the copy.
            refresh: dict[str, Any] | None = None
            refresh_error = "left out (--no-refresh)"
            try:
                if not args.no_refresh:
                    refresh = run_step(["init", "--refresh-counts"], env, log)
            except RuntimeError as e:  # e.g. the throw-away server's heap is too small for a refresh
                refresh_error = str(e)
            copy_stats = json.loads(run_step(["stats", "--format", "json"], env, log)["out"])
            extract = None if args.no_extract else run_step(["extract"], env, log, timeout=args.extract_timeout)
    finally:
        if not args.keep_dump:
            dump_path.unlink(missing_ok=True)
    exact = copy_fp == src_fp and dumped_checksum == src_fp["checksum"] and restore["exit"] == 0
    all_counts_equal = copy_stats == src_stats
    figures = {
        "dump_s": figure(dump["seconds"], "s", better="lower", note=f"{records:,} records ({nodes:,} nodes)"),
        "dump_records_per_s": figure(records / dump["seconds"], "records/s",
                                     baseline=records / before["seconds"],
                                     note="baseline: the same paged read without writing (graph-checksum)"),
        "dump_cpu_s": figure(dump["cpu_s"], "s", better="lower", note="client CPU time (load-independent)"),
        "dump_bytes": figure(size, "bytes", better="lower", note="gzip JSON Lines"),
        "dump_bytes_per_node": figure(size / max(nodes, 1), "bytes/node", better="lower",
                                      note="relationships included in the file"),
        "dump_peak_rss_mb": figure(dump["rss_mb"], "MiB", better="lower"),
        "checksum_s": figure(before["seconds"], "s", better="lower"),
        "checksum_peak_rss_mb": figure(before["rss_mb"], "MiB", better="lower"),
        "restore_s": figure(restore["seconds"], "s", better="lower", note="into an empty throw-away server"),
        "restore_records_per_s": figure(records / restore["seconds"], "records/s",
                                        baseline=records / dump["seconds"], note="baseline: the dump's rate"),
        "restore_cpu_s": figure(restore["cpu_s"], "s", better="lower", note="client CPU time"),
        "restore_peak_rss_mb": figure(restore["rss_mb"], "MiB", better="lower"),
        "round_trip_exact": figure(1.0 if exact else 0.0, "bool", target=1.0,
                                   note="checksums and every keyed label / relationship type count equal"),
    }
    notes = [f"loaded graph: {nodes:,} nodes, {rels:,} relationships; checksum {src_fp['checksum'][:16]}…; "
             f"restored copy {copy_fp['checksum'][:16]}…"]
    if not exact:
        diff = {k: (src_fp["nodes"].get(k), copy_fp["nodes"].get(k))
                for k in set(src_fp["nodes"]) | set(copy_fp["nodes"]) if src_fp["nodes"].get(k) != copy_fp["nodes"].get(k)}
        notes.append(f"round trip NOT exact: node counts differing {diff}")
    figures["stats_equal"] = figure(1.0 if all_counts_equal else 0.0, "bool", target=1.0,
                                    note="`chainkg stats` (count store, every allow-listed label and type) of both graphs")
    if refresh is not None:
        figures["refresh_counts_s"] = figure(refresh["seconds"], "s", better="lower",
                                             note="`chainkg init --refresh-counts` on the restored copy")
    else:
        notes.append(f"init --refresh-counts on the copy: {refresh_error}")
    if not all_counts_equal:
        notes.append(f"chainkg stats differ: loaded {src_stats} / copy {copy_stats}")
    extra: dict[str, Any] = {}
    if extract is not None and extract["stopped"]:
        figures["extract_peak_rss_mb"] = figure(extract["rss_mb"], "MiB", better="lower",
                                                note=f"stopped after {extract['seconds']:.0f} s (--extract-timeout)")
        notes.append(f"extract stopped after {extract['seconds']:.0f} s: no throughput figure")
        extra["extract_rss_samples"] = extract["rss_samples"]
    elif extract is not None:
        extra["extract_rss_samples"] = extract["rss_samples"]
        stats = _stats(extract["out"])
        texts = stats.get("texts", 0)
        figures |= {
            "extract_s": figure(extract["seconds"], "s", better="lower", note="`chainkg extract` over the restored copy"),
            "extract_texts_per_s": figure(texts / extract["seconds"], "texts/s"),
            "extract_cpu_s": figure(extract["cpu_s"], "s", better="lower", note="client CPU time"),
            "extract_peak_rss_mb": figure(extract["rss_mb"], "MiB", better="lower"),
        }
        notes.append(f"extract: {texts:,} texts, {stats.get('mentions', 0):,} mentions")
    if args.keep_dump:
        notes.append(f"dump kept at {dump_path}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    extra |= {"dump_rss_samples": dump["rss_samples"], "restore_rss_samples": restore["rss_samples"]}
    write_result(args.json, "ops", args.scale, figures, notes, extra=extra)


if __name__ == "__main__":
    main()
