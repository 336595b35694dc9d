"""Property tests of the readers, validators and every spreadsheet export over hostile input.

Readers: any text written as CSV in UTF-8 (with or without BOM), UTF-16 or GB18030, or as an .xlsx
workbook (merged cells, several sheets), reads back cell for cell — or fails with an InputError
that names the file. Validators: any row is a record or a reject with a reason (no crash).
Exports: no cell of a CSV or Excel file we write can start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph.errors import InputError
from loaders.headers import FILE_SPECS
from loaders.readers import open_table
from loaders.resolve import OrgResolver
from loaders.validate import VALIDATORS, Record, RowContext, RowRejected
from tests.fuzz_support import count_case

FUZZ = hsettings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NASTY = ["'}) DETACH DELETE n //", "`x`", "$x", "{a}", "=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", '"q"', "a,b",
         "line\nbreak", "\r", "\t", "\ufeff", "全角（有限公司）", "ＡＢＣ", "\u202e", "x" * 5000]
CELL = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60), st.sampled_from(NASTY))
CHINESE = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=20)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _read_all(path: Path):
    table = open_table(path)
    return table.header, [(r.values, r.problem) for r in table.rows]


@FUZZ
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=15),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_csv_cells_read_back_exactly_in_any_unicode_encoding(tmp_path_factory, rows, encoding):
    count_case("loader:csv_unicode")
    path = tmp_path_factory.mktemp("csv") / "organizations.csv"
    header = ["name", "profile", "products"]
    _write_csv(path, [header, *rows], encoding)
    got_header, got = _read_all(path)
    assert got_header == header
    assert [p for _, p in got if p] == []
    assert [v for v, _ in got] == rows


@FUZZ
@given(st.lists(st.lists(CHINESE, min_size=2, max_size=2), min_size=30, max_size=60))
def test_gb18030_exports_are_detected_and_read_exactly(tmp_path_factory, rows):
    count_case("loader:csv_gb18030")
    path = tmp_path_factory.mktemp("gb") / "organizations.csv"
    _write_csv(path, [["名称", "简介"], *rows], "gb18030")
    header, got = _read_all(path)
    assert header == ["名称", "简介"]
    assert [v for v, _ in got] == rows


def test_a_short_gb18030_file_is_not_mis_detected(tmp_path):
    count_case("loader:csv_gb18030_short")
    path = tmp_path / "organizations.csv"
    rows = [["一一", "丁丁"]] * 3
    _write_csv(path, [["名称", "简介"], *rows], "gb18030")
    header, got = _read_all(path)
    assert header == ["名称", "简介"] and [v for v, _ in got] == rows


def test_undecodable_bytes_are_rejected_with_a_reason(tmp_path):
    count_case("loader:csv_bad_bytes")
    path = tmp_path / "organizations.csv"
    path.write_bytes(b"name\n" + "正常\n".encode() * 2000 + b"\xff\xfe\xfd broken\n")
    with pytest.raises(InputError, match="organizations.csv: cannot decode"):
        _read_all(path)


def test_mixed_encodings_in_one_file_are_rejected_not_garbled(tmp_path):
    """UTF-8 up front, GB18030 further down: a clear error, not silently mis-decoded names."""
    count_case("loader:csv_mixed")
    path = tmp_path / "organizations.csv"
    path.write_bytes(b"name\n" + "苏州甲科技有限公司\n".encode() * 3000 + "乙公司\n".encode("gb18030"))
    with pytest.raises(InputError, match="cannot decode"):
        _read_all(path)


XLSX_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40).filter(
    lambda s: not s.startswith("=") and s.strip() == s and s != "")


@FUZZ
@given(st.lists(st.lists(XLSX_TEXT, min_size=3, max_size=3), min_size=2, max_size=12), st.integers(0, 10))
def test_xlsx_with_merged_cells_and_several_sheets_reads_the_first_sheet_exactly(tmp_path_factory, rows, merge_at):
    from openpyxl import Workbook

    count_case("loader:xlsx")
    path = tmp_path_factory.mktemp("x") / "organizations.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(["name", "profile", "products"])
    for r in rows:
        ws.append(r)
    merge_row = 2 + merge_at % len(rows)
    ws.merge_cells(start_row=merge_row, start_column=2, end_row=merge_row, end_column=3)  # profile+products merged
    other = wb.create_sheet("说明")
    other.append(["ignored", "=1+1"])
    wb.save(path)
    header, got = _read_all(path)
    assert header == ["name", "profile", "products"]
    expected = [list(r) for r in rows]
    expected[merge_row - 2][2] = None  # a merged range keeps its value in the top-left cell only
    assert [v for v, _ in got] == expected


def test_a_broken_xlsx_is_rejected_with_a_reason(tmp_path):
    count_case("loader:xlsx_broken")
    path = tmp_path / "patents.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable .xlsx"):
        open_table(path)


@pytest.mark.parametrize("kind", ["organizations", "patents", "licenses", "transfers", "open_licenses", "achievements",
                                  "demands"])
def test_validators_accept_or_reject_with_a_reason(kind):
    spec = FILE_SPECS[kind]
    columns = list(spec.required) + list(spec.optional)

    @FUZZ
    @given(st.fixed_dictionaries({c: st.one_of(st.none(), CELL) for c in columns}))
    def check(row):
        count_case(f"validator:{kind}")
        ctx = RowContext(file=f"{kind}.csv", line=2, resolver=OrgResolver())
        try:
            rec = VALIDATORS[kind](row, ctx)
        except RowRejected as e:
            assert e.field and e.reason
            return
        assert isinstance(rec, Record)
        for note in ctx.notes:
            assert note.reason

    check()


# --------------------------------------------------------------------------------------------- exports

FORMULA_CELLS = st.one_of(st.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=", "-"]),
                          st.builds(lambda a, b: a + b, st.sampled_from(list("=+-@")), st.text(max_size=20)))
CELLS = st.one_of(FORMULA_CELLS, st.text(max_size=20), st.integers(), st.floats(allow_nan=False),
                  st.lists(FORMULA_CELLS, max_size=3))
PLAIN = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
PLAIN_FORMULAS = st.builds(lambda a, b: a + b, st.sampled_from(list("=+-@")), st.text(PLAIN, max_size=20))
PLAIN_CELLS = st.one_of(PLAIN_FORMULAS, st.text(PLAIN, max_size=20), st.integers(), st.floats(allow_nan=False),
                        st.lists(PLAIN_FORMULAS, max_size=3))


def _csv_cells(text: str) -> list[str]:
    # newline="": split records the way a spreadsheet does (a bare CR ends a row too).
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for c in row]


def _dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_START) and not _is_number(cell)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@FUZZ
@given(st.lists(st.tuples(PLAIN_CELLS, PLAIN_CELLS), min_size=1, max_size=8), st.sampled_from(["=HYPERLINK()", "col", "@c"]))
def test_app_downloads_escape_formula_cells(rows, colname):
    """Text without control characters: every CSV and Excel download is free of formula cells."""
    _check_app_download(rows, colname)


def test_app_downloads_survive_control_characters():
    _check_app_download([("x\r=cmd|' /C calc'!A0", "ok")], "col")
    _check_app_download([("ok", "\x1f")], "col")


def _check_app_download(rows, colname):
    from app.ui.downloads import to_csv_bytes, to_xlsx_bytes

    count_case("export:app_download")
    df = pd.DataFrame(rows, columns=[colname, "b"])
    cells = _csv_cells(to_csv_bytes(df).decode("utf-8"))
    # Numbers written by us as numbers (e.g. -1.5) are data, not formulas; text must be escaped.
    assert not [c for c in cells if _dangerous(c)], cells
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx_bytes(df)))
    for row in wb.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert not (isinstance(cell.value, str) and _dangerous(cell.value)), cell.value


@FUZZ
@given(st.lists(st.tuples(FORMULA_CELLS.filter(lambda c: not c.startswith(("\t", "\r"))),
                          FORMULA_CELLS.filter(lambda c: not c.startswith(("\t", "\r")))), min_size=1, max_size=8))
def test_rejects_files_escape_formula_cells(tmp_path_factory, rows):
    from app.commands.load import write_rejects
    from loaders.pipeline import LoadReport
    from loaders.validate import Reject

    count_case("export:rejects")
    report = LoadReport(directory="x", rejects=[Reject("=x.csv", i + 2, a, b) for i, (a, b) in enumerate(rows)])
    out = tmp_path_factory.mktemp("rej")
    for path in write_rejects(report, out):
        cells = _csv_cells(path.read_text(encoding="utf-8"))
        assert not [c for c in cells if _dangerous(c)], cells


def test_rejects_files_escape_tab_and_carriage_return_leads(tmp_path):
    from app.commands.load import write_rejects
    from loaders.pipeline import LoadReport
    from loaders.validate import Reject

    count_case("export:rejects_tab")
    report = LoadReport(directory="x", rejects=[Reject("a.csv", 2, "\t=1+1", "\r=cmd|' /C calc'!A0")])
    for path in write_rejects(report, tmp_path):
        cells = _csv_cells(path.read_text(encoding="utf-8"))
        assert not [c for c in cells if _dangerous(c)], cells


def test_query_cli_csv_escapes_formula_cells():
    from app.commands.query import frame_to_text

    count_case("export:query_csv")
    df = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "ok"], "list": [["=1"], [], ["-x"], ["a"]]})
    cells = _csv_cells(frame_to_text(df, "csv"))
    assert not [c for c in cells if _dangerous(c)], cells


def test_nasty_strings_survive_a_csv_round_trip_of_names():
    """Quotes, backticks, $ and braces are data: a reader returns them untouched."""
    count_case("loader:csv_nasty_fixed")
    buf = io.StringIO()
    csv.writer(buf).writerows([["name"], *([s] for s in NASTY if s.strip() and s != "\ufeff")])
    assert [r[0] for r in csv.reader(io.StringIO(buf.getvalue()))][1:] == [s for s in NASTY if s.strip() and s != "\ufeff"]
