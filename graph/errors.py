"""The ChainKG error family. Every expected failure is a ChainKGError whose message says what to do next."""

from __future__ import annotations


class ChainKGError(Exception):
    """Base class: an expected failure with an actionable, one-line message."""

    exit_code = 2


class ConfigError(ChainKGError):
    """A setting or argument is wrong."""


class ServerError(ChainKGError):
    """The local Neo4j server could not be built, started, stopped or inspected."""


class ServerAlreadyRunning(ServerError):
    """`chainkg server start` found our server already running."""

    exit_code = 0


class ConnectionFailed(ChainKGError):
    """Neo4j is unreachable or refused our credentials."""


class SchemaError(ChainKGError):
    """A label, relationship type or property name is not in the allow-list."""


class WriteError(ChainKGError):
    """A write batch failed; the failing chunk was rolled back."""


class InputError(ChainKGError):
    """An input file is unreadable or lacks required columns (fatal for that file)."""


class QueryError(ChainKGError):
    """A saved or ad hoc query is unknown, mis-parameterised, refused or failed."""


class ExtractionError(ChainKGError):
    """Text extraction could not run (bad input file, missing pipeline component)."""
