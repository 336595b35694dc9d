"""Relations by trigger patterns between two mentions of one sentence.

Each rule looks at the text between the two mentions (``mid``) and, optionally, the text right
after the second (``after``); ``swap`` reverses the direction (passive forms: "乙受让甲的专利").
The rules are deliberately strict — precision first; see docs/extraction.md for measured numbers.
The lexicon rules of :mod:`extraction.pair_relations` run after them in the same pair loop, and its
hedge check (拟/计划 + verb, 否认, 竞争对手 …) blocks a pair for both.
"""

from __future__ import annotations

import re

from extraction import pair_relations
from extraction.relations_base import RelationRule

METHOD = "rule:trigger-v1"
_GAP = r"[^，,。；;！？!?]"


def _r(p: str) -> re.Pattern:
    return re.compile(p)


_OF = rf"(?:的{_GAP}{{0,12}}?)?"  # "A的高镍正极材料已进入B…": the head's product between head and trigger
_SUPPLY_VERBS = r"(?:供应|供货|提供|配套|供|交付|代工)"
_COOP_AFTER = (rf"^{_GAP}{{0,25}}?(?:合作|合资|联合开发|联合研发|联合研制|共建|共同(?:开发|研发|建设|承担|成立|研制|推进|发起|申报|攻关)"
               r"|联合(?:成立|申报|承担|攻关|培养|研制)|携手(?:推进|开展|打造|研发|开发|建设|攻关))")

RULES: list[RelationRule] = [
    # 许可 / 授权
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(rf"^\s*(?:将|把|以)?{_GAP}{{0,40}}?(?:许可|授权)(?:给|予)?\s*$")),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^\s*(?:获得|取得|获)了?\s*$"), _r(rf"^\s*的?{_GAP}{{0,20}}?专利{_GAP}{{0,12}}?(?:许可|授权)"), swap=True),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(rf"^\s*{_GAP}{{0,12}}?向\s*$"), _r(r"^\s*(?:许可|授权)")),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^\s*从\s*$"), _r(rf"^\s*(?:获得|取得)了?{_GAP}{{0,20}}?(?:许可|授权)"), swap=True),
    # 转让
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^\s*(?:将|把)?{_GAP}{{0,40}}?转让(?:给|予|至)\s*$")),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(r"^\s*向\s*$"), _r(r"^\s*转让")),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(r"^\s*受让了?\s*$"), _r(r"^\s*的"), swap=True),
    # 供应 / 供货 / 配套
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*(?:均|都|也)?(?:长期|稳定|持续|主要|已|批量)?(?:向|为|给)\s*$"),
                 _r(rf"^\s*(?:长期|稳定|批量|独家|持续|配套)?{_SUPPLY_VERBS}")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^\s*{_GAP}{{0,25}}?(?:供应|供货|配套|供)(?:给|予)\s*$")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^\s*{_OF}(?:主要|批量|长期|稳定)?(?:供应|销往|供给)\s*$")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^\s*{_OF}(?:是|为|成为|系|已成为|已进入|进入)\s*$"),
                 _r(rf"^\s*的?{_GAP}{{0,15}}?(?:供应商|供货商|配套商|供应链)")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*的(?:主要|核心|重要)?(?:客户)(?:包括|有|为|是|涵盖)[:：]?\s*$")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*(?:获得|取得)了?\s*$"), _r(rf"^{_GAP}{{0,12}}?定点")),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^\s*的(?:核心|主要|一级|二级)?(?:供应商|供货商|配套商)(?:为|是|包括|有)?[:：]?\s*$"), swap=True),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^\s*{_OF}(?:向|从)\s*$"), _r(r"^\s*(?:采购|购买|购进|订购)"), swap=True),
    # "A是B的合作伙伴", "A成为B的战略合作伙伴"
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^\s*(?:已|已经)?(?:是|为|成为)\s*$"),
                 _r(rf"^\s*的{_GAP}{{0,6}}?合作伙伴")),
    # 合作 / 联合开发 / 共建
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^\s*(?:与|和|同|跟|携手)\s*$"), _r(_COOP_AFTER)),
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^\s*(?:牵头[，,]?\s*)?(?:联合|携手|会同)\s*$"),
                 _r(r"^\s*(?:开发|研发|攻关|申报|承担|成立|建设|研制|推进|打造|开展|共同)")),
    # 子公司 / 控股
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*(?:是|为|系|作为)\s*$"), _r(rf"^\s*{_GAP}{{0,10}}?的?(?:全资|控股)?子公司")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*(?:是|为|系)?\s*$"), _r(r"^\s*(?:直属|下属)")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*隶属于?\s*$")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*的(?:母公司|控股股东|控股方)(?:为|是)\s*$")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*的(?:全资|控股)?子公司\s*$"), swap=True),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*(?:全资)?(?:控股|旗下|下属)的?(?:子公司)?\s*$"), swap=True),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*由\s*$"), _r(r"^\s*(?:全资)?控股")),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^\s*持有\s*$"), _r(r"^\s*(?:5[1-9]|[6-9]\d|100)(?:\.\d+)?%"), swap=True),
    # 位于
    RelationRule("LOCATED_IN", "ORG", "REGION", _r(r"^\s*(?:总部)?(?:位于|坐落于|地处|注册于|设在|落户|落户于|设立于|注册地(?:为|在|位于)?)\s*$"), confidence=0.8),
    # 申请人
    RelationRule("APPLICANT_OF", "ORG", "PATENT", _r(rf"^\s*(?:申请|提交)了?{_GAP}{{0,12}}?(?:专利|申请)(?:号)?(?:为|是)?[:：]?\s*$")),
    RelationRule("APPLICANT_OF", "ORG", "PATENT", _r(r"^\s*的?(?:专利)?申请人(?:为|是)?[:：]?\s*$"), swap=True),
]
# Rules by (head label, tail label): most mention pairs (TECH–REGION, …) have no rule at all.
_RULES_BY_PAIR: dict[tuple[str, str], list] = {}
# the lexicon rules come after the literal ones: a pair takes the first rule that fires
for _rule in RULES + pair_relations.PAIR_RULES:
    _RULES_BY_PAIR.setdefault((_rule.head, _rule.tail), []).append(_rule)
