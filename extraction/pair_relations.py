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
Measured on tests/gold/relations_gold.txt (dev part) and tests/gold/relations_dev2.txt; see
docs/extraction.md ("Relations").
"""

from __future__ import annotations

import re

from extraction.relations_base import RelationRule

METHOD = "rule:pair-lexicon-v1"
_G = r"[^，,。；;！？!?]"  # a gap inside one clause
_ADV = r"(?:长期|稳定|持续|主要|已|已经|均|都|也|正式|成功|顺利|批量|独家|共同|开始|今年|此前|还|将)*"
# lexicons -------------------------------------------------------------------------------------------
SUPPLY_VERBS = r"(?:供应|供货|提供|配套|交付|销售|出口|代工|生产)"
BUY_VERBS = r"(?:采购|购买|购进|订购|进口|选用|采用)"
TENDER_VERBS = r"(?:中标|入围|入选|承接|获得?|成为|进入|是|为|系)"
TENDER_OBJECTS = r"(?:采购|招标|集采|供应商|供货商|配套商|供应链|定点|订单)"
LICENCE_VERBS = r"(?:许可|授权|授予)"
COOP_VERBS = (r"(?:合作|合资|签约|签署|签订|共建|联合|共同|携手|成立|建立|达成|研发|开发|研制|攻关|培养|打造"
              r"|推进|推出|申报|承担)")
STRONG_COOP_VERBS = r"(?:合作|合资|签约|签署|签订|共建|联合(?:研发|开发|成立|攻关)|达成|成立)"
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
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_BETWEEN_OF}{_ADV}{TENDER_VERBS}$"),
                 _r(rf"^的?{_G}{{0,16}}?{TENDER_OBJECTS}"), confidence=0.75, method=METHOD),
    # "A的控制器已配套B", "A的工业泵出口至B", "A由…供货，最终交付给B"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_BETWEEN_OF}{_ADV}(?:配套|供应|供货给?|销往|出口至|出口到|交付给?|提供给)$"),
                 confidence=0.75, method=METHOD),
    RelationRule("SUPPLIES", "ORG", "ORG", _r(rf"^{_G}{{0,10}}?(?:供货|供应)[，,]{_G}{{0,8}}?(?:交付|供应|供货)给$"), confidence=0.7, method=METHOD),
    # "A主要客户为B"
    RelationRule("SUPPLIES", "ORG", "ORG", _r(r"^(?:的)?(?:主要|核心|重要)?客户(?:为|是|包括|有|涵盖)[:：]?$"), confidence=0.75, method=METHOD),
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
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^(?:与|和|同)$"),
                 _r(rf"^{_G}{{0,4}}?(?:签订|签署|达成|续签){_G}{{0,12}}?(?<!交叉){LICENCE_VERBS}(?:合同|协议)"), confidence=0.7, method=METHOD),
    # "A被B授予…许可"
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^被$"), _r(rf"^{LICENCE_VERBS}"), swap=True, confidence=0.75, method=METHOD),
    # "A从B取得…实施许可"
    RelationRule("LICENSED_TO", "ORG", "ORG", _r(r"^(?:从|向)$"), _r(rf"^(?:获得|取得){_G}{{0,20}}?{LICENCE_VERBS}"), swap=True,
                 confidence=0.75, method=METHOD),
    # -- ASSIGNED_TO --------------------------------------------------------------------------
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_G}{{0,30}}?(?:向)$"), _r(r"^转让"), confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^{_G}{{0,40}}?转让(?:给|予|至)$"), confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(rf"^的{_G}{{1,14}}?被$"), _r(r"^受让"), confidence=0.75, method=METHOD),
    RelationRule("ASSIGNED_TO", "ORG", "ORG", _r(r"^(?:与|和|同)$"), _r(rf"^{_G}{{0,4}}?签(?:订|署){_G}{{0,12}}?转让(?:合同|协议)"),
                 confidence=0.7, method=METHOD),
    # -- SUBSIDIARY_OF ------------------------------------------------------------------------
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^(?:是|为|系|作为)$"), _r(rf"^的?{_G}{{0,4}}?{SUBSIDIARY_WORDS}"), confidence=0.75, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(rf"^(?:的)?(?:全资|控股)?{SUBSIDIARY_WORDS}的?(?:全资|控股)?(?:子公司)?$"), swap=True,
                 confidence=0.75, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^(?:全资|成功)?收购(?:了)?$"), swap=True, confidence=0.7, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^的(?:母公司|控股股东|控股方|实际控制人)(?:为|是)$"), confidence=0.75, method=METHOD),
    RelationRule("SUBSIDIARY_OF", "ORG", "ORG", _r(r"^持有$"), _r(r"^约?(?:5[1-9]|[6-9]\d|100)(?:\.\d+)?%"), swap=True, confidence=0.75, method=METHOD),
    # -- COOPERATES_WITH ----------------------------------------------------------------------
    # a supply, licence or transfer contract, or a dispute, signed by two firms is not a cooperation
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^(?:与|同|跟)$"),
                 _r(rf"^(?!{_G}{{0,25}}?{NOT_COOPERATION}){_G}{{0,25}}?{COOP_VERBS}"), confidence=0.7, method=METHOD),
    # "A和B" is as often two subjects doing the same thing ("A和B联合发布白皮书"): only a verb of
    # working together makes it a cooperation
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^和$"),
                 _r(rf"^(?!{_G}{{0,25}}?{NOT_COOPERATION}){_G}{{0,25}}?{STRONG_COOP_VERBS}"), confidence=0.7, method=METHOD),
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^(?:携手|联合|会同)$"), confidence=0.75, method=METHOD),
    # "由A牵头，B、C参与的…"
    RelationRule("COOPERATES_WITH", "ORG", "ORG", _r(r"^牵头[，,]$"), _r(r"^(?:参与|参加|共同)"), confidence=0.7, method=METHOD),
]

# "A与B签订…交叉许可协议": each licenses the other
CROSS_LICENCE = _r(r"^(?:与|和|同)$")
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
