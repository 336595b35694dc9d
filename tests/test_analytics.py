"""Analytics on the hand-checked sample graph and on pure networkx graphs."""

import networkx as nx
import pytest

from queries import analytics as an
from tests.sample_graph import write_sample_graph


def _chain(edges, segments, suppliers):
    rows = [{"source": a, "source_kind": "chain_node", "source_segment": segments[a], "target": b,
             "target_kind": "chain_node", "target_segment": segments[b], "relation": "UPSTREAM_OF"} for a, b in edges]
    rows += [{"source": o, "source_kind": "organization", "target": n, "target_kind": "chain_node",
              "target_segment": segments[n], "relation": "IN_NODE"} for o, n in suppliers]
    import pandas as pd
    return an.graph_from_edges(pd.DataFrame(rows))


def test_spof_on_a_diamond_has_no_chain_cut_but_a_sole_supplier():
    seg = {"u": "upstream", "m1": "midstream", "m2": "midstream", "d": "downstream"}
    g = _chain([("u", "m1"), ("u", "m2"), ("m1", "d"), ("m2", "d")], seg, [("o1", "m1"), ("o2", "m2"), ("o3", "m2")])
    df = an.single_points_of_failure(g)
    cuts = df[df.finding == "chain_cut"]
    assert set(cuts.id) == {"u"}  # removing a midstream node leaves the other route
    sole = df[df.finding == "sole_supplier"]
    assert list(zip(sole.id, sole.node_id, strict=False)) == [("o1", "m1")]
    assert an.downstream_cut(g, "m1") == []


def test_centrality_and_communities_shapes():
    g = nx.DiGraph()
    g.add_edges_from([("a", "b"), ("b", "c"), ("x", "y")], weight=1.0)
    df = an.centrality(g)
    assert set(df.columns) >= {"degree", "betweenness", "pagerank"} and len(df) == 5
    assert df.set_index("id").loc["b", "betweenness"] > 0
    comm = an.communities(g)
    assert comm.groupby("community").id.apply(set).tolist() == [{"a", "b", "c"}, {"x", "y"}]


def test_export_roundtrip(tmp_path):
    g = nx.DiGraph()
    g.add_node("a", name="甲", cuts=["x", "y"], segment=None)
    g.add_edge("a", "b", weight=2.0)
    for suffix in (".graphml", ".gexf"):
        p = an.export_graph(g, tmp_path / f"net{suffix}")
        back = nx.read_graphml(p) if suffix == ".graphml" else nx.read_gexf(p)
        assert set(back.nodes) == {"a", "b"} and back.number_of_edges() == 1


@pytest.mark.neo4j
def test_projections_on_the_sample_graph(driver, settings, ns):
    k = write_sample_graph(driver, ns, database=settings.database)
    g = an.project_supply_network(driver, k.ch, database=settings.database)
    assert g.number_of_nodes() == 8 and g.number_of_edges() == 7
    df = an.single_points_of_failure(g)
    assert set(df[df.finding == "chain_cut"].id) == {k.A, k.B}
    sole = df[df.finding == "sole_supplier"]
    assert list(zip(sole.id, sole.node_id, strict=False)) == [(k.S3, k.A)]
    lg = an.project_licensing_network(driver, database=settings.database)
    assert lg.has_edge(k.L1, k.S2) and lg.has_edge(k.U1, k.S1) and lg.edges[k.L1, k.S2]["licences"] == 1
