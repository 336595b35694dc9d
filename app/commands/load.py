"""`chainkg load DIR` and `chainkg load-reference KIND [FILE]`."""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.context import driver, settings
from loaders.pipeline import DEFAULT_WRITERS, LoadReport, load_directory
from loaders.reference import REFERENCE_KINDS, load_reference


def safe_cell(value: object) -> str:
    """A cell for a CSV opened in a spreadsheet: text starting with = + - @ gets a leading ' (no formulas)."""
    from app.export import escape_cell  # one escaping rule for every export (no streamlit in the CLI)

    return escape_cell("" if value is None else str(value))


def write_rejects(report: LoadReport, directory: Path) -> list[Path]:
    """Write ``DIR/rejects/<file>.csv`` (file,row,field,reason) for every file with rejects.

    UTF-8 with a BOM, like every CSV we write: Excel then shows the Chinese reasons correctly.
    """
    by_file = defaultdict(list)
    for r in report.rejects:
        by_file[r.file].append(r)
    out_dir = directory / "rejects"
    written = []
    if by_file:
        out_dir.mkdir(exist_ok=True)
    for name, rows in by_file.items():
        path = out_dir / f"{Path(name).stem}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["file", "row", "field", "reason"])
            for r in sorted(rows, key=lambda r: r.row):
                w.writerow([safe_cell(r.file), r.row, safe_cell(r.field), safe_cell(r.reason)])
        written.append(path)
    return written


def links_dropped_reported(report: LoadReport) -> dict[str, int]:
    """Per file, the reject lines that dropped a link but loaded the row (they make the exit code 1)."""
    counts: dict[str, int] = defaultdict(int)
    for r in report.rejects:
        if "link dropped" in r.reason:
            counts[r.file] += 1
    return counts


def print_load_table(report: LoadReport, title: str) -> None:
    """One row per file: read, loaded, rows rejected, links dropped, merges, created organisations, time."""
    table = Table(title=title)
    table.add_column("file", no_wrap=True, min_width=20)
    for col in ("read", "loaded", "rejected", "links dropped", "orgs merged", "orgs created", "s"):
        table.add_column(col, justify="right")
    for f in report.files:
        status = "[red]FATAL" if f.fatal else f"{f.loaded:,}"
        table.add_row(f.file, f"{f.rows_read:,}", status, f"{f.rejected:,}", f"{f.dropped_links:,}", f"{f.merged:,}",
                      f"{f.created_orgs:,}", f"{f.seconds:.1f}")
    Console(width=max(Console().width, 110)).print(table)


def exit_summary(report: LoadReport) -> str:
    """One line saying why the exit code is what it is, in the table's terms."""
    rows = sum(f.rejected for f in report.files)
    dropped = sum(links_dropped_reported(report).values())
    other = len(report.rejects) - rows - dropped
    parts = [f"{rows:,} rows rejected", f"{dropped:,} links dropped"]
    if other > 0:
        parts.append(f"{other:,} other notes")
    if report.fatal:
        return f"exit 2: {len(report.fatal)} file(s) could not be loaded; " + ", ".join(parts)
    if report.exit_code == 1:
        return f"exit 1: {', '.join(parts)} (each listed in the rejects files above)"
    return "exit 0: every row and link loaded"


@click.command(
    "load",
    epilog="\b\nExamples:\n  chainkg load data/demo\n  chainkg load ~/exports --batch-size 10000\n  chainkg load ~/province --defer-indexes on --writers 2\n\n"
    "\b\nRecognised files: chains/*.yaml, organizations, patents, licenses, transfers,\n"
    "open_licenses, achievements, demands (.csv/.tsv/.jsonl/.xlsx).\n"
    "Exit code: 0 all rows and links loaded, 1 some rows rejected or links dropped (see DIR/rejects/),\n"
    "2 fatal error (a file could not be read, Neo4j unreachable).",
)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--batch-size", default=5000, show_default=True, help="Rows per write transaction.")
@click.option("--defer-indexes", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Build the secondary indexes after the writes instead of during them; auto = when the "
              "database holds no patent yet (a first load).")
@click.option("--writers", type=click.IntRange(1, 8), default=DEFAULT_WRITERS, show_default=True,
              help="Node-writing transactions in flight at once.")
def load_cmd(directory: Path, batch_size: int, defer_indexes: str, writers: int) -> None:
    """Load every known source file in DIRECTORY, validated and normalised (idempotent)."""
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(file: str, phase: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file, total=None)
            bar.update(tasks[file], description=f"{file} ({phase})", completed=done, total=total)

        report = load_directory(driver(), directory, database=settings().database, batch_size=batch_size,
                                progress=progress, defer_indexes=defer_indexes, writers=writers)
    print_load_table(report, f"chainkg load {directory}")
    click.echo(f"time: {report.total_seconds:.1f}s end to end — read/validate {report.other_seconds:.1f}s, "
               f"node writes {report.node_write_seconds:.1f}s ({report.nodes_per_s:,.0f} rows/s), relationship writes "
               f"{report.rel_write_seconds:.1f}s ({report.rels_per_s:,.0f} rows/s), derivations {report.derive_seconds:.1f}s")
    if report.indexes_deferred:
        click.echo(f"indexes: {len(report.indexes_deferred)} built after the writes in {report.index_seconds:.1f}s")
    for m in report.merges[:20]:
        click.echo(f"merged: {m.merged_input!r} -> {m.kept_name!r} ({m.org_id}, by {m.matched_by}; {m.file}:{m.line})")
    if len(report.merges) > 20:
        click.echo(f"… and {len(report.merges) - 20} more merges")
    for path in write_rejects(report, directory):
        click.echo(f"rejects written to {path}")
    for msg in report.fatal:
        click.secho(f"error: {msg}", fg="red", err=True)
    click.echo(exit_summary(report))
    sys.exit(report.exit_code)


@click.command(
    "load-reference",
    epilog="\b\nExamples:\n  chainkg load-reference ipc-zh ../shared/data/classification/ipc_2026_01_zh.csv\n"
    "  chainkg load-reference ipc-en ../shared/data/classification/wipo_ipc_all_en.tsv\n"
    "  chainkg load-reference gbt4754 ../shared/data/classification/gbt4754_2017_nic.csv\n"
    "  chainkg load-reference sei-ipc ../shared/data/sei_ipc_2021/sei_ipc_2021.csv\n"
    "  chainkg load-reference regions",
)
@click.argument("kind", type=click.Choice(REFERENCE_KINDS))
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--batch-size", default=5000, show_default=True, help="Rows per write transaction.")
def load_reference_cmd(kind: str, file: Path | None, batch_size: int) -> None:
    """Load a reference table: IPC scheme (zh/en), GB/T 4754-2017, 战新–IPC 2021, or regions."""
    rep = load_reference(driver(), kind, file, database=settings().database, batch_size=batch_size)
    click.echo(f"{kind}: {rep.rows_read:,} rows read, {rep.nodes:,} nodes, {rep.relationships:,} relationships, "
               f"{len(rep.rejects):,} rejected")
    for r in rep.rejects[:10]:
        click.echo(f"  rejected {r.file}:{r.row} {r.field}: {r.reason}")
    sys.exit(1 if rep.rejects else 0)


COMMANDS = [load_cmd, load_reference_cmd]
