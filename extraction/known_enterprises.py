"""Well-known enterprises named by their bare short names (比亚迪, 京东方, 英飞凌, ASML) in news and profiles.

The ORG model finds most short names from their context, but in short news sentences it misses famous
ones that carry no suffix and no cue ("比亚迪的刀片电池也开始供应丰田"). This list is general knowledge
written from memory — large Chinese listed companies and state groups by industry, foreign firms by
their usual Chinese or Latin name — not taken from any evaluation corpus. It is matched *after* the
model (so the model's inputs and `chainkg train-ner` are unchanged): a name no ORG mention overlaps
becomes an ORG (method ``rule:known_enterprise``); a model or slot span strictly inside the name
(特斯 in 特斯拉) is replaced. Names that are also ordinary words (苹果, 小米, 理想, 美的, 长安) count
only in a sentence that states a business relation (a supply, customer, licence, cooperation or
ownership word), where the ordinary sense is rare.
"""

from __future__ import annotations

import re

import jieba

from extraction.doctypes import Mention

METHOD = "rule:known_enterprise"
CONFIDENCE = 0.8

_ENTERPRISES = """
宁德时代 比亚迪 中创新航 国轩高科 亿纬锂能 欣旺达 蜂巢能源 孚能科技 赣锋锂业 天齐锂业 华友钴业 格林美 容百科技 当升科技
德方纳米 恩捷股份 星源材质 天赐材料 新宙邦 璞泰来 贝特瑞 杉杉股份 先导智能 赢合科技 科达利 卫蓝新能源 清陶能源 珠海冠宇
特斯拉 蔚来 小鹏汽车 理想汽车 零跑汽车 哪吒汽车 极氪 领克 岚图 阿维塔 问界 赛力斯 广汽埃安 埃安 广汽集团 上汽集团
上汽大众 上汽通用 一汽大众 一汽解放 中国一汽 东风汽车 东风集团 长安汽车 长城汽车 吉利汽车 吉利控股 奇瑞汽车 奇瑞 江淮汽车
北汽集团 北汽新能源 北汽蓝谷 北汽 宇通客车 金龙汽车 中国重汽 重汽 陕汽 福田汽车 潍柴动力 潍柴 玉柴 大众汽车 丰田 本田 日产
宝马 奔驰 梅赛德斯-奔驰 奥迪 保时捷 福特 通用汽车 现代汽车 起亚 沃尔沃汽车 沃尔沃 Stellantis 雷诺 标致 博世 大陆集团 采埃孚
电装 麦格纳 法雷奥 安波福 博格华纳 拓普集团 福耀玻璃 华域汽车 均胜电子 德赛西威 经纬恒润 伯特利 三花智控 银轮股份 继峰股份
旭升集团 文灿股份 星宇股份 岱美股份 双环传动 禾赛科技 速腾聚创 地平线 黑芝麻智能 四维图新 Mobileye
华为 中兴通讯 中兴 烽火通信 长飞光纤 亨通光电 中天科技 紫光股份 新华三 浪潮信息 中科曙光 曙光 联想集团 小米集团 小米汽车
OPPO vivo 荣耀 传音控股 立讯精密 歌尔股份 蓝思科技 舜宇光学 瑞声科技 富士康 工业富联 鸿海 比亚迪电子 闻泰科技 京东方
TCL科技 TCL华星 华星光电 天马微电子 维信诺 深天马 海康威视 大华股份 萤石网络 宇视科技 科大讯飞 商汤科技 旷视科技 云从科技
依图科技 寒武纪 海光信息 龙芯中科 紫光展锐 兆易创新 韦尔股份 卓胜微 圣邦股份 士兰微 华润微 华润微电子 斯达半导 闻泰
中芯国际 华虹半导体 华虹宏力 长江存储 长鑫存储 合肥长鑫 北方华创 中微公司 拓荆科技 盛美上海 华海清科 沪硅产业 中环股份
TCL中环 立昂微 长电科技 通富微电 华天科技 晶方科技 上海微电子 台积电 联电 联发科 日月光 英特尔 英伟达 AMD 高通 博通
德州仪器 美光 三星电子 三星显示 SK海力士 海力士 铠侠 西部数据 英飞凌 恩智浦 意法半导体 瑞萨电子 瑞萨 安森美 ASML 阿斯麦
应用材料 泛林集团 东京电子 科磊 Arm 新思科技 楷登电子 Synopsys Cadence 苹果公司 微软 谷歌 亚马逊 Meta 特斯拉公司 IBM
甲骨文 思科 戴尔 惠普 诺基亚 爱立信 西门子 ABB 施耐德 施耐德电气 霍尼韦尔 通用电气 艾默生 罗克韦尔 发那科 安川电机
库卡 KUKA 松下 索尼 LG新能源 LG化学 LG电子 SK On 巴斯夫 陶氏 杜邦 拜耳 默克 3M 巴斯夫公司 阿斯利康 辉瑞 强生 诺华 罗氏
礼来 默沙东 赛诺菲 葛兰素史克 安进 百时美施贵宝 吉利德 武田 诺和诺德 雅培 美敦力 GE医疗 飞利浦 西门子医疗
恒瑞医药 百济神州 信达生物 君实生物 药明康德 药明生物 复星医药 石药集团 中国生物制药 翰森制药 华海药业 迈瑞医疗 联影医疗
万泰生物 智飞生物 康希诺 华大基因 金斯瑞 凯莱英 泰格医药 九州通 国药集团 上海医药 云南白药 片仔癀 同仁堂
隆基绿能 隆基 晶科能源 晶澳科技 天合光能 通威股份 协鑫科技 TCL中环 阿特斯 东方日升 阳光电源 固德威 锦浪科技 正泰电器 正泰
德业股份 大全能源 福斯特 金风科技 明阳智能 远景能源 运达股份 东方电气 上海电气 哈电集团 哈尔滨电气 特变电工 许继电气
平高电气 国电南瑞 南瑞集团 思源电气 中国西电 西电集团 宏发股份 汇川技术 英威腾 埃斯顿 新松机器人 新松 绿的谐波 双环
三一重工 三一 徐工机械 徐工 中联重科 柳工 山推股份 恒立液压 中国中车 中车 中国通号 中国中铁 中国铁建 中国建筑 中国交建
中国电建 中国能建 中国化学 中国中冶 国家电网 南方电网 国家电投 中国华能 华能 中国大唐 中国华电 国家能源集团 国家能源投资集团
三峡集团 中国三峡 中广核 中核集团 中国核电 中国石油 中石油 中国石化 中石化 中国海油 中海油 中化集团 中国中化 中国宝武
宝武钢铁 宝钢 宝钢股份 鞍钢 首钢 河钢 沙钢 马钢 中信重工 中信集团 中信特钢 中国铝业 紫金矿业 洛阳钼业 北方稀土 万华化学
荣盛石化 恒力石化 恒逸石化 桐昆股份 中国移动 中国电信 中国联通 中国铁塔 中国广电 中国商飞 中国航发 中航工业 航空工业
中国航天科技集团 中国航天科工集团 航天科技 航天科工 中国电科 中国兵器 中国船舶 中船集团 中航光电 中航西飞 中航沈飞
招商局集团 招商轮船 中远海运 中国外运 顺丰控股 顺丰 京东物流 菜鸟 阿里巴巴 阿里云 腾讯 腾讯云 百度 字节跳动 京东 美团
拼多多 网易 快手 滴滴 携程 蚂蚁集团 平头哥 海尔智家 海尔集团 海尔 格力电器 格力 美的集团 海信 创维 TCL 长虹 九阳 苏泊尔
科沃斯 石头科技 追觅 大疆 宁德新能源 弗迪电池 比亚迪半导体 华为数字能源 国网 华润集团 华润 中粮集团 中粮 伊利 蒙牛 茅台
清华大学 北京大学 清华 北大 浙大 复旦 上海交大 上交大 西安交大 西交大 哈工大 北航 北理工 西工大 南航 中科大 华中科大
武大 中山大学 同济 东南大学 南开 大连理工 川大 电子科大 华南理工 中南大学 吉大 厦大 北邮 国防科大
中科院物理所 中科院化学所 中科院计算所 中科院自动化所 中科院光电所 中科院大连化物所 大连化物所 中国信通院 信通院 中国电科院
"""
#: Also ordinary words or places (苹果, 小米 …): only in a sentence with a business-relation word.
_AMBIGUOUS = "荣耀 菜鸟 日产 雷诺 亚马逊 标致 本田 苹果 小米 联想 理想 长安 吉利 长城 美的 大众 三星 东风 红旗 光明 平安 江淮 中兴 华能 曙光 双环 三一 正泰 隆基 国网 华润 中粮 茅台 新松 顺丰 京东 海尔 格力 腾讯"
_RELATION_CUE = re.compile(r"供应|供货|配套|提供|采购|客户|合作|签署|签订|签约|携手|联合|许可|转让|授权|子公司|控股|旗下|下属|"
                           r"所属|销往|交付|代工|订单|定点|中标|出货|搭载|股东|股权|收购|合资|共建|伙伴|代工厂|导入|出口")
