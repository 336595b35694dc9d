"""The research notebooks execute top to bottom against the demo graph (kernel from this .venv)."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_two_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo_graph(demo_graph, path, monkeypatch):
    # The kernel (ipykernel's python3 spec = this venv's interpreter) inherits the environment, so it
    # reaches the same Neo4j (CHAINKG_NEO4J_PORT / NEO4J_URI) and imports the project from ROOT.
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
