"""The saved-query registry: ``queries/<name>.cypher`` files with a comment header, run read-only.

Each file starts with a header of ``//`` comment lines::

    // name: chain_map
    // title: 产业链图谱 Chain map
    // description: per chain node: SMEs by tier, top SMEs, patents; local vs national
    // param: chain: chain (required) — chain id or name
    // param: region: region = null — region name or 6-digit code
    // param: tier: str = null {专精特新|小巨人|单项冠军|none} — only SMEs of this tier
    // param: max_hops: int = 4 [1..6] — hop ceiling
    // one_of: org, node, ipc
    // timeout: 10

A parameter line is ``NAME: TYPE`` then ``(required)`` or ``= DEFAULT``, optionally ``[lo..hi]``
(allowed range) and ``{a|b|c}`` (allowed values), then ``—`` and a description. Types are ``int``,
``float``, ``str``, ``bool``, ``list``, ``date`` and the resolved kinds ``org``, ``chain``, ``node``,
``region``, ``ipc`` and ``patent`` (see :mod:`queries.resolve`: an organisation given by name becomes
its ``org_id``, a region becomes the code prefix ``o.region_code STARTS WITH`` uses, …).

Values always travel as ``$parameters``. The one exception is a hop ceiling or path count, which
Cypher does not accept as a parameter: such a parameter must be an ``int`` with a range, is written
``{{name}}`` in the text, and only the validated integer is substituted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import neo4j.graph
import pandas as pd
from neo4j.exceptions import ClientError, Neo4jError

from graph.errors import QueryError

QUERY_DIR = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_S = 10.0

SCALAR_TYPES = ("int", "float", "str", "bool", "list", "date")
RESOLVED_TYPES = ("org", "chain", "node", "region", "ipc", "patent")
PARAM_TYPES = SCALAR_TYPES + RESOLVED_TYPES

_HEADER_LINE = re.compile(r"^//\s*(\w+)\s*:\s*(.*)$")
_PARAM_LINE = re.compile(r"^(\w+)\s*:\s*(\w+)\s*(.*?)\s*(?:—|--)\s*(.*)$")
_RANGE = re.compile(r"\[\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*\]")
_CHOICES = re.compile(r"\{([^{}]*)\}")
_DEFAULT = re.compile(r"=\s*(\"[^\"]*\"|'[^']*'|[^\s\[{]+)")
_USED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    description: str = ""

    def signature(self) -> str:
        """Short human form, e.g. ``max_hops: int = 4 [1..6]``."""
        s = f"{self.name}: {self.type}"
        s += " (required)" if self.required else f" = {'null' if self.default is None else self.default}"
        if self.lo is not None:
            s += f" [{_num(self.lo)}..{_num(self.hi)}]"
        if self.choices:
            s += " {" + "|".join(self.choices) + "}"
        return s


@dataclass(frozen=True)
class SavedQuery:
    """A parsed ``.cypher`` file: header fields, parameters and the Cypher text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path
    timeout_s: float = DEFAULT_TIMEOUT_S
    one_of: tuple[str, ...] = ()
    columns: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param:
        """The declared parameter ``name`` (QueryError if undeclared)."""
        for p in self.params:
            if p.name == name:
                return p
        raise QueryError(
            f"query {self.name!r} has no parameter {name!r}; its parameters are "
            f"{', '.join(p.name for p in self.params)} (see `chainkg query --list`)"
        )

    def used_params(self) -> set[str]:
        """``$names`` used in the Cypher text (comments and string literals ignored)."""
        return set(_USED_PARAM.findall(_code_only(self.text)))

    def placeholders(self) -> set[str]:
        """``{{names}}`` substituted with validated integers."""
        return set(_PLACEHOLDER.findall(_code_only(self.text)))


def _num(x: float | None) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else str(x)


