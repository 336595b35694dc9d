"""`chainkg dump FILE` and `chainkg restore FILE`: back up and restore the graph as JSON Lines."""

from __future__ import annotations

import json
import sys

import click

from app.context import driver, settings
from graph.dump import dump_graph, graph_fingerprint, restore_graph, verify_restore
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
    click.echo(f"checksum {report.fingerprint.digest}  (compare: `chainkg graph-checksum`, `chainkg restore --verify`)")
    if report.skipped_nodes or report.skipped_relationships:
        click.secho(f"warning: left out {report.skipped_nodes:,} nodes and {report.skipped_relationships:,} "
                    "relationships without an allow-listed keyed label or type (see docs/reliability.md)",
                    fg="yellow", err=True)


@click.command(
    "restore",
    epilog="\b\nExamples:\n  chainkg restore backup.jsonl\n  chainkg restore backup.jsonl.gz --batch-size 2000\n"
    "  chainkg restore backup.jsonl.gz --verify   # into an empty database: prove the round trip exact",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
@click.option("--verify", is_flag=True,
              help="Afterwards compare the graph with the file (counts per label and type, checksum of every key, "
                   "label and property); exact only when restoring into an empty database.")
def restore_cmd(file: str, batch_size: int, verify: bool) -> None:
    """Merge a dump made by `chainkg dump` into the graph (idempotent: safe to run again).

    The whole file is checked before anything is written; nodes are merged on their keys and
    relationships on (type, endpoints, merge key), with exactly the dumped properties.
    Exit 0 when everything was restored, 1 when relationships lacked an endpoint or --verify found
    a difference, 2 on a fatal error.
    """
    drv = driver()
    ensure_schema(drv, settings().database)
    report = restore_graph(drv, file, database=settings().database, batch_size=batch_size)
    click.echo(f"restored {report.nodes:,} nodes and {report.relationships:,} relationships from {file} "
               f"in {report.chunks} transactions ({report.seconds:.1f}s)")
    if report.key_prefix is None:
        # Derived caches (ProgrammeTotals, graph/precompute.py) have no allow-listed key and are not in
        # a dump; the saved queries count live until they are rebuilt.
        click.echo("note: rebuild the precomputed totals with `chainkg init --refresh-counts`")
    if report.missing_endpoints:
        click.secho(f"warning: {report.missing_endpoints:,} relationships were skipped because an endpoint "
                    "node is missing from the file and the graph", fg="yellow", err=True)
        sys.exit(1)
    if verify:
        check = verify_restore(drv, report, database=settings().database)
        if check.exact:
            click.echo(f"verified: the graph equals the dump (checksum {check.actual.digest})")
            return
        click.secho("verification failed: the graph differs from the dump — " + "; ".join(check.differences()[:10])
                    + ". Restore into an empty database (nothing else under the dump's key prefix) with no other "
                    "writers, then verify again.", fg="red", err=True)
        sys.exit(1)


@click.command(
    "graph-checksum",
    epilog="\b\nExamples:\n  chainkg graph-checksum\n  chainkg graph-checksum --json > before.json\n"
    "  chainkg graph-checksum --key-prefix ORG-",
)
@click.option("--key-prefix", default=None, help="Only nodes whose key starts with this, and relationships between them.")
@click.option("--json", "as_json", is_flag=True, help="Print {nodes, relationships, checksum} as JSON.")
def checksum_cmd(key_prefix: str | None, as_json: bool) -> None:
    """Counts per label and relationship type and one checksum of every node and relationship.

    The checksum covers each node's key, labels and properties and each relationship's type, its
    endpoints' keys and properties (never internal ids), in any order: it equals the checksum
    `chainkg dump` printed when the graph is unchanged, and two databases holding the same graph agree.
    """
    fp = graph_fingerprint(driver(), database=settings().database, key_prefix=key_prefix)
    if as_json:
        click.echo(json.dumps({"nodes": fp.nodes, "relationships": fp.relationships, "checksum": fp.digest},
                              ensure_ascii=False, indent=2))
        return
    for name, n in fp.nodes.items():
        click.echo(f"node  {name:24s} {n:>12,}")
    for name, n in fp.relationships.items():
        click.echo(f"rel   {name:24s} {n:>12,}")
    click.echo(f"{fp.total_nodes:,} nodes, {fp.total_relationships:,} relationships")
    click.echo(f"checksum {fp.digest}")


COMMANDS = [dump_cmd, restore_cmd, checksum_cmd]
