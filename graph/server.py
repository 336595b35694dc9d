"""The local embedded Neo4j 5.26 server: build the Java launcher, start, stop, status.

The launcher (``graph/launcher``) is a tiny Maven project whose ``target/lib`` holds the Neo4j jars,
so the JVM is started with plain ``java -cp`` and the PID we record is Neo4j's own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ServerAlreadyRunning, ServerError
from graph.settings import Settings, ensure_password_file

log = logging.getLogger(__name__)
LAUNCHER_SOURCES = Path(__file__).resolve().parent / "launcher"


def _cache_home() -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def resolve_launcher_dir() -> Path:
    """Where the launcher is built: CHAINKG_LAUNCHER_DIR, the source folder in a checkout, or a user cache.

    An installed wheel ships only the launcher's sources (pom.xml + Launcher.java) inside the package;
    site-packages may be read-only and is replaced on upgrade, so the build goes to
    ``~/.cache/chainkg/launcher-<hash of the sources>`` and happens once, on the first start.
    """
    if os.environ.get("CHAINKG_LAUNCHER_DIR"):
        return Path(os.environ["CHAINKG_LAUNCHER_DIR"])
    src = LAUNCHER_SOURCES
    if (src / "target" / "lib").is_dir() or (src.parent.parent / "pyproject.toml").exists():
        return src  # a source checkout builds in place (make setup)
    digest = hashlib.sha256()
    for f in (src / "pom.xml", src / "src" / "main" / "java" / "chainkg" / "Launcher.java"):
        try:
            digest.update(f.read_bytes())
        except OSError:
            pass
    return _cache_home() / "chainkg" / f"launcher-{digest.hexdigest()[:12]}"


LAUNCHER_DIR = resolve_launcher_dir()
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
    stale_pid_file: bool = False  # a PID file whose process is gone (crash or kill -9)

    @property
    def exit_code(self) -> int:
        """LSB init-script convention: 0 running, 1 dead but PID file left, 3 not running."""
        if self.running:
            return 0
        return 1 if self.stale_pid_file else 3


def _jar_dir() -> Path:
    return LAUNCHER_DIR / "target"


JAR_NAME = "chainkg-neo4j-launcher-1.0.jar"
_STAMP = "sources.sha256"  # in target/: the hash of the sources the jar was built from


def launcher_built() -> bool:
    """True when the launcher jar and the Neo4j jars are present (possibly from older sources)."""
    return (_jar_dir() / JAR_NAME).exists() and (_jar_dir() / "lib").is_dir()


def sources_digest() -> str:
    """SHA-256 of the launcher's sources (pom.xml + Launcher.java) as shipped with this chainkg."""
    digest = hashlib.sha256()
    for f in (LAUNCHER_SOURCES / "pom.xml", LAUNCHER_SOURCES / "src" / "main" / "java" / "chainkg" / "Launcher.java"):
        digest.update(f.read_bytes())
    return digest.hexdigest()


def launcher_up_to_date() -> bool:
    """Built, and from the current sources (a changed Launcher.java is rebuilt on the next start)."""
    try:
        return launcher_built() and (_jar_dir() / _STAMP).read_text().strip() == sources_digest()
    except OSError:
        return False


def _require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise ServerError(f"`{tool}` was not found on PATH; {hint}")
    return path


def _install_build(built: Path) -> None:
    """Move a finished build into target/ without disturbing servers running from the old jars.

    The launcher jar is replaced with a rename (a running JVM keeps its open inode); Neo4j jars are only
    added, never removed or rewritten, since a running JVM opens some of them lazily by path.
    """
    target = _jar_dir()
    target.mkdir(parents=True, exist_ok=True)
    lib = target / "lib"
    if not lib.is_dir():
        os.replace(built / "lib", lib)
    else:
        for jar in (built / "lib").iterdir():
            if not (lib / jar.name).exists():
                os.replace(jar, lib / jar.name)
    os.replace(built / JAR_NAME, target / JAR_NAME)
    tmp = target / (_STAMP + ".tmp")
    tmp.write_text(sources_digest() + "\n")
    os.replace(tmp, target / _STAMP)


