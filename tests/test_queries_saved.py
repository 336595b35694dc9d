"""Saved queries on a small hand-checked graph (tests/sample_graph.py): named cases, injection
strings, EXPLAIN plans (index seeks for keyed look-ups) and the read-only workbench."""

import datetime as dt

import pytest

from graph.errors import QueryError
from queries.adhoc import run_readonly
from queries.registry import explain_query, list_queries, run_query
from tests.sample_graph import write_sample_graph

pytestmark = pytest.mark.neo4j


@pytest.fixture
def sample(driver, settings, ns):
    return write_sample_graph(driver, ns, database=settings.database)


def q(driver, settings, name, **params):
    return run_query(driver, name, database=settings.database, **params)


def test_chain_map_counts_by_hand(driver, settings, sample):
    df = q(driver, settings, "chain_map", chain=sample.ch, region="江苏").set_index("node_id")
    b = df.loc[sample.B]
    assert (b.smes_local, b.smes_national, b.local_zjtx, b.local_little_giant) == (2, 2, 1, 1)
    # P1 P2 P3 P9 P10 P11 have a Jiangsu holder (P10: applicant U1, nobody holds it); P5-P7 are Shanghai's
    assert (b.patents_local, b.patents_national) == (6, 9)
    assert b.top_sme_ids == [sample.S1, sample.S2] and b.top_smes[0].endswith("(3)")
    assert list(df.segment) == ["upstream", "midstream", "downstream", "downstream"]
    assert df.loc[sample.A, ["smes_local", "smes_national", "patents_local"]].tolist() == [0, 1, 0]
    assert df.loc[sample.C, "local_champion"] == 1
    national = q(driver, settings, "chain_map", chain=sample.ch, tier="小巨人").set_index("node_id")
    assert national.loc[sample.B, "smes_national"] == 1 and national.loc[sample.B, "patents_local"] == 9


def test_chain_gaps_by_hand(driver, settings, sample):
    df = q(driver, settings, "chain_gaps", chain=sample.ch, region="320000")
    assert list(df.node_id) == [sample.A, sample.D, sample.C]  # B has 2 local SMEs and 6 local patents
    assert df.iloc[0].gap == "no local SME and no local patent"
    assert df.iloc[0].strongest_elsewhere_ids == [sample.S3]
    assert df.iloc[2].strongest_elsewhere_ids == [sample.L1]


def test_licensors_for_ranks_and_excludes_existing_licensors(driver, settings, sample):
    df = q(driver, settings, "licensors_for", org=sample.S1)
    assert list(df.licensor_id) == [sample.L1, sample.L2, sample.U1]
    l1 = df.iloc[0]
    assert (l1.relevant_patents, l1.prior_sme_licences, l1.open_offers, bool(l1.same_region)) == (3, 1, 1, False)
    parts = ["s_patents", "s_licences", "s_open", "s_region", "s_granted", "s_age"]
    assert abs(df[parts].sum(axis=1) - df.score).max() < 0.01
    # S2 already has a licence from L1: L1 must not be proposed again
    assert sample.L1 not in set(q(driver, settings, "licensors_for", org=sample.S2).licensor_id)
    # as of 2020-06 the L1→S2 licence did not exist yet: it is neither excluded nor counted
    early = q(driver, settings, "licensors_for", org=sample.S2, as_of=dt.date(2020, 6, 1))
    assert sample.L1 in set(early.licensor_id)
    assert early.set_index("licensor_id").loc[sample.L1, "prior_sme_licences"] == 0
    by_node = q(driver, settings, "licensors_for", node=sample.B)
    assert set(by_node.licensor_id) == {sample.L1, sample.L2, sample.U1}
    by_ipc = q(driver, settings, "licensors_for", ipc=sample.prefix + "H01M")
    assert set(by_ipc.licensor_id) == {sample.L1, sample.L2, sample.U1}


