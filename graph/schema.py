"""The graph schema as data: node keys, allowed labels and relationship types, constraints and indexes.

Everything that puts a label or relationship type into Cypher text checks it against these
allow-lists first (values always travel as parameters).
"""

from __future__ import annotations

import re

import neo4j

from graph.errors import SchemaError
from graph.vocab import SUB_LABELS as VOCAB_SUB_LABELS

#: Primary label -> key property (unique constraint on each).
NODE_KEYS: dict[str, str] = {
    "Organization": "org_id",
    "Patent": "pub_no",
    "IPC": "code",
    "Chain": "chain_id",
    "ChainNode": "node_id",
    "Industry": "code",
    "Region": "code",
    "Achievement": "ach_id",
    "Demand": "demand_id",
    "License": "license_id",
    "Transfer": "transfer_id",
    "OpenLicenseOffer": "offer_id",
    "Technology": "term",  # extracted technology terms (extension, see docs/schema.md)
    "Mention": "mention_id",  # extracted mention with provenance (extension)
    # programme (issue 14, docs/programme.md)
    "Event": "event_id",  # 深度行 / 对接会 / 路演 / 揭榜
    "Deal": "deal_id",  # a licence, transfer, equity, joint-development or service contract
    "Pledge": "pledge_id",  # 专利权质押登记
    "Cluster": "cluster_id",  # 中小企业特色产业集群 / 园区
    "TierAward": "award_id",  # one 专精特新 / 小巨人 / 单项冠军 title of one organisation in one year
    "Person": "person_id",  # 技术经理人
}

#: Secondary labels that refine a primary one (no constraint of their own): Company, University,
#: Institute, Government, ServiceBody (kind 'service', issue 14) refine Organization; Challenge
#: (揭榜挂帅) refines Demand. One mapping, kept in graph/vocab.py with the kind values that set them.
SUB_LABELS: dict[str, str] = dict(VOCAB_SUB_LABELS)

ALLOWED_LABELS: frozenset[str] = frozenset(NODE_KEYS) | frozenset(SUB_LABELS)

REL_TYPES: frozenset[str] = frozenset(
    {
        "HAS_NODE", "UPSTREAM_OF", "COVERS_IPC", "IN_NODE", "APPLICANT_OF", "HOLDS",
        "CLASSIFIED_AS", "CITES", "MAPS_TO", "OF", "LICENSOR", "LICENSEE", "LICENSED_TO",
        "ASSIGNOR", "ASSIGNEE", "ASSIGNED_TO", "OFFERED", "LOCATED_IN", "IN_INDUSTRY",
        "OWNS", "BACKED_BY", "POSTED", "RESPONDED", "ABOUT", "SUBSIDIARY_OF", "SUPPLIES",
        "COOPERATES_WITH", "PARENT", "PART_OF", "MENTIONS", "REFERS_TO", "MENTIONS_TECH",
        "PLACEMENT_REJECTED",  # a planner removed an automatic chain placement (graph/placement_store.py)
        # programme (issue 14, docs/programme.md)
        "EVALUATED", "ORGANISED", "ON_CHAIN", "ATTENDED", "PRESENTED", "PARTY_TO", "FROM_EVENT", "ANSWERS",
        "USES", "COVERS", "RECORDED_AS", "AWARDED", "WON", "SERVES", "SERVES_REGION", "WORKS_FOR", "PLEDGOR",
        "PLEDGEE", "UNDER", "MEMBER_OF",
    }
)

_PROP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def check_label(label: str) -> str:
    """Return ``label`` if allow-listed, else raise SchemaError."""
    if label not in ALLOWED_LABELS:
        raise SchemaError(f"label {label!r} is not in the schema allow-list; use one of {sorted(ALLOWED_LABELS)}")
    return label


def check_rel_type(rel_type: str) -> str:
    """Return ``rel_type`` if allow-listed, else raise SchemaError."""
    if rel_type not in REL_TYPES:
        raise SchemaError(f"relationship type {rel_type!r} is not in the allow-list; use one of {sorted(REL_TYPES)}")
    return rel_type


def check_property(name: str) -> str:
    """Return ``name`` if it is a plain identifier usable as a property key in Cypher text."""
    if not isinstance(name, str) or not _PROP_NAME.match(name):
        raise SchemaError(f"property name {name!r} is not a plain identifier (letters, digits, _)")
    return name


def key_of(label: str) -> str:
    """Key property of a primary label (or of a sub-label's primary)."""
    check_label(label)
    return NODE_KEYS[SUB_LABELS.get(label, label)]


