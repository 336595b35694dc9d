"""Relation words a statistical ORG span swallows at its edge, cut back out.

The CRF tags short names well but, on news phrasing it has not seen, runs a name on into the verb
that follows it or across the verb into the next name: "中航科工控股。", "锦川电子拟向…",
"诺华授权石药集团在…", "锦川电子为锦川集团全资子公司", "宁德时代成立电化学储能联合研究院". A span
from the model or a relation slot that contains such a word is cut at it: the part before stays an
ORG; the part after becomes a second ORG when the word stands *between* two organisations
(授权, 许可, 为, 与 …) and is at least two characters long. Legal names and dictionary hits are
never cut. Measured on the relation gold sets (docs/extraction.md, "Relations").
"""

from __future__ import annotations

import re

from extraction.doctypes import Mention

#: Words that join two organisations: "A授权B", "A为B全资子公司", "A携手B".
_BETWEEN = re.compile(r"授权|许可给|许可|转让给|携手|联合|与|为|隶属于|持有|控股的|旗下|入围|中标|选择")
#: Words that end a name and start its predicate: "X控股。", "X拟向…", "X成立…研究院", "X约60%".
_AFTER = re.compile(r"控股(?=[的子])|拟|计划|有意|不是|否认|成立|签约|签署|共建|委托|全资(?=控股|收购|拥有)|使用|实施|开始|成功|作(?=为)|约(?=\d)")
_JOINING = ("与", "联合", "携手")
_INSTITUTION_ENDS = ("所", "院", "大学", "学院", "中心", "实验室", "学会", "协会")
_CUTTABLE = ("model:", "rule:relation_slot")


def _cuttable(m: Mention) -> bool:
    return m.label == "ORG" and m.method.startswith(_CUTTABLE)


def trim_relation_words(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` with model / slot ORG spans cut at the relation words inside them (see module
    doc). Returns a new list; offsets stay exact (``text[start:end]``)."""
    out: list[Mention] = []
    for m in mentions:
        if not _cuttable(m) or m.end - m.start < 4:
            out.append(m)
            continue
        name = text[m.start : m.end]
        if name.endswith("控股") and text[max(0, m.start - 1) : m.start] == "由":  # "由X控股": 控股 is the verb
            out.append(Mention("ORG", m.start, m.end - 2, m.method, m.confidence))
            continue
        # the word may follow the name right after the span ("作" of 作为 is inside, "为" outside)
        tail = text[m.start : min(len(text), m.end + 2)]
        cut = None  # the earliest relation word inside the span wins
        for rx, between in ((_BETWEEN, True), (_AFTER, False)):
            hit = rx.search(tail, 2)
            if hit and hit.start() < len(name) and (cut is None or hit.start() < cut[0]):
                cut = (hit.start(), hit.end(), between)
        if cut is not None and name[cut[0] : cut[1]] in _JOINING and name.endswith(_INSTITUTION_ENDS):
            cut = None  # "宁波材料技术与工程研究所" is one institute
        if cut is None:
            out.append(m)
            continue
        s, e, between = cut
        out.append(Mention("ORG", m.start, m.start + s, m.method, m.confidence))
        if between and len(name) - e >= 2:
            out.append(Mention("ORG", m.start + e, m.end, m.method, m.confidence))
    return out
