"""`chainkg server start|stop|status`: the local embedded Neo4j."""

from __future__ import annotations

import json
import sys
import time

import click

from app.context import settings
from graph import server as srv
from graph.errors import ServerAlreadyRunning

EPILOG = """\b
Examples:
  chainkg server start
  chainkg server status --json
  chainkg server status || chainkg server start   # scripts: status exits 3 when stopped
  chainkg server rotate-password
  chainkg server stop
\b
Exit codes: start/stop 0 done (also when already running / not running), 2 failure;
status (LSB) 0 running, 1 dead but PID file left, 3 stopped, 4 unknown (error).
"""


@click.group("server", epilog=EPILOG)
def server_group() -> None:
    """Run the local embedded Neo4j 5.26 (data under $CHAINKG_HOME/neo4j, default ~/.local/share/chainkg).

    Authentication is on: the first start generates a random password into
    $CHAINKG_HOME/neo4j-password (mode 0600) that every chainkg command reads; NEO4J_PASSWORD overrides it.
    """


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
    """Say whether Neo4j runs, with URI, version and store size (exit 0 running, 3 stopped)."""
    try:
        st = srv.status(settings())
    except Exception as e:  # noqa: BLE001 - LSB: 4 = status unknown
        click.secho(f"error: status unknown: {e}", fg="red", err=True)
        sys.exit(4)
    data = {"running": st.running, "uri": st.uri, "pid": st.pid, "version": st.version,
            "store_mb": round(st.store_bytes / 2**20, 1), "home": str(st.home)}
    if as_json:
        click.echo(json.dumps(data))
    else:
        state = "running" if st.running else ("dead (stale PID file)" if st.stale_pid_file else "stopped")
        click.echo(f"{state}  uri={st.uri}  pid={st.pid or '-'}  version={st.version or '-'}  "
                   f"store={data['store_mb']} MB  home={st.home}")
        if not st.running and srv.port_in_use(settings().port) and settings().local:
            click.echo(f"note: port {settings().port} is in use by another process (a server started with "
                       "another CHAINKG_HOME?)")
    sys.exit(st.exit_code)


@server_group.command("build")
def build_cmd() -> None:
    """Build the Java launcher and fetch the Neo4j jars (what `make setup` does)."""
    srv.build_launcher(quiet=False)
    click.echo(f"launcher ready in {srv.LAUNCHER_DIR / 'target'}")


@server_group.command("rotate-password")
def rotate_password_cmd() -> None:
    """Give the running local server a new random password (stored in $CHAINKG_HOME/neo4j-password)."""
    from graph.settings import password_file

    srv.rotate_password(settings())
    click.echo(f"password changed; the new one is in {password_file(settings().home)} (mode 0600). "
               "Restart running apps and notebooks so they read it.")


COMMANDS = [server_group]
