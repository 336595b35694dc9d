"""`chainkg app`: start the Streamlit app, with or without a terminal and a display.

Streamlit always runs headless (no first-run e-mail prompt, which exits 255 without a terminal);
we open the browser ourselves, and only where one can open: a desktop session (macOS, Windows, or
Linux with $DISPLAY / $WAYLAND_DISPLAY) and not `--headless`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

APP_SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def has_display(env: dict[str, str] | None = None, platform: str = sys.platform) -> bool:
    """True when a browser window can open here (a desktop session, not ssh/CI/Docker/nohup)."""
    env = dict(os.environ if env is None else env)
    if env.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    if platform in ("darwin", "win32"):
        return not env.get("SSH_CONNECTION")
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def streamlit_argv(port: int, address: str, headless: bool = True) -> list[str]:
    """The `streamlit run` command line: always headless (no prompt, no browser of Streamlit's own),
    no telemetry; no file watcher (the app is not edited while it serves)."""
    return [sys.executable, "-m", "app.ui.serve", "run", str(APP_SCRIPT),
            "--server.port", str(port), "--server.address", address,
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false",
            "--server.fileWatcherType", "none"]


def _open_browser_when_ready(url: str, host: str, port: int) -> None:
    """A detached helper that waits for the port, then opens ``url`` (we exec into Streamlit next)."""
    code = (
        "import socket, time, webbrowser\n"
        f"end = time.time() + 120\n"
        "while time.time() < end:\n"
        f"    s = socket.socket(); s.settimeout(0.5)\n"
        f"    ok = s.connect_ex(({host!r}, {port})) == 0; s.close()\n"
        "    if ok:\n"
        f"        webbrowser.open({url!r}); break\n"
        "    time.sleep(0.5)\n"
    )
    subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def run_app(port: int, address: str, headless: bool) -> int:
    """Run Streamlit in the foreground until it exits; return its exit code."""
    env = dict(os.environ)
    # The repo root first on sys.path so `import app.ui` works when not installed as a package.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(APP_SCRIPT.parent.parent), env.get("PYTHONPATH")]))
    host = "127.0.0.1" if address in ("0.0.0.0", "::", "") else address
    url = f"http://{host}:{port}"
    open_browser = not headless and has_display()
    click.echo(f"ChainKG app on {url}  ({'opening your browser; ' if open_browser else ''}Ctrl-C to stop)", err=True)
    if open_browser:
        _open_browser_when_ready(url, host, port)
    argv = streamlit_argv(port, address)
    if os.name == "posix":
        # Become Streamlit (no child process): a signal to `chainkg app` stops the server itself.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(argv[0], argv, env)
    try:
        return subprocess.call(argv, env=env, stdin=subprocess.DEVNULL)
    except KeyboardInterrupt:
        return 0


@click.command("app", epilog="\b\nExamples:\n  chainkg app\n  chainkg app --port 8502 --headless\n"
               "  chainkg app --address 0.0.0.0   # serve on the network (e.g. in Docker)\n"
               "  nohup chainkg app > app.log 2>&1 &   # no terminal, no display: works, no prompt\n"
               "\b\nExit code: Streamlit's (0 after Ctrl-C).")
@click.option("--port", default=8501, show_default=True, help="TCP port to serve on.")
@click.option("--address", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--headless", is_flag=True, help="Never open a browser window (default: open one when a display exists).")
def app_cmd(port: int, address: str, headless: bool) -> None:
    """Start the Streamlit app (pages: overview, chain map, licensors, paths, demand matching, …)."""
    sys.exit(run_app(port, address, headless))


COMMANDS = [app_cmd]
