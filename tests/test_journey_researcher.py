"""The researcher's journey in headless Chromium (Debian's /usr/bin/chromium through Playwright, no
network), at 1400×900 in Chinese and in English: a saved query through its form, an ad hoc query drawn
as a graph (and a node clicked), a query of their own saved and run again, a CSV downloaded.
Assertions are on what a person reads; every step is saved to test-output/journeys/researcher_*.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy, wait_rendered

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "journeys"

pytestmark = [pytest.mark.browser, pytest.mark.neo4j, pytest.mark.slow]

TEXT = {
    "zh": {"title": "查询工作台", "labels": "节点标签", "query": "选择查询", "node": "产业链节点", "run_saved": "运行查询",
           "licensor": "候选许可方", "reason": "推荐理由", "adhoc": "自定义 Cypher", "run": "运行", "graph_caption": "个节点",
           "props": "节点属性", "save": "保存为我的查询", "save_name": "查询名", "save_title": "标题", "save_btn": "保存",
           "saved_ok": "已保存到", "mine": "我的查询", "csv": "下载 CSV", "refused": "只运行只读查询", "chain": "产业链", "saved_tab": "已保存查询"},
    "en": {"title": "Query workbench", "labels": "Node labels", "query": "Choose a query", "node": "Chain node",
           "run_saved": "Run query", "licensor": "Candidate licensor", "reason": "Why", "adhoc": "Ad hoc Cypher",
           "run": "Run", "graph_caption": "nodes", "props": "Node properties", "save": "Save as my query",
           "save_name": "Query name", "save_title": "Title", "save_btn": "Save", "saved_ok": "Saved to", "mine": "my query",
           "csv": "Download CSV", "refused": "read-only queries", "chain": "Chain", "saved_tab": "Saved queries"},
}


@pytest.fixture(scope="module")
def query_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("researcher_queries")


@pytest.fixture(scope="module")
def app_url(demo_graph, query_dir, tmp_path_factory):
    """`chainkg app --headless` on a free port; researchers' queries saved into a temporary folder."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "streamlit.log"
    exe = shutil.which("chainkg", path=str(Path(sys.executable).parent)) or "chainkg"
    env = dict(os.environ, CHAINKG_QUERY_DIR=str(query_dir))
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "app", "--port", str(port), "--address", "127.0.0.1", "--headless"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (`make browser`) for the browser tests"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (typing filters the options)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_rendered(page)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"researcher_{name}.png"), full_page=False)


