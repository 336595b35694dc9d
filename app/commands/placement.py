"""`chainkg evaluate-placement` (the chain-placement gold set → P/R/F1 per chain and method, calibration)
and `chainkg placement` (list placements with their evidence; accept, move or remove one by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from extraction.placement_eval import CHAINS

ROOT = Path(__file__).resolve().parents[2]
#: The chain library as it was before issue 18 (a copy of our own files), so "today" stays reproducible.
BASELINE_CHAINS = ROOT / "tests" / "gold" / "placement_baseline_chains"


def _today_placer(chain_dir: Path):
    """The rules before issue 18 (keywords 0.55 + 0.1 per further keyword, the loader's IPC prefix at
    0.9) on the chain library before issue 18."""
    from extraction.gazetteer import nodes_from_chain_yaml
    from extraction.placement import place_by_ipc, place_by_keywords

    nodes = nodes_from_chain_yaml(sorted(chain_dir.glob("*.yaml")))

    def place(g):
        best: dict[str, tuple[str, str, float]] = {}
        for p in place_by_keywords(g.title, nodes) + place_by_ipc(g.ipc, nodes):
            if p.node_id not in best or p.confidence > best[p.node_id][2]:
                best[p.node_id] = (p.node_id, p.method, p.confidence)
        return list(best.values())

    return place


def _new_placer(chain_dir: Path, by: str, learned: bool = True):
    """Evidence combination; ``by`` = 'rule' scores per evidence class, 'method' per method; ``learned``
    adds the committed classifier (models/placement-lr) when its files are there."""
    from extraction.chain_profiles import profiles_from_chain_dir
    from extraction.placement import PlacementModel
    from extraction.placement_learned import load_learned_placer

    model = PlacementModel(profiles_from_chain_dir(chain_dir), learned=load_learned_placer() if learned else None)

    def place(g):
        return [(p.node_id, p.rule if by == "rule" else p.method, p.confidence) for p in model.place(g.title, g.ipc)]

    return place, model


def evaluate_placement(chain_dir: Path, gold: Path | None = None, min_confidence: float = 0.0,
                       baseline_dir: Path = BASELINE_CHAINS) -> dict:
    """Today's (old rules, old chain files) and the new placement on the tuning part, the held-out
    part and all of the gold set."""
    from extraction.placement_eval import (
        calibration_gold,
        evaluate,
        fit_learned_confidence,
        fit_rule_confidence,
        learned_fit_inputs,
        load_gold,
    )

    out: dict = {"gold": str(gold or "tests/gold/placement_gold.tsv"), "min_confidence": min_confidence, "splits": {}}
    today = _today_placer(baseline_dir)
    new_by_method, _ = _new_placer(chain_dir, "method")
    new_by_rule, _ = _new_placer(chain_dir, "rule")
    rules_only, rules_model = _new_placer(chain_dir, "method", learned=False)
    for split in ("tune", "heldout", "heldout2", "heldout3", None):
        g = load_gold(gold, split=split)
        name = split or "all"
        rel = sum(1 for x in g if x.nodes)
        out["splits"][name] = {
            "patents": len(g), "relevant": rel,
            "today": evaluate(g, today, min_confidence=min_confidence).as_dict(),
            "new": evaluate(g, new_by_method, min_confidence=min_confidence).as_dict(),
            "new_by_rule": evaluate(g, new_by_rule, min_confidence=min_confidence).as_dict()["per_method"],
            "rules_only": evaluate(g, rules_only, min_confidence=min_confidence).as_dict()["overall"],
        }
    out["rule_fit_on_tune"] = fit_rule_confidence(calibration_gold(gold), rules_model)
    # the classifier judged out of fold: the calibration data placed with the stored out-of-fold outputs
    cal, oof_model, fresh = learned_fit_inputs(gold)
    out["calibration_out_of_fold"] = evaluate(
        cal, lambda g: [(p.node_id, p.rule, p.confidence) for p in oof_model.place(g.title, g.ipc)],
        min_confidence=min_confidence).as_dict()
    out["learned_fit"] = fit_learned_confidence(cal, oof_model, fresh)
    return out


def _row(name: str, s: dict) -> str:
    return f"| {name} | {s['placed']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |"


def to_markdown(res: dict) -> str:
    """The evaluation as Markdown tables (what docs/extraction.md quotes)."""
    lines = []
    for split, d in res["splits"].items():
        lines += [f"### {split}: {d['patents']} patents, {d['relevant']} belong on a node"
                  + (f" (placements ≥ {res['min_confidence']})" if res["min_confidence"] else ""), "",
                  "| scope | today: placed / P / R / F1 | new: placed / P / R / F1 |", "|---|---|---|"]
        keys = ["overall", *CHAINS]
        for k in keys:
            t = d["today"]["overall"] if k == "overall" else d["today"]["per_chain"].get(k)
            n = d["new"]["overall"] if k == "overall" else d["new"]["per_chain"].get(k)
            lines.append(f"| {k} | {_fmt(t)} | {_fmt(n)} |")
        if d.get("rules_only"):
            lines.append(f"| overall, rules alone (no classifier) | | {_fmt(d['rules_only'])} |")
        for label, which in (("today", "today"), ("new", "new")):
            for m, s in sorted(d[which]["per_method"].items()):
                lines.append(f"| method {m} ({label}) | {_fmt(s) if label == 'today' else ''} | {_fmt(s) if label == 'new' else ''} |")
        lines += ["", "| confidence band | today: placed / right | new: placed / right / share right |", "|---|---|---|"]
        for t, n in zip(d["today"]["calibration"], d["new"]["calibration"], strict=True):
            acc = "" if n["accuracy"] is None else f" / {n['accuracy']:.3f}"
            lines.append(f"| {n['band']} | {t['placed']} / {t['right']} | {n['placed']} / {n['right']}{acc} |")
        lines.append("")
    oof = res.get("calibration_out_of_fold")
    if oof:
        lines += ["### calibration data (tuning part + first held-out part), the classifier out of fold (by round)", "",
                  f"overall {_fmt(oof['overall'])}; by rule: "
                  + ", ".join(f"{m} {s['right']} / {s['placed']}" for m, s in sorted(oof["per_method"].items())), ""]
    lines += ["### evidence classes on the calibration data (tuning part + first held-out part) — confidence in use = fitted",
              "", "| class | placed / right | fresh (first held-out part + round 7 before tuning): placed / right | prior "
              "| Wilson lower bound (all / fresh) | fitted |",
              "|---|---|---|---|---|---|"]
    for rule, f in res["rule_fit_on_tune"].items():
        lines.append(f"| {rule} | {f['placed']} / {f['right']} | {f.get('fresh_placed', '')} / {f.get('fresh_right', '')} | "
                     f"{f['prior']} | {f.get('wilson_lower', '')} / {f.get('wilson_lower_fresh', '')} | {f['fitted']} |")
    if res.get("learned_fit"):
        lines += ["", "### classes with the classifier (out-of-fold outputs; fresh = first held-out part + round 7 placed "
                  "with the chain files of before round 7)", "",
                  "| class | placed / right | fresh placed / right | prior | Wilson lower bound (all / fresh) | fitted |",
                  "|---|---|---|---|---|---|"]
        for cls, f in res["learned_fit"].items():
            lines.append(f"| {cls} | {f['placed']} / {f['right']} | {f['fresh_placed']} / {f['fresh_right']} | {f['prior']} "
                         f"| {f['wilson_lower']} / {f['wilson_lower_fresh']} | {f['fitted']} |")
    return "\n".join(lines) + "\n"


def _fmt(s: dict | None) -> str:
    if not s:
        return "—"
    return f"{s['placed']} / {s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}"


@click.command(
    "evaluate-placement",
    epilog="\b\nExamples:\n  chainkg evaluate-placement                      # tables: today vs new, tuning / held-out / all\n"
    "  chainkg evaluate-placement --min-confidence 0.8 # only placements a chain map at 0.8 would count\n"
    "  chainkg evaluate-placement --format json --out placement.json",
)
@click.option("--chains", "chain_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=ROOT / "data" / "chains", show_default=True, help="chain YAML directory")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="gold file (default tests/gold/placement_gold.tsv)")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write here instead of stdout")
def evaluate_cmd(chain_dir: Path, gold: Path | None, min_confidence: float, fmt: str, out: Path | None) -> None:
    """Score chain placement on the hand-judged gold set (titles read from ../shared/data)."""
    res = evaluate_placement(chain_dir, gold, min_confidence)
    text = json.dumps(res, ensure_ascii=False, indent=2) if fmt == "json" else to_markdown(res)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(text)


@click.group(
    "placement",
    epilog="\b\nExamples:\n  chainkg placement list --node nev_battery.charging --max-confidence 0.8\n"
    "  chainkg placement accept CN113942410A nev_battery.charging\n"
    "  chainkg placement move CN113942410A nev_battery.vehicle nev_battery.charging\n"
    "  chainkg placement remove CN114028826A biomed.api",
)
def placement_group() -> None:
    """Chain placements in the graph: list them with their evidence, correct them by hand."""


@placement_group.command("list")
@click.option("--kind", type=click.Choice(["Patent", "Organization"]), default="Patent", show_default=True)
@click.option("--node", "node_id", help="chain node id, e.g. nev_battery.charging")
@click.option("--subject", help="publication number / organisation id, or part of the title / name")
@click.option("--max-confidence", type=click.FloatRange(0, 1), default=1.0, show_default=True)
@click.option("--limit", type=int, default=50, show_default=True)
def list_cmd(kind: str, node_id: str | None, subject: str | None, max_confidence: float, limit: int) -> None:
    """Placements (weakest first) with the terms, IPC and rule that made them."""
    from app.context import driver, settings
    from graph.placement_store import read_placements

    rows = read_placements(driver(), kind, node_id=node_id, subject=subject, max_confidence=max_confidence,
                           limit=limit, database=settings().database)
    for r in rows:
        click.echo(f"{r['confidence']:.2f}  {r['subject_id']}  → {r['node_id']} ({r['node_name']})  [{r['method']}]  "
                   f"{r['subject_name'] or ''}  — {r['evidence'] or ''}")
    if not rows:
        click.echo("no placements match; run `chainkg load` and `chainkg extract` first")


def _correct(action: str, kind: str, subject: str, node_id: str, to_node: str | None) -> None:
    from app.context import driver, settings
    from graph import placement_store as ps

    db = settings().database
    if action == "accept":
        ps.place_manually(driver(), kind, subject, node_id, by="cli", database=db)
    elif action == "remove":
        ps.remove_placement(driver(), kind, subject, node_id, by="cli", database=db)
    else:
        ps.move_placement(driver(), kind, subject, node_id, to_node, by="cli", database=db)
    click.echo(f"{action}: {kind} {subject} {node_id}{' → ' + to_node if to_node else ''} (stored; survives extract and load)")


@placement_group.command("accept")
@click.argument("subject")
@click.argument("node_id")
@click.option("--kind", type=click.Choice(["Patent", "Organization"]), default="Patent", show_default=True)
def accept_cmd(subject: str, node_id: str, kind: str) -> None:
    """Keep SUBJECT on NODE_ID as a manual placement (confidence 1.0); places it if it was not there."""
    _correct("accept", kind, subject, node_id, None)


@placement_group.command("remove")
@click.argument("subject")
@click.argument("node_id")
@click.option("--kind", type=click.Choice(["Patent", "Organization"]), default="Patent", show_default=True)
def remove_cmd(subject: str, node_id: str, kind: str) -> None:
    """Remove SUBJECT from NODE_ID and block automatic re-placement there."""
    _correct("remove", kind, subject, node_id, None)


@placement_group.command("move")
@click.argument("subject")
@click.argument("from_node")
@click.argument("to_node")
@click.option("--kind", type=click.Choice(["Patent", "Organization"]), default="Patent", show_default=True)
def move_cmd(subject: str, from_node: str, to_node: str, kind: str) -> None:
    """Move SUBJECT from FROM_NODE to TO_NODE (a removal there, a manual placement here)."""
    _correct("move", kind, subject, from_node, to_node)


COMMANDS = [evaluate_cmd, placement_group]
