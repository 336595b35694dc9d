"""The Streamlit app, page by page, through streamlit.testing's AppTest (no browser).

Unit tests cover the helpers (CSV escaping, graph building, parameter forms, upload validation).
Integration tests render every page against the real demo graph, check that the main widgets change
the result, and prove the outage banner and the recovery after Neo4j comes back.
"""

from __future__ import annotations

import io
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app" / "streamlit_app.py")
PAGES = ["overview", "chain_map", "licensors", "license_paths", "demand_matching", "patent_navigation",
         "org_profile", "workbench", "data_import"]
TITLES = {"overview": "概览", "chain_map": "产业链图谱", "licensors": "许可方发现", "license_paths": "许可路径",
          "demand_matching": "供需对接", "patent_navigation": "专利导航", "org_profile": "机构画像",
          "workbench": "查询工作台", "data_import": "数据导入"}


def open_page(page: str, timeout: float = 120) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
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
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df, "结果"))).active
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
    summary, rejects = preview_directory(tmp_path)
    by_file = summary.set_index("file")
    assert by_file.loc["organizations.csv", ["rows", "valid", "rejected"]].tolist() == [3, 2, 1]
    assert "title" in by_file.loc["patents.csv", "status"]  # the required column it lacks is named
    assert "unknown file name" in by_file.loc["notes.csv", "status"]
    assert rejects.to_dict("records") == [{"file": "organizations.csv", "row": 3, "field": "name",
                                           "reason": "required value is empty"}]


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
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/workbench.py").run()
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
    counts = next(df for df in frames(at) if list(df.columns) == ["label", "count"])
    assert dict(zip(counts["label"], counts["count"], strict=True)) == nodes


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
    assert any(s.value.startswith("节点详情: 正极材料") for s in at.subheader)
    fields = next(df for df in frames(at) if list(df.columns) == ["field", "value"])
    assert "nev_battery.cathode" in set(fields["value"])


@pytest.mark.neo4j
def test_workbench_saved_query_and_adhoc(demo_graph):
    at = open_page("workbench")
    names = at.selectbox(key="wb_query").options
    assert "chain_map" in names
    at.selectbox(key="wb_query").set_value("chain_map").run()
    at.text_input(key="wb_chain_map_chain").input("nev_battery").run()
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert frames(at) and len(frames(at)[0]) > 0

    at.text_area(key="wb_cypher").input("MATCH (o:Organization) RETURN o.name AS name LIMIT 3").run()
    at.button(key="wb_run").click().run()
    no_exception(at)
    assert any(list(df.columns) == ["name"] and len(df) == 3 for df in frames(at))

    at.text_area(key="wb_cypher").input("CREATE (:Organization {org_id: 'x'})").run()
    at.button(key="wb_run").click().run()
    no_exception(at)
    assert at.error  # a write is refused in the read-only transaction, shown as an error


@pytest.mark.neo4j
def test_overview_programme_measures_over_time_and_by_region(demo_graph):
    at = open_page("overview")
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    for label in ("推荐对接", "许可给中小企业", "转让给中小企业"):  # programme measures beside the counts
        assert int(metrics[label].replace(",", "")) > 0, label
    table_ = next(df for df in frames(at) if {"year", "region", "measure", "value"} <= set(df.columns))
    assert set(table_.measure) >= {"demands", "matches_proposed", "licences_to_smes", "open_offers"}
    assert table_.year.dropna().nunique() > 1 and table_.region_code.nunique() > 1  # over time and by region
    at.selectbox(key="overview_region").set_value("江苏").run()
    no_exception(at)
    jiangsu = next(df for df in frames(at) if {"year", "region", "measure", "value"} <= set(df.columns))
    assert len(jiangsu) and all(str(c).startswith("32") for c in jiangsu.region_code.dropna())  # cities of Jiangsu


@pytest.mark.neo4j
def test_chain_map_has_upstream_edges_for_every_chain(demo_graph, settings):
    from queries.registry import run_query

    at = open_page("chain_map")
    chains = list(run_query(demo_graph, "lookup_chains", database=settings.database).chain_id)
    assert len(at.selectbox(key="cm_chain").options) == len(chains) >= 5  # a select box fed by lookup_chains
    for chain in chains:
        at.selectbox(key="cm_chain").set_value(chain).run()
        no_exception(at)
        cmap = next(df for df in frames(at) if "upstream" in df.columns)
        assert (cmap.upstream.astype(str).str.len() > 0).sum() > 0, chain  # UPSTREAM_OF drawn as edges


@pytest.mark.neo4j
def test_pickers_are_select_boxes_fed_by_lookups(demo_graph, settings):
    from queries.registry import run_query

    at = open_page("licensors")
    at.text_input(key="lf_org_q").input("锂电").run()
    pick = at.selectbox(key="lf_org_pick")
    assert len(pick.options) > 1
    no_exception(at)
    assert frames(at) and len(frames(at)[0]) > 0  # candidate licensors for the chosen SME

    at = open_page("demand_matching")
    demands = list(run_query(demo_graph, "lookup_demands", database=settings.database).demand_id)
    assert len(at.selectbox(key="dm_demand").options) == len(demands) + 1 > 10  # "" = type a demand instead
    at.selectbox(key="dm_demand").set_value(demands[3]).run()
    no_exception(at)
    assert set(frames(at)[0].kind) >= {"patent", "organization"}

    at = open_page("patent_navigation")
    at.selectbox(key="pn_node_chain").set_value("nev_battery").run()
    nodes = at.selectbox(key="pn_node").options
    assert nodes and all("(nev_battery." in n for n in nodes)  # one chain's nodes ("name (node_id)")
    at.selectbox(key="pn_node").set_value("nev_battery.cathode").run()
    no_exception(at)
    assert len(frames(at)[0]) > 0
