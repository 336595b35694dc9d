"""`chainkg query NAME -p key=value … --format table|csv|json` and `chainkg query --list`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from app.commands.output import emit_frame, format_option, frame_bytes
from app.context import driver, settings
from graph.errors import QueryError
from queries.registry import get_query, list_queries, run_query

EPILOG = """\b
Examples:
  chainkg query --list
  chainkg query chain_map -p chain=nev_battery -p region=江苏
  chainkg query licensors_for -p org=苏州某某科技有限公司 --format csv > licensors.csv
  chainkg query chain_map -p chain=nev_battery --format xlsx -o chain_map.xlsx --headers zh
  chainkg query license_paths -p from_org=ORG-1 -p to_org=ORG-2 -p max_hops=4 --format json
"""


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("k=v", …)`` → dict; QueryError for a pair without ``=``."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"parameter {pair!r} is not key=value; write -p region=江苏")
        out[key.strip()] = value
    return out


def frame_to_text(df, fmt: str) -> str:
    """A result frame as csv or json text (what ``--format csv|json`` writes, without the CSV's BOM)."""
    return frame_bytes(df, fmt).decode("utf-8-sig")


def print_listing() -> None:
    console = Console()
    for q in list_queries():
        console.print(f"[bold]{q.name}[/bold]  {q.title}")
        console.print(f"  {q.description}")
        for p in q.params:
            console.print(f"    -p {p.signature()}  — {p.description}")
        if q.one_of:
            console.print(f"    (exactly one of: {', '.join(q.one_of)})")


@click.command("query", epilog=EPILOG)
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@format_option
@click.option("--list", "list_", is_flag=True, help="List the saved queries with their parameters.")
def query_cmd(name: str | None, params: tuple[str, ...], fmt: str, out, headers: str, list_: bool) -> None:
    """Run a saved query (read-only, bounded) and print its rows."""
    if list_:
        print_listing()
        return
    if not name:
        raise QueryError("name a saved query, e.g. `chainkg query chain_map -p chain=…`, or list them with --list")
    get_query(name)  # unknown names fail before connecting
    df = run_query(driver(), name, database=settings().database, **parse_pairs(params))
    if fmt != "table":
        emit_frame(df, fmt, out, headers, sheet=name)
        return
    table = Table(title=f"{get_query(name).title} — {len(df)} rows")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*("" if v is None or (isinstance(v, float) and v != v) else str(v) for v in row))
    Console().print(table)


COMMANDS = [query_cmd]
