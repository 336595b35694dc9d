"""A form built from a saved query's header: one widget per declared parameter, typed by its header,
labelled in the session's language, with pickers for the resolved kinds (chain, chain node,
organisation, region) so nobody types an id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app.ui.i18n import LABELS, choice, lang, t


def _field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def declared_params(query: Any) -> list[dict[str, Any]]:
    """The header's parameters as dicts: name, type, default, required, description."""
    raw = _field(query, "params") or _field(query, "parameters") or []
    if isinstance(raw, dict):  # {name: spec}
        raw = [{"name": k, **(v if isinstance(v, dict) else {"type": v})} for k, v in raw.items()]
    out = []
    for p in raw:
        default = _field(p, "default")
        out.append({
            "name": _field(p, "name"),
            "type": str(_field(p, "type", "str") or "str").lower(),
            "default": default,
            "required": bool(_field(p, "required", default is None and not _field(p, "optional", False))),
            "description": _field(p, "description", "") or "",
            "choices": tuple(_field(p, "choices", ()) or ()),
            "lo": _field(p, "lo"),
            "hi": _field(p, "hi"),
        })
    return out


def param_label(name: str) -> str:
    """A parameter's label in the session's language (``param_NAME`` in the label modules); an
    unknown name is shown as words, never as snake_case."""
    key = f"param_{name}"
    return t(key) if key in LABELS else name.replace("_", " ").capitalize()


def _choice_caption(v: str) -> str:
    key = {"none": "not_set"}.get(v)
    return t(key) if key else v


def _widget(drv, p: dict[str, Any], key: str, *, in_one_of: bool) -> Any:
    label = param_label(p["name"]) + (" *" if p["required"] else "")
    kind, default = p["type"], p["default"]
    desc = p["description"] or ""
    # Header descriptions are mostly English: a help tooltip only where it reads in the session's language.
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in desc)
    help_ = desc if desc and (lang() == "en" or cjk * 3 > len(desc)) else None
    optional = not p["required"]
    if p.get("choices"):
        opts = ([""] if optional else []) + list(p["choices"])
        index = opts.index(str(default)) if str(default) in opts else 0
        return choice(st.selectbox, label, opts, index=index, key=key, help=help_,
                      format_func=lambda v: t("any_value") if v == "" else _choice_caption(v)) or None
    if kind == "chain" and drv is not None:
        from app.ui.pickers import pick_chain

        return pick_chain(drv, label, key=key, optional=optional or in_one_of)
    if kind == "node" and drv is not None:
        from app.ui.pickers import pick_chain_node

        return pick_chain_node(drv, label, key=key, optional=optional or in_one_of)
    if kind == "org" and drv is not None:
        from app.ui.pickers import pick_org_select

        return pick_org_select(drv, label, key=key)
    if kind == "region":
        from app.ui.pickers import pick_region

        return pick_region(label, key=key, groups=bool(p.get("groups")))
    lo, hi = p.get("lo"), p.get("hi")
    if kind.startswith(("int", "integer")):
        value = int(default) if default is not None else int(lo or 0)
        bounds = {"min_value": int(lo), "max_value": int(hi)} if lo is not None and hi is not None else {}
        return int(st.number_input(label, value=value, step=1, key=key, help=help_, **bounds))
    if kind.startswith(("float", "number")):
        bounds = {"min_value": float(lo), "max_value": float(hi)} if lo is not None and hi is not None else {}
        return float(st.number_input(label, value=float(default) if default is not None else float(lo or 0.0),
                                     key=key, help=help_, **bounds))
    if kind.startswith("bool"):
        return st.checkbox(label, value=bool(default), key=key, help=help_)
    if kind == "date":
        value = st.date_input(label, value=default if isinstance(default, dt.date) else None, key=key, help=help_,
                              min_value=dt.date(1985, 1, 1), max_value=dt.date(2100, 12, 31))
        return value.isoformat() if isinstance(value, dt.date) else None
    if kind.startswith("list"):
        text = st.text_input(label, value=";".join(map(str, default or [])), key=key, help=help_ or "a;b;c")
        return [s.strip() for s in text.split(";") if s.strip()] or None
    text = st.text_input(label, value="" if default is None else str(default), key=key, help=help_)
    return text.strip() or None


def param_form(query: Any, *, key: str, drv=None) -> dict[str, Any] | None:
    """Widgets for every parameter of ``query``; the values, or None (after saying which are
    missing) while a required one is empty. With ``drv`` chains, nodes and organisations are
    pickers over the graph; regions always are (groups included when the query takes them)."""
    params = declared_params(query)
    one_of = tuple(_field(query, "one_of", ()) or ())
    try:
        from queries.resolve import takes_region_list

        for p in params:
            p["groups"] = p["type"] == "region" and hasattr(query, "text") and takes_region_list(query, p["name"])
    except ImportError:
        pass
    values: dict[str, Any] = {}
    # Pickers (chain, node with its chain, organisation, region) two to a row, other fields three to
    # a row: a node picker squeezed into a third of the page would cut its names off.
    pickers = [p for p in params if p["name"] and p["type"] in ("chain", "node", "org", "region")]
    scalars = [p for p in params if p["name"] and p not in pickers]
    for group, width in ((pickers, 2), (scalars, 3)):
        if not group:
            continue
        cols = st.columns(min(width, len(group)) if width == 2 else width)
        for i, p in enumerate(group):
            with cols[i % len(cols)]:
                values[p["name"]] = _widget(drv, p, f"{key}_{p['name']}", in_one_of=p["name"] in one_of)
    missing = [param_label(p["name"]) for p in params if p["required"] and values.get(p["name"]) in (None, "", [])]
    notes = []
    if missing:
        notes.append(t("wb_required_missing") + "、".join(missing))
    if one_of and sum(values.get(n) not in (None, "", []) for n in one_of) != 1:
        notes.append(t("wb_one_of") + " / ".join(param_label(n) for n in one_of))
    if notes:
        st.caption("→ " + "；".join(notes))
        return None
    return {k: v for k, v in values.items() if v is not None}
