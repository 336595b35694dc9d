"""Pickers for chains, chain nodes, organisations and demands.

Options come from small saved look-up queries (``lookup_chains``, ``lookup_chain_nodes``,
``lookup_orgs``, ``lookup_demands``) when the query library has them; otherwise the picker falls
back to a text box, so a page still works with ids typed in.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import has_query, saved
from app.ui.i18n import t


def _lookup(drv, name: str, **params) -> pd.DataFrame | None:
    if not has_query(name):
        return None
    return saved(drv, name, **params)


def _select_or_text(label: str, df: pd.DataFrame | None, id_col: str, name_col: str, *, key: str,
                    default: str = "", optional: bool = False) -> str | None:
    if df is not None and not df.empty and id_col in df.columns:
        ids = [str(v) for v in df[id_col]]
        names = dict(zip(ids, (str(v) for v in df.get(name_col, df[id_col])), strict=False))
        opts = ([""] if optional else []) + ids
        index = opts.index(default) if default in opts else 0
        val = st.selectbox(label, opts, index=index, key=key,
                           format_func=lambda v: "—" if v == "" else f"{names.get(v, v)} ({v})")
        return val or None
    val = st.text_input(label, value=default, key=key).strip()
    return val or None


def pick_chain(drv, label: str, *, key: str = "chain") -> str | None:
    """A chain id (select box over the graph's chains, or a text box)."""
    return _select_or_text(label, _lookup(drv, "lookup_chains"), "chain_id", "name", key=key, default="nev_battery")


def pick_node(drv, label: str, *, chain: str | None = None, key: str = "node", optional: bool = False) -> str | None:
    """A chain node id, optionally within ``chain``."""
    return _select_or_text(label, _lookup(drv, "lookup_chain_nodes", chain=chain), "node_id", "name",
                           key=key, optional=optional)


def pick_chain_node(drv, label: str, *, key: str = "node") -> str | None:
    """A chain node, narrowed by a chain picked first (so the node list is one chain's, in chain order)."""
    left, right = st.columns([1, 2])
    with left:
        chain = _select_or_text(t("chain"), _lookup(drv, "lookup_chains"), "chain_id", "name", key=f"{key}_chain",
                                optional=True)
    with right:
        return pick_node(drv, label, chain=chain, key=key)


def pick_org(drv, label: str, *, key: str = "org", sme_only: bool = False) -> str | None:
    """An organisation: type part of a name, then choose among the matches (or keep what was typed)."""
    text = st.text_input(label, key=f"{key}_q").strip()
    if not text:
        return None
    df = _lookup(drv, "lookup_orgs", q=text, sme_only=sme_only)
    if df is None or df.empty or "org_id" not in df.columns:
        return text  # saved queries accept a name or an id
    return _select_or_text(label + " ✓", df, "org_id", "name", key=f"{key}_pick")


def pick_region(label: str, *, key: str = "region") -> str | None:
    """A region: a searchable select box of provinces that also takes a typed code or city name
    (saved queries resolve names and codes themselves, so any typed value is passed through)."""
    from queries.resolve import PROVINCES

    opts = [""] + sorted(PROVINCES, key=PROVINCES.get)
    val = st.selectbox(label, opts, key=key, accept_new_options=True,
                       format_func=lambda v: "—" if v == "" else (f"{v} ({PROVINCES[v]})" if v in PROVINCES else v))
    return (val or "").strip() or None


def pick_demand(drv, label: str, *, key: str = "demand") -> str | None:
    """A demand id (select box over the demand library, or a text box)."""
    return _select_or_text(label, _lookup(drv, "lookup_demands"), "demand_id", "title", key=key, optional=True)
