"""The bundled demo data set (``data/demo/``), loaded through the same path as any user folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.pipeline import LoadReport, load_directory

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


def load_demo(driver: Any, database: str = "neo4j") -> LoadReport:
    """Load ``data/demo/`` (idempotent) and return the report; raises InputError if a file is fatal
    or the folder is missing (generate it with ``python -m demodata.generator``)."""
    report = load_directory(driver, DEMO_DIR, database=database)
    report.raise_for_fatal()
    return report