def _code_only(text: str) -> str:
    """The text with ``//`` comments removed and string literals emptied (one left-to-right scan,
    so a quote inside a comment or ``//`` inside a string is read correctly)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif ch in "'\"":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _parse_scalar(raw: str, type_: str, where: str) -> Any:
    raw = raw.strip()
    if raw.lower() == "null":
        return None
    if (raw.startswith('"') and raw.endswith('"')) or (raw.startswith("'") and raw.endswith("'")):
        raw = raw[1:-1]
    return coerce_value(raw, type_, where)


def coerce_value(value: Any, type_: str, where: str) -> Any:
    """Coerce a CLI string or Python value to ``type_``; QueryError naming ``where`` if impossible."""
    if value is None:
        return None
    try:
        if type_ == "int":
            if isinstance(value, bool):
                raise ValueError("a bool is not an int")
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("not a whole number")
            return int(value) if not isinstance(value, str) else int(value.strip())
        if type_ == "float":
            if isinstance(value, bool):
                raise ValueError("a bool is not a number")
            return float(value)
        if type_ == "bool":
            if isinstance(value, bool):
                return value
            s = str(value).strip().lower()
            if s in ("true", "1", "yes", "y", "on"):
                return True
            if s in ("false", "0", "no", "n", "off"):
                return False
            raise ValueError("use true or false")
        if type_ == "list":
            if isinstance(value, (list, tuple, set)):
                return [str(v) for v in value]
            return [s.strip() for s in str(value).split(",") if s.strip()]
        if type_ == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value).strip())
        # str and the resolved kinds: plain text here, resolved against the graph later.
        if isinstance(value, (list, dict)):
            raise ValueError("expected text")
        s = str(value).strip()
        return s if s else None
    except (TypeError, ValueError) as e:
        raise QueryError(f"{where}: cannot read {value!r} as {type_} ({e})") from e


def parse_query_file(path: Path) -> SavedQuery:
    """Parse one ``.cypher`` file's header and text; QueryError naming the file and line if malformed."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("//"):
            break
        m = _HEADER_LINE.match(stripped)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        where = f"{path.name}:{lineno}"
        if key == "param":
            params.append(_parse_param(value, where))
        else:
            header[key] = value
    for required in ("name", "title", "description"):
        if required not in header:
            raise QueryError(f"{path.name}: header lacks '// {required}: …'; every saved query declares it")
    if header["name"] != path.stem:
        raise QueryError(f"{path.name}: header name {header['name']!r} must equal the file name {path.stem!r}")
    one_of = tuple(s.strip() for s in header.get("one_of", "").split(",") if s.strip())
    q = SavedQuery(
        name=header["name"],
        title=header["title"],
        description=header["description"],
        params=tuple(params),
        text=text,
        path=path,
        timeout_s=float(header.get("timeout", DEFAULT_TIMEOUT_S)),
        one_of=one_of,
        columns=tuple(s.strip() for s in header.get("columns", "").split(",") if s.strip()),
    )
    check_declared_vs_used(q)
    return q


def _parse_param(value: str, where: str) -> Param:
    m = _PARAM_LINE.match(value)
    if not m:
        raise QueryError(f"{where}: cannot read param line {value!r}; write 'NAME: TYPE (required)|= DEFAULT — description'")
    name, type_, middle, desc = m.groups()
    if type_ not in PARAM_TYPES:
        raise QueryError(f"{where}: parameter {name!r} has unknown type {type_!r}; use one of {', '.join(PARAM_TYPES)}")
    lo = hi = None
    if r := _RANGE.search(middle):
        lo, hi = float(r.group(1)), float(r.group(2))
        middle = middle[: r.start()] + middle[r.end() :]
    choices: tuple[str, ...] = ()
    if c := _CHOICES.search(middle):
        choices = tuple(s.strip() for s in c.group(1).split("|") if s.strip())
        middle = middle[: c.start()] + middle[c.end() :]
    required = "(required)" in middle
    default = None
    if d := _DEFAULT.search(middle):
        default = _parse_scalar(d.group(1), type_ if type_ in SCALAR_TYPES else "str", where)
    elif not required:
        raise QueryError(f"{where}: parameter {name!r} needs '(required)' or '= DEFAULT' (use '= null' for optional)")
    return Param(name, type_, required, default, lo, hi, choices, desc.strip())


