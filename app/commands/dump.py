"""`chainkg dump FILE` and `chainkg restore FILE`: back up and restore the graph as JSON Lines."""

from __future__ import annotations

import sys

import click

from app.context import driver, settings
from graph.dump import dump_graph, restore_graph
from graph.schema import ensure_schema


@click.command(
    "dump",
    epilog="\b\nExamples:\n  chainkg dump backup.jsonl\n  chainkg dump backup.jsonl.gz        # gzip-compressed\n"
    "  chainkg dump part.jsonl --key-prefix ORG-   # only nodes whose key starts with ORG-",
)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--key-prefix", default=None, help="Only nodes whose key starts with this, and relationships between them.")
def dump_cmd(file: str, key_prefix: str | None) -> None:
    """Write every node and relationship (with keys, labels and typed properties) to FILE as JSON Lines.

    The file is written under FILE.partial and renamed when complete. Restore it with
    `chainkg restore FILE`. See docs/reliability.md for the format.
    """
    report = dump_graph(driver(), file, database=settings().database, key_prefix=key_prefix,
                        on_progress=lambda n: click.echo(f"  {n:,} records…", err=True))
    click.echo(f"dumped {report.nodes:,} nodes and {report.relationships:,} relationships to {file} "
               f"({report.bytes / 2**20:.1f} MB, {report.seconds:.1f}s)")
    if report.skipped_nodes or report.skipped_relationships:
        click.secho(f"warning: left out {report.skipped_nodes:,} nodes and {report.skipped_relationships:,} "
                    "relationships without an allow-listed keyed label or type (see docs/reliability.md)",
                    fg="yellow", err=True)


@click.command(
    "restore",
    epilog="\b\nExamples:\n  chainkg restore backup.jsonl\n  chainkg restore backup.jsonl.gz --batch-size 2000",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
def restore_cmd(file: str, batch_size: int) -> None:
    """Merge a dump made by `chainkg dump` into the graph (idempotent: safe to run again).

    The whole file is checked before anything is written; nodes are merged on their keys and
    relationships on (type, endpoints, merge key), with exactly the dumped properties.
    Exit 0 when everything was restored, 1 when relationships lacked an endpoint, 2 on a fatal error.
    """
    drv = driver()
    ensure_schema(drv, settings().database)
    report = restore_graph(drv, file, database=settings().database, batch_size=batch_size)
    click.echo(f"restored {report.nodes:,} nodes and {report.relationships:,} relationships from {file} "
               f"in {report.chunks} transactions ({report.seconds:.1f}s)")
    if report.missing_endpoints:
        click.secho(f"warning: {report.missing_endpoints:,} relationships were skipped because an endpoint "
                    "node is missing from the file and the graph", fg="yellow", err=True)
        sys.exit(1)


COMMANDS = [dump_cmd, restore_cmd]
