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
from extraction.known_enterprises import METHOD as KNOWN_METHOD
from extraction.known_enterprises import RAN_ON, ran_on
from extraction.orgrules import BOUNDARY_WORDS

SLOT_METHOD = "rule:relation_slot"
SLOT_CONFIDENCE = 0.6
# a Latin-letter name may be longer and hold spaces (GE Appliances, Multek): tried first, Chinese names otherwise
_NAME = r"(?:[A-Z][A-Za-z0-9&\-]+(?: [A-Z][A-Za-z0-9&\-]+){0,3}|[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,5}?)"
# Adverbs and hedges between a name and its trigger are never part of the name ("锦川电子拟向…",
# "星衡新能源不是…"): the hedge itself is judged by the relation layer (extraction/pair_relations.py).
_ADV = r"(?:长期|主要|稳定|批量|已|均|也|已经|正|将|成功|正式|顺利|开始|此前|曾|拟|计划|有意|不|并未|未|否认|今年|目前)*"
_SUPPLY = r"(?:长期|稳定|批量|独家|持续)?(?:供应|供货|配套|提供|交付|代工|采购|下单|订购|许可|转让)"
_COOP = r"(?:签署|签订|签约|合作|共建|联合|共同|携手|联手|成立|达成|合资|建立|结成|结盟|组建|打造|开展|研发|开发|攻关|培养|在[^，,。；;]{0,12}?(?:合作|开展|联合|共同|签署|签订))"
# (preposition, trigger after the second organisation)
_PAIRS = [
    (r"向|为|给", _SUPPLY),
    (r"从", r"(?:采购|购买|获得)"),
    (r"与|和|同|携手|联合", rf"(?:{_COOP}|(?:开展|进行|推进)[^，,。；;]{{0,12}}?合作|(?:是|为|成为|互为)[^，,。；;]{{0,4}}?(?:合作伙伴|战略伙伴))"),
    (r"是|系|作为|为|成为|已成为|隶属于", r"(?:的{0,1}[^，,。；;]{0,12}?(?:子公司|供应商|客户|供应链|下属|旗下|经销商|代理商|股东)|$)"),
    (r"由", r"(?:全资)?控股"),
    # procurement news and passive forms: "[X]被M定点为…供应商", "[X]获M批量采购", "[X]中标M2026年…采购"
    (r"被", r"(?:定点|授予|受让|收购|选为|选定|控股|许可|授权)"),
    (r"获|获得", r"(?:批量|长期)?(?:采购|定点|授权|许可)"),
    (r"中标|入围|入选|承接|拿下|签下|斩获", r"(?:\d|的|采购|招标|集采|项目|订单|框架|定点)"),
]
_LIST_TAIL = rf"(?:(?:、|和|及){_NAME})*?(?:等[^，,。；;]{{0,6}}?)?"  # "M、X和Y等企业" before the trigger
_LEFT = [re.compile(rf"^(?P<n>{_NAME}){_ADV}(?:{p})$") for p, _ in _PAIRS] + [
    # "[X]的部分光刻胶从M采购": the buyer before its product
    re.compile(rf"^(?P<n>{_NAME})的[^，,。；;的]{{1,10}}?{_ADV}从$"),
    # "[X]将三项专利许可给M", "[X]把…转让给M": the licensor / assignor before its patents
    re.compile(rf"^(?P<n>{_NAME})(?:将|把|已将)[^，,。；;]{{1,20}}?(?:独占|排他|普通)?(?:许可给|转让给|授权给|许可予|转让予|转让至)$"),
    # "[X]的谐波减速器主要销往M、…": the supplier before its product
    re.compile(rf"^(?P<n>{_NAME})的[^，,。；;的]{{1,10}}?{_ADV}(?:主要|批量|长期|稳定)?(?:销往|供应|供货给|出口到|出口至)$"),
]
_RIGHT_TRIGGER = [re.compile(rf"^\s*{_LIST_TAIL}{t}") for _, t in _PAIRS] + [
    re.compile(r"^\s*(?:采购|购买|购入|进口)"), re.compile(r""), re.compile(r"")]
