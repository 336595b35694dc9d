"""Network analytics in networkx: project the supply and licensing networks, then measure them.

The Cypher of the projections lives in ``queries/_supply_network.cypher`` and
``queries/_licensing_network.cypher`` (run read-only through the registry); everything after the
projection is plain networkx on a ``DiGraph`` whose nodes carry ``name``, ``kind`` (``chain_node`` /
``organization`` / the organisation kind), ``segment``, ``is_sme`` and ``region``.

Measures: :func:`centrality` (degree, betweenness, PageRank), :func:`single_points_of_failure`
(articulation points; chain nodes whose loss cuts downstream nodes off from every upstream one;
organisations that are the sole supplier placed on a node — 卡脖子 risk), :func:`communities`
(Louvain) and :func:`export_graph` (GraphML / GEXF for Gephi).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from graph.errors import QueryError
from queries.registry import run_query


def graph_from_edges(edges: pd.DataFrame, *, weight_col: str | None = None) -> nx.DiGraph:
    """Build a DiGraph from a projection's edge list (``source*``/``target*`` columns, ``relation``)."""
    g = nx.DiGraph()
    for row in edges.to_dict("records"):
        for end in ("source", "target"):
            key = row[end]
            attrs = {
                "name": row.get(f"{end}_name") or key,
                "kind": row.get(f"{end}_kind") or "organization",
                "segment": row.get(f"{end}_segment"),
                "is_sme": row.get(f"{end}_is_sme"),
                "region": row.get(f"{end}_region"),
            }
            if key in g:
                g.nodes[key].update({k: v for k, v in attrs.items() if v is not None and not _isnan(v)})
            else:
                g.add_node(key, **{k: v for k, v in attrs.items() if v is not None and not _isnan(v)})
        data: dict[str, Any] = {"relation": row.get("relation", "LICENSED_TO")}
        if weight_col:
            data["weight"] = float(row[weight_col])
            for extra in ("licences", "transfers", "first", "last"):
                if extra in row and row[extra] is not None:
                    data[extra] = row[extra]
        g.add_edge(row["source"], row["target"], **data)
    return g


def _isnan(v: Any) -> bool:
    return isinstance(v, float) and v != v


def project_supply_network(
    driver: neo4j.Driver, chain: str, *, region: str | None = None, database: str = "neo4j"
) -> nx.DiGraph:
    """One chain's supply network: chain nodes (UPSTREAM_OF), organisations placed on them (IN_NODE),
    and SUPPLIES between those organisations. Edges point downstream / from supplier to node."""
    edges = run_query(driver, "_supply_network", database=database, chain=chain, region=region)
    g = graph_from_edges(edges)
    g.graph.update({"network": "supply", "chain": chain})
    return g


def project_licensing_network(
    driver: neo4j.Driver,
    *,
    since: dt.date | str | None = None,
    before: dt.date | str | None = None,
    chain: str | None = None,
    database: str = "neo4j",
) -> nx.DiGraph:
    """The licensing network: organisations, one edge licensor→licensee (or assignor→assignee) per
    pair weighted by the number of licences and transfers."""
    edges = run_query(driver, "_licensing_network", database=database, since=since, before=before, chain=chain)
    g = graph_from_edges(edges, weight_col="weight")
    g.graph.update({"network": "licensing"})
    return g


