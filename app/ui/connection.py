"""The app's driver: one per server (st.cache_resource), checked on every run, rebuilt after an outage.

A driver that was created while Neo4j was down is not kept: when the check fails the cached driver
is closed and evicted, so the next run after `chainkg server start` builds a fresh one and the app
recovers without a restart.
"""

from __future__ import annotations

import time

import streamlit as st

from app.ui.i18n import t
from graph.errors import ChainKGError, ConnectionFailed
from graph.settings import Settings, load_settings

#: Seconds a successful check is trusted before the next run checks again (keeps reruns snappy).
CHECK_TTL_S = 5.0


def app_settings() -> Settings:
    """Settings from the environment, read on every run (cheap; lets tests change them)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def _cached_driver(uri: str, user: str, password: str, database: str):
    from graph.connection import make_driver

    return make_driver(load_settings())


def _evict(settings: Settings) -> None:
    try:
        _cached_driver(settings.uri, settings.user, settings.password, settings.database).close()
    except Exception:  # closing a broken driver may itself fail; eviction is what matters
        pass
    _cached_driver.clear()


def connect(settings: Settings | None = None):
    """Return a working driver, or raise ConnectionFailed with the reason and what to do."""
    from graph.connection import check_connection

    s = settings or app_settings()
    drv = _cached_driver(s.uri, s.user, s.password, s.database)
    stamp_key = f"_chainkg_ok_{s.uri}"
    if time.monotonic() - st.session_state.get(stamp_key, -1e9) < CHECK_TTL_S:
        return drv
    try:
        check_connection(drv, s)
    except ConnectionFailed:
        st.session_state.pop(stamp_key, None)
        _evict(s)
        raise
    st.session_state[stamp_key] = time.monotonic()
    return drv


def driver_or_stop():
    """The driver for a page; on failure show the start-the-server banner and stop the page."""
    try:
        return connect()
    except ChainKGError as e:
        connection_banner(e)
        st.stop()


def connection_banner(err: Exception) -> None:
    """Say Neo4j is down and how to start it; a Retry button reruns the page."""
    st.error(f"**{t('neo4j_down')}** — {err}\n\n{t('neo4j_how')}", icon=":material/power_off:")
    if st.button(t("retry"), key="retry_connection"):
        st.rerun()
