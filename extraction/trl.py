"""Technology readiness level (TRL, GB/T 22900) from achievement text.

A stated level ("技术成熟度7级", "TRL 6", "技术就绪度为第五级") is read exactly (confidence 0.95);
otherwise a coarse level is inferred from stage words with a lower confidence, taking the most
advanced stage the text mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.textnorm import fold_text

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_STATED = re.compile(
    r"(?:技术成熟度|技术就绪度|技术就绪水平|成熟度等级|TRL)\s*(?:等级|水平|评价)?\s*(?:为|达到|达|已达到|已达|处于|是)?\s*"
    r"(?:第)?\s*[-:：]?\s*([1-9一二三四五六七八九])(?![0-9])\s*(?:级)?",
    re.IGNORECASE,
)
# Stage word → coarse TRL. Ordered from least to most mature; the highest one found wins.
STAGES: list[tuple[str, int]] = [
    (r"概念(?:设计|验证)|理论研究|原理研究", 2),
    (r"实验室(?:阶段|研究|验证|小样)|原理样机|实验室", 3),
    (r"小试", 4),
    (r"工程样机|样机|工程化", 5),
    (r"中试", 6),
    (r"示范(?:应用|工程|线)?|试点应用|工业性试验|试生产", 7),
    (r"小批量|批量生产|量产|规模化生产|产业化|规模化应用", 8),
]
_STAGE_RES = [(re.compile(p), lvl) for p, lvl in STAGES]
STATED_CONFIDENCE = 0.95
INFERRED_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class TrlReading:
    """A TRL found in text: level 1–9, how (stated/inferred), confidence, the words that gave it."""

    level: int
    method: str
    confidence: float
    evidence: str


def read_trl(text: str) -> TrlReading | None:
    """Stated TRL if the text gives one, else the level inferred from stage words, else None."""
    if not text:
        return None
    folded = fold_text(text)
    m = _STATED.search(folded)
    if m:
        raw = m.group(1)
        level = _CN_DIGITS.get(raw) or int(raw)
        return TrlReading(level, "stated", STATED_CONFIDENCE, text[m.start() : m.end()])
    best: TrlReading | None = None
    for rx, lvl in _STAGE_RES:
        sm = rx.search(folded)
        if sm and (best is None or lvl > best.level):
            best = TrlReading(lvl, "stage_words", INFERRED_CONFIDENCE, text[sm.start() : sm.end()])
    return best
