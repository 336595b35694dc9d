"""The programme pages (issue 14) through Streamlit's AppTest on the real graph: 成果库 (search,
filters, a chosen achievement's matches with reasons), 专利档案 (a patent's time line by number or
title) and the Overview's outcomes against targets — asserting on what a person reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.programme_graph import write_programme_graph

pytestmark = pytest.mark.neo4j

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")


@pytest.fixture
def pg(driver, settings, ns):
    """The hand-built programme graph (prefixed) beside whatever the database holds; cached results
    forgotten so the pages see it."""
    keys = write_programme_graph(driver, ns, database=settings.database)
    st.cache_data.clear()
    return keys


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def text(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("title", "subheader", "markdown", "caption", "info", "error")
                     for e in getattr(at, kind))


def test_achievements_page_search_filters_and_matches(pg):
    p = pg.prefix
    at = open_page("achievements")
    assert "成果库" in at.title[0].value and not at.error
    at.text_input(key="ach_q").input(p + "kw").run()
    listed = frames(at)[0]
    assert "成果名称" in listed.columns and "检索理由" in listed.columns  # declared Chinese headings
    assert not any("_" in c for c in listed.columns)  # no raw snake_case heading
    assert f"{p}kw包覆技术" in set(listed["成果名称"])
    at.selectbox(key="ach_pick").set_value(pg.AC1).run()
    assert not at.exception
    body = text(at)
    assert "第三方评价" in body and p + "南京理工大学" in body
    smes, demands = frames(at)[1], frames(at)[2]
    assert list(smes["企业或需求"][:2]) == [p + "苏州甲科技", p + "南京乙材料"]
    assert smes["推荐理由"].iloc[0] == f"同属{p}正极材料环节，在这些环节有专利 3 件，与成果持有方同省，小巨人企业。"
    assert f"寻求{p}kw技术" in set(demands["企业或需求"])
    # a filter that excludes AC1 (TRL 6) leaves the keyword with no result of ours
    at.slider(key="ach_trl").set_value((7, 9)).run()
    assert not at.exception
    assert all(f"{p}kw包覆技术" != x for df in frames(at)[:1] for x in df.get("成果名称", []))


def test_patent_history_page_by_number_and_title(pg):
    p = pg.prefix
    at = open_page("patent_history")
    assert "专利档案" in at.title[0].value and not at.error
    assert at.selectbox(key="hist_pick").options  # the busiest patents are offered before anything is typed
    at.text_input(key="hist_q").input(pg.P1).run()
    assert not at.exception
    hist = next(df for df in frames(at) if "事件" in df.columns)
    assert list(hist["事件"]) == ["申请", "公开", "授权", "质押登记", "质押解除"]
    assert any("融资 200.0 万元" in d for d in hist["说明"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["质押次数"] == "1" and metrics["质押融资合计（万元）"] == "200"
    at.text_input(key="hist_q").input(p + "P5").run()
    at.selectbox(key="hist_pick").set_value(pg.P5).run()
    hist = next(df for df in frames(at) if "事件" in df.columns)
    assert "备案号 X2021-001，许可费 10.5 万元" in " ".join(hist["说明"])


def test_overview_outcomes_against_targets(pg):
    p = pg.prefix
    at = open_page("overview")
    assert "概览" in at.title[0].value and not at.error
    at.selectbox(key="overview_chain").set_value(pg.ch).run()
    at.selectbox(key="overview_year").set_value(2024).run()
    assert not at.exception
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["深度行"] == ("1 场", "目标 10：差 9")  # EV1 only in 2024; target ten a year
    assert metrics["成交金额"][0] == "80 万元" and metrics["梯度晋级企业"][0] == "1 家"
    assert metrics["开放许可实施"][0] == "1 项" and metrics["质押融资金额"][0] == "120.5 万元"
    table = next(df for df in frames(at) if "指标" in df.columns)
    assert set(table["产业链"].dropna()) == {p + "测试链"} and "2024" in " ".join(map(str, table["年份"]))
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Deal value"] == "¥800k" and at.title[0].value.startswith("Overview")
