"""Relations by trigger patterns between two mentions of one sentence.

Each rule looks at the text between the two mentions (``mid``) and, optionally, the text right
after the second (``after``); ``swap`` reverses the direction (passive forms: "乙受让甲的专利").
The rules are deliberately strict — precision first; see docs/extraction.md for measured numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

METHOD = "rule:trigger-v1"
_GAP = r"[^，,。；;！？!?]"


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


def _r(p: str) -> re.Pattern:
    return re.compile(p)


RULES: list[RelationRule] = [
    # 许可 / 授权
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(rf"^\s*(?:将|把|以)?{_GAP}{{0,40}}?(?:许可|授权)(?:给|予)?\s*$")),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^\s*(?:获得|取得|获)了?\s*$"), _r(rf"^\s*的{_GAP}{{0,30}}?(?:许可|授权)"), swap=True),
    # 转让
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^\s*(?:将|把)?{_GAP}{{0,40}}?转让(?:给|予|至)\s*$")),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(r"^\s*向\s*$"), _r(r"^\s*转让")),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(r"^\s*受让了?\s*$"), _r(r"^\s*的"), swap=True),
    # 供应 / 供货 / 配套
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*(?:长期|稳定|持续|主要|已|批量)?(?:向|为|给)\s*$"), _r(r"^\s*(?:长期|稳定|批量|独家|持续)?(?:供应|供货|提供|配套|供)")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^\s*{_GAP}{{0,25}}?(?:供应|供货|配套|供)(?:给|予)\s*$")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*(?:是|为|成为|系|已成为|已进入)\s*$"), _r(rf"^\s*的?{_GAP}{{0,8}}?(?:供应商|供货商|配套商|供应链)")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*的(?:核心|主要|一级|二级)?(?:供应商|供货商|配套商)(?:为|是|包括|有)?[:：]?\s*$"), swap=True),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*(?:向|从)\s*$"), _r(r"^\s*(?:采购|购买|购进|订购)"), swap=True),
    # 合作 / 联合开发 / 共建
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^\s*(?:与|和|同|跟|携手)\s*$"),
                 _r(rf"^{_GAP}{{0,25}}?(?:合作|联合开发|联合研发|共建|共同(?:开发|研发|建设|承担|成立|研制)|联合(?:成立|申报|承担|攻关))")),
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^\s*(?:联合|携手|会同)\s*$"), _r(r"^\s*(?:开发|研发|攻关|申报|承担|成立|建设|研制)")),
    # 子公司 / 控股
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*(?:是|为|系|作为)\s*$"), _r(r"^\s*的?(?:全资|控股)?子公司")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*的(?:全资|控股)?子公司\s*$"), swap=True),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*(?:全资)?(?:控股|旗下|下属)的?(?:子公司)?\s*$"), swap=True),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*由\s*$"), _r(r"^\s*(?:全资)?控股")),
    # 位于
    RelationRule("LOCATED_IN", "ORG", "REGION", _r(r"^\s*(?:总部)?(?:位于|坐落于|地处|注册于|设在|落户|落户于|设立于|注册地(?:为|在|位于)?)\s*$"), confidence=0.8),
    # 申请人
    RelationRule("APPLICANT_OF", "ORG", "PATENT", _r(rf"^\s*(?:申请|提交)了?{_GAP}{{0,12}}?(?:专利|申请)(?:号)?(?:为|是)?[:：]?\s*$")),
    RelationRule("APPLICANT_OF", "ORG", "PATENT", _r(r"^\s*的?(?:专利)?申请人(?:为|是)?[:：]?\s*$"), swap=True),
]
# Rules by (head label, tail label): most mention pairs (TECH–REGION, …) have no rule at all.
_RULES_BY_PAIR: dict[tuple[str, str], list] = {}
for _rule in RULES:
    _RULES_BY_PAIR.setdefault((_rule.head, _rule.tail), []).append(_rule)
_DECL_BEFORE = re.compile(r"(?:简称|下称)\s*[:：]?\s*[“\"「『']?$")
_DECL_SPAN = re.compile(r"^\s*[(（][^()（）]{0,24}[)）]")
_APPLICANT_LEAD = re.compile(r"(?:申请人|申请\(专利权\)人|申请（专利权）人|专利权人)\s*(?:为|是)?[:：]?\s*$")


def find_relations(text: str, mentions: list, sentences: list[tuple[int, int]]) -> list[dict]:
    """Relations among ``mentions`` (objects with label/start/end/text) sentence by sentence.

    Returns dicts ``{type, head, tail, evidence, confidence, method, head_i, tail_i}`` where
    ``head_i``/``tail_i`` index into ``mentions`` (the pipeline drops them from the public output).
    """
    out: list[dict] = []
    seen: set[tuple[str, int, int]] = set()
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    si = 0
    for s_start, s_end in sentences:
        in_sent = []
        while si < len(order) and mentions[order[si]].start < s_end:
            if mentions[order[si]].start >= s_start:
                in_sent.append(order[si])
            si += 1
        if len(in_sent) < 2:
            continue
        evidence = text[s_start:s_end].strip()
        # A short name declared in brackets right after its full name neither blocks nor starts pairs.
        in_sent = [k for k in in_sent if not _DECL_BEFORE.search(text[max(0, mentions[k].start - 8) : mentions[k].start])]
        for a_pos, a in enumerate(in_sent):
            ma = mentions[a]
            for b in in_sent[a_pos + 1 : a_pos + 4]:
                mb = mentions[b]
                rules = _RULES_BY_PAIR.get((ma.label, mb.label), ())
                if not rules and not (ma.label == "ORG" and mb.label == "PATENT"):
                    continue
                org_between = any(mentions[k].label == "ORG" for k in in_sent
                                  if ma.end <= mentions[k].start and mentions[k].end <= mb.start)
                mid = _DECL_SPAN.sub("", text[ma.end : mb.start], count=1)
                after = text[mb.end : min(s_end, mb.end + 40)]
                for rule in rules:
                    if rule.head == "ORG" and org_between:
                        continue
                    if not rule.mid.search(mid) or (rule.after is not None and not rule.after.search(after)):
                        continue
                    h, t = (b, a) if rule.swap else (a, b)
                    key = (rule.type, h, t)
                    if key not in seen:
                        seen.add(key)
                        out.append(_rel(rule.type, mentions, h, t, evidence, rule.confidence))
                    break
                # 申请人：A … CN…  (the applicant field form of patent records)
                if ma.label == "ORG" and mb.label == "PATENT" and _APPLICANT_LEAD.search(text[s_start : ma.start]):
                    key = ("APPLICANT_OF", a, b)
                    if key not in seen:
                        seen.add(key)
                        out.append(_rel("APPLICANT_OF", mentions, a, b, evidence, 0.8))
    return out


def _rel(rtype: str, mentions: list, h: int, t: int, evidence: str, conf: float) -> dict:
    return {
        "type": rtype,
        "head": mentions[h].text,
        "tail": mentions[t].text,
        "evidence": evidence,
        "confidence": conf,
        "method": METHOD,
        "head_i": h,
        "tail_i": t,
    }


# -- relations of a profile's own organisation ("公司为X提供…配套", "与Y联合开发…") ------------------
SELF_METHOD = "rule:profile-self-v1"
_SELF_SUBJECT = r"(?:(?:本|该|我)?公司|其)"
#: (type, regex on the sentence text before the ORG, regex on the text right after it, swap).
#: The subject is the organisation whose profile this is, named as 公司/本公司 or elided (与Y…).
SELF_RULES: list[tuple[str, re.Pattern, re.Pattern, bool]] = [
    ("SUPPLIES", _r(rf"^{_SELF_SUBJECT}(?:主要|长期|持续|稳定)?(?:为|向|给)$"),
     _r(rf"^{_GAP}{{0,20}}?(?:提供|供应|供货|配套)"), False),
    ("SUBSIDIARY_OF", _r(rf"^{_SELF_SUBJECT}(?:是|为|系)$"), _r(r"^的?(?:全资|控股|下属)?(?:子公司|孙公司)"), False),
    ("SUBSIDIARY_OF", _r(rf"^{_SELF_SUBJECT}(?:全资|控股)(?:子公司)?(?:为|有|包括)?[:：]?$"), _r(r"^"), True),
    ("COOPERATES_WITH", _r(rf"^(?:{_SELF_SUBJECT})?(?:与|和|同|联合|携手)$"),
     _r(r"^(?:等单位|等高校|等企业)?(?:联合开发|联合研发|共同开发|合作|共建|开展|签署|签订)"), False),
]


def find_self_relations(text: str, mentions: list, sentences: list[tuple[int, int]]) -> list[dict]:
    """Relations between the organisation a profile describes (the implicit subject) and the ORG
    mentions of its sentences. Returns ``{type, tail_i, swap, evidence, confidence, method}``
    (``tail_i`` indexes ``mentions``; with ``swap`` the mention is the head and the profile's
    organisation the tail, as in "公司控股X": X SUBSIDIARY_OF the organisation)."""
    out: list[dict] = []
    for s, e in sentences:
        for i, m in enumerate(mentions):
            if m.label != "ORG" or not (s <= m.start < e):
                continue
            before = text[s : m.start].strip()
            after = text[m.end : e]
            for rtype, rx_before, rx_after, swap in SELF_RULES:
                if rx_before.search(before) and rx_after.search(after):
                    out.append({"type": rtype, "tail_i": i, "swap": swap, "evidence": text[s:e].strip(),
                                "confidence": 0.75, "method": SELF_METHOD})
                    break
    return out
