"""The bundled demo data set (``data/demo/``), loaded through the same path as any user folder."""

from __future__ import annotations

from typing import Any

from loaders.datadir import data_dir
from loaders.pipeline import LoadReport, load_directory

DEMO_DIR = data_dir() / "demo"  # the checkout's data/demo, or the installed copy (see loaders/datadir.py)


def load_demo(driver: Any, database: str = "neo4j") -> LoadReport:
    """Load ``data/demo/`` (idempotent) and return the report; raises InputError if a file is fatal
    or the folder is missing (generate it with ``python -m demodata.generator``)."""
    report = load_directory(driver, DEMO_DIR, database=database)
    report.raise_for_fatal()
    return report
