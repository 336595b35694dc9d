"""Readers (CSV/TSV/JSONL/XLSX, encodings, malformed lines, chain YAML) and header mapping."""

import datetime as dt
import json

import pytest

from graph.errors import InputError
from loaders.headers import FILE_SPECS, extra_property_name, map_headers
from loaders.readers import detect_encoding, open_table, read_chain_yaml

ROWS = [["CN114142123A", "一种锂电池正极材料", "宁德时代新能源科技股份有限公司"],
        ["CN215792497U", "一种膜纸自动化印刷技术生产线结构", "苏州某某有限公司"]]


def _csv_text(header=("公开(公告)号", "发明名称", "申请人"), rows=ROWS):
    return "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"


def _values(path):
    t = open_table(path)
    return t, [r for r in t.rows]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"),
                                                ("gbk", "gb18030")])
def test_encodings_are_detected_and_decoded(tmp_path, encoding, expected):
    path = tmp_path / "patents.csv"
    path.write_bytes(_csv_text().encode(encoding))
    assert detect_encoding(path) == expected
    t, rows = _values(path)
    assert t.header == ["公开(公告)号", "发明名称", "申请人"]  # no BOM left on the first header
    assert [r.values for r in rows] == ROWS


def test_gb18030_characters_outside_gbk(tmp_path):
    path = tmp_path / "organizations.csv"
    # 𠮷 (U+20BB7) exists in GB18030 but not in GBK
    text = "企业名称,所在地区\n" + "\n".join(f"𠮷野家电子科技有限公司{i},江苏" for i in range(50)) + "\n"
    path.write_bytes(text.encode("gb18030"))
    _, rows = _values(path)
    assert rows[0].values[0] == "𠮷野家电子科技有限公司0" and len(rows) == 50


def test_malformed_lines_become_row_problems_not_crashes(tmp_path):
    path = tmp_path / "patents.csv"
    path.write_text('pub_no,title\nCN1A,ok\nCN2A,too,many\n\nCN3A,"quoted, fine"\nCN4A\nCN5A,"unterminated\n',
                    encoding="utf-8")
    _, rows = _values(path)
    good = [r.values for r in rows if r.problem is None]
    bad = [(r.line, r.problem) for r in rows if r.problem]
    assert good == [["CN1A", "ok"], ["CN3A", "quoted, fine"]]
    assert [line for line, _ in bad] == [3, 6, 7]
    assert all("malformed CSV line" in p for _, p in bad)


def test_header_only_file_has_no_rows_and_empty_file_is_fatal(tmp_path):
    path = tmp_path / "patents.csv"
    path.write_text("pub_no,title\n", encoding="utf-8")
    t, rows = _values(path)
    assert t.header == ["pub_no", "title"] and rows == []
    empty = tmp_path / "demands.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="demands.csv.*empty"):
        open_table(empty)


def test_wrong_encoding_mid_file_is_fatal_with_the_file_name(tmp_path):
    path = tmp_path / "patents.csv"
    body = ("pub_no,title\n" + "CN1A,ascii only title\n" * 20000).encode("utf-8")
    path.write_bytes(body + "CN2A,一种装置\n".encode("gb18030"))  # GBK bytes after a 256 KiB UTF-8 sample
    t = open_table(path)
    with pytest.raises(InputError, match="patents.csv: cannot decode as utf-8"):
        list(t.rows)


