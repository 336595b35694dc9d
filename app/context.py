"""Edge objects for the CLI: settings and the one long-lived driver, created on first use."""

from __future__ import annotations

import atexit
import functools
import sys

import click

from graph.errors import ChainKGError
from graph.settings import Settings, load_settings


@functools.cache
def settings() -> Settings:
    """Settings read once from the environment."""
    return load_settings()


@functools.cache
def driver():
    """The CLI process's single driver (checked once, closed at exit)."""
    from graph.connection import check_connection, make_driver

    drv = make_driver(settings())
    atexit.register(drv.close)
    check_connection(drv, settings())
    return drv


def fail(err: ChainKGError) -> None:
    """Print an expected failure as one actionable line and exit with its code."""
    click.secho(f"error: {err}", fg="red", err=True)
    sys.exit(err.exit_code)
