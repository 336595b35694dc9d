"""`chainkg demo`: server (if needed), schema, the bundled demo data, extraction, then the app."""

from __future__ import annotations

import time
from typing import Any

import click

from app.context import driver, settings


def _ensure_server() -> None:
    from graph import server as srv

    s = settings()
    if not s.local:
        return  # NEO4J_URI points elsewhere: that server is the user's to run
    if srv.status(s).running:
        click.echo(f"Neo4j already running on {s.uri}")
        return
    t0 = time.monotonic()
    if not srv.launcher_up_to_date():
        click.echo("building the Neo4j launcher (first start only; Maven fetches the Neo4j jars)…")
    st = srv.start(s)
    click.echo(f"Neo4j {st.version} ready on {st.uri} in {time.monotonic() - t0:.1f}s (data in {s.home})")


def load_summary(report: Any, seconds: float) -> list[str]:
    """A few readable lines about a load (instead of the LoadReport repr)."""
    files = [f for f in report.files if not f.fatal]
    rows = sum(f.loaded for f in files)
    rejected = sum(f.rejected for f in report.files)
    dropped = sum(f.dropped_links for f in report.files)
    per_file = ", ".join(f"{f.file} {f.loaded:,}" for f in files)
    lines = [f"demo data loaded in {seconds:.1f}s: {rows:,} records from {len(files)} files "
             f"({report.nodes_written:,} nodes, {report.relationships_written:,} relationships written)",
             f"  {per_file}"]
    merged = sum(f.merged for f in report.files)
    created = sum(f.created_orgs for f in report.files)
    lines.append(f"  {merged:,} organisation rows merged into existing ones, {created:,} organisations created "
                 f"from references; {rejected:,} rows rejected, {dropped:,} links dropped")
    return lines


def extraction_summary(result: Any, seconds: float) -> str:
    """One line of extraction counts (numbers only; nested details stay out)."""
    if isinstance(result, dict):
        counts = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in result.items() if isinstance(v, int))
    else:
        counts = str(result)
    return f"extraction finished in {seconds:.1f}s: {counts or 'nothing to extract'}"


@click.command("demo", epilog="\b\nExamples:\n  chainkg demo\n  chainkg demo --no-app      # load only\n"
               "  chainkg demo --port 8502 --headless\n"
               "  chainkg demo --no-app --if-empty   # once: what docker compose's init service runs\n"
               "\b\nExit code: 0 loaded (then the app's own code), 2 a failure (server, data, extraction).")
@click.option("--no-app", is_flag=True, help="Stop after loading and extracting; do not start the app.")
@click.option("--port", default=8501, show_default=True, help="Port for the app.")
@click.option("--headless", is_flag=True, help="Never open a browser window (default: open one when a display exists).")
@click.option("--if-empty", is_flag=True,
              help="Load and extract only when the graph holds no patent yet (Docker's one-time init service).")
def demo_cmd(no_app: bool, port: int, headless: bool, if_empty: bool) -> None:
    """Start the local server if needed, load the demo data, extract, print a summary and start the app."""
    from graph.schema import ensure_schema
    from graph.writer import graph_stats
    from loaders.demo import load_demo

    _ensure_server()
    s = settings()
    drv = driver()
    click.echo(f"schema: {ensure_schema(drv, s.database)} constraints and indexes")
    if if_empty and graph_stats(drv, s.database)["nodes"].get("Patent", 0):
        click.echo("the graph already holds patents; nothing loaded (--if-empty)")
        if not no_app:
            from app.commands.app import run_app

            raise SystemExit(run_app(port, "127.0.0.1", headless))
        return
    t0 = time.monotonic()
    report = load_demo(drv, database=s.database)
    for line in load_summary(report, time.monotonic() - t0):
        click.echo(line)
    try:
        from extraction.graph_extract import extract_graph
    except ImportError:
        click.echo("extraction is not installed; skipping (the loaded graph is already queryable)")
    else:
        t0 = time.monotonic()
        result = extract_graph(drv, database=s.database)
        click.echo(extraction_summary(result, time.monotonic() - t0))
    stats = graph_stats(drv, s.database)
    nodes, rels = stats["nodes"], stats["relationships"]
    top = ", ".join(f"{k} {v:,}" for k, v in sorted(nodes.items(), key=lambda kv: -kv[1])[:6] if v)
    click.echo(f"graph: {sum(nodes.values()):,} nodes ({top}, …), {sum(rels.values()):,} relationships")
    if no_app:
        click.echo("next: chainkg app   (or chainkg query --list)")
        return
    from app.commands.app import run_app

    raise SystemExit(run_app(port, "127.0.0.1", headless))


COMMANDS = [demo_cmd]