def no_exception(page) -> None:
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_researcher_journey(app_url, browser, query_dir, lang, tmp_path):
    tx = TEXT[lang]
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((app_url, "data:", "blob:")) else None)
    try:
        page.goto(f"{app_url}/workbench")
        wait_rendered(page)
        if lang == "en":
            page.get_by_text("English", exact=True).click()
            wait_rendered(page)
        page.get_by_role("heading", name=tx["title"]).first.wait_for(timeout=60_000)
        # the schema sidebar names what Cypher can use
        assert page.locator("[data-testid='stSidebar']").get_by_text(tx["labels"]).count() == 1
        assert page.locator("[data-testid='stSidebar']").get_by_text("Organization ·").count() >= 1
        assert page.get_by_text("Deploy", exact=True).count() == 0  # developer chrome hidden
        shot(page, f"{lang}_1_open")

        # 1. a saved query through its form: licensors for the cathode node, picked by name
        choose(page, tx["chain"], "新能源汽车动力电池产业链")
        choose(page, tx["node"], "正极材料")
        page.get_by_role("button", name=tx["run_saved"]).click()
        wait_rendered(page)
        grid = page.locator("[data-testid='stDataFrame']").first
        # the grid draws on a canvas; its accessible table (filled a moment later) holds the text
        expect(grid).to_contain_text(tx["reason"], timeout=60_000)
        text = grid.text_content()
        assert tx["licensor"] in text and tx["reason"] in text and "专利" in text and "件" in text
        assert "licensor_id" not in text and "region_code" not in text
        no_exception(page)
        shot(page, f"{lang}_2_saved_query")

        # 2. the result as a CSV, labelled like the table, readable by Excel (UTF-8 with BOM)
        with page.expect_download() as dl:
            page.get_by_role("button", name=tx["csv"]).first.click()
        path = tmp_path / "licensors.csv"
        dl.value.save_as(path)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        header = raw.decode("utf-8-sig").splitlines()[0]
        assert tx["licensor"] in header and tx["reason"] in header and "licensor_id" not in header

        # 3. ad hoc Cypher drawn as a graph; one organisation alone sits in the middle: click it
        page.get_by_role("tab", name=tx["adhoc"]).click()
        editor = page.locator("textarea").first
        editor.fill("MATCH (o:Organization {name: '启衡示例师范大学'}) RETURN o LIMIT 1")
        page.get_by_role("button", name=tx["run"], exact=True).click()
        wait_rendered(page)
        page.get_by_text(tx["graph_caption"]).filter(visible=True).first.wait_for(timeout=60_000)
        chart = page.locator(".echarts-container").filter(visible=True).first
        chart.wait_for()
        chart.locator("canvas").first.wait_for()
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        wait_rendered(page)
        page.get_by_text(tx["props"]).filter(visible=True).first.wait_for(timeout=30_000)
        assert page.get_by_text("启衡示例师范大学").count() >= 1
        shot(page, f"{lang}_3_clicked_node")

        editor.fill("MATCH p = (a:Organization)-[:LICENSED_TO]->(b:Organization {is_sme: true}) RETURN p LIMIT 30")
        page.get_by_role("button", name=tx["run"], exact=True).click()
        wait_rendered(page)
        page.get_by_text(tx["graph_caption"]).filter(visible=True).first.wait_for(timeout=60_000)
        page.locator(".echarts-container").filter(visible=True).first.scroll_into_view_if_needed()
        shot(page, f"{lang}_4_adhoc_graph")

        # 4. a write is refused in the reader's language, without a Neo4j status code
        editor.fill("CREATE (:Organization {org_id: 'x'})")
        page.get_by_role("button", name=tx["run"], exact=True).click()
        wait_rendered(page)
        alert = page.locator("[data-testid='stAlert']").filter(has_text=tx["refused"]).first
        alert.wait_for(timeout=30_000)
        assert "Neo." not in alert.inner_text()
        shot(page, f"{lang}_5_refused")

        # 5. a query of their own: saved with labels, listed, run again through the form
        editor.fill("MATCH (o:Organization)-[l:LICENSED_TO]->(s:Organization {is_sme: true})\n"
                    "RETURN o.name AS licensor, count(l) AS licences ORDER BY licences DESC LIMIT 10")
        page.get_by_role("button", name=tx["run"], exact=True).click()
        wait_rendered(page)
        page.get_by_text(tx["save"]).filter(visible=True).first.click()
        name = f"top_licensors_{lang}"
        page.get_by_label(tx["save_name"]).fill(name)
        page.get_by_label(tx["save_title"], exact=True).fill("向中小企业许可最多的机构")
        page.get_by_role("button", name=tx["save_btn"], exact=True).click()
        wait_rendered(page)
        page.get_by_text(tx["saved_ok"]).filter(visible=True).first.wait_for(timeout=30_000)
        assert (query_dir / f"{name}.cypher").is_file()
        shot(page, f"{lang}_6_saved_own")

        page.get_by_role("tab", name=tx["saved_tab"]).click()
        choose(page, tx["query"], f"向中小企业许可最多的机构 · {tx['mine']}")
        page.get_by_role("button", name=tx["run_saved"]).click()
        wait_rendered(page)
        grid = page.locator("[data-testid='stDataFrame']").filter(visible=True).first
        expect(grid).to_contain_text("licences", timeout=60_000)  # the researcher's own column names
        no_exception(page)
        shot(page, f"{lang}_7_own_query_run")
        assert not outside, f"the app fetched from outside: {outside[:5]}"
    finally:
        ctx.close()
