"""Load the generated data set for a scale with `chainkg load`'s pipeline and leave it for the query benchmarks.

The generator (``demodata.generator``) writes organisations, patents, licences, transfers, open
licences, achievements and demands in proportion to ``--scale`` patents (``demo`` is the bundled
``data/demo``); ``load_directory`` loads them over Bolt with validation, resolution and derivations,
exactly as ``chainkg load`` does. Reports end-to-end time and rows/s, the write phases' own rates
(node rows per second of node-write time, relationship rows per second of relationship-write time,
which issue 17's targets are about), the time of the other phases, and the loader's peak RSS. The graph
stays in the database: bench_queries and bench_licensor_ranking measure it next (run_all order).
When run_all started its own throw-away server (``CHAINKG_BENCH_OWNED=1``) the database is emptied
first so a scale change never mixes data sets; against any other server nothing is deleted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Timer, bench_parser, connect, figure, peak_rss_mb, source_dir, write_result  # noqa: E402


def main() -> None:
    args = bench_parser(__doc__.splitlines()[0]).parse_args()
    from graph.settings import load_settings
    from loaders.pipeline import load_directory

    with Timer() as t_gen:
        src = source_dir(args.scale)
    settings = load_settings()
    driver = connect(settings)
    if os.environ.get("CHAINKG_BENCH_OWNED") == "1":
        with driver.session(database=settings.database) as session:  # the throw-away bench store only
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    rss_before = peak_rss_mb()
    with Timer() as t_load:
        report = load_directory(driver, src, database=settings.database)
    driver.close()
    patents = sum(f.loaded for f in report.files if f.kind == "patents")
    rows = report.nodes_written + report.relationships_written
    figures = {
        "patents_per_s": figure(patents / t_load.seconds, "patents/s", note="end to end: validate, resolve, write, derive"),
        "rows_per_s": figure(rows / t_load.seconds, "rows/s"),
        "nodes_per_s": figure(report.nodes_written / t_load.seconds, "nodes/s", note="node rows over the whole load time"),
        "rels_per_s": figure(report.relationships_written / t_load.seconds, "rels/s",
                             note="relationship rows over the whole load time (derivations excluded)"),
        "node_write_rows_per_s": figure(report.nodes_per_s, "nodes/s", target=30000,
                                        note=f"write phase only: {report.node_write_seconds:.1f} s of node writes"),
        "rel_write_rows_per_s": figure(report.rels_per_s, "rels/s", target=25000,
                                       note=f"write phase only: {report.rel_write_seconds:.1f} s of relationship writes"),
        "load_seconds": figure(t_load.seconds, "s", better="lower", note="end to end (compare: the bulk path, docs/scaling.md)"),
        "read_validate_resolve_s": figure(report.other_seconds, "s", better="lower",
                                          note="reading, validation, resolution, reference checks (client only)"),
        "node_write_s": figure(report.node_write_seconds, "s", better="lower"),
        "rel_write_s": figure(report.rel_write_seconds, "s", better="lower"),
        "derive_s": figure(report.derive_seconds, "s", better="lower", note="derivations and precomputed shortcuts"),
        "index_rebuild_s": figure(report.index_seconds, "s", better="lower",
                                  note=f"{len(report.indexes_deferred)} secondary indexes built after the writes (in load_seconds)"),
        "peak_rss_mb": figure(peak_rss_mb(), "MiB", better="lower", target=1536),
        "rejected_rows": figure(len({(r.file, r.row) for r in report.rejects}), "rows", better="lower"),
    }
    notes = [f"{src.name}: {patents:,} patents, {report.nodes_written:,} node rows, "
             f"{report.relationships_written:,} relationship rows; generated in {t_gen.seconds:.0f}s "
             f"(cached after the first run); RSS before load {rss_before:.0f} MiB"]
    write_result(args.json, "dataset", args.scale, figures, notes)


if __name__ == "__main__":
    main()
