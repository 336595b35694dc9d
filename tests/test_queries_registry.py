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
from queries.resolve import normalise_ipc_prefix_text

EXPECTED = {
    "chain_map", "chain_gaps", "licensors_for", "license_paths", "licensing_network", "demand_matches",
    "patent_landscape", "university_partners", "open_offers", "org_profile",
    # for the app: programme measures on the overview, look-ups behind its pickers
    "programme_measures", "lookup_chains", "lookup_chain_nodes", "lookup_orgs", "lookup_demands",
}


def test_all_saved_queries_are_registered_with_headers():
    names = {q.name for q in list_queries()}
    assert EXPECTED <= names  # other areas add queries; these must stay
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


# ---------------------------------------------------------------- column contracts


def _query_file(tmp_path: Path, body: str, *headers: str) -> Path:
    f = tmp_path / "cols.cypher"
    f.write_text("// name: cols\n// title: t\n// description: d\n" + "".join(h + "\n" for h in headers) + body)
    return f


def test_column_lines_are_parsed(tmp_path: Path):
    q = parse_query_file(_query_file(
        tmp_path, "RETURN 1 AS org_id, 'a' AS org_name LIMIT 1\n",
        "// column: org_name: str — 机构名称 | Organisation",
        "// column: org_id: str hidden — 机构编号 | Organisation id",
    ))
    assert [(c.name, c.type, c.hidden, c.zh, c.en) for c in q.columns] == [
        ("org_name", "str", False, "机构名称", "Organisation"), ("org_id", "str", True, "机构编号", "Organisation id")]
    assert q.labels("en") == {"org_name": "Organisation", "org_id": "Organisation id"}
    assert q.column("org_id").header_line() == "// column: org_id: str hidden — 机构编号 | Organisation id"


@pytest.mark.parametrize("line, match", [
    ("// column: a: text — 甲 | A", "unknown type"),
    ("// column: a: str — 甲", "cannot read column line"),
    ("// column: a: str — | A", "cannot read column line|Chinese and an English"),
])
def test_bad_column_lines_name_the_file_and_line(tmp_path: Path, line, match):
    with pytest.raises(QueryError, match=match) as e:
        parse_query_file(_query_file(tmp_path, "RETURN 1 AS a LIMIT 1\n", line))
    assert "cols.cypher:4" in str(e.value)


def test_a_column_declared_twice_is_refused(tmp_path: Path):
    with pytest.raises(QueryError, match="declared twice"):
        parse_query_file(_query_file(tmp_path, "RETURN 1 AS a LIMIT 1\n", "// column: a: int — 甲 | A",
                                     "// column: a: int — 乙 | B"))


def test_undeclared_result_column_is_refused(tmp_path: Path):
    from queries.registry import check_columns

    q = parse_query_file(_query_file(tmp_path, "RETURN 1 AS a, 2 AS b LIMIT 1\n", "// column: a: int — 甲 | A"))
    check_columns(q, ["a"])
    with pytest.raises(QueryError, match="returned column\\(s\\) b .* does not declare"):
        check_columns(q, ["a", "b"])


def test_every_query_declares_columns_with_both_labels():
    every = [parse_query_file(p) for p in sorted(QUERY_DIR.glob("*.cypher"))]  # analytics projections too
    missing = [q.name for q in every if not q.columns]
    assert not missing, f"queries without '// column:' lines (their owners add them): {missing}"
    for q in every:
        for c in q.columns:
            assert c.zh and c.en and c.zh != c.name, f"{q.name}.{c.name} needs readable labels"
        codes = [c for c in q.columns if c.name.endswith("region_code")]
        for c in codes:  # a region code is shown as a name beside it; the code itself stays hidden
            assert c.hidden, f"{q.name}.{c.name}: region codes are hidden, a name column is shown"
        for c in q.columns:
            if c.name == "score":
                assert q.column("reason") is not None, f"{q.name}: a score comes with a reason column"


# ---------------------------------------------------------------- exports (app/export.py, no streamlit)


def test_export_uses_labels_hides_ids_and_escapes(tmp_path: Path):
    import io
    import subprocess
    import sys

    import pandas as pd
    from openpyxl import load_workbook

    from app.export import to_csv_bytes, to_xlsx_bytes

    q = parse_query_file(_query_file(
        tmp_path, "RETURN 1 AS org_id, 'a' AS org_name LIMIT 1\n",
        "// column: org_id: str hidden — 机构编号 | Organisation id",
        "// column: org_name: str — 机构名称 | Organisation",
    ))
    df = pd.DataFrame({"org_id": ["X1"], "org_name": ["=HYPERLINK(\"x\")"]})
    raw = to_csv_bytes(df, q.columns)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    back = pd.read_csv(io.StringIO(raw.decode("utf-8-sig")))
    assert list(back.columns) == ["机构名称"] and back.iloc[0, 0] == "'=HYPERLINK(\"x\")"
    back = pd.read_csv(io.StringIO(to_csv_bytes(df, q.columns, "en", include_hidden=True).decode("utf-8-sig")))
    assert list(back.columns) == ["Organisation id", "Organisation"]
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df, q.columns, "en", sheet="a/b:c"))).active
    assert [c.value for c in ws[1]] == ["Organisation"] and ws.title == "abc"
    # the CLI's writer imports no streamlit
    code = "import sys, app.export; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


