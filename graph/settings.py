"""Settings from the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, CHAINKG_HOME."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ConfigError

DEFAULT_PORT = 7687


@dataclass(frozen=True)
class Settings:
    """Connection and local-server settings. Build with :func:`load_settings`; no I/O here."""

    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)  # never printed in logs or tracebacks
    database: str = "neo4j"
    home: Path = field(default_factory=lambda: Path(".chainkg").resolve())
    port: int = DEFAULT_PORT
    local: bool = True  # True when NEO4J_URI is unset: we run the embedded server ourselves
    heap: str = "2g"
    pagecache_mb: int = 1024

    @property
    def auth(self) -> tuple[str, str] | None:
        """Basic auth tuple when a password is set, else None (local server runs without auth)."""
        return (self.user, self.password) if self.password else None

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default ``os.environ``).

    ``CHAINKG_NEO4J_PORT`` chooses the local Bolt port (default 7687); ``CHAINKG_NEO4J_HEAP``
    (e.g. ``2g``) and ``CHAINKG_NEO4J_PAGECACHE_MB`` size the local JVM.
    """
    env = dict(os.environ if env is None else env)
    try:
        port = int(env.get("CHAINKG_NEO4J_PORT", DEFAULT_PORT))
        pagecache = int(env.get("CHAINKG_NEO4J_PAGECACHE_MB", 1024))
    except ValueError as e:
        raise ConfigError(f"CHAINKG_NEO4J_PORT and CHAINKG_NEO4J_PAGECACHE_MB must be integers ({e})") from e
    if not 1 <= port <= 65535:
        raise ConfigError(f"CHAINKG_NEO4J_PORT={port} is not a TCP port; pick one in 1024-65535")
    uri = env.get("NEO4J_URI", "").strip()
    home = Path(env.get("CHAINKG_HOME") or ".chainkg").expanduser().resolve()
    return Settings(
        uri=uri or f"bolt://127.0.0.1:{port}",
        user=env.get("NEO4J_USER", "neo4j") or "neo4j",
        password=env.get("NEO4J_PASSWORD", ""),
        database=env.get("NEO4J_DATABASE", "neo4j") or "neo4j",
        home=home,
        port=port,
        local=not uri,
        heap=env.get("CHAINKG_NEO4J_HEAP", "2g"),
        pagecache_mb=pagecache,
    )
