"""Organisation names that only their place next to a known organisation and a relation trigger reveals.

Company profiles and industry news name firms by bare short names (乾照光电, 京东方) that neither a
suffix rule nor the model always finds. When one end of a relation pattern is already an ORG mention
and the sentence has the pattern's trigger, the other end — a short run of 2–6 characters right at
the start of the clause, or between the preposition and the trigger — is taken as an ORG
(method ``rule:relation_slot``, confidence 0.6): "理想汽车向[恒远精密]采购", "[乾照光电]向京东方批量供应".
Tuned on the dev part of tests/gold/relations_gold.txt; see docs/extraction.md for its measured effect.
"""

from __future__ import annotations

import re

from extraction.doctypes import Mention
from extraction.orgrules import BOUNDARY_WORDS

SLOT_METHOD = "rule:relation_slot"
SLOT_CONFIDENCE = 0.6
_NAME = r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,5}?"
_ADV = r"(?:长期|主要|稳定|批量|已|均|也|已经|正|将)?"
_SUPPLY = r"(?:长期|稳定|批量|独家|持续)?(?:供应|供货|配套|提供|交付|代工|采购|许可|转让)"
_COOP = r"(?:签署|签订|合作|共建|联合|共同|携手|成立|达成|合资)"
# (preposition, trigger after the second organisation)
_PAIRS = [
    (r"向|为|给", _SUPPLY),
    (r"从", r"(?:采购|购买|获得)"),
    (r"与|和|同|携手|联合", rf"(?:{_COOP}|(?:开展|进行|推进)[^，,。；;]{{0,12}}?合作)"),
    (r"是|系|为|成为|已成为|隶属于", r"(?:的{0,1}[^，,。；;]{0,12}?(?:子公司|供应商|客户|供应链|下属|旗下)|$)"),
    (r"由", r"(?:全资)?控股"),
]
_LIST_TAIL = rf"(?:(?:、|和|及){_NAME})*?(?:等[^，,。；;]{{0,6}}?)?"  # "M、X和Y等企业" before the trigger
_LEFT = [re.compile(rf"^(?P<n>{_NAME}){_ADV}(?:{p})$") for p, _ in _PAIRS] + [
    # "[X]的部分光刻胶从M采购": the buyer before its product
    re.compile(rf"^(?P<n>{_NAME})的[^，,。；;的]{{1,10}}?{_ADV}从$"),
    # "[X]的谐波减速器主要销往M、…": the supplier before its product
    re.compile(rf"^(?P<n>{_NAME})的[^，,。；;的]{{1,10}}?{_ADV}(?:主要|批量|长期|稳定)?(?:销往|供应|供货给|出口到|出口至)$"),
]
_RIGHT_TRIGGER = [re.compile(rf"^\s*{_LIST_TAIL}{t}") for _, t in _PAIRS] + [
    re.compile(r"^\s*(?:采购|购买|购入|进口)"), re.compile(r"")]
_RIGHT = [re.compile(rf"^{_ADV}(?:{p})(?P<n>{_NAME})(?={t})") for p, t in _PAIRS] + [
    # "…许可给[Y]实施", "…转让给[Y]和[Z]", "旗下的[Y]负责…": the name ends at a list word, a verb or the clause end
    re.compile(rf"^[^，,。；;]{{0,20}}?(?:许可给|转让给|授权给|供应给|供货给|许可|授权)(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|使用|实施|两家|三家|等|$)"),
    re.compile(rf"^(?:全资)?(?:旗下|控股|下属)的?(?:子公司)?(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|负责|推出|发布|是|为|在|获得|正在|承接|主营|今年|$)"),
    # "M的客户包括[X]、…", "M的…已进入[X]供应链"
    re.compile(rf"^的(?:主要|核心|重要)?客户(?:包括|有|为|是|涵盖)[:：]?(?P<n>{_NAME})(?=[、和及，,。；;]|等|$)"),
    re.compile(rf"^的[^，,。；;]{{0,12}}?(?:已经|已)?进入(?P<n>{_NAME})(?=的?(?:供应链|供应商))"),
    # "M的气体传感器批量供应[Y]", "M的减速器主要销往[Y]、…"
    re.compile(rf"^的[^，,。；;]{{1,12}}?{_ADV}(?:长期|主要|稳定|批量|独家)?(?:供应|供货给|销往|出口到|出口至)(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|等|$)"),
    # "M隶属于[Y]。"
    re.compile(rf"^隶属于?(?P<n>{_NAME})(?=[，,。；;]|$)"),
]
#: A list continuing after an ORG: "M、[X]、[Y]等…", "M和[X]提供…" (used with ``match(text, pos)``: no ``^``,
#: which would only match at the start of the text).
_LIST_ITEM = re.compile(rf"(?:、|和|及)(?P<n>{_NAME})(?=[、和及]|等|提供|供应|配套|合作|签署|共同|联合|两家|三家|均|都|[，,。；;]|$)")
#: A list is only followed in a sentence that states a relation (news lists of ministries or clubs are not).
_RELATION_CUE = re.compile(r"供应|供货|配套|提供|采购|客户|合作|签署|签订|携手|联合|许可|转让|授权|子公司|控股|旗下|下属|销往|交付|代工|供应商|供应链")
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?、（）()“”\"\s]")
_NOT_NAMES = frozenset("公司 本公司 该公司 我们 双方 其 他们 企业 客户 用户 产品 市场 记者 政府 国家 行业".split())


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and not _CLAUSE_END.match(text[i - 1]):
        i -= 1
    return i


