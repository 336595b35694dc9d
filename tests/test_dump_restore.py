"""`chainkg dump` / `chainkg restore`: typed values round-trip exactly; restore is idempotent and checked."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import os
import subprocess
from pathlib import Path

import neo4j.spatial
import neo4j.time
import pytest
import pytz
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph.dump import (
    decode_value,
    dump_graph,
    encode_value,
    file_fingerprint,
    graph_fingerprint,
    iter_graph,
    read_dump,
    restore_graph,
)
from graph.errors import InputError
from graph.writer import write_nodes, write_relationships
from tests.fuzz_support import count_case

ROOT = Path(__file__).resolve().parent.parent
CHAINKG = ROOT / ".venv" / "bin" / "chainkg"

TYPED_VALUES = {
    "d": neo4j.time.Date(2024, 2, 29),
    "dates": [neo4j.time.Date(2020, 1, 1), neo4j.time.Date(1999, 12, 31)],
    # A named-zone datetime, built the way the driver returns one (pytz zone attached by conversion).
    "zoned": pytz.utc.localize(neo4j.time.DateTime(2021, 3, 28, 1, 30, 5, 7)).astimezone(pytz.timezone("Europe/Berlin")),
    "offset": neo4j.time.DateTime(2020, 1, 2, 3, 4, 5, 123456789, tzinfo=pytz.FixedOffset(480)),
    "local": neo4j.time.DateTime(2020, 1, 2, 3, 4, 5, 1),
    "t": neo4j.time.Time(3, 4, 5, 6, tzinfo=pytz.FixedOffset(-90)),
    "lt": neo4j.time.Time(23, 59, 59, 999999999),
    "dur": neo4j.time.Duration(months=14, days=3, seconds=14405, nanoseconds=500000000),
    "pt": neo4j.spatial.WGS84Point((2.0, 1.0, 3.0)),
    "cpt": neo4j.spatial.CartesianPoint((1.5, -2.0)),
    "raw": b"\x00\xffbytes",
    "nan": math.nan,
    "inf": -math.inf,
    "neg0": -0.0,
    "i": 2**62,
    "f": 1.0,
    "b": False,
    "ints": [1, 2, 3],
    "floats": [1.0, 2.5],
    "strs": ["a", "", "引号'\"`$x{}"],
    "empty": [],
    "s": "line1\nline2\t\u0000\u202e全角（有限公司）",
}


def _same(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, float):
        return type(b) is float and a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    zone = getattr(getattr(a, "tzinfo", None), "zone", None)
    if zone is not None and getattr(getattr(b, "tzinfo", None), "zone", None) != zone:
        return False
    return type(a) is type(b) and a == b


def test_every_typed_value_round_trips_through_json():
    for name, value in TYPED_VALUES.items():
        line = json.dumps(encode_value(value), allow_nan=False)
        back = decode_value(json.loads(line))
        assert _same(value, back), (name, value, back)


def test_python_native_dates_are_encoded_as_neo4j_dates():
    assert encode_value(dt.date(2024, 1, 31)) == {"$date": "2024-01-31"}
    assert encode_value([dt.date(2024, 1, 31)]) == [{"$date": "2024-01-31"}]
    assert decode_value({"$date": "2024-01-31"}) == neo4j.time.Date(2024, 1, 31)


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(), st.booleans(),
    st.binary(), st.dates().map(lambda d: neo4j.time.Date(d.year, d.month, d.day)),
    st.lists(st.text()), st.lists(st.floats()), st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1)),
))
def test_fuzz_values_round_trip(value):
    count_case("dump:value_round_trip")
    assert _same(value, decode_value(json.loads(json.dumps(encode_value(value), allow_nan=False))))


def test_unknown_tags_are_rejected():
    with pytest.raises(InputError, match="unknown value tag"):
        decode_value({"$oops": 1})
    with pytest.raises(InputError, match="bad \\$date"):
        decode_value({"$date": "2024-13-45"})


def _write_file(path: Path, lines: list) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


HEADER = {"format": "chainkg-dump", "version": 1}
NODE = {"node": "Patent", "key": "CN1A", "labels": [], "props": {"pub_no": "CN1A"}}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "is empty"),
        ([{"format": "other"}], "not a ChainKG dump"),
        ([{**HEADER, "version": 9}], "version 9 is not supported"),
        ([HEADER, NODE], "no end line after line 2; the dump is truncated"),
        ([HEADER, NODE, {"end": True, "nodes": 2, "relationships": 0}], "end line counts 2 nodes"),
        ([HEADER, {**NODE, "node": "Visitor"}, {"end": True, "nodes": 1, "relationships": 0}], "not a keyed label"),
        ([HEADER, {**NODE, "labels": ["Admin"]}, {"end": True, "nodes": 1, "relationships": 0}], "allow-list"),
        ([HEADER, {**NODE, "props": {}}, {"end": True, "nodes": 1, "relationships": 0}], "must hold its key"),
        ([HEADER, {"rel": "DROP", "start": ["Patent", "a"], "end": ["Patent", "b"], "props": {}},
          {"end": True, "nodes": 0, "relationships": 1}], "not in the allow-list"),
        ([HEADER, {"rel": "CITES", "start": ["Patent"], "end": ["Patent", "b"], "props": {}},
          {"end": True, "nodes": 0, "relationships": 1}], "ends must be"),
        ([HEADER, {"what": 1}, {"end": True, "nodes": 0, "relationships": 0}], "neither a node"),
    ],
)
def test_damaged_dumps_are_rejected_with_the_line(tmp_path, lines, message):
    path = _write_file(tmp_path / "d.jsonl", lines)
    with pytest.raises(InputError, match=message):
        list(read_dump(path))


def test_bad_json_and_truncated_gzip_are_rejected(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(HEADER) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:2: not valid JSON"):
        list(read_dump(bad))
    gz = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(("".join(json.dumps(x) + "\n" for x in [HEADER] + [NODE] * 500)).encode())
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        list(read_dump(gz))


# --------------------------------------------------------------------------------------------- Neo4j


def _make_graph(driver, ns: str) -> None:
    orgs = [
        {"org_id": f"{ns}O1", "name": "甲公司 `x` $p {y}", "aliases": ["甲", "甲股份"], "founded": dt.date(2001, 5, 6),
         "is_sme": True, "size": "small"},
        {"org_id": f"{ns}O2", "name": "乙大学", "kind": "university"},
    ]
    write_nodes(driver, "Organization", orgs[:1], extra_labels=["Company"])
    write_nodes(driver, "Organization", orgs[1:], extra_labels=["University"])
    write_nodes(driver, "Patent", [{"pub_no": f"{ns}CN1A", **TYPED_VALUES},
                                   {"pub_no": f"{ns}CN2B", "title": "第二", "ipc": ["H01M10/0525"]}])
    write_nodes(driver, "License", [{"license_id": f"{ns}L1", "date": dt.date(2022, 1, 1), "fee": 12.5}])
    write_relationships(driver, "HOLDS", [{"start": f"{ns}O1", "end": f"{ns}CN1A", "props": {}}],
                        start_label="Organization", end_label="Patent")
    write_relationships(driver, "CITES", [{"start": f"{ns}CN2B", "end": f"{ns}CN1A", "props": {"weight": 1}}],
                        start_label="Patent", end_label="Patent")
    # Two licences between the same organisations: parallel relationships told apart by license_id.
    write_relationships(
        driver, "LICENSED_TO",
        [{"start": f"{ns}O1", "end": f"{ns}O2", "props": {"license_id": f"{ns}L1", "date": dt.date(2022, 1, 1)}},
         {"start": f"{ns}O1", "end": f"{ns}O2", "props": {"license_id": f"{ns}L2", "date": dt.date(2023, 2, 2),
                                                          "type": "exclusive"}}],
        start_label="Organization", end_label="Organization", merge_key="license_id",
    )


@pytest.mark.neo4j
def test_dump_delete_restore_is_exact_and_idempotent(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    before = graph_fingerprint(driver, database=settings.database, key_prefix=ns)
    assert before.nodes == {"License": 1, "Organization": 2, "Patent": 2}
    assert before.relationships == {"CITES": 1, "HOLDS": 1, "LICENSED_TO": 2}

    path = tmp_path / "g.jsonl.gz"
    report = dump_graph(driver, path, database=settings.database, key_prefix=ns)
    assert (report.nodes, report.relationships) == (5, 4)
    assert not Path(str(path) + ".partial").exists()

    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns).total_nodes == 0

    r1 = restore_graph(driver, path, database=settings.database, batch_size=2)
    assert (r1.nodes, r1.relationships, r1.missing_endpoints) == (5, 4, 0)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns) == before
    # Idempotent: a second restore changes nothing, even after a property was edited or added.
    with driver.session() as s:
        s.run("MATCH (o:Organization {org_id: $k}) SET o.name = 'changed', o.extra = 1", k=f"{ns}O1").consume()
    restore_graph(driver, path, database=settings.database)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns) == before

    # The values are really typed in Neo4j, not strings that look like dates.
    with driver.session() as s:
        row = s.run(
            "MATCH (p:Patent {pub_no: $k}) RETURN valueType(p.d) AS d, valueType(p.dates) AS ds, "
            "valueType(p.zoned) AS z, toString(p.zoned) AS zs, valueType(p.raw) AS raw, valueType(p.pt) AS pt, "
            "valueType(p.dur) AS dur, p.empty AS empty, p.raw AS raw_value",
            k=f"{ns}CN1A",
        ).single()
        labels = s.run("MATCH (o:Organization {org_id: $k}) RETURN labels(o) AS l", k=f"{ns}O1").single()["l"]
    assert row["d"] == "DATE NOT NULL" and row["ds"] == "LIST<DATE NOT NULL> NOT NULL"
    assert row["z"] == "ZONED DATETIME NOT NULL" and row["zs"].endswith("[Europe/Berlin]")
    # Cypher's valueType() calls a byte array a list of integers; the driver tells them apart.
    assert isinstance(row["raw_value"], bytes) and row["raw_value"] == TYPED_VALUES["raw"]
    assert row["pt"] == "POINT NOT NULL" and row["dur"] == "DURATION NOT NULL"
    assert row["empty"] == []
    assert sorted(labels) == ["Company", "Organization"]


@pytest.mark.neo4j
def test_restore_writes_nothing_from_a_truncated_file(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    path = tmp_path / "g.jsonl"
    dump_graph(driver, path, database=settings.database, key_prefix=ns)
    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")  # lost the last relationship and the end line
    with pytest.raises(InputError, match="truncated"):
        restore_graph(driver, path, database=settings.database)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns).total_nodes == 0


@pytest.mark.neo4j
def test_cli_dump_and_restore(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    before = graph_fingerprint(driver, database=settings.database, key_prefix=ns)
    path = tmp_path / "cli.jsonl"
    env = dict(os.environ)
    proc = subprocess.run([str(CHAINKG), "dump", str(path), "--key-prefix", ns], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "dumped 5 nodes and 4 relationships" in proc.stdout
    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    proc = subprocess.run([str(CHAINKG), "restore", str(path)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "restored 5 nodes and 4 relationships" in proc.stdout
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns) == before

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "chainkg-dump", "version": 1}\n', encoding="utf-8")
    proc = subprocess.run([str(CHAINKG), "restore", str(bad)], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "no end line" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.neo4j
def test_relationships_whose_endpoint_is_missing_are_counted(driver, settings, ns, tmp_path):
    path = _write_file(tmp_path / "m.jsonl", [
        HEADER,
        {"node": "Patent", "key": f"{ns}P1", "labels": [], "props": {"pub_no": f"{ns}P1"}},
        {"rel": "CITES", "start": ["Patent", f"{ns}P1"], "end": ["Patent", f"{ns}NOPE"], "props": {}},
        {"end": True, "nodes": 1, "relationships": 1},
    ])
    report = restore_graph(driver, path, database=settings.database)
    assert (report.nodes, report.relationships, report.missing_endpoints) == (1, 0, 1)


def _make_programme_graph(driver, ns: str) -> None:
    """Every label and relationship type of the programme schema (issue 14), keyed with ``ns``."""
    d = dt.date(2024, 6, 1)
    write_nodes(driver, "Organization", [{"org_id": f"{ns}S", "name": "评价中心", "kind": "service",
                                          "service_types": ["evaluation", "transfer"]}], extra_labels=("ServiceBody",))
    write_nodes(driver, "Organization", [{"org_id": f"{ns}A", "name": "甲", "kind": "company", "tier": "小巨人",
                                          "tier_source": "tier_awards", "tier_year": 2024},
                                         {"org_id": f"{ns}K", "name": "银行", "kind": "company"}], extra_labels=("Company",))
    nodes = {
        "Chain": [{"chain_id": f"{ns}bat", "name": "电池"}],
        "ChainNode": [{"node_id": f"{ns}bat.cell", "chain_id": f"{ns}bat", "name": "电芯"}],
        "Region": [{"code": f"{ns}320500", "name": "苏州"}],
        "Patent": [{"pub_no": f"{ns}CN9B", "title": "专利", "app_no": "202110100000.1"}],
        "Achievement": [{"ach_id": f"{ns}ACH", "title": "成果", "trl": 6, "mrl": 5, "eval_date": d, "self_declared": False,
                         "fiscal_funded": True, "transfer_modes": ["license", "equity"], "year": 2024, "level": "国内领先"}],
        "Demand": [{"demand_id": f"{ns}D", "title": "需求", "status": "awarded", "budget": 500.0}],
        "License": [{"license_id": f"{ns}L", "type": "open", "fee": 5.0, "record_no": "X1", "date": d}],
        "OpenLicenseOffer": [{"offer_id": f"{ns}O", "declared": dt.date(2023, 1, 1)}],
        "Transfer": [{"transfer_id": f"{ns}T", "mode": "assignment"}],
        "Event": [{"event_id": f"{ns}E", "name": "深度行", "kind": "deep_dive", "date": d, "region_code": f"{ns}320500"}],
        "Deal": [{"deal_id": f"{ns}DL", "kind": "license", "value": 50.5, "date": d, "status": "signed"}],
        "TierAward": [{"award_id": f"{ns}TA", "org_id": f"{ns}A", "tier": "小巨人", "year": 2024, "batch": "第六批"}],
        "Pledge": [{"pledge_id": f"{ns}Y1", "registration_no": "Y1", "amount": 300.0, "registered": d, "status": "active",
                    "app_nos": ["202110100000.1"]}],
        "Cluster": [{"cluster_id": f"{ns}C", "name": "集群", "kind": "cluster", "year": 2023}],
        "Person": [{"person_id": f"{ns}P", "name": "经理人", "role": "tech_manager", "certificate": "JS-1"}],
    }
    for label, rows in nodes.items():
        write_nodes(driver, label, rows)
    rels = [
        ("EVALUATED", "Organization", "S", "Achievement", "ACH", {"date": d, "method": "third_party", "result": "好"}),
        ("ORGANISED", "Organization", "S", "Event", "E", None), ("LOCATED_IN", "Event", "E", "Region", "320500", None),
        ("ON_CHAIN", "Event", "E", "Chain", "bat", None), ("ATTENDED", "Organization", "A", "Event", "E", {"role": "attendee"}),
        ("PRESENTED", "Event", "E", "Achievement", "ACH", None), ("PRESENTED", "Event", "E", "Demand", "D", None),
        ("PARTY_TO", "Organization", "A", "Deal", "DL", {"role": "recipient"}), ("FROM_EVENT", "Deal", "DL", "Event", "E", None),
        ("ANSWERS", "Deal", "DL", "Demand", "D", None), ("USES", "Deal", "DL", "Achievement", "ACH", None),
        ("COVERS", "Deal", "DL", "Patent", "CN9B", None), ("RECORDED_AS", "Deal", "DL", "License", "L", None),
        ("RECORDED_AS", "Deal", "DL", "Transfer", "T", None),
        ("AWARDED", "Organization", "A", "TierAward", "TA", None), ("WON", "Organization", "A", "Demand", "D", None),
        ("SERVES", "Organization", "S", "ChainNode", "bat.cell", None), ("SERVES", "Organization", "S", "Chain", "bat", None),
        ("SERVES_REGION", "Organization", "S", "Region", "320500", None),
        ("WORKS_FOR", "Person", "P", "Organization", "S", None), ("SERVES", "Person", "P", "ChainNode", "bat.cell", None),
        ("PLEDGOR", "Organization", "A", "Pledge", "Y1", None), ("PLEDGEE", "Pledge", "Y1", "Organization", "K", None),
        ("OF", "Pledge", "Y1", "Patent", "CN9B", None), ("UNDER", "License", "L", "OpenLicenseOffer", "O", None),
        ("MEMBER_OF", "Organization", "A", "Cluster", "C", None), ("ON_CHAIN", "Cluster", "C", "Chain", "bat", None),
        ("LOCATED_IN", "Cluster", "C", "Region", "320500", None),
    ]
    for rel_type, sl, s, el, e, props in rels:
        write_relationships(driver, rel_type, [{"start": f"{ns}{s}", "end": f"{ns}{e}", "props": props or {}}],
                            start_label=sl, end_label=el)


@pytest.mark.neo4j
def test_programme_labels_and_relationships_round_trip(driver, settings, ns, tmp_path):
    _make_programme_graph(driver, ns)
    before = graph_fingerprint(driver, database=settings.database, key_prefix=ns)
    assert {"Event", "Deal", "Pledge", "Cluster", "TierAward", "Person"} <= set(before.nodes)
    assert sum(before.relationships.values()) == 28 and before.relationships["SERVES"] == 3
    path = tmp_path / "programme.jsonl"
    report = dump_graph(driver, path, database=settings.database, key_prefix=ns)
    assert report.relationships == 28

    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns).total_nodes == 0
    restored = restore_graph(driver, path, database=settings.database)
    assert restored.missing_endpoints == 0
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns) == before
    with driver.session(database=settings.database) as s:
        row = s.run("MATCH (o:Organization {org_id: $k}) RETURN labels(o) AS l, o.service_types AS t", k=f"{ns}S").single()
        ev = s.run("MATCH (:Organization {org_id: $k})-[r:EVALUATED]->() RETURN valueType(r.date) AS t", k=f"{ns}S").single()
    assert sorted(row["l"]) == ["Organization", "ServiceBody"] and row["t"] == ["evaluation", "transfer"]
    assert ev["t"] == "DATE NOT NULL"


# --------------------------------------------------------------------------------------------- paging, checksums


@pytest.mark.neo4j
def test_paged_reads_give_the_same_records_and_checksum(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    one = graph_fingerprint(driver, database=settings.database, key_prefix=ns, page_size=1)
    whole = graph_fingerprint(driver, database=settings.database, key_prefix=ns)
    assert one == whole and one.total_nodes == 5 and one.total_relationships == 4
    report = dump_graph(driver, tmp_path / "p.jsonl", database=settings.database, key_prefix=ns, page_size=2)
    assert report.fingerprint == whole
    # the file announces its checksum in the end line, and the records add up to it
    end = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert end["checksum"] == whole.digest
    assert file_fingerprint(tmp_path / "p.jsonl") == whole


@pytest.mark.neo4j
def test_a_node_whose_key_is_not_a_string_is_still_dumped(driver, settings, ns):
    # Keys are strings in ChainKG, but a hand-written node may carry an integer key: the string-keyed
    # pages never reach it, the trailing query for other key types does.
    odd = int(ns[1:9], 16) + 10**12
    write_nodes(driver, "Organization", [{"org_id": f"{ns}O1", "name": "甲"}])
    with driver.session(database=settings.database) as s:
        s.run("CREATE (p:Person {person_id: $k, name: 'int key'}) WITH p MATCH (o:Organization {org_id: $o}) "
              "CREATE (p)-[:WORKS_FOR {since: 2020}]->(o)", k=odd, o=f"{ns}O1").consume()
    try:
        mine = [r for r in iter_graph(driver, database=settings.database)
                if r.get("key") == odd or (r.get("rel") and r["start"][1] == odd)]
        assert [r.get("node") or r.get("rel") for r in mine] == ["Person", "WORKS_FOR"]
        assert mine[1]["end"] == ["Organization", f"{ns}O1"] and mine[1]["props"] == {"since": 2020}
    finally:
        with driver.session(database=settings.database) as s:
            s.run("MATCH (p:Person {person_id: $k}) DETACH DELETE p", k=odd).consume()


@pytest.mark.neo4j
def test_restore_refuses_a_file_whose_values_were_altered(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    path = tmp_path / "g.jsonl"
    dump_graph(driver, path, database=settings.database, key_prefix=ns)
    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    text = path.read_text(encoding="utf-8")
    assert '"name":"乙大学"' in text
    path.write_text(text.replace('"name":"乙大学"', '"name":"丙大学"'), encoding="utf-8")  # still valid JSON
    with pytest.raises(InputError, match="checksum"):
        restore_graph(driver, path, database=settings.database)
    assert graph_fingerprint(driver, database=settings.database, key_prefix=ns).total_nodes == 0


@pytest.mark.neo4j
def test_cli_restore_verify_and_graph_checksum(driver, settings, ns, tmp_path):
    _make_graph(driver, ns)
    path = tmp_path / "v.jsonl.gz"
    env = dict(os.environ)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(CHAINKG), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)

    proc = run("dump", str(path), "--key-prefix", ns)
    assert proc.returncode == 0, proc.stderr
    dumped = next(line.split()[1] for line in proc.stdout.splitlines() if line.startswith("checksum "))
    proc = run("graph-checksum", "--key-prefix", ns, "--json")
    assert proc.returncode == 0, proc.stderr
    live = json.loads(proc.stdout)
    assert live == {"nodes": {"License": 1, "Organization": 2, "Patent": 2},
                    "relationships": {"CITES": 1, "HOLDS": 1, "LICENSED_TO": 2}, "checksum": dumped}

    from tests.conftest import delete_prefixed

    delete_prefixed(driver, settings.database, ns)
    proc = run("restore", str(path), "--verify")
    assert proc.returncode == 0, proc.stderr
    assert f"verified: the graph equals the dump (checksum {dumped})" in proc.stdout
    # Something else under the prefix (the target was not empty): the verification says what differs.
    write_nodes(driver, "Patent", [{"pub_no": f"{ns}CN3C", "title": "多出来的"}])
    proc = run("restore", str(path), "--verify")
    assert proc.returncode == 1
    assert "verification failed" in proc.stderr and "Patent nodes: dump 2, graph 3" in proc.stderr
