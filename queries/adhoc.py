"""User-typed Cypher for the app's workbench: read-only, bounded in time and rows.

The statement runs in a READ transaction, where the server refuses writes (the ``refuses_writes``
test checks CREATE, MERGE, SET, DELETE and REMOVE against the real Neo4j). Before that, statements
that can reach outside the graph or write through a procedure are refused up front: ``LOAD CSV``,
``CALL dbms.*``, ``db.create*``/``db.drop*``, ``apoc.*`` writers, ``CALL { … } IN TRANSACTIONS``,
schema and admin commands.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pandas as pd

from graph.errors import QueryError
from queries.readonly import check_readonly_text, refusal
from queries.registry import run_read

__all__ = ["check_readonly_text", "graph_schema", "refusal", "run_readonly"]


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


# Counts from the count store (GRAPH COUNTS): no scan, whatever the graph's size.
_SCHEMA_NODES = """
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
UNWIND [x IN data.nodes WHERE x.label IS NOT NULL] AS x
RETURN x.label AS label, x.count AS n ORDER BY label
"""
_SCHEMA_RELS = """
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
UNWIND [x IN data.relationships WHERE x.relationshipType IS NOT NULL AND x.startLabel IS NULL AND x.endLabel IS NULL] AS x
RETURN x.relationshipType AS type, x.count AS n ORDER BY type
"""
_SCHEMA_NODE_PROPS = "CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName RETURN nodeLabels, propertyName"
_SCHEMA_REL_PROPS = "CALL db.schema.relTypeProperties() YIELD relType, propertyName RETURN relType, propertyName"


def graph_schema(driver: neo4j.Driver, *, database: str = "neo4j", timeout_s: float = 20) -> dict[str, list[dict[str, Any]]]:
    """What a researcher writes Cypher against: node labels and relationship types with their counts
    and property names (internal ``pc_*`` precomputed properties left out), read from the server.

    Returns ``{"labels": [{"name", "count", "properties"}], "relationships": [...]}``.
    """
    def read(text: str) -> pd.DataFrame:
        return run_read(driver, text, {}, database=database, timeout_s=timeout_s, what="the schema listing")

    node_props: dict[str, set[str]] = {}
    for row in read(_SCHEMA_NODE_PROPS).itertuples(index=False):
        for label in row.nodeLabels or []:
            if isinstance(row.propertyName, str) and not row.propertyName.startswith("pc_"):
                node_props.setdefault(label, set()).add(row.propertyName)
    rel_props: dict[str, set[str]] = {}
    for row in read(_SCHEMA_REL_PROPS).itertuples(index=False):
        name = str(row.relType).strip(":`")
        if isinstance(row.propertyName, str) and not row.propertyName.startswith("pc_"):
            rel_props.setdefault(name, set()).add(row.propertyName)
    labels = [{"name": r.label, "count": int(r.n), "properties": sorted(node_props.get(r.label, ()))}
              for r in read(_SCHEMA_NODES).itertuples(index=False)]
    rels = [{"name": r.type, "count": int(r.n), "properties": sorted(rel_props.get(r.type, ()))}
            for r in read(_SCHEMA_RELS).itertuples(index=False)]
    return {"labels": labels, "relationships": rels}
