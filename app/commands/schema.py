"""`chainkg init` and `chainkg stats`."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from app.context import driver, settings
from graph.schema import ensure_schema
from graph.writer import graph_stats


@click.command("init", epilog="\b\nExamples:\n  chainkg init\n  chainkg init --refresh-counts   # after import-bulk or writes outside chainkg")
@click.option("--refresh-counts", is_flag=True,
              help="Also refresh the precomputed chain counts (done after every load/extract anyway).")
def init_cmd(refresh_counts: bool) -> None:
    """Create every constraint and index (idempotent; safe to run again)."""
    n = ensure_schema(driver(), settings().database)
    click.echo(f"schema ready: {n} constraints and indexes ensured")
    if refresh_counts:
        from graph.precompute import refresh_chain_counts

        stats = refresh_chain_counts(driver(), settings().database)
        click.echo(f"precomputed chain counts refreshed: {stats}")


@click.command("stats", epilog="\b\nExamples:\n  chainkg stats\n  chainkg stats --format json")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_cmd(fmt: str) -> None:
    """Node counts by label and relationship counts by type."""
    stats = graph_stats(driver(), settings().database)
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    console = Console()
    for title, counts in (("Nodes", stats["nodes"]), ("Relationships", stats["relationships"])):
        table = Table(title=title)
        table.add_column("label" if title == "Nodes" else "type")
        table.add_column("count", justify="right")
        for name, c in counts.items():
            table.add_row(name, f"{c:,}")
        table.add_row("[bold]total", f"[bold]{sum(counts.values()):,}")
        console.print(table)


COMMANDS = [init_cmd, stats_cmd]