#: A longer model span holding a known name stays one name (比亚迪半导体, 上汽通用五菱, 中国电科38所) unless what
#: follows the name in it starts a predicate: a function word or a relation verb (北方华创采购, 国电南瑞是国家电网,
#: 博世批量供货) — then the model ran on past the name.
RAN_ON = re.compile(r"[的是为向与和及在已将被把从对给拟获等、]|采购|供应|供货|批量|签署|签订|合作|携手|联合|授权|许可|转让|"
                     r"收购|持有|控股(?![集公])|旗下|下属|成立|发布|宣布|推出|打造|开发|研发|建设|开展|推进|共同|参与|提供|生产|制造|进入|"
                    r"获得|中标|入围|交付|出口|销往|搭载|项目|工厂|基地")
#: What may follow a known name inside one longer name (比亚迪半导体, 华为数字能源, 中国石油大学).
_NAME_WORDS = ("科技", "技术", "电子", "汽车", "集团", "股份", "控股", "能源", "半导体", "智能", "材料", "电池", "医疗", "生物",
               "光电", "精密", "电气", "电器", "通信", "信息", "软件", "资本", "投资", "国际", "研究院", "研究所", "所",
               "实验室", "大学", "学院", "中心", "医院", "电力", "电网", "银行", "证券", "保险", "化学", "化工", "钢铁", "重工",
               "机械", "装备", "动力", "药业", "制药", "物流", "数字", "云", "公司", "分公司", "工厂", "厂")


