"""Property tests: random small graphs written to Neo4j, license_paths and chain_map cross-checked
against networkx / plain Python on the same generated data."""

import networkx as nx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph.writer import write_nodes, write_relationships
from queries.registry import run_query

pytestmark = pytest.mark.neo4j
HS = hsettings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))

rel_types = st.sampled_from(["LICENSED_TO", "ASSIGNED_TO", "SUBSIDIARY_OF", "COOPERATES_WITH"])


@st.composite
def org_graphs(draw):
    n = draw(st.integers(3, 8))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), rel_types), max_size=14))
    edges = [(a, b, t) for a, b, t in edges if a != b]
    return n, edges, draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)), draw(st.integers(1, 4))


@HS
@given(data=org_graphs())
def test_license_paths_match_networkx(driver, settings, ns, data):
    n, edges, s, t, hops = data
    p = f"{ns}{abs(hash((n, tuple(edges), s, t, hops))) % 10**9}_"
    db = settings.database
    write_nodes(driver, "Organization", [{"org_id": f"{p}{i}", "name": f"{p}org{i}"} for i in range(n)], database=db)
    for i, (a, b, typ) in enumerate(edges):
        props = {"license_id": f"{p}L{i}"} if typ == "LICENSED_TO" else {"transfer_id": f"{p}T{i}"} if typ == "ASSIGNED_TO" else {"source": f"{p}S{i}"}
        key = {"LICENSED_TO": "license_id", "ASSIGNED_TO": "transfer_id"}.get(typ, "source")
        write_relationships(driver, typ, [{"start": f"{p}{a}", "end": f"{p}{b}", "props": props}],
                            start_label="Organization", end_label="Organization", merge_key=key, database=db)
    g = nx.MultiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((a, b) for a, b, _ in edges)
    if s == t:
        return
    df = run_query(driver, "license_paths", database=db, from_org=f"{p}{s}", to_org=f"{p}{t}", max_hops=hops, paths=50)
    try:
        expected = nx.shortest_path_length(g, s, t)
    except nx.NetworkXNoPath:
        expected = None
    if expected is None or expected > hops:
        assert df.empty
        return
    assert df.path_length.min() == expected
    # every returned path is a real walk from s to t in the generated graph
    for _, path in df.groupby("path_no"):
        path = path.sort_values("hop")
        assert len(path) == path.path_length.iloc[0] <= hops
        at = f"{p}{s}"
        for row in path.itertuples():
            assert at in (row.from_id, row.to_id)
            at = row.to_id if at == row.from_id else row.from_id
            assert g.has_edge(int(row.from_id.removeprefix(p)), int(row.to_id.removeprefix(p)))
        assert at == f"{p}{t}"
    # the number of shortest paths equals networkx's count over the multigraph's parallel edges
    shortest = df[df.path_length == expected].path_no.nunique()
    count = 0
    for nodes in nx.all_shortest_paths(g, s, t):
        mult = 1
        for a, b in zip(nodes, nodes[1:], strict=False):
            mult *= g.number_of_edges(a, b)
        count += mult
    assert shortest == min(count, 50)


@st.composite
def chains(draw):
    n_nodes = draw(st.integers(1, 4))
    n_orgs = draw(st.integers(1, 6))
    orgs = [(draw(st.booleans()), draw(st.sampled_from(["320505", "440300", "320102"])),
             draw(st.sampled_from(["none", "专精特新", "小巨人"]))) for _ in range(n_orgs)]
    placements = draw(st.sets(st.tuples(st.integers(0, n_orgs - 1), st.integers(0, n_nodes - 1)), max_size=10))
    patents = draw(st.lists(st.tuples(st.integers(0, n_nodes - 1), st.integers(0, n_orgs - 1)), max_size=12))
    return n_nodes, orgs, sorted(placements), patents


@HS
@given(data=chains())
def test_chain_map_counts_match_python(driver, settings, ns, data):
    n_nodes, orgs, placements, patents = data
    p = f"{ns}{abs(hash(repr(data))) % 10**9}_"
    db = settings.database
    write_nodes(driver, "Chain", [{"chain_id": p + "c", "name": p + "c"}], database=db)
    write_nodes(driver, "ChainNode", [{"node_id": f"{p}n{i}", "segment": "midstream", "name": f"n{i}"} for i in range(n_nodes)], database=db)
    write_relationships(driver, "HAS_NODE", [{"start": p + "c", "end": f"{p}n{i}"} for i in range(n_nodes)],
                        start_label="Chain", end_label="ChainNode", database=db)
    write_nodes(driver, "Organization", [{"org_id": f"{p}o{i}", "name": f"{p}o{i}", "is_sme": sme, "region_code": r, "tier": t}
                                         for i, (sme, r, t) in enumerate(orgs)], database=db)
    write_relationships(driver, "IN_NODE", [{"start": f"{p}o{o}", "end": f"{p}n{n}"} for o, n in placements],
                        start_label="Organization", end_label="ChainNode", database=db)
    write_nodes(driver, "Patent", [{"pub_no": f"{p}P{i}", "title": "t"} for i in range(len(patents))], database=db)
    write_relationships(driver, "MAPS_TO", [{"start": f"{p}P{i}", "end": f"{p}n{n}"} for i, (n, _) in enumerate(patents)],
                        start_label="Patent", end_label="ChainNode", database=db)
    write_relationships(driver, "HOLDS", [{"start": f"{p}o{o}", "end": f"{p}P{i}"} for i, (_, o) in enumerate(patents)],
                        start_label="Organization", end_label="Patent", database=db)
    df = run_query(driver, "chain_map", database=db, chain=p + "c", region="320000").set_index("node_id")
    for n in range(n_nodes):
        on = [o for o, m in placements if m == n and orgs[o][0]]
        local = [o for o in on if orgs[o][1].startswith("32")]
        row = df.loc[f"{p}n{n}"]
        assert row.smes_national == len(on)
        assert row.smes_local == len(local)
        assert row.local_zjtx == sum(orgs[o][2] == "专精特新" for o in local)
        assert row.patents_national == sum(m == n for m, _ in patents)
        assert row.patents_local == sum(m == n and orgs[o][1].startswith("32") for m, o in patents)
        expected_top = sorted(local, key=lambda o: (-sum(m == n and h == o for m, h in patents), f"{p}o{o}"))[:5]
        assert row.top_sme_ids == [f"{p}o{o}" for o in expected_top]
