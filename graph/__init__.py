"""Everything that touches Neo4j: settings, driver, schema, writer and the local embedded server.

Import submodules explicitly (``from graph.writer import write_nodes``); this package's
``__init__`` stays free of I/O and of the ``neo4j`` import so that pure modules can use
``graph.errors`` cheaply.
"""
