"""benchmarks/bench_app_users.py without a browser: how it reads Streamlit's websocket messages and
how it sums visits into figures (the 20-user run itself is a benchmark, not a test)."""

from __future__ import annotations

import asyncio

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.bench_app_users import RunWatcher, Visit, summarise


def _frame(**set_fields) -> bytes:
    msg = ForwardMsg()
    for path, value in set_fields.items():
        target = msg
        *parents, last = path.split("__")
        for p in parents:
            target = getattr(target, p)
        setattr(target, last, value)
    return msg.SerializeToString()


def test_watcher_waits_for_a_run_that_was_not_cut_short_for_a_rerun():
    async def run() -> RunWatcher:
        w = RunWatcher()
        w._frame(_frame(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN))
        assert not w.finished.is_set()  # st.rerun(): the page is not rendered yet
        w._frame("a text frame is ignored")
        w._frame(_frame(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY))
        return w

    w = asyncio.run(run())
    assert w.finished.is_set() and w.problems == []


def test_watcher_reports_exceptions_and_error_boxes_the_page_sent():
    async def run() -> RunWatcher:
        w = RunWatcher()
        w._frame(_frame(delta__new_element__exception__type="KeyError", delta__new_element__exception__message="'x'"))
        err = ForwardMsg()
        err.delta.new_element.alert.body = "query 'chain_map' timed out"
        err.delta.new_element.alert.format = err.delta.new_element.alert.ERROR
        w._frame(err.SerializeToString())
        info = ForwardMsg()
        info.delta.new_element.alert.body = "pick a chain"
        info.delta.new_element.alert.format = info.delta.new_element.alert.INFO
        w._frame(info.SerializeToString())
        w._frame(_frame(page_not_found__page_name="nowhere"))
        return w

    w = asyncio.run(run())
    assert w.problems == ["exception: KeyError: 'x'", "error box: query 'chain_map' timed out"]
    assert w.not_found


def test_summary_keeps_first_loads_apart_and_counts_failed_visits():
    visits = [Visit(0, "overview", 9.0, entry=True), Visit(0, "chain_map", 1.0), Visit(0, "licensors", 3.0),
              Visit(1, "chain_map", None, ["timeout after 60s"]), Visit(1, "licensors", 2.0, ["error box: x"])]
    figures, notes = summarise(visits, cpu_s=5.0, users=2, browser_cpu_s=10.0)
    assert figures["visits"]["value"] == 5 and figures["errors"]["value"] == 2 and figures["errors"]["met"] is False
    assert figures["app_load_p50_s"]["value"] == 9.0
    assert figures["first_render_p50_s"]["value"] == 2.0  # 1.0 and 3.0: the failed visits are not timed
    assert figures["chain_map_p50_s"]["value"] == 1.0 and "licensors_p95_s" in figures
    assert figures["server_cpu_s_per_visit"]["value"] == 1.0 and figures["browser_cpu_s_per_visit"]["value"] == 2.0
    assert any("timeout after 60s" in n for n in notes)
