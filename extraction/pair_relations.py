"""Organisation-pair relations from trigger lexicons, with direction rules and hedge blocking.

The literal patterns of :mod:`extraction.relations` were written on the phrasing of the first
development block. News, procurement notices and licence announcements say the same things with
other verbs, adverbs and word orders ("A中标B…采购项目", "A的储能电芯获B批量采购", "A被B定点为…供应商",
"A被B授予…许可", "A与B签订专利转让合同", "A旗下子公司B"). Here each relation type is described
once by lexicons — the words that may stand *between* the two organisations and the trigger that
must follow the second — and :data:`PAIR_RULES` composes them, per direction, into rules for the
same pair loop as the literal rules (lists on either side are expanded there).

:func:`hedged` blocks a pair whose clause states a plan, a denial or a non-relation
(拟/计划/有意 + verb, 尚未/并无/否认, 竞争对手/同行/起诉): those name two firms without relating them.
Since ner6 also nominal and announcement phrasing ("A是B的一级供应商", "B的电池供应商A", "AMD是A的第一大客户",
"A关于全资子公司B…的公告", "A完成对B的要约收购", "经A授权，B…", "A以专利作价…入股B"); a rule whose stretch
between the two organisations crosses a clause break applies only when the first opens its clause (the
pair loop in extraction/relations.py checks it). Measured on tests/gold/relations_gold.txt (dev part),
tests/gold/relations_dev2.txt and tests/gold/relations_dev3.txt; see docs/extraction.md ("Relations").
"""

from __future__ import annotations

import re

from extraction.relations_base import RelationRule

METHOD = "rule:pair-lexicon-v1"
_G = r"[^，,。；;！？!?]"  # a gap inside one clause
_ADV = r"(?:长期|稳定|持续|主要|已|已经|均|都|也|正式|成功|顺利|批量|独家|共同|开始|今年|此前|还|将|曾|紧急)*"
# a clause about the first organisation before the one that relates it ("X成立于2012年，是Y的…供应商",
# "X为全球领先的PCB企业，其控股股东为Y"); the clause may not hold another organisation (the pair loop checks)
# (the pair loop takes such a gap only when the first organisation opens its clause, so that it is the subject:
# "发行人的主要客户包括A、B，主要供应商为C" says nothing about B and C)
_CLAUSE_GAP = r"(?:[^。；;！？!?]{0,30}?[，,])?"
# a list's tail before the verb: "A、B等企业中标C…"
_LIST_TAIL = r"(?:等(?:[^，,。；;]{0,6}?(?:企业|公司|厂商|单位|供应商|厂家))?)?"
# lexicons -------------------------------------------------------------------------------------------
SUPPLY_VERBS = r"(?:供应|供货|供给|提供|配套|交付|销售|出口|代工|代加工|贴牌|加工|生产)"
BUY_VERBS = r"(?:采购|购买|购进|订购|进口|选用|采用|下单|下达订单)"
TENDER_VERBS = r"(?:中标|入围|入选|承接|获得?|成为|进入|导入|是|为|系|签下|拿下|斩获|收到|接到)了?"
TENDER_OBJECTS = r"(?:采购|招标|集采|供应商|供货商|配套商|供应链|供应体系|定点|订单|大单|名录)"
LICENCE_VERBS = r"(?:许可|授权|授予)"
COOP_VERBS = (r"(?:合作|合资|签约|签署|签订|共建|联合|共同|携手|联手|成立|建立|达成|研发|开发|研制|攻关|培养|打造"
              r"|推进|推出|申报|承担|结成|结盟|组建)")
STRONG_COOP_VERBS = r"(?:合作|合资|签约|签署|签订|共建|联合(?:研发|开发|成立|攻关)|达成|成立|结成|结盟|组建联合体|伙伴)"
# co-applicants of a patent are APPLICANT_OF, not partners in this annotation
NOT_COOPERATION = r"(?:采购|供货|供应|长单|订单|交付|许可|转让|纠纷|和解|诉讼|联合申请|共同申请)"
SUBSIDIARY_WORDS = r"(?:(?:全资|控股)?子公司|孙公司|旗下|下属|所属)"
# the second organisation's own clause: "…等企业", "等单位" are list tails, removed by the pair loop

_BETWEEN_OF = rf"(?:的{_G}{{0,12}}?)?"  # "A的储能电芯获B…": A's product between A and the verb


def _r(p: str) -> re.Pattern:
    return re.compile(p)


