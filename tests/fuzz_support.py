"""Counting the cases that property tests generate, so the reliability report can state them.

Each call to :func:`count_case` adds one to a named counter; at interpreter exit the counters are
written to ``test-output/fuzz_counts.json`` (git-ignored) and can be printed with
``python -m tests.fuzz_support``.
"""

from __future__ import annotations

import atexit
import json
from collections import Counter
from pathlib import Path

COUNTS: Counter[str] = Counter()
OUT = Path(__file__).resolve().parent.parent / "test-output" / "fuzz_counts.json"


def count_case(name: str) -> None:
    """Record one generated input for the test family ``name``."""
    COUNTS[name] += 1


def _write() -> None:
    if not COUNTS:
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    families: Counter[str] = Counter()
    for name, c in COUNTS.items():
        families[name.split(":")[0]] += c
    OUT.write_text(json.dumps({"total": sum(COUNTS.values()), "by_family": dict(sorted(families.items())),
                               "by_test": dict(sorted(COUNTS.items()))}, indent=2, ensure_ascii=False))


atexit.register(_write)

if __name__ == "__main__":
    print(OUT.read_text() if OUT.exists() else "no fuzz run recorded yet")
