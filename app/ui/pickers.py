"""Pickers for chains, chain nodes, organisations and demands.

Options come from small saved look-up queries (``lookup_chains``, ``lookup_chain_nodes``,
``lookup_orgs``, ``lookup_demands``) when the query library has them; otherwise the picker falls
back to a text box, so a page still works with ids typed in.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import has_query, saved
from app.ui.i18n import choice, lang, t


def _lookup(drv, name: str, **params) -> pd.DataFrame | None:
    if not has_query(name):
        return None
    return saved(drv, name, **params)


def _select_or_text(label: str, df: pd.DataFrame | None, id_col: str, name_col: str, *, key: str,
                    default: str = "", optional: bool = False) -> str | None:
    if df is not None and not df.empty and id_col in df.columns:
        ids = [str(v) for v in df[id_col]]
        names = dict(zip(ids, (str(v) for v in df.get(name_col, df[id_col])), strict=False))
        if lang() == "en" and "name_en" in df.columns:  # English names where the data has them
            names.update({i: str(e) for i, e in zip(ids, df["name_en"], strict=False) if e not in (None, "") and e == e})
        opts = ([""] if optional else []) + ids
        index = opts.index(default) if default in opts else 0
        val = choice(st.selectbox, label, opts, index=index, key=key,
                     format_func=lambda v: t("any_value") if v == "" else names.get(v, v))
        return val or None
    val = st.text_input(label, value=default, key=key).strip()
    return val or None


def pick_chain(drv, label: str, *, key: str = "chain", optional: bool = False) -> str | None:
    """A chain id (select box over the graph's chains by name, or a text box)."""
    return _select_or_text(label, _lookup(drv, "lookup_chains"), "chain_id", "name", key=key,
                           default="" if optional else "nev_battery", optional=optional)


def pick_node(drv, label: str, *, chain: str | None = None, key: str = "node", optional: bool = False) -> str | None:
    """A chain node id, optionally within ``chain``."""
    return _select_or_text(label, _lookup(drv, "lookup_chain_nodes", chain=chain), "node_id", "name",
                           key=key, optional=optional)


def pick_chain_node(drv, label: str, *, key: str = "node", optional: bool = False) -> str | None:
    """A chain node, narrowed by a chain picked first (so the node list is one chain's, in chain order)."""
    left, right = st.columns([1, 2])
    with left:
        chain = _select_or_text(t("chain"), _lookup(drv, "lookup_chains"), "chain_id", "name", key=f"{key}_chain",
                                optional=True)
    with right:
        return pick_node(drv, label, chain=chain, key=key, optional=optional)


def pick_org(drv, label: str, *, key: str = "org", sme_only: bool = False) -> str | None:
    """An organisation: type part of a name, then choose among the matches (or keep what was typed)."""
    text = st.text_input(label, key=f"{key}_q").strip()
    if not text:
        return None
    df = _lookup(drv, "lookup_orgs", q=text, sme_only=sme_only)
    if df is None or df.empty or "org_id" not in df.columns:
        return text  # saved queries accept a name or an id
    return _select_or_text(label + " ✓", df, "org_id", "name", key=f"{key}_pick")


def pick_org_select(drv, label: str, *, key: str, sme_only: bool = False, limit: int = 500) -> str | None:
    """One organisation from a single select box: type part of its name to filter (names with their
    region, never ids); text matching no option is passed on as typed (queries resolve names)."""
    df = _lookup(drv, "lookup_orgs", sme_only=sme_only, limit=limit)
    if df is None or df.empty or "org_id" not in df.columns:
        val = st.text_input(label, key=key).strip()
        return val or None
    ids = [str(v) for v in df["org_id"]]
    region = df["region"] if "region" in df.columns else [""] * len(df)
    captions = {i: f"{n}（{r}）" if r and lang() == "zh" else f"{n} ({r})" if r else str(n)
                for i, n, r in zip(ids, df["name"], region, strict=True)}
    val = choice(st.selectbox, label, ids, index=None, key=key, accept_new_options=True, placeholder=t("org_type_hint"),
                 format_func=lambda v: captions.get(v, v))
    return (str(val).strip() or None) if val is not None else None


def region_options(groups: bool = False) -> tuple[list[str], dict[str, str]]:
    """Options for a region picker ("" first, then the programme's region groups when ``groups``,
    then provinces in code order) and their captions in the session's language."""
    from queries.resolve import PROVINCES, REGION_GROUP_EN, REGION_GROUPS

    full = {code: max((n for n, c in PROVINCES.items() if c == code), key=len) for code in set(PROVINCES.values())}
    opts, captions = [""], {"": t("any_value")}
    if groups:
        for g in REGION_GROUPS:
            opts.append(g)
            captions[g] = f"{g} · {REGION_GROUP_EN[g]}" if lang() == "en" else f"{g}（{t('region_groups')}）"
    for code, name in sorted(full.items()):
        opts.append(name)
        captions[name] = f"{name} ({code})"
    return opts, captions


def pick_region(label: str, *, key: str = "region", groups: bool = False) -> str | None:
    """A region: a searchable select box of provinces (and, with ``groups``, the programme's region
    groups 京津冀 / 长三角 / 粤港澳大湾区 / 成渝, for queries that take them) that also takes a typed
    code or city name (saved queries resolve names and codes themselves)."""
    opts, captions = region_options(groups)
    val = choice(st.selectbox, label, opts, key=key, accept_new_options=True,
                 format_func=lambda v: captions.get(v, v))
    return (val or "").strip() or None


def pick_demand(drv, label: str, *, key: str = "demand") -> str | None:
    """A demand id (select box over the demand library, or a text box)."""
    return _select_or_text(label, _lookup(drv, "lookup_demands"), "demand_id", "title", key=key, optional=True)
