"""The one driver factory and a connection check with an actionable message."""

from __future__ import annotations

import logging

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph.errors import ConnectionFailed
from graph.settings import Settings

log = logging.getLogger(__name__)


def make_driver(settings: Settings) -> neo4j.Driver:
    """Create the long-lived driver for ``settings`` (no I/O until first use).

    Build it once at the edge (CLI entry, ``st.cache_resource``, a test fixture) and pass it in.
    """
    log.info("driver for %s (user %s, %s)", settings.uri, settings.user,
             "password set" if settings.auth else "no auth")
    return neo4j.GraphDatabase.driver(
        settings.uri,
        auth=settings.auth,
        connection_acquisition_timeout=30,
        max_connection_lifetime=3600,
        user_agent="chainkg/0.1",
    )


def check_connection(driver: neo4j.Driver, settings: Settings) -> str:
    """Run ``RETURN 1`` and return the server version; raise ConnectionFailed saying what to do."""
    try:
        driver.verify_connectivity()  # fails fast; execute_query would retry for ~30 s first
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD versions RETURN versions[0] AS v",
            database_=settings.database,
            routing_=neo4j.RoutingControl.READ,
        )
        log.info("connected to Neo4j %s at %s, database %s", records[0]["v"], settings.uri, settings.database)
        return records[0]["v"]
    except AuthError as e:
        raise ConnectionFailed(
            f"Neo4j at {settings.uri} refused the credentials for user {settings.user!r}; "
            "check NEO4J_USER / NEO4J_PASSWORD"
        ) from e
    except (ServiceUnavailable, OSError) as e:
        hint = (
            "start the local server with `chainkg server start`"
            if settings.local
            else "check that the server at NEO4J_URI is running and reachable, or unset NEO4J_URI to use the local one"
        )
        raise ConnectionFailed(f"Cannot reach Neo4j at {settings.uri}: {e.__class__.__name__}; {hint}") from e
