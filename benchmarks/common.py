"""Shared helpers for the benchmarks: CLI shape, machine facts, timers, percentiles, peak RSS,
figures with baselines and targets, generated source data, and a throw-away bench server.

Every ``benchmarks/bench_<name>.py`` is a script with the same command line::

    python benchmarks/bench_<name>.py --scale N|demo --json OUT.json

and writes one JSON object (see :func:`write_result`)::

    {"bench": "<name>", "scale": ..., "figures": {"<figure>": {"value", "unit", "baseline", "target",
     "better", "note"}}, "notes": [...]}

``benchmarks/run_all.py`` runs each one as a subprocess and merges the figures into
``benchmarks/results/latest.json`` as ``"<name>.<figure>"``. Benchmarks connect with
``graph.settings.load_settings()`` (so ``NEO4J_URI`` set by run_all points them at its server).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # scripts run as `python benchmarks/bench_x.py` from anywhere
    sys.path.insert(0, str(ROOT))

RESULTS_DIR = ROOT / "benchmarks" / "results"
#: Patents in the generated graph when no --scale is given; the whole run stays under 10 minutes
#: on the 2-core reference machine. 100k and 1M are explicit: `make bench SCALE=1000000`.
DEFAULT_SCALE = 20_000
BENCH_HOME = ROOT / ".chainkg" / "bench"
BENCH_PORT = 7689
DEMO_SCALE = "demo"

#: The targets of issue 7 at 1M patents on the 2-core machine, keyed as they appear in latest.json.
#: run_all applies them when a benchmark reports the figure without a target of its own (bench_app
#: sets its own 2 s first-render target). ``better`` says which direction meets the target.
ISSUE_TARGET_SCALE = 1_000_000
ISSUE_TARGETS: dict[str, tuple[float, str]] = {
    "load.nodes_per_s": (30_000, "higher"),
    "load.rels_per_s": (20_000, "higher"),
    "load.speedup_vs_naive": (10, "higher"),
    "load.peak_rss_mb": (1536, "lower"),
    "queries.chain_map.p95_ms": (300, "lower"),
    "queries.license_paths.p95_ms": (200, "lower"),
    "queries.licensors_for.p95_ms": (500, "lower"),
}


# -- command line ---------------------------------------------------------------------------------
def parse_scale(text: str | int) -> int | str:
    """``demo`` or a positive patent count (``100000``, ``100k``, ``1M``) → ``"demo"`` or int."""
    if isinstance(text, int):
        return text
    t = str(text).strip().lower().replace("_", "").replace(",", "")
    if t == DEMO_SCALE:
        return DEMO_SCALE
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", t)
    if not m:
        raise argparse.ArgumentTypeError(f"scale must be 'demo' or a patent count like 100000, 100k, 1M; got {text!r}")
    value = int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)])
    if value < 1:
        raise argparse.ArgumentTypeError("scale must be at least 1 patent")
    return value


def bench_parser(description: str) -> argparse.ArgumentParser:
    """The argument parser every benchmark uses: ``--scale`` and ``--json``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--scale", type=parse_scale, default=DEFAULT_SCALE,
                   help=f"patents in the generated graph, or 'demo' (default {DEFAULT_SCALE})")
    p.add_argument("--json", type=Path, default=None, help="write the result JSON here")
    return p


# -- machine facts --------------------------------------------------------------------------------
def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    return None


def _java_version() -> str | None:
    java = shutil.which("java")
    if not java:
        return None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
        m = re.search(r'version "([^"]+)"', out)
        return m.group(1) if m else out.splitlines()[0]
    return None


def neo4j_jar_version() -> str | None:
    """Neo4j version of the jars the embedded server runs (from ``neo4j-kernel-X.jar``)."""
    for jar in (ROOT / "graph" / "launcher" / "target" / "lib").glob("neo4j-kernel-*.jar"):
        return jar.stem.removeprefix("neo4j-kernel-")
    return None


def machine_facts(server_version: str | None = None) -> dict[str, Any]:
    """Cores, memory, CPU model, OS, Python, Java and Neo4j versions of this machine."""
    return {
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": _java_version(),
        "neo4j": server_version or neo4j_jar_version(),
        # Other work on the machine slows every figure; the 1/5/15-minute load shows when it did.
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


# -- timing and memory ----------------------------------------------------------------------------
@dataclass
class Timer:
    """``with Timer() as t: …`` then ``t.seconds`` (monotonic, high resolution)."""

    seconds: float = 0.0
    _t0: float = 0.0

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation, like numpy's default."""
    if not samples:
        raise ValueError("percentile of no samples")
    xs = sorted(samples)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency_summary(samples_s: Sequence[float]) -> dict[str, float]:
    """p50, p95, max and mean in milliseconds from samples in seconds."""
    ms = [s * 1000 for s in samples_s]
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms),
            "mean_ms": sum(ms) / len(ms), "n": len(ms)}


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or of its finished children) in MiB.

    ``ru_maxrss`` is KiB on Linux and bytes on macOS.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss
    return usage / (2**20 if sys.platform == "darwin" else 2**10)


