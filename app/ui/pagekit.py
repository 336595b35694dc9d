"""Helpers the planner's, IP officer's and SME's pages share: result tables labelled from the query's
``// column:`` contract (hidden columns dropped, headers in the session's language), display names
for codes the graph stores (segments, tiers, organisation kinds, regions), per-language widget keys, links to
an organisation's profile, and the searchable organisation picker."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.downloads import table
from app.ui.i18n import lang, t


def query_columns(name: str) -> dict[str, object]:
    """Declared columns (``queries.registry.Column``) of saved query ``name``, by column name."""
    from graph.errors import QueryError
    from queries.registry import get_query

    try:
        return {c.name: c for c in get_query(name).columns}
    except QueryError:
        return {}


def show_table(df: pd.DataFrame | None, query: str, name: str, *, key: str, order: list[str] | None = None,
               drop: tuple[str, ...] = (), excel: bool = False, height: int | None = None) -> None:
    """A result table of saved query ``query`` with its declared labels (hidden columns behind the
    table's toggle), ``order`` first and ``drop`` left out; CSV/Excel downloads of what is shown."""
    if df is None:
        return
    keep = [c for c in df.columns if c not in drop]
    if order:
        keep = [c for c in order if c in keep] + [c for c in keep if c not in order]
    out = df[keep]
    out.attrs = dict(df.attrs)
    table(out, name, key=key, excel=excel, height=height,
          columns={c: (x.zh, x.en, x.hidden) for c, x in query_columns(query).items() if c in keep})


def lang_key(base: str) -> str:
    """A widget key per language for widgets whose option captions are translated.

    A select box keeps showing the caption it first drew for its value when only the captions change
    (the language toggle), so each language gets its own widget; the value chosen so far is carried
    over. Chinese, the default, keeps the plain key (tests and bookmarks use it)."""
    key = base if lang() == "zh" else f"{base}__{lang()}"
    other = f"{base}__en" if key == base else base
    if key not in st.session_state and other in st.session_state:
        st.session_state[key] = st.session_state[other]
    return key


def kind_shown(kind: object) -> str:
    """An organisation kind the queries return in Chinese (企业, 高校 …), in the session's language."""
    from app.ui.i18n import LABELS

    if lang() != "en" or not kind:
        return str(kind or "")
    return next((en for k, (zh, en) in LABELS.items() if k.startswith("kind_") and zh == kind), str(kind))


# ------------------------------------------------------------------ display names of stored codes

_SEGMENT_KEYS = {"upstream": "seg_upstream", "midstream": "seg_midstream", "downstream": "seg_downstream"}
_TIER_KEYS = {"专精特新": "tier_zjtx", "小巨人": "tier_giant", "单项冠军": "tier_champion"}
_KIND_KEYS = {"university": "kind_university", "institute": "kind_institute", "company": "kind_company",
              "government": "kind_government", "service": "kind_service"}


def segment_name(segment: Any) -> str:
    """上游 / 中游 / 下游 (Upstream …) for a stored segment code."""
    return t(_SEGMENT_KEYS.get(str(segment), "seg_other"))


def tier_name(tier: Any) -> str:
    """A tier in the session's language ('' for none)."""
    return t(_TIER_KEYS[tier]) if tier in _TIER_KEYS else ""


def kind_name(kind: Any) -> str:
    """An organisation kind (university, company, …) in the session's language."""
    return t(_KIND_KEYS.get(str(kind), "kind_other")) if kind else ""


def region_name(code: Any) -> str:
    """The name of a 6-digit region code (the code itself when unknown, '' when empty)."""
    if code is None or (isinstance(code, float) and pd.isna(code)) or str(code) == "":
        return ""
    try:
        from loaders.normalise import region_table

        r = region_table().get(str(code).ljust(6, "0"))
    except Exception:  # noqa: BLE001 - the region table is another module's; a name is a nicety here
        r = None
    if r is None:
        return str(code)
    if r.parent and r.level == "district":
        parent = region_table().get(r.parent)
        return (parent.name if parent else "") + r.name
    return r.name


# ------------------------------------------------------------------ links and pickers

PROFILE_PAGE = "views/org_profile.py"


def profile_link(org_id: str, label: str, *, key: str | None = None) -> None:
    """A link that opens the organisation profile page with ``org_id`` preselected."""
    st.page_link(PROFILE_PAGE, label=label, query_params={"org": org_id}, icon=None)


def _org_options(drv, q: str | None, limit: int) -> pd.DataFrame:
    df = saved(drv, "lookup_orgs", quiet=True, q=q, limit=limit)
    return df if df is not None else pd.DataFrame(columns=["org_id", "name"])


def _text(value) -> str | None:
    """A table cell as text, or None when it is empty (None, NaN, blank): rows from pandas carry NaN
    where the graph has no value, and NaN is truthy."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _org_caption(row: dict) -> str:
    row = {k: _text(v) for k, v in row.items()}
    bits = [str(row.get("name") or row.get("org_id"))]
    region = row.get("region") or (region_name(row["region_code"]) if row.get("region_code") else None)
    extra = " · ".join(x for x in (region, tier_name(row.get("tier")) or kind_name(row.get("kind"))) if x)
    return bits[0] + (f"（{extra}）" if extra and lang() == "zh" else f" ({extra})" if extra else "")


def org_picker(drv, label: str, *, key: str, default: str | None = None, exclude: str | None = None,
               limit: int = 500) -> str | None:
    """One organisation, chosen by typing part of its name into a select box (type to search, one
    choice). The first ``limit`` organisations are searched in the browser (a bounded list: at 1M
    patents the graph holds thousands, and every option travels to the browser on each render); text
    that matches none of them is searched in the graph and, when several match, the user picks one."""
    base = _org_options(drv, None, limit)
    names = {str(r["org_id"]): _org_caption(r) for r in base.to_dict("records")}
    if default and default not in names:
        extra = _org_options(drv, default, 5)
        names.update({str(r["org_id"]): _org_caption(r) for r in extra.to_dict("records")})
    typed_key = f"{key}_typed"
    if st.session_state.get(typed_key):  # matches of a search typed earlier stay choosable
        found = _org_options(drv, st.session_state[typed_key], 50)
        names.update({str(r["org_id"]): _org_caption(r) for r in found.to_dict("records")})
    ids = [i for i in names if i != exclude]
    index = ids.index(default) if default in ids else None
    value = st.selectbox(label, ids, index=index, key=key, format_func=lambda v: names.get(v, v),
                         placeholder=t("picker_hint"), accept_new_options=True)
    if value is None or value in names:
        return value
    # typed text that is not an option: search the graph for it
    found = _org_options(drv, str(value).strip(), 50)
    if found.empty:
        st.warning(f"{t('picker_none')}：{value}")
        return None
    if len(found) == 1:
        return str(found.org_id.iloc[0])
    if st.session_state.get(typed_key) != str(value).strip():
        st.session_state[typed_key] = str(value).strip()
        st.rerun()  # the matches become options of the box
    st.info(f"{len(found)} · {t('picker_hint')}")
    return None
