"""Query results for pages: cached per parameter set, with expected failures shown, never raised.

Every page goes through :func:`saved` (a saved query) or :func:`stats` (counts), so caching, the
"module not there yet" notice and the outage banner live in one place.
"""

from __future__ import annotations

import importlib
from typing import Any

import pandas as pd
import streamlit as st

from app.ui.connection import _evict, app_settings, connection_banner
from app.ui.i18n import t
from graph.errors import ChainKGError, ConnectionFailed

#: Seconds a cached result is reused; the data import page clears the cache after a load.
RESULT_TTL_S = 600

# Driver errors that mean "the server went away" (matched by name: app/ never imports neo4j).
_OUTAGE_ERRORS = {"ServiceUnavailable", "SessionExpired", "IncompleteCommit"}


def optional_module(name: str):
    """Import ``name`` or return None (modules other engineers are still landing)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def query_names() -> list[str]:
    """Names of the saved queries in the registry ([] while the registry is not installed)."""
    reg = optional_module("queries.registry")
    if reg is None:
        return []
    try:
        found = reg.list_queries()
    except ChainKGError as e:  # a broken .cypher file: say which, keep the page alive
        st.error(str(e))
        return []
    return [q if isinstance(q, str) else q.name for q in found]


def has_query(name: str) -> bool:
    """Whether the saved query ``name`` exists."""
    return name in query_names()


@st.cache_data(ttl=RESULT_TTL_S, show_spinner=False, max_entries=512)
def _run_saved(_driver, uri: str, database: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    from queries.registry import run_query

    return run_query(_driver, name, database=database, **dict(params))


def saved(driver, name: str, *, quiet: bool = False, **params: Any) -> pd.DataFrame | None:
    """Run saved query ``name`` with ``params`` (cached per parameter set); None after showing why not.

    Parameters that are None or "" are left out so the query's own defaults apply. With ``quiet`` a
    refused parameter (e.g. a term that names no chain node) returns None without an error box.
    """
    if quiet:
        from graph.errors import QueryError

        s = app_settings()
        clean = tuple(sorted((k, v) for k, v in params.items() if v is not None and v != ""))
        try:
            return _run_saved(driver, s.uri, s.database, name, clean) if has_query(name) else None
        except QueryError:
            return None
    if optional_module("queries.registry") is None:
        st.info(t("module_missing") + "queries.registry")
        return None
    if not has_query(name):
        st.info(t("query_missing") + f"`{name}`")
        return None
    s = app_settings()
    clean = tuple(sorted((k, v) for k, v in params.items() if v is not None and v != ""))
    return guarded(lambda: _run_saved(driver, s.uri, s.database, name, clean))


def guarded(fn):
    """Call ``fn``; show expected failures (ChainKGError, a server outage) and return None instead."""
    try:
        return fn()
    except ConnectionFailed as e:
        _evict(app_settings())
        connection_banner(e)
    except ChainKGError as e:
        st.error(str(e))
    except Exception as e:  # noqa: BLE001 - only outages are expected here; anything else re-raises
        if type(e).__name__ not in _OUTAGE_ERRORS:
            raise
        _evict(app_settings())
        connection_banner(e)
    return None


@st.cache_data(ttl=60, show_spinner=False)
def _stats(_driver, uri: str, database: str) -> dict[str, dict[str, int]]:
    from graph.writer import graph_stats

    return graph_stats(_driver, database)


def stats(driver) -> dict[str, dict[str, int]] | None:
    """Node and relationship counts (cached for a minute)."""
    s = app_settings()
    return guarded(lambda: _stats(driver, s.uri, s.database))


def clear_caches() -> None:
    """Forget every cached result (after a load changes the graph)."""
    st.cache_data.clear()


def options(df: pd.DataFrame | None, *columns: str) -> list[str]:
    """Distinct non-empty values of the first of ``columns`` present in ``df`` (for pickers)."""
    if df is None or df.empty:
        return []
    for col in columns:
        if col in df.columns:
            return sorted({str(v) for v in df[col].dropna() if str(v)})
    return []


def col(df: pd.DataFrame | None, *candidates: str) -> str | None:
    """The first of ``candidates`` that is a column of ``df`` (result columns vary while queries evolve)."""
    if df is None:
        return None
    return next((c for c in candidates if c in df.columns), None)
