"""`chainkg demo`: server (if needed), schema, the bundled demo data, extraction, then the app."""

from __future__ import annotations

import time

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
    st = srv.start(s)
    click.echo(f"Neo4j {st.version} ready on {st.uri} in {time.monotonic() - t0:.1f}s")


@click.command("demo", epilog="\b\nExamples:\n  chainkg demo\n  chainkg demo --no-app      # load only\n"
               "  chainkg demo --port 8502 --headless")
@click.option("--no-app", is_flag=True, help="Stop after loading and extracting; do not start the app.")
@click.option("--port", default=8501, show_default=True, help="Port for the app.")
@click.option("--headless", is_flag=True, help="Do not open a browser window.")
def demo_cmd(no_app: bool, port: int, headless: bool) -> None:
    """Start the local server if needed, load the demo data, extract, print stats and open the app."""
    from graph.schema import ensure_schema
    from graph.writer import graph_stats
    from loaders.demo import load_demo

    _ensure_server()
    s = settings()
    drv = driver()
    click.echo(f"schema: {ensure_schema(drv, s.database)} constraints and indexes")
    t0 = time.monotonic()
    report = load_demo(drv, database=s.database)
    click.echo(f"demo data loaded in {time.monotonic() - t0:.1f}s: {report}")
    try:
        from extraction.graph_extract import extract_graph
    except ImportError:
        click.echo("extraction is not installed; skipping (the loaded graph is already queryable)")
    else:
        t0 = time.monotonic()
        result = extract_graph(drv, database=s.database)
        click.echo(f"extraction finished in {time.monotonic() - t0:.1f}s: {result}")
    stats = graph_stats(drv, s.database)
    click.echo("nodes: " + ", ".join(f"{k}={v:,}" for k, v in stats["nodes"].items()))
    click.echo("relationships: " + ", ".join(f"{k}={v:,}" for k, v in stats["relationships"].items()))
    if no_app:
        return
    from app.commands.app import run_app

    raise SystemExit(run_app(port, "127.0.0.1", headless))


COMMANDS = [demo_cmd]