def current_rss_mb(pid: int | None = None) -> float:
    """Current RSS of ``pid`` (default: this process) in MiB, via psutil."""
    import psutil

    return psutil.Process(pid or os.getpid()).memory_info().rss / 2**20


# -- figures and results --------------------------------------------------------------------------
def figure(value: float, unit: str, *, baseline: float | None = None, target: float | None = None,
           better: str = "higher", note: str | None = None) -> dict[str, Any]:
    """One measured figure. ``better`` is ``higher`` (throughput) or ``lower`` (latency, memory)."""
    if better not in ("higher", "lower"):
        raise ValueError("better must be 'higher' or 'lower'")
    out: dict[str, Any] = {"value": _round(value), "unit": unit, "baseline": _round(baseline),
                           "target": target, "better": better}
    if note:
        out["note"] = note
    return out


def _round(x: float | None) -> float | None:
    if x is None:
        return None
    return round(float(x), 3 if abs(x) < 100 else 1)


def finish_figure(fig: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    """Add ``ratio`` (value / baseline) and ``met`` (against the target, issue targets as fallback)."""
    out = dict(fig)
    if out.get("target") is None and key in ISSUE_TARGETS:
        out["target"], out["better"] = ISSUE_TARGETS[key]
        out["target_scale"] = ISSUE_TARGET_SCALE
    value, base, target = out.get("value"), out.get("baseline"), out.get("target")
    out["ratio"] = round(value / base, 2) if value is not None and base else None
    if target is None or value is None:
        out["met"] = None
    else:
        out["met"] = bool(value >= target) if out.get("better", "higher") == "higher" else bool(value <= target)
    return out


def write_result(path: Path | None, bench: str, scale: int | str, figures: dict[str, dict[str, Any]],
                 notes: Sequence[str] = (), extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write (and return) a benchmark's result JSON; also print a short table to stdout."""
    doc = {"bench": bench, "scale": scale, "figures": figures, "notes": list(notes), **(extra or {})}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    for name, fig in figures.items():
        base = f" (baseline {fig['baseline']})" if fig.get("baseline") is not None else ""
        print(f"{bench}.{name}: {fig['value']} {fig['unit']}{base}")
    return doc


def now_iso() -> str:
    """UTC timestamp for ``generated_at``."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# -- generated source data ------------------------------------------------------------------------
def source_dir(scale: int | str, seed: int = 42) -> Path:
    """A folder of generated source files with ``scale`` patents (made once, then reused).

    ``demo`` is the bundled ``data/demo``. Others come from ``python -m demodata.generator``
    into ``.chainkg/bench/data/<scale>-<seed>``; a ``.complete`` marker guards half-written folders.
    """
    if scale == DEMO_SCALE:
        return ROOT / "data" / "demo"
    out = BENCH_HOME / "data" / f"{scale}-{seed}"
    if (out / ".complete").exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "demodata.generator", "--out", str(out), "--seed", str(seed),
                    "--patents", str(scale)], cwd=ROOT, check=True)
    (out / ".complete").write_text(now_iso())
    return out


# -- parameters drawn from the graph ---------------------------------------------------------------
@dataclass(frozen=True)
class GraphSamples:
    """Realistic query inputs read from the loaded graph, shared by the query, app and concurrency benchmarks.

    ``chain``: the chain with most nodes; ``chains``: every chain id; ``province``: the province
    code with most SMEs; ``smes``: up to 5 SMEs that took most licences (the licensor finder's users);
    ``pairs``: up to 5 (from, to) organisations two licence hops apart and not directly linked;
    ``licensors``: the 3 busiest licensors; ``node`` / ``node_chain``: the chain node most patents map
    to and its chain; ``demands``: up to 5 demand ids; ``licensed_patents``: up to 3 licensed patents.
    """

    chain: str
    chains: list[str]
    province: str | None
    smes: list[str]
    pairs: list[tuple[str, str]]
    licensors: list[str]
    node: str | None
    node_chain: str | None
    demands: list[str]
    licensed_patents: list[str]


def graph_samples(driver: Any, db: str) -> GraphSamples:
    """Read :class:`GraphSamples` from the graph (read-only queries, deterministic order)."""
    from queries.adhoc import run_readonly

    one = lambda q: run_readonly(driver, q, None, database=db, timeout_s=120)  # noqa: E731
    first = lambda df, col="id": str(df[col].iloc[0]) if len(df) else None  # noqa: E731
    chain = one("MATCH (c:Chain)-[:HAS_NODE]->(n) RETURN c.chain_id AS id, count(n) AS k ORDER BY k DESC, id LIMIT 1")
    chains = one("MATCH (c:Chain) RETURN c.chain_id AS id ORDER BY id")
    prov = one("MATCH (o:Organization) WHERE o.is_sme AND o.province_code IS NOT NULL "
               "RETURN o.province_code AS id, count(*) AS k ORDER BY k DESC, id LIMIT 1")
    smes = one("MATCH (l:License)-[:LICENSEE]->(o:Organization {is_sme: true}) WITH o, count(l) AS k "
               "RETURN o.org_id AS id ORDER BY k DESC, id LIMIT 5")
    pairs = one("MATCH (a:Organization)-[:LICENSED_TO]->(b:Organization)-[:LICENSED_TO|ASSIGNED_TO]->(c:Organization) "
                "WHERE a <> c AND NOT (a)-[:LICENSED_TO|ASSIGNED_TO]-(c) "
                "RETURN DISTINCT a.org_id AS a, c.org_id AS c ORDER BY a, c LIMIT 5")
    licensors = one("MATCH (a:Organization)-[r:LICENSED_TO]->() RETURN a.org_id AS id, count(r) AS k "
                    "ORDER BY k DESC, id LIMIT 3")
    node = one("MATCH (n:ChainNode)<-[:MAPS_TO]-(p) RETURN n.node_id AS id, n.chain_id AS chain, count(p) AS k "
               "ORDER BY k DESC, id LIMIT 1")
    demands = one("MATCH (d:Demand) RETURN d.demand_id AS id ORDER BY id LIMIT 5")
    patents = one("MATCH (l:License)-[:OF]->(p:Patent) RETURN p.pub_no AS id ORDER BY id LIMIT 3")
    return GraphSamples(
        chain=first(chain) or "", chains=list(chains.id), province=first(prov), smes=list(smes.id),
        pairs=list(zip(pairs.a, pairs.c, strict=True)), licensors=list(licensors.id), node=first(node),
        node_chain=first(node, "chain"), demands=list(demands.id), licensed_patents=list(patents.id))


# -- the throw-away bench server ------------------------------------------------------------------
def bench_env(home: Path = BENCH_HOME, port: int = BENCH_PORT) -> dict[str, str]:
    """Environment for a local bench server on its own home and port."""
    return {"CHAINKG_HOME": str(home), "CHAINKG_NEO4J_PORT": str(port),
            "CHAINKG_NEO4J_HEAP": os.environ.get("CHAINKG_BENCH_HEAP", "2g"),
            "CHAINKG_NEO4J_PAGECACHE_MB": os.environ.get("CHAINKG_BENCH_PAGECACHE_MB", "1024")}


@contextlib.contextmanager
def bench_server(home: Path = BENCH_HOME, port: int = BENCH_PORT, fresh: bool = False) -> Iterator[Any]:
    """Run a local Neo4j on ``home``/``port`` for the block and stop it afterwards (if we started it).

    Yields its :class:`graph.settings.Settings`. With ``fresh`` the store is deleted first (the
    bench graph is throw-away). When ``NEO4J_URI`` is set, nothing is started: its settings are yielded.
    """
    from graph import server as srv
    from graph.errors import ServerAlreadyRunning
    from graph.settings import load_settings

    if os.environ.get("NEO4J_URI"):
        yield load_settings()
        return
    settings = load_settings({**os.environ, **bench_env(home, port)})
    if fresh and srv.recorded_pid(settings) is None and settings.neo4j_dir.exists():
        shutil.rmtree(settings.neo4j_dir)
    started = False
    try:
        srv.start(settings)
        started = True
    except ServerAlreadyRunning:
        pass
    try:
        yield settings
    finally:
        if started:
            srv.stop(settings)


def connect(settings: Any = None) -> Any:
    """A checked driver for ``settings`` (default: from the environment), with the schema ensured."""
    from graph.connection import check_connection, make_driver
    from graph.schema import ensure_schema
    from graph.settings import load_settings

    settings = settings or load_settings()
    drv = make_driver(settings)
    check_connection(drv, settings)
    ensure_schema(drv, settings.database)
    return drv