# ---------------------------------------------------------------- researchers' own queries


def test_user_queries_are_saved_listed_and_checked(tmp_path: Path, monkeypatch):
    from queries.registry import Column, delete_user_query, save_user_query

    monkeypatch.setenv("CHAINKG_HOME", str(tmp_path))
    q = save_user_query("my_orgs", "我的机构 My organisations", "机构按地区",
                        "MATCH (o:Organization) WHERE o.region_code STARTS WITH $prefix RETURN o.name AS name LIMIT 10;",
                        columns=[Column("name", "str", False, "机构名称", "Organisation")])
    assert q.user and q.path == tmp_path / "queries" / "my_orgs.cypher"
    assert [p.name for p in q.params] == ["prefix"] and not q.params[0].required
    assert "my_orgs" in [x.name for x in list_queries()] and get_query("my_orgs").columns[0].zh == "机构名称"
    assert "my_orgs" not in [x.name for x in list_queries(include_user=False)]
    with pytest.raises(QueryError, match="exists"):
        save_user_query("my_orgs", "t", "d", "RETURN 1 AS a LIMIT 1")
    with pytest.raises(QueryError, match="built-in"):
        save_user_query("chain_map", "t", "d", "RETURN 1 AS a LIMIT 1")
    with pytest.raises(QueryError, match="lower-case"):
        save_user_query("My Query", "t", "d", "RETURN 1 AS a LIMIT 1")
    with pytest.raises(QueryError, match="refused"):
        save_user_query("loader", "t", "d", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l")
    assert not (tmp_path / "queries" / "loader.cypher").exists()
    # a file edited by hand to write is refused when listed, naming the file
    (tmp_path / "queries" / "bad.cypher").write_text("// name: bad\n// title: t\n// description: d\nCALL dbms.listConfig()\n")
    with pytest.raises(QueryError, match="bad.cypher"):
        list_queries()
    (tmp_path / "queries" / "bad.cypher").unlink()
    delete_user_query("my_orgs")
    assert "my_orgs" not in [x.name for x in list_queries()]
    with pytest.raises(QueryError, match="built-in"):
        delete_user_query("chain_map")


def test_chainkg_query_list_shows_user_queries(tmp_path: Path):
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "mine.cypher").write_text(
        "// name: mine\n// title: 我的查询 Mine\n// description: 研究用\n// column: n: int — 数量 | Count\n"
        "MATCH (o:Organization) RETURN count(o) AS n LIMIT 1\n", encoding="utf-8")
    env = dict(os.environ, CHAINKG_HOME=str(tmp_path))
    out = subprocess.run([str(root / ".venv" / "bin" / "chainkg"), "query", "--list"], env=env, cwd=root,
                         capture_output=True, text=True, check=True).stdout
    assert "mine" in out and "我的查询" in out


# ---------------------------------------------------------------- region groups


def test_region_groups_cover_the_programme_regions():
    from queries.resolve import REGION_GROUPS, region_group, region_prefix

    assert region_group("长三角") == "长三角" and region_group("大湾区") == "粤港澳大湾区" and region_group("江苏") is None
    gba = {region_prefix(c) for c in REGION_GROUPS["粤港澳大湾区"]}
    assert gba == {"4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420", "81", "82"}
    assert {region_prefix(c) for c in REGION_GROUPS["京津冀"]} == {"11", "12", "13"}
    cy = {region_prefix(c) for c in REGION_GROUPS["成渝"]}
    assert "50" in cy and "5101" in cy and len(cy) == 16 and not any(p.startswith("5134") for p in cy)  # 凉山 is outside
    assert {region_prefix(c) for c in REGION_GROUPS["长三角"]} == {"31", "32", "33", "34"}


def test_unmigrated_query_refuses_a_group_and_migrated_one_takes_a_list(tmp_path: Path):
    from queries.resolve import resolve_params, takes_region_list

    old = parse_query_file(_query_file(tmp_path, "MATCH (o:Organization) WHERE o.region_code STARTS WITH $region RETURN o LIMIT 1\n",
                                       "// param: region: region = null — r"))
    assert not takes_region_list(old, "region")
    with pytest.raises(QueryError, match="does not take region groups"):
        resolve_params(None, old, {"region": "长三角"})
    new = parse_query_file(_query_file(
        tmp_path, "MATCH (o:Organization) WHERE any(rp IN $region WHERE o.region_code STARTS WITH rp) RETURN o LIMIT 1\n",
        "// param: region: region = null — r"))
    assert takes_region_list(new, "region")
    assert resolve_params(None, new, {"region": "京津冀"})["region"] == ["11", "12", "13"]
    assert resolve_params(None, new, {"region": "320500"})["region"] == ["3205"]


# ---------------------------------------------------------------- declared columns = returned columns (real Neo4j)