def test_license_paths_by_hand(driver, settings, sample):
    df = q(driver, settings, "license_paths", from_org=sample.S2, to_org=sample.S3)
    assert df.path_length.unique().tolist() == [3]
    assert list(df.relation) == ["LICENSED_TO", "SUBSIDIARY_OF", "LICENSED_TO"]
    assert df.iloc[0].pub_no == sample.P5 and df.iloc[0].date == dt.date(2021, 1, 1)
    assert q(driver, settings, "license_paths", from_org=sample.S2, to_org=sample.S3, max_hops=2).empty


def test_licensing_network_by_org_and_patent(driver, settings, sample):
    df = q(driver, settings, "licensing_network", org=sample.L1)
    assert list(df.record_id) == [sample.LIC1] and df.iloc[0].to_id == sample.S2
    df = q(driver, settings, "licensing_network", patent=sample.P11)
    assert list(zip(df.event, df.from_id, df.to_id, strict=False)) == [("transfer", sample.U1, sample.S1)]


def test_demand_matches_by_hand(driver, settings, sample):
    df = q(driver, settings, "demand_matches", demand_id=sample.DM1, min_trl=4)
    mine = df[df.id.str.startswith(sample.prefix)]
    assert list(mine[mine.kind == "achievement"].id) == [sample.AC1]  # AC2 has TRL 3
    patents = mine[mine.kind == "patent"]
    assert patents.iloc[0].id == sample.P6 and patents.iloc[0].open_offer  # open-licence offer first
    assert "open-licence offer" in patents.iloc[0].reasons
    assert set(mine[mine.kind == "organization"].id) == {sample.S1, sample.S2}


def test_landscape_partners_offers_profile(driver, settings, sample):
    df = q(driver, settings, "patent_landscape", node=sample.B)
    summary = dict(zip(df[df.section == "summary"].key, df[df.section == "summary"].value, strict=False))
    assert summary["patents"] == 9 and summary["sme_held"] == 4 and summary["open_offers"] == 1
    top = df[df.section == "top_holders"]
    assert set(top.key[:2]) == {sample.L1, sample.S1} and list(top.value[:2]) == [3, 3]
    up = q(driver, settings, "university_partners", org=sample.S1)
    assert list(up.partner_id) == [sample.U1] and up.iloc[0].achievements == 2 and up.iloc[0].licensed_before
    oo = q(driver, settings, "open_offers", node=sample.B)
    assert list(oo.offer_id) == [sample.OF1] and oo.iloc[0].holder_id == sample.L1
    prof = q(driver, settings, "org_profile", org=sample.S1)
    assert set(prof.section) >= {"identity", "chain_nodes", "patents", "transfers_in"}
    assert prof[(prof.section == "patents") & (prof.key == "held")].value.iloc[0] == 3


def test_organisations_by_name_and_ambiguity(driver, settings, sample):
    by_name = q(driver, settings, "org_profile", org=sample.prefix + "苏州甲科技")
    assert sample.S1 in set(by_name.detail)
    by_alias = q(driver, settings, "org_profile", org=sample.prefix + "苏州甲科技简称")
    assert sample.S1 in set(by_alias.detail)
    with pytest.raises(QueryError, match="no organisation matches"):
        q(driver, settings, "org_profile", org=sample.prefix + "不存在的公司")


def test_chain_map_lists_upstream_nodes(driver, settings, sample):
    df = q(driver, settings, "chain_map", chain=sample.ch).set_index("node_id")
    assert df.upstream.to_dict() == {sample.A: [], sample.B: [sample.A], sample.C: [sample.B], sample.D: [sample.B]}


def _measures(driver, settings, **params) -> dict[tuple, int]:
    df = q(driver, settings, "programme_measures", **params)
    years = [None if y is None or y != y else int(y) for y in df.year]  # NaN when the column mixes nulls
    return {(y, r, m): int(v) for y, r, m, v in zip(years, df.region_code, df.measure, df.value, strict=True)}


def _delta(after: dict, before: dict) -> dict:
    return {k: after.get(k, 0) - before.get(k, 0) for k in after.keys() | before.keys() if after.get(k, 0) != before.get(k, 0)}