# Range indexes on the properties saved queries filter on.
_RANGE_INDEXES: list[tuple[str, str]] = [
    ("Organization", "name"), ("Organization", "tier"), ("Organization", "size"),
    ("Organization", "kind"), ("Organization", "region_code"), ("Organization", "name_norm"),
    ("ChainNode", "segment"), ("ChainNode", "chain_id"),
    ("Patent", "filed"), ("Patent", "published"), ("Patent", "granted"), ("Patent", "status"),
    ("Patent", "app_no"),
    ("License", "date"), ("License", "type"), ("Transfer", "date"),
    ("Achievement", "trl"), ("Demand", "kind"), ("Demand", "deadline"),
    ("Region", "name"), ("IPC", "level"),
    # programme (issue 14): the filters of achievements / events / programme_measures / patent_history
    ("Achievement", "field"), ("Achievement", "region_code"), ("Achievement", "year"), ("Achievement", "mrl"),
    ("Event", "date"), ("Event", "kind"), ("Event", "region_code"),
    ("Deal", "date"), ("Deal", "kind"),
    ("Pledge", "registered"), ("Pledge", "status"),
    ("TierAward", "year"), ("Cluster", "region_code"), ("Person", "name"),
]
# MAPS_TO / IN_NODE confidence: the placement review lists placements weakest first (an index-ordered
# scan that stops at the page's limit: 7.5 s -> see docs/app.md at 1M patents, 1.55M MAPS_TO edges).
_REL_INDEXES: list[tuple[str, str]] = [("LICENSED_TO", "license_id"), ("ASSIGNED_TO", "transfer_id"),
                                       ("MAPS_TO", "confidence"), ("IN_NODE", "confidence")]
_FULLTEXT: list[tuple[str, str, list[str]]] = [
    ("org_names", "Organization", ["name", "aliases_text"]),
    ("patent_text", "Patent", ["title", "abstract"]),
    ("achievement_text", "Achievement", ["title", "description"]),
    ("demand_text", "Demand", ["title", "description"]),
]


def schema_statements() -> list[str]:
    """Every idempotent ``CREATE … IF NOT EXISTS`` statement, constraints first."""
    stmts = [
        f"CREATE CONSTRAINT {label.lower()}_{key}_unique IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
        for label, key in NODE_KEYS.items()
    ]
    stmts += [
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for label, prop in _RANGE_INDEXES
    ]
    stmts += [
        f"CREATE INDEX rel_{t.lower()}_{p} IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.{p})" for t, p in _REL_INDEXES
    ]
    stmts += [
        f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR (n:{label}) ON EACH "
        f"[{', '.join('n.' + p for p in props)}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'cjk'}}}}"
        for name, label, props in _FULLTEXT
    ]
    return stmts


def ensure_schema(driver: neo4j.Driver, database: str = "neo4j", *, wait_seconds: int = 300) -> int:
    """Create every constraint and index (idempotent) and wait up to ``wait_seconds`` for them to
    come online (populating indexes over an existing graph is what takes the time).

    Returns the number of statements applied.
    """
    stmts = schema_statements()
    with driver.session(database=database) as session:
        for stmt in stmts:
            session.run(stmt).consume()
        session.run("CALL db.awaitIndexes($s)", s=int(wait_seconds)).consume()
    return len(stmts)


def _statement_name(stmt: str) -> str:
    """The name a ``schema_statements`` entry creates: CREATE CONSTRAINT|INDEX <name> …, CREATE FULLTEXT INDEX <name> …"""
    return stmt.split()[3] if stmt.startswith("CREATE FULLTEXT") else stmt.split()[2]


def secondary_index_names() -> list[str]:
    """Names of the range, relationship and full-text indexes ``ensure_schema`` creates: everything
    but the uniqueness constraints (which MERGE needs) and Neo4j's own token lookup indexes."""
    return [_statement_name(stmt) for stmt in schema_statements() if not stmt.startswith("CREATE CONSTRAINT")]


def _index_names(session: neo4j.Session) -> set[str]:
    return {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}


def missing_secondary_indexes(driver: neo4j.Driver, database: str = "neo4j") -> list[str]:
    """Our secondary indexes that the database does not have (e.g. after a load died mid-way)."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        present = _index_names(session)
    return [name for name in secondary_index_names() if name not in present]


def drop_secondary_indexes(driver: neo4j.Driver, database: str = "neo4j") -> list[str]:
    """Drop our secondary indexes (not the constraints) before a large first load; returns their names.

    Each written node otherwise updates up to eight indexes, full text included, row by row; building
    them once after the load (``ensure_schema``) is several times cheaper. Only names from
    :func:`secondary_index_names` are touched — indexes a user added are left alone.
    """
    with driver.session(database=database) as session:
        names = _index_names(session)
        present = [name for name in secondary_index_names() if name in names]
        for name in present:
            session.run(f"DROP INDEX {name} IF EXISTS").consume()  # name from our own list, never user input
    return present


def schema_names() -> set[str]:
    """Names of every constraint and index ``ensure_schema`` creates (for checks and tests)."""
    return {_statement_name(stmt) for stmt in schema_statements()}