def _sample_values(driver, database: str) -> dict[str, object]:
    """A value per parameter name that every saved query accepts on the demo graph (read from it)."""
    from queries.adhoc import run_readonly

    def one(cypher: str) -> str:
        df = run_readonly(driver, cypher, None, database=database, row_cap=1)
        return str(df.iloc[0, 0])

    org = one("MATCH (o:Organization {is_sme: true})-[:IN_NODE]->() RETURN o.org_id ORDER BY o.org_id LIMIT 1")
    return {
        "chain": "nev_battery", "node": "nev_battery.cathode", "org": org, "region": "江苏", "ipc": "H01M",
        "from_org": org, "to_org": one("MATCH (o:Organization {kind: 'university'}) RETURN o.org_id ORDER BY o.org_id LIMIT 1"),
        "patent": one("MATCH (p:Patent) RETURN p.pub_no ORDER BY p.pub_no LIMIT 1"),
        "demand_id": one("MATCH (d:Demand) RETURN d.demand_id ORDER BY d.demand_id LIMIT 1"),
        "ach_id": one("MATCH (a:Achievement) RETURN a.ach_id ORDER BY a.ach_id LIMIT 1"),
        "text": "固态电池电解质",
    }


@pytest.mark.neo4j
def test_every_query_returns_exactly_its_declared_columns(demo_graph, settings):
    from queries.registry import result_columns

    values = _sample_values(demo_graph, settings.database)
    every = [parse_query_file(p) for p in sorted(QUERY_DIR.glob("*.cypher"))]
    problems = []
    for q in every:
        params = {p.name: values[p.name] for p in q.params if p.required and p.name in values}
        if q.one_of:
            params[q.one_of[0]] = values[q.one_of[0]]
        returned = result_columns(demo_graph, q.name, database=settings.database, **params)
        declared = [c.name for c in q.columns]
        if set(returned) != set(declared):
            problems.append(f"{q.name}: undeclared {sorted(set(returned) - set(declared))}, "
                            f"declared but not returned {sorted(set(declared) - set(returned))}")
    assert not problems, "\n".join(problems)


@pytest.mark.neo4j
def test_region_groups_filter_licensors_and_keep_index_seeks(demo_graph, settings):
    from queries.registry import explain_query, run_query
    from queries.resolve import REGION_GROUPS, region_prefix, resolve_region_prefixes

    db = settings.database
    assert resolve_region_prefixes(demo_graph, "长三角", database=db) == ["31", "32", "33", "34"]
    assert resolve_region_prefixes(demo_graph, ["江苏", "苏州市"], database=db) == ["32"]  # nested prefix dropped
    everywhere = run_query(demo_graph, "licensors_for", database=db, node="nev_battery.cathode", limit=500)
    yrd = run_query(demo_graph, "licensors_for", database=db, node="nev_battery.cathode", region="长三角", limit=500)
    prefixes = {region_prefix(c) for c in REGION_GROUPS["长三角"]}
    expected = everywhere[everywhere.region_code.map(lambda c: any(str(c).startswith(p) for p in prefixes))]
    assert sorted(yrd.licensor_id) == sorted(expected.licensor_id) and 0 < len(yrd) < len(everywhere)
    assert set(yrd.region) and not yrd.region.str.fullmatch(r"\d{6}").any()  # region names beside hidden codes
    ops = explain_query(demo_graph, "licensors_for", database=db, node="nev_battery.cathode", region="粤港澳大湾区")
    assert any("IndexSeek" in op for op in ops)  # keyed look-ups stay seeks with a group
    assert all(r for r in yrd.reason)  # every score with its reason


def test_docs_list_every_querys_columns():
    from queries.columns_doc import DOC, current, render

    assert current(DOC.read_text(encoding="utf-8")) == render(), (
        "docs/queries.md's 'Result columns by query' is out of date: run `.venv/bin/python -m queries.columns_doc`")


@pytest.mark.parametrize(("typed", "prefix"), [
    ("H01M10", "H01M10/"), ("H01M 10", "H01M10/"), ("h01m10", "H01M10/"), ("H01M10/", "H01M10/"),
    ("H01M 10/", "H01M10/"), ("H01M010", "H01M10/"), ("H01M1", "H01M1/"), ("G06N3", "G06N3/"),
    ("H01M", "H01M"), ("h01m", "H01M"), ("H01", "H01"), ("H", "H"),
    ("H01M10/00", "H01M10/00"), ("H01M 10/05", "H01M10/05"), ("H01M10/0525", "H01M10/0525"),
    ("H01M0010052500", "H01M10/0525"),
])
def test_ipc_prefix_typed_without_slash_means_the_group(typed, prefix):
    """A main group typed without the slash (``H01M10``) is the whole group ``H01M10/`` — it used to
    become the one code ``H01M10/00``, which no ``H01M10/0525`` patent starts with — and it never
    widens to a sibling (``H01M1`` is ``H01M1/``, not a prefix of ``H01M10/…``)."""
    got = normalise_ipc_prefix_text(typed)
    assert got == prefix
    if prefix.endswith("/"):
        assert "H01M10/0525".startswith(got) == (prefix == "H01M10/")
