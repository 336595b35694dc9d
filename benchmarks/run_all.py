"""Run every ``benchmarks/bench_*.py`` and merge their figures into ``benchmarks/results/latest.json``.

Usage (``make bench`` calls it through ``tools/run_bench.sh``)::

    python benchmarks/run_all.py [--scale 20000|100k|1M|demo] [--only load --only queries] [--timeout S]

Each benchmark runs as a subprocess (``--scale N --json OUT``) with a time limit; its output goes to
``benchmarks/results/logs/<name>.log``. When ``NEO4J_URI`` is unset, a throw-away local Neo4j is
started on ``.chainkg/bench`` / port 7689 for the run (fresh store when every benchmark runs) and
stopped at the end; the benchmarks reach it through ``NEO4J_URI``. A benchmark that fails or times
out is recorded under ``benchmarks`` and the others still run. Afterwards the table in
``docs/performance.md`` is regenerated (see ``benchmarks/report.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402 - after the path fix for `python benchmarks/run_all.py`
    BENCH_HOME,
    BENCH_PORT,
    DEFAULT_SCALE,
    RESULTS_DIR,
    ROOT,
    bench_server,
    finish_figure,
    machine_facts,
    now_iso,
    parse_scale,
)
from benchmarks.report import update_performance_md  # noqa: E402

#: Run order: the load benchmark fills the bench graph the query, app and reliability ones read.
ORDER = ["load", "bulk", "extraction", "queries", "licensor_ranking", "app", "load_test"]
BASE_TIMEOUT_S = 300  # per benchmark at the default scale


def discover(only: list[str] | None = None) -> list[tuple[str, Path]]:
    """(name, path) of every ``bench_<name>.py``, in run order; ``only`` filters by name."""
    found = {p.stem.removeprefix("bench_"): p for p in sorted((ROOT / "benchmarks").glob("bench_*.py"))}
    if only:
        unknown = sorted(set(only) - set(found))
        if unknown:
            raise SystemExit(f"unknown benchmark(s) {unknown}; available: {sorted(found)}")
        found = {k: v for k, v in found.items() if k in only}
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(ORDER)), kv[0]))


def default_timeout(scale: int | str) -> float:
    """Per-benchmark limit: 5 minutes at the default scale, growing with the patent count (max 3 h)."""
    factor = 1.0 if scale == "demo" else max(1.0, int(scale) / DEFAULT_SCALE)
    return min(BASE_TIMEOUT_S * factor, 3 * 3600)


def run_one(name: str, script: Path, scale: int | str, timeout: float, env: dict[str, str]) -> dict[str, Any]:
    """Run one benchmark; return ``{"status", "seconds", "doc"?, "error"?}``."""
    logs = RESULTS_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}.log"
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(script), "--scale", str(scale), "--json", str(out)]
        t0 = time.monotonic()
        print(f"[run_all] {name}: {' '.join(cmd[1:])} (limit {timeout:.0f}s)", flush=True)
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                return {"status": "timeout", "seconds": round(time.monotonic() - t0, 1),
                        "error": f"exceeded {timeout:.0f}s; log {log_path.relative_to(ROOT)}"}
        seconds = round(time.monotonic() - t0, 1)
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        if code != 0:
            return {"status": f"exit {code}", "seconds": seconds, "error": " | ".join(tail)[-400:]}
        try:
            doc = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            return {"status": "no result", "seconds": seconds,
                    "error": f"--json output missing or invalid ({e.__class__.__name__}); the script must honour --json OUT"}
    return {"status": "ok", "seconds": seconds, "doc": doc}


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop a timed-out benchmark and whatever it spawned (its own process group only)."""
    import signal

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


def merge(results: dict[str, dict[str, Any]], scale: int | str, machine: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The latest.json document from per-benchmark results."""
    figures: dict[str, Any] = {}
    benchmarks: dict[str, Any] = {}
    for name, res in results.items():
        doc = res.get("doc") or {}
        benchmarks[name] = {k: v for k, v in res.items() if k != "doc"} | {"notes": doc.get("notes", [])}
        for fig_name, fig in (doc.get("figures") or {}).items():
            key = f"{name}.{fig_name}"
            figures[key] = finish_figure(fig, key)
    return {"machine": machine, "scale": scale, "generated_at": now_iso(), "duration_s": round(seconds, 1),
            "benchmarks": benchmarks, "figures": figures}


def _server_version(settings: Any) -> str | None:
    from graph.server import status

    try:
        return status(settings).version
    except Exception:  # noqa: BLE001 - the version is a nicety in the machine facts
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write latest.json (+ a per-scale copy) and regenerate docs/performance.md."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=parse_scale, default=DEFAULT_SCALE)
    p.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    p.add_argument("--timeout", type=float, default=None, help="seconds per benchmark (default grows with scale)")
    p.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json")
    p.add_argument("--no-docs", action="store_true", help="do not regenerate docs/performance.md")
    args = p.parse_args(argv)

    benches = discover(args.only)
    if not benches:
        print("[run_all] no benchmarks/bench_*.py found", file=sys.stderr)
        return 2
    timeout = args.timeout or default_timeout(args.scale)
    t0 = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    with bench_server(BENCH_HOME, BENCH_PORT, fresh=not args.only) as settings:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                   NEO4J_URI=settings.uri, NEO4J_DATABASE=settings.database, CHAINKG_BENCH_SCALE=str(args.scale))
        if settings.password:
            env["NEO4J_PASSWORD"] = settings.password
        version = _server_version(settings)
        for name, script in benches:
            results[name] = run_one(name, script, args.scale, timeout, env)
            r = results[name]
            print(f"[run_all] {name}: {r['status']} in {r['seconds']}s", flush=True)
    doc = merge(results, args.scale, machine_facts(version), time.monotonic() - t0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
    args.out.write_text(text, encoding="utf-8")
    (args.out.parent / f"scale-{args.scale}.json").write_text(text, encoding="utf-8")
    if not args.no_docs:
        update_performance_md(doc)
    failed = [n for n, r in results.items() if r["status"] != "ok"]
    print(f"[run_all] wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{len(doc['figures'])} figures, {len(failed)} failed {failed or ''} in {doc['duration_s']}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
