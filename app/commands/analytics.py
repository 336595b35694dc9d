"""`chainkg analytics centrality|spof|communities|export` over the supply or licensing network."""

from __future__ import annotations

import click

from app.commands.output import emit_frame, format_option
from app.context import driver, settings
from graph.errors import QueryError
from queries import analytics as an

EPILOG = """\b
Examples:
  chainkg analytics centrality --network licensing --top 20
  chainkg analytics centrality --network supply --chain nev_battery
  chainkg analytics spof --chain nev_battery --region 江苏
  chainkg analytics communities --network licensing --format csv
  chainkg analytics export --network supply --chain nev_battery --out battery.gexf
"""


def _network(network: str, chain: str | None, region: str | None, since: str | None):
    db = settings().database
    if network == "supply":
        if not chain:
            raise QueryError("the supply network needs --chain (a chain id or name)")
        return an.project_supply_network(driver(), chain, region=region, database=db)
    return an.project_licensing_network(driver(), since=since, chain=chain, database=db)


def _options(f):
    f = click.option("--network", type=click.Choice(["supply", "licensing"]), default="licensing", show_default=True)(f)
    f = click.option("--chain", help="Chain id or name (required for the supply network).")(f)
    f = click.option("--region", help="Supply network: only organisations in this region.")(f)
    f = click.option("--since", help="Licensing network: only events on or after this date (YYYY-MM-DD).")(f)
    return f


def _emit(df, fmt: str, out=None, headers: str = "names") -> None:
    if fmt == "table":
        click.echo(df.to_string(index=False) if len(df) else "(no rows)")
    else:
        emit_frame(df, fmt, out, headers)


@click.group("analytics", epilog=EPILOG)
def analytics_group() -> None:
    """Network analytics (networkx): centrality, single points of failure, communities, export."""


@analytics_group.command("centrality")
@_options
@click.option("--top", type=int, default=20, show_default=True)
@format_option
def centrality_cmd(network, chain, region, since, top, fmt, out, headers) -> None:
    """Degree, betweenness and PageRank of organisations and chain nodes."""
    _emit(an.centrality(_network(network, chain, region, since), top=top), fmt, out, headers)


@analytics_group.command("spof")
@click.option("--chain", required=True, help="Chain id or name.")
@click.option("--region", help="Only organisations in this region.")
@format_option
def spof_cmd(chain, region, fmt, out, headers) -> None:
    """Single points of failure of a chain's supply network (卡脖子 risk)."""
    _emit(an.single_points_of_failure(_network("supply", chain, region, None)), fmt, out, headers)


@analytics_group.command("communities")
@_options
@click.option("--seed", type=int, default=42, show_default=True)
@format_option
def communities_cmd(network, chain, region, since, seed, fmt, out, headers) -> None:
    """Louvain communities."""
    _emit(an.communities(_network(network, chain, region, since), seed=seed), fmt, out, headers)


@analytics_group.command("export")
@_options
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="A .graphml or .gexf file.")
def export_cmd(network, chain, region, since, out) -> None:
    """Export the network as GraphML or GEXF for Gephi."""
    g = _network(network, chain, region, since)
    path = an.export_graph(g, out)
    click.echo(f"wrote {path} ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)")


COMMANDS = [analytics_group]
