"""Run every ``benchmarks/bench_*.py`` and merge their figures into ``benchmarks/results/latest.json``.

Usage (``make bench`` calls it through ``tools/run_bench.sh``)::

    python benchmarks/run_all.py [--scale 20000|100k|1M|demo] [--only load --only queries] [--timeout S]

Each benchmark runs as a subprocess (``--scale N --json OUT``) with a time limit; its output goes to
``.chainkg/bench/logs/<name>.log``. When ``NEO4J_URI`` is unset, a throw-away local Neo4j is
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
from collections.abc import Callable
from dataclasses import dataclass
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
    figure,
    finish_figure,
    machine_facts,
    now_iso,
    parse_scale,
)
from benchmarks.report import update_performance_md  # noqa: E402

#: Run order: bench_load cleans up after itself; bench_dataset then loads the generated data set that
#: the query, ranking, app and reliability benchmarks read.
ORDER = ["load", "dataset", "bulk", "extraction", "queries", "licensor_ranking", "app", "app_users", "concurrency", "ops"]
BASE_TIMEOUT_S = 300  # per benchmark at the default scale


@dataclass(frozen=True)
class Adapter:
    """How to call a benchmark whose command line is not the common ``--scale N --json OUT``.

    ``args(scale, out)`` builds its arguments; ``to_doc(result)`` turns what it wrote (the JSON at
    ``out``, or the last JSON object it printed when ``stdout_json``) into the common result shape.
    """

    args: Callable[[int | str, Path], list[str]]
    to_doc: Callable[[dict[str, Any]], dict[str, Any]]
    stdout_json: bool = False


def _patents(scale: int | str) -> int:
    return 3000 if scale == "demo" else int(scale)


def _model_args() -> list[str]:
    """``--model DIR`` when CHAINKG_BENCH_MODEL names one; else bench_extraction uses the shipped models/org-crf."""
    model = os.environ.get("CHAINKG_BENCH_MODEL")
    return ["--model", model] if model else []


def _load_doc(r: dict[str, Any]) -> dict[str, Any]:
    loader, naive = r["loader"], r["naive"]
    return {"figures": {
        "nodes_per_s": figure(loader["node_rows_per_s"], "nodes/s", baseline=naive["node_rows_per_s"]),
        "rels_per_s": figure(loader["rel_rows_per_s"], "rels/s", baseline=naive["rel_rows_per_s"]),
        "speedup_vs_naive": figure(r["ratio"]["write_time"], "x",
                                   note=f"naive per-row MERGE on a {naive['sample']:,}-row sample, extrapolated"),
        "peak_rss_mb": figure(r["peak_rss_mb"]["after_load"], "MiB", better="lower"),
        "patents_per_s": figure(loader["patents_per_s_end_to_end"], "patents/s"),
        "load_seconds": figure(r["load_seconds"], "s", better="lower"),
        "index_rebuild_s": figure(r.get("index_rebuild_seconds", 0.0), "s", better="lower",
                                  note="deferred secondary indexes built after the writes (in load_seconds, not in the write rates)"),
    }, "notes": [f"{r['patents']:,} synthetic patents, {r['organisations']:,} organisations, batch {r['batch_size']}, "
                 f"{r.get('writers', 1)} node writers, {r.get('indexes_deferred', 0)} indexes deferred"]}


def _queries_doc(r: dict[str, Any]) -> dict[str, Any]:
    figs: dict[str, Any] = {}
    for name, q in r["queries"].items():
        figs[f"{name}.p50_ms"] = figure(q["p50_ms"], "ms", better="lower")
        figs[f"{name}.p95_ms"] = figure(q["p95_ms"], "ms", better="lower")
    return {"figures": figs, "notes": [f"graph: {r.get('scale')}"]}


def _extraction_doc(r: dict[str, Any]) -> dict[str, Any]:
    figs = {"rules_texts_per_core_s": figure(r["rules_texts_per_core_s"], "texts/core-s")}
    if "rules_model_texts_per_core_s" in r:
        figs["model_texts_per_core_s"] = figure(r["rules_model_texts_per_core_s"], "texts/core-s")
    return {"figures": figs, "notes": [f"{r['texts']:,} texts of {r['chars_per_text']} characters"]}


def _ranking_doc(r: dict[str, Any]) -> dict[str, Any]:
    model, pop = r["licensors_for"], r["popularity"]
    return {"figures": {
        "hit_at_10": figure(model["hit@10"], "share", baseline=pop["hit@10"], note="baseline: popularity ranking"),
        "mrr": figure(model["mrr"], "MRR", baseline=pop["mrr"]),
    }, "notes": [f"time split at {r['cut']}: {r['licences_train']} train / {r['licences_test']} test licences"]}


#: Benchmarks written before the common interface, called through their own documented CLIs.
ADAPTERS: dict[str, Adapter] = {
    "load": Adapter(lambda s, out: ["--patents", str(_patents(s)), "--naive-sample", str(min(2000, _patents(s))),
                                    "--out", str(out)], _load_doc),
    "queries": Adapter(lambda s, out: ["--scale", str(s), "--out", str(out)], _queries_doc),
    "extraction": Adapter(lambda s, out: _model_args(), _extraction_doc, stdout_json=True),
    "licensor_ranking": Adapter(lambda s, out: ["--out", str(out)], _ranking_doc),
}


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
    logs = BENCH_HOME / "logs"  # under .chainkg (git-ignored): only latest.json is committed output
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}.log"
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        out = Path(tmp) / "result.json"
        adapter = ADAPTERS.get(name) if not _speaks_common_cli(script) else None
        args = adapter.args(scale, out) if adapter else ["--scale", str(scale), "--json", str(out)]
        cmd = [sys.executable, str(script), *args]
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
                        "error": f"exceeded {timeout:.0f}s; log {log_path}"}
        seconds = round(time.monotonic() - t0, 1)
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        if code != 0:
            return {"status": f"exit {code}", "seconds": seconds, "error": " | ".join(tail)[-400:]}
        try:
            if adapter and adapter.stdout_json:
                doc = adapter.to_doc(_last_json(log_path.read_text(encoding="utf-8", errors="replace")))
            else:
                doc = json.loads(out.read_text(encoding="utf-8"))
                doc = adapter.to_doc(doc) if adapter else doc
        except (OSError, ValueError, KeyError, TypeError) as e:
            return {"status": "no result", "seconds": seconds,
                    "error": f"result missing or not in the expected shape ({e.__class__.__name__}: {e})"}
    return {"status": "ok", "seconds": seconds, "doc": doc}


def _speaks_common_cli(script: Path) -> bool:
    """True when the script uses benchmarks.common's parser (``--scale`` and ``--json``)."""
    text = script.read_text(encoding="utf-8")
    return "bench_parser(" in text


