"""The bulk export files: headers, id spaces, typed columns, and every START/END id exists in a node file."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from app.cli import main
from graph.bulk_manifest import read_manifest
from graph.errors import InputError
from graph.schema import NODE_KEYS, REL_TYPES, SUB_LABELS
from loaders.bulk_export import BulkWriter, column_type
from loaders.bulk_records import export_directory
from tests.bulk_support import read_group, write_tiny_source

ID_FIELD = re.compile(r"^(?P<prop>\w+):ID\((?P<space>\w+)\)$")
TYPED = re.compile(r"^\w+:(boolean|long|double|date|datetime|string)(\[\])?$")


@pytest.fixture
def export(tmp_path):
    src = write_tiny_source(tmp_path / "src")
    report = export_directory(src, tmp_path / "bulk")
    return tmp_path / "bulk", report


def _node_ids(out, manifest):
    ids = {}
    for label in manifest["nodes"]:
        header, rows = read_group(out, f"nodes/{label}")
        ids[label] = [r[0] for r in rows]
    return ids


def test_node_headers_have_one_id_space_per_label_keyed_by_business_key(export):
    out, _ = export
    manifest = read_manifest(out)
    assert {"Chain", "ChainNode", "IPC", "Organization", "Patent", "License", "Transfer", "OpenLicenseOffer"} <= set(
        manifest["nodes"])
    for label in manifest["nodes"]:
        header, rows = read_group(out, f"nodes/{label}")
        m = ID_FIELD.match(header[0])
        assert m and m["space"] == label and m["prop"] == NODE_KEYS[label], header
        assert header[1] == ":LABEL"
        assert all(TYPED.match(h) for h in header[2:]), header
        for row in rows:
            labels = row[1].split(";")
            assert labels[0] == label and all(SUB_LABELS[x] == label for x in labels[1:])
            assert len(row) <= len(header)


def test_typed_columns_for_dates_lists_booleans_and_numbers(export):
    out, _ = export
    header, rows = read_group(out, "nodes/Patent")
    assert {"filed:date", "ipc:string[]", "title:string", "kind:string"} <= set(header)
    by_id = {r[0]: dict(zip(header, r, strict=False)) for r in rows}
    first = by_id["CN114142123A"]
    assert first["ipc:string[]"] == "H01M4/525;H01M10/0525"
    assert first["filed:date"] == "2021-03-04"
    assert first["title:string"] == '一种正极材料, 及其"制备"方法'
    assert first["abstract:string"] == "含有\n换行的摘要"
    assert by_id["CN100000002U"]["filed:date"] == "2020-05-06"
    org_header, org_rows = read_group(out, "nodes/Organization")
    assert {"is_sme:boolean", "founded:date", "aliases:string[]"} <= set(org_header)
    lic_header, _ = read_group(out, "nodes/License")
    assert "fee:double" in lic_header and "date:date" in lic_header


def test_every_relationship_end_exists_in_a_node_file_of_its_id_space(export):
    out, _ = export
    manifest = read_manifest(out)
    ids = {label: set(v) for label, v in _node_ids(out, manifest).items()}
    assert manifest["relationships"], "no relationship files written"
    for group, info in manifest["relationships"].items():
        rel_type, start_label, end_label = group.split("__")
        header, rows = read_group(out, f"relationships/{group}")
        assert header[:3] == [f":START_ID({start_label})", f":END_ID({end_label})", ":TYPE"]
        assert all(TYPED.match(h) for h in header[3:]), header
        assert rel_type in REL_TYPES and len(rows) == info["rows"] > 0
        for row in rows:
            assert row[2] == rel_type
            assert row[0] in ids[start_label], f"{group}: start {row[0]} has no node"
            assert row[1] in ids[end_label], f"{group}: end {row[1]} has no node"


def test_node_keys_are_unique_and_a_repeated_organisation_row_is_rejected_like_chainkg_load(export):
    out, report = export
    manifest = read_manifest(out)
    for label, keys in _node_ids(out, manifest).items():
        assert len(keys) == len(set(keys)), label
    assert manifest["duplicate_nodes"] == {}
    header, orgs = read_group(out, "nodes/Organization")
    small = [dict(zip(header, r, strict=False)) for r in orgs if r[2] == "苏州小电池有限公司"]
    # 苏州小电池 appears twice in organizations.csv: one node from the first row, the repeat is a reject
    assert len(small) == 1 and small[0]["tier:string"] == "专精特新" and small[0]["is_sme:boolean"] == "true"
    assert set(small[0]["aliases:string[]"].split(";")) == {"小电池", "A", "B"}
    assert [(r.row, r.field) for r in report.rejects if r.file == "organizations.csv"] == [(5, "org_id")]


def test_references_resolve_through_names_and_aliases(export):
    out, _ = export
    _, orgs = read_group(out, "nodes/Organization")
    org_id = {r[2]: r[0] for r in orgs}
    _, applicants = read_group(out, "relationships/APPLICANT_OF__Organization__Patent")
    # "宁德时代" is an alias in organizations.csv: it resolves to the declared organisation, no stub.
    assert [org_id["宁德时代新能源科技股份有限公司"], "CN114142123A", "APPLICANT_OF"] in applicants
    assert "宁德时代" not in org_id
    assert "某某未知有限公司" in org_id  # unknown applicant becomes a stub organisation


def test_derived_edges_match_the_bolt_load_contract(export):
    out, _ = export
    header, maps = read_group(out, "relationships/MAPS_TO__Patent__ChainNode")
    rows = [dict(zip(header, r, strict=False)) for r in maps]
    cathode = [r for r in rows if r[":START_ID(Patent)"] == "CN114142123A"]
    # H01M4/525 is a cathode prefix, H01M10/0525 a cell prefix of the chain definition.
    assert sorted(r[":END_ID(ChainNode)"] for r in cathode) == ["nev_battery.cathode", "nev_battery.cell"]
    # the confidence graph/derive.py gives IPC-only evidence (chain placement's, by the rule that applied)
    from graph.placement_store import IPC_DERIVATION as params
    by_rule = {params["rule_unique"]: params["ipc_unique"], params["rule_shared"]: params["ipc_shared"]}
    for row in cathode:
        assert row["method:string"] == "ipc_prefix" and float(row["confidence:double"]) == by_rule[row["rule:string"]]
    _, shortcut = read_group(out, "relationships/LICENSED_TO__Organization__Organization")
    assert len(shortcut) == 1
    _, holds = read_group(out, "relationships/HOLDS__Organization__Patent")
    _, orgs = read_group(out, "nodes/Organization")
    small = next(r[0] for r in orgs if r[2] == "苏州小电池有限公司")
    assert [small, "CN100000001A", "HOLDS"] in holds  # the transfer's assignee holds the patent
    _, parents = read_group(out, "relationships/PARENT__IPC__IPC")
    assert ["H01M10/0525", "H01M10/00", "PARENT"] in parents and ["H01M", "H01", "PARENT"] in parents


def test_rejected_rows_and_dangling_references_are_reported(export):
    out, report = export
    assert report.rejected_by_file == {"licenses.csv": 1, "organizations.csv": 1, "patents.csv": 1}
    reasons = {r.file: r for r in report.rejects if "row loaded" not in r.reason}
    assert reasons["patents.csv"].field == "pub_no" and reasons["patents.csv"].row == 6  # line 6: a multi-line row before
    assert "CN999999999A" in reasons["licenses.csv"].reason and not report.fatal
    assert read_manifest(out)["dangling_relationships"] == {"CITES__Patent__Patent": 1}


def test_import_args_list_every_file_with_the_delimiter(export):
    out, _ = export
    manifest = read_manifest(out)
    args = (out / "import.args").read_text(encoding="utf-8").split()
    assert "--array-delimiter=;" in args and "--multiline-fields=true" in args
    listed = {a.split("=", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships="))}
    expected = {f"{i['header']},{i['data']}" for i in [*manifest["nodes"].values(), *manifest["relationships"].values()]}
    assert listed == expected
    for entry in listed:
        for f in entry.split(","):
            assert (out / f).is_file()


def test_list_elements_never_carry_the_array_delimiter(tmp_path):
    w = BulkWriter(tmp_path / "b")
    w.add_node("Organization", {"org_id": "O1", "name": "x", "aliases": ["a;b", "c"]})
    m = w.finish()
    _, rows = read_group(tmp_path / "b", "nodes/Organization")
    assert rows[0][3] == "a\uff1bb;c" and m.altered_values == 1


def test_column_types_and_conflicts(tmp_path):
    assert column_type(True, "x") == "boolean" and column_type(3, "x") == "long"
    assert column_type(dt.date(2020, 1, 1), "x") == "date" and column_type(["a"], "x") == "string[]"
    assert column_type(dt.datetime(2020, 1, 1, 3), "x") == "datetime"
    with pytest.raises(InputError, match="dict"):
        column_type({"a": 1}, "x")
    w = BulkWriter(tmp_path / "b")
    w.add_node("Achievement", {"ach_id": "A1", "trl": 3})
    w.add_node("Achievement", {"ach_id": "A2", "trl": 3.5})  # long widens to double
    with pytest.raises(InputError, match="Achievement A3.*'trl'"):
        w.add_node("Achievement", {"ach_id": "A3", "trl": "high"})
    m = w.finish()
    header, rows = read_group(tmp_path / "b", "nodes/Achievement")
    assert header == ["ach_id:ID(Achievement)", ":LABEL", "trl:double"] and m.node_count == 2


def test_writer_refuses_unknown_labels_types_and_missing_keys(tmp_path):
    w = BulkWriter(tmp_path / "b")
    with pytest.raises(InputError, match="primary label"):
        w.add_node("Starship", {"x": 1})  # no such label in graph.schema
    with pytest.raises(InputError, match="no 'pub_no'"):
        w.add_node("Patent", {"title": "t"})
    with pytest.raises(InputError, match="sub-label"):
        w.add_node("Patent", {"pub_no": "CN1A"}, ["Company"])
    with pytest.raises(InputError, match="allow-list"):
        w.add_relationship("KNOWS", "Patent", "CN1A", "Patent", "CN1A")
    assert not (tmp_path / "b").exists()  # nothing written before the first valid row


def test_export_refuses_a_folder_that_already_holds_an_export(export, tmp_path):
    out, _ = export
    with pytest.raises(InputError, match="already holds bulk files"):
        export_directory(tmp_path / "src", out)
    with pytest.raises(InputError, match="not a directory"):
        export_directory(tmp_path / "missing", tmp_path / "other")


def test_cli_export_bulk_prints_counts_and_next_step(tmp_path):
    src = write_tiny_source(tmp_path / "src")
    res = CliRunner().invoke(main, ["export-bulk", str(tmp_path / "out"), "--from", str(src)])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert f"wrote {manifest['node_count']:,} nodes" in res.output
    assert res.exit_code == 1, res.output  # like `chainkg load`: 1 when rows were rejected
    assert "rejected 1 rows of patents.csv" in res.output and "chainkg import-bulk" in res.output
    assert (tmp_path / "out" / "rejects" / "patents.csv").read_text(encoding="utf-8-sig").startswith("file,row,field,reason")
    again = CliRunner().invoke(main, ["export-bulk", str(tmp_path / "out"), "--from", str(src)])
    assert again.exit_code == 2 and "already holds bulk files" in again.output


def test_every_file_kind_is_registered_once_for_both_load_paths():
    """A file kind is its columns (FILE_SPECS), its validator (VALIDATORS) and its key (RECORD_KEYS);
    both load paths take FILE_ORDER from VALIDATORS, so all three must name the same kinds."""
    from loaders.headers import FILE_SPECS
    from loaders.mapping import FILE_ORDER
    from loaders.validate import RECORD_KEYS, VALIDATORS

    assert set(FILE_SPECS) == set(VALIDATORS) == set(RECORD_KEYS) == set(FILE_ORDER)
    assert len(FILE_ORDER) == len(set(FILE_ORDER))
    assert FILE_ORDER[0] == "organizations"  # everything else refers to organisations
