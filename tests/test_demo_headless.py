"""`make demo` and `chainkg app` without a terminal and without a display: no prompt, no browser, a
readable summary, and the app serving (what a script, CI, nohup or a container does)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from app.commands.app import has_display, streamlit_argv

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browser_opens_only_where_there_is_a_display():
    assert not has_display({}, platform="linux")
    assert has_display({"DISPLAY": ":0"}, platform="linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert not has_display({"DISPLAY": ":0", "CI": "true"}, platform="linux")
    assert has_display({}, platform="darwin") and not has_display({"SSH_CONNECTION": "x"}, platform="darwin")


def test_streamlit_never_prompts_or_phones_home():
    argv = streamlit_argv(8501, "127.0.0.1")
    opts = dict(zip(argv[5::2], argv[6::2], strict=False))
    assert opts["--server.headless"] == "true"  # no first-run e-mail prompt
    assert opts["--browser.gatherUsageStats"] == "false"


@pytest.mark.neo4j
@pytest.mark.slow
def test_make_demo_without_terminal_or_display_serves_the_app(driver, settings, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TERM")}
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        # No stdin, no controlling terminal (new session), output to a file: like nohup or CI.
        proc = subprocess.Popen(["make", "-s", "demo", f"DEMO_ARGS=--port {port}"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline, healthy = time.monotonic() + 900, False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    healthy = r.status == 200
            except OSError:
                pass
            if healthy:
                break
            time.sleep(1)
        text = log.read_text(errors="replace")
        assert healthy, f"app not serving (make exited {proc.poll()}):\n{text[-3000:]}"
        time.sleep(2)  # let a prompt, if any, reach the log
        text = log.read_text(errors="replace")
        assert proc.poll() is None, text[-3000:]
        assert "email" not in text.lower()  # Streamlit's first-run prompt asks for one
        assert "demo data loaded in" in text and "LoadReport(" not in text and "FileReport(" not in text
        assert "opening your browser" not in text
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
