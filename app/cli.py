"""The `chainkg` command: a thin layer over graph/, loaders/, extraction/ and queries/.

Subcommands live in ``app/commands/<name>.py``; each module exposes ``COMMANDS`` (a list of click
commands) and is discovered here, so features add commands without editing this file.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
import time
from pathlib import Path

import click

from graph.errors import ChainKGError

log = logging.getLogger("chainkg.cli")

EPILOG = """\b
Examples:
  chainkg server start          # start the local Neo4j (Bolt on 127.0.0.1:7687)
  chainkg init                  # create constraints and indexes (idempotent)
  chainkg load data/demo        # load every known file in a folder
  chainkg query --list          # list saved queries
  chainkg stats --format json   # counts by label and relationship type
"""


class ChainKGGroup(click.Group):
    """A group that turns ChainKGError into one red line and its exit code (no traceback)."""

    def invoke(self, ctx: click.Context):
        t0 = time.monotonic()
        try:
            result = super().invoke(ctx)
            log.info("chainkg %s finished in %.1fs", ctx.invoked_subcommand or "", time.monotonic() - t0)
            return result
        except SystemExit as e:
            log.info("chainkg %s exited with %s after %.1fs", ctx.invoked_subcommand or "", e.code,
                     time.monotonic() - t0)
            raise
        except ChainKGError as e:
            log.debug("chainkg %s failed", ctx.invoked_subcommand or "", exc_info=True)
            click.secho(f"error: {e}", fg="red", err=True)
            sys.exit(e.exit_code)
        except Exception as e:
            # Safety net for driver errors that escape graph/ (app must not import neo4j itself).
            if type(e).__module__.split(".")[0] != "neo4j":
                raise
            log.debug("chainkg %s failed in the driver", ctx.invoked_subcommand or "", exc_info=True)
            click.secho(
                f"error: Neo4j failed: {e.__class__.__name__}: {str(e)[:300]}; check the server with "
                "`chainkg server status` and run the command again",
                fg="red", err=True,
            )
            sys.exit(2)


def configure_logging(verbose: int, log_file: str | None) -> None:
    """-v: INFO of chainkg's modules on stderr; -vv: DEBUG incl. the driver; --log-file: DEBUG to a file.

    Passwords never reach a log: Settings keeps them out of its repr and no module logs credentials.
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if verbose:
        err = logging.StreamHandler(sys.stderr)
        err.setLevel(logging.INFO if verbose == 1 else logging.DEBUG)
        err.setFormatter(fmt)
        root.addHandler(err)
    if log_file:
        try:
            Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            fh = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as e:
            raise click.BadParameter(f"cannot write {log_file} ({e.strerror})", param_hint="--log-file") from e
        fh.setLevel(logging.DEBUG)
        fh.setFormatter(fmt)
        root.addHandler(fh)
    if verbose < 2:
        # The driver logs retries as warnings; the CLI reports failures itself as one line.
        logging.getLogger("neo4j").setLevel(logging.ERROR if not log_file else logging.INFO)
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    if not verbose and not log_file:
        root.setLevel(logging.WARNING)


@click.group(cls=ChainKGGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="chainkg")
@click.option("-v", "--verbose", count=True, help="More output on stderr: -v progress (INFO), -vv debugging.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also write a DEBUG log to this file (appended).")
def main(verbose: int = 0, log_file: str | None = None) -> None:
    """ChainKG: a knowledge graph of industrial chains, patents and enterprises on Neo4j.

    Settings come from the environment and from ./.env (the same file docker compose reads; variables
    already set in the environment win). See docs/server.md for every variable and exit code.
    """
    _load_dotenv()
    configure_logging(verbose, log_file)
    ctx = click.get_current_context()
    log.info("chainkg %s (pid %d, cwd %s)", ctx.invoked_subcommand or "", os.getpid(), os.getcwd())


def _load_dotenv() -> None:
    """Read ./.env into os.environ before any settings are read (subcommands and the app inherit it)."""
    from graph.settings import apply_env_file

    try:
        apply_env_file()
    except ChainKGError as e:
        click.secho(f"warning: {e}", fg="yellow", err=True)


def _register() -> None:
    import app.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"app.commands.{info.name}")
        for cmd in getattr(module, "COMMANDS", []):
            main.add_command(cmd)


_register()

if __name__ == "__main__":
    main()
