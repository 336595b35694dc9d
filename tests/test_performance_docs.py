"""docs/performance.md stays in step with benchmarks/results/latest.json; the bench frame's pure parts work."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from benchmarks import report, run_all
from benchmarks.common import ISSUE_TARGETS, figure, finish_figure, parse_scale, percentile
from tests.conftest import ROOT

REQUIRED_TOP = {"machine", "scale", "generated_at", "figures"}
FIGURE_FIELDS = {"value", "unit", "baseline", "ratio", "target", "met"}


def test_latest_json_has_the_documented_shape():
    latest = report.load_latest()
    assert REQUIRED_TOP <= set(latest)
    assert {"cores", "memory_gb", "cpu_model", "python", "java", "neo4j"} <= set(latest["machine"])
    assert latest["figures"], "latest.json holds no figures; run `make bench`"
    for key, fig in latest["figures"].items():
        assert FIGURE_FIELDS <= set(fig), key
        bench = key.split(".", 1)[0]
        assert (ROOT / "benchmarks" / f"bench_{bench}.py").exists(), f"{key}: no benchmarks/bench_{bench}.py"


def test_performance_md_table_lists_exactly_the_json_figures_with_their_values():
    latest = report.load_latest()
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert report.table_keys(text) == sorted(latest["figures"]), "docs/performance.md is stale: run `make bench` " \
        "or `.venv/bin/python -m benchmarks.report`"
    assert report.render_table(latest) in text  # values, targets and verdicts too, not only the keys


def test_every_benchmark_documented_and_runnable_by_run_all():
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    for name, script in run_all.discover():
        assert f"`{name}` (bench_{name}.py)" in text, f"docs/performance.md does not describe bench_{name}.py"
        assert run_all._speaks_common_cli(script) or name in run_all.ADAPTERS, (
            f"bench_{name}.py has neither --scale/--json (benchmarks.common.bench_parser) nor an adapter in run_all")


def test_render_marks_targets_and_failures(tmp_path):
    doc = run_all.merge(
        {"queries": {"status": "ok", "seconds": 1.0, "doc": {"figures": {
            "chain_map.p95_ms": figure(350.0, "ms", better="lower"),
            "license_paths.p95_ms": figure(120.0, "ms", better="lower")}}},
         "app": {"status": "timeout", "seconds": 300.0, "error": "exceeded 300s"}},
        scale=1_000_000, machine={"cores": 2}, seconds=301)
    assert doc["figures"]["queries.chain_map.p95_ms"]["met"] is False  # issue target 300 ms applied
    assert doc["figures"]["queries.license_paths.p95_ms"]["met"] is True
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\nhand-written text\n", encoding="utf-8")
    report.update_performance_md(doc, page)
    report.update_performance_md(doc, page)  # idempotent: one generated block
    text = page.read_text(encoding="utf-8")
    assert text.count(report.BEGIN) == 1 and "hand-written text" in text
    assert "| `queries.chain_map.p95_ms` | 350 | ms | – | – | ≤ 300 | ❌ |" in text
    assert "`app`: timeout — exceeded 300s" in text
    small = run_all.merge({"queries": {"status": "ok", "seconds": 1.0, "doc": {"figures": {
        "chain_map.p95_ms": figure(350.0, "ms", better="lower")}}}}, scale=2000, machine={}, seconds=1)
    assert "| ≤ 300 | ❌* |" in report.render_table(small)  # a 1M target compared at another scale is marked


def test_figures_ratio_and_met():
    f = finish_figure(figure(30_000, "nodes/s", baseline=1_500), "load.nodes_per_s")
    assert f["ratio"] == 20.0 and f["target"] == ISSUE_TARGETS["load.nodes_per_s"][0] and f["met"] is True
    assert finish_figure(figure(5.0, "x"), "other.thing")["met"] is None
    assert finish_figure(figure(2000, "MiB", better="lower", target=1536))["met"] is False


def test_percentile_and_scale_parsing():
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 95) == 5
    assert percentile(list(range(101)), 95) == 95
    assert parse_scale("100k") == 100_000 and parse_scale("1M") == 1_000_000 and parse_scale("demo") == "demo"
    with pytest.raises(argparse.ArgumentTypeError):
        parse_scale("lots")


def test_adapters_turn_existing_outputs_into_figures():
    load = run_all.ADAPTERS["load"].to_doc({
        "patents": 1000, "organisations": 50, "batch_size": 5000, "load_seconds": 2.0,
        "loader": {"node_rows_per_s": 40_000, "rel_rows_per_s": 25_000, "patents_per_s_end_to_end": 500},
        "naive": {"sample": 500, "node_rows_per_s": 800, "rel_rows_per_s": 700},
        "ratio": {"write_time": 31.0}, "peak_rss_mb": {"after_load": 300.0}})
    merged = run_all.merge({"load": {"status": "ok", "seconds": 3, "doc": load}}, 1000, {}, 3)["figures"]
    assert merged["load.nodes_per_s"]["ratio"] == 50.0 and merged["load.speedup_vs_naive"]["met"] is True
    q = run_all.ADAPTERS["queries"].to_doc({"scale": "demo", "queries": {"chain_map": {"p50_ms": 10, "p95_ms": 20}}})
    assert set(q["figures"]) == {"chain_map.p50_ms", "chain_map.p95_ms"}
    assert run_all._last_json('noise\n{"texts": 1}\nmore') == {"texts": 1}


def test_run_all_rejects_unknown_benchmarks_and_run_bench_passes_scale():
    with pytest.raises(SystemExit, match="unknown benchmark"):
        run_all.discover(["nope"])
    script = (ROOT / "tools" / "run_bench.sh").read_text()
    assert "benchmarks/run_all.py" in script and "SCALE" in script
    assert "bash tools/run_bench.sh" in (ROOT / "Makefile").read_text()
    out = subprocess.run([sys.executable, "benchmarks/run_all.py", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "--scale" in out.stdout


def test_results_json_is_valid_utf8_json():
    json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text(encoding="utf-8"))


def test_merge_keeps_figures_of_benchmarks_not_rerun():
    old = run_all.merge({"load": {"status": "ok", "seconds": 1, "doc": {"figures": {"nodes_per_s": figure(5, "n/s")}}},
                         "app": {"status": "ok", "seconds": 1, "doc": {"figures": {"x_s": figure(1, "s")}}}},
                        20000, {}, 2)
    new = run_all.merge({"app": {"status": "ok", "seconds": 1, "doc": {"figures": {"x_s": figure(2, "s")}}}}, 20000, {}, 1)
    merged = run_all.merge_previous(new, old)
    assert merged["figures"]["load.nodes_per_s"]["value"] == 5 and merged["figures"]["app.x_s"]["value"] == 2
    assert set(merged["benchmarks"]) == {"load", "app"}
    with pytest.raises(SystemExit, match="scale"):
        run_all.merge_previous(run_all.merge({}, "demo", {}, 1), old)
