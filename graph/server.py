"""The local embedded Neo4j 5.26 server: build the Java launcher, start, stop, status.

The launcher (``graph/launcher``) is a tiny Maven project whose ``target/lib`` holds the Neo4j jars,
so the JVM is started with plain ``java -cp`` and the PID we record is Neo4j's own.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ServerAlreadyRunning, ServerError
from graph.settings import Settings

LAUNCHER_DIR = Path(os.environ.get("CHAINKG_LAUNCHER_DIR", Path(__file__).resolve().parent / "launcher"))
MAIN_CLASS = "chainkg.Launcher"
_JVM_OPENS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
]
_MAVEN_RETRY = ["-Dmaven.wagon.http.retryHandler.count=5", "-Dmaven.wagon.http.retryHandler.requestSentEnabled=true"]


@dataclass(frozen=True)
class ServerStatus:
    """What ``chainkg server status`` reports."""

    running: bool
    uri: str
    pid: int | None
    version: str | None
    store_bytes: int
    home: Path


def _jar_dir() -> Path:
    return LAUNCHER_DIR / "target"


def launcher_built() -> bool:
    """True when the launcher jar and the Neo4j jars are present."""
    return (_jar_dir() / "chainkg-neo4j-launcher-1.0.jar").exists() and (_jar_dir() / "lib").is_dir()


def _require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise ServerError(f"`{tool}` was not found on PATH; {hint}")
    return path


def build_launcher(attempts: int = 3, quiet: bool = True) -> None:
    """Build the launcher with Maven (downloads the Neo4j jars once), retrying bursts of HTTP 429."""
    if launcher_built():
        return
    _require("java", "install a Java 17 JDK (Debian: apt-get install openjdk-17-jdk-headless)")
    mvn = _require("mvn", "install Maven 3.8+ (Debian: apt-get install maven)")
    last = ""
    for attempt in range(1, attempts + 1):
        cmd = [mvn, "-B", *(["-q"] if quiet else []), *_MAVEN_RETRY, "package"]
        proc = subprocess.run(cmd, cwd=LAUNCHER_DIR, capture_output=True, text=True)
        if proc.returncode == 0 and launcher_built():
            return
        last = (proc.stdout + proc.stderr)[-2000:]
        if "429" in last or "Could not transfer" in last or "Connection" in last:
            time.sleep(10 * attempt)  # Maven Central throttles bursts; back off and retry
            continue
        break
    if "Could not transfer" in last or "429" in last or "UnknownHost" in last:
        raise ServerError(
            "Maven Central could not be reached to fetch org.neo4j:neo4j (tried "
            f"{attempts} times); check the network or a Maven mirror in ~/.m2/settings.xml, then run `make setup` again"
        )
    raise ServerError(f"building the Neo4j launcher failed (mvn package in {LAUNCHER_DIR}): {last.strip()[-600:]}")


def _pid_file(settings: Settings) -> Path:
    return settings.home / "neo4j.pid"


def _log_file(settings: Settings) -> Path:
    return settings.home / "neo4j-launcher.log"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (our own exited child) still answers kill(0); treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_our_process(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return _pid_alive(pid)
    return MAIN_CLASS in cmdline


def recorded_pid(settings: Settings) -> int | None:
    """PID of our running server, or None (stale PID files are ignored)."""
    try:
        pid = int(_pid_file(settings).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) and _is_our_process(pid) else None


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def log_tail(settings: Settings, lines: int = 25) -> str:
    """Last lines of the launcher log (stdout+stderr of the JVM) for error messages."""
    try:
        text = _log_file(settings).read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


def _explain_failure(settings: Settings) -> str:
    tail = log_tail(settings, 200)
    try:
        debug = (settings.neo4j_dir / "logs" / "debug.log").read_text(errors="replace")[-20000:]
    except OSError:
        debug = ""
    if "CHAINKG_NEO4J_DATABASE_FAILED" in tail:
        reason = tail.split("CHAINKG_NEO4J_DATABASE_FAILED", 1)[1].strip().splitlines()[0][:300]
        return (
            f"the database could not start ({reason}); the store under {settings.neo4j_dir}/data may be "
            "corrupt or from another version: move it aside (or delete it), run `chainkg server start` "
            "again and reload your data"
        )
    tail = tail + "\n" + debug
    if re.search(r"Address already in use|BindException", tail):
        return f"port {settings.port} is already in use; stop what uses it or set CHAINKG_NEO4J_PORT"
    if re.search(r"(corrupt|Corrupt|Store .*not .*recover|inconsistent|NotCurrentStoreVersion|UnexpectedUpgradingStoreVersion)", tail):
        return (
            f"the store under {settings.neo4j_dir} looks corrupt or from another version; "
            "move it aside (or delete it) and run `chainkg server start` again, then reload your data"
        )
    if "UnsupportedClassVersionError" in tail:
        return "the Java on PATH is too old; Neo4j 5.26 needs Java 17 or 21"
    if "OutOfMemoryError" in tail:
        return "the JVM ran out of memory; raise CHAINKG_NEO4J_HEAP (e.g. 4g)"
    return "see the log below"


def _bolt_ready(settings: Settings) -> str | None:
    """Server version if Bolt answers RETURN 1, else None."""
    import neo4j  # local import: graph.server is imported by the CLI even when no server is needed

    try:
        with neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth, connection_timeout=2) as drv:
            # Plain sessions, not execute_query: readiness polling must not sit in driver retries.
            with drv.session(database="system", default_access_mode=neo4j.READ_ACCESS) as s:
                version = s.run("CALL dbms.components() YIELD versions RETURN versions[0] AS v").single()["v"]
            with drv.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as s:
                s.run("RETURN 1").consume()
            return version
    except Exception:  # noqa: BLE001 - any failure just means "not ready yet"
        return None


def start(settings: Settings, timeout: float = 180.0) -> ServerStatus:
    """Start the embedded server and wait until Bolt answers ``RETURN 1``.

    Raises ServerAlreadyRunning when ours is already up, ServerError (with the log tail) otherwise.
    """
    if not settings.local:
        raise ServerError(f"NEO4J_URI is set ({settings.uri}); the local server is only for when it is unset")
    pid = recorded_pid(settings)
    if pid:
        raise ServerAlreadyRunning(f"the local Neo4j is already running (pid {pid}, {settings.uri})")
    java = _require("java", "install a Java 17 JDK (Debian: apt-get install openjdk-17-jdk-headless)")
    if not launcher_built():
        build_launcher()
    if port_in_use(settings.port):
        raise ServerError(
            f"port {settings.port} on 127.0.0.1 is already in use by another program; "
            "stop it or choose another port with CHAINKG_NEO4J_PORT"
        )
    settings.neo4j_dir.mkdir(parents=True, exist_ok=True)
    classpath = f"{_jar_dir() / 'chainkg-neo4j-launcher-1.0.jar'}:{_jar_dir() / 'lib'}/*"
    cmd = [
        java, f"-Xms{settings.heap}", f"-Xmx{settings.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        *_JVM_OPENS, "-cp", classpath, MAIN_CLASS, str(settings.neo4j_dir), str(settings.port),
    ]
    env = dict(os.environ, CHAINKG_NEO4J_PAGECACHE_MB=str(settings.pagecache_mb),
               CHAINKG_NEO4J_PASSWORD=settings.password, CHAINKG_NEO4J_DATABASE=settings.database)
    log = open(_log_file(settings), "w")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    log.close()
    _pid_file(settings).write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _pid_file(settings).unlink(missing_ok=True)
            raise ServerError(
                f"Neo4j exited during start (code {proc.returncode}): {_explain_failure(settings)}\n"
                f"--- {_log_file(settings)} ---\n{log_tail(settings)}"
            )
        if "CHAINKG_NEO4J_READY" in log_tail(settings, 50):
            version = _bolt_ready(settings)
            if version:
                return ServerStatus(True, settings.uri, proc.pid, version, store_size(settings), settings.home)
        time.sleep(0.3)
    _terminate(proc.pid, 30)
    _pid_file(settings).unlink(missing_ok=True)
    raise ServerError(
        f"Neo4j did not answer on {settings.uri} within {timeout:.0f}s and was stopped: "
        f"{_explain_failure(settings)}\n--- {_log_file(settings)} ---\n{log_tail(settings)}"
    )


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM ``pid`` and wait; SIGKILL after ``timeout``. True when it exited cleanly."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap if it is our child
        except ChildProcessError:
            pass
        if not _pid_alive(pid):
            return True
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    return False


def stop(settings: Settings, timeout: float = 90.0) -> bool:
    """Stop our server (only the recorded PID) and wait for a clean shutdown.

    Returns False when it was not running. Raises ServerError if it had to be killed.
    """
    pid = recorded_pid(settings)
    if not pid:
        _pid_file(settings).unlink(missing_ok=True)
        return False
    clean = _terminate(pid, timeout)
    _pid_file(settings).unlink(missing_ok=True)
    if not clean:
        raise ServerError(f"Neo4j (pid {pid}) did not stop within {timeout:.0f}s and was killed; check {_log_file(settings)}")
    return True


def store_size(settings: Settings) -> int:
    """Bytes used by the store and logs under the server's directory."""
    total = 0
    for root, _dirs, files in os.walk(settings.neo4j_dir):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def status(settings: Settings) -> ServerStatus:
    """Running or stopped, URI, server version (when it answers) and store size."""
    pid = recorded_pid(settings) if settings.local else None
    version = _bolt_ready(settings) if (pid or not settings.local) else None
    return ServerStatus(bool(version) or bool(pid), settings.uri, pid, version,
                        store_size(settings) if settings.local else 0, settings.home)
