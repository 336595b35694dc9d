"""The shape of a trigger rule, shared by the literal rules (extraction/relations.py) and the
lexicon rules (extraction/pair_relations.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RelationRule:
    """One trigger pattern: relation type, head/tail labels, regex on the text between, after, swap."""

    type: str
    head: str
    tail: str
    mid: re.Pattern
    after: re.Pattern | None = None
    swap: bool = False
    confidence: float = 0.85
    method: str = "rule:trigger-v1"