def centrality(g: nx.DiGraph, *, top: int | None = None) -> pd.DataFrame:
    """Degree (in/out/total), betweenness (on the undirected view) and PageRank (weighted) per node,
    sorted by PageRank. Empty graph → empty frame with the columns."""
    cols = ["id", "name", "kind", "in_degree", "out_degree", "degree", "betweenness", "pagerank"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    between = nx.betweenness_centrality(g.to_undirected(as_view=True), normalized=True)
    weight = "weight" if any("weight" in d for _, _, d in g.edges(data=True)) else None
    pr = nx.pagerank(g, weight=weight)
    rows = [
        {
            "id": n, "name": d.get("name", n), "kind": d.get("kind"),
            "in_degree": g.in_degree(n), "out_degree": g.out_degree(n), "degree": g.degree(n),
            "betweenness": round(between[n], 6), "pagerank": round(pr[n], 6),
        }
        for n, d in g.nodes(data=True)
    ]
    df = pd.DataFrame(rows, columns=cols).sort_values(["pagerank", "id"], ascending=[False, True]).reset_index(drop=True)
    return df.head(top) if top else df


def downstream_cut(g: nx.DiGraph, removed: str) -> list[str]:
    """Downstream chain nodes reachable from some upstream chain node in ``g`` that no longer are
    once ``removed`` is taken out (only UPSTREAM_OF edges between chain nodes count)."""
    chain = nx.DiGraph()
    chain.add_nodes_from(n for n, d in g.nodes(data=True) if d.get("kind") == "chain_node")
    chain.add_edges_from((a, b) for a, b, d in g.edges(data=True) if d.get("relation") == "UPSTREAM_OF")
    ups = [n for n in chain if g.nodes[n].get("segment") == "upstream"]
    downs = {n for n in chain if g.nodes[n].get("segment") == "downstream"}

    def reachable(h: nx.DiGraph) -> set[str]:
        seen: set[str] = set()
        for u in ups:
            if u in h:
                seen |= nx.descendants(h, u) | {u}
        return seen & downs

    before = reachable(chain)
    without = chain.copy()
    without.remove_node(removed)
    return sorted(before - reachable(without) - {removed})


def single_points_of_failure(g: nx.DiGraph) -> pd.DataFrame:
    """Nodes and organisations whose loss cuts the network (卡脖子 risk), one row per finding.

    * ``chain_cut``: a chain node whose removal leaves downstream nodes unreachable from every
      upstream node (``cuts`` lists them);
    * ``sole_supplier``: the only organisation placed on a chain node that has downstream
      dependents (``cuts`` lists the downstream nodes that depend on that node);
    * ``no_supplier``: a chain node with downstream dependents and no organisation at all;
    * ``articulation``: an articulation point of the undirected network (its removal splits it).
    """
    cols = ["id", "name", "kind", "finding", "node_id", "cuts", "n_cuts", "reason"]
    rows: list[dict[str, Any]] = []
    chain_nodes = [n for n, d in g.nodes(data=True) if d.get("kind") == "chain_node"]
    chain = g.edge_subgraph([(a, b) for a, b, d in g.edges(data=True) if d.get("relation") == "UPSTREAM_OF"])
    for n in chain_nodes:
        name = g.nodes[n].get("name", n)
        cut = downstream_cut(g, n)
        if cut:
            rows.append({"id": n, "name": name, "kind": "chain_node", "finding": "chain_cut", "node_id": n, "cuts": cut,
                         "n_cuts": len(cut), "reason": f"losing {name} cuts {len(cut)} downstream node(s) off from upstream"})
        dependents = sorted(nx.descendants(chain, n)) if n in chain else []
        suppliers = [o for o in g.predecessors(n) if g.edges[o, n].get("relation") == "IN_NODE"]
        if len(suppliers) == 1 and dependents:
            o = suppliers[0]
            rows.append({"id": o, "name": g.nodes[o].get("name", o), "kind": "organization", "finding": "sole_supplier",
                         "node_id": n, "cuts": dependents, "n_cuts": len(dependents),
                         "reason": f"only organisation on {name}, which {len(dependents)} downstream node(s) depend on"})
        if not suppliers and dependents:
            rows.append({"id": n, "name": name, "kind": "chain_node", "finding": "no_supplier", "node_id": n, "cuts": dependents,
                         "n_cuts": len(dependents), "reason": f"no organisation on {name}; {len(dependents)} node(s) depend on it"})
    und = g.to_undirected(as_view=True)
    for n in sorted(nx.articulation_points(und)) if g.number_of_nodes() else []:
        parts = nx.number_connected_components(und.subgraph(set(und) - {n}))
        rows.append({"id": n, "name": g.nodes[n].get("name", n), "kind": g.nodes[n].get("kind"), "finding": "articulation",
                     "node_id": n if g.nodes[n].get("kind") == "chain_node" else None, "cuts": [], "n_cuts": parts,
                     "reason": f"removing it splits the network into {parts} parts"})
    order = {"chain_cut": 0, "sole_supplier": 1, "no_supplier": 2, "articulation": 3}
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        df = df.sort_values(by=["finding", "n_cuts", "id"], key=lambda s: s.map(order) if s.name == "finding" else s,
                            ascending=[True, False, True]).reset_index(drop=True)
    return df


def communities(g: nx.DiGraph, *, seed: int = 42, resolution: float = 1.0) -> pd.DataFrame:
    """Louvain communities of the undirected weighted network; one row per node with its community
    number (0 = largest) and the community's size."""
    cols = ["id", "name", "kind", "community", "community_size"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    und = nx.Graph()
    und.add_nodes_from(g.nodes(data=True))
    for a, b, d in g.edges(data=True):
        w = float(d.get("weight", 1.0))
        if und.has_edge(a, b):
            und[a][b]["weight"] += w
        else:
            und.add_edge(a, b, weight=w)
    parts = nx.community.louvain_communities(und, weight="weight", resolution=resolution, seed=seed)
    parts = sorted(parts, key=lambda c: (-len(c), min(c)))
    rows = [
        {"id": n, "name": g.nodes[n].get("name", n), "kind": g.nodes[n].get("kind"), "community": i, "community_size": len(c)}
        for i, c in enumerate(parts)
        for n in sorted(c)
    ]
    return pd.DataFrame(rows, columns=cols)


def _gephi_safe(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def export_graph(g: nx.DiGraph, path: str | Path) -> Path:
    """Write ``g`` as GraphML (``.graphml``) or GEXF (``.gexf``) for Gephi; attributes that those
    formats cannot hold (lists, dates, None) are turned into text or dropped. Returns the path."""
    path = Path(path)
    out = nx.DiGraph()
    out.graph.update({k: _gephi_safe(v) for k, v in g.graph.items() if v is not None})
    for n, d in g.nodes(data=True):
        out.add_node(n, **{k: _gephi_safe(v) for k, v in d.items() if v is not None})
    for a, b, d in g.edges(data=True):
        out.add_edge(a, b, **{k: _gephi_safe(v) for k, v in d.items() if v is not None})
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".graphml":
        nx.write_graphml(out, path)
    elif suffix == ".gexf":
        nx.write_gexf(out, path)
    else:
        raise QueryError(f"cannot export to {path.name}: use a .graphml or .gexf file name")
    return path
