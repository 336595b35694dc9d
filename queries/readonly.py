"""What makes a Cypher text acceptable for read-only use, with no graph access: comments and string
literals stripped (:func:`code_only`), and the constructs the workbench and researchers' saved
queries refuse up front (:func:`check_readonly_text`). Shared by queries.registry and queries.adhoc
without either importing the other for it.
"""

from __future__ import annotations

import re

from graph.errors import QueryError


def code_only(text: str) -> str:
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


def refusal(message: str, reason: str) -> QueryError:
    """A QueryError with ``reason`` set (``empty``, ``outside``, ``admin``, ``several``, ``write``,
    ``syntax``, ``timeout``, ``params``, ``other``): the app explains it in the user's language."""
    err = QueryError(message)
    err.reason = reason
    return err


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
        raise refusal("the query is empty; type a Cypher statement such as MATCH (o:Organization) RETURN o.name LIMIT 10", "empty")
    code = code_only(cypher)
    for pattern, why in _REFUSED:
        if pattern.search(code):
            kind = "admin" if any(w in why for w in ("SHOW", "schema", "administration", "USE")) else "outside"
            raise refusal(f"refused: {why}; the workbench runs read-only queries only", kind)
    if ";" in code.strip().rstrip(";"):
        raise refusal("refused: several statements; run one statement at a time", "several")