def ran_on(text: str, end_of_name: int, span_end: int) -> bool:
    """Whether ``text[end_of_name:span_end]``, found after a known name inside a longer span, is the
    start of a predicate or a common word (北方华创|采购, 中国石化|管材) rather than more of the name
    (比亚迪|半导体, 上汽通用|五菱)."""
    rest = text[end_of_name:span_end]
    if RAN_ON.match(rest):
        return True
    if rest.endswith(_NAME_WORDS):
        return False
    # a common dictionary word (管材, 产线 …) is the firm's product or plant, not part of its name
    return (jieba.get_FREQ(rest) or 0) >= 3


#: a single function character glued before a name by the model ("许可予|恒瑞医药")
_GLUED_BEFORE = frozenset("予给向为与和及被由从对将把在获")
#: … and after it ("科达|利为|宁德时代", "埃斯|顿于2016年"): jieba joins these to the name's last characters
_GLUED_AFTER = frozenset("为是于向的与和及在已将被等拟")

AMBIGUOUS: frozenset[str] = frozenset(_AMBIGUOUS.split())
NAMES: frozenset[str] = frozenset(_ENTERPRISES.split()) - AMBIGUOUS
# first two characters → names starting with them, longest first: a search for a possible first character
# (in C) and one dict look-up there is far cheaper than a regex alternation of ~500 literals, which Python's
# re tries one by one at each position
_BY_PREFIX: dict[str, tuple[str, ...]] = {}
for _n in sorted(NAMES | AMBIGUOUS, key=len, reverse=True):
    _BY_PREFIX[_n[:2]] = (*_BY_PREFIX.get(_n[:2], ()), _n)
_FIRST_CHARS = re.compile("[" + "".join(re.escape(c) for c in sorted({n[0] for n in _BY_PREFIX})) + "]")


