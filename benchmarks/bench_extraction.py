"""Extraction throughput: texts/s per core for 200-character texts, rules path and rules + model.

Run: .venv/bin/python benchmarks/bench_extraction.py [--n 2000] [--model DIR]
Prints one JSON object (the bench runner collects it into benchmarks/results/).
"""

from __future__ import annotations

import argparse
import json
import random
import time

from extraction.pipeline import build_nlp, extract_texts

_SENTS = [
    "本发明公开了一种锂离子电池用高镍正极材料及其制备方法，申请人为苏州星衡新能源科技有限公司，公开号CN114142123A。",
    "常州恒远精密机械有限公司长期向比亚迪股份有限公司供应电池结构件，分类号H01M50/20。",
    "南京工业大学研发的硅碳负极材料已完成中试，技术成熟度达到6级。",
    "该公司位于苏州工业园区，主要从事功率半导体器件的研发、生产和销售，与东南大学共建联合实验室。",
    "需求：寻求高压实磷酸铁锂制备技术，预算500万元，联系人王立新教授。",
]


def make_texts(n: int, length: int = 200, seed: int = 0) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        s = ""
        while len(s) < length:
            s += rnd.choice(_SENTS)
        out.append(s[:length])
    return out


def bench(nlp, texts) -> float:
    extract_texts(nlp, [{"id": i, "text": t} for i, t in enumerate(texts[:50])])  # warm-up (jieba dictionary)
    t0 = time.process_time()  # CPU time of this process: texts per core-second
    extract_texts(nlp, [{"id": i, "text": t} for i, t in enumerate(texts)])
    return len(texts) / (time.process_time() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    texts = make_texts(args.n)
    result = {"texts": args.n, "chars_per_text": 200, "rules_texts_per_core_s": round(bench(build_nlp(), texts), 1)}
    if args.model:
        result["rules_model_texts_per_core_s"] = round(bench(build_nlp({"model_path": args.model}), texts), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
