"""The Streamlit app, page by page, through streamlit.testing's AppTest (no browser).

Unit tests cover the helpers (CSV escaping, graph building, parameter forms, upload validation).
Integration tests render every page against the real demo graph, check that the main widgets change
the result, and prove the outage banner and the recovery after Neo4j comes back.
"""

from __future__ import annotations

import io
import re
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app" / "streamlit_app.py")
TITLES = {"overview": "概览", "chain_map": "产业链图谱", "licensors": "许可方发现", "license_paths": "许可路径",
          "demand_matching": "供需对接", "patent_navigation": "专利导航", "org_profile": "机构画像",
          "workbench": "查询工作台", "data_import": "数据导入", "achievements": "成果库", "patent_history": "专利档案",
          "placement_review": "链上定位审核"}
#: Every registered page whose script exists (app/streamlit_app.py registers the others' pages once written).
PAGES = [url for url in TITLES if (ROOT / "app" / "views" / f"{url}.py").is_file()]
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def open_page(page: str, timeout: float = 120) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "error", "warning", "info", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


# ---------------------------------------------------------------- unit: helpers


def test_csv_escapes_formula_cells():
    from app.ui.downloads import escape_cell, to_csv_bytes

    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "正常公司", "a=b"], "n": [1, 2, 3, 4, 5, 6]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert list(back["name"]) == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "正常公司", "a=b"]
    assert list(back["n"]) == [1, 2, 3, 4, 5, 6]  # numbers stay numbers
    assert escape_cell(-3) == -3 and escape_cell("\tcmd") == "'\tcmd"


def test_excel_export_is_escaped_and_flat():
    from openpyxl import load_workbook

    from app.ui.downloads import to_xlsx_bytes

    df = pd.DataFrame({"name": ["=1+1", "甲"], "tags": [["a", "b"], []]})
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df, sheet="结果"))).active
    assert [c.value for c in ws[2]] == ["'=1+1", "a; b"]
    assert ws.title == "结果"


def test_graph_from_result_columns_and_segment_layout():
    from app.ui.graphview import GraphSpec, frame_to_spec, segment_layout, spec_png, to_elements

    df = pd.DataFrame({"a": ["甲", "乙", None], "b": ["乙", "丙", "丁"], "t": ["LICENSED_TO", "ASSIGNED_TO", "X"]})
    spec = frame_to_spec(df, "a", "b", "t")
    assert {n["id"] for n in spec.nodes} == {"甲", "乙", "丙"}  # the row with a missing end is skipped
    assert [(e["source"], e["target"], e["label"]) for e in spec.edges] == [("甲", "乙", "LICENSED_TO"), ("乙", "丙", "ASSIGNED_TO")]

    nodes = [{"id": "d", "segment": "downstream"}, {"id": "u", "segment": "upstream"}, {"id": "m", "segment": "midstream"},
             {"id": "u2", "segment": "upstream"}]
    segment_layout(nodes)
    x = {n["id"]: n["x"] for n in nodes}
    assert x["u"] == x["u2"] < x["m"] < x["d"]
    el = to_elements(GraphSpec(nodes=nodes + [{"id": "gap", "segment": "upstream", "gap": True, "x": 0, "y": 0}],
                               edges=[{"source": "u", "target": "m"}, {"source": "u", "target": "missing"}]))
    assert len(el["edges"]) == 1  # an edge to a node not drawn would break cytoscape
    assert all("position" in n for n in el["nodes"]) and [n["data"]["gap"] for n in el["nodes"]][-1] is True
    png = spec_png(GraphSpec(nodes=nodes))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # with UPSTREAM_OF edges a segment is split by the chain inside it: u → u2 are both upstream
    segment_layout(nodes, [{"source": "u", "target": "u2"}, {"source": "u2", "target": "m"}, {"source": "m", "target": "d"}])
    x = {n["id"]: n["x"] for n in nodes}
    assert x["u"] < x["u2"] < x["m"] < x["d"]