def _last_json(text: str) -> dict[str, Any]:
    """The last line of ``text`` that parses as a JSON object (benchmarks that print their result)."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    raise ValueError("no JSON object printed")


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


def merge_previous(doc: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """``doc`` plus the benchmarks and figures of ``previous`` that ``doc`` did not re-run (same scale only)."""
    if previous.get("scale") != doc["scale"]:
        raise SystemExit(f"--merge: the existing results are for scale {previous.get('scale')}, this run is "
                         f"{doc['scale']}; run every benchmark at this scale instead")
    ran = set(doc["benchmarks"])
    out = dict(doc)
    out["benchmarks"] = {k: v for k, v in previous.get("benchmarks", {}).items() if k not in ran} | doc["benchmarks"]
    out["figures"] = {k: v for k, v in previous.get("figures", {}).items()
                      if k.split(".", 1)[0] not in ran} | doc["figures"]
    out["merged_from"] = previous.get("generated_at")
    return out


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
    p.add_argument("--merge", action="store_true",
                   help="keep the figures of benchmarks not run this time from the existing --out file (same scale only)")
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
                   NEO4J_URI=settings.uri, NEO4J_DATABASE=settings.database, CHAINKG_BENCH_SCALE=str(args.scale),
                   CHAINKG_BENCH_OWNED="0" if os.environ.get("NEO4J_URI") else "1")
        if settings.password:
            env["NEO4J_PASSWORD"] = settings.password
        version = _server_version(settings)
        for name, script in benches:
            results[name] = run_one(name, script, args.scale, timeout, env)
            r = results[name]
            print(f"[run_all] {name}: {r['status']} in {r['seconds']}s", flush=True)
    doc = merge(results, args.scale, machine_facts(version), time.monotonic() - t0)
    if args.merge and args.out.exists():
        doc = merge_previous(doc, json.loads(args.out.read_text(encoding="utf-8")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
    args.out.write_text(text, encoding="utf-8")
    (args.out.parent / f"scale-{args.scale}.json").write_text(text, encoding="utf-8")
    if not args.no_docs:
        update_performance_md(doc)
    failed = [n for n, r in results.items() if r["status"] != "ok"]
    print(f"[run_all] wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{len(doc['figures'])} figures, {len(failed)} failed{' ' + str(failed) if failed else ''} in {doc['duration_s']}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
