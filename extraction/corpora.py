"""Readers for the evaluation corpora: our gold set (tests/gold) and the shared NER corpora.

Each reader yields ``(text, spans, relations)`` with spans ``[(start, end, label)]`` (end
exclusive) and relations ``[(type, head_text, tail_text)]``. CLUENER2020 train is split by a fixed
rule (every 5th sentence, index % 5 == 0, is held out): training uses only the rest, evaluation
only the held-out part.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CHAINKG_SHARED_DATA", ROOT.parent / "shared" / "data"))
GOLD_FILE = ROOT / "tests" / "gold" / "extraction_gold.txt"
RELATIONS_GOLD_FILE = ROOT / "tests" / "gold" / "relations_gold.txt"
#: A second relation gold block, written and annotated before the extractor ever ran on it; all held out.
RELATIONS_FRESH_FILE = ROOT / "tests" / "gold" / "relations_fresh.txt"
#: A second development block (news / procurement / licence phrasing, negatives), annotated before the
#: extractor ran on it and then used to generalise the relation rules: development data, not held out.
RELATIONS_DEV2_FILE = ROOT / "tests" / "gold" / "relations_dev2.txt"
#: A third development block (prospectus / announcement / news / profile styles), written by the extraction
#: engineer and annotated before the extractor ran on it; development data, not held out.
RELATIONS_DEV3_FILE = ROOT / "tests" / "gold" / "relations_dev3.txt"
#: An independent held-out block written by an annotator who never saw our rules (issue 13); scored as
#: totals only, once, after the last change — never tuned on, its errors never printed.
RELATIONS_FRESH3_FILE = ROOT / "tests" / "gold" / "relations_fresh3.txt"
CLUENER_ORG_TYPES = ("company", "organization", "government")

Example = tuple[str, list[tuple[int, int, str]], list[tuple[str, str, str]]]

_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")


def parse_gold_line(line: str) -> Example:
    """``text with [[ORG:name]] marks ||| TYPE i j; TYPE i j`` → text, spans, relations (by mention index)."""
    body, _, rel_part = line.partition("|||")
    body = body.rstrip()
    text_parts, spans, pos, last = [], [], 0, 0
    for m in _MARK.finditer(body):
        text_parts.append(body[last : m.start()])
        pos += m.start() - last
        surface = m.group(2)
        spans.append((pos, pos + len(surface), m.group(1)))
        text_parts.append(surface)
        pos += len(surface)
        last = m.end()
    text_parts.append(body[last:])
    text = "".join(text_parts)
    rels = []
    for chunk in rel_part.split(";"):
        bits = chunk.split()
        if len(bits) == 3:
            rtype, i, j = bits[0], int(bits[1]), int(bits[2])
            rels.append((rtype, text[spans[i][0] : spans[i][1]], text[spans[j][0] : spans[j][1]]))
    return text, spans, rels


def read_gold(path: Path = GOLD_FILE, part: str | None = None) -> Iterator[Example]:
    """Our gold sentences (one per line; ``#`` lines are comments). ``part`` splits a file by
    sentence index: ``dev`` (index % 3 != 2) or ``heldout`` (index % 3 == 2); None = all.
    A missing file raises :class:`graph.errors.InputError` naming it."""
    if not path.is_file():
        from graph.errors import InputError

        raise InputError(f"{path}: gold file not found — write it (format: tests/gold/relations_gold.txt's header) "
                         "or pick another --corpus")
    i = -1
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            i += 1
            if part is not None and (i % 3 == 2) != (part == "heldout"):
                continue
            yield parse_gold_line(line)


def read_cluener(part: str = "heldout", base: Path = SHARED_DATA) -> Iterator[Example]:
    """CLUENER2020 train with company/organization/government as ORG; ``part`` is ``heldout``
    (index % 5 == 0, never trained on), ``train`` (the rest) or ``check`` (index % 5 == 1: a second
    slice nobody has looked at while writing rules — valid for rules and LAC, not for the trained
    model, which trains on it)."""
    path = base / "ner" / "cluener2020" / "train.json"
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if part == "check":
                if i % 5 != 1:
                    continue
            elif (i % 5 == 0) != (part == "heldout"):
                continue
            obj = json.loads(line)
            spans = []
            for typ, ents in obj.get("label", {}).items():
                if typ in CLUENER_ORG_TYPES:
                    for positions in ents.values():
                        spans += [(s, e + 1, "ORG") for s, e in positions]
            yield obj["text"], sorted(spans), []


def _read_char_tagged(path: Path, org_tag: str, sep: str = " ", strip_digit: bool = False) -> Iterator[Example]:
    chars: list[str] = []
    tags: list[str] = []

    def emit():
        text = "".join(chars)
        spans, start = [], None
        for i, tag in enumerate(tags + ["O"]):
            kind, _, typ = tag.partition("-")
            inside = typ == org_tag and kind in ("I", "M", "E")
            if start is not None and not inside:
                spans.append((start, i, "ORG"))
                start = None
            if typ == org_tag and kind in ("B", "S"):
                if start is not None:
                    spans.append((start, i, "ORG"))
                start = i
            if start is not None and kind in ("E", "S") and typ == org_tag:
                spans.append((start, i + 1, "ORG"))
                start = None
        return text, spans, []

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if chars:
                    yield emit()
                chars, tags = [], []
                continue
            ch, _, tag = line.rpartition(sep)
            if strip_digit and len(ch) > 1 and ch[-1].isdigit():
                ch = ch[:-1]  # Weibo NER appends a segmentation digit to each character (科0 技1)
            chars.append(ch or " ")
            tags.append(tag)
    if chars:
        yield emit()


def read_resume(base: Path = SHARED_DATA, split: str = "test") -> Iterator[Example]:
    """Resume NER (BMES), ORG only; ``split`` is train, dev or test (evaluation uses test only)."""
    return _read_char_tagged(base / "ner" / "resume_ner" / f"{split}.char.bmes", "ORG")


def read_peoples_daily(base: Path = SHARED_DATA, split: str = "test") -> Iterator[Example]:
    """People's Daily-style file (BIO), ORG only; ``split`` is dev (the model trains on it) or test
    (never trained on: evaluation only)."""
    return _read_char_tagged(base / "ner" / "peoples_daily_msra_style" / f"example.{split}", "ORG")


def read_msra(base: Path = SHARED_DATA) -> Iterator[Example]:
    """MSRA NER test split (news, BIO with a tab), ORG only; never trained on."""
    return _read_char_tagged(base / "ner" / "msra" / "msra_test_bio.txt", "ORG", sep="\t")


def read_weibo(base: Path = SHARED_DATA, split: str = "test") -> Iterator[Example]:
    """Weibo NER (social media), named ORG only (``ORG.NAM``; nominal ``ORG.NOM`` is not a name);
    never trained on."""
    return _read_char_tagged(base / "ner" / "weibo" / f"weiboNER_2nd_conll.{split}", "ORG.NAM", sep="\t",
                             strip_digit=True)


def read_tfh_texts(base: Path = SHARED_DATA) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """TFH English patent abstracts with their brat entity spans (types as annotated)."""
    with zipfile.ZipFile(base / "ner" / "tfh_patent_en" / "TFH_Annotated_Dataset.zip") as z:
        names = sorted(n for n in z.namelist() if n.endswith(".txt"))
        for n in names:
            ann_name = n[:-4] + ".ann"
            if ann_name not in z.namelist():
                continue
            text = z.read(n).decode("utf-8", errors="replace")
            spans = []
            for line in z.read(ann_name).decode("utf-8", errors="replace").splitlines():
                if line.startswith("T"):
                    parts = line.split("\t")
                    bits = parts[1].split()
                    if len(bits) >= 3 and ";" not in parts[1]:
                        spans.append((int(bits[1]), int(bits[2]), bits[0]))
            yield text, spans