def test_param_form_reads_registry_headers():
    import queries.registry as reg
    from app.ui.params import declared_params
    for q in reg.list_queries():
        declared = declared_params(q)
        assert [p["name"] for p in declared] == [p.name for p in q.params]
        assert [p["required"] for p in declared] == [p.required for p in q.params]


def test_upload_preview_reports_missing_columns_and_rejects(tmp_path):
    from app.ui.validation import preview_directory

    (tmp_path / "organizations.csv").write_text("name,region\n甲公司,320500\n,320500\n乙公司,\n", encoding="utf-8")
    (tmp_path / "patents.csv").write_text("pub_no\nCN1A\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x\n1\n", encoding="utf-8")
    summary, rejects = preview_directory(tmp_path, {"organizations.csv": "机构名单.csv"})
    by_file = summary.set_index("file")
    assert by_file.loc["机构名单.csv", ["rows", "valid", "rejected"]].tolist() == [3, 2, 1]
    assert by_file.loc["patents.csv", "status"] == "missing_columns" and "title" in by_file.loc["patents.csv", "detail"]
    assert by_file.loc["notes.csv", "status"] == "unknown_kind"
    assert rejects.to_dict("records") == [{"file": "机构名单.csv", "row": 3, "field": "name", "reason": "empty_value",
                                           "detail": ""}]


def test_file_kind_is_guessed_from_name_or_header_and_kinds_are_read_live(tmp_path):
    from app.ui.validation import file_kinds, guess_kind, kind_columns, template_frame
    from loaders.headers import FILE_SPECS

    assert file_kinds() == list(FILE_SPECS)  # new kinds appear without an app change
    assert guess_kind("专利清单.csv") == "patents" and guess_kind("patents.xlsx") == "patents"
    assert guess_kind("开放许可声明2024.csv") == "open_licenses" and guess_kind("专利许可备案.csv") == "licenses"
    assert guess_kind("export.csv", ["公开号", "发明名称", "申请人"]) == "patents"  # by its columns
    assert guess_kind("export.csv", ["foo"]) is None and guess_kind("chain.yaml") == "chains"
    cols = kind_columns("patents")
    assert set(cols[cols.required]["column"]) == set(FILE_SPECS["patents"].required)
    assert "发明名称" in cols.set_index("column").loc["title", "aliases"]
    assert list(template_frame("patents").columns)[: len(FILE_SPECS["patents"].required)] == list(FILE_SPECS["patents"].required)


def test_graph_chart_options_are_readable_and_static():
    from app.ui.graphview import chart_options, frame_graph, layout_positions, merge_parallel_edges

    nodes = [{"id": "a", "label": "甲公司", "category": "企业", "value": 1}, {"id": "b", "label": "乙大学", "category": "高校", "value": 9},
             {"id": "c", "label": "丙", "category": "企业"}]
    edges = [{"source": "a", "target": "b", "label": "许可", "tooltip": "2021"}, {"source": "a", "target": "b", "label": "转让"},
             {"source": "a", "target": "b", "label": "许可"}, {"source": "b", "target": "c"}, {"source": "b", "target": "zz"}]
    merged = merge_parallel_edges([e for e in edges if e["target"] != "zz"])
    assert [(m["source"], m["target"], m["label"], m["count"]) for m in merged] == [("a", "b", "许可、转让 ×3", 3), ("b", "c", "", 1)]
    o = chart_options(nodes, edges, layout="lr", categories=["高校", "企业", "科研院所"])
    series = o["series"][0]
    assert o["animation"] is False and series["layout"] == "none"  # positions computed here: first frame is final
    assert o["legend"][0]["data"] == ["高校", "企业", "科研院所"]
    assert len(series["links"]) == 2  # parallel edges merged, the edge to a node not drawn dropped
    assert series["links"][0]["value"] == "许可、转让 ×3" and series["edgeLabel"]["show"]
    xs = {d["id"]: d["x"] for d in series["data"]}
    assert xs["a"] < xs["b"] < xs["c"]  # left to right along the edges
    assert series["label"]["fontSize"] >= 12 and all(d["symbolSize"] >= 14 for d in series["data"])
    assert "labelLayout" not in series  # any labelLayout stops ECharts drawing edge labels
    pos = layout_positions([str(i) for i in range(12)], [{"source": "0", "target": "1"}], "force")
    assert len({p for p in pos.values()}) == 12  # no two nodes on one spot
    # node / relationship / path cells, as queries.registry.to_native returns them
    a = {"_labels": ["Company", "Organization"], "_id": "n1", "name": "甲公司"}
    b = {"_labels": ["Organization", "University"], "_id": "n2", "name": "乙大学"}
    r = {"_type": "LICENSED_TO", "_id": "r1", "_start": "n1", "_end": "n2", "date": "2021-01-01"}
    g_nodes, g_edges = frame_graph(pd.DataFrame({"p": [[a, r, b]], "x": [1]}))
    assert sorted(n["label"] for n in g_nodes) == ["乙大学", "甲公司"]
    assert [(e["source"], e["target"]) for e in g_edges] == [("n1", "n2")]


