"""The research notebooks read as reports and still run.

Saved with their outputs (`make notebooks` re-executes them against the demo graph): every code cell
ran, no errors, tables and charts (incl. a drawn graph) are in the file, and no password is. The
execution test runs each one top to bottom against the demo graph (kernel from this .venv).
"""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOPICS = {"chain_map_and_gaps", "licensing_network", "demand_matching", "patent_landscape", "programme_measures"}


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_the_reports_cover_the_programmes_questions():
    assert TOPICS <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_notebook_has_its_results(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code), "run `make notebooks` to save the outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")  # a titled report
    outs = _outputs(nb)
    assert not [o for o in outs if o.output_type == "error"]
    images = [o for o in outs if "image/png" in o.get("data", {})]
    tables = [o for o in outs if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"]]
    assert images, "no chart saved"
    assert tables, "no table saved"


def test_a_graph_is_drawn_in_the_reports():
    drawn = [p.stem for p in NOTEBOOKS
             if "draw_networkx" in "".join(c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code")]
    assert {"chain_map_and_gaps", "licensing_network"} <= set(drawn)


def test_no_password_in_the_saved_notebooks(settings):
    text = "".join(p.read_text(encoding="utf-8") for p in NOTEBOOKS)
    if settings.password:
        assert settings.password not in text
    assert "neo4j-password" not in text.replace("$CHAINKG_HOME/neo4j-password", "")


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo_graph(demo_graph, path, monkeypatch):
    # The kernel (ipykernel's python3 spec = this venv's interpreter) inherits the environment, so it
    # reaches the same Neo4j (CHAINKG_HOME / CHAINKG_NEO4J_PORT / NEO4J_URI) and imports the project from ROOT.
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # Charts inline, as in Jupyter and tools/run_notebooks.py: another test of this process may have
    # switched matplotlib to Agg, which the kernel would inherit through MPLBACKEND and then draw nothing.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert not errors
    assert [o for o in _outputs(nb) if "image/png" in o.get("data", {})]
