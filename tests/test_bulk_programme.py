"""Bulk export parity for the programme's files: the exported files carry what a Bolt load derives.

The hand-checked folder of tests/test_programme_loaders.py goes through ``export_directory`` and
through ``load_directory``; derived facts (achievement region, licences UNDER offers, pledges OF
patents named by 专利号, organisation tiers from awards, event / cluster LOCATED_IN) and every
programme relationship group must agree. (tests/test_bulk_import.py imports a generated folder of
every kind into a store and compares the whole graph's shape.)
"""

from __future__ import annotations

import pytest

from graph.dump import primary_label
from graph.schema import NODE_KEYS
from loaders.bulk_records import export_directory
from loaders.pipeline import load_directory
from tests.bulk_support import read_group
from tests.test_programme_loaders import make_dir, pubs  # noqa: F401 - pubs is a fixture

PROGRAMME_RELS = ("EVALUATED", "ORGANISED", "ON_CHAIN", "ATTENDED", "PRESENTED", "PARTY_TO", "FROM_EVENT", "ANSWERS",
                  "USES", "COVERS", "RECORDED_AS", "AWARDED", "WON", "SERVES", "SERVES_REGION", "WORKS_FOR",
                  "PLEDGOR", "PLEDGEE", "UNDER", "MEMBER_OF", "LOCATED_IN", "OF")


def _rows(out, stem):
    header, rows = read_group(out, stem)
    return [dict(zip(header, r, strict=False)) for r in rows]


@pytest.mark.neo4j
def test_bulk_export_matches_the_bolt_load_on_programme_kinds(driver, settings, ns, pubs, tmp_path):  # noqa: F811
    src = make_dir(tmp_path, ns, pubs)
    report = export_directory(src, tmp_path / "bulk")
    assert not report.fatal and report.rejects == []
    out = tmp_path / "bulk"
    manifest = report.manifest.to_json()
    assert manifest["duplicate_nodes"] == {} and manifest["dangling_relationships"] == {}

    load = load_directory(driver, src, database=settings.database, defer_indexes=False)
    assert load.exit_code == 0

    # every programme relationship of this test's data, as (type, start key, end key) — both paths
    bulk: set[tuple[str, str, str]] = set()
    for group in manifest["relationships"]:
        rel_type = group.split("__")[0]
        if rel_type in PROGRAMME_RELS:
            for r in _rows(out, f"relationships/{group}"):
                start, end = list(r.values())[:2]
                if ns in start or ns in end or any(p in start or p in end for p in pubs):
                    bulk.add((rel_type, start, end))
    records, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE type(r) IN $types RETURN type(r) AS t, labels(a) AS la, properties(a) AS a, "
        "labels(b) AS lb, properties(b) AS b", types=list(PROGRAMME_RELS), database_=settings.database)

    def key(labels, props):
        return str(props[NODE_KEYS[primary_label(labels)]])

    bolt = {(r["t"], key(r["la"], r["a"]), key(r["lb"], r["b"])) for r in records}
    bolt = {x for x in bolt if ns in x[1] or ns in x[2] or any(p in x[1] or p in x[2] for p in pubs)}
    assert bulk == bolt, (sorted(bulk - bolt), sorted(bolt - bulk))
    assert ("UNDER", f"{ns}L1", f"{ns}O1") in bulk
    assert ("OF", f"{ns}Y2024001", pubs[0] + "B") in bulk  # named by ZL application number

    # derived node properties
    orgs = {r[next(k for k in r if k.startswith("org_id"))]: r for r in _rows(out, "nodes/Organization")}
    assert (orgs[f"{ns}A"]["tier:string"], orgs[f"{ns}A"]["tier_source:string"], orgs[f"{ns}A"]["tier_year:long"],
            orgs[f"{ns}A"]["is_sme:boolean"]) == ("小巨人", "tier_awards", "2024", "true")
    assert orgs[f"{ns}B"]["tier:string"] == "单项冠军" and orgs[f"{ns}U"]["tier:string"] == "none"
    ach = next(r for r in _rows(out, "nodes/Achievement") if r[next(iter(r))] == f"{ns}ACH1")
    assert ach["region_code:string"] == "110000"
    records, _, _ = driver.execute_query(
        "MATCH (o:Organization) WHERE o.org_id IN $ids RETURN o.org_id AS id, o.tier AS tier, o.tier_year AS y",
        ids=[f"{ns}A", f"{ns}B"], database_=settings.database)
    assert {r["id"]: (r["tier"], r["y"]) for r in records} == {f"{ns}A": ("小巨人", 2024), f"{ns}B": ("单项冠军", 2023)}
