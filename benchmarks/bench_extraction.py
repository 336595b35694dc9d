"""Extraction throughput: texts per core-second for 200-character texts (issue 4 target: ≥ 1,000 on
the rules path; issue 13: ≥ 500 on the default path, rules + trained ORG model), the optional Baidu LAC
path (``--lac fill``), and ORG F1 of the default path beside rules only on CLUENER's held-out fifth.

    python benchmarks/bench_extraction.py [--scale N|demo] [--json OUT.json] [--n 2000] [--lac fill] [--model DIR]
                                          [--f1-limit N] [--repeats 3]

``--scale`` is accepted for the common bench interface but does not change the work: throughput is
measured on ``--n`` generated texts (default 2,000) whatever the graph size. Time is CPU time of this
process (``time.process_time``), so the figure is per core even on a shared machine; the rules and
default paths are timed alternately ``--repeats`` times and the median of each is reported, so a burst of
other load hits both (the ratio default / rules is the figure least sensitive to load). ``baseline``
is the rules path before the speed work (703 texts/core-s, docs/extraction.md); the LAC and model
figures use the rules path of the same run as their baseline. With ``--json`` the result is written
in the common shape (``{"figures": {name: {"value", "unit", "baseline", "ratio", "target"}}}``);
without it one legacy JSON line is printed (``rules_texts_per_core_s`` …).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_parser, figure, finish_figure, write_result  # noqa: E402
from extraction.pipeline import build_nlp, extract_texts  # noqa: E402

#: Rules-path throughput before the speed work of 2026-11-27 (docs/extraction.md).
RULES_BASELINE = 703.0
RULES_TARGET = 1000.0

_SENTS = [
    "本发明公开了一种锂离子电池用高镍正极材料及其制备方法，申请人为苏州星衡新能源科技有限公司，公开号CN114142123A。",
    "常州恒远精密机械有限公司长期向比亚迪股份有限公司供应电池结构件，分类号H01M50/20。",
    "南京工业大学研发的硅碳负极材料已完成中试，技术成熟度达到6级。",
    "该公司位于苏州工业园区，主要从事功率半导体器件的研发、生产和销售，与东南大学共建联合实验室。",
    "需求：寻求高压实磷酸铁锂制备技术，预算500万元，联系人王立新教授。",
]


def make_texts(n: int, length: int = 200, seed: int = 0) -> list[str]:
    """``n`` texts of ``length`` characters made of patent/profile/demand-style sentences."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        s = ""
        while len(s) < length:
            s += rnd.choice(_SENTS)
        out.append(s[:length])
    return out


def bench(nlp, texts) -> float:
    """Texts per CPU-second of this process for ``extract_texts`` over ``texts`` (after a warm-up)."""
    extract_texts(nlp, [{"id": i, "text": t} for i, t in enumerate(texts[:50])])  # warm-up (jieba dictionary)
    t0 = time.process_time()
    extract_texts(nlp, [{"id": i, "text": t} for i, t in enumerate(texts)])
    return len(texts) / (time.process_time() - t0)