def check_declared_vs_used(q: SavedQuery) -> None:
    """Declared parameters must be exactly the ``$params`` and ``{{placeholders}}`` the text uses."""
    declared = {p.name for p in q.params}
    used = q.used_params() | q.placeholders()
    if declared != used:
        raise QueryError(
            f"{q.path.name}: declared parameters {sorted(declared)} differ from used ones {sorted(used)}; "
            f"undeclared: {sorted(used - declared)}, unused: {sorted(declared - used)}"
        )
    for name in q.placeholders():
        p = q.param(name)
        if p.type != "int" or p.lo is None or p.hi is None:
            raise QueryError(f"{q.path.name}: placeholder {{{{{name}}}}} must be an int parameter with a [lo..hi] range")
        if name in q.used_params():
            raise QueryError(f"{q.path.name}: {name!r} is used both as $param and as {{{{placeholder}}}}")
    for name in q.one_of:
        q.param(name)


@functools.cache
def _load_all() -> dict[str, SavedQuery]:
    out = {}
    for path in sorted(QUERY_DIR.glob("*.cypher")):
        q = parse_query_file(path)
        out[q.name] = q
    return out


def list_queries() -> list[SavedQuery]:
    """Every saved query (``queries/*.cypher``; projections for analytics excluded), sorted by name."""
    return [q for q in _load_all().values() if not q.name.startswith("_")]


def get_query(name: str) -> SavedQuery:
    """The saved query ``name``; QueryError listing the known names if there is none."""
    queries = _load_all()
    if name not in queries:
        known = ", ".join(q.name for q in list_queries())
        raise QueryError(f"no saved query named {name!r}; known queries: {known} (`chainkg query --list`)")
    return queries[name]


def bind_params(q: SavedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Validate and coerce ``given`` against the declaration (no graph access): defaults, required,
    ranges, choices and ``one_of``. Returns every declared parameter with its value."""
    for name in given:
        q.param(name)  # raises for an unknown name
    values: dict[str, Any] = {}
    for p in q.params:
        where = f"query {q.name!r}, parameter {p.name!r}"
        v = coerce_value(given[p.name], p.type, where) if p.name in given else p.default
        if p.type in RESOLVED_TYPES or p.type == "str":
            v = v if v is None else str(v)
        if v is None and p.required:
            raise QueryError(f"{where} is required ({p.description}); pass -p {p.name}=…")
        if v is not None and p.lo is not None and not (p.lo <= v <= p.hi):
            raise QueryError(f"{where} must be between {_num(p.lo)} and {_num(p.hi)}, got {v}")
        if v is not None and p.choices and str(v) not in p.choices:
            raise QueryError(f"{where} must be one of {', '.join(p.choices)}, got {v!r}")
        values[p.name] = v
    if q.one_of:
        set_ = [n for n in q.one_of if values.get(n) is not None]
        if len(set_) != 1:
            raise QueryError(
                f"query {q.name!r} needs exactly one of {', '.join(q.one_of)} (got {', '.join(set_) or 'none'})"
            )
    return values


def render(q: SavedQuery, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Cypher text with validated integers in its ``{{placeholders}}``, and the ``$params``."""
    holders = q.placeholders()
    text = q.text
    for name in holders:
        v = values[name]
        if not isinstance(v, int) or isinstance(v, bool):  # defence in depth: only ints enter the text
            raise QueryError(f"placeholder {name!r} of query {q.name!r} must be an integer")
        text = re.sub(r"\{\{\s*" + name + r"\s*\}\}", str(int(v)), text)
    params = {k: v for k, v in values.items() if k not in holders}
    return text, params


def prepare_query(
    driver: neo4j.Driver, name: str, params: dict[str, Any], *, database: str = "neo4j"
) -> tuple[SavedQuery, str, dict[str, Any]]:
    """The saved query ``name``, its Cypher text and ``$params`` for ``params``: validated, coerced,
    organisations / chains / nodes / regions resolved, integer placeholders filled in."""
    from queries.resolve import resolve_params

    q = get_query(name)
    values = resolve_params(driver, q, bind_params(q, params), database=database)
    text, cypher_params = render(q, values)
    return q, text, cypher_params


def run_query(driver: neo4j.Driver, name: str, *, database: str = "neo4j", **params: Any) -> pd.DataFrame:
    """Run the saved query ``name`` in a READ transaction with its timeout; return a DataFrame.

    Parameters are validated and coerced against the file's header; organisations, chains, nodes
    and regions given by name are resolved first (QueryError if unknown or ambiguous, listing the
    candidates). Temporal values come back as Python ``date``/``datetime``.
    """
    q, text, cypher_params = prepare_query(driver, name, params, database=database)
    return run_read(driver, text, cypher_params, database=database, timeout_s=q.timeout_s, what=f"query {name!r}")


def explain_query(driver: neo4j.Driver, name: str, *, database: str = "neo4j", **params: Any) -> list[str]:
    """Operator names of the EXPLAIN plan of a saved query (for index-use checks); nothing is run."""
    _, text, cypher_params = prepare_query(driver, name, params, database=database)
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS, notifications_min_severity="OFF") as s:
        summary = s.run("EXPLAIN " + text, cypher_params).consume()
    ops: list[str] = []

    def walk(plan: Any) -> None:
        ops.append(plan["operatorType"] if isinstance(plan, dict) else plan.operator_type)
        for child in plan.get("children", []) if isinstance(plan, dict) else plan.children:
            walk(child)

    walk(summary.plan)
    return ops