# (the name may open a list: "M与[X]、Y签约" — the list step takes Y from the slot)
_RIGHT = [re.compile(rf"^{_ADV}(?:{p})(?P<n>{_NAME})(?={_LIST_TAIL}{t})") for p, t in _PAIRS] + [
    # "…许可给[Y]实施", "…转让给[Y]和[Z]", "旗下的[Y]负责…": the name ends at a list word, a verb or the clause end
    re.compile(rf"^[^，,。；;]{{0,20}}?(?:许可给|转让给|授权给|供应给|供货给|(?<!专利)许可|(?<!专利)授权)(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|使用|实施|两家|三家|等|$)"),
    re.compile(rf"^的?(?:全资|控股)?(?:旗下|控股|下属|所属|子公司)的?(?:全资|控股)?(?:子公司)?(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|负责|推出|发布|宣布|是|为|在|获得|正在|承接|承担|参与|主营|专注|今年|均|$)"),
    # apposition by role: "M的合作伙伴[Y]发布…", "M的电池供应商[Y]宣布…", "M的代工厂[Y]在…"
    re.compile(rf"^的[^，,。；;的]{{0,4}}?(?:合作伙伴|战略伙伴|供应商|供货商|代工厂|客户|母公司|控股股东)(?!经理|代表|总监|专员|服务|群体|数量)(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|发布|宣布|推出|表示|是|为|在|已|将|获得|正在|今年|近日|$)"),
    # "…转让至[Y]", "…转让予[Y]", "M全资收购[Y]后…", "M的动力电池主要来自[Y]。", "M选择[Y]作为…供应商"
    re.compile(rf"^[^，,。；;]{{0,20}}?(?:转让至|转让予|许可予|授权予)(?P<n>{_NAME})(?=[、和及，,。；;]|使用|实施|$)"),
    re.compile(rf"^(?:全资)?收购(?P<n>{_NAME})(?=[、和及，,。；;]|后|$)"),
    re.compile(rf"^的[^，,。；;]{{1,10}}?(?:主要|均|全部)?来自(?P<n>{_NAME})(?=[、和及，,。；;]|$)"),
    re.compile(rf"^(?:选择|选定)(?P<n>{_NAME})(?=作为)"),
    # "M的座椅由[Y]和…供应", "…被[Y]受让"
    re.compile(rf"^的[^，,。；;]{{1,12}}?由(?P<n>{_NAME})(?=[、和及]|共同|供应|供货|提供)"),
    re.compile(rf"^的[^，,。；;]{{1,12}}?被(?P<n>{_NAME})(?=受让|收购|采购|许可|实施)"),
    # "M控股[Y]", "M并购了[Y]", "M联手[Y]开发…", "M受让了[Y]的专利", "M采用了[Y]的方案", "M为[Y]的控股股东"
    re.compile(rf"^{_ADV}(?:控股|并购|兼并|收购|联手|牵手|受让|采用|选用)了?(?P<n>{_NAME})(?=的|[、和及，,。；;]|开发|研发|打造|建设|推出|共建|$)"),
    re.compile(rf"^(?:是|为|系|成为)(?P<n>{_NAME})(?=的(?:控股股东|母公司|实际控制人|控股方))"),
    # "M承担，[Y]、Z参与", "M作为牵头单位，联合[Y]共同申报…" (a later clause that brings partners in)
    re.compile(rf"^(?:牵头|承担|主持|负责)[^，,。；;]{{0,8}}?[，,](?P<n>{_NAME})(?={_LIST_TAIL}(?:等单位)?(?:参与|参加|协作))"),
    re.compile(rf"^[^。；;]{{0,12}}?[，,](?:并|还|同时)?(?:联合|携手|会同)(?P<n>{_NAME})"
               rf"(?={_LIST_TAIL}(?:共同|联合|开展|合作|共建|申报|研发|开发|承担|攻关))"),
    # "M委托[Y]生产…", "M将[Y]纳入合格供应商体系"
    re.compile(rf"^{_ADV}委托(?P<n>{_NAME})(?=生产|加工|制造|代工|代加工)"),
    re.compile(rf"^将(?P<n>{_NAME})(?=纳入|列为|确定为|选为|定为)"),
    # "M持有[Y]60%的股份", "M已批量供货[Y]", "M的储能电池主要供给[Y]"
    re.compile(rf"^{_ADV}持有(?P<n>{_NAME})(?=约?\d)"),
    re.compile(rf"^(?:的[^，,。；;的]{{1,10}}?)?{_ADV}(?:批量|长期|稳定|独家)?(?:供货给?|供应给|供给|交付给|销往|出口至|出口到)(?P<n>{_NAME})"
               r"(?=[、和及，,。；;]|等|$)"),
    # "M以专利作价800万元入股[Y]"
    re.compile(rf"^以[^，,。；;]{{0,20}}?作价[^，,。；;]{{0,12}}?入股(?P<n>{_NAME})(?=[，,。；;]|$)"),
    # "M的主要供应商为[X]和…"
    re.compile(rf"^的(?:主要|核心|重要)?(?:供应商|供货商)(?:包括|有|为|是|涵盖)[:：]?(?P<n>{_NAME})(?=[、和及，,。；;]|等|$)"),
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
_LIST_ITEM = re.compile(rf"(?:、|和|及)(?P<n>{_NAME})(?=[、和及]|等|提供|供应|配套|合作|签署|签约|签订|共同|共建|联合|携手|合资|成立|建立|达成|开展|"
                        r"研发|开发|打造|入围|入选|参与|使用|两家|三家|三方|均|都|[，,。；;]|$)")
#: A list is only followed in a sentence that states a relation (news lists of ministries or clubs are not).
_RELATION_CUE = re.compile(r"供应|供货|配套|提供|采购|客户|合作|签署|签订|签约|共建|携手|联手|联合|许可|转让|授权|子公司|控股|旗下|下属|销往|交付|代工|供应商|供应链")
#: A list member named right before M: "主要客户为[X]和M", "为[X]、M配套" (``search`` on the clause before M).
# names found with no ORG next to them hold no function word (的 了 是 为 与 …): "华为的一级" is no name
_PNAME = r"(?:(?![的了是为与和及向给被从将已在])[\u4e00-\u9fffA-Za-z0-9]){2,6}?"
_LIST_BEFORE = re.compile(rf"(?:客户(?:为|是|包括|有)|配套|供应|供货给|为|向|给|与|携手|联合|包括)(?P<n>{_PNAME})(?:、|和|及)$")
#: Both ends of a relation in one clause and neither tagged yet: "[海光信息]向[浪潮信息]交付了…",
#: "[高通]授权[小米]使用…", "[弗迪电池]是[比亚迪]旗下的…". Matched at the clause start only
#: (``match(text, pos)``, hence no ``^``).
_BOTH = [
    re.compile(rf"(?P<a>{_PNAME}){_ADV}(?<![成作认称])(?:向|为|给)(?P<b>{_PNAME}){_ADV}(?=交付|供应|供货|提供|配套)"),
    re.compile(rf"(?P<a>{_PNAME})(?:授权|许可)(?P<b>{_PNAME})(?=使用|实施|在|生产)"),
    re.compile(rf"(?P<a>{_PNAME})(?:是|系)(?P<b>{_PNAME})(?=旗下|下属|的(?:全资|控股)?子公司|(?:全资|控股)子公司)"),
    re.compile(rf"(?P<a>{_PNAME}){_ADV}(?:与|同|携手)(?P<b>{_PNAME})(?=签署|签订|签约|合资|共建|联合研发|联合开发|达成)"),
    re.compile(rf"(?P<a>{_PNAME})(?:旗下|(?:全资|控股)子公司|旗下子公司)的?(?P<b>{_PNAME})(?=推出|发布|负责|承担|专注|获得|[，,。；;])"),
    # "[A]的电芯批量供应[B]", "[A]的减速器主要销往[B]"
    re.compile(rf"(?P<a>{_PNAME})的[^，,。；;的]{{1,10}}?{_ADV}(?:批量|长期|稳定|独家)?(?:供应|供货给|销往|配套|交付给|出口至|出口到)"
               rf"(?P<b>{_PNAME})(?=[、和及，,。；;]|等|$)"),
    # "[A]的母公司[B]发布公告", "[A]的电池供应商[B]宣布…" (apposition by role)
    re.compile(rf"(?P<a>{_PNAME})(?:是|为)(?P<b>{_PNAME})(?=的(?:控股股东|第一大股东|母公司|独家经销商|经销商|代理商|合作伙伴|核心供应商|供应商))"),
    re.compile(rf"(?P<a>{_PNAME})的(?:母公司|控股股东|全资子公司|控股子公司|子公司|合作伙伴|战略伙伴|供应商|代工厂)(?P<b>{_PNAME})"
               r"(?=发布|宣布|推出|表示|近日|今年|在|已|将|正式|[，,。；;])"),
    # "[A]并购了[B]。", "[B]受让了[A]的三项专利", "[A]联手[B]开发…"
    re.compile(rf"(?P<a>{_PNAME}){_ADV}(?:并购|兼并|收购|受让|联手|牵手)了?(?P<b>{_PNAME})(?=的|[，,。；;]|开发|研发|打造|共建|后|$)"),
]
_BOTH_CUE = re.compile(r"交付|供应|供货|销往|出口|母公司|股东|经销商|代理商|合作伙伴|供应商|代工厂|提供|配套|授权|许可|旗下|下属|子公司|签署|签订|签约|合资|共建|联合|达成|并购|兼并|收购|受让|联手|牵手")
#: A clause may open with a time word before its subject ("今年比亚迪开始从…").
_LEAD = re.compile(r"(?:今年|去年|近日|日前|目前|此前|近期|据悉|据了解)?")
_NOT_FIRST = "本该其我此各每这那"
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?、（）()“”\"\s]")
_NOT_NAMES = frozenset("协议 合同 专利 公司 本公司 该公司 我们 双方 其 他们 企业 客户 用户 产品 市场 记者 政府 国家 行业".split())


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and not _CLAUSE_END.match(text[i - 1]):
        i -= 1
    return i