PAIR_RULES: list[RelationRule] = [
    # -- SUPPLIES, supplier first -------------------------------------------------------------
    # "A为B海上风电项目提供海缆", "A向B交付了首批…"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_BETWEEN_OF}{_ADV}(?:向|为|给){_ADV}$"),
                 _r(rf"^{_G}{{0,20}}?{SUPPLY_VERBS}"), confidence=0.75, method=METHOD),
    # "A中标B…采购项目", "A入选B…供应商", "A的电芯获B批量采购", "A成功进入B供应链"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_LIST_TAIL}{_BETWEEN_OF}{_ADV}{TENDER_VERBS}$"),
                 _r(rf"^的?{_G}{{0,24}}?{TENDER_OBJECTS}"), confidence=0.75, method=METHOD),
    # "X成立于2012年，是Y、Z的合格供应商", "X是Y的一级供应商", "X为Y的代工厂"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}{_ADV}(?:是|为|成为|系|作为)$"),
                 _r(rf"^{_G}{{0,24}}?的{_G}{{0,12}}?(?:供应商|供货商|配套商|代工厂|代工商)"), confidence=0.75, method=METHOD),
    # "B是A的独家经销商" (A sells to its distributor)
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}(?:是|为|成为|系)$"), _r(rf"^的{_G}{{0,8}}?(?:经销商|代理商|分销商)"), swap=True,
                 confidence=0.7, method=METHOD),
    # "A对B的销售收入为…", "A对B的出货量持续增长"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}对$"), _r(r"^的?(?:销售|出货|供货|交付)"), confidence=0.7, method=METHOD),
    # "A的刻蚀机已被B用于…", "A的激光焊接设备被B大批量采用"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}(?:的|其){_G}{{1,12}}?{_ADV}被$"),
                 _r(rf"^{_ADV}(?:大批量|大规模|广泛)?(?:采用|选用|用于|使用|采购|导入|搭载)"), confidence=0.7, method=METHOD),
    # "A的麒麟电池首发搭载于B…", "A的产品广泛应用于B、C等客户的…"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}(?:的|其)?{_G}{{0,12}}?(?:产品|设备|电池|芯片|系统|材料|部件|器件){_G}{{0,6}}?"
                                            r"(?:首发|率先|已|均|广泛)*(?:搭载于|搭载在|装配于|应用于|服务于)$"),
                 confidence=0.7, method=METHOD),
    # "A的控制器已配套B", "A的工业泵出口至B", "A由…供货，最终交付给B"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_BETWEEN_OF}{_ADV}(?:配套|供应给?|供货给?|供给|销往|出口至|出口到|交付给?|提供给)$"),
                 confidence=0.75, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_G}{{0,10}}?(?:供货|供应)[，,]{_G}{{0,8}}?(?:交付|供应|供货)给$"), confidence=0.7, method=METHOD),
    # "A主要客户为B"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}(?:的|其)?(?:主要|核心|重要|最大|第一大|前五大|重点)?客户(?:为|是|包括|有|涵盖|覆盖)[:：]?$"),
                 confidence=0.75, method=METHOD),
    # "B的客户A…" — "特斯拉的电池供应商松下", "苹果的代工厂富士康" (apposition: customer first)
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^的{_G}{{0,6}}?(?:供应商|供货商|代工厂|代工商)$"), swap=True, confidence=0.7, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^的{_G}{{0,4}}?客户$"), confidence=0.7, method=METHOD),
    # "B是A的第一大客户"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}(?:是|为|成为|系)$"),
                 _r(r"^的?(?:第[一二三四五]大|最大|主要|核心|重要|重点|长期)?客户"), swap=True, confidence=0.7, method=METHOD),
    # "A向B追加订单", "A向B授予…集采份额", "A将B列为…中标候选人"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}(?:向|给)$"),
                 _r(rf"^{_ADV}{_G}{{0,4}}?(?:授予|下达|发出|追加|下)了?{_G}{{0,12}}?(?:订单|份额|中标通知|定点通知)"), swap=True,
                 confidence=0.7, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^将$"), _r(rf"^(?:列为|确定为|选为|定为|纳入){_G}{{0,12}}?(?:供应商|供应链|供应体系|中标|候选人|定点)"),
                 swap=True, confidence=0.7, method=METHOD),
    # "A委托B生产…" (B makes it for A)
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}委托$"), _r(rf"^{_G}{{0,8}}?(?:生产|加工|制造|代工|代加工)"), swap=True,
                 confidence=0.7, method=METHOD),
    # "A采购了B的MDI产品"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}(?:采购|购买|订购|选购|采用|选用)了?$"), _r(rf"^的(?!{_G}{{0,8}}?专利)"), swap=True,
                 confidence=0.7, method=METHOD),
    # "A的主要供应商为B和C" (customer first)
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}(?:的|其)?(?:主要|核心|重要|最大|第一大|前五大)?(?:供应商|供货商)(?:为|是|包括|有|涵盖)[:：]?$"),
                 swap=True, confidence=0.75, method=METHOD),
    # "A被B定点为…供应商"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^(?:已|已经)?被$"), _r(r"^(?:定点|选为|选定|指定|认定)"), confidence=0.75, method=METHOD),
    # -- SUPPLIES, customer first (swap) ------------------------------------------------------
    # "A的动力电池主要来自B", "A的座椅由B和C共同供应"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^的{_G}{{1,12}}?{_ADV}来自$"), swap=True, confidence=0.75, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^的{_G}{{1,12}}?由$"), _r(rf"^{_ADV}{SUPPLY_VERBS}"), swap=True, confidence=0.75, method=METHOD),
    # "A向B、C采购", "A选择B作为…供应商", "A与B签订…采购合同"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_ADV}(?:向|从)$"), _r(rf"^{_ADV}{BUY_VERBS}"), swap=True, confidence=0.75, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^(?:选择|选定|引入)$"), _r(rf"^作为{_G}{{0,12}}?(?:供应商|供货商)"), swap=True, confidence=0.75, method=METHOD),
    # (no rule for "A与B签订…采购合同": which side buys is not said — the literal rules and the
    # elided-subject clause "…，向其交付设备" decide when the sentence goes on to say it)
    # -- LICENSED_TO --------------------------------------------------------------------------
    # "A与B签订专利实施许可合同" (the licensor is named first in such announcements)
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(rf"^{_ADV}(?:与|和|同)$"),
                 _r(rf"^{_G}{{0,4}}?(?:签订|签署|达成|续签){_G}{{0,12}}?(?<!交叉){LICENCE_VERBS}(?:合同|协议)"), confidence=0.7, method=METHOD),
    # "A获B授权使用…", "经A授权，B…", "A将向B授予其…独家许可"
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^(?:获|获得)$"), _r(rf"^{LICENCE_VERBS}"), swap=True, confidence=0.75, method=METHOD),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^(?:授权|许可)[，,]$"), confidence=0.7, method=METHOD),
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(rf"^{_ADV}向$"), _r(rf"^(?:授予|授出|发放){_G}{{0,20}}?(?:许可|授权)"),
                 confidence=0.75, method=METHOD),
    # "A被B授予…许可"
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^被$"), _r(rf"^{LICENCE_VERBS}"), swap=True, confidence=0.75, method=METHOD),
    # "A从B取得…实施许可"
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^(?:从|向)$"), _r(rf"^(?:获得|取得){_G}{{0,20}}?{LICENCE_VERBS}"), swap=True,
                 confidence=0.75, method=METHOD),
    # -- ASSIGNED_TO --------------------------------------------------------------------------
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_G}{{0,30}}?(?:向)$"), _r(r"^转让"), confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_G}{{0,40}}?转让(?:给|予|至)$"), confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^的{_G}{{1,14}}?被$"), _r(r"^受让"), confidence=0.75, method=METHOD),
    # "A以专利作价800万元入股B" (the patents pass to B)
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^以{_G}{{0,20}}?作价{_G}{{0,12}}?入股$"), confidence=0.75, method=METHOD),
    # "B受让了A的三项专利"
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_ADV}受让了?$"), _r(r"^的"), swap=True, confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_ADV}(?:与|和|同)$"), _r(rf"^{_G}{{0,4}}?签(?:订|署){_G}{{0,12}}?转让(?:合同|协议)"),
                 confidence=0.7, method=METHOD),
    # -- SUBSIDIARY_OF ------------------------------------------------------------------------
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^(?:是|为|系|作为)$"), _r(rf"^的?{_G}{{0,4}}?{SUBSIDIARY_WORDS}"), confidence=0.75, method=METHOD),
    # "A的全资子公司B", announcements: "A关于全资子公司B…的公告", "A公告称，其控股子公司B…", "A发布公告，公司全资子公司B…"
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG",
                 _r(rf"^(?:关于|{_G}{{0,8}}?[，,](?:其|公司)|其)?(?:的)?(?:全资|控股)?{SUBSIDIARY_WORDS}的?(?:全资|控股)?(?:子公司)?$"), swap=True,
                 confidence=0.75, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^(?:于?\d{4}年(?:\d{1,2}月)?)?(?:全资|成功|完成)?(?:收购|并购|兼并)(?:了)?"
                                                 r"(?:德国|美国|日本|韩国|法国|英国|意大利|瑞士|荷兰|瑞典|芬兰|以色列|新加坡)?$"),
                 swap=True, confidence=0.7, method=METHOD),
    # "A控股B", "A为B的控股股东"
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^{_ADV}(?:绝对)?控股了?$"), _r(r"^(?!股东|子公司|集团|公司)"), swap=True,
                 confidence=0.7, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^{_ADV}(?:是|为|系|成为)$"), _r(r"^的?(?:控股股东|母公司|实际控制人|控股方)"), swap=True,
                 confidence=0.75, method=METHOD),
    # "A为B的第一大股东，持股比例为65%" (a majority stake)
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^{_ADV}(?:是|为|系|成为)$"),
                 _r(r"^的?第一大股东[^。；;]{0,16}?(?<![\d.])(?:5[1-9]|[6-9]\d|100)(?:\.\d+)?%"), swap=True, confidence=0.7, method=METHOD),
    # "A完成对B的要约收购"
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^{_ADV}(?:完成|宣布完成)?对$"), _r(r"^的?(?:全资|要约|整体|控股权)?收购"), swap=True,
                 confidence=0.7, method=METHOD),
    # "A重组B后，后者成为其控股子公司", "A收购了B，后者成为其全资子公司"
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^(?:后|之后)?$"), _r(rf"^(?:后|之后)?[，,]?后者{_ADV}(?:成为|为|是)其(?:全资|控股)?子公司"),
                 swap=True, confidence=0.7, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^{_CLAUSE_GAP}(?:的|其)(?:母公司|控股股东|控股方|实际控制人)(?:为|是)$"), confidence=0.75, method=METHOD),
    # apposition: "A的母公司B发布公告"
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^的(?:母公司|控股股东)$"), confidence=0.7, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^持有$"), _r(r"^约?(?:5[1-9]|[6-9]\d|100)(?:\.\d+)?%"), swap=True, confidence=0.75, method=METHOD),
    # -- COOPERATES_WITH ----------------------------------------------------------------------
    # a supply, licence or transfer contract, or a dispute, signed by two firms is not a cooperation
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^(?:与|同|跟)$"),
                 _r(rf"^(?!{_G}{{0,25}}?{NOT_COOPERATION}){_G}{{0,25}}?{COOP_VERBS}"), confidence=0.7, method=METHOD),
    # "A和B" is as often two subjects doing the same thing ("A和B联合发布白皮书"): only a verb of
    # working together makes it a cooperation
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^和$"),
                 _r(rf"^(?!{_G}{{0,25}}?{NOT_COOPERATION}){_G}{{0,25}}?{STRONG_COOP_VERBS}"), confidence=0.7, method=METHOD),
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^(?:携手|联合|会同|联手|牵手)$"), confidence=0.75, method=METHOD),
    # "A的电池安全团队与B合作开发…", "A的合作伙伴B…"
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(rf"^的{_G}{{0,10}}?(?:团队|课题组|项目组|研究院|研究中心|实验室)(?:与|同|和)$"),
                 _r(rf"^(?!{_G}{{0,25}}?{NOT_COOPERATION}){_G}{{0,25}}?{COOP_VERBS}"), confidence=0.7, method=METHOD),
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(rf"^的{_G}{{0,4}}?(?:合作伙伴|战略伙伴|合作方)$"), confidence=0.7, method=METHOD),
    # "由A牵头，B、C参与的…"
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(rf"^(?:牵头|承担|主持|负责){_G}{{0,8}}?[，,]$"), _r(r"^(?:等单位)?(?:参与|参加|共同|协作)"),
                 confidence=0.7, method=METHOD),
]

