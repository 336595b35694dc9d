"""Training the organisation CRF (``chainkg train-ner``): data, synthetic sentences, crfsuite.

Training data (never the evaluation parts):

* CLUENER2020 train minus its held-out fifth (company / organization / government → ORG);
* People's Daily dev (its test file is never trained on);
* Resume NER train (dev and test are never trained on);
* synthetic sentences: our templates (company profiles, achievements, news) filled with
  organisation names — the demo graph's fictional names and aliases (data/demo) and the real firm
  names of the 专精特新 list in ../shared/data/little_giants — as full names and as short names
  (region and legal form dropped: 江苏恒立液压股份有限公司 → 恒立液压). Half of the names are put in the
  dictionary the rules match, so the model learns both to trust a dictionary hit and to find a
  name without one.

Every sentence runs through the rule components first (codes, dictionary, suffix rules, persons)
so the CRF is trained on the same candidate features it sees at run time.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Iterable
from pathlib import Path

from extraction import corpora
from extraction.crf_decoder import export_weights
from extraction.doctypes import STATE_KEY, DocResult, doc_state, token_spans
from extraction.gazetteer import OrgEntry, default_gazetteer
from extraction.model import DEFAULT_MODEL_DIR, META_FILE, MODEL_FILE, _crfsuite, spans_to_tags
from extraction.orgnames import short_name
from extraction.textnorm import fold_text
from graph.errors import ExtractionError

ROOT = Path(__file__).resolve().parent.parent
DEMO_ORGS = ROOT / "data" / "demo" / "organizations.csv"
LITTLE_GIANTS = corpora.SHARED_DATA / "little_giants" / "little_giants.csv"
FEATURE_VERSION = 3
#: crfsuite training algorithms we use: L-BFGS (L1+L2, slow, small model) or the averaged perceptron
#: (a handful of epochs: ~10x less CPU; chosen for the shipped model on the shared 2-core machine).
ALGORITHMS = {"lbfgs": "L-BFGS", "ap": "averaged perceptron"}

Sentence = tuple[str, list[tuple[int, int]]]

def name_lists(include_shared: bool = True) -> list[tuple[str, str | None]]:
    """(full name, short name or None) from the demo organisations and the 专精特新 list."""
    out: list[tuple[str, str | None]] = []
    if DEMO_ORGS.is_file():
        with DEMO_ORGS.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                alias = (row.get("aliases") or "").split(";")[0].strip() or None
                out.append((row["name"], alias))
    if include_shared and LITTLE_GIANTS.is_file():
        with LITTLE_GIANTS.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out.append((row["name"], short_name(row["name"])))
    return out


# Templates written for ChainKG (company profiles, achievements, supply/cooperation news). {A}/{B}/{C}
# are organisation slots; {U} an institution (university / academy) slot.
TEMPLATES = (
    "{A}与{B}签署战略合作协议，双方将在关键零部件领域开展联合研发。",
    "据悉，{A}已成为{B}的核心供应商，为其批量提供精密部件。",
    "{A}是{B}的控股子公司，主要从事高端装备的研发和生产。",
    "近日，{A}与{U}共建联合实验室，聚焦新一代电池材料。",
    "{A}、{B}和{C}入选第五批专精特新“小巨人”企业名单。",
    "公司主要客户包括{A}、{B}等行业龙头企业。",
    "{A}将其持有的三项发明专利以独占方式许可给{B}实施。",
    "记者从{A}获悉，该公司今年一季度营收同比增长三成。",
    "{U}的科研团队与{A}合作完成了该项成果的中试验证。",
    "{A}董事长表示，公司将加大在研发上的投入。",
    "{A}此前已获得{B}领投的B轮融资。",
    "今年以来，{A}先后与{B}、{C}达成技术合作。",
    "该成果由{U}研发，已转让给{A}进行产业化。",
    "{A}（以下简称“{a}”）是一家专注于工业软件的高新技术企业。",
    "作为{A}的全资子公司，{B}负责华东地区的销售业务。",
    "{A}的产品已进入{B}和{C}的供应链体系。",
    "业内人士认为，{A}在细分领域的市场份额已超过{B}。",
    "{A}中标{B}智能工厂改造项目，合同金额约两千万元。",
    "{A}于2019年在深交所创业板上市。",
    "{A}联合{U}承担了国家重点研发计划项目。",
    "此次对接会上，{A}与{B}现场签约。",
    "{A}向{B}供应动力电池电芯，年供货量超过5GWh。",
    "{A}和{B}宣布成立合资公司，布局储能市场。",
    "在{U}的技术支持下，{A}突破了高纯材料的提纯工艺。",
    "{A}旗下的{B}今年获评国家级专精特新企业。",
    # Profiles, supply chains and cooperation news with lists and several firms per sentence.
    "{A}的主要客户有{B}、{C}等知名企业。",
    "{A}同{B}就新一代产品开发达成合作。",
    "{A}长期为{B}提供配套服务。",
    "目前，{A}已进入{B}的供应商名录。",
    "{A}从{B}采购了一批关键原材料。",
    "{A}的控股股东为{B}。",
    "{A}隶属于{B}，是其重要的生产基地。",
    "{A}、{B}均为{C}的合格供应商。",
    "{A}与{B}、{C}共同发起设立产业联盟。",
    "{A}将一项发明专利许可给{B}使用。",
    "{B}获得了{A}的专利实施许可。",
    "{A}是国内领先的精密部件制造商，客户包括{B}和{C}。",
    "{A}携手{B}推进国产替代。",
    "由{U}牵头，{A}和{B}参与的项目通过验收。",
    "{A}今年实现营收12亿元，同比增长18%。",
    "{A}表示，将继续加大研发投入。",
    "在对接会上，{A}与{B}签订了技术转让合同。",
    "{A}和{B}在新能源领域展开激烈竞争。",
    "{A}成立于2008年，是{B}的全资子公司。",
    "{A}宣布与{B}成立合资公司。",
    "{A}产品已批量销往{B}、{C}等客户。",
    "{A}向{B}交付了首批样机。",
    "{U}与{A}联合培养了一批工程硕士。",
    "{A}获得{B}新车型的定点通知。",
    "{A}、{B}、{C}三家企业入选省级制造业单项冠军。",
    "据{A}披露，公司已向{B}送样验证。",
    "{A}此次收购了{B}的部分资产。",
    "{A}和{U}签署了共建研究院的协议。",
    "{A}的产品主要供给{B}。",
    "{A}、{B}与{U}组建创新联合体。",
)
_INSTITUTIONS = ("清华大学", "浙江大学", "中国科学院金属研究所", "中科院物理所", "哈尔滨工业大学", "西安交通大学",
                 "上海交通大学", "华中科技大学", "中国科学院大连化学物理研究所", "北京航空航天大学", "南京大学",
                 "中南大学", "四川大学", "东南大学", "中国电子科技集团第十四研究所", "武汉理工大学", "天津大学",
                 "北京理工大学", "中国工程物理研究院", "同济大学")


def synthetic_sentences(names: list[tuple[str, str | None]], n: int, seed: int = 0) -> tuple[list[Sentence], list[str]]:
    """``n`` template sentences with ORG spans, and the names put in the rules' dictionary (half)."""
    rng = random.Random(seed)
    in_dict: set[str] = set()
    for full, short in names:
        if rng.random() < 0.5:
            in_dict.add(full)
            if short:
                in_dict.add(short)
    out: list[Sentence] = []
    for _ in range(n):
        tpl = rng.choice(TEMPLATES)
        text, spans, i = "", [], 0
        chosen: dict[str, tuple[str, str | None]] = {}
        while i < len(tpl):
            if tpl[i] == "{":
                key = tpl[i + 1]
                i += 3
                if key == "U":
                    surface = rng.choice(_INSTITUTIONS)
                elif key == "a":
                    surface = chosen.get("A", ("", None))[1] or ""
                    if not surface:
                        surface = "该公司"  # no short name: the declaration still reads naturally
                        text += surface
                        continue
                else:
                    full, short = chosen.setdefault(key, rng.choice(names))
                    declared = key == "A" and "{a}" in tpl  # the full name before its declared short name
                    surface = full if declared or not short or rng.random() < 0.5 else short
                spans.append((len(text), len(text) + len(surface)))
                text += surface
            else:
                text += tpl[i]
                i += 1
        out.append((text, spans))
    return out, sorted(in_dict)


