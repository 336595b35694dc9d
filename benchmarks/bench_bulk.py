"""Bulk path benchmark: `chainkg export-bulk` rows/s and the offline importer's rows/s at a scale.

Exports the generated source folder for ``--scale`` patents to CSV files, then runs
``neo4j-admin database import full`` into a throw-away store (``.chainkg/bench-bulk``, never the
bench server's), and reports export and import throughput and the exporter's peak RSS.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    DEMO_SCALE,
    ROOT,
    Timer,
    bench_parser,
    figure,
    peak_rss_mb,
    source_dir,
    write_result,
)

BULK_HOME = ROOT / ".chainkg" / "bench-bulk"


def main() -> None:
    args = bench_parser(__doc__.splitlines()[0]).parse_args()
    from graph.bulk_import import import_bulk
    from graph.settings import load_settings
    from loaders.bulk_records import export_directory

    src = source_dir(args.scale)
    if BULK_HOME.exists():
        shutil.rmtree(BULK_HOME)
    out = BULK_HOME / "files"
    with Timer() as t_export:
        report = export_directory(src, out)
    m = report.manifest
    rows = m.node_count + m.relationship_count
    # The importer needs the local-store settings of a home of its own (NEO4J_URI is ignored here).
    settings = load_settings({"CHAINKG_HOME": str(BULK_HOME), "CHAINKG_NEO4J_HEAP": "1g"})
    result = import_bulk(settings, out, overwrite=True)
    imported = result.nodes + result.relationships
    notes = [f"source {src.relative_to(ROOT) if src.is_relative_to(ROOT) else src}: {m.node_count:,} nodes, "
             f"{m.relationship_count:,} relationships; importer wall time includes JVM start (~3 s)"]
    figures = {
        "export_rows_per_s": figure(rows / t_export.seconds, "rows/s",
                                    note="CSV files written by loaders.bulk_records (one Python process)"),
        "export_peak_rss_mb": figure(peak_rss_mb(), "MiB", better="lower"),
        "import_rows_per_s": figure(imported / result.seconds, "rows/s",
                                    note="neo4j-admin database import full, from the Maven jars"),
        "import_seconds": figure(result.seconds, "s", better="lower"),
        "nodes": figure(result.nodes, "nodes"),
        "relationships": figure(result.relationships, "rels"),
    }
    if imported != rows:
        notes.append(f"importer reported {imported:,} rows, export wrote {rows:,}")
    write_result(args.json, "bulk", args.scale if args.scale != DEMO_SCALE else "demo", figures, notes)
    shutil.rmtree(BULK_HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
