"""`chainkg app`: start the Streamlit app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

APP_SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def streamlit_argv(port: int, address: str, headless: bool) -> list[str]:
    """The `streamlit run` command line for the app (no telemetry, no file watcher in headless mode)."""
    argv = [sys.executable, "-m", "app.ui.serve", "run", str(APP_SCRIPT),
            "--server.port", str(port), "--server.address", address,
            "--server.headless", "true" if headless else "false",
            "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false"]
    if headless:
        argv += ["--server.fileWatcherType", "none"]
    return argv


def run_app(port: int, address: str, headless: bool) -> int:
    """Run Streamlit in the foreground until it exits; return its exit code."""
    env = dict(os.environ)
    # The repo root first on sys.path so `import app.ui` works when not installed as a package.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(APP_SCRIPT.parent.parent), env.get("PYTHONPATH")]))
    click.echo(f"ChainKG app on http://{address}:{port}  (Ctrl-C to stop)", err=True)
    argv = streamlit_argv(port, address, headless)
    if os.name == "posix":
        # Become Streamlit (no child process): a signal to `chainkg app` stops the server itself.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(argv[0], argv, env)
    try:
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 0


@click.command("app", epilog="\b\nExamples:\n  chainkg app\n  chainkg app --port 8502 --headless\n"
               "  chainkg app --address 0.0.0.0   # serve on the network (e.g. in Docker)")
@click.option("--port", default=8501, show_default=True, help="TCP port to serve on.")
@click.option("--address", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--headless", is_flag=True, help="Do not open a browser window.")
def app_cmd(port: int, address: str, headless: bool) -> None:
    """Start the Streamlit app (pages: overview, chain map, licensors, paths, demand matching, …)."""
    sys.exit(run_app(port, address, headless))


COMMANDS = [app_cmd]