def _non_overlapping(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    for s, e, _ in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(e <= a or s >= b for a, b in chosen):
            chosen.append((s, e))
    return sorted(chosen)


def training_sentences(limit: int | None = None, synthetic: int = 8000, seed: int = 0,
                       sources: tuple[str, ...] = ("cluener", "peoples_daily", "resume", "synthetic")) -> tuple[list[Sentence], list[str], dict]:
    """All training sentences (folded text, ORG spans), the dictionary names and counts per source.
    ``limit`` caps the sentences taken from each corpus (for the fast test)."""
    out: list[Sentence] = []
    counts: dict[str, int] = {}
    readers = {
        "cluener": lambda: corpora.read_cluener("train"),
        "peoples_daily": lambda: corpora.read_peoples_daily(split="dev"),
        "resume": lambda: corpora.read_resume(split="train"),
    }
    for name in sources:
        if name not in readers:
            continue
        n = 0
        try:
            for text, spans, _ in readers[name]():
                if limit is not None and n >= limit:
                    break
                out.append((fold_text(text), _non_overlapping(spans)))
                n += 1
        except FileNotFoundError as e:
            raise ExtractionError(f"training corpus {name} not found ({e.filename}); the shared data must be at "
                                  f"{corpora.SHARED_DATA} (or set CHAINKG_SHARED_DATA)") from e
        counts[name] = n
    dict_names: list[str] = []
    if "synthetic" in sources and synthetic:
        names = name_lists()
        k = synthetic if limit is None else min(synthetic, limit)
        syn, dict_names = synthetic_sentences(names, k, seed)
        out += syn
        counts["synthetic"] = len(syn)
    return out, dict_names, counts


def featurised(sentences: list[Sentence], dict_names: list[str],
               feature_set: str = "full") -> Iterable[tuple[list[list[str]], list[str]]]:
    """(features, tags) per sentence, the features computed after the rule components ran on it."""
    from extraction.crf_features import char_features
    from extraction.pipeline import build_nlp

    gaz = default_gazetteer()
    gaz.orgs = [OrgEntry(f"SYN-{i}", n) for i, n in enumerate(dict_names)]
    nlp = build_nlp({"gazetteer": gaz, "model": "off"})
    rules = [name for name in nlp.pipe_names if name != "chainkg_resolve"]

    def docs():
        for text, _ in sentences:
            doc = nlp.make_doc(text)
            doc.user_data[STATE_KEY] = DocResult(text=text)
            yield doc

    with nlp.select_pipes(enable=rules):
        for (text, spans), doc in zip(sentences, nlp.pipe(docs(), batch_size=256), strict=True):
            yield (char_features(text, token_spans(doc), doc_state(doc).candidates, feature_set),
                   spans_to_tags(len(text), spans))


def train_crf(out_dir: Path = DEFAULT_MODEL_DIR, *, limit: int | None = None, synthetic: int = 8000,
              c1: float = 0.05, c2: float = 0.01, max_iterations: int = 20, seed: int = 0, feature_set: str = "lean",
              algorithm: str = "ap", sources: tuple[str, ...] = ("cluener", "peoples_daily", "resume", "synthetic"),
              min_freq: int = 0) -> dict:
    """Train the ORG CRF on the corpora of :func:`training_sentences` and write ``org_crf.crfsuite``
    + ``meta.json`` to ``out_dir``; returns the meta. ``min_freq`` > 0 drops features seen fewer times
    in training (crfsuite's ``feature.minfreq``): a smaller model, faster to tag."""
    sentences, dict_names, counts = training_sentences(limit, synthetic, seed, sources)
    params = {"algorithm": algorithm, "c1": c1, "c2": c2, "max_iterations": max_iterations, "synthetic": synthetic,
              "seed": seed, "limit": limit}
    if min_freq:
        params["min_freq"] = min_freq
    return train_crf_on(sentences, dict_names, out_dir, counts=counts, c1=c1, c2=c2, max_iterations=max_iterations,
                        params=params, feature_set=feature_set, algorithm=algorithm, min_freq=min_freq)


def train_crf_on(sentences: list[Sentence], dict_names: list[str], out_dir: Path, *, counts: dict | None = None,
                 c1: float = 0.05, c2: float = 0.01, max_iterations: int = 10, params: dict | None = None,
                 feature_set: str = "lean", algorithm: str = "ap", min_freq: int = 0) -> dict:
    """Train the ORG CRF on ``sentences`` ((text, ORG spans) pairs; ``dict_names`` are put in the
    rules' organisation dictionary while features are computed) and save it to ``out_dir``."""
    t0 = time.perf_counter()
    if not sentences:
        raise ExtractionError("no training sentences; check the shared data folder (../shared/data/ner)")
    if algorithm not in ALGORITHMS:
        raise ExtractionError(f"unknown training algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    crfsuite = _crfsuite()
    trainer = crfsuite.Trainer(algorithm=algorithm, verbose=False)
    for xseq, yseq in featurised([(fold_text(t), spans) for t, spans in sentences], dict_names, feature_set):
        if xseq:
            trainer.append(xseq, yseq)
    t_feat = time.perf_counter() - t0
    if algorithm == "lbfgs":  # L1 + L2: the L1 part keeps the model small
        trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    else:  # averaged perceptron: max_iterations = epochs; only features with a non-zero weight are saved
        trainer.set_params({"max_iterations": max_iterations, "feature.possible_transitions": True})
    if min_freq:
        trainer.set_params({"feature.minfreq": float(min_freq)})
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out_dir / MODEL_FILE))
    export_weights(out_dir / MODEL_FILE, out_dir)  # the weights our decoder reads (extraction.crf_decoder)
    meta = {
        "family": f"character CRF (python-crfsuite, {ALGORITHMS[algorithm]}, BIOES)",
        "feature_version": FEATURE_VERSION,
        "feature_set": feature_set,
        "sentences": counts or {"given": len(sentences)},
        "dictionary_names": len(dict_names),
        "params": params or {"c1": c1, "c2": c2, "max_iterations": max_iterations},
        "seconds": {"features": round(t_feat, 1), "total": round(time.perf_counter() - t0, 1)},
        "size_bytes": (out_dir / MODEL_FILE).stat().st_size,
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta
