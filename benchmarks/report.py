"""Render ``benchmarks/results/latest.json`` as the generated table in ``docs/performance.md``.

The page keeps its hand-written text; only the part between the two markers is replaced, so a test
can check that every figure key of the JSON appears in the table and nothing else does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "benchmarks" / "results" / "latest.json"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
BEGIN = "<!-- BEGIN GENERATED: benchmarks/report.py from benchmarks/results/latest.json -->"
END = "<!-- END GENERATED -->"


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if abs(x) >= 100:
            return f"{x:,.0f}"
        return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _target(fig: dict[str, Any]) -> str:
    if fig.get("target") is None:
        return "–"
    return ("≥ " if fig.get("better", "higher") == "higher" else "≤ ") + _fmt(fig["target"])


def render_table(results: dict[str, Any]) -> str:
    """The generated block: machine line, one table row per figure key, and any failed benchmarks."""
    m = results.get("machine", {})
    lines = [
        BEGIN,
        "",
        f"Scale **{results.get('scale')}** patents · generated {results.get('generated_at')} · "
        f"{m.get('cores')} cores, {m.get('memory_gb')} GB, {m.get('cpu_model')} · Python {m.get('python')} · "
        f"Java {m.get('java')} · Neo4j {m.get('neo4j')} · load average at the end {m.get('load_avg')}",
        "",
        "| figure | value | unit | baseline | ratio | target | met |",
        "|---|---:|---|---:|---:|---:|:---:|",
    ]
    other_scale = False
    for key, fig in sorted(results.get("figures", {}).items()):
        met = {True: "✅", False: "❌", None: "–"}[fig.get("met")]
        if fig.get("met") is not None and fig.get("target_scale") not in (None, results.get("scale")):
            met += "*"  # the target is stated for another scale than this run's
            other_scale = True
        lines.append(f"| `{key}` | {_fmt(fig.get('value'))} | {fig.get('unit', '')} | {_fmt(fig.get('baseline'))} | "
                     f"{_fmt(fig.get('ratio'))} | {_target(fig)} | {met} |")
    if other_scale:
        lines += ["", f"\\* The target is stated for 1,000,000 patents (issue 7), not for this run's scale "
                  f"({results.get('scale')}): the mark compares anyway, as a pointer only."]
    notes = [(k, n) for k, f in sorted(results.get("figures", {}).items()) if (n := f.get("note"))]
    if notes:
        lines += ["", "Notes:", ""] + [f"- `{k}`: {n}" for k, n in notes]
    benches = results.get("benchmarks", {})
    failed = {k: v for k, v in sorted(benches.items()) if v.get("status") != "ok"}
    if failed:
        lines += ["", "Benchmarks that did not finish in this run:", ""]
        lines += [f"- `{k}`: {v.get('status')} — {v.get('error', '')}".rstrip(" —") for k, v in failed.items()]
    lines += ["", END]
    return "\n".join(lines)


def table_keys(markdown: str) -> list[str]:
    """Figure keys listed in the generated table of ``markdown`` (for the docs test)."""
    block = markdown.split(BEGIN, 1)[1].split(END, 1)[0]
    return [line.split("`")[1] for line in block.splitlines() if line.startswith("| `")]


def update_performance_md(results: dict[str, Any], path: Path = PERFORMANCE_MD) -> None:
    """Replace the generated block of ``path`` (or append one) with the table for ``results``."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    block = render_table(results)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def load_latest(path: Path = LATEST) -> dict[str, Any]:
    """The committed results JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":  # regenerate the page from the committed JSON
    update_performance_md(load_latest())
    print(f"updated {PERFORMANCE_MD}")
