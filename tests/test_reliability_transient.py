"""Transient errors: a real deadlock between crossing writes is retried by the driver's managed transactions."""

from __future__ import annotations

import threading

import pytest
from neo4j.exceptions import TransientError

from graph.writer import write_nodes, write_relationships


def _run_threads(*targets):
    errors: list[BaseException] = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - collected and re-raised in the test thread
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    if errors:
        raise errors[0]


@pytest.mark.neo4j
def test_crossing_writes_deadlock_and_both_commit_after_retry(driver, settings, ns):
    """T1 locks A then B, T2 locks B then A; Neo4j kills one with DeadlockDetected; execute_write retries it."""
    a, b = f"{ns}A", f"{ns}B"
    write_nodes(driver, "Patent", [{"pub_no": a, "hits": 0}, {"pub_no": b, "hits": 0}], database=settings.database)
    barrier = threading.Barrier(2, timeout=20)
    attempts = {"t1": 0, "t2": 0}
    seen_transient: list[str] = []
    bump = "MATCH (n:Patent {pub_no: $k}) SET n.hits = n.hits + 1, n.by = coalesce(n.by, []) + $who"

    def work(tx, who, first, second):
        attempts[who] += 1
        tx.run(bump, k=first, who=who).consume()
        if attempts[who] == 1:
            barrier.wait()  # both hold their first lock before either asks for its second
        try:
            tx.run(bump, k=second, who=who).consume()
        except TransientError as e:
            seen_transient.append(e.code)
            raise  # let the driver roll back and retry

    def t1():
        with driver.session(database=settings.database) as s:
            s.execute_write(work, "t1", a, b)

    def t2():
        with driver.session(database=settings.database) as s:
            s.execute_write(work, "t2", b, a)

    _run_threads(t1, t2)
    assert seen_transient and all("Deadlock" in c for c in seen_transient), seen_transient
    assert attempts["t1"] + attempts["t2"] >= 3, attempts  # one of them ran again
    with driver.session(database=settings.database) as s:
        rows = {r["k"]: (r["hits"], sorted(r["by"])) for r in s.run(
            "MATCH (n:Patent) WHERE n.pub_no IN $ks RETURN n.pub_no AS k, n.hits AS hits, n.by AS by", ks=[a, b])}
    # Each transaction counted exactly once on each node: the rolled-back attempt left nothing behind.
    assert rows == {a: (2, ["t1", "t2"]), b: (2, ["t1", "t2"])}


@pytest.mark.neo4j
def test_concurrent_writer_batches_in_opposite_orders_converge(driver, settings, ns):
    """graph.writer chunks written concurrently in opposite orders (deadlock-prone) all land exactly once."""
    keys = [f"{ns}P{i:04d}" for i in range(400)]
    write_nodes(driver, "Patent", [{"pub_no": k} for k in keys], database=settings.database)
    forward = [{"start": keys[i], "end": keys[(i + 1) % len(keys)], "props": {"w": 1}} for i in range(len(keys))]
    backward = [{"start": keys[(i + 1) % len(keys)], "end": keys[i], "props": {"w": 2}} for i in range(len(keys))]

    def writer(rows, props_rows):
        def go():
            for _ in range(3):  # repeated MERGE of the same rows must stay idempotent under contention
                write_relationships(driver, "CITES", rows, start_label="Patent", end_label="Patent",
                                    batch_size=50, database=settings.database)
                write_nodes(driver, "Patent", props_rows, batch_size=50, database=settings.database)
        return go

    _run_threads(
        writer(forward, [{"pub_no": k, "side": "f"} for k in keys]),
        writer(backward, [{"pub_no": k, "other": "b"} for k in reversed(keys)]),
    )
    with driver.session(database=settings.database) as s:
        rels = s.run("MATCH (a:Patent)-[r:CITES]->(b:Patent) WHERE a.pub_no STARTS WITH $p "
                     "RETURN count(r) AS c, count(DISTINCT [a, b]) AS pairs", p=ns).single()
        nodes = s.run("MATCH (n:Patent) WHERE n.pub_no STARTS WITH $p "
                      "RETURN count(n) AS c, count(n.side) AS side, count(n.other) AS other", p=ns).single()
    assert (rels["c"], rels["pairs"]) == (800, 800)
    assert (nodes["c"], nodes["side"], nodes["other"]) == (400, 400, 400)