_DECL_BEFORE = re.compile(r"(?:简称|下称)\s*[:：]?\s*[“\"「『']?$")
_DECL_SPAN = re.compile(r"^\s*[(（][^()（）]{0,24}[)）]")
_APPLICANT_LEAD = re.compile(r"(?:申请人|申请\(专利权\)人|申请（专利权）人|专利权人)\s*(?:为|是)?[:：]?\s*$")


_LIST_SEP = re.compile(r"^\s*(?:、|和|及|以及)\s*$")  # not 与: "X的子公司Y与Z签约" is no list
_AFTER_LIST = re.compile(r"^\s*等(?:[^，,。；;]{0,8}?(?:企业|客户|厂商|厂|单位|高校|机构|公司|品牌))?")
_BOTH_SIDES = re.compile(rf"双方{_GAP}{{0,4}}?(?:合作|共建|联合|共同)")


def _list_groups(text: str, mentions: list, in_sent: list[int]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    # Coordinated organisation lists ("B、C和D"): for each mention, the list it starts (tail side)
    # and the list it ends (head side); a relation with the list holds for every member.
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    run: list[int] = []
    for k in in_sent + [None]:
        if k is not None and mentions[k].label == "ORG" and run and _LIST_SEP.match(text[mentions[run[-1]].end : mentions[k].start]):
            run.append(k)
            continue
        for i, m in enumerate(run):
            starts[m] = run[i:]
            ends[m] = run[: i + 1]
        run = [k] if k is not None and mentions[k].label == "ORG" else []
    return starts, ends


def find_relations(text: str, mentions: list, sentences: list[tuple[int, int]]) -> list[dict]:
    """Relations among ``mentions`` (objects with label/start/end/text) sentence by sentence.

    Returns dicts ``{type, head, tail, evidence, confidence, method, head_i, tail_i}`` where
    ``head_i``/``tail_i`` index into ``mentions`` (the pipeline drops them from the public output).
    A relation whose end is a coordinated list ("A为B、C等企业配套", "B、C均向A供货") holds for each member.
    """
    out: list[dict] = []
    seen: set[tuple[str, int, int]] = set()

    def emit(rtype: str, h: int, t: int, evidence: str, conf: float, method: str = METHOD) -> None:
        key = (rtype, *sorted((h, t))) if rtype == "COOPERATES_WITH" else (rtype, h, t)  # cooperation has no direction
        if h != t and key not in seen:
            seen.add(key)
            out.append(_rel(rtype, mentions, h, t, evidence, conf, method))

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
        tail_lists, head_lists = _list_groups(text, mentions, in_sent)
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
                tails = tail_lists.get(b, [b])
                afters = [(after, [b])]
                if len(tails) > 1:
                    last = mentions[tails[-1]].end
                    afters.insert(0, (_AFTER_LIST.sub("", text[last : min(s_end, last + 40)], count=1), tails))
                else:
                    afters[0] = (_AFTER_LIST.sub("", after, count=1), [b])
                heads = head_lists.get(a, [a])
                both_org = ma.label == "ORG" and mb.label == "ORG"
                if both_org:
                    # a plan, a denial or a rivalry names two firms without relating them
                    clause_end = _CLAUSE_SEP.search(text, mentions[tails[-1]].end, s_end)
                    if pair_relations.hedged(text, ma.start, clause_end.start() if clause_end else s_end):
                        continue
                    if not org_between and pair_relations.CROSS_LICENCE.search(mid) and pair_relations.CROSS_LICENCE_AFTER.search(after):
                        emit("LICENSED_TO", a, b, evidence, 0.7, pair_relations.METHOD)
                        emit("LICENSED_TO", b, a, evidence, 0.7, pair_relations.METHOD)
                        continue
                a_opens_clause = None
                for rule in rules:
                    if rule.head == "ORG" and org_between:
                        continue
                    if rule.method == pair_relations.METHOD and _CLAUSE_SEP.search(mid):
                        # a lexicon rule reaching over a clause break needs the first organisation as the subject
                        if a_opens_clause is None:
                            a_opens_clause = bool(_OPENS_CLAUSE.match(text[_clause_start(text, ma.start, s_start) : ma.start]))
                        if not a_opens_clause:
                            continue
                    if not rule.mid.search(mid):
                        continue
                    hit = next((grp for aft, grp in afters if rule.after is None or rule.after.search(aft)), None)
                    if hit is None:
                        continue
                    for x in heads:
                        for y in hit:
                            h, t = (y, x) if rule.swap else (x, y)
                            emit(rule.type, h, t, evidence, rule.confidence, rule.method)
                    # partners listed together cooperate with each other too — not the units a lead brings in
                    # ("X牵头，联合Y、Z共同承担": Y and Z each work with X)
                    if rule.type == "COOPERATES_WITH" and not re.search(r"牵头|联合|携手", mid):
                        members = heads + hit
                        for i, x in enumerate(members):
                            for y in members[i + 1 :]:
                                emit(rule.type, x, y, evidence, rule.confidence, rule.method)
                    break
                # 申请人：A … CN…  (the applicant field form of patent records)
                if ma.label == "ORG" and mb.label == "PATENT" and _APPLICANT_LEAD.search(text[s_start : ma.start]):
                    emit("APPLICANT_OF", a, b, evidence, 0.8)
        sentence_hedged = pair_relations.hedged(text, s_start, s_end)
        # "A、B和C三方签约，共同推进…": the members of a list that signs or builds together cooperate
        for first, members in tail_lists.items():
            opens_clause = not text[_clause_start(text, mentions[first].start, s_start) : mentions[first].start].strip()
            if len(members) > 1 and first == members[0] and opens_clause:
                last = mentions[members[-1]].end
                if pair_relations.LIST_COOP_AFTER.match(_AFTER_LIST.sub("", text[last:s_end], count=1)) and not sentence_hedged:
                    for i, x in enumerate(members):
                        for y in members[i + 1 :]:
                            emit("COOPERATES_WITH", x, y, evidence, 0.7, pair_relations.METHOD)
        if sentence_hedged:
            continue
        # "A将专利许可给B，双方还共建了联合实验室": 双方 = the sentence's two organisations.
        both = _BOTH_SIDES.search(text, s_start, s_end)
        if both:
            before = [k for k in in_sent if mentions[k].label == "ORG" and mentions[k].end <= both.start()]
            if len({mentions[k].text for k in before}) == 2:
                emit("COOPERATES_WITH", before[0], next(k for k in before if mentions[k].text != mentions[before[0]].text),
                     evidence, 0.8)
        for rtype, h, t in _elided_subject_relations(text, mentions, in_sent, s_start, s_end):
            emit(rtype, h, t, evidence, 0.8)
    # a supply, licence or transfer between two firms is what their signing was about ("A与B签约，为其提供逆变器"):
    # the annotation (and a reader) takes it instead of a cooperation
    specific = {frozenset((mentions[r["head_i"]].text, mentions[r["tail_i"]].text)) for r in out
                if r["type"] in ("SUPPLIES", "LICENSED_TO", "ASSIGNED_TO") and not _JOINT_WORK.search(r["evidence"])}
    return [r for r in out if r["type"] != "COOPERATES_WITH"
            or frozenset((mentions[r["head_i"]].text, mentions[r["tail_i"]].text)) not in specific]


# -- clauses without their own subject ----------------------------------------------------------------
# News and profiles drop the subject of a later clause: "卓越动力是X的子公司，主要向[Y]供应电池包",
# "A为B代工…，同时获得[C]的专利许可", "A与B签订…合同，向其交付设备", "上汽集团宣布，其与[Y]合资…".
# The subject is the organisation that opens the sentence.
_CLAUSE_ADV = r"(?:(?:并|还|也|同时|主要|目前|已经|已|将|并且|此外|另外|长期|稳定|批量|持续|后)\s*)*"
# the later clause may name its subject by a pronoun: "…，该公司已开始向[Y]供货", "…表示，公司已与[Y]建立合作关系"
_CLAUSE_PRONOUN = r"(?:该公司|公司|该企业|其|双方)?"
_ELIDED_SUPPLY = _r(rf"^{_CLAUSE_PRONOUN}{_CLAUSE_ADV}(?:开始|已开始)?(?:向|为|给)$")
_ELIDED_SUPPLY_AFTER = _r(rf"^\s*(?:长期|稳定|批量|独家|持续|配套)?{_SUPPLY_VERBS}")
_ELIDED_LICENCE = _r(rf"^{_CLAUSE_ADV}(?:获得|取得)了?$")
_ELIDED_LICENCE_AFTER = _r(rf"^\s*的?{_GAP}{{0,20}}?(?:专利)?{_GAP}{{0,12}}?(?:许可|授权)")
_ELIDED_COOP = _r(rf"^{_CLAUSE_PRONOUN}{_CLAUSE_ADV}(?:与|和|同|联合|携手|会同)$")
# "A与B签订…合同，向其交付设备", "…，约定向其供应湿法隔膜", "…，将从2026年起为其供应电池", "…，为其青海光伏电站提供逆变器"
_PRONOUN_SUPPLY = _r(rf"^{_GAP}{{0,12}}?(?:向|为|给)其\s*{_GAP}{{0,10}}?(?:长期|稳定|批量|独家|持续|配套)?{_SUPPLY_VERBS}")
_LIST_JOIN = re.compile(r"^\s*(?:、|和|及|以及)\s*$")
_SUBJECT_LEAD = _r(r"^(?:据[^，,。；;]{0,12}?[，,]|(?:今年|去年|近日|目前|此前|日前)[^，,。；;]{0,8}?[，,])?\s*$")
_CLAUSE_SEP = re.compile(r"[，,；;]")
#: what may stand before an organisation that is still its clause's subject ("由A牵头，…", "经A授权，…", "2025年度，A对B…")
_OPENS_CLAUSE = re.compile(r"^\s*(?:[^，,。；;]{0,12}?由|经|据悉|近日|日前|今年|目前|此前|同时|其中|此外|另外|\d{4}年度?|报告期内)?\s*$")
#: work done together besides a supply or licence ("…许可给B，双方还共建了联合实验室"): the cooperation stays
_JOINT_WORK = re.compile(r"共建|联合(?:研发|开发|攻关|研制)|共同(?:研发|开发)|合资|双方还|联合实验室|合作协议|战略合作")


def _elided_subject_relations(text: str, mentions: list, in_sent: list[int], s_start: int, s_end: int):
    """(type, head index, tail index) for later clauses of a sentence whose subject is the ORG opening it."""
    orgs = [k for k in in_sent if mentions[k].label == "ORG"]
    if len(orgs) < 2:
        return
    subj = orgs[0]
    if not _SUBJECT_LEAD.match(text[s_start : mentions[subj].start]):
        return
    subject_text = mentions[subj].text
    for sep in _CLAUSE_SEP.finditer(text, mentions[subj].end, s_end):
        c0 = sep.end()
        clause_end = _CLAUSE_SEP.search(text, c0, s_end)
        c1 = clause_end.start() if clause_end else s_end
        inside = [k for k in orgs if c0 <= mentions[k].start < c1]
        before = text[c0 : mentions[inside[0]].start].strip() if inside else ""
        if inside and mentions[inside[0]].text != subject_text:
            # a list opening the clause's object ("已向[英飞凌]、[博世]批量供货") relates each member
            group = [inside[0]]
            for k in inside[1:]:
                if not _LIST_JOIN.match(text[mentions[group[-1]].end : mentions[k].start]):
                    break
                group.append(k)
            after = _AFTER_LIST.sub("", text[mentions[group[-1]].end : c1], count=1)
            for y in group:
                if _ELIDED_SUPPLY.match(before) and _ELIDED_SUPPLY_AFTER.match(after):
                    yield "SUPPLIES", subj, y
                elif _ELIDED_LICENCE.match(before) and _ELIDED_LICENCE_AFTER.match(after):
                    yield "LICENSED_TO", y, subj
                elif _ELIDED_COOP.match(before) and re.match(_COOP_AFTER, after):
                    yield "COOPERATES_WITH", subj, y
        elif not inside and _PRONOUN_SUPPLY.match(text[c0:c1].strip()):
            # "A与B签订…合同，向其交付设备": 其 = the one other organisation named before
            others = {mentions[k].text: k for k in orgs if mentions[k].end <= c0 and mentions[k].text != subject_text}
            if len(others) == 1:
                yield "SUPPLIES", subj, next(iter(others.values()))


def _clause_start(text: str, pos: int, floor: int) -> int:
    # (a plain loop: called for most organisation pairs, and max() over a generator cost more than the search)
    sep = -1
    for c in "，,；;：:":
        k = text.rfind(c, floor, pos)
        if k > sep:
            sep = k
    return sep + 1 if sep >= floor else floor


def _rel(rtype: str, mentions: list, h: int, t: int, evidence: str, conf: float, method: str = METHOD) -> dict:
    return {
        "type": rtype,
        "head": mentions[h].text,
        "tail": mentions[t].text,
        "evidence": evidence,
        "confidence": conf,
        "method": method,
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
