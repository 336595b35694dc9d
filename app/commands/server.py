"""`chainkg server start|stop|status`: the local embedded Neo4j."""

from __future__ import annotations

import json
import time

import click

from app.context import settings
from graph import server as srv
from graph.errors import ServerAlreadyRunning


@click.group("server", epilog="\b\nExamples:\n  chainkg server start\n  chainkg server status --json\n  chainkg server stop")
def server_group() -> None:
    """Run the local embedded Neo4j 5.26 (data under $CHAINKG_HOME/neo4j, default ./.chainkg)."""


@server_group.command("start")
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for Bolt to answer.")
def start_cmd(timeout: float) -> None:
    """Start Neo4j and wait until Bolt answers RETURN 1."""
    t0 = time.monotonic()
    try:
        st = srv.start(settings(), timeout=timeout)
    except ServerAlreadyRunning as e:
        click.echo(f"{e}; nothing to do")
        return
    click.echo(f"Neo4j {st.version} ready on {st.uri} (pid {st.pid}) in {time.monotonic() - t0:.1f}s")


@server_group.command("stop")
def stop_cmd() -> None:
    """Stop our Neo4j (only the recorded PID) and wait for a clean shutdown."""
    if srv.stop(settings()):
        click.echo("Neo4j stopped")
    else:
        click.echo("Neo4j was not running")


@server_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status_cmd(as_json: bool) -> None:
    """Say whether Neo4j runs, with URI, version and store size."""
    st = srv.status(settings())
    data = {"running": st.running, "uri": st.uri, "pid": st.pid, "version": st.version,
            "store_mb": round(st.store_bytes / 2**20, 1), "home": str(st.home)}
    if as_json:
        click.echo(json.dumps(data))
    else:
        state = "running" if st.running else "stopped"
        click.echo(f"{state}  uri={st.uri}  pid={st.pid or '-'}  version={st.version or '-'}  "
                   f"store={data['store_mb']} MB  home={st.home}")


@server_group.command("build")
def build_cmd() -> None:
    """Build the Java launcher and fetch the Neo4j jars (what `make setup` does)."""
    srv.build_launcher(quiet=False)
    click.echo(f"launcher ready in {srv.LAUNCHER_DIR / 'target'}")


COMMANDS = [server_group]
