"""Read-side helpers the loaders need before writing: which keys exist, which organisations are known."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import neo4j

from graph.schema import check_label, check_property, key_of
from graph.writer import chunked


def existing_keys(
    driver: neo4j.Driver, label: str, keys: Iterable[str], *, database: str = "neo4j", batch_size: int = 10000
) -> set[str]:
    """The subset of ``keys`` that exist as ``label`` nodes (index lookups, in chunks)."""
    key = check_property(key_of(label))
    check_label(label)
    query = f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN n.{key} AS k"
    found: set[str] = set()
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for chunk in chunked(keys, batch_size):
            found |= {r["k"] for r in session.run(query, keys=chunk)}
    return found


def organization_index(driver: neo4j.Driver, *, database: str = "neo4j") -> Iterator[dict[str, Any]]:
    """Every organisation's resolution keys: org_id, name, name_norm, aliases, credit_code, kind."""
    query = (
        "MATCH (o:Organization) RETURN o.org_id AS org_id, o.name AS name, o.name_norm AS name_norm, "
        "o.aliases AS aliases, o.credit_code AS credit_code, o.kind AS kind"
    )
    # notifications off: on a first load the property keys do not exist yet and Neo4j warns about each
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                        notifications_min_severity="OFF") as session:
        for record in session.run(query):
            yield record.data()


def has_nodes(driver: neo4j.Driver, label: str, *, database: str = "neo4j") -> bool:
    """Whether any node carries ``label`` (an allow-listed label; answered from the label index)."""
    query = f"MATCH (n:{check_label(label)}) RETURN true AS found LIMIT 1"
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.run(query).single() is not None


def all_keys(driver: neo4j.Driver, label: str, *, database: str = "neo4j") -> set[str]:
    """Every key of ``label`` in the graph (for small labels such as ChainNode; read-only)."""
    key = key_of(check_label(label))
    records, _, _ = driver.execute_query(f"MATCH (n:{label}) RETURN n.{key} AS k", database_=database,
                                         routing_=neo4j.RoutingControl.READ)
    return {r["k"] for r in records if r["k"]}
