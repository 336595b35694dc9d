"""Re-execute the research notebooks against the current graph and save them with their outputs.

`make notebooks` runs it after `chainkg demo --no-app`, so the saved reports show the demo graph.
Each notebook runs top to bottom in a python3 kernel from this venv, with the repository on
PYTHONPATH and the environment's connection settings (the local server's password is read from
$CHAINKG_HOME by the notebook itself). A failing notebook is reported and left unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run one notebook and return it with fresh outputs (raises CellExecutionError on an error)."""
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", help="notebook names (default: every notebooks/*.ipynb)")
    args = p.parse_args(argv)
    paths = [NOTEBOOKS / f"{n.removesuffix('.ipynb')}.ipynb" for n in args.names] or sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = 0
    for path in paths:
        t0 = time.monotonic()
        try:
            nb = execute(path)
        except CellExecutionError as e:
            failed += 1
            print(f"FAILED {path.name}: {str(e).splitlines()[-1] if str(e) else e}", file=sys.stderr)
            continue
        nbformat.write(nb, path)
        print(f"{path.name}: executed and saved in {time.monotonic() - t0:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
