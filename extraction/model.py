"""An optional small spaCy ORG model trained by our own code (never downloaded).

Training data: CLUENER2020 train minus the held-out fifth (see :mod:`extraction.corpora`), with
company/organization/government as ORG. The model uses a character segmenter (CLUENER offsets are
per character) and spaCy's default NER architecture; ``chainkg train-ner`` writes it to a folder
that ``build_nlp({"model_path": …})`` loads. In the pipeline it only fills in sentences where the
rules found no ORG (switch it off by not passing a path).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import spacy
from spacy.training import Example

from extraction import corpora
from graph.errors import ExtractionError

MODEL_METHOD = "model:chainkg-org-ner-v1"


def cluener_training_examples(limit: int | None = None) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, ORG spans) from the training part of CLUENER2020 (never the held-out part)."""
    out = []
    for text, spans, _ in corpora.read_cluener("train"):
        out.append((text, spans))
        if limit is not None and len(out) >= limit:
            break
    return out


def train_org_model(examples, out_dir: Path, *, epochs: int = 3, seed: int = 0) -> dict:
    """Train a character-segmented spaCy NER on ``examples`` and save it to ``out_dir``."""
    if not examples:
        raise ExtractionError("no training examples; point the trainer at CLUENER2020 train (shared data)")
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("zh")  # default segmenter is per character: offsets align with CLUENER
    ner = nlp.add_pipe("ner")
    ner.add_label("ORG")
    train = []
    for text, spans in examples:
        doc = nlp.make_doc(text)
        ents = [(s, e, lab) for s, e, lab in spans]
        try:
            train.append(Example.from_dict(doc, {"entities": ents}))
        except ValueError:
            continue  # overlapping gold spans: skip the sentence
    nlp.initialize(lambda: train)
    t0 = time.perf_counter()
    losses: dict = {}
    for _ in range(epochs):
        random.shuffle(train)
        losses = {}
        for batch in spacy.util.minibatch(train, size=32):
            nlp.update(batch, drop=0.2, losses=losses)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return {"examples": len(train), "epochs": epochs, "seconds": round(time.perf_counter() - t0, 1),
            "loss": round(float(losses.get("ner", 0.0)), 2), "path": str(out_dir)}


class ModelNer:
    """Pipeline component: ORG mentions from the trained model for sentences without a rule ORG."""

    def __init__(self, path: str):
        if not path or not Path(path).is_dir():
            raise ExtractionError(f"model folder {path!r} not found; train one with `chainkg train-ner --out DIR`")
        self.model = spacy.load(path)

    def __call__(self, doc):
        from extraction.pipeline import Mention, _state, doc_text
        from extraction.textnorm import sentence_spans

        st = _state(doc)
        orgs = [m for m in st.candidates if m.label == "ORG"]
        for s, e in sentence_spans(doc_text(doc)):
            if any(s <= m.start < e for m in orgs):
                continue
            sent = self.model(doc_text(doc)[s:e])
            for ent in sent.ents:
                if ent.label_ == "ORG" and len(ent.text.strip()) >= 2:
                    st.candidates.append(Mention("ORG", s + ent.start_char, s + ent.end_char, MODEL_METHOD, 0.6))
        return doc