def bench_alternating(pipelines: dict, texts, repeats: int = 3) -> dict[str, float]:
    """Median texts per CPU-second of each pipeline, timed in turn ``repeats`` times (rules, default,
    rules, default …) so that changing load on a shared machine falls on all of them alike."""
    runs: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(max(1, repeats)):
        for name, nlp in pipelines.items():
            runs[name].append(bench(nlp, texts))
    return {name: sorted(v)[len(v) // 2] for name, v in runs.items()} | {f"{name}_runs": v for name, v in runs.items()}


def relation_scores(nlp) -> dict[str, dict]:
    """Relation P/R/F1 (all types) of ``nlp`` on the relation gold set's dev and held-out parts, the second and
    third development blocks, the fresh block written before the extractor ran on it and, when present, the
    independent annotator's block (tests/gold/relations_*.txt)."""
    from extraction import corpora
    from extraction.evaluate import score_examples

    parts = {"dev": lambda: corpora.read_gold(corpora.RELATIONS_GOLD_FILE, "dev"),
             "dev2": lambda: corpora.read_gold(corpora.RELATIONS_DEV2_FILE),
             "dev3": lambda: corpora.read_gold(corpora.RELATIONS_DEV3_FILE),
             "heldout": lambda: corpora.read_gold(corpora.RELATIONS_GOLD_FILE, "heldout"),
             "fresh": lambda: corpora.read_gold(corpora.RELATIONS_FRESH_FILE)}
    if corpora.RELATIONS_FRESH3_FILE.is_file():  # the independent annotator's block (totals only)
        parts["fresh3"] = lambda: corpora.read_gold(corpora.RELATIONS_FRESH3_FILE)
    return {name: score_examples(nlp, read(), {"ORG"})["relations"] for name, read in parts.items()}


def main() -> None:
    ap = bench_parser(__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="texts to process (default 2000)")
    ap.add_argument("--lac", default="fill", help="LAC mode to measure as well ('off' to skip; default fill)")
    ap.add_argument("--model", default=None, help="ORG model directory for the default path (default: models/org-crf)")
    ap.add_argument("--f1-limit", type=int, default=None, help="held-out CLUENER sentences for the F1 figures (default all)")
    ap.add_argument("--repeats", type=int, default=3, help="alternating timing rounds of rules and default (median kept)")
    args = ap.parse_args()
    texts = make_texts(args.n)
    rules_nlp, default_nlp = build_nlp({"model": "off"}), build_nlp({"model_path": args.model})
    speed = bench_alternating({"rules": rules_nlp, "default": default_nlp}, texts, args.repeats)
    rules, default = speed["rules"], speed["default"]
    legacy = {"texts": args.n, "chars_per_text": 200, "rules_texts_per_core_s": round(rules, 1),
              "rules_runs": [round(x) for x in speed["rules_runs"]], "default_runs": [round(x) for x in speed["default_runs"]]}
    figs = {"rules_texts_per_core_s": finish_figure(figure(
        rules, "texts/core-s", baseline=RULES_BASELINE, target=RULES_TARGET,
        note="baseline: rules path before the 2026-11-27 speed work"))}
    if args.lac and args.lac != "off":
        lac = bench(build_nlp({"model": "off", "lac": args.lac}), texts)
        legacy[f"lac_{args.lac}_texts_per_core_s"] = round(lac, 1)
        figs[f"lac_{args.lac}_texts_per_core_s"] = finish_figure(figure(
            lac, "texts/core-s", baseline=rules, note=f"rules + Baidu LAC ({args.lac}); baseline: rules path of this run"))
    legacy["default_texts_per_core_s"] = round(default, 1)
    figs["default_texts_per_core_s"] = finish_figure(figure(
        default, "texts/core-s", baseline=rules, target=500.0,
        note=f"default pipeline (rules + trained ORG CRF), median of {args.repeats} runs alternating with the rules path; "
             "baseline: rules path of this run"))
    figs["default_ms_per_text_cpu"] = finish_figure(figure(
        1000.0 / default, "CPU ms/text", baseline=1000.0 / rules, better="lower",
        note="CPU milliseconds per 200-character text; baseline: rules path of this run"))
    rel_rules, rel_default = relation_scores(rules_nlp), relation_scores(default_nlp)
    for part in rel_default:
        d, r = rel_default[part]["ALL"], rel_rules[part]["ALL"]
        legacy[f"default_rel_{part}"] = {"p": d["p"], "r": d["r"], "f1": d["f1"]}
        figs[f"default_rel_f1_{part}"] = finish_figure(figure(
            d["f1"], "F1", baseline=r["f1"],
            note=f"relations (all types) on the relation gold set's {part} part: P {d['p']} / R {d['r']}; "
                 f"baseline: rules path (P {r['p']} / R {r['r']})"))
    from extraction import corpora
    from extraction.evaluate import score_examples

    if (corpora.SHARED_DATA / "ner" / "cluener2020" / "train.json").is_file():
        held = list(corpora.read_cluener("heldout"))[: args.f1_limit]
        f1_rules = score_examples(rules_nlp, held, {"ORG"})["labels"]["ORG"]["f1"]
        f1_default = score_examples(default_nlp, held, {"ORG"})["labels"]["ORG"]["f1"]
        legacy.update(rules_org_f1_cluener_heldout=f1_rules, default_org_f1_cluener_heldout=f1_default)
        figs["default_org_f1_cluener_heldout"] = finish_figure(figure(
            f1_default, "F1", baseline=f1_rules, target=0.75,
            note=f"ORG F1 on {len(held):,} held-out CLUENER sentences; baseline: rules path of this run"))
    if args.json is None:
        print(json.dumps(legacy))
        return
    write_result(args.json, "extraction", args.scale, figs,
                 notes=[f"{args.n:,} texts of 200 characters; CPU time of one process (texts per core-second)",
                        f"alternating runs (texts/core-s): rules {legacy['rules_runs']}, default {legacy['default_runs']}"])


if __name__ == "__main__":
    main()
