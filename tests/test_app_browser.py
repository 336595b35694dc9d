"""End to end: `chainkg app` on a free localhost port, driven by headless Debian Chromium via Playwright.

Never downloads a browser (executable_path=/usr/bin/chromium; `make browser` installs it) and needs
no network: the chart component's JavaScript (ECharts inside streamlit-echarts) ships inside its
wheel. Screenshots of every page go to test-output/app/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-output" / "app"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# url path -> text the rendered page must show (its Chinese title).
PAGES = {
    "overview": "概览", "chain_map": "产业链图谱", "licensors": "许可方发现", "license_paths": "许可路径",
    "demand_matching": "供需对接", "patent_navigation": "专利导航", "org_profile": "机构画像",
    "workbench": "查询工作台", "data_import": "数据导入",
}

pytestmark = [pytest.mark.browser, pytest.mark.neo4j, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`chainkg app` exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app did not answer at {url} within {timeout:.0f}s")


@pytest.fixture(scope="module")
def app_url(demo_graph, tmp_path_factory):
    """`chainkg app --headless` on a free port, talking to the test Neo4j (same environment)."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "streamlit.log"
    exe = shutil.which("chainkg", path=str(Path(sys.executable).parent)) or "chainkg"
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "app", "--port", str(port), "--address", "127.0.0.1", "--headless"],
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ), cwd=ROOT)
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


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_rendered(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the script run (no 'running' indicator)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    # While a script runs, the header's status widget offers "Stop"; wait until it is gone, twice
    # in a row (a rerun can start right after the first run ends).
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(
            "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
            " return !w || !/Stop|Running/.test(w.innerText); }",
            timeout=timeout_ms,
        )


def page_url(app_url: str, path: str) -> str:
    """The default page (overview) lives at the root; the others at their url paths."""
    return f"{app_url}/" if path == "overview" else f"{app_url}/{path}"


def assert_no_exception(page) -> None:
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_opens(app_url, page, path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(page_url(app_url, path))
    page.get_by_role("heading", name=PAGES[path]).first.wait_for(timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    assert "图谱为空" not in page.inner_text("body")
    if path == "overview":
        page.locator("[data-testid='stMetric']").nth(7).wait_for(timeout=60_000)  # all eight counts rendered
    page.screenshot(path=str(SHOTS / f"{path}.png"), full_page=True)


def _metric(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).first.locator(
        "[data-testid='stMetricValue']").inner_text()


def test_chain_map_graph_renders_offline_and_tier_filter_updates(app_url, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{app_url}/chain_map")
    wait_rendered(page)
    # ECharts (bundled in streamlit-echarts' own JS, served by the app) draws into a canvas.
    page.locator(".echarts-container canvas").first.wait_for(timeout=60_000)
    assert page.get_by_text("红色 = 补链缺口", exact=False).count() >= 1
    outside = [u for u in requests if not u.startswith(app_url) and not u.startswith(("data:", "blob:", "about:"))]
    assert not outside, f"the app fetched from outside localhost: {outside[:5]}"

    before = _metric(page, "本地企业（所选梯度）")
    page.locator("[data-testid='stSelectbox']").filter(has_text="企业梯度").first.click()
    page.get_by_role("option", name="小巨人").click()
    page.wait_for_function(
        """before => [...document.querySelectorAll("[data-testid='stMetric']")].some(m =>
             m.innerText.includes('本地企业') && !m.innerText.includes(before))""",
        arg=before, timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    after = _metric(page, "本地企业（所选梯度）")
    assert int(after) < int(before)  # fewer SMEs once only 小巨人 count
    page.screenshot(path=str(SHOTS / "chain_map_tier.png"), full_page=True)


def test_language_toggle_to_english(app_url, page):
    page.goto(page_url(app_url, "overview"))
    wait_rendered(page)
    page.get_by_text("English").click()
    page.get_by_role("heading", name="Overview").first.wait_for(timeout=30_000)
    assert_no_exception(page)
    page.screenshot(path=str(SHOTS / "overview_en.png"), full_page=True)
