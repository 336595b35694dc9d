"""Settings from the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, CHAINKG_HOME.

Where the local server keeps its store (``CHAINKG_HOME``): the variable when set, else a per-user data
folder that does not depend on the current directory (Linux ``$XDG_DATA_HOME/chainkg``, i.e.
``~/.local/share/chainkg``; macOS ``~/Library/Application Support/chainkg``; Windows
``%LOCALAPPDATA%\\chainkg``).

The local server's password: ``NEO4J_PASSWORD`` when set; otherwise the random password that
``chainkg server start`` generated into ``$CHAINKG_HOME/neo4j-password`` (mode 0600) on its first start.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ConfigError

DEFAULT_PORT = 7687
PASSWORD_FILE = "neo4j-password"


def default_home(env: dict[str, str] | None = None) -> Path:
    """The per-user store folder used when CHAINKG_HOME is unset (independent of the current folder)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "chainkg"


def password_file(home: Path) -> Path:
    """Where the local server's generated password lives."""
    return home / PASSWORD_FILE


def read_password_file(home: Path) -> str:
    """The generated local password, or "" when none was generated yet."""
    try:
        return password_file(home).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""
    except OSError as e:
        raise ConfigError(f"cannot read {password_file(home)} ({e.strerror}); check its owner and mode (0600)") from e


def ensure_password_file(home: Path) -> str:
    """Return the local password, generating a random one (mode 0600) on first use."""
    existing = read_password_file(home)
    if existing:
        return existing
    home.mkdir(parents=True, exist_ok=True)
    path = password_file(home)
    pw = secrets.token_urlsafe(24)
    try:
        # O_EXCL + mode at creation: the file is never readable by others, not even for a moment,
        # and two starts racing cannot both write a different password.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_password_file(home)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(pw + "\n")
    return pw


@dataclass(frozen=True)
class Settings:
    """Connection and local-server settings. Build with :func:`load_settings`."""

    uri: str
    user: str = "neo4j"
    configured_password: str = field(default="", repr=False)  # NEO4J_PASSWORD; never printed
    database: str = "neo4j"
    home: Path = field(default_factory=default_home)
    port: int = DEFAULT_PORT
    local: bool = True  # True when NEO4J_URI is unset: we run the embedded server ourselves
    heap: str = "2g"
    pagecache_mb: int = 1024

    @property
    def password(self) -> str:
        """NEO4J_PASSWORD, else (local server) the generated one in CHAINKG_HOME, else ""."""
        if self.configured_password or not self.local:
            return self.configured_password
        # Read on use, not at load time: `server start` generates the file after settings exist.
        return read_password_file(self.home)

    @property
    def auth(self) -> tuple[str, str] | None:
        """Basic auth tuple when a password is known, else None (a server started without auth)."""
        pw = self.password
        return (self.user, pw) if pw else None

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse_env_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines as docker compose reads them (comments, blank lines, optional quotes)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _ENV_LINE.match(line)
        if not m:
            continue
        key, value = m.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.sub(r"\s+#.*$", "", value)  # unquoted: an inline comment ends the value
        out[key] = value
    return out


def apply_env_file(path: Path = Path(".env"), environ: dict[str, str] | None = None) -> list[str]:
    """Put the variables of ``path`` (default ``./.env``) into the environment unless already set.

    Same precedence as docker compose: the shell's environment wins over .env. Returns the names set.
    """
    environ = os.environ if environ is None else environ
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return []
    except OSError as e:
        raise ConfigError(f"cannot read {path} ({e.strerror})") from e
    added = []
    for key, value in parse_env_file(text).items():
        if key not in environ:
            environ[key] = value
            added.append(key)
    return added


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
    home_env = env.get("CHAINKG_HOME")
    home = Path(home_env).expanduser().resolve() if home_env else default_home(env)
    return Settings(
        uri=uri or f"bolt://127.0.0.1:{port}",
        user=env.get("NEO4J_USER", "neo4j") or "neo4j",
        configured_password=env.get("NEO4J_PASSWORD", ""),
        database=env.get("NEO4J_DATABASE", "neo4j") or "neo4j",
        home=home,
        port=port,
        local=not uri,
        heap=env.get("CHAINKG_NEO4J_HEAP", "2g"),
        pagecache_mb=pagecache,
    )