# ---------------------------------------------------------------- Neo4j down, then back


class _Forwarder:
    """A TCP forwarder to the real Neo4j, switched on and off: Neo4j 'going away' without stopping it."""

    def __init__(self, target_port: int):
        self.target = target_port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server: socket.socket | None = None

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.close()
            self.server = None

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass


@pytest.mark.neo4j
def test_outage_shows_banner_then_recovers_without_restart(driver, settings, monkeypatch):
    fwd = _Forwarder(int(settings.uri.rsplit(":", 1)[1]))
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{fwd.port}")
    if settings.password:  # the forwarder leads to the local server, whose auth is on by default
        monkeypatch.setenv("NEO4J_PASSWORD", settings.password)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("views/workbench.py").run()
    no_exception(at)
    banner = " ".join(e.value for e in at.error)
    assert "chainkg server start" in banner and str(fwd.port) in banner
    assert not at.tabs  # the page stopped after the banner

    fwd.start()  # the server is back: the same session must recover
    try:
        at.button(key="retry_connection").click().run()
        no_exception(at)
        assert not any("chainkg server start" in e.value for e in at.error)
        assert at.tabs  # the workbench rendered
    finally:
        fwd.stop()


# ---------------------------------------------------------------- every page on the demo graph


@pytest.mark.neo4j
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_demo_graph(demo_graph, page):
    at = open_page(page)
    no_exception(at)
    assert TITLES[page] in at.title[0].value
    assert not at.error, [e.value for e in at.error]
    assert "图谱为空" not in all_text(at)  # the demo graph is loaded: no empty-graph offer


@pytest.mark.neo4j
def test_language_toggle_switches_labels(demo_graph):
    at = open_page("overview")
    assert "概览" in at.title[0].value.split()[0]
    at.sidebar.radio[0].set_value("en").run()
    no_exception(at)
    assert at.title[0].value.startswith("Overview")