#: a name holds no function word inside ("松下的电解液" is a firm and its product)
_INNER_FUNCTION = re.compile(r"[的了是向给被从将把对其]")
_FUNCTION_FIRST = frozenset("为向与和及给被从将在对由的了是")


def _plausible(name: str, known: set[str]) -> bool:
    if _INNER_FUNCTION.search(name, 1) or name.startswith(("包括", "包含", "涵盖", "覆盖", "有")) or name[0] in _FUNCTION_FIRST:
        return False  # (a list's verb is not the first name in it: "客户包括|海康威视")
    if name in _NOT_NAMES or name in known or any(w in name for w in ("公司产品", "今年", "去年", "目前")):
        return False
    return name not in BOUNDARY_WORDS and not name.endswith(("的", "了", "在", "将", "已"))


def _pair_slots(text: str, s_start: int, s_end: int, non_org_terms: set[str], add) -> None:
    # both ends of a relation pattern at the start of a clause (see _BOTH); most sentences have
    # none of the trigger words, and one search is cheaper than five anchored patterns per clause
    if not _BOTH_CUE.search(text, s_start, s_end):
        return
    starts = [s_start] + [m.end() for m in re.finditer(r"[，,；;]", text[s_start:s_end])]
    for c in starts:
        c0 = _LEAD.match(text, c if c == s_start else s_start + c).end()
        for rx in _BOTH:
            hit = rx.match(text, c0, s_end)
            if not hit:
                continue
            a, b = hit.group("a"), hit.group("b")
            if a[0] in _NOT_FIRST or b[0] in _NOT_FIRST or not (_plausible(a, non_org_terms) and _plausible(b, non_org_terms)):
                continue
            add(hit.start("a"), hit.end("a"))
            add(hit.start("b"), hit.end("b"))
            break


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
                # the name inside is whole and the slot ran on into its predicate or product (宝钢|热轧产线);
                # a model span may be cut short (晶澜|光伏), a known firm's name is complete
                if inside and m.label == "ORG" and (RAN_ON.match(text, m.end, e) or (m.method == KNOWN_METHOD and (
                        m.start != s or ran_on(text, m.end, e)))):
                    return  # (a known name may only be lengthened to the right: 北大 → 北大未名, never 包括|海康威视)
                # a technology or region word inside a short name (LG[新能源], 海尔智家) does not block it
                if not (inside and (m.label in ("TECH", "REGION") or (m.label == "ORG" and m.method.startswith(("model:", KNOWN_METHOD))))):
                    return
        for m in [m for m in mentions if m.start < e and s < m.end]:
            m.label = "DROP"
        slot = Mention("ORG", s, e, SLOT_METHOD, SLOT_CONFIDENCE)
        mentions.append(slot)
        out.append(slot)

    for s_start, s_end in sentences:
        _pair_slots(text, s_start, s_end, non_org_terms, add)
        orgs = [m for m in mentions if m.label == "ORG"]
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
            # A list member before M: "主要客户为[X]和M"
            hit = _LIST_BEFORE.search(before)
            if hit and _plausible(hit.group("n"), non_org_terms):
                add(c0 + hit.start("n"), c0 + hit.end("n"))
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
