"""One Playwright journey per user of the planner's, IP officer's and SME's pages, in headless Debian
Chromium at 1400×900 against `chainkg app` on the demo graph, asserting on what a person reads
(Chinese labels, values, reasons). Every step is saved under test-output/journeys/ (and each page once
more in English), so a reviewer can look at what the user saw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_app_browser import CHROMIUM, assert_no_exception, wait_rendered
from tests.test_app_browser import app_url as app_url  # noqa: F401 - the module's fixture, reused
from tests.test_app_browser import browser as browser  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "journeys"

pytestmark = [pytest.mark.browser, pytest.mark.neo4j, pytest.mark.slow]

# Two demo organisations two hops apart over licences and transfers (data/demo, fictional names).
LICENSOR = "昕珩示例药业股份有限公司"
FAR_ORG = "曜璟示例集成电路研究所"
DEMAND = "我们是一家动力电池企业，正在开发固态电池电解质，希望与高校合作，技术成熟度6级以上。"


@pytest.fixture
def page(browser):  # noqa: F811 - the fixture above, at the journeys' viewport
    assert Path(CHROMIUM).exists()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def settle(page) -> None:
    wait_rendered(page)
    assert_no_exception(page)


def choose(page, label: str, option: str, *, typed: str | None = None) -> None:
    """Open the select box labelled ``label``, type ``typed`` (to search) and click the option containing ``option``."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def body(page) -> str:
    return page.inner_text("[data-testid='stMain']")


def chart_point(page, cmap, node_name: str) -> tuple[float, float]:
    """Where the chain map draws ``node_name``: its banded position (app/ui/chainview.py) mapped onto
    the chart's grid (x 0–3 across, rows down; the grid margins chain_options sets)."""
    from app.ui.chainview import band_positions

    nodes = [{"id": r.node_id, "label": r.node, "segment": r.segment} for r in cmap.itertuples()]
    edges = [{"source": u, "target": r.node_id} for r in cmap.itertuples() for u in (r.upstream or [])]
    pos = band_positions(nodes, edges)
    rows = max(r for _, r in pos.values())
    x, row = pos[cmap[cmap.node == node_name].node_id.iloc[0]]
    chart = page.locator(".echarts-container").first
    chart.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    box = chart.bounding_box()
    return (box["x"] + 16 + x / 3 * (box["width"] - 32),
            box["y"] + 96 + (row + 0.75) / (rows + 1.65) * (box["height"] - 124))


def to_english(page, heading: str) -> None:
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=60_000)
    settle(page)


def test_planner_chain_tier_region_gap_node_profile(app_url, page, demo_graph, settings):  # noqa: F811
    from queries.registry import run_query

    # what the page should show, from the query it runs (the page's default thresholds: 0 and 0)
    expect = run_query(demo_graph, "chain_map", database=settings.database, chain="nev_battery", region="江苏",
                       tier="小巨人", max_local_smes=0, max_local_patents=0)
    gap_node = expect[expect.is_gap == True].node.iloc[-1]  # noqa: E712
    with_smes = expect[expect.smes_local > 0].iloc[0]
    page.goto(f"{app_url}/chain_map")
    settle(page)
    page.locator(".echarts-container canvas").first.wait_for(timeout=60_000)
    text = body(page)
    assert "本地在哪些产业链环节上缺企业" in text and "江苏" in text
    shot(page, "planner_1_chain_map")

    choose(page, "企业梯度", "小巨人")
    text = body(page)
    gaps = int(re.search(r"补链缺口\s*\n\s*(\d+)", text).group(1))
    assert gaps > 0
    assert "本地企业（所选梯度）" in text
    # the first gap is open: why, in words, with the strongest organisations elsewhere to attract
    alert = page.locator("[data-testid='stAlert']").first.inner_text()
    assert alert.startswith("江苏省没有小巨人企业")
    assert "外地最强机构（节点专利数）" in text
    shot(page, "planner_2_tier_gap")

    # click the gap node in the chart itself: its panel opens
    page.mouse.click(*chart_point(page, expect, gap_node))
    page.get_by_role("heading", name=f"节点详情：{gap_node}").first.wait_for(timeout=60_000)
    settle(page)
    text = body(page)
    assert f"节点详情：{gap_node}" in text and "江苏省没有小巨人企业" in text
    page.get_by_role("heading", name=f"节点详情：{gap_node}").first.scroll_into_view_if_needed()
    shot(page, "planner_3_gap_node_clicked")

    choose(page, "查看节点", with_smes.node, typed=with_smes.node)
    text = body(page)
    assert with_smes.reason in text and f"江苏省有{with_smes.smes_local}家小巨人企业" in text
    link = page.get_by_role("link", name=re.compile(r"示例.*有限公司 \(\d+\)")).first
    sme = link.inner_text().split(" (")[0]
    shot(page, "planner_4_node_smes")
    link.click()
    page.get_by_role("heading", name=re.compile("机构画像")).first.wait_for(timeout=60_000)
    settle(page)
    text = body(page)
    assert sme in text and "小巨人" in text and "统一社会信用代码" in text and "产业链环节" in text
    header = page.locator(".st-key-op_header").first.inner_text()
    assert sme in header and "None" not in header and "统一社会信用代码" in header
    shot(page, "planner_5_sme_profile")
    to_english(page, "Organisation profile")
    assert "Credit code" in body(page) and "Chain nodes" in body(page)
    shot(page, "planner_5_sme_profile_en")