def test_programme_measures_by_hand(driver, settings, ns):
    """The sample graph's own contribution (after minus before), so other data in the database does not matter."""
    national0, jiangsu0 = _measures(driver, settings), _measures(driver, settings, region="江苏")
    write_sample_graph(driver, ns, database=settings.database)
    national = _delta(_measures(driver, settings), national0)
    assert national == {
        (None, "320000", "achievements"): 2,       # AC1, AC2 owned by U1 (Nanjing); no date recorded
        (2024, "320000", "demands"): 1,            # DM1 posted by S4 (Suzhou), deadline 2024-05-01
        (2021, "320000", "licences_to_smes"): 1,   # LIC1 L1 → S2 (Nanjing)
        (2022, "440000", "licences_to_smes"): 1,   # LIC2 L2 → S3 (Shenzhen)
        (2023, "320000", "transfers_to_smes"): 1,  # TR1 U1 → S1 (Suzhou)
        (2024, "310000", "open_offers"): 1,        # OF1 on P6, held by L1 (Shanghai)
    }
    jiangsu = _delta(_measures(driver, settings, region="江苏"), jiangsu0)  # by city inside the province
    assert jiangsu == {
        (None, "320100", "achievements"): 2, (2024, "320500", "demands"): 1,
        (2021, "320100", "licences_to_smes"): 1,
        (2023, "320500", "transfers_to_smes"): 1,
    }


def test_lookup_queries_for_pickers(driver, settings, sample):
    chains = q(driver, settings, "lookup_chains", limit=1000).set_index("chain_id")
    assert chains.loc[sample.ch, "nodes"] == 4 and chains.loc[sample.ch, "name"] == sample.prefix + "测试链"
    nodes = q(driver, settings, "lookup_chain_nodes", chain=sample.ch)
    assert list(nodes.node_id) == [sample.A, sample.B, sample.C, sample.D]  # upstream → downstream
    assert set(nodes.chain_id) == {sample.ch}
    orgs = q(driver, settings, "lookup_orgs", q=sample.prefix + "苏州")
    assert set(orgs.org_id) == {sample.S1, sample.S4, sample.L2}
    smes = q(driver, settings, "lookup_orgs", q=sample.prefix + "苏州", sme_only=True)
    assert set(smes.org_id) == {sample.S1, sample.S4} and smes.is_sme.all()
    assert q(driver, settings, "lookup_orgs", q=sample.prefix + "苏州甲科技简称").org_id.tolist() == [sample.S1]  # alias
    exact = q(driver, settings, "lookup_orgs", q=sample.prefix + "苏州甲科技")
    assert exact.org_id.iloc[0] == sample.S1
    assert q(driver, settings, "lookup_orgs", q=sample.L1).org_id.tolist() == [sample.L1]
    assert len(q(driver, settings, "lookup_orgs", limit=3)) == 3
    demands = q(driver, settings, "lookup_demands", q=sample.prefix)
    assert demands.demand_id.tolist() == [sample.DM1]
    assert demands.poster.iloc[0] == sample.prefix + "苏州丁汽车" and demands.deadline.iloc[0] == dt.date(2024, 5, 1)


