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
    // column: node: str — 产业链环节 | Chain node
    // column: node_id: str hidden — 环节编号 | Node id

A parameter line is ``NAME: TYPE`` then ``(required)`` or ``= DEFAULT``, optionally ``[lo..hi]``
(allowed range) and ``{a|b|c}`` (allowed values), then ``—`` and a description. Types are ``int``,
``float``, ``str``, ``bool``, ``list``, ``date`` and the resolved kinds ``org``, ``chain``, ``node``,
``region``, ``ipc`` and ``patent`` (see :mod:`queries.resolve`: an organisation given by name becomes
its ``org_id``, a region becomes the code prefix ``o.region_code STARTS WITH`` uses, …).

A column line is ``NAME: TYPE [hidden] — 中文 | English``: every column the query returns, with its
labels for tables, exports and docs (``hidden`` = not shown unless asked for: ids, internal keys).
A result with a column its header does not declare is refused (QueryError).

Researchers' own queries live in ``$CHAINKG_HOME/queries/*.cypher`` in the same format; they are
listed and run like the built-in ones (:func:`save_user_query` writes one), always read-only.

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
from queries.readonly import check_readonly_text, code_only

#: Kept under its old name: tests and other modules import it from here.
_code_only = code_only

QUERY_DIR = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_S = 10.0

SCALAR_TYPES = ("int", "float", "str", "bool", "list", "date")
RESOLVED_TYPES = ("org", "chain", "node", "region", "ipc", "patent")
PARAM_TYPES = SCALAR_TYPES + RESOLVED_TYPES
COLUMN_TYPES = ("str", "int", "float", "bool", "date", "list", "map", "node", "relationship", "path")
USER_QUERY_DIR_NAME = "queries"
#: Rows a researcher's own query returns at most (built-in queries bound themselves with LIMIT).
USER_ROW_CAP = 10_000

_HEADER_LINE = re.compile(r"^//\s*(\w+)\s*:\s*(.*)$")
_PARAM_LINE = re.compile(r"^(\w+)\s*:\s*(\w+)\s*(.*?)\s*(?:—|--)\s*(.*)$")
_RANGE = re.compile(r"\[\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*\]")
_CHOICES = re.compile(r"\{([^{}]*)\}")
_DEFAULT = re.compile(r"=\s*(\"[^\"]*\"|'[^']*'|[^\s\[{]+)")
_USED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_COLUMN_LINE = re.compile(r"^(\w+)\s*:\s*(\w+)\s*(hidden)?\s*(?:—|--)\s*(.*?)\s*\|\s*(.*?)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


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
class Column:
    """One declared result column: name, type, hidden by default or not, Chinese and English labels."""

    name: str
    type: str
    hidden: bool
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        """The column's heading in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def header_line(self) -> str:
        """The ``// column:`` line declaring this column."""
        return f"// column: {self.name}: {self.type}{' hidden' if self.hidden else ''} — {self.zh} | {self.en}"


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
    columns: tuple[Column, ...] = field(default=())
    user: bool = False  #: a researcher's own query from $CHAINKG_HOME/queries

    def column(self, name: str) -> Column | None:
        """The declared column ``name`` (None when undeclared)."""
        return next((c for c in self.columns if c.name == name), None)

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Column name → heading in ``lang``, for every declared column."""
        return {c.name: c.label(lang) for c in self.columns}

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

    def takes_list(self, name: str) -> bool:
        """Whether the text uses parameter ``name`` as a list (``IN $name``): region parameters in
        the list form (queries.resolve)."""
        return re.search(r"\bIN\s+\$" + re.escape(name) + r"\b", code_only(self.text), re.I) is not None

    def placeholders(self) -> set[str]:
        """``{{names}}`` substituted with validated integers."""
        return set(_PLACEHOLDER.findall(_code_only(self.text)))


def _num(x: float | None) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else str(x)


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


def parse_query_file(path: Path, *, user: bool = False) -> SavedQuery:
    """Parse one ``.cypher`` file's header and text; QueryError naming the file and line if malformed.

    ``user`` marks a researcher's own query (read-only checks apply to its text)."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Param] = []
    columns: list[Column] = []
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
        elif key == "column":
            columns.append(_parse_column(value, where))
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
        columns=tuple(columns),
        user=user,
    )
    check_declared_vs_used(q)
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise QueryError(f"{path.name}: column(s) {', '.join(dup)} declared twice; keep one '// column:' line each")
    return q