def test_jsonl_rows_lists_and_bad_lines(tmp_path):
    path = tmp_path / "demands.jsonl"
    lines = [json.dumps({"title": "需求一", "description": "高镍正极", "poster": "甲公司", "responders": ["乙", "丙"]},
                        ensure_ascii=False), "{not json", "[1, 2]",
             json.dumps({"title": "需求二", "description": "x", "poster": "丁公司", "budget": "50万"}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t, rows = _values(path)
    assert t.header == ["title", "description", "poster", "responders", "budget"]
    assert rows[0].values["responders"] == ["乙", "丙"]
    assert [r.line for r in rows if r.problem] == [2, 3]
    assert rows[-1].values["budget"] == "50万"


def test_xlsx_streams_typed_cells(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "patents.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["公开(公告)号", "发明名称", "申请日", "申请号"])
    ws.append(["CN114142123A", "一种正极", dt.datetime(2021, 3, 4), 202110123456])
    ws.append([None, None, None, None])
    ws.append(["CN114142124A", "一种负极", "2021/3/5"])
    wb.save(path)
    t, rows = _values(path)
    assert t.header == ["公开(公告)号", "发明名称", "申请日", "申请号"]
    assert rows[0].values == ["CN114142123A", "一种正极", dt.datetime(2021, 3, 4), "202110123456"]
    assert rows[1].line == 4 and rows[1].values == ["CN114142124A", "一种负极", "2021/3/5", None]


def test_broken_xlsx_is_fatal(tmp_path):
    path = tmp_path / "patents.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="patents.xlsx: not a readable .xlsx"):
        open_table(path)


def test_csv_reader_streams_large_files(tmp_path):
    path = tmp_path / "patents.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("pub_no,title\n")
        for i in range(200_000):
            f.write(f"CN{100000000 + i}A,标题{i}\n")
    t = open_table(path)
    first = next(t.rows)
    assert first.values == ["CN100000000A", "标题0"]
    # a generator, not a list: the rest is read lazily
    assert sum(1 for _ in t.rows) == 199_999


# ---- header mapping -------------------------------------------------------------------------------


def test_patent_export_headers_map_to_canonical_columns():
    headers = ["序号", "公开(公告)号", "申请号", "发明名称", "摘要", "申请(专利权)人", "当前权利人", "IPC主分类号",
               "IPC分类号", "申请日", "公开(公告)日", "授权公告日", "法律状态", "引证专利", "专利类型", "Batch No"]
    m = map_headers("patents", headers)
    assert m.canonical == {
        "pub_no": "公开(公告)号", "app_no": "申请号", "title": "发明名称", "abstract": "摘要", "applicants": "申请(专利权)人",
        "holders": "当前权利人", "ipc_main": "IPC主分类号", "ipc": "IPC分类号", "filed": "申请日", "published": "公开(公告)日",
        "granted": "授权公告日", "status": "法律状态", "cites": "引证专利", "kind": "专利类型",
    }
    assert m.missing(FILE_SPECS["patents"]) == []
    assert m.extras["x_batch_no"] == "Batch No"
    assert m.columns[0].startswith("x_") and len(m.columns[0]) == 10  # 序号 → x_ + 8 hex


def test_full_width_brackets_and_canonical_names_win():
    m = map_headers("patents", ["公开（公告）号", "名称", "title"])
    assert m.canonical["pub_no"] == "公开（公告）号"
    assert m.canonical["title"] == "title" and m.duplicates == ["名称"]


def test_register_and_organisation_headers():
    lic = map_headers("licenses", ["专利号", "许可人", "被许可人", "许可种类", "备案号", "生效日期"])
    assert set(lic.canonical) == {"pub_no", "licensor", "licensee", "type", "record_no", "date"}
    trf = map_headers("transfers", ["公开号", "转让人", "受让人", "生效日期"])
    assert set(trf.canonical) == {"pub_no", "assignor", "assignee", "date"}
    org = map_headers("organizations", ["企业名称", "统一社会信用代码", "省份", "城市", "企业规模", "梯度"])
    assert set(org.canonical) == {"name", "credit_code", "province", "city", "size", "tier"}
    assert map_headers("patents", ["申请人"]).missing(FILE_SPECS["patents"]) == ["pub_no", "title"]


def test_extra_property_names_are_safe_and_deterministic():
    for header in ["来源", "Batch No", "a-b c", "123", "x" * 200, "名称(英文)"]:
        name = extra_property_name(header)
        assert name.startswith("x_") and name.isascii() and len(name) <= 64
        assert name.replace("_", "a").isalnum()
        assert extra_property_name(header) == name
    assert extra_property_name("来源") != extra_property_name("来 源 2")


# ---- chain YAML ---------------------------------------------------------------------------------------


def test_chain_yaml_qualifies_ids(tmp_path):
    path = tmp_path / "battery.yaml"
    path.write_text(
        "id: battery\nname: 动力电池\nnodes:\n"
        "  - {id: cathode, name: 正极材料, segment: upstream, keywords: [正极], ipc: [H01M4]}\n"
        "  - {id: cell, name: 电芯, segment: 中游, upstream: [cathode, other.node], keywords: 电芯;电池, ipc: []}\n",
        encoding="utf-8")
    spec = read_chain_yaml(path)
    assert spec.chain_id == "battery" and [n.node_id for n in spec.nodes] == ["battery.cathode", "battery.cell"]
    assert spec.nodes[1].segment == "midstream" and spec.nodes[1].upstream == ("battery.cathode", "other.node")
    assert spec.nodes[1].keywords == ("电芯", "电池")


@pytest.mark.parametrize("body, match", [
    ("name: x\nnodes: []\n", "needs `id`"),
    ("id: c\nname: x\nnodes:\n  - {id: a, name: A, segment: sideways}\n", "segment"),
    ("id: c\nname: x\nnodes:\n  - {id: a, name: A, segment: upstream, upstream: [zzz]}\n", "upstream ids not defined"),
    ("id: c\nname: x\nnodes: [\n", "not valid YAML"),
])
def test_bad_chain_yaml_is_fatal(tmp_path, body, match):
    path = tmp_path / "c.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_chain_yaml(path)


def test_missing_required_column_is_an_input_error_naming_file_and_columns(tmp_path):
    from loaders.pipeline import check_header

    path = tmp_path / "licenses.csv"
    path.write_text("公开号,许可人,备案日期\nCN114142123A,甲大学,2022-01-01\n", encoding="utf-8")
    t = open_table(path)
    with pytest.raises(InputError) as e:
        check_header("licenses", path, t.header)
    msg = str(e.value)
    assert msg.startswith("licenses.csv: missing required column(s) licensee;")
    assert "needs pub_no, licensor, licensee" in msg and "found: 公开号, 许可人, 备案日期" in msg
    assert check_header("licenses", path, ["公开号", "许可人", "被许可人"]).canonical["licensee"] == "被许可人"