def _matches(text: str):
    """(start, end, name) of the listed names in ``text``, left to right, longest at each start, not
    overlapping; Latin names only as whole words (ABB, not part of ABBA)."""
    n = len(text)
    pos = 0
    while (hit := _FIRST_CHARS.search(text, pos)) is not None:
        i = pos = hit.start()
        for name in _BY_PREFIX.get(text[i : i + 2], ()):
            e = i + len(name)
            if text.startswith(name, i) and not (name.isascii() and (
                    (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
                    or (e < n and text[e].isascii() and text[e].isalpha()))):
                yield i, e, name
                pos = e - 1
                break
        pos += 1


_REPLACEABLE = ("model:", "rule:relation_slot", METHOD)


#: verbs jieba glues to a name's first characters ("获得理想|汽车", "成为苹|果…"): the name still starts there
_GLUED_VERBS = frozenset("获得 成为 进入 来自 中标 入围 入选 收购 携手 联合 供应 采购 授权 选择 选定 交付 服务 客户 包括 涵盖 覆盖 有".split())


def _glued(rest: str, before: bool) -> bool:
    """Whether ``rest`` — the part of a token (or model span) outside a known name — is only a function
    character or a relation verb jieba / the model joined to the name."""
    return rest in _GLUED_VERBS or all(c in (_GLUED_BEFORE if before else _GLUED_AFTER) for c in rest)


def _edge_ok(pos: int, edges: set[int], tokens: list[tuple[int, int]], is_start: bool, text: str) -> bool:
    # a name edge is a token edge, or the rest of the token it cuts is a function character or a relation verb
    if pos in edges:
        return True
    tok = next(((a, b) for a, b in tokens if a < pos < b), None)
    if tok is None:
        return False
    return _glued(text[tok[0] : pos] if is_start else text[pos : tok[1]], is_start)


def find_known_enterprises(text: str, mentions: list[Mention], sentences: list[tuple[int, int]],
                           tokens: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Known enterprise names in ``text`` that no ORG mention covers (see module doc). ``mentions`` is
    updated in place: new ORGs are appended; model / slot ORGs and TECH / REGION terms the name strictly
    contains or crosses get the label ``DROP`` (the caller removes them). With ``tokens`` (jieba's
    (start, end) offsets) a name must start and end on token edges, or next to a function character jieba
    glued to it (获小鹏|汽车, 科达|利为): 京东方 inside 北京|东方|君悦 and 雷诺 inside the person 莫雷诺 are not
    the firms. Returns the new mentions."""
    out: list[Mention] = []
    cue_sentences = None
    starts = {a for a, _ in tokens} if tokens is not None else None
    ends = {b for _, b in tokens} if tokens is not None else None
    for s, e, name in _matches(text):
        if starts is not None and not (_edge_ok(s, starts, tokens, True, text) and _edge_ok(e, ends, tokens, False, text)):
            continue
        if name in AMBIGUOUS:
            if cue_sentences is None:
                cue_sentences = [(a, b) for a, b in sentences if _RELATION_CUE.search(text, a, b)]
            if not any(a <= s < b for a, b in cue_sentences):
                continue
        over = [m for m in mentions if m.label != "DROP" and m.start < e and s < m.end]
        if any(m.label == "ORG" and not m.method.startswith(_REPLACEABLE) for m in over):
            continue  # a rule's legal name or a dictionary hit covering or crossing it wins
        if any(m.label == "ORG" and m.start <= s and e <= m.end and ((m.start < s and not _glued(text[m.start:s], True))
               or (e < m.end and not ran_on(text, e, m.end)) or (m.start == s and e == m.end)) for m in over):
            continue  # already an ORG, or inside a longer name (比亚迪半导体, 国网江苏电力)
        if any(m.label in ("PATENT", "IPC", "CREDIT_CODE", "PERSON") for m in over):
            continue
        # a model span that starts inside the name and runs on with more name (北方|华创微电子) is the
        # name's longer form: take the union
        for m in over:
            if m.label == "ORG" and s < m.start < e < m.end and not ran_on(text, e, m.end):
                e = m.end
        for m in over:
            m.label = "DROP"
        men = Mention("ORG", s, e, METHOD, CONFIDENCE)
        mentions.append(men)
        out.append(men)
    return out
