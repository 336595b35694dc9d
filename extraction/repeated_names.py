"""An organisation named once in a text is the same organisation where the same name comes back.

News and profiles name a firm, then repeat its short name in a later clause without the context that
let the model or a relation slot find it the first time ("高通与荣耀续签…，荣耀继续获得高通专利组合的使用
许可"). Each ORG surface of two or more characters found in a text is looked up again in that text;
an occurrence that no other mention overlaps and that sits on jieba token edges becomes an ORG with
the first mention's method (confidence × 0.9). Declared short names are handled by the resolver
already; legal names (…有限公司) are matched by their rule wherever they occur.
"""

from __future__ import annotations

from extraction.doctypes import Mention

#: methods whose surfaces are looked up again (rule and dictionary hits are found everywhere already)
_REPEATABLE = ("model:", "rule:relation_slot", "rule:known_enterprise")


def find_repeated_names(text: str, mentions: list[Mention], tokens: list[tuple[int, int]]) -> list[Mention]:
    """New ORG mentions for later (or earlier) occurrences of ORG surfaces in ``text`` (see module doc);
    appended to ``mentions`` and returned."""
    orgs = [m for m in mentions if m.label == "ORG" and m.method.startswith(_REPEATABLE) and m.end - m.start >= 2]
    if not orgs:
        return []
    starts = {a for a, _ in tokens}
    ends = {b for _, b in tokens}
    taken = bytearray(len(text))
    for m in mentions:
        taken[m.start : m.end] = b"\1" * (m.end - m.start)
    out: list[Mention] = []
    for surface, first in {text[m.start : m.end]: m for m in orgs}.items():
        pos = text.find(surface)
        while pos != -1:
            end = pos + len(surface)
            if pos in starts and end in ends and not any(taken[pos:end]):
                men = Mention("ORG", pos, end, first.method, round(first.confidence * 0.9, 3))
                taken[pos:end] = b"\1" * (end - pos)
                mentions.append(men)
                out.append(men)
            pos = text.find(surface, end)
    return out
