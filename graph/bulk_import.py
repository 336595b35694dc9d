"""Run Neo4j's offline importer (``neo4j-admin database import full``) into the local store.

The importer ships in the same Maven jars as the embedded server (``graph/launcher/target/lib``),
so no Neo4j distribution is needed: we run ``org.neo4j.cli.AdminTool`` with ``NEO4J_HOME`` /
``NEO4J_CONF`` pointing at a small conf directory we create under ``$CHAINKG_HOME/admin`` whose
``server.directories.data`` is the embedded server's data directory. The server must be stopped
(the importer builds the store files directly); afterwards ``chainkg server start`` opens the new
store and ``chainkg init`` adds constraints and indexes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.bulk_manifest import read_manifest
from graph.errors import ConfigError, InputError, ServerError
from graph.server import LAUNCHER_DIR, launcher_built, recorded_pid
from graph.settings import Settings

ADMIN_MAIN = "org.neo4j.cli.AdminTool"


@dataclass(frozen=True)
class ImportResult:
    """What the importer reported: counts, seconds, and where its report and log are."""

    nodes: int
    relationships: int
    properties: int
    seconds: float
    report_file: Path
    log_file: Path


def admin_home(settings: Settings) -> Path:
    """The NEO4J_HOME we give the admin tool: ``$CHAINKG_HOME/admin`` with ``conf/neo4j.conf``."""
    return settings.home / "admin"


def write_admin_conf(settings: Settings) -> Path:
    """Create the admin conf dir pointing ``server.directories.data`` at the local store; return NEO4J_HOME."""
    home = admin_home(settings)
    (home / "conf").mkdir(parents=True, exist_ok=True)
    data_dir = settings.neo4j_dir / "data"
    (home / "conf" / "neo4j.conf").write_text(
        "# Written by chainkg import-bulk: the admin tool works on the embedded server's store.\n"
        f"server.directories.data={data_dir}\n"
        f"server.directories.logs={home / 'logs'}\n",
        encoding="utf-8",
    )
    return home


def admin_command(settings: Settings, args: list[str], heap: str | None = None) -> tuple[list[str], dict[str, str]]:
    """The ``java … AdminTool ARGS`` command line and environment for the local store."""
    java = shutil.which("java")
    if not java:
        raise ServerError("`java` was not found on PATH; install a Java 17 JDK (apt-get install openjdk-17-jdk-headless)")
    if not launcher_built():
        raise ServerError("the Neo4j jars are missing; run `make setup` (or `chainkg server build`) first")
    home = write_admin_conf(settings)
    cmd = [java, f"-Xmx{heap or settings.heap}", "-cp", f"{LAUNCHER_DIR / 'target' / 'lib'}/*", ADMIN_MAIN, *args]
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    return cmd, env


def _parse_counts(text: str) -> dict[str, int]:
    counts = {}
    for what in ("nodes", "relationships", "properties"):
        m = re.search(rf"^\s*([\d,]+)\s+{what}\s*$", text, re.M)
        counts[what] = int(m.group(1).replace(",", "")) if m else -1
    return counts


def import_bulk(settings: Settings, bulk_dir: Path | str, *, overwrite: bool = False, threads: int | None = None,
                timeout: float | None = None) -> ImportResult:
    """Import an export made by ``chainkg export-bulk`` into the local store's database.

    The local server must be stopped. With ``overwrite`` an existing database is replaced (its data
    is lost); without it the importer refuses a non-empty database. Raises ServerError with the
    importer's own message when it fails.
    """
    if not settings.local:
        raise ConfigError(
            f"NEO4J_URI is set ({settings.uri}); import-bulk builds the local store offline. For a remote "
            "server run neo4j-admin there with the same files (see docs/scaling.md)"
        )
    pid = recorded_pid(settings)
    if pid:
        raise ServerError(f"the local Neo4j is running (pid {pid}); stop it with `chainkg server stop` first")
    bulk_dir = Path(bulk_dir).resolve()
    read_manifest(bulk_dir)  # fails with a clear message when the directory holds no export
    args_file = bulk_dir / "import.args"
    if not args_file.exists():
        raise InputError(f"{args_file} is missing; re-run `chainkg export-bulk`")
    log_file = settings.home / "import-bulk.log"
    report_file = settings.home / "import-bulk.report"
    args = ["database", "import", "full", f"@{args_file}", f"--report-file={report_file}",
            f"--overwrite-destination={'true' if overwrite else 'false'}"]
    if threads:
        args.append(f"--threads={threads}")
    args.append(settings.database)
    cmd, env = admin_command(settings, args)
    settings.home.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with open(log_file, "w", encoding="utf-8") as log:
        # Run from the export directory: import.args holds paths relative to it.
        proc = subprocess.run(cmd, cwd=bulk_dir, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout)
    seconds = time.monotonic() - t0
    text = log_file.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0 or "IMPORT DONE" not in text:
        tail = "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("..."))[-1500:]
        hint = ""
        if "already contains" in text or "already exists" in text or "not empty" in text.lower():
            hint = " The database already has data: pass --overwrite to replace it (its data is lost)."
        raise ServerError(f"neo4j-admin import failed (exit {proc.returncode}); full log in {log_file}.{hint}\n{tail}")
    counts = _parse_counts(text)
    return ImportResult(counts["nodes"], counts["relationships"], counts["properties"], seconds, report_file, log_file)