def test_ip_officer_two_organisations_labelled_path_and_licensors(app_url, page):  # noqa: F811
    page.goto(f"{app_url}/license_paths")
    settle(page)
    choose(page, "起点机构", LICENSOR, typed="昕珩示例药业")
    choose(page, "终点机构", FAR_ORG, typed="曜璟")
    page.locator(".echarts-container canvas").first.wait_for(timeout=60_000)
    text = body(page)
    assert re.search(r"找到 \d+ 条路径，最短 2 跳", text)
    # each hop in words: who licensed or transferred which patent to whom, when, with its 备案号
    # (which end licensed to which depends on the generated demo data; the sentence form does not)
    assert re.search(r"于\d{4}-\d\d-\d\d将专利CN\d+[A-Z]（.+?）(独占|排他|普通|开放)?许可给", text)
    assert re.search(LICENSOR + r"于\d{4}-\d\d-\d\d将专利|(许可|转让)给" + LICENSOR, text)  # the source is in a hop
    assert "备案号" in text and "许可费" in text
    shot(page, "ip_officer_1_path")

    page.get_by_role("slider").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")  # 4 → 1 hop: there is no direct link
    settle(page)
    text = body(page)
    assert "在 1 跳以内没有找到路径" in text and "试试把“最多几跳”调到 3" in text
    assert f"{LICENSOR} 的许可 / 转让伙伴" in text
    shot(page, "ip_officer_2_no_path_hint")

    page.goto(f"{app_url}/licensors")
    settle(page)
    top = page.locator("[data-testid='stAlert']").filter(has_text="首选").first
    top.wait_for(timeout=60_000)
    assert re.search(r"首选：.+（得分 [\d.]+）— .+", top.inner_text())
    shot(page, "ip_officer_3_licensors")


def test_sme_typed_demand_constraints_filter_matches(app_url, page):  # noqa: F811
    page.goto(f"{app_url}/demand_matching")
    settle(page)
    area = page.locator("textarea").first
    area.fill(DEMAND)
    area.press("Control+Enter")
    settle(page)
    chips = page.locator("[data-testid='stMultiSelect']").first.inner_text()
    assert "固态电池" in chips and "电解质" in chips
    trl = page.locator("[data-testid='stSelectbox']").filter(has_text="技术成熟度").first.locator("input")
    assert trl.input_value() == "6"
    text = body(page)
    assert "识别出的条件（可修改）" in text and "推荐理由：" in text
    counted = re.search(r"共 (\d+) 条：成果 (\d+)、专利 (\d+)、机构 (\d+)", text)
    assert counted and int(counted.group(1)) > 0
    # partner type 高校 really filters: every match is a university's (owner, holder or itself)
    cards = page.locator("[class*='st-key-dm_card_']")
    metas = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert metas and all("高校" in m for m in metas)
    shot(page, "sme_1_typed_demand")

    page.get_by_role("button", name="企业").click()  # widen the partner type to companies too
    settle(page)
    widened = re.search(r"共 (\d+) 条", body(page))
    cards = page.locator("[class*='st-key-dm_card_']")
    metas = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert any("· 企业 ·" in m for m in metas)
    assert int(widened.group(1)) >= int(counted.group(1))
    shot(page, "sme_2_widened_partner")
    to_english(page, "Demand matching")
    assert "Conditions read from the text" in body(page)
    shot(page, "sme_2_widened_partner_en")


@pytest.mark.parametrize("path, heading", [("chain_map", "Chain map"), ("license_paths", "Licence paths"),
                                           ("patent_navigation", "Patent navigation"), ("org_profile", "Organisation profile"),
                                           ("demand_matching", "Demand matching")])
def test_pages_in_english(app_url, page, path, heading):  # noqa: F811
    page.goto(f"{app_url}/{path}")
    settle(page)
    to_english(page, heading)
    # every label, heading, metric, tab and button is in English; values (names, reasons) stay as stored
    ui = page.locator("[data-testid='stMain'] :is([data-testid='stWidgetLabel'], [data-testid='stMetricLabel'], "
                      "[data-testid='stHeading'], [role='tab'], button)")
    texts = [x.strip() for x in ui.all_inner_texts() if x.strip()]
    chinese = [x for x in texts if re.search(r"[\u4e00-\u9fff]", x) and not re.search(r"[A-Za-z]{3,}", x)]
    assert texts and not chinese, chinese[:8]
    shot(page, f"{path}_en")