INJECTIONS = [
    "x' OR 1=1 //",
    "\") DETACH DELETE n //",
    "}) MATCH (n) DETACH DELETE n //",
    "$chain",
    "'; CALL dbms.killQueries([]) //",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_are_data(driver, settings, sample, payload):
    """Every text parameter of every query takes the payload as a value: no Cypher error, no effect."""
    before = run_readonly(driver, "MATCH (n) RETURN count(n) AS c", database=settings.database).c[0]
    for query in list_queries():
        for p in query.params:
            if p.type not in ("str", "org", "chain", "node", "region", "ipc", "patent"):
                continue
            params = {"chain": sample.ch, "region": "江苏", "from_org": sample.S1, "to_org": sample.S2,
                      "org": sample.S1, "demand_id": sample.DM1, "ach_id": sample.AC1, "patent": sample.P1}
            params = {k: v for k, v in params.items() if k in {x.name for x in query.params}}
            if query.one_of:
                params = {k: v for k, v in params.items() if k not in query.one_of}
                params[p.name if p.name in query.one_of else query.one_of[0]] = sample.S1 if query.one_of[0] == "org" else sample.B
            params[p.name] = payload
            if p.choices:
                continue
            try:
                df = run_query(driver, query.name, database=settings.database, **params)
            except QueryError as e:  # a resolver may say "no organisation matches …": that is data too
                assert "no " in str(e) or "unknown" in str(e) or "ambiguous" in str(e), (query.name, p.name, e)
                continue
            assert df is not None
    after = run_readonly(driver, "MATCH (n) RETURN count(n) AS c", database=settings.database).c[0]
    assert after == before


KEYED = {
    "chain_map": {"chain": "ch"}, "chain_gaps": {"chain": "ch", "region": "320000"},
    "licensors_for": {"org": "S1"}, "license_paths": {"from_org": "S1", "to_org": "S3"},
    "licensing_network": {"org": "L1"}, "demand_matches": {"demand_id": "DM1"},
    "patent_landscape": {"node": "B"}, "university_partners": {"org": "S1"},
    "open_offers": {"node": "B"}, "org_profile": {"org": "S1"},
    "lookup_chain_nodes": {"chain": "ch"},
}


@pytest.mark.parametrize("name", sorted(KEYED))
def test_keyed_lookups_use_index_seeks(driver, settings, sample, name):
    params = {k: (v if k == "region" else sample.prefix + v) for k, v in KEYED[name].items()}
    ops = explain_query(driver, name, database=settings.database, **params)
    assert any("NodeUniqueIndexSeek" in op or "NodeIndexSeek" in op for op in ops), ops
    assert not any("AllNodesScan" in op for op in ops), ops


def test_workbench_is_read_only_on_the_real_server(driver, settings, sample):
    for stmt in (
        f"CREATE (:Organization {{org_id: '{sample.prefix}X'}})",
        f"MERGE (:Organization {{org_id: '{sample.prefix}Y'}})",
        f"MATCH (o:Organization {{org_id: '{sample.S1}'}}) SET o.name = 'hacked'",
        f"MATCH (o:Organization {{org_id: '{sample.S1}'}}) REMOVE o.name",
        f"MATCH (o:Organization {{org_id: '{sample.S1}'}}) DETACH DELETE o",
    ):
        with pytest.raises(QueryError, match="writes are not allowed"):
            run_readonly(driver, stmt, database=settings.database)
    df = run_readonly(driver, "MATCH (o:Organization) WHERE o.org_id = $id RETURN o.name AS name",
                      {"id": sample.S1}, database=settings.database)
    assert df.name.tolist() == [sample.prefix + "苏州甲科技"]


def test_workbench_row_cap_and_timeout(driver, settings):
    df = run_readonly(driver, "UNWIND range(1, 5000) AS x RETURN x", database=settings.database, row_cap=100)
    assert len(df) == 100 and df.attrs["truncated"]
    df = run_readonly(driver, "UNWIND range(1, 50) AS x RETURN x", database=settings.database, row_cap=100)
    assert len(df) == 50 and not df.attrs["truncated"]
    with pytest.raises(QueryError, match="timeout"):
        run_readonly(driver, "UNWIND range(1, 300000000) AS x WITH x WHERE x = -1 RETURN count(*)",
                     database=settings.database, timeout_s=1)


def test_profile_query_counts_db_hits_on_both_licensor_paths(driver, settings, sample):
    from queries.registry import profile_query

    stored = profile_query(driver, "licensors_for", database=settings.database, org=sample.S1)
    live = profile_query(driver, "licensors_for", database=settings.database, org=sample.S1, as_of=dt.date(2100, 1, 1))
    assert isinstance(stored, int) and stored > 0 and live > 0
    # PROFILE runs the query: the answers it profiles are the real ones
    assert len(q(driver, settings, "licensors_for", org=sample.S1)) > 0