@pytest.mark.neo4j
def test_overview_counts_match_graph_stats(demo_graph, settings):
    from graph.writer import graph_stats

    at = open_page("overview")
    nodes = graph_stats(demo_graph, settings.database)["nodes"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["专利"] == f"{nodes.get('Patent', 0):,}"
    assert metrics["机构"] == f"{nodes.get('Organization', 0):,}"
    counts = next(df for df in frames(at) if list(df.columns) == ["节点标签", "数量"])  # labelled headings
    assert dict(zip(counts["节点标签"], counts["数量"], strict=True)) == nodes


@pytest.mark.neo4j
def test_chain_map_tier_filter_changes_result(demo_graph):
    at = open_page("chain_map")
    no_exception(at)
    before = [df.copy() for df in frames(at)]
    assert before and any(len(df) for df in before), "the demo chain map has rows"
    at.selectbox(key="cm_tier").set_value("小巨人").run()
    no_exception(at)
    after = frames(at)
    assert [df.to_dict() for df in after] != [df.to_dict() for df in before]


@pytest.mark.neo4j
def test_chain_map_node_choice_shows_detail(demo_graph):
    at = open_page("chain_map")
    assert len(at.selectbox(key="cm_node").options) > 1
    at.selectbox(key="cm_node").set_value("nev_battery.cathode").run()
    no_exception(at)
    assert any("正极材料" in s.value for s in at.subheader)  # the node's panel, titled by its name


@pytest.mark.neo4j
def test_workbench_saved_query_and_adhoc(demo_graph):
    at = open_page("workbench")
    assert "licensors_for" in at.selectbox(key="wb_query").options or at.selectbox(key="wb_query").value == "licensors_for"
    at.selectbox(key="wb_query").set_value("licensors_for").run()
    labels = {w.label for w in at.selectbox}
    assert {"产业链", "产业链节点", "地区"} <= labels  # pickers, labelled in Chinese, not parameter names
    at.selectbox(key="wb_licensors_for_node_chain").set_value("nev_battery").run()
    at.selectbox(key="wb_licensors_for_node").set_value("nev_battery.cathode").run()
    at.button(key="wb_run_saved").click().run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    result = frames(at)[0]
    assert list(result.columns[:3]) == ["候选许可方", "机构类型", "所在地区"] and "推荐理由" in result.columns
    assert result["推荐理由"].str.contains("正极材料专利").all()

    at.text_area(key="wb_cypher").input("MATCH (o:Organization) RETURN o.name AS name LIMIT 3").run()
    at.button(key="wb_run").click().run()
    no_exception(at)
    assert any(list(df.columns) == ["name"] and len(df) == 3 for df in frames(at))  # the researcher's own alias

    at.text_area(key="wb_cypher").input("CREATE (:Organization {org_id: 'x'})").run()
    at.button(key="wb_run").click().run()
    no_exception(at)
    assert [e.value for e in at.error] == ["已拒绝：工作台只运行只读查询，不允许写入（CREATE、MERGE、SET、DELETE 等）。"]
    at.text_area(key="wb_cypher").input("MATCH (n RETURN n").run()
    at.button(key="wb_run").click().run()
    assert "语法错误" in at.error[0].value and "Neo." not in at.error[0].value  # no raw status code
    at.sidebar.radio[0].set_value("en").run()
    assert "syntax error" in at.error[0].value


@pytest.mark.neo4j
def test_workbench_draws_nodes_and_saves_a_researchers_query(demo_graph, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINKG_QUERY_DIR", str(tmp_path))
    at = open_page("workbench")
    at.text_area(key="wb_cypher").input(
        "MATCH p = (:Organization)-[:LICENSED_TO]->(:Organization) RETURN p LIMIT 5").run()
    at.button(key="wb_run").click().run()
    no_exception(at)
    assert any(c.value.startswith("共 ") and "个节点" in c.value for c in at.caption)  # drawn as a graph
    table_ = next(df for df in frames(at) if "p" in df.columns)
    assert table_["p"].str.contains("→").all() and not table_["p"].str.contains("_labels").any()  # no JSON blobs
    at.text_input(key="wb_save_name").input("my_pairs").run()
    at.text_input(key="wb_save_title").input("我的许可对").run()
    at.button(key="wb_save_btn").click().run()
    no_exception(at)
    assert (tmp_path / "my_pairs.cypher").is_file()
    assert "我的许可对 · 我的查询" in at.selectbox(key="wb_query").options  # listed at once, marked as the researcher's
    from queries.registry import get_query

    assert get_query("my_pairs").user and [c.name for c in get_query("my_pairs").columns] == ["p"]


@pytest.mark.neo4j
def test_licensors_page_puts_reason_beside_score_with_names(demo_graph):
    at = open_page("licensors")
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    df = frames(at)[0]
    assert list(df.columns[:3]) == ["候选许可方", "推荐得分", "推荐理由"]
    assert not any(c.endswith("_id") or c == "region_code" for c in df.columns)
    assert not df["所在地区"].astype(str).str.fullmatch(r"\d{6}").any()  # region names, not codes
    assert set(df["机构类型"]) <= {"高校", "科研院所", "企业", "政府机构", "服务机构"}
    assert any(s.value.startswith("首选：") and "得分" in s.value for s in at.success)  # the top pick, with why
    at.selectbox(key="lf_region").set_value("长三角").run()  # a region group
    no_exception(at)
    assert not at.error, [e.value for e in at.error]


@pytest.mark.neo4j
def test_data_import_kind_dropdown_and_load_disabled_without_valid_rows(demo_graph):
    at = open_page("data_import")
    no_exception(at)
    ref = frames(at)[0]
    assert list(ref.columns) == ["列名（模板中的写法）", "必填", "也接受的中文列名"]
    assert at.selectbox(key="imp_ref_kind").value == "organizations"
    assert any(b.label == "下载模板" for b in at.get("download_button"))
    at.file_uploader(key="imp_files").set_value(("专利清单.csv", "公开号,发明名称\nCN1A,一种电池\nCN2A,\n".encode(), "text/csv")).run()
    no_exception(at)
    kind = next(w for w in at.selectbox if w.label.startswith("“专利清单.csv”"))
    assert kind.value == "patents"  # pre-selected from the Chinese file name, still a choice
    summary = next(df for df in frames(at) if "有效行" in df.columns)
    assert summary.iloc[0][["文件", "文件类型", "行数", "有效行", "拒绝行"]].tolist() == ["专利清单.csv", "专利", 2, 1, 1]
    rejects = next(df for df in frames(at) if "原因" in df.columns)
    assert rejects.iloc[0]["原因"] == "必填值为空" and rejects.iloc[0]["字段"] == "title"
    assert not at.button(key="imp_load").disabled

    at.file_uploader(key="imp_files").set_value(("专利清单.csv", "公开号,发明名称\nCN2A,\n".encode(), "text/csv")).run()
    assert at.button(key="imp_load").disabled  # nothing valid to load
    assert any("没有可加载的有效行" in w.value for w in at.warning)


@pytest.mark.neo4j
def test_overview_programme_measures_over_time_and_by_region(demo_graph):
    at = open_page("overview")
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    for label in ("许可给中小企业", "转让给中小企业", "开放许可声明"):  # programme outcomes, each with its unit
        value, unit = metrics[label].split()
        assert int(value.replace(",", "")) >= 0 and unit == "项", label
    assert metrics["深度行"].endswith("场")  # compared with the ten-a-year target in its delta
    table_ = next(df for df in frames(at) if {"年份", "地区", "指标", "数值"} <= set(df.columns))
    assert set(table_["指标"]) >= {"新增需求", "许可给中小企业", "开放许可声明"}
    assert table_["年份"].dropna().nunique() > 1 and table_["地区"].nunique() > 1  # over time and by region
    at.selectbox(key="overview_region").set_value("江苏省").run()
    no_exception(at)
    jiangsu = next(df for df in frames(at) if {"年份", "地区", "指标", "数值"} <= set(df.columns))
    assert len(jiangsu) and "江苏省" not in set(jiangsu["地区"])  # broken down into the cities of Jiangsu


@pytest.mark.neo4j
def test_chain_map_has_upstream_edges_for_every_chain(demo_graph, settings):
    from queries.registry import run_query

    at = open_page("chain_map")
    chains = list(run_query(demo_graph, "lookup_chains", database=settings.database).chain_id)
    assert len(at.selectbox(key="cm_chain").options) == len(chains) >= 5  # a select box fed by lookup_chains
    for chain in chains:
        at.selectbox(key="cm_chain").set_value(chain).run()
        no_exception(at)
        cmap = run_query(demo_graph, "chain_map", database=settings.database, chain=chain)
        assert (cmap.upstream.map(len) > 0).sum() > 0, chain  # UPSTREAM_OF, drawn as the map's edges


@pytest.mark.neo4j
def test_pickers_are_select_boxes_fed_by_lookups(demo_graph, settings):
    from queries.registry import run_query

    at = open_page("licensors")
    at.radio(key="lf_mode").set_value("org").run()
    smes = run_query(demo_graph, "lookup_orgs", database=settings.database, sme_only=True, limit=2000)
    pick = at.selectbox(key="lf_org")
    assert len(pick.options) == len(smes) > 10  # one searchable select box of SMEs, by name
    # The test database also holds other tests' organisations; choose a demo SME that has candidates.
    chosen = next(o for o in smes.org_id.astype(str)
                  if not run_query(demo_graph, "licensors_for", database=settings.database, org=o, limit=1).empty)
    pick.set_value(chosen).run()
    no_exception(at)
    assert frames(at) and len(frames(at)[0]) > 0  # candidate licensors for the chosen SME
    # the planner's and SME's pickers are exercised by their journeys (tests/test_app_journeys.py)


# ---------------------------------------------------------------- labels: no raw names, both languages


def _label_calls() -> set[str]:
    """Keys passed as literals to t()/both() anywhere in app/."""
    keys = set()
    for path in (ROOT / "app").rglob("*.py"):
        keys |= set(re.findall(r"\b(?:t|both)\(\s*\"([A-Za-z0-9_]+)\"\s*\)", path.read_text(encoding="utf-8")))
    return keys


def test_every_label_used_exists_in_both_languages():
    from app.ui.i18n import LABELS

    missing = sorted(k for k in _label_calls() if k not in LABELS)
    assert not missing, f"t() keys without labels (the key itself would show): {missing}"
    for key, (zh, en) in LABELS.items():
        assert zh.strip() and en.strip(), key
        assert re.search(r"[A-Za-z]", en) or not CJK.search(en), f"{key}: English label {en!r}"
        words = re.sub(r"\{\w+\}", "", zh)  # {placeholders} are filled in with data
        assert CJK.search(zh) or not re.search(r"\b[a-z]{4,}\b", words), f"{key}: Chinese label {zh!r} is English"


def _widget_labels(at: AppTest) -> list[str]:
    kinds = ("selectbox", "multiselect", "text_input", "text_area", "number_input", "checkbox", "toggle", "radio",
             "date_input", "button", "slider", "select_slider")
    out = []
    for kind in kinds:
        try:
            out += [str(w.label) for w in getattr(at, kind)]
        except (AttributeError, KeyError):
            continue
    out += [str(w.label) for w in at.get("download_button")]
    out += [str(x.label) for x in at.tabs]
    return out


@pytest.mark.neo4j
@pytest.mark.parametrize("page", PAGES)
def test_no_raw_column_names_and_no_untranslated_labels(demo_graph, page):
    at = open_page(page)
    for lang in ("zh", "en"):
        if lang == "en":
            at.sidebar.radio[0].set_value("en").run()
        no_exception(at)
        raw = [c for df in frames(at) for c in map(str, df.columns) if SNAKE.match(c)]
        assert not raw, f"{page} ({lang}) shows raw column names {raw}"
        labels = [x for x in _widget_labels(at) if x not in ("语言 Language", "Language 语言")]
        keys = [x for x in labels if SNAKE.match(x)]
        assert not keys, f"{page} ({lang}) shows label keys / parameter names {keys}"
        if lang == "en":
            chinese = [x for x in labels if CJK.search(x) and not re.search(r"[A-Za-z]{3,}", x)]
            assert not chinese, f"{page} (en) labels still in Chinese: {chinese}"