def profile_query(driver: neo4j.Driver, name: str, *, database: str = "neo4j", **params: Any) -> int:
    """Total db hits of one run of a saved query under ``PROFILE`` (read transaction, its timeout).

    For benchmarks and tuning: the number Neo4j's own planner output calls "db hits", summed over
    every operator of the profiled plan.
    """
    q, text, cypher_params = prepare_query(driver, name, params, database=database)

    def work(tx: neo4j.ManagedTransaction) -> Any:
        return tx.run("PROFILE " + text, cypher_params).consume().profile

    with driver.session(database=database, notifications_min_severity="OFF") as s:
        profile = s.execute_read(neo4j.unit_of_work(timeout=q.timeout_s)(work))

    def hits(plan: dict[str, Any]) -> int:
        return int(plan.get("dbHits", 0)) + sum(hits(c) for c in plan.get("children", []))

    return hits(profile)


def to_native(value: Any) -> Any:
    """Neo4j temporal values → Python ones, recursively through lists and maps."""
    if isinstance(value, neo4j.graph.Node):
        return {"_labels": sorted(value.labels), **{k: to_native(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_type": value.type, **{k: to_native(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [to_native(n) for n in value.nodes]
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [to_native(v) for v in value]
    if isinstance(value, dict):
        return {k: to_native(v) for k, v in value.items()}
    return value


def run_read(
    driver: neo4j.Driver,
    text: str,
    params: dict[str, Any],
    *,
    database: str,
    timeout_s: float,
    what: str,
    row_cap: int | None = None,
) -> pd.DataFrame:
    """Run ``text`` in a managed READ transaction with a server-side timeout; rows as a DataFrame.

    With ``row_cap`` at most ``row_cap + 1`` records are pulled (the extra one tells truncation);
    the frame's ``attrs["truncated"]`` says whether rows were dropped.
    """

    @neo4j.unit_of_work(timeout=timeout_s)
    def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(text, params)
        keys = list(result.keys())
        rows = []
        for record in result:
            rows.append([to_native(v) for v in record.values()])
            if row_cap is not None and len(rows) > row_cap:
                break
        return keys, rows

    try:
        with driver.session(
            database=database, default_access_mode=neo4j.READ_ACCESS, notifications_min_severity="OFF"
        ) as session:
            keys, rows = session.execute_read(work)
    except ClientError as e:
        if "AccessMode" in (e.code or "") or "Forbidden" in (e.code or ""):
            raise QueryError(f"{what} was refused: writes are not allowed in a read-only query ({e.code})") from e
        if "Timeout" in (e.code or "") or "terminated" in (e.message or "").lower():
            raise QueryError(
                f"{what} exceeded its {timeout_s:g} s timeout; narrow it (smaller limit, fewer hops, a region)"
            ) from e
        raise QueryError(f"{what} was refused: {e.code}: {e.message}") from e
    except Neo4jError as e:
        raise QueryError(f"{what} failed: {e.code}: {e.message}") from e
    truncated = row_cap is not None and len(rows) > row_cap
    if truncated:
        rows = rows[:row_cap]
    df = pd.DataFrame(rows, columns=keys)
    df.attrs["truncated"] = truncated
    return df