def _parse_column(value: str, where: str) -> Column:
    m = _COLUMN_LINE.match(value)
    if not m:
        raise QueryError(
            f"{where}: cannot read column line {value!r}; write 'NAME: TYPE [hidden] — 中文 | English'"
        )
    name, type_, hidden, zh, en = m.groups()
    if type_ not in COLUMN_TYPES:
        raise QueryError(f"{where}: column {name!r} has unknown type {type_!r}; use one of {', '.join(COLUMN_TYPES)}")
    if not zh or not en:
        raise QueryError(f"{where}: column {name!r} needs a Chinese and an English label ('— 中文 | English')")
    return Column(name, type_, bool(hidden), zh, en)


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
def _load_builtin() -> dict[str, SavedQuery]:
    out = {}
    for path in sorted(QUERY_DIR.glob("*.cypher")):
        q = parse_query_file(path)
        out[q.name] = q
    return out


def user_query_dir() -> Path:
    """Where researchers' own queries live: ``$CHAINKG_QUERY_DIR`` when set, else
    ``$CHAINKG_HOME/queries`` (created on first save)."""
    import os

    from graph.settings import load_settings

    if os.environ.get("CHAINKG_QUERY_DIR"):
        return Path(os.environ["CHAINKG_QUERY_DIR"]).expanduser()
    return load_settings().home / USER_QUERY_DIR_NAME


def _load_user(builtin: dict[str, SavedQuery]) -> dict[str, SavedQuery]:
    """Researchers' queries (read on every call: a query saved in the app is listed at once)."""
    folder = user_query_dir()
    out: dict[str, SavedQuery] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.cypher")):
        q = parse_query_file(path, user=True)
        if q.name in builtin:
            raise QueryError(f"{path}: {q.name!r} is a built-in query's name; rename the file and its '// name:' line")
        try:
            check_readonly_text(_body(q.text))
        except QueryError as e:
            raise QueryError(f"{path}: {e}") from e
        out[q.name] = q
    return out


def _load_all() -> dict[str, SavedQuery]:
    builtin = _load_builtin()
    return {**builtin, **_load_user(builtin)}


def list_queries(*, include_user: bool = True) -> list[SavedQuery]:
    """Every saved query (``queries/*.cypher``, then researchers' own from ``$CHAINKG_HOME/queries``;
    projections for analytics excluded), each group sorted by name."""
    found = _load_all() if include_user else _load_builtin()
    return sorted((q for q in found.values() if not q.name.startswith("_")), key=lambda q: (q.user, q.name))


def get_query(name: str) -> SavedQuery:
    """The saved query ``name``; QueryError listing the known names if there is none."""
    builtin = _load_builtin()
    if name in builtin:
        return builtin[name]
    queries = _load_user(builtin)
    if name not in queries:
        known = ", ".join(q.name for q in list_queries())
        raise QueryError(f"no saved query named {name!r}; known queries: {known} (`chainkg query --list`)")
    return queries[name]


def _body(text: str) -> str:
    """The Cypher below a query file's ``//`` header."""
    lines = text.splitlines()
    k = 0
    while k < len(lines) and lines[k].strip().startswith("//"):
        k += 1
    return "\n".join(lines[k:])


def save_user_query(
    name: str,
    title: str,
    description: str,
    cypher: str,
    *,
    params: list[Param] | None = None,
    columns: list[Column] | None = None,
    overwrite: bool = False,
) -> SavedQuery:
    """Write a researcher's query to ``$CHAINKG_HOME/queries/NAME.cypher`` in the saved-query format
    and return it parsed. The text must pass the workbench's read-only checks; every ``$param`` it
    uses needs a declaration (undeclared ones are declared as optional text), and ``columns`` declare
    what it returns. QueryError for a bad name, a built-in name, or an existing file without
    ``overwrite``."""
    if not _NAME.match(name or ""):
        raise QueryError(f"query name {name!r} must be 2-60 lower-case letters, digits or _, starting with a letter")
    if name in _load_builtin():
        raise QueryError(f"{name!r} is a built-in query; choose another name")
    body = (cypher or "").strip().rstrip(";").strip()
    check_readonly_text(body)
    declared = {p.name: p for p in params or []}
    for used in sorted(set(_USED_PARAM.findall(_code_only(body))) - set(declared)):
        declared[used] = Param(used, "str", False, None, description=used)
    one_line = lambda x: " ".join(str(x or "").split())  # noqa: E731 - a header value must stay on its line
    lines = [f"// name: {name}", f"// title: {one_line(title) or name}", f"// description: {one_line(description) or one_line(title) or name}"]
    for p in declared.values():
        lines.append(f"// param: {p.signature()} — {one_line(p.description) or p.name}")
    for c in columns or []:
        lines.append(Column(c.name, c.type, c.hidden, one_line(c.zh) or c.name, one_line(c.en) or c.name).header_line())
    folder = user_query_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.cypher"
    if path.exists() and not overwrite:
        raise QueryError(f"{path} exists; pick another name or overwrite it")
    tmp = path.with_suffix(".cypher.tmp")
    tmp.write_text("\n".join(lines) + "\n" + body + "\n", encoding="utf-8")
    try:
        q = parse_query_file(tmp.rename(path), user=True)
    except QueryError:
        path.unlink(missing_ok=True)
        raise
    return q


