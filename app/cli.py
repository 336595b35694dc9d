"""The `chainkg` command: a thin layer over graph/, loaders/, extraction/ and queries/.

Subcommands live in ``app/commands/<name>.py``; each module exposes ``COMMANDS`` (a list of click
commands) and is discovered here, so features add commands without editing this file.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from graph.errors import ChainKGError

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
        try:
            return super().invoke(ctx)
        except ChainKGError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            sys.exit(e.exit_code)
        except Exception as e:
            # Safety net for driver errors that escape graph/ (app must not import neo4j itself).
            if type(e).__module__.split(".")[0] != "neo4j":
                raise
            click.secho(
                f"error: Neo4j failed: {e.__class__.__name__}: {str(e)[:300]}; check the server with "
                "`chainkg server status` and run the command again",
                fg="red", err=True,
            )
            sys.exit(2)


@click.group(cls=ChainKGGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="chainkg")
def main() -> None:
    """ChainKG: a knowledge graph of industrial chains, patents and enterprises on Neo4j."""
    # The driver logs retries as warnings; the CLI reports failures itself as one line.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _register() -> None:
    import app.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"app.commands.{info.name}")
        for cmd in getattr(module, "COMMANDS", []):
            main.add_command(cmd)


_register()

if __name__ == "__main__":
    main()
