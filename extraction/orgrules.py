"""Organisation names by their suffixes (有限公司, 研究院, 大学 …) with a token-level left boundary.

The suffix is found on the raw (folded) text; the name's left edge is found by walking back over
jieba tokens until a function word, a trigger verb, punctuation or a length ceiling. Walking over
tokens rather than characters matters: "华为技术有限公司" must not stop at the character 为, but
jieba keeps 华为 as one token while "由华为…" splits off 由. Walking through an earlier unit
suffix gives chained units (中国科学院大连化学物理研究所); bracketed region parts (（中国）) are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Strong suffixes name an organisation on their own; weak ones need a longer, specific core.
_STRONG = [
    "集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "分公司",
    "公司", "集团", "研究院", "研究所", "科学院", "工程院", "设计院", "大学", "学院", "医院", "银行", "事务所",
    "基金会", "协会", "学会", "委员会", "联合会", "商会", "合作社", "出版社", "人民政府", "政府", "管理局",
    "监督管理局", "知识产权局", "统计局", "税务局", "公安局", "交易所", "研究会", "联盟", "创新中心", "研究中心",
    "工程中心", "技术中心", "检测中心", "孵化器", "Co., Ltd.", "Co.,Ltd.", "Ltd.", "Inc.",
    # Branches: walking left through the parent unit gives 中国光大银行沈阳分行 as one name.
    "分行", "支行", "总行", "营业部", "分院", "办事处",
]
_WEAK = ["中心", "实验室", "工厂", "厂", "厅", "发改委", "经信委", "工信委", "科委", "教委", "卫健委", "国资委", "证监会",
         "系"]
#: Weak suffixes that only name a unit inside a larger one named in the same candidate (兰州大学经济系,
#: not 体系 / 关系): the core must contain one of these.
_INNER_UNIT_SUFFIXES = {"系": ("大学", "学院")}
_SUFFIX_RE = re.compile(
    "(?:"
    + "|".join(re.escape(s) for s in sorted(_STRONG + _WEAK, key=len, reverse=True))
    + ")"
    # Suffix characters that start a longer ordinary word are not suffixes (大学生, 公司法, 厂商 …).
    + r"(?!生|法|章程|债|城|路|派|卡|业务|账|化|商|家|房|区|统|列|数|杯|赛)"
)
_STRONG_SET = frozenset(_STRONG)
_NOT_AFTER_UNIT = frozenset("长级内外里间")
_LEGAL = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "集团股份有限公司", "股份公司")

#: Tokens that end a name when walking left: function words, pronouns, trigger verbs.
BOUNDARY_WORDS = frozenset(
    """与 和 及 以及 同 跟 由 向 在 是 为 将 被 把 对 从 给 于 并 其 该 本 我 我们 贵 这 那 此 各 每 一家 这家 该家 多家
    位于 包括 如 等 联合 携手 委托 申请人 专利权人 权利人 授权 许可 转让 转让给 受让 供应 供货 配套 合作 的 了 也 都 还
    已 已经 就 称 表示 据 旗下 下属 控股 全资 子公司 成立 投资 收购 作为 通过 获得 获 会同 牵头 依托 以 或 向 由于
    目前 近日 日前 今年 去年 此前 随后 同时 并且 而 但 但是 且 则 即 又 再 所 因 因为 所以 如果 对于 关于 根据 按照
    主要 其中 以下 上述 前述 共同 共建 联合开发 签署 签订 达成 开展 参与 参加 加入 来自 任职 担任 就职 毕业 毕业于 入职
    现任 曾任 历任 出任 兼任 总部 注册 设立 设在 落户 建设 建立 组建 发布 推出 研制 开发 研发 生产 制造 销售 采购 购买
    选用 使用 实施 应用 提供 服务 支持 资助 中标 承担 承建 获批 认定 评为 入选 荣获 申请 拥有 持有 公开 披露 显示
    产品 客户 供应商 领先 国内 国外 全球 知名 著名 大型 小型 中型 上市 民营 国有 一 一个 两家 三家 几家 某
    年 月 日 至今 起 任 进入 上周 本周 下周 最近 现在 只有 比如 例如 不过 无疑 令 图为 名为 接受 应 兼并 成为 本地
    首批 家 利用 而是 为了 不能 一些 部分 个别 多数 不少 很多 许多 考虑到 发现 虽然 还有 随着 否则 遭到 批评 加快
    提高 加上 欢迎 求学 当选 早年 下设 原 前 有 是否 属于 以及 尤其 特别 另 另一家 其他 其它 所有 整个
    处于 达到 建有 设有 拥有 多个 若干 一种 用于 省部级 国家级 省级 市级 依托于""".split()
)
# Cores made only of these are not names ("科技公司", "子公司", "该公司").
_GENERIC = frozenset(
    """科技 技术 信息 电子 材料 投资 控股 集团 股份 有限 研究 发展 贸易 实业 新能源 能源 工业 制造 生产 销售 服务 管理
    网络 软件 数据 智能 医疗 生物 化工 环保 建设 工程 设备 装备 汽车 电池 机械 电气 电力 物流 金融 咨询 国家 地方 省
    市 区 县 子 母 分 总 合资 外资 独资 龙头 骨干 头部 相关 有关 下游 上游 中游 中小 小微 科研 高校 重点 国家级 省级
    市级 研发 检测 创新 孵化 工程技术 企业 单位 机构 部门 平台 商业 股份制 网上 猎头 信托 博彩 百货 经纪 房产 保险
    航空 证券 电脑 电影 制片 主流 各级 中资 外资 内资 新 老 各家 本 该 此 多家 大中型 中小型 连锁 私人""".split()
)
_PUNCT = re.compile(r"^[\s\W_]+$")
_DIGITS = re.compile(r"^[0-9.%:/\-]+$")
MAX_NAME_CHARS = 40


@dataclass(frozen=True, slots=True)
class OrgCandidate:
    """An organisation name found by the suffix rule: [start, end) offsets, confidence, suffix."""

    start: int
    end: int
    confidence: float
    suffix: str


def _token_index(tokens: list[tuple[int, int]], pos: int) -> int:
    # Binary search for the token that contains character ``pos``.
    lo, hi = 0, len(tokens) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = tokens[mid]
        if pos < s:
            hi = mid - 1
        elif pos >= e:
            lo = mid + 1
        else:
            return mid
    return max(0, min(lo, len(tokens) - 1))


#: Boundaries even right before the suffix (verbs like 投资/研发 are name parts there: 某某投资有限公司).
HARD_BOUNDARY_WORDS = frozenset(
    "与 和 及 以及 同 跟 由 向 在 是 为 将 被 把 对 从 给 于 并 其 该 本 我 我们 贵 这 那 此 各 每 一家 这家 该家 多家 的 了 等 或 子 处于 位于 属于 用于 达到 多个 一种 "
    "任 现任 曾任 历任 担任 兼任 出任 起任 调任 调至 至今 持有 享受".split()
)


def _is_boundary(tok: str, adjacent: bool = False) -> bool:
    words = HARD_BOUNDARY_WORDS if adjacent else BOUNDARY_WORDS
    return tok in words or bool(_PUNCT.match(tok)) or bool(_DIGITS.match(tok))


_GLUE_FIRST = frozenset("为与和由向在是将被把对从给于及并任")


def _glued_function_word(tok: str) -> bool:
    # A 2–3 character token that starts with a function word and is not a word of jieba's
    # dictionary is an out-of-vocabulary glue of that function word and a name's first characters.
    if not (2 <= len(tok) <= 3 and tok[0] in _GLUE_FIRST):
        return False
    import jieba

    return not jieba.dt.FREQ.get(tok)


def find_org_candidates(text: str, tokens: list[tuple[int, int]]) -> list[OrgCandidate]:
    """Organisation names in ``text`` (folded) given jieba token spans ``tokens`` (sorted, covering text).

    Returns every candidate, overlapping ones included (chained units produce an inner and an outer
    candidate); the pipeline keeps the longest.
    """
    if not tokens:
        return []
    out: list[OrgCandidate] = []
    for m in _SUFFIX_RE.finditer(text):
        suffix = m.group(0)
        s_start, end = m.start(), m.end()
        if not suffix.endswith(("公司", "集团")) and text[end : end + 1] in _NOT_AFTER_UNIT:
            continue  # 院长, 厂里, 大学内: a word about the unit, not its name
        i = _token_index(tokens, s_start)
        start = min(tokens[i][0], s_start)
        # If jieba glued a boundary word onto the suffix's first token (e.g. "与公司"), start at the suffix.
        first = text[start:s_start]
        if first and any(first.endswith(w) or first == w for w in ("的", "与", "和", "及", "由", "向")):
            start = s_start
        j = i - 1
        while j >= 0:
            ts, te = tokens[j]
            tok = text[ts:te]
            if tok in (")", "）") and start - ts <= 1:
                # A bracketed part inside the name: （中国）, (苏州). Accept if short and plain.
                k = j - 1
                while k >= 0 and text[tokens[k][0]:tokens[k][1]] not in ("(", "（") and j - k <= 4:
                    k -= 1
                if k >= 0 and text[tokens[k][0]:tokens[k][1]] in ("(", "（") and 0 < tokens[j][0] - tokens[k][1] <= 6:
                    start = tokens[k][0]
                    j = k - 1
                    continue
                break
            if _is_boundary(tok, adjacent=start == s_start) or te != start or end - ts > MAX_NAME_CHARS:
                break
            if _glued_function_word(tok):
                start = ts + 1  # jieba glued 为/与/向 … onto the name's first characters ("公司为昕珩…")
                break
            start = ts
            j -= 1
        if text[start] in "(（":
            continue
        core = text[start:s_start]
        if not _plausible_core(core, tokens, start, s_start, text, suffix):
            continue
        inner = _INNER_UNIT_SUFFIXES.get(suffix)
        if inner and not any(u in core for u in inner):
            continue
        if suffix in _LEGAL:
            conf = 0.9
        elif suffix in _STRONG_SET:
            conf = 0.85
        else:
            conf = 0.65
        out.append(OrgCandidate(start, end, conf, suffix))
    return out


def _plausible_core(core: str, tokens, start: int, s_start: int, text: str, suffix: str) -> bool:
    core_stripped = core.strip()
    if len(core_stripped) < 2:
        return False
    if suffix in _WEAK and len(core_stripped) < 4:
        return False
    # Split the core on our tokens; a core of only generic words is a description, not a name.
    i = _token_index(tokens, start)
    words = []
    while i < len(tokens) and tokens[i][0] < s_start:
        ts, te = tokens[i]
        words.append(text[max(ts, start):min(te, s_start)])
        i += 1
    words = [w for w in words if w.strip()]
    if words and all(w in _GENERIC for w in words):
        return False
    return True


_ALIAS_DECL = re.compile(r"\s*[(（]\s*(?:以下)?(?:简称|下称)\s*[:：]?\s*[“\"「『']?([^”\"」』'()（）,，。]{1,12})[”\"」』']?\s*[)）]")


def find_alias_declarations(text: str, org_end: int) -> tuple[int, int] | None:
    """Span of a declared short name right after an organisation ("…有限公司（以下简称“星衡”）")."""
    m = _ALIAS_DECL.match(text, org_end, min(len(text), org_end + 30))
    if not m:
        return None
    return m.start(1), m.end(1)
