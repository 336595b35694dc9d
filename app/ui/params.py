"""A form built from a saved query's header: one widget per declared parameter, typed by its header."""

from __future__ import annotations

from typing import Any

import streamlit as st


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


def _widget(p: dict[str, Any], key: str) -> Any:
    label = p["name"] + (" *" if p["required"] else "")
    kind, default, help_ = p["type"], p["default"], p["description"] or None
    if p.get("choices"):
        opts = ([""] if not p["required"] else []) + list(p["choices"])
        index = opts.index(str(default)) if str(default) in opts else 0
        return st.selectbox(label, opts, index=index, key=key, help=help_) or None
    lo, hi = p.get("lo"), p.get("hi")
    if kind.startswith(("int", "integer")):
        value = int(default) if default is not None else int(lo or 0)
        bounds = {"min_value": int(lo), "max_value": int(hi)} if lo is not None and hi is not None else {}
        return int(st.number_input(label, value=value, step=1, key=key, help=help_, **bounds))
    if kind.startswith(("float", "number")):
        return float(st.number_input(label, value=float(default) if default is not None else 0.0, key=key, help=help_))
    if kind.startswith("bool"):
        return st.checkbox(label, value=bool(default), key=key, help=help_)
    if kind.startswith("list"):
        text = st.text_input(label, value=";".join(map(str, default or [])), key=key, help=help_ or "a;b;c")
        return [s.strip() for s in text.split(";") if s.strip()] or None
    text = st.text_input(label, value="" if default is None else str(default), key=key, help=help_)
    return text.strip() or None


def param_form(query: Any, *, key: str) -> dict[str, Any] | None:
    """Widgets for every parameter of ``query``; the values, or None while a required one is empty."""
    params = declared_params(query)
    values: dict[str, Any] = {}
    cols = st.columns(min(3, max(1, len(params))))
    for i, p in enumerate(params):
        if not p["name"]:
            continue
        with cols[i % len(cols)]:
            values[p["name"]] = _widget(p, f"{key}_{p['name']}")
    missing = [p["name"] for p in params if p["required"] and values.get(p["name"]) in (None, "", [])]
    one_of = tuple(_field(query, "one_of", ()) or ())
    if one_of and sum(values.get(n) not in (None, "", []) for n in one_of) != 1:
        missing.append(" | ".join(one_of))
    if missing:
        st.caption("→ " + ", ".join(missing))
        return None
    return {k: v for k, v in values.items() if v is not None}
