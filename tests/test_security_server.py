"""The local server: loopback only, auth on with NEO4J_PASSWORD, and the password never in output or logs.

Runs a throw-away server (own home, free port) through the real CLI with NEO4J_PASSWORD set.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
from pathlib import Path

import neo4j
import psutil
import pytest

from graph import server as srv
from graph.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CHAINKG = ROOT / ".venv" / "bin" / "chainkg"
PASSWORD = "Zq8-unique-test-pw-7c1f"  # made up for this throw-away server; searched for in every output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """(ip, port) of every TCP socket the process listens on."""
    return [(c.laddr.ip, c.laddr.port) for c in psutil.Process(pid).net_connections("inet")
            if c.status == psutil.CONN_LISTEN]


def is_loopback(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_loopback


def test_loopback_check_itself():
    assert is_loopback("127.0.0.1") and is_loopback("::ffff:127.0.0.1") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("10.1.2.3")


@pytest.mark.neo4j
@pytest.mark.slow
def test_password_server_binds_loopback_requires_auth_and_never_prints_the_password(tmp_path):
    port = _free_port()
    env = {**os.environ, "CHAINKG_HOME": str(tmp_path / "home"), "CHAINKG_NEO4J_PORT": str(port),
           "NEO4J_PASSWORD": PASSWORD, "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE_MB": "64"}
    env.pop("NEO4J_URI", None)
    st = load_settings(env)
    outputs: list[str] = []

    def cli(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(CHAINKG), *args], capture_output=True, text=True, cwd=ROOT,
                              env={**env, **(extra or {})}, timeout=180)
        outputs.append(f"$ chainkg {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
        return proc

    try:
        assert cli("server", "start", "--timeout", "150").returncode == 0, outputs[-1]
        pid = srv.recorded_pid(st)
        assert pid, "no recorded server pid"

        # Loopback only: every listening socket of the JVM, including anything besides Bolt.
        addrs = listening_addresses(pid)
        assert (port in {p for _, p in addrs}) and all(is_loopback(ip) for ip, _ in addrs), addrs
        # Cross-check with the kernel's table: nothing on our port bound to a wildcard address.
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                ip_hex, port_hex = local.split(":")
                if state == "0A" and int(port_hex, 16) == port:  # 0A = LISTEN
                    assert set(ip_hex) != {"0"}, f"{table}: port {port} listens on a wildcard address"

        # Auth is on: right password works, wrong or none is refused.
        with neo4j.GraphDatabase.driver(st.uri, auth=("neo4j", PASSWORD)) as d:
            assert d.execute_query("RETURN 1 AS x").records[0]["x"] == 1
        for auth in (("neo4j", "wrong-password-1"), None):
            with neo4j.GraphDatabase.driver(st.uri, auth=auth) as d:
                with pytest.raises((neo4j.exceptions.AuthError, neo4j.exceptions.ClientError)):
                    d.verify_connectivity()

        assert cli("init").returncode == 0, outputs[-1]
        assert cli("stats", "--format", "json").returncode == 0, outputs[-1]
        assert cli("dump", str(tmp_path / "d.jsonl")).returncode == 0, outputs[-1]
        assert cli("restore", str(tmp_path / "d.jsonl")).returncode == 0, outputs[-1]
        assert cli("server", "status").returncode == 0, outputs[-1]
        wrong = cli("stats", extra={"NEO4J_PASSWORD": "Wrong-pw-9d2e"})
        assert wrong.returncode == 2 and "refused the credentials" in wrong.stderr
        assert "Wrong-pw-9d2e" not in wrong.stderr + wrong.stdout
        assert "Traceback" not in wrong.stderr
    finally:
        cli("server", "stop")
        srv.stop(st)  # in case the CLI stop failed; a no-op otherwise

    # The password appears in no output and no log file the server or CLI wrote.
    logs = [p for p in (tmp_path / "home").rglob("*") if p.is_file() and (p.suffix == ".log" or "logs" in p.parts)]
    assert any(p.name == "neo4j-launcher.log" for p in logs), logs
    leaked = [p for p in logs if PASSWORD.encode() in p.read_bytes()]
    assert not leaked, f"password written to {leaked}"
    joined = "\n".join(outputs)
    assert PASSWORD not in joined, joined