def _plausible(name: str, known: set[str]) -> bool:
    if name in _NOT_NAMES or name in known or any(w in name for w in ("公司产品", "今年", "去年", "目前")):
        return False
    return name not in BOUNDARY_WORDS and not name.endswith(("的", "了", "在", "将", "已"))


def find_slot_orgs(text: str, mentions: list[Mention], sentences: list[tuple[int, int]],
                   non_org_terms: set[str]) -> list[Mention]:
    """ORG candidates at the other end of a relation pattern from an ORG mention (see module doc).
    ``mentions`` is updated in place: the slots are appended, and model ORGs a slot replaces get the
    label ``DROP`` (the caller removes them)."""
    orgs = [m for m in mentions if m.label == "ORG"]
    out: list[Mention] = []

    def add(s: int, e: int) -> None:
        # A model ORG strictly inside the slot is a cut-short name (邦普 in 邦普循环): the slot replaces it,
        # as it replaces a TECH/REGION term inside the name.
        if e - s < 2:
            return
        for m in mentions:
            if m.start < e and s < m.end:
                inside = s <= m.start and m.end <= e and m.end - m.start < e - s
                # a technology or region word inside a short name (LG[新能源], 海尔智家) does not block it
                if not (inside and (m.label in ("TECH", "REGION") or (m.label == "ORG" and m.method.startswith("model:")))):
                    return
        for m in [m for m in mentions if m.start < e and s < m.end]:
            m.label = "DROP"
        slot = Mention("ORG", s, e, SLOT_METHOD, SLOT_CONFIDENCE)
        mentions.append(slot)
        out.append(slot)

    for s_start, s_end in sentences:
        queue = [m for m in orgs if s_start <= m.start < s_end]
        while queue:
            m = queue.pop(0)
            found = len(out)
            # The other organisation before: "[X]向M供应…", "[X]与M签署…", "[X]是M的子公司"
            c0 = _clause_start(text, m.start, s_start)
            before, after = text[c0 : m.start], text[m.end : s_end]
            for left, trig in zip(_LEFT, _RIGHT_TRIGGER, strict=True):
                hit = left.match(before)
                if hit and trig.match(after) and _plausible(hit.group("n"), non_org_terms):
                    add(c0 + hit.start("n"), c0 + hit.end("n"))
                    break
            # A list going on after M: "M、[X]等企业", "M和[X]提供…"
            pos = m.end if _RELATION_CUE.search(text, s_start, s_end) else s_end
            while (hit := _LIST_ITEM.match(text, pos, s_end)) and _plausible(hit.group("n"), non_org_terms):
                add(hit.start("n"), hit.end("n"))
                pos = hit.end("n")
            # The other organisation after, when M starts its clause: "M向[Y]供应…", "M与[Y]签署…"
            if _clause_start(text, m.start, s_start) == m.start:
                for right in _RIGHT:
                    hit = right.match(after)
                    if hit and _plausible(hit.group("n"), non_org_terms):
                        add(m.end + hit.start("n"), m.end + hit.end("n"))
                        break
            # a list may go on after a slot too ("客户有[特斯拉]、[赛力斯]和[比亚迪]")
            queue.extend(x for x in out[found:] if x.method == SLOT_METHOD and x.end > m.end)
    return out
