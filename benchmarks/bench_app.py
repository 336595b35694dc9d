"""Streamlit app: time to first full render of each page on the loaded graph (target < 2 s).

    python benchmarks/bench_app.py --scale demo|N|loaded --json OUT [--runs 3] [--browser]

``--scale`` works as in bench_queries.py: ``loaded`` measures the graph as it is; ``demo`` / ``N``
load that data set first unless the graph already holds that many patents.

Each page runs through streamlit.testing's AppTest (the same script run a browser triggers) with
caches cleared first ("cold": every query hits Neo4j) and again with warm caches. Pages that need
input get realistic values taken from the graph (the busiest chain, an SME placed on it, a demand).
With ``--browser`` it also starts `chainkg app` and measures, in headless Chromium, the wall time
from navigation until the script run has finished and the page shows its content.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_queries import LOADED, ensure_loaded, scale_arg  # noqa: E402
from benchmarks.common import ROOT, Timer, bench_parser, figure, finish_figure, graph_samples, write_result  # noqa: E402

APP = str(ROOT / "app" / "streamlit_app.py")
TARGET_S = 2.0


def sample_inputs(driver, db: str) -> dict[str, str]:
    """A chain, an SME that took licences, two organisations two licence hops apart, a busy node and a
    demand, read from the graph (``benchmarks.common.graph_samples``, as the query benchmark uses)."""
    g = graph_samples(driver, db)
    from_org, to_org = g.pairs[0] if g.pairs else ("", "")
    return {"chain": g.chain, "sme": g.smes[0] if g.smes else "", "from_org": from_org, "to_org": to_org,
            "node": g.node or "", "node_chain": g.node_chain or "", "demand": g.demands[0] if g.demands else ""}


def page_runs(inputs: dict[str, str]) -> dict[str, list[tuple[str, str, str]]]:
    """Per page: the (widget kind, key, value) steps that make it render its main result."""
    return {
        "overview": [],
        "chain_map": [("selectbox", "cm_chain", inputs["chain"])],
        "licensors": [("selectbox", "lf_node", inputs["node"])],
        # opens on an example pair two hops apart (lookup_license_pair): its default render is the main result
        "license_paths": [],
        "demand_matching": [("selectbox", "dm_demand", inputs["demand"])],
        "patent_navigation": [("selectbox", "pn_node_chain", inputs["node_chain"]), ("selectbox", "pn_node", inputs["node"])],
        "org_profile": [],  # opens on an organisation with licences (lookup_license_pair)
        "workbench": [],
        "data_import": [],
        # pages other areas added (app/views/); measured once their file exists, at their default selection
        **{p: [] for p in ("achievements", "patent_history", "placement_review") if (ROOT / "app" / "views" / f"{p}.py").is_file()},
    }


def render_once(page: str, steps: list[tuple[str, str, str]], cold: bool) -> float:
    """Seconds for the page's script runs (switch + inputs); raises if the page shows an exception."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    if cold:
        st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    if page == "overview":  # the default page: its time is the session's first run
        with Timer() as t:
            at.run()
    else:
        at.run()  # entry script + default page: session set-up, not part of this page's time
        with Timer() as t:
            at.switch_page(f"views/{page}.py").run()
            for kind, key, value in steps:
                widget = getattr(at, kind)(key=key)
                (widget.set_value(value) if kind == "selectbox" else widget.input(value)).run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return t.seconds


def browser_first_render(pages: list[str]) -> dict[str, float]:
    """Seconds from navigation to a finished script run, per page, in headless Chromium."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(Path(sys.executable).parent / "chainkg"), "app", "--port", str(port), "--headless"],
                            cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    out: dict[str, float] = {}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                   args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                         "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            pg = b.new_page()
            for page in pages:
                t0 = time.perf_counter()
                pg.goto(url + ("/" if page == "overview" else f"/{page}"))
                pg.wait_for_selector("h1", timeout=60_000)
                pg.wait_for_function("() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
                                     " return !w || !/Stop|Running/.test(w.innerText); }", timeout=60_000)
                out[page] = time.perf_counter() - t0
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def main() -> None:
    p = bench_parser(__doc__.splitlines()[0])
    for action in p._actions:  # also accept "loaded" (measure what the server holds)
        if action.dest == "scale":
            action.type, action.default = scale_arg, LOADED
    p.add_argument("--runs", type=int, default=3, help="cold and warm runs per page (median reported)")
    p.add_argument("--browser", action="store_true", help="also time first render in headless Chromium")
    args = p.parse_args()

    from graph.connection import make_driver
    from graph.settings import load_settings

    settings = load_settings()
    driver = make_driver(settings)
    loaded = ensure_loaded(driver, settings.database, args.scale)
    inputs = sample_inputs(driver, settings.database)
    render_once("overview", [], cold=True)  # warm the interpreter: imports are not a page's cost
    figures, notes = {}, [*loaded, f"inputs: {inputs}"]
    for page, steps in page_runs(inputs).items():
        cold = statistics.median(render_once(page, steps, cold=True) for _ in range(args.runs))
        warm = statistics.median(render_once(page, steps, cold=False) for _ in range(args.runs))
        figures[f"{page}_cold_s"] = finish_figure(figure(cold, "s", target=TARGET_S, better="lower"))
        figures[f"{page}_warm_s"] = finish_figure(figure(warm, "s", better="lower", baseline=cold,
                                                         note="results cached per parameter set; baseline: cold"))
    if args.browser:
        for page, secs in browser_first_render(list(page_runs(inputs))).items():
            figures[f"{page}_browser_s"] = finish_figure(figure(secs, "s", target=TARGET_S, better="lower",
                                                                note="headless Chromium, navigation to finished run"))
    driver.close()
    write_result(args.json, "app", args.scale, figures, notes)


if __name__ == "__main__":
    main()