# "A与B签订…交叉许可协议": each licenses the other
CROSS_LICENCE = _r(rf"^{_ADV}(?:与|和|同)$")
CROSS_LICENCE_AFTER = _r(rf"^{_G}{{0,4}}?(?:签订|签署|达成|续签){_G}{{0,12}}?交叉许可")
# "A、B和C三方签约": a list of organisations that sign or build together
# (the list must open its clause: "由A牵头，联合B、C共同承担" — B and C each work with A, as annotated)
LIST_COOP_AFTER = _r(rf"^(?:[两三四五六]方|[两三四五六]家)?{_G}{{0,4}}?(?:签约|签署|签订|共建|合作|合资|联合(?:研发|开发|成立|申报|攻关))")

# hedges, denials and non-relations ------------------------------------------------------------------
_MODAL = _r(r"(?:拟|计划|有意|打算|准备|考虑|曾考虑|意图)(?:于?(?:明年|今年|年内|近期|下半年))?"
            r"(?:向|与|和|同|将|从|为|在|采购|供应|供货|合作|收购|许可|转让|投资|共建|联合|签)")
_NEGATION = _r(r"不是|并非|并无|并未|没有|未与|未向|否认|传闻|尚未(?:签约|签订|签署|达成|合作|供货|获得)")
_NON_RELATION = _r(r"竞争|对手|同行|起诉|诉讼|纠纷|侵权|侵犯|破裂|终止|解除|取消|谈判")


def hedged(text: str, start: int, clause_end: int) -> bool:
    """Whether the stretch of one sentence from the first organisation of a pair to the end of the
    clause of the second states a plan, a denial or a non-relation rather than a relation."""
    span = text[start:clause_end]
    return bool(_MODAL.search(span) or _NEGATION.search(span) or _NON_RELATION.search(span))
