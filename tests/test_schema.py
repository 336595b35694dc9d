import pytest

from graph.errors import SchemaError
from graph.schema import NODE_KEYS, check_label, check_property, check_rel_type, schema_statements

DESIGN_KEYS = {
    "Organization": "org_id", "Patent": "pub_no", "IPC": "code", "Chain": "chain_id", "ChainNode": "node_id",
    "Industry": "code", "Region": "code", "Achievement": "ach_id", "Demand": "demand_id",
    "License": "license_id", "Transfer": "transfer_id", "OpenLicenseOffer": "offer_id",
}


def test_every_design_label_has_a_unique_constraint():
    stmts = schema_statements()
    for label, key in DESIGN_KEYS.items():
        assert NODE_KEYS[label] == key
        assert any(f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE" in s for s in stmts), label


def test_statements_are_idempotent_forms():
    assert all(" IF NOT EXISTS " in s for s in schema_statements())


@pytest.mark.parametrize("bad", ["Foo", "Organization`) DETACH DELETE n //", "", "organization"])
def test_unknown_labels_are_refused(bad):
    with pytest.raises(SchemaError):
        check_label(bad)


@pytest.mark.parametrize("bad", ["KNOWS", "LICENSED_TO]->() DELETE r //"])
def test_unknown_rel_types_are_refused(bad):
    with pytest.raises(SchemaError):
        check_rel_type(bad)


@pytest.mark.parametrize("bad", ["a b", "x}) DELETE n", "1abc", "名称", "`x`"])
def test_property_names_must_be_identifiers(bad):
    with pytest.raises(SchemaError):
        check_property(bad)


@pytest.mark.neo4j
def test_ensure_schema_twice_creates_everything_once(driver, settings):
    from graph.schema import ensure_schema, schema_names

    ensure_schema(driver, settings.database)
    ensure_schema(driver, settings.database)
    recs, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS c", database_=settings.database)
    constraints = set(recs[0]["c"])
    recs, _, _ = driver.execute_query("SHOW INDEXES YIELD name, state RETURN collect([name, state]) AS i", database_=settings.database)
    indexes = {n: s for n, s in recs[0]["i"]}
    for name in schema_names():
        assert name in constraints or name in indexes, name
    assert all(state == "ONLINE" for state in indexes.values())
    assert len([c for c in constraints if c.endswith("_unique")]) >= len(DESIGN_KEYS)
