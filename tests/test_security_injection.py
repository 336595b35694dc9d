"""Injection strings through every API and CLI entry: stored or matched verbatim, never run as Cypher."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from graph.dump import graph_fingerprint
from graph.errors import QueryError, SchemaError
from graph.writer import delete_nodes, write_nodes, write_relationships

ROOT = Path(__file__).resolve().parent.parent
CHAINKG = ROOT / ".venv" / "bin" / "chainkg"

INJECTIONS = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m //',
    "x` DETACH DELETE n //",
    "`Patent`",
    "$x",
    "${NEO4J_PASSWORD}",
    "{pub_no: 'x'}",
    "\\'; CALL dbms.killQueries([]) //",
    "1}]->() DELETE r //",
    "') RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "=cmd|' /C calc'!A0",
    "名称'}）DETACH DELETE n //",
]


def _totals(driver, database):
    with driver.session(database=database) as s:
        return s.run("CALL () { MATCH (n) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() RETURN count(r) AS r } "
                     "RETURN n, r").single().values()


@pytest.mark.neo4j
def test_values_are_stored_verbatim_through_the_writer(driver, settings, ns):
    before = _totals(driver, settings.database)
    orgs = [{"org_id": f"{ns}{i}{s}", "name": s, "aliases": [s, s[::-1]]} for i, s in enumerate(INJECTIONS)]
    write_nodes(driver, "Organization", orgs, extra_labels=["Company"], database=settings.database)
    rels = [{"start": o["org_id"], "end": orgs[0]["org_id"], "props": {"license_id": f"{ns}L{i}", "evidence": o["name"]}}
            for i, o in enumerate(orgs[1:])]
    write_relationships(driver, "LICENSED_TO", rels, start_label="Organization", end_label="Organization",
                        merge_key="license_id", database=settings.database)
    with driver.session(database=settings.database) as s:
        stored = {r["k"]: (r["name"], r["aliases"]) for r in s.run(
            "MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k, o.name AS name, "
            "o.aliases AS aliases", p=ns)}
        evidence = sorted(r["e"] for r in s.run(
            "MATCH (:Organization)-[r:LICENSED_TO]->() WHERE r.license_id STARTS WITH $p RETURN r.evidence AS e", p=ns))
    assert stored == {o["org_id"]: (o["name"], o["aliases"]) for o in orgs}
    assert evidence == sorted(INJECTIONS[1:])
    n, r = _totals(driver, settings.database)
    assert (n, r) == (before[0] + len(orgs), before[1] + len(rels))
    assert delete_nodes(driver, "Organization", [o["org_id"] for o in orgs], database=settings.database) == len(orgs)
    assert _totals(driver, settings.database) == before


@pytest.mark.parametrize("bad", INJECTIONS + ["Patent) DETACH DELETE n //", "Patent:Company", "patent", ""])
def test_labels_types_and_property_names_only_from_allow_lists(bad):
    from graph.writer import clean_props, node_merge_query, rel_merge_query

    with pytest.raises(SchemaError):
        node_merge_query(bad)
    with pytest.raises(SchemaError):
        node_merge_query("Patent", extra_labels=[bad])
    with pytest.raises(SchemaError):
        rel_merge_query(bad, "Patent", "Patent")
    if bad == "patent" or not bad:
        return  # a plain identifier is a legal property name; an empty merge key means "none"
    with pytest.raises(SchemaError):
        rel_merge_query("CITES", "Patent", "Patent", merge_key=bad)
    with pytest.raises(SchemaError):
        clean_props({"pub_no": "CN1A", bad: 1})  # every property name write_nodes sends is checked


@pytest.mark.neo4j
def test_every_saved_query_takes_injection_strings_as_plain_values(driver, settings, ns):
    """Every parameter of every saved query gets injection strings: a clear QueryError or rows, never a write."""
    from queries.registry import list_queries, run_query

    fp = graph_fingerprint(driver, database=settings.database)
    tried = 0
    for q in list_queries():
        for p in q.params:
            for bad in INJECTIONS[:6]:
                given = {x.name: bad for x in q.params if x.required}
                given[p.name] = bad
                try:
                    df = run_query(driver, q.name, database=settings.database, **given)
                    assert isinstance(df, pd.DataFrame)
                except QueryError as e:
                    assert str(e) and "Traceback" not in str(e)
                tried += 1
    assert tried >= 30
    assert graph_fingerprint(driver, database=settings.database) == fp


@pytest.mark.neo4j
def test_an_organisation_named_like_an_injection_is_found_by_its_name(driver, settings, ns):
    from queries.registry import run_query

    name = f"{ns}'}}) DETACH DELETE n // $x {{y}} `z`"
    write_nodes(driver, "Organization", [{"org_id": f"{ns}ORG", "name": name, "name_norm": name.lower()}],
                extra_labels=["Company"], database=settings.database)
    before = _totals(driver, settings.database)
    df = run_query(driver, "org_profile", database=settings.database, org=f"{ns}ORG")
    assert name in json.dumps(df.to_dict("records"), ensure_ascii=False, default=str)
    assert _totals(driver, settings.database) == before


def _cli(*args, timeout=120):
    return subprocess.run([str(CHAINKG), *args], capture_output=True, text=True, cwd=ROOT, env=dict(os.environ),
                          timeout=timeout)


@pytest.mark.neo4j
def test_cli_query_parameters_are_never_cypher(driver, settings):
    fp = graph_fingerprint(driver, database=settings.database)
    for bad in INJECTIONS[:2]:  # each CLI run costs ~2 s; the API test above covers every string and query
        for args in (["query", "org_profile", "-p", f"org={bad}"],
                     ["query", "org_profile", "-p", "org=x", "-p", f"top_n={bad}"],
                     ["query", "chain_map", "-p", f"chain={bad}", "--format", "csv"],
                     ["query", "patent_landscape", "-p", f"ipc={bad}", "--format", "json"]):
            proc = _cli(*args)
            assert proc.returncode in (0, 2), proc.stderr[-2000:]
            assert "Traceback" not in proc.stderr
            if proc.returncode == 2:
                assert proc.stderr.startswith("error: "), proc.stderr[-500:]
    assert graph_fingerprint(driver, database=settings.database) == fp


@pytest.mark.neo4j
@pytest.mark.slow
def test_cli_load_stores_injection_strings_verbatim(driver, settings, ns, tmp_path):
    from loaders.normalise import clean_org_name

    rng = random.Random(ns)
    pub_nos = [f"CN{rng.randrange(10**11, 10**12)}A" for _ in INJECTIONS]
    data = tmp_path / "data"
    data.mkdir()
    orgs = pd.DataFrame({"org_id": [f"{ns}{i}" for i in range(len(INJECTIONS))],
                         "name": [f"{s}有限公司{i}" for i, s in enumerate(INJECTIONS)],
                         "profile": INJECTIONS})
    orgs.to_csv(data / "organizations.csv", index=False, encoding="utf-8")
    pats = pd.DataFrame({"pub_no": pub_nos, "title": INJECTIONS, "abstract": [s * 3 for s in INJECTIONS],
                         "applicants": orgs["name"]})
    pats.to_csv(data / "patents.csv", index=False, encoding="utf-8")
    try:
        before = _totals(driver, settings.database)
        proc = _cli("load", str(data), timeout=240)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        with driver.session(database=settings.database) as s:
            names = {r["k"]: r["name"] for r in s.run(
                "MATCH (o:Organization) WHERE o.org_id STARTS WITH $p RETURN o.org_id AS k, o.name AS name", p=ns)}
            titles = {r["k"]: r["t"] for r in s.run(
                "MATCH (p:Patent) WHERE p.pub_no IN $ks RETURN p.pub_no AS k, p.title AS t", ks=pub_nos)}
            applicants = s.run("MATCH (o:Organization)-[:APPLICANT_OF]->(p:Patent) WHERE p.pub_no IN $ks "
                               "RETURN count(DISTINCT p) AS c", ks=pub_nos).single()["c"]
        # Names get only their documented display normalisation (NFKC: full-width → half-width).
        assert names == {k: clean_org_name(v) for k, v in zip(orgs["org_id"], orgs["name"], strict=True)}
        assert titles == dict(zip(pub_nos, INJECTIONS, strict=True))
        # Every patent found its applicant (names holding ; or | are split into several, as documented).
        assert applicants == len(INJECTIONS)
        n, _ = _totals(driver, settings.database)
        assert n >= before[0] + 2 * len(INJECTIONS)  # nothing was deleted (regions may have been added)
    finally:
        delete_nodes(driver, "Patent", pub_nos, database=settings.database)


def test_cli_extract_text_file_keeps_ids_and_text_verbatim(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    items = [{"id": s, "text": f"苏州某某科技有限公司与{s}合作，专利CN114142123A。"} for s in INJECTIONS]
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items), encoding="utf-8")
    proc = _cli("extract", "--text-file", str(src), "--out", str(out), timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == INJECTIONS
    for r, item in zip(rows, items, strict=True):
        for m in r["mentions"]:
            assert item["text"][m["start"]:m["end"]] == m["text"]