def build_launcher(attempts: int = 3, quiet: bool = True) -> None:
    """Build the launcher with Maven (downloads the Neo4j jars once), retrying bursts of HTTP 429.

    Builds in a scratch folder from the shipped sources and then swaps the result in, so servers that
    other people run from the same folder keep working; concurrent builds wait for each other.
    """
    if launcher_up_to_date():
        return
    _require("java", "install a Java 17 JDK (Debian: apt-get install openjdk-17-jdk-headless)")
    mvn = _require("mvn", "install Maven 3.8+ (Debian: apt-get install maven)")
    if not (LAUNCHER_SOURCES / "pom.xml").exists():
        raise ServerError(f"the launcher sources are missing from {LAUNCHER_SOURCES}; reinstall chainkg")
    import fcntl

    _jar_dir().mkdir(parents=True, exist_ok=True)
    with open(_jar_dir() / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building the same launcher
        if launcher_up_to_date():
            return
        scratch = _jar_dir() / f".build-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        try:
            shutil.copy2(LAUNCHER_SOURCES / "pom.xml", scratch / "pom.xml")
            shutil.copytree(LAUNCHER_SOURCES / "src", scratch / "src")
            _run_maven(mvn, scratch, attempts, quiet)
            _install_build(scratch / "target")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _run_maven(mvn: str, folder: Path, attempts: int, quiet: bool) -> None:
    last = ""
    log.info("building the Neo4j launcher in %s (mvn package)", folder)
    for attempt in range(1, attempts + 1):
        cmd = [mvn, "-B", *(["-q"] if quiet else []), *_MAVEN_RETRY, "package"]
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
        if proc.returncode == 0 and (folder / "target" / JAR_NAME).exists() and (folder / "target" / "lib").is_dir():
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
    raise ServerError(f"building the Neo4j launcher failed (mvn package in {folder}): {last.strip()[-600:]}")


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
    if not launcher_up_to_date():
        build_launcher()
    if port_in_use(settings.port):
        raise ServerError(
            f"port {settings.port} on 127.0.0.1 is already in use by another program; "
            "stop it or choose another port with CHAINKG_NEO4J_PORT"
        )
    settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.neo4j_dir.mkdir(parents=True, exist_ok=True)
    # Auth is on by default: NEO4J_PASSWORD when set, else a random password generated once into
    # $CHAINKG_HOME/neo4j-password (0600). The launcher gets it through its environment (readable
    # only by the same user, like the file) and sets it on the neo4j user at every start.
    password = settings.configured_password or ensure_password_file(settings.home)
    classpath = f"{_jar_dir() / JAR_NAME}:{_jar_dir() / 'lib'}/*"
    cmd = [
        java, f"-Xms{settings.heap}", f"-Xmx{settings.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        *_JVM_OPENS, "-cp", classpath, MAIN_CLASS, str(settings.neo4j_dir), str(settings.port),
    ]
    env = dict(os.environ, CHAINKG_NEO4J_PAGECACHE_MB=str(settings.pagecache_mb),
               CHAINKG_NEO4J_PASSWORD=password, CHAINKG_NEO4J_DATABASE=settings.database)
    log_fd = os.open(_log_file(settings), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(log_fd, 0o600)  # also for a log left by an older chainkg with the default mode
    logf = os.fdopen(log_fd, "w")  # handed to the child process
    log.info("starting Neo4j: home %s, port %s, heap %s, page cache %s MB, launcher %s",
             settings.home, settings.port, settings.heap, settings.pagecache_mb, LAUNCHER_DIR)
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    logf.close()
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
    stale = settings.local and not pid and _pid_file(settings).exists()
    return ServerStatus(bool(version) or bool(pid), settings.uri, pid, version,
                        store_size(settings) if settings.local else 0, settings.home, stale)


def rotate_password(settings: Settings) -> None:
    """Give the running local server a new random password and store it in CHAINKG_HOME (0600).

    Only for the generated password: when NEO4J_PASSWORD is set, change it there instead.
    """
    import secrets

    import neo4j

    from graph.settings import password_file

    if not settings.local or settings.configured_password:
        raise ServerError("NEO4J_PASSWORD is set (or NEO4J_URI points elsewhere): change the password where it is "
                          "configured; rotate-password manages only the generated local password")
    if not recorded_pid(settings):
        raise ServerError("the local Neo4j is not running; start it with `chainkg server start` first "
                          f"(or, stopped: delete {password_file(settings.home)} and start again)")
    old = settings.password
    new = secrets.token_urlsafe(24)
    path = password_file(settings.home)
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new + "\n")
    try:
        with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, old), connection_timeout=5) as drv:
            with drv.session(database="system") as s:
                s.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new", old=old, new=new).consume()
    except Exception as e:  # noqa: BLE001 - the file is left unchanged; say why in one line
        tmp.unlink(missing_ok=True)
        raise ServerError(f"the server refused the password change ({e.__class__.__name__}); "
                          "the old password still works") from e
    os.replace(tmp, path)  # atomic: readers see the old or the new password, never half a file
