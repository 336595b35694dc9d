"""User-typed Cypher for the app's workbench: read-only, bounded in time and rows.

The statement runs in a READ transaction, where the server refuses writes (the ``refuses_writes``
test checks CREATE, MERGE, SET, DELETE and REMOVE against the real Neo4j). Before that, statements
that can reach outside the graph or write through a procedure are refused up front: ``LOAD CSV``,
``CALL dbms.*``, ``db.create*``/``db.drop*``, ``apoc.*`` writers, ``CALL { … } IN TRANSACTIONS``,
schema and admin commands.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pandas as pd

from graph.errors import QueryError
from queries.registry import _code_only, run_read

# Checked on the text with comments and string literals removed, case-insensitively.
_REFUSED: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bLOAD\s+CSV\b", re.I), "LOAD CSV reads files and URLs"),
    (re.compile(r"\bCALL\s+dbms\s*\.", re.I), "dbms.* procedures administer the server"),
    (re.compile(r"\bdb\s*\.\s*(create|drop|clear|index\.fulltext\.(create|drop))", re.I), "db.create*/db.drop* procedures write"),
    (re.compile(r"\bapoc\s*\.", re.I), "apoc procedures can write or read files"),
    (re.compile(r"\bgds\s*\.", re.I), "graph data science procedures can write"),
    (re.compile(r"\bIN\s+(\d+\s+)?(CONCURRENT\s+)?TRANSACTIONS\b", re.I), "CALL { … } IN TRANSACTIONS commits by itself"),
    (re.compile(r"^\s*(USE\s+\S+\s+)?SHOW\b|\bSHOW\s+\w*\s*(USERS?|DATABASES?|TRANSACTIONS?|SETTINGS?|PROCEDURES|FUNCTIONS|SERVERS?|ROLES?|PRIVILEGES?|ALIAS(ES)?|CONSTRAINTS?|INDEX(ES)?)\b", re.I),
     "SHOW commands (they list users, sessions, settings and schema)"),
    (re.compile(r"\b(CREATE|DROP|SHOW)\s+(OR\s+REPLACE\s+)?(CONSTRAINT|INDEX|DATABASE|USER|ROLE|ALIAS|PRIVILEGES?)\b", re.I),
     "schema and administration commands"),
    (re.compile(r"\b(GRANT|DENY|REVOKE|START\s+DATABASE|STOP\s+DATABASE|TERMINATE\s+TRANSACTIONS?)\b", re.I),
     "administration commands"),
    (re.compile(r"\bUSE\s+\w", re.I), "USE switches databases; pick the database in settings"),
]


def check_readonly_text(cypher: str) -> None:
    """Raise QueryError if ``cypher`` uses a construct the workbench refuses before running."""
    if not cypher or not cypher.strip():
        raise QueryError("the query is empty; type a Cypher statement such as MATCH (o:Organization) RETURN o.name LIMIT 10")
    code = _code_only(cypher)
    for pattern, why in _REFUSED:
        if pattern.search(code):
            raise QueryError(f"refused: {why}; the workbench runs read-only queries only")
    if ";" in code.strip().rstrip(";"):
        raise QueryError("refused: several statements; run one statement at a time")


def run_readonly(
    driver: neo4j.Driver,
    cypher: str,
    params: dict[str, Any] | None = None,
    *,
    database: str = "neo4j",
    timeout_s: float = 10,
    row_cap: int = 1000,
) -> pd.DataFrame:
    """Run user-typed ``cypher`` read-only with a timeout and a row cap; return a DataFrame.

    At most ``row_cap + 1`` records are fetched; ``df.attrs["truncated"]`` is True when more rows
    existed. Writes are refused by the server (READ transaction) and some constructs up front; both
    raise QueryError. Nodes and relationships come back as property dicts.
    """
    check_readonly_text(cypher)
    if row_cap < 1:
        raise QueryError("row_cap must be at least 1")
    df = run_read(
        driver, cypher.strip().rstrip(";"), dict(params or {}), database=database, timeout_s=timeout_s,
        what="the workbench query", row_cap=row_cap,
    )
    return df
