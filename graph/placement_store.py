"""Chain placements as a planner reviews them: read them with their evidence, and store corrections.

A correction is data, not an edit that the next run overwrites:
- **accept** / **place** / **move to**: the placement edge (``MAPS_TO`` for a patent, ``IN_NODE`` for an
  organisation) gets ``method: 'manual'``, ``confidence: 1.0`` and ``'manual'`` in ``methods``; the
  automatic evidence it had is kept beside it (``evidence``, ``rule``, ``auto_method``,
  ``auto_confidence``). Automatic writers never lower a confidence and never prune an edge whose
  ``methods`` contain ``'manual'`` or ``'declared'``, so it survives ``chainkg extract`` and
  ``chainkg load``.
- **remove**: the edge is deleted and ``(subject)-[:PLACEMENT_REJECTED {at, by, previous_method}]->(node)``
  is stored; every automatic writer (extraction, the loader's IPC derivation, the bulk path) skips a
  pair with a rejection, so the removal survives re-runs too. Placing the pair by hand again deletes
  the rejection.

All Cypher values are parameters; labels and types come from :mod:`graph.schema`'s allow-lists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import neo4j

from graph.errors import ChainKGError
from graph.schema import check_label, check_rel_type

#: subject label -> (placement relationship, key property of the subject)
PLACEMENT_RELS: dict[str, tuple[str, str]] = {
    "Patent": ("MAPS_TO", "pub_no"),
    "Organization": ("IN_NODE", "org_id"),
}
REJECTED = "PLACEMENT_REJECTED"
MANUAL = "manual"
#: Methods a planner or a data file stated: never pruned or overwritten by automatic placement.
KEPT_METHODS = ("manual", "declared")


#: What the loader's IPC-group derivation (graph/derive.py, loaders/bulk_records.py) writes for a patent
#: chain placement has not judged yet: IPC-only evidence, a group one node lists vs a shared one. The
#: evidence-combination table (extraction.placement.RULE_CONFIDENCE) uses the same two values, so the
#: loader and `chainkg extract` agree; both stay below 0.8 (no term names the node).
IPC_DERIVATION: dict[str, float | str] = {
    "ipc_unique": 0.7, "ipc_shared": 0.55, "rule_unique": "ipc_group", "rule_shared": "ipc_group_shared",
}


class PlacementError(ChainKGError):
    """A correction names a subject, node or placement that is not in the graph."""


def _rel(kind: str) -> tuple[str, str]:
    if kind not in PLACEMENT_RELS:
        raise PlacementError(f"unknown placement subject {kind!r}; use one of {sorted(PLACEMENT_RELS)}")
    rel, key = PLACEMENT_RELS[kind]
    check_label(kind)
    check_rel_type(rel)
    check_rel_type(REJECTED)
    return rel, key


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read_placements(
    driver: neo4j.Driver, kind: str = "Patent", *, node_id: str | None = None, subject: str | None = None,
    min_confidence: float = 0.0, max_confidence: float = 1.0, method: str | None = None, limit: int = 200,
    database: str = "neo4j",
) -> list[dict[str, Any]]:
    """Placements of ``kind`` (Patent or Organization) with their evidence, weakest first.

    Filters: one chain node, a subject id or part of its title/name, a confidence band, a method.
    Columns: subject_id, subject_name, node_id, node_name, chain_id, method, methods, confidence,
    evidence, rule, terms, ipc.
    """
    rel, key = _rel(kind)
    name = "title" if kind == "Patent" else "name"
    # One node: anchored on it (its placements, sorted). Every node: a plain range on r.confidence (every
    # placement ChainKG writes has one), so the planner walks the MAPS_TO / IN_NODE confidence index in
    # order and stops at the limit; placements of equal confidence come in index order there (ordering
    # them by subject too would read the whole tie: 367k MAPS_TO edges at 0.45 at 1M patents).
    anchor = (f"MATCH (n:ChainNode {{node_id: $node_id}})<-[r:{rel}]-(s:{kind}) " if node_id
              else f"MATCH (s:{kind})-[r:{rel}]->(n:ChainNode) ")
    order = f"r.confidence, s.{key}" if node_id else "r.confidence"
    query = (
        anchor
        + f"WHERE ($subject IS NULL OR s.{key} = $subject OR s.{name} CONTAINS $subject) "
        "AND r.confidence >= $min_c AND r.confidence <= $max_c "
        "AND ($method IS NULL OR r.method = $method) "
        f"WITH s, r, n ORDER BY {order} LIMIT $limit "
        f"RETURN s.{key} AS subject_id, s.{name} AS subject_name, n.node_id AS node_id, n.name AS node_name, "
        "n.chain_id AS chain_id, r.method AS method, coalesce(r.methods, [r.method]) AS methods, "
        "r.confidence AS confidence, r.evidence AS evidence, r.rule AS rule, coalesce(r.terms, []) AS terms, "
        "r.ipc AS ipc ORDER BY confidence, subject_id, node_id"
    )
    params = {"node_id": node_id or None, "subject": subject or None, "min_c": float(min_confidence),
              "max_c": float(max_confidence), "method": method or None, "limit": int(limit)}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(r) for r in session.run(query, params)]


def read_rejections(driver: neo4j.Driver, kind: str = "Patent", *, database: str = "neo4j") -> list[dict[str, Any]]:
    """Stored removals: subject_id, subject_name, node_id, node_name, at, previous_method."""
    rel, key = _rel(kind)
    name = "title" if kind == "Patent" else "name"
    query = (
        f"MATCH (s:{kind})-[x:{REJECTED}]->(n:ChainNode) "
        f"RETURN s.{key} AS subject_id, s.{name} AS subject_name, n.node_id AS node_id, n.name AS node_name, "
        "x.at AS at, x.previous_method AS previous_method ORDER BY at DESC, subject_id"
    )
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return [dict(r) for r in session.run(query)]


def _write(driver: neo4j.Driver, query: str, params: dict[str, Any], database: str) -> int:
    with driver.session(database=database) as session:
        rec = session.execute_write(lambda tx: tx.run(query, params).single())
    return int(rec["c"]) if rec else 0


def _check_ends(driver: neo4j.Driver, kind: str, key: str, subject_id: str, node_id: str, database: str) -> None:
    query = f"OPTIONAL MATCH (s:{kind} {{{key}: $s}}) OPTIONAL MATCH (n:ChainNode {{node_id: $n}}) RETURN s IS NOT NULL AS s, n IS NOT NULL AS n"
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        rec = session.run(query, s=subject_id, n=node_id).single()
    if not rec["s"]:
        raise PlacementError(f"no {kind} with {key} {subject_id!r} in the graph; check the id (load it first)")
    if not rec["n"]:
        raise PlacementError(f"no chain node {node_id!r} in the graph; pick a node id from `chainkg load` of data/chains")


def place_manually(driver: neo4j.Driver, kind: str, subject_id: str, node_id: str, *, by: str = "",
                   database: str = "neo4j") -> int:
    """Accept (or create) the placement of ``subject_id`` on ``node_id`` as a manual one (confidence 1.0).

    An automatic edge keeps its evidence (``auto_method``/``auto_confidence`` record what it was); a
    stored rejection of the pair is deleted. Returns the number of edges written (1).
    """
    rel, key = _rel(kind)
    _check_ends(driver, kind, key, subject_id, node_id, database)
    query = (
        f"MATCH (s:{kind} {{{key}: $s}}) MATCH (n:ChainNode {{node_id: $n}}) "
        f"OPTIONAL MATCH (s)-[x:{REJECTED}]->(n) DELETE x "
        f"MERGE (s)-[r:{rel}]->(n) "
        "SET r.auto_method = CASE WHEN r.method IS NOT NULL AND r.method <> $manual THEN r.method ELSE r.auto_method END, "
        "    r.auto_confidence = CASE WHEN r.method IS NOT NULL AND r.method <> $manual THEN r.confidence ELSE r.auto_confidence END, "
        "    r.method = $manual, r.confidence = 1.0, "
        "    r.methods = CASE WHEN $manual IN coalesce(r.methods, []) THEN r.methods ELSE coalesce(r.methods, []) + $manual END, "
        "    r.source = coalesce(r.source, $manual), r.evidence = coalesce(r.evidence, $evidence), "
        "    r.corrected_at = $at, r.corrected_by = $by "
        "RETURN count(r) AS c"
    )
    return _write(driver, query, {"s": subject_id, "n": node_id, "manual": MANUAL, "at": _now(), "by": by,
                                  "evidence": "placed by hand"}, database)


def remove_placement(driver: neo4j.Driver, kind: str, subject_id: str, node_id: str, *, by: str = "",
                     database: str = "neo4j") -> int:
    """Delete the placement and store a rejection that blocks automatic re-placement of the pair."""
    rel, key = _rel(kind)
    _check_ends(driver, kind, key, subject_id, node_id, database)
    query = (
        f"MATCH (s:{kind} {{{key}: $s}}) MATCH (n:ChainNode {{node_id: $n}}) "
        f"OPTIONAL MATCH (s)-[r:{rel}]->(n) "
        "WITH s, n, r, r.method AS prev "
        "DELETE r "
        f"MERGE (s)-[x:{REJECTED}]->(n) SET x.at = $at, x.by = $by, x.previous_method = coalesce(prev, x.previous_method) "
        "RETURN count(x) AS c"
    )
    return _write(driver, query, {"s": subject_id, "n": node_id, "at": _now(), "by": by}, database)


def move_placement(driver: neo4j.Driver, kind: str, subject_id: str, from_node: str, to_node: str, *, by: str = "",
                   database: str = "neo4j") -> int:
    """Remove the placement on ``from_node`` (stored as a rejection) and place by hand on ``to_node``."""
    if from_node == to_node:
        return place_manually(driver, kind, subject_id, to_node, by=by, database=database)
    remove_placement(driver, kind, subject_id, from_node, by=by, database=database)
    return place_manually(driver, kind, subject_id, to_node, by=by, database=database)


def undo_rejection(driver: neo4j.Driver, kind: str, subject_id: str, node_id: str, *, database: str = "neo4j") -> int:
    """Delete a stored rejection (automatic placement may place the pair again on the next run)."""
    rel, key = _rel(kind)
    query = f"MATCH (s:{kind} {{{key}: $s}})-[x:{REJECTED}]->(n:ChainNode {{node_id: $n}}) DELETE x RETURN count(*) AS c"
    return _write(driver, query, {"s": subject_id, "n": node_id}, database)


def placement_summary(driver: neo4j.Driver, *, database: str = "neo4j") -> list[dict[str, Any]]:
    """Per subject kind and method: edges and their confidence band counts (< 0.5, 0.5–0.8, ≥ 0.8)."""
    rows: list[dict[str, Any]] = []
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for kind, (rel, _key) in PLACEMENT_RELS.items():
            query = (
                f"MATCH (:{kind})-[r:{rel}]->(:ChainNode) "
                "RETURN r.method AS method, count(*) AS edges, "
                "sum(CASE WHEN coalesce(r.confidence, 0.0) >= 0.8 THEN 1 ELSE 0 END) AS high, "
                "sum(CASE WHEN coalesce(r.confidence, 0.0) >= 0.5 AND coalesce(r.confidence, 0.0) < 0.8 THEN 1 ELSE 0 END) AS mid, "
                "sum(CASE WHEN coalesce(r.confidence, 0.0) < 0.5 THEN 1 ELSE 0 END) AS low ORDER BY edges DESC"
            )
            rows += [{"kind": kind, **dict(r)} for r in session.run(query)]
        rej = session.run(f"MATCH ()-[x:{REJECTED}]->(:ChainNode) RETURN count(x) AS c").single()["c"]
    rows.append({"kind": "*", "method": REJECTED, "edges": rej, "high": 0, "mid": 0, "low": 0})
    return rows
