"""`chainkg export-bulk DIR` and `chainkg import-bulk DIR`: the offline bulk path for national-scale loads."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from app.context import settings

EXPORT_EPILOG = """\b
Examples:
  chainkg export-bulk out/bulk --from data/demo
  chainkg export-bulk /big/disk/bulk --from /data/province-2025
\b
Then, with the local server stopped:
  chainkg import-bulk out/bulk --overwrite && chainkg server start && chainkg init
"""

IMPORT_EPILOG = """\b
Examples:
  chainkg server stop
  chainkg import-bulk out/bulk --overwrite
  chainkg server start && chainkg init
"""


@click.command("export-bulk", epilog=EXPORT_EPILOG)
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "src", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Source folder holding the files `chainkg load` reads.")
def export_bulk_cmd(out_dir: Path, src: Path) -> None:
    """Write neo4j-admin import CSV files (header + data per label / relationship group) to OUT_DIR.

    Reads the same files as `chainkg load`, through the same validation; rejected rows go to
    OUT_DIR/rejects/. Exit code 0 all rows exported, 1 some rejected, 2 a file could not be read.
    """
    from app.commands.load import write_rejects
    from loaders.bulk_records import export_directory

    t0 = time.monotonic()
    report = export_directory(src, out_dir)
    m = report.manifest
    click.echo(f"wrote {m.node_count:,} nodes in {len(m.nodes)} files and {m.relationship_count:,} relationships "
               f"in {len(m.relationships)} files to {out_dir} in {time.monotonic() - t0:.1f}s")
    for msg in report.fatal:
        click.secho(f"FATAL (file skipped): {msg}", fg="red", err=True)
    written = write_rejects(report, out_dir) if report.rejects else []
    for file, n in report.rejected_by_file.items():
        click.echo(f"rejected {n:,} rows of {file}")
    if written:
        click.echo(f"rejects (file,row,field,reason) in {out_dir / 'rejects'}/")
    for group, n in sorted(m.dangling_relationships.items()):
        click.echo(f"left out {n:,} {group} relationships whose end node is not in the data")
    click.echo(f"import with: chainkg import-bulk {out_dir}  (or neo4j-admin database import full @import.args "
               f"neo4j, run inside {out_dir})")
    if report.fatal:
        sys.exit(2)
    if report.rejected_by_file:
        sys.exit(1)


@click.command("import-bulk", epilog=IMPORT_EPILOG)
@click.argument("bulk_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace the existing database (its data is lost).")
@click.option("--threads", type=int, default=None, help="Importer worker threads (default: all cores).")
def import_bulk_cmd(bulk_dir: Path, overwrite: bool, threads: int | None) -> None:
    """Build the local store from BULK_DIR with neo4j-admin's offline importer (server must be stopped)."""
    from graph.bulk_import import import_bulk

    res = import_bulk(settings(), bulk_dir, overwrite=overwrite, threads=threads)
    click.echo(f"imported {res.nodes:,} nodes, {res.relationships:,} relationships, {res.properties:,} properties "
               f"in {res.seconds:.1f}s (log {res.log_file})")
    click.echo("next: chainkg server start && chainkg init --refresh-counts   # constraints, indexes, chain counts")


COMMANDS = [export_bulk_cmd, import_bulk_cmd]