def delete_user_query(name: str) -> None:
    """Remove the researcher's query ``name`` (QueryError for a built-in or unknown name)."""
    q = get_query(name)
    if not q.user:
        raise QueryError(f"{name!r} is a built-in query and cannot be deleted")
    q.path.unlink()


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
    df = run_read(driver, text, cypher_params, database=database, timeout_s=q.timeout_s, what=f"query {name!r}",
                  row_cap=USER_ROW_CAP if q.user else None)
    check_columns(q, list(df.columns))
    df.attrs["query"] = q.name  # app/export.py labels the columns from the query's declarations
    return df


def check_columns(q: SavedQuery, returned: list[str]) -> None:
    """QueryError when a query returns a column its header does not declare (queries that declare
    no columns yet are let through; tests/test_queries_registry.py lists them)."""
    if not q.columns:
        return
    undeclared = [c for c in returned if q.column(str(c)) is None]
    if undeclared:
        raise QueryError(
            f"query {q.name!r} returned column(s) {', '.join(map(str, undeclared))} that {q.path.name} does not declare; "
            f"add a line '// column: NAME: TYPE [hidden] — 中文 | English' for each to its header"
        )


def result_columns(driver: neo4j.Driver, name: str, *, database: str = "neo4j", **params: Any) -> list[str]:
    """The column names the saved query ``name`` returns for ``params``, read from an EXPLAIN (the
    query is planned, not run): what tests compare with the header's ``// column:`` lines."""
    _, text, cypher_params = prepare_query(driver, name, params, database=database)
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS, notifications_min_severity="OFF") as s:
        result = s.run("EXPLAIN " + text, cypher_params)
        keys = list(result.keys())
        result.consume()
    return keys


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


def _with_reason(err: QueryError, reason: str) -> QueryError:
    """Tag ``err`` with why it happened (see queries.readonly.refusal), for messages in the user's language."""
    err.reason = reason
    return err


def to_native(value: Any) -> Any:
    """Neo4j values → plain Python, recursively through lists and maps.

    Temporal values become ``date``/``datetime``. A node becomes a dict of its properties plus
    ``_labels`` and ``_id`` (its element id); a relationship one with ``_type``, ``_id``, ``_start`` and
    ``_end`` (element ids of its end nodes); a path the list node, relationship, node, … in order.
    The ``_`` keys let the workbench draw results as a graph.
    """
    if isinstance(value, neo4j.graph.Node):
        return {"_labels": sorted(value.labels), "_id": value.element_id, **{k: to_native(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        start, end = value.start_node, value.end_node
        return {"_type": value.type, "_id": value.element_id,
                "_start": start.element_id if start is not None else None,
                "_end": end.element_id if end is not None else None,
                **{k: to_native(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        out: list[Any] = [to_native(value.start_node)]
        for rel in value.relationships:
            nxt = rel.end_node if rel.start_node is not None and rel.start_node.element_id == out[-1]["_id"] else rel.start_node
            out += [to_native(rel), to_native(nxt)]
        return out
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
        code, message = e.code or "", e.message or ""
        if "AccessMode" in code or "Forbidden" in code:
            raise _with_reason(QueryError(f"{what} was refused: writes are not allowed in a read-only query ({code})"), "write") from e
        if "Timeout" in code or "terminated" in message.lower():
            raise _with_reason(QueryError(
                f"{what} exceeded its {timeout_s:g} s timeout; narrow it (smaller limit, fewer hops, a region)"
            ), "timeout") from e
        reason = "syntax" if "SyntaxError" in code else "params" if "ParameterMissing" in code or "TypeError" in code else "other"
        err = _with_reason(QueryError(f"{what} was refused: {code}: {message}"), reason)
        err.detail = message  # the server's explanation without its status code, for the app's details
        raise err from e
    except Neo4jError as e:
        err = _with_reason(QueryError(f"{what} failed: {e.code}: {e.message}"), "other")
        err.detail = e.message or ""
        raise err from e
    truncated = row_cap is not None and len(rows) > row_cap
    if truncated:
        rows = rows[:row_cap]
    df = pd.DataFrame(rows, columns=keys)
    df.attrs["truncated"] = truncated
    return df
