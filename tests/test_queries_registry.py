"""Unit tests of the saved-query registry: headers, declared vs used params, coercion (no server)."""

import datetime as dt
import re
from pathlib import Path

import pytest

from graph.errors import QueryError
from queries.adhoc import check_readonly_text
from queries.registry import (
    QUERY_DIR,
    _code_only,
    bind_params,
    get_query,
    list_queries,
    parse_query_file,
    render,
)

EXPECTED = {
    "chain_map", "chain_gaps", "licensors_for", "license_paths", "licensing_network", "demand_matches",
    "patent_landscape", "university_partners", "open_offers", "org_profile",
    # for the app: programme measures on the overview, look-ups behind its pickers
    "programme_measures", "lookup_chains", "lookup_chain_nodes", "lookup_orgs", "lookup_demands",
}


def test_all_saved_queries_are_registered_with_headers():
    names = {q.name for q in list_queries()}
    assert names == EXPECTED
    for q in list_queries():
        assert q.title and q.description and q.text.lstrip().startswith("// name:")


@pytest.mark.parametrize("path", sorted(QUERY_DIR.glob("*.cypher")), ids=lambda p: p.stem)
def test_declared_params_match_used_params(path):
    q = parse_query_file(path)
    assert {p.name for p in q.params} == q.used_params() | q.placeholders()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_query_is_bounded(name):
    q = get_query(name)
    code = q.text.upper()
    assert "LIMIT" in code or "SHORTEST {{PATHS}}" in code, f"{name} has no LIMIT"
    assert q.timeout_s <= 30
    code = _code_only(q.text).replace(" ", "")
    unbounded = re.search(r"\*(\d*\.\.)?\]|\{\d*,\}", code)
    assert not unbounded, f"{name}: var-length patterns need a hop ceiling"


def test_mismatched_params_are_rejected(tmp_path: Path):
    f = tmp_path / "bad.cypher"
    f.write_text("// name: bad\n// title: t\n// description: d\n// param: a: int = 1 — a\nRETURN $b LIMIT 1\n")
    with pytest.raises(QueryError, match="undeclared: \\['b'\\]"):
        parse_query_file(f)


def test_dollar_inside_comments_and_strings_is_not_a_param(tmp_path: Path):
    f = tmp_path / "ok.cypher"
    f.write_text("// name: ok\n// title: t\n// description: it's $fine\n// param: a: int = 1 — a\n"
                 "// a note about $nothing\nRETURN $a AS a, '$notaparam // x' AS s LIMIT 1\n")
    assert parse_query_file(f).used_params() == {"a"}


def test_coercion_defaults_required_ranges_choices():
    q = get_query("license_paths")
    v = bind_params(q, {"from_org": "A", "to_org": "B", "max_hops": "3"})
    assert v == {"from_org": "A", "to_org": "B", "max_hops": 3, "paths": 5}
    with pytest.raises(QueryError, match="between 1 and 6"):
        bind_params(q, {"from_org": "A", "to_org": "B", "max_hops": 7})
    with pytest.raises(QueryError, match="required"):
        bind_params(q, {"from_org": "A"})
    with pytest.raises(QueryError, match="cannot read"):
        bind_params(q, {"from_org": "A", "to_org": "B", "max_hops": "3; MATCH (n) DETACH DELETE n"})
    with pytest.raises(QueryError, match="no parameter"):
        bind_params(q, {"from_org": "A", "to_org": "B", "hops": 3})
    with pytest.raises(QueryError, match="one of"):
        bind_params(get_query("chain_map"), {"chain": "c", "tier": "giant"})
    v = bind_params(get_query("licensors_for"), {"org": "x", "as_of": "2022-01-31"})
    assert v["as_of"] == dt.date(2022, 1, 31)


def test_one_of_groups():
    q = get_query("licensors_for")
    with pytest.raises(QueryError, match="exactly one of org, node, ipc"):
        bind_params(q, {})
    with pytest.raises(QueryError, match="exactly one"):
        bind_params(q, {"org": "a", "node": "b"})


def test_only_validated_integers_enter_the_text():
    q = get_query("license_paths")
    text, params = render(q, bind_params(q, {"from_org": "A", "to_org": "B", "max_hops": 6, "paths": 2}))
    assert "{1,6}" in text and "SHORTEST 2" in text and "{{" not in text
    assert set(params) == {"from_org", "to_org"}


def test_unknown_query_lists_known_names():
    with pytest.raises(QueryError, match="chain_map"):
        get_query("drop_everything")


@pytest.mark.parametrize("cypher", [
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "CALL dbms.listConfig()",
    "call DBMS.security.listUsers()",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS",
    "CREATE INDEX x FOR (n:Patent) ON (n.title)",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "MATCH (n) RETURN n; MATCH (m) RETURN m",
    "   ",
])
def test_adhoc_refuses_up_front(cypher):
    with pytest.raises(QueryError):
        check_readonly_text(cypher)


def test_adhoc_allows_plain_reads_with_keywords_in_strings():
    check_readonly_text("MATCH (o:Organization) WHERE o.name = 'LOAD CSV; CALL dbms.x' RETURN o.name LIMIT 5")
