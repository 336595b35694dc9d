"""Seeded generator of the fictional demo data set (``data/demo/``) and of benchmark-scale inputs.

``python -m demodata.generator --out data/demo --seed 42 --patents 3000`` writes the DESIGN.md §3
files (organizations.csv, patents.csv, licenses.csv, transfers.csv, open_licenses.csv,
achievements.jsonl, demands.jsonl), the programme's files (issue 14, :mod:`demodata.programme`:
service_bodies, tech_managers, events, event_participants, deals, tiers, pledges, clusters,
cluster_members) plus copies of the chain library (``chains/*.yaml``) and a README.
Every name is invented and carries the marker 示例/演示; regions are real administrative codes;
credit codes pass the GB 32100-2015 checksum; patent numbers use the unissued ``CN19…``/``CN29…``
ranges so they never collide with real publications.

Patents are written one row at a time while licences, transfers and open-licence offers are decided
for each patent as it is produced, so ``--patents 1000000`` keeps only bounded state in memory
(organisations, a ring of recent patents per chain node for citations, a few sample patents per
organisation for achievements). The same seed always yields byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import random
import shutil
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from demodata.programme import BANKS, PROGRAMME_FILES, ProgrammeWriter
from graph.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHAINS_DIR = ROOT / "data" / "chains"
DEFAULT_OUT = ROOT / "data" / "demo"

BASE_FILES = (
    "organizations.csv", "patents.csv", "licenses.csv", "transfers.csv", "open_licenses.csv",
    "achievements.jsonl", "demands.jsonl",
)
#: Every data file written: the base files plus the programme's (issue 14, demodata/programme.py).
DATA_FILES = BASE_FILES + PROGRAMME_FILES
ORG_COLUMNS = ("credit_code", "name", "kind", "size", "tier", "region", "industry_code",
               "founded", "aliases", "profile", "products", "chain_nodes")
PATENT_COLUMNS = ("pub_no", "app_no", "title", "abstract", "applicants", "holders", "ipc", "filed",
                  "published", "granted", "kind", "status", "cites")
LICENSE_COLUMNS = ("license_id", "pub_no", "licensor", "licensee", "type", "date", "fee", "record_no", "offer_id")
TRANSFER_COLUMNS = ("transfer_id", "pub_no", "assignor", "assignee", "date", "mode", "record_no")
OPEN_LICENSE_COLUMNS = ("offer_id", "pub_no", "fee_terms", "declared", "field_of_use")

LAST_DAY = dt.date(2025, 12, 31)
FIRST_FILING = dt.date(2012, 1, 1)
LAST_FILING = dt.date(2024, 12, 31)

# Real 6-digit administrative codes; each chain favours the clusters where that industry sits.
REGIONS: dict[str, str] = {
    "110000": "北京市", "120000": "天津市", "310000": "上海市", "500000": "重庆市",
    "320100": "南京市", "320200": "无锡市", "320400": "常州市", "320500": "苏州市",
    "330100": "杭州市", "330200": "宁波市", "340100": "合肥市", "350200": "厦门市",
    "350900": "宁德市", "360500": "新余市", "370200": "青岛市", "420100": "武汉市",
    "430100": "长沙市", "440100": "广州市", "440300": "深圳市", "510100": "成都市",
    "610100": "西安市",
}
CHAIN_REGIONS: dict[str, tuple[str, ...]] = {
    "nev_battery": ("350900", "320400", "440300", "340100", "360500", "330200", "510100"),
    "ic": ("310000", "320500", "110000", "440300", "420100", "320200", "610100"),
    "industrial_robot": ("440300", "310000", "320500", "370200", "330100", "430100", "120000"),
    "pv": ("320400", "330100", "320500", "340100", "610100", "350200", "500000"),
    "biomed": ("320500", "310000", "110000", "330100", "440100", "510100", "420100"),
}
# GB/T 4754-2017 classes by chain (companies) and by organisation kind.
CHAIN_INDUSTRY: dict[str, dict[str, str]] = {
    "nev_battery": {"upstream": "3985", "midstream": "3841", "downstream": "3612"},
    "ic": {"upstream": "3562", "midstream": "3973", "downstream": "3969"},
    "industrial_robot": {"upstream": "3453", "midstream": "3491", "downstream": "3491"},
    "pv": {"upstream": "3985", "midstream": "3825", "downstream": "3825"},
    "biomed": {"upstream": "2710", "midstream": "2761", "downstream": "5151"},
}
KIND_INDUSTRY = {"university": "8341", "institute": "7320", "government": "9221"}

# Invented brand syllables (pairs are combined; the 示例/演示 marker makes every name fictional).
SYLLABLES = tuple("澜瑞启衡曜拓岚骁璟翊昕铂锐弘朗霁崇屹睿沐泓峻珩烨钧灏宸铭坤誉岳湛煦杉棠峤")
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "nev_battery": ("新能源", "锂电", "能源科技", "动力", "新材料", "储能", "电驱"),
    "ic": ("微电子", "半导体", "芯科技", "集成电路", "电子材料", "精密装备"),
    "industrial_robot": ("智能装备", "机器人", "自动化", "精密传动", "智能科技", "视觉科技"),
    "pv": ("光伏", "光能", "新能源", "硅材料", "光电科技", "智慧能源"),
    "biomed": ("生物医药", "生物科技", "医药", "药业", "基因科技", "诊断科技"),
}
INSTITUTE_WORDS = ("先进材料研究院", "智能制造研究院", "集成电路研究所", "新能源技术研究院", "生物医药研究院",
                   "精密机械研究所", "光电技术研究所", "产业技术研究院")
UNIVERSITY_WORDS = ("大学", "理工大学", "科技大学", "工业大学", "医科大学", "师范大学")
GOVERNMENT_BODIES = ("示例市科学技术局", "演示市工业和信息化局", "示例高新技术产业开发区管理委员会",
                     "演示经济技术开发区管理委员会", "示例市知识产权局", "演示省科学技术厅")

METRICS: dict[str, tuple[str, ...]] = {
    "nev_battery": ("能量密度", "循环寿命", "倍率性能", "热安全性", "低温性能", "一致性"),
    "ic": ("良率", "功耗", "集成度", "可靠性", "工艺窗口", "信号完整性"),
    "industrial_robot": ("定位精度", "负载能力", "响应速度", "运行稳定性", "节拍效率", "安全性"),
    "pv": ("光电转换效率", "发电量", "衰减率", "量产良率", "度电成本", "可靠性"),
    "biomed": ("疗效", "安全性", "收率", "纯度", "特异性", "稳定性"),
}
TITLE_PATTERNS_INVENTION = ("一种{k}的制备方法", "一种{k}及其制备方法和应用", "一种基于{k}的{k2}控制方法",
                            "{k}的检测方法及系统", "一种提高{m}的{k}工艺", "一种{k}与{k2}的协同优化方法",
                            "一种{k}装置及其使用方法", "用于{k}的{k2}系统")
TITLE_PATTERNS_UTILITY = ("一种{k}装置", "一种用于{k}的{k2}结构", "一种{k}用固定组件", "一种{k}检测设备",
                          "一种新型{k}模块")
STAGE_SENTENCES = ("该技术已完成小试验证。", "相关样机已在中试线上完成验证。", "该方案已在示范线上开展应用。",
                   "目前已实现小批量生产。", "该技术处于实验室验证阶段。", "已完成工程化样机开发。")
TRL_STAGES = {1: "基本原理研究", 2: "技术概念形成", 3: "实验室原理验证", 4: "小试验证",
              5: "中试样机验证", 6: "中试工程验证", 7: "示范应用", 8: "小批量试生产", 9: "规模化量产应用"}
TRANSFER_MODES = ("许可", "转让", "作价入股", "合作开发", "技术服务")

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
APP_NO_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)

# Real IPC subgroups under each chain-library prefix (checked against the IPC scheme by the tests),
# so generated patents carry full codes that exist. A prefix without samples is used as a main group.
IPC_SAMPLES: dict[str, tuple[str, ...]] = {
    "C01D15/": ("C01D15/00", "C01D15/02", "C01D15/04", "C01D15/08"),
    "C22B26/": ("C22B26/12",), "C22B23/": ("C22B23/00", "C22B23/02"), "C22B3/": ("C22B3/04", "C22B3/08", "C22B3/44"),
    "C01G53/": ("C01G53/00", "C01G53/04"), "C01G51/": ("C01G51/00", "C01G51/04"),
    "H01M4/36": ("H01M4/36",), "H01M4/58": ("H01M4/58",),
    "H01M4/587": ("H01M4/587",), "H01M4/38": ("H01M4/38",), "C01B32/": ("C01B32/05", "C01B32/21"),
    "H01M4/66": ("H01M4/66",), "C25D1/04": ("C25D1/04",), "H01M4/04": ("H01M4/04",),
    "H01M10/04": ("H01M10/04",), "B05C5/": ("B05C5/02",),
    "H01F1/057": ("H01F1/057",), "H01F41/02": ("H01F41/02",),
    "H10D12/": ("H10D12/00",), "H10D30/": ("H10D30/00",), "H01L25/": ("H01L25/07", "H01L25/18"),
    "H01M10/052": ("H01M10/052",), "H01M10/48": ("H01M10/48",),
    "G01R31/36": ("G01R31/36", "G01R31/367"), "H02J7/00": ("H02J7/00",),
    "H01M50/20": ("H01M50/20", "H01M50/204"), "H02K1/": ("H02K1/27", "H02K1/276"), "H02K21/": ("H02K21/14",),
    "H02K9/": ("H02K9/19",), "H02M7/": ("H02M7/48", "H02M7/5387"), "B60L15/": ("B60L15/20",),
    "H02P21/": ("H02P21/00", "H02P21/22"), "B60L50/": ("B60L50/60", "B60L50/64"), "B60L58/": ("B60L58/12", "B60L58/24"),
    "B60K1/": ("B60K1/00", "B60K1/04"), "B60L53/": ("B60L53/10", "B60L53/80"), "H02J7/02": ("H02J7/02",),
    "H02J3/32": ("H02J3/32",), "H01M10/44": ("H01M10/44",), "H01M10/54": ("H01M10/54",),
    "C22B7/": ("C22B7/00",),
    "G06F30/39": ("G06F30/39", "G06F30/392", "G06F30/398"), "G06F30/327": ("G06F30/327",),
    "G06F30/33": ("G06F30/33",), "G06F15/78": ("G06F15/78",),
    "G06F13/40": ("G06F13/40",), "C30B15/": ("C30B15/00", "C30B15/20", "C30B15/14"),
    "C30B29/06": ("C30B29/06",), "H01L21/02": ("H01L21/02",), "G03F7/004": ("G03F7/004",),
    "G03F7/039": ("G03F7/039",), "G03F7/038": ("G03F7/038",), "C01B33/04": ("C01B33/04",),
    "C01B21/083": ("C01B21/083",), "B01D53/": ("B01D53/04", "B01D53/22"), "C09K13/": ("C09K13/00", "C09K13/08"),
    "H01L21/306": ("H01L21/306", "H01L21/3065"), "C11D7/": ("C11D7/26",), "C23C14/34": ("C23C14/34",),
    "C22C9/": ("C22C9/00",), "G03F1/": ("G03F1/00", "G03F1/36", "G03F1/84"), "G03F7/20": ("G03F7/20",),
    "G03F9/": ("G03F9/00",), "H01J37/32": ("H01J37/32",), "C23C16/": ("C23C16/455", "C23C16/44"),
    "H01L21/3065": ("H01L21/3065",), "B24B37/": ("B24B37/04", "B24B37/34"), "C09G1/02": ("C09G1/02",),
    "G01R31/28": ("G01R31/28",), "H01L21/66": ("H01L21/66",),
    "H01L23/498": ("H01L23/498",), "H01L23/495": ("H01L23/495",), "H05K1/": ("H05K1/02", "H05K1/18"),
    "H03K19/": ("H03K19/00", "H03K19/0175"), "H03F3/": ("H03F3/45", "H03F3/24"),
    "H01L21/8234": ("H01L21/8234",), "H01L21/762": ("H01L21/762",), "H10D84/": ("H10D84/00",),
    "H10B12/": ("H10B12/00",), "H10B41/": ("H10B41/35", "H10B41/27"), "H10B43/": ("H10B43/27", "H10B43/35"),
    "H10D62/": ("H10D62/00",), "H01L23/": ("H01L23/31", "H01L23/367", "H01L23/48"), "H01L21/56": ("H01L21/56",),
    "H04M1/": ("H04M1/02", "H04M1/72403"), "G06F1/16": ("G06F1/16",), "B60R16/": ("B60R16/023",),
    "B60W50/": ("B60W50/00",), "H04B1/": ("H04B1/40", "H04B1/04"), "H04W88/": ("H04W88/08",),
    "G06N3/063": ("G06N3/063",), "G06F15/80": ("G06F15/80",), "G05B19/": ("G05B19/05", "G05B19/042"),
    "G05B15/": ("G05B15/02",),
    "F16H1/32": ("F16H1/32",), "F16H49/": ("F16H49/00",), "F16H1/28": ("F16H1/28",), "H02K11/": ("H02K11/21", "H02K11/33"),
    "H02K7/": ("H02K7/116", "H02K7/10"), "H02P6/": ("H02P6/08", "H02P6/17"), "H02P27/": ("H02P27/06",),
    "B25J9/16": ("B25J9/16",), "G05B19/414": ("G05B19/414",), "G05B19/4155": ("G05B19/4155",), "G01L5/": ("G01L5/16", "G01L5/22"),
    "G01D5/": ("G01D5/347", "G01D5/244"), "B25J13/08": ("B25J13/08",), "G06T7/": ("G06T7/00", "G06T7/73"),
    "G06V10/": ("G06V10/82",), "G06V20/": ("G06V20/64",), "F16C19/": ("F16C19/36",), "F16C33/": ("F16C33/58",),
    "B25J15/": ("B25J15/00", "B25J15/06", "B25J15/08"), "B25J18/": ("B25J18/00",), "B25J17/": ("B25J17/00", "B25J17/02"),
    "G05B19/42": ("G05B19/42", "G05B19/425"), "G05B17/": ("G05B17/02",), "G06F30/20": ("G06F30/20",),
    "B25J9/06": ("B25J9/06",), "B25J9/04": ("B25J9/04",), "B25J9/10": ("B25J9/10",), "B25J17/02": ("B25J17/02",),
    "B25J19/06": ("B25J19/06",), "B25J5/": ("B25J5/00", "B25J5/02"), "G05D1/": ("G05D1/02", "G05D1/00"),
    "G05B19/418": ("G05B19/418",), "B23P21/": ("B23P21/00",), "B23K37/": ("B23K37/02", "B23K37/04"),
    "B05B13/04": ("B05B13/04",), "B25J11/": ("B25J11/00",), "H05K13/": ("H05K13/04",),
    "B23P19/": ("B23P19/00", "B23P19/04"), "B65G1/137": ("B65G1/137",), "B65G47/90": ("B65G47/90",),
    "B65G61/": ("B65G61/00",), "B24B27/": ("B24B27/00", "B24B27/033"), "B23Q7/": ("B23Q7/00", "B23Q7/04"),
    "C01B33/025": ("C01B33/025",), "C01B33/023": ("C01B33/023",), "C01B33/03": ("C01B33/03",),
    "C01B33/035": ("C01B33/035",), "C01B33/107": ("C01B33/107",), "B28D5/04": ("B28D5/04",),
    "B23D61/18": ("B23D61/18",), "H01B1/22": ("H01B1/22",), "H01B1/16": ("H01B1/16",),
    "C03C3/": ("C03C3/078", "C03C3/087"), "C03C17/": ("C03C17/23", "C03C17/34"), "C08L23/08": ("C08L23/08",),
    "C09J123/": ("C09J123/08",), "H10F19/85": ("H10F19/85",), "B32B27/": ("B32B27/08", "B32B27/36"),
    "H02S30/10": ("H02S30/10",), "H02S40/34": ("H02S40/34",), "H10F71/": ("H10F71/00", "H10F71/10"),
    "C30B15/20": ("C30B15/20",), "H10D12/00": ("H10D12/00",), "H01F27/": ("H01F27/28", "H01F27/24"),
    "H01G4/": ("H01G4/33", "H01G4/30"), "F24S25/": ("F24S25/10", "F24S25/12"), "F16H1/16": ("F16H1/16",),
    "H10F10/14": ("H10F10/14",), "H10F77/": ("H10F77/00",), "H10F10/166": ("H10F10/166",),
    "H10F10/16": ("H10F10/16", "H10F10/164"), "H10K85/50": ("H10K85/50",), "H10K30/50": ("H10K30/50",),
    "H10K30/57": ("H10K30/57",), "H10F19/": ("H10F19/00", "H10F19/80"), "H02S30/": ("H02S30/00",),
    "H02S40/": ("H02S40/30", "H02S40/42"), "H02M7/48": ("H02M7/48", "H02M7/483"), "H02J3/38": ("H02J3/38",),
    "H02J3/46": ("H02J3/46",), "H02S20/32": ("H02S20/32",), "F24S30/": ("F24S30/425", "F24S30/00"),
    "H02S10/": ("H02S10/00",), "H02S20/22": ("H02S20/22",), "H02S20/23": ("H02S20/23",), "E04D13/18": ("E04D13/18",),
    "H02J7/35": ("H02J7/35",), "H02S50/": ("H02S50/00", "H02S50/10"), "B08B1/": ("B08B1/00",),
    "C12N5/": ("C12N5/07", "C12N5/0735", "C12N5/10"), "C12M1/": ("C12M1/00", "C12M1/36"), "C12M3/": ("C12M3/00", "C12M3/06"),
    "B01D15/": ("B01D15/08", "B01D15/38"), "B01J20/": ("B01J20/26", "B01J20/281"),
    "C07D": ("C07D401/04", "C07D403/12", "C07D471/04"), "C07C": ("C07C231/12", "C07C51/41"), "C07B": ("C07B57/00",),
    "A61K47/": ("A61K47/10", "A61K47/69"), "G01N30/": ("G01N30/02", "G01N30/72"), "G01N21/64": ("G01N21/64",),
    "G01N15/": ("G01N15/14",), "C12N15/": ("C12N15/11", "C12N15/63", "C12N15/10"), "C12N9/22": ("C12N9/22",),
    "C12N9/12": ("C12N9/12",), "A61K31/": ("A61K31/506", "A61K31/4545"), "A61P35/": ("A61P35/00", "A61P35/02"),
    "C07D401/": ("C07D401/14", "C07D401/04"), "C07K16/": ("C07K16/28", "C07K16/46", "C07K16/24"),
    "A61K39/395": ("A61K39/395",), "A61K47/68": ("A61K47/68",), "A61K39/": ("A61K39/12", "A61K39/215"),
    "A61P31/": ("A61P31/14", "A61P31/04"), "A61K9/51": ("A61K9/51",), "A61K35/17": ("A61K35/17",),
    "A61K40/": ("A61K40/11", "A61K40/15"), "C12N5/0783": ("C12N5/0783",), "A61K48/": ("A61K48/00",),
    "C12N15/86": ("C12N15/86", "C12N15/864"), "C12P21/": ("C12P21/02", "C12P21/00"), "G01N33/50": ("G01N33/50",),
    "A61K9/": ("A61K9/20", "A61K9/08", "A61K9/16"), "A61K36/": ("A61K36/00", "A61K36/258"),
    "G01N33/53": ("G01N33/53", "G01N33/532"), "C12Q1/68": ("C12Q1/68", "C12Q1/6851"),
    "C12Q1/6883": ("C12Q1/6883",), "G16H10/20": ("G16H10/20",), "G16H50/20": ("G16H50/20",),
    "G16H20/10": ("G16H20/10",), "A61J1/": ("A61J1/00", "A61J1/14"), "C12Q1/6886": ("C12Q1/6886",),
    "G16B20/": ("G16B20/00", "G16B20/20"),
}


# ---------------------------------------------------------------------------------------------
# Identifiers with check digits


def credit_code_check_char(first17: str) -> str:
    """18th character of a 统一社会信用代码 (GB 32100-2015): 31 − (Σ value×weight mod 31), 31 → 0."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """9th character of an organisation code (GB 11714-1997): 11 − (Σ value×weight mod 11); 10 → X, 11 → 0."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_credit_code(rng: random.Random, kind: str, region: str) -> str:
    """A syntactically valid 统一社会信用代码: registration authority and type by kind, real region code."""
    prefix = {"company": "91", "university": "12", "institute": "12", "government": "11"}[kind]
    body8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + region + body8 + org_code_check_char(body8)
    return first17 + credit_code_check_char(first17)


def app_no_check_digit(digits: str) -> str:
    """Check digit of a CNIPA application number: weights 2..9 cycling, sum mod 11, 10 → X."""
    rem = sum(int(d) * APP_NO_WEIGHTS[i % 8] for i, d in enumerate(digits)) % 11
    return "X" if rem == 10 else str(rem)


# ---------------------------------------------------------------------------------------------
# Chain library


@dataclass(frozen=True)
class ChainNode:
    """One node of the chain library as the generator needs it."""

    node_id: str
    chain_id: str
    name: str
    segment: str
    upstream: tuple[str, ...]
    keywords: tuple[str, ...]
    ipc: tuple[str, ...]


def read_chains(chains_dir: Path) -> list[ChainNode]:
    """Every node of every ``*.yaml`` chain in ``chains_dir`` (sorted by file name, then file order)."""
    files = sorted(Path(chains_dir).glob("*.yaml"))
    if not files:
        raise InputError(f"{chains_dir}: no chain *.yaml files found; pass --chains pointing at data/chains")
    nodes: list[ChainNode] = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            for n in data["nodes"]:
                nodes.append(ChainNode(n["id"], data["id"], n["name"], n["segment"], tuple(n.get("upstream") or ()),
                                       tuple(n["keywords"]), tuple(n.get("ipc") or ())))
        except (KeyError, TypeError) as e:
            raise InputError(f"{path}: chain file lacks {e} (DESIGN.md §3: id, name, nodes with id/name/segment/"
                             "upstream/keywords/ipc)") from e
    return nodes


def full_ipc_codes(prefix: str) -> tuple[str, ...]:
    """Real full IPC codes for a chain-library prefix (``H01M4/`` → subgroups; ``H02S`` → main groups)."""
    if prefix in IPC_SAMPLES:
        return IPC_SAMPLES[prefix]
    if prefix.endswith("/"):
        return (prefix + "00",)
    if "/" in prefix:
        return (prefix,)
    return (prefix + "1/00",)


# ---------------------------------------------------------------------------------------------
# Organisations


@dataclass
class Org:
    """A generated organisation (kept in memory: a few thousand at most even at 1M patents)."""

    idx: int
    name: str
    kind: str
    size: str
    tier: str
    region: str
    chain_id: str | None
    nodes: list[str]
    credit_code: str = ""
    alias: str = ""
    founded: dt.date = dt.date(2000, 1, 1)
    products: list[str] = field(default_factory=list)
    parent: int | None = None  # SUBSIDIARY_OF target (a large firm)
    partners: list[int] = field(default_factory=list)  # universities/institutes it co-develops with
    customers: list[int] = field(default_factory=list)  # large firms it supplies
    declared: bool = True  # whether chain_nodes is filled in organizations.csv
    samples: list[tuple[str, str, dt.date, bool]] = field(default_factory=list)  # (pub_no, node, filed, granted)
    n_patents: int = 0

    @property
    def is_sme(self) -> bool:
        return self.kind == "company" and self.size != "large"


class NameFactory:
    """Unique invented brand names from syllable pairs (deterministic for the rng)."""

    def __init__(self, rng: random.Random) -> None:
        pairs = [a + b for a in SYLLABLES for b in SYLLABLES if a != b]
        rng.shuffle(pairs)
        self._pairs = pairs
        self._next = 0
        self._round = 0

    def brand(self) -> str:
        if self._next >= len(self._pairs):
            self._next, self._round = 0, self._round + 1
        b = self._pairs[self._next]
        self._next += 1
        # Past the first round (only at benchmark scale) a third syllable keeps names unique.
        return b if self._round == 0 else b + SYLLABLES[(self._round - 1) % len(SYLLABLES)]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def build_organizations(rng: random.Random, nodes: list[ChainNode], scale: float) -> list[Org]:
    """Large firms, SMEs (with tiers), universities, institutes and a few government bodies."""
    names = NameFactory(rng)
    by_chain: dict[str, list[ChainNode]] = {}
    for n in nodes:
        by_chain.setdefault(n.chain_id, []).append(n)
    orgs: list[Org] = []

    def region_for(chain_id: str | None) -> str:
        pool = CHAIN_REGIONS.get(chain_id or "", tuple(REGIONS))
        return rng.choice(pool) if rng.random() < 0.8 else rng.choice(tuple(REGIONS))

    def add(**kw) -> Org:
        o = Org(idx=len(orgs), **kw)
        orgs.append(o)
        return o

    n_large = max(6, round(6 * scale ** 0.5))
    n_sme = max(48, round(48 * scale))
    for chain_id, cnodes in by_chain.items():
        words = COMPANY_WORDS.get(chain_id, ("科技",))
        seg_nodes = {s: [n.node_id for n in cnodes if n.segment == s] for s in ("upstream", "midstream", "downstream")}
        larges = []
        for i in range(n_large):
            brand = names.brand()
            # Large firms integrate vertically: a midstream core plus an upstream or downstream node.
            core = seg_nodes["midstream"][i % len(seg_nodes["midstream"])] if seg_nodes["midstream"] else cnodes[0].node_id
            extra = rng.sample([n.node_id for n in cnodes if n.node_id != core], k=rng.randint(1, 3))
            o = add(name=f"{brand}示例{rng.choice(words)}股份有限公司", kind="company", size="large",
                    tier=rng.choice(("none", "none", "单项冠军")), region=region_for(chain_id), chain_id=chain_id,
                    nodes=[core, *extra])
            o.alias = f"{brand}示例"
            larges.append(o)
        for i in range(n_sme):
            brand = names.brand()
            # Round-robin over nodes first so every node has SMEs to license to.
            primary = cnodes[i % len(cnodes)]
            neighbours = list(primary.upstream) + [n.node_id for n in cnodes if primary.node_id in n.upstream]
            nodes_ = [primary.node_id] + (rng.sample(neighbours, 1) if neighbours and rng.random() < 0.3 else [])
            size = rng.choices(("medium", "small", "micro"), weights=(3, 5, 2))[0]
            tier = rng.choices(("none", "专精特新", "小巨人", "单项冠军"),
                               weights=(50, 28, 17, 5) if size == "medium" else (62, 28, 10, 0))[0]
            o = add(name=f"{brand}示例{rng.choice(words)}有限公司", kind="company", size=size, tier=tier,
                    region=region_for(chain_id), chain_id=chain_id, nodes=nodes_)
            o.alias = f"{brand}示例"
            o.declared = rng.random() < 0.9
            if rng.random() < 0.25:
                o.parent = rng.choice(larges).idx
            downstream_larges = [lg.idx for lg in larges if any(n in _downstream_of(cnodes, o.nodes) for n in lg.nodes)]
            if downstream_larges:
                o.customers = rng.sample(downstream_larges, k=min(len(downstream_larges), rng.randint(1, 2)))
    n_univ = max(26, round(26 * scale ** 0.5))
    chain_ids = list(by_chain)
    for i in range(n_univ):
        brand = names.brand()
        chains_ = rng.sample(chain_ids, k=rng.randint(1, 2))
        strong = [n.node_id for c in chains_ for n in rng.sample(by_chain[c], k=min(5, len(by_chain[c])))]
        o = add(name=f"{brand}示例{UNIVERSITY_WORDS[i % len(UNIVERSITY_WORDS)]}", kind="university", size="large",
                tier="none", region=region_for(chains_[0]), chain_id=chains_[0], nodes=strong)
        o.alias = f"{brand}示大"
        o.declared = False  # universities are placed by their patents, not by declaration
    n_inst = max(20, round(20 * scale ** 0.5))
    for i in range(n_inst):
        brand = names.brand()
        chain_id = chain_ids[i % len(chain_ids)]
        strong = [n.node_id for n in rng.sample(by_chain[chain_id], k=3)]
        o = add(name=f"{brand}示例{INSTITUTE_WORDS[i % len(INSTITUTE_WORDS)]}", kind="institute", size="medium",
                tier="none", region=region_for(chain_id), chain_id=chain_id, nodes=strong)
        o.alias = f"{brand}示例院"
    for i, body in enumerate(GOVERNMENT_BODIES):
        region = tuple(REGIONS)[(i * 5) % len(REGIONS)]
        add(name=body, kind="government", size="large", tier="none", region=region, chain_id=None, nodes=[])
    academics = [o for o in orgs if o.kind in ("university", "institute")]
    for o in orgs:
        if o.kind == "company":
            end = dt.date(2012 if o.size == "large" else 2021, 12, 31)
            o.founded = _date_between(rng, dt.date(1992 if o.size == "large" else 2003, 1, 1), end)
            o.products = _products(rng, nodes, o.nodes)
            # Co-development partners work on the same chain.
            same_chain = [a.idx for a in academics if any(n.startswith(f"{o.chain_id}.") for n in a.nodes)]
            if same_chain and rng.random() < 0.6:
                o.partners = rng.sample(same_chain, k=min(len(same_chain), rng.randint(1, 2)))
        elif o.kind in ("university", "institute"):
            o.founded = _date_between(rng, dt.date(1952, 1, 1), dt.date(2015, 12, 31))
        else:
            o.founded = _date_between(rng, dt.date(1980, 1, 1), dt.date(2010, 12, 31))
        # Most organisations have a credit code; the rest are referenced by name (resolution path).
        if rng.random() < (0.85 if o.kind == "company" else 0.6):
            o.credit_code = make_credit_code(rng, o.kind, o.region)
    return orgs


def _downstream_of(cnodes: list[ChainNode], node_ids: list[str]) -> set[str]:
    return {n.node_id for n in cnodes if any(u in node_ids for u in n.upstream)}


def _products(rng: random.Random, nodes: list[ChainNode], node_ids: list[str]) -> list[str]:
    lookup = {n.node_id: n for n in nodes}
    kws = [k for nid in node_ids for k in lookup[nid].keywords]
    return rng.sample(kws, k=min(len(kws), rng.randint(2, 4)))


def profile_text(rng: random.Random, o: Org, orgs: list[Org], lookup: dict[str, ChainNode]) -> str:
    """简介/经营范围 prose that names partners, customers and parents (extraction mines these)."""
    if o.kind == "government":
        return f"{o.name}负责辖区科技创新、产业链招商与知识产权运营服务，组织实施揭榜挂帅项目和产学研对接活动。"
    main = lookup[o.nodes[0]] if o.nodes else None
    parts: list[str] = []
    if o.kind == "company":
        parts.append(f"{o.name}成立于{o.founded.year}年，主营{main.name}领域产品的研发、生产与销售，"
                     f"主要产品包括{'、'.join(o.products)}。")
        if o.parent is not None:
            parts.append(f"公司是{orgs[o.parent].name}的控股子公司。")
        for c in o.customers:
            parts.append(f"公司为{orgs[c].name}提供{rng.choice(o.products)}等关键配套。")
        for p in o.partners:
            parts.append(f"与{orgs[p].name}联合开发{rng.choice(main.keywords)}技术，共建联合实验室。")
        if o.tier != "none":
            parts.append(f"公司已获评国家级专精特新{'“小巨人”' if o.tier == '小巨人' else o.tier}企业。")
    else:
        fields = "、".join(dict.fromkeys(lookup[n].name for n in o.nodes))
        parts.append(f"{o.name}长期从事{fields}等方向的研究，拥有多个省部级重点实验室和工程技术研究中心。")
        parts.append(f"重点研究方向包括{'、'.join(main.keywords[:3])}，面向中小企业开展成果转化与技术许可。")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Patents, licences, transfers, offers (streamed)


@dataclass
class Counts:
    """Rows written per file (and output size) — returned to the caller and printed by the CLI."""

    organizations: int = 0
    patents: int = 0
    licenses: int = 0
    transfers: int = 0
    open_licenses: int = 0
    achievements: int = 0
    demands: int = 0
    chains: int = 0
    # programme files (issue 14)
    service_bodies: int = 0
    tech_managers: int = 0
    events: int = 0
    event_participants: int = 0
    deals: int = 0
    tiers: int = 0
    pledges: int = 0  # registrations (pledges.csv has one row per pledged patent)
    clusters: int = 0
    cluster_members: int = 0
    bytes: int = 0


class _Picker:
    """Weighted choice over a fixed list with precomputed cumulative weights (fast at 1M draws)."""

    def __init__(self, items: Sequence[int], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)

    def pick(self, rng: random.Random) -> int:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


_HOLDER_WEIGHT = {("company", "large"): 14.0, ("company", "medium"): 3.0, ("company", "small"): 1.5,
                  ("company", "micro"): 0.7, ("university", "large"): 7.0, ("institute", "medium"): 5.0}


class DemoWriter:
    """Generates and writes one demo data set; use :func:`generate_demo`."""

    def __init__(self, out: Path, seed: int, n_patents: int, chains_dir: Path) -> None:
        self.out = out
        self.seed = seed
        self.rng = random.Random(seed)
        self.n_patents = n_patents
        self.chains_dir = chains_dir
        self.nodes = read_chains(chains_dir)
        self.lookup = {n.node_id: n for n in self.nodes}
        self.counts = Counts()
        self.transfers_out = None  # csv writer for transfers.csv, set while run() streams
        scale = max(1.0, n_patents / 3000) ** 0.5
        self.orgs = build_organizations(self.rng, self.nodes, scale)
        self.holder_pickers: dict[str, _Picker] = {}
        self.smes_by_node: dict[str, list[int]] = {}
        for n in self.nodes:
            cands = [o for o in self.orgs if n.node_id in o.nodes and o.kind != "government"]
            self.holder_pickers[n.node_id] = _Picker([o.idx for o in cands],
                                                     [_HOLDER_WEIGHT[(o.kind, o.size)] for o in cands])
            self.smes_by_node[n.node_id] = [o.idx for o in cands if o.is_sme]
        self.neighbours = {n.node_id: [*n.upstream, *(m.node_id for m in self.nodes if n.node_id in m.upstream)]
                           for n in self.nodes}
        self.recent: dict[str, deque[tuple[str, dt.date]]] = {n.node_id: deque(maxlen=40) for n in self.nodes}
        self.licensees: set[int] = set()
        self.recorded_transfers: list[tuple[str, str, int, int, dt.date, str]] = []
        self.subsidiaries: dict[int, list[int]] = {}
        for o in self.orgs:
            if o.parent is not None:
                self.subsidiaries.setdefault(o.parent, []).append(o.idx)
        self.node_weights = _Picker(range(len(self.nodes)), [1.0 + len(n.ipc) * 0.2 for n in self.nodes])
        self.chain_names = {
            data["id"]: data["name"]
            for data in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(chains_dir.glob("*.yaml")))}
        # Its own random stream: the files written before issue 14 keep their content for a seed.
        self.programme = ProgrammeWriter(self)

    # ---- references: credit code, name or (rarely) alias, as real registers mix them ----
    def ref(self, idx: int) -> str:
        o = self.orgs[idx]
        r = self.rng.random()
        if o.credit_code and r < 0.45:
            return o.credit_code
        if r > 0.94 and o.alias:
            return o.alias
        return o.name

    def run(self) -> Counts:
        self.out.mkdir(parents=True, exist_ok=True)
        self._copy_chains()
        files = {name: open(self.out / name, "w", encoding="utf-8", newline="") for name in BASE_FILES}
        try:
            w = {name: csv.writer(files[name], lineterminator="\n") for name in BASE_FILES if name.endswith(".csv")}
            w["patents.csv"].writerow(PATENT_COLUMNS)
            w["licenses.csv"].writerow(LICENSE_COLUMNS)
            w["transfers.csv"].writerow(TRANSFER_COLUMNS)
            w["open_licenses.csv"].writerow(OPEN_LICENSE_COLUMNS)
            self.transfers_out = w["transfers.csv"]
            self._patents(w)
            self._sublicences(w["licenses.csv"])
            self._organizations(w["organizations.csv"])
            self._achievements(files["achievements.jsonl"])
            self._demands(files["demands.jsonl"])
            self.programme.run(w["licenses.csv"])
            for name, n in self.programme.counts.items():
                if hasattr(self.counts, name):
                    setattr(self.counts, name, n)
        finally:
            for f in files.values():
                f.close()
        self._readme()
        self.counts.bytes = sum(p.stat().st_size for p in self.out.rglob("*") if p.is_file())
        return self.counts

    def _copy_chains(self) -> None:
        dest = self.out / "chains"
        dest.mkdir(exist_ok=True)
        for path in sorted(self.chains_dir.glob("*.yaml")):
            shutil.copyfile(path, dest / path.name)
            self.counts.chains += 1

    def _patents(self, w: dict[str, csv.writer]) -> None:
        rng = self.rng
        span = (LAST_FILING - FIRST_FILING).days
        for i in range(self.n_patents):
            # Filing dates rise with i (plus jitter) so citations can point at earlier patents.
            filed = FIRST_FILING + dt.timedelta(days=min(span, int(span * i / self.n_patents) + rng.randint(0, 20)))
            node = self.nodes[self.node_weights.pick(rng)]
            holder = self.orgs[self.holder_pickers[node.node_id].pick(rng)]
            applicants = [holder.idx]
            if holder.partners and rng.random() < 0.25:
                applicants.append(rng.choice(holder.partners))
            kind = "invention" if rng.random() < 0.72 or holder.kind != "company" else "utility"
            pub_no, app_no, published, granted, status = self._numbers(i, kind, filed)
            title, abstract = self._text(node, kind)
            codes = list(dict.fromkeys(rng.choice(full_ipc_codes(p)) for p in rng.sample(node.ipc, k=min(len(node.ipc), rng.randint(1, 3)))))
            if rng.random() < 0.15 and self.neighbours[node.node_id]:
                other = self.lookup[rng.choice(self.neighbours[node.node_id])]
                codes.append(rng.choice(full_ipc_codes(rng.choice(other.ipc))))
            codes = list(dict.fromkeys(codes))
            recent = self.recent[node.node_id]
            # Only earlier filings can be cited (filing dates carry a little jitter).
            earlier = [pn for pn, f in recent if f <= filed]
            cites = rng.sample(earlier, k=min(len(earlier), rng.choice((0, 0, 1, 2, 3)))) if earlier else []
            holders = [holder.idx]
            transfer = self._maybe_transfer(holder, node, pub_no, filed, granted, status)
            if transfer is not None:
                holders = [transfer]
            w["patents.csv"].writerow((
                pub_no, app_no, title, abstract, ";".join(self.ref(a) for a in applicants),
                ";".join(self.ref(h) for h in holders), ";".join(codes), filed.isoformat(),
                published.isoformat() if published else "", granted.isoformat() if granted else "",
                kind, status, ";".join(cites)))
            self.counts.patents += 1
            recent.append((pub_no, filed))
            owner = self.orgs[holders[0]]
            owner.n_patents += 1
            # granted: pledgeable (demodata/programme.py)
            if len(owner.samples) < 6:
                owner.samples.append((pub_no, node.node_id, filed, status == "granted"))
            elif rng.random() < 0.1:
                owner.samples[rng.randrange(6)] = (pub_no, node.node_id, filed, status == "granted")
            if status == "granted":
                self._maybe_license(w, owner, node, pub_no, filed, granted)

    def _numbers(self, i: int, kind: str, filed: dt.date) -> tuple[str, str, dt.date | None, dt.date | None, str]:
        rng = self.rng
        # 19…/29… are unissued CN number ranges: fictional numbers never collide with real patents.
        body = f"{'1' if kind == 'invention' else '2'}9{i:07d}"
        app_body = f"{filed.year}{'1' if kind == 'invention' else '2'}{(i * 7919) % 10_000_000:07d}"
        app_no = f"{app_body}.{app_no_check_digit(app_body)}"
        if kind == "invention":
            published = filed + dt.timedelta(days=rng.randint(180, 560))
            granted = filed + dt.timedelta(days=rng.randint(600, 1500)) if rng.random() < 0.68 else None
        else:
            published = granted = filed + dt.timedelta(days=rng.randint(150, 360))
        if published > LAST_DAY:
            published = None
        if granted and granted > LAST_DAY:
            granted = None
        if granted is None:
            status = "pending" if (kind == "invention" and published is not None and filed.year >= 2020) else (
                "invalid" if published is not None else "pending")
        else:
            status = "granted"
            r = rng.random()
            if kind == "utility" and filed.year <= 2015:
                status = "expired"  # utility models last ten years
            elif r < 0.08:
                status = "invalid"  # lapsed for non-payment of annuities
        suffix = "B" if kind == "invention" and granted else ("A" if kind == "invention" else "U")
        return f"CN{body}{suffix}", app_no, published, granted, status

    def _text(self, node: ChainNode, kind: str) -> tuple[str, str]:
        rng = self.rng
        k, k2 = rng.sample(node.keywords, 2)
        metrics = METRICS.get(node.chain_id, ("性能",))
        m = rng.choice(metrics)
        pattern = rng.choice(TITLE_PATTERNS_INVENTION if kind == "invention" else TITLE_PATTERNS_UTILITY)
        title = pattern.format(k=k, k2=k2, m=m)
        lead = "本发明" if kind == "invention" else "本实用新型"
        k3 = rng.choice(node.keywords)
        sentences = [f"{lead}公开了{title if title.startswith('一种') else '一种' + title}，属于{node.name}技术领域。",
                     f"通过对{k2}与{k3}的协同设计，显著提升了{m}并降低了生产成本。"]
        if rng.random() < 0.6:
            sentences.append(f"与现有技术相比，{rng.choice(metrics)}提高{rng.randint(5, 40)}%以上，适用于{k}的规模化生产。")
        if rng.random() < 0.3:
            sentences.append(rng.choice(STAGE_SENTENCES))
        return title, "".join(sentences)

    def _maybe_transfer(self, holder: Org, node: ChainNode, pub_no: str, filed: dt.date,
                        granted: dt.date | None, status: str) -> int | None:
        rng = self.rng
        if status not in ("granted", "pending"):
            return None
        target: int | None = None
        r = rng.random()
        if holder.kind in ("university", "institute") and r < 0.16:
            smes = self.smes_by_node[node.node_id]
            target = rng.choice(smes) if smes else None
        elif holder.kind == "company" and holder.size == "large" and r < 0.1 and self.subsidiaries.get(holder.idx):
            target = rng.choice(self.subsidiaries[holder.idx])
        elif holder.is_sme and r < 0.06:
            larges = [i for i in self.holder_pickers[node.node_id].items
                      if self.orgs[i].kind == "company" and self.orgs[i].size == "large"]
            target = rng.choice(larges) if larges else None
        if target is None or target == holder.idx:
            return None
        date = _date_between(rng, (granted or filed) + dt.timedelta(days=30), LAST_DAY)
        if date > LAST_DAY or date <= filed:
            return None
        mode = "equity" if holder.kind in ("university", "institute") and rng.random() < 0.3 else "assignment"
        self.counts.transfers += 1
        n = self.counts.transfers
        self.transfers_out.writerow((f"DEMO-TR-{n:06d}", pub_no, self.ref(holder.idx), self.ref(target),
                                   date.isoformat(), mode, f"ZR{date.year}{n:07d}"))
        if date.year >= 2023:  # candidates for deals recorded as this transfer (demodata/programme.py)
            self.recorded_transfers.append((f"DEMO-TR-{n:06d}", pub_no, holder.idx, target, date, mode))
        return target

    def _maybe_license(self, w, owner: Org, node: ChainNode, pub_no: str, filed: dt.date,
                       granted: dt.date) -> None:
        rng = self.rng
        p_offer = {"university": 0.12, "institute": 0.12}.get(owner.kind, 0.03 if owner.size == "large" else 0.0)
        offered = None
        # 开放许可 declarations started with the 2021 Patent Law pilots; an offer follows the grant.
        first_offer = max(granted + dt.timedelta(days=1), dt.date(2022, 1, 1))
        if granted.year >= 2016 and first_offer < dt.date(2025, 9, 30) and rng.random() < p_offer:
            offered = _date_between(rng, first_offer, dt.date(2025, 9, 30))
            self.counts.open_licenses += 1
            fee = rng.choice(("一次性许可费{n}万元", "按产品销售额{p}%提成，年费上限{n}万元", "首年免收许可费，次年起每年{n}万元"))
            w["open_licenses.csv"].writerow((f"DEMO-OL-{self.counts.open_licenses:05d}", pub_no,
                                             fee.format(n=rng.choice((2, 3, 5, 8, 10, 20)), p=rng.choice((1, 2, 3))),
                                             offered.isoformat(), rng.choice((node.name, node.name, "不限"))))
        p_lic = {"university": 0.22, "institute": 0.22}.get(owner.kind, 0.24 if owner.size == "large" else 0.0)
        if offered is not None and rng.random() < 0.6:
            # half name the offer (offer_id column), the rest are matched to it by the loader's derivation
            offer_id = f"DEMO-OL-{self.counts.open_licenses:05d}" if self.counts.open_licenses % 2 == 0 else ""
            self._license(w["licenses.csv"], owner.idx, node, pub_no, offered, "open", offer_id=offer_id)
        elif rng.random() < p_lic:
            ltype = rng.choices(("exclusive", "sole", "ordinary"), weights=(15, 15, 70))[0]
            self._license(w["licenses.csv"], owner.idx, node, pub_no, granted, ltype)

    def _license(self, out, licensor: int, node: ChainNode, pub_no: str, after: dt.date, ltype: str,
                 licensee: int | None = None, offer_id: str = "") -> None:
        rng = self.rng
        if licensee is None:
            # Licensors license where the licensee SME sits: same node first, else a neighbouring node.
            pool = [i for i in self.smes_by_node[node.node_id] if i != licensor]
            if not pool or rng.random() < 0.2:
                near = [i for nb in self.neighbours[node.node_id] for i in self.smes_by_node[nb] if i != licensor]
                pool = near or pool
            if not pool:
                return
            licensee = rng.choice(pool)
        date = _date_between(rng, after + dt.timedelta(days=15), LAST_DAY)
        if date > LAST_DAY:
            return
        self.counts.licenses += 1
        n = self.counts.licenses
        fee = {"exclusive": 800_000, "sole": 400_000, "ordinary": 150_000, "open": 50_000}[ltype]
        fee = round(fee * rng.uniform(0.4, 2.5), -3)
        out.writerow((f"DEMO-LIC-{n:06d}", pub_no, self.ref(licensor), self.ref(licensee), ltype,
                      date.isoformat(), f"{fee:.0f}", f"X{date.year}98{n:07d}", offer_id))
        self.licensees.add(licensee)

    def _sublicences(self, out) -> None:
        """Licensees that hold patents of their own license on (A → B → D paths for path queries)."""
        rng = self.rng
        for idx in sorted(self.licensees):
            o = self.orgs[idx]
            if not o.samples or rng.random() > 0.5:
                continue
            pub_no, node_id, filed, _granted = rng.choice(o.samples)
            self._license(out, idx, self.lookup[node_id], pub_no, filed + dt.timedelta(days=365), "ordinary")

    # ---- organisations, achievements, demands (small, written after the stream) ----
    def _organizations(self, out) -> None:
        rng = self.rng
        out.writerow(ORG_COLUMNS)
        for o in self.orgs:
            industry = (CHAIN_INDUSTRY[o.chain_id][self.lookup[o.nodes[0]].segment]
                        if o.kind == "company" and o.chain_id in CHAIN_INDUSTRY else KIND_INDUSTRY.get(o.kind, ""))
            # No org_id column: the loader derives it (credit code, else a hash of the normalised name).
            out.writerow((o.credit_code, o.name, o.kind, o.size, o.tier, o.region, industry,
                          o.founded.isoformat(), o.alias, profile_text(rng, o, self.orgs, self.lookup),
                          ";".join(o.products), ";".join(o.nodes) if o.declared else ""))
            self.counts.organizations += 1
        prng = self.programme.rng  # banks (pledgees, issue 14) come from the programme's stream
        for i, bank in enumerate(BANKS):
            region = tuple(REGIONS)[(i * 3) % len(REGIONS)]
            out.writerow((make_credit_code(prng, "company", region), bank, "company", "large", "none", region, "6621",
                          "1995-01-01", "", f"{bank}提供知识产权质押融资等金融服务。", "", ""))
            self.counts.organizations += 1

    def _achievements(self, out) -> None:
        rng = self.rng
        owners = [o for o in self.orgs if o.samples and o.kind in ("university", "institute")]
        companies = [o for o in self.orgs if o.samples and o.kind == "company"]
        n = max(60, self.n_patents // 50)
        for i in range(n):
            o = rng.choice(owners) if (rng.random() < 0.7 or not companies) else rng.choice(companies)
            backing = rng.sample(o.samples, k=min(len(o.samples), rng.randint(1, 3)))
            node = self.lookup[backing[0][1]]
            trl = rng.choices(range(1, 10), weights=(1, 2, 5, 8, 9, 8, 6, 3, 2))[0]
            k = rng.sample(node.keywords, 2)
            desc = (f"本成果面向{node.name}领域，围绕{k[0]}和{k[1]}开展攻关，形成{len(backing)}项核心专利。"
                    f"目前处于{TRL_STAGES[trl]}阶段。")
            r = rng.random()
            stated = None
            if r < 0.35:
                desc += f"经第三方评价，技术成熟度{trl}级。"
                stated = "third_party"
            elif r < 0.55:
                desc += f"按GB/T 22900评价为TRL {trl}。"
                stated = "expert"
            desc += f"可为{rng.choice(METRICS.get(node.chain_id, ('性能',)))}提升提供解决方案，欢迎中小企业洽谈合作。"
            modes = rng.sample(TRANSFER_MODES, k=rng.randint(1, 3))
            rec = {"ach_id": f"DEMO-ACH-{i + 1:05d}", "title": f"{k[0]}关键技术及产业化应用", "description": desc,
                   "owner": self.ref(o.idx), "trl": trl, "field": node.name,
                   "patents": ";".join(s[0] for s in backing), "transfer_modes": ";".join(modes),
                   **self.programme.achievement_fields(stated, trl)}
            self.programme.state.achievements[node.chain_id].append((rec["ach_id"], o.idx))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.counts.achievements += 1

    def _demands(self, out) -> None:
        rng = self.rng
        smes = [o for o in self.orgs if o.is_sme and o.nodes]
        posters_big = [o for o in self.orgs if o.kind == "government" or (o.kind == "company" and o.size == "large")]
        n = max(60, self.n_patents // 50)
        for i in range(n):
            challenge = rng.random() < 0.3
            poster = rng.choice(posters_big) if challenge and rng.random() < 0.4 else rng.choice(smes)
            node_id = rng.choice(poster.nodes) if poster.nodes else rng.choice(self.nodes).node_id
            node = self.lookup[node_id]
            # Needs often sit one step upstream of the poster's own node.
            if node.upstream and rng.random() < 0.4:
                node = self.lookup[rng.choice(node.upstream)]
            k = rng.sample(node.keywords, min(3, len(node.keywords)))
            budget = rng.choice((30, 50, 80, 100, 200, 300, 500, 1000)) * 10_000
            deadline = _date_between(rng, dt.date(2024, 6, 1), dt.date(2026, 12, 31))
            metric = rng.choice(METRICS.get(node.chain_id, ("性能",)))
            title = (f"揭榜挂帅：{k[0]}关键技术攻关" if challenge else f"寻求{k[0]}技术合作")
            desc = (f"{'面向产业链关键环节，' if challenge else ''}我单位在{node.name}环节急需{k[0]}"
                    f"{'及' + k[1] if len(k) > 1 else ''}相关技术，要求{metric}达到行业领先水平，"
                    f"{'并具备' + k[2] + '工程化能力，' if len(k) > 2 else ''}"
                    f"拟投入经费{budget // 10_000}万元，{'揭榜' if challenge else '合作'}截止日期{deadline.year}年{deadline.month}月{deadline.day}日。")
            cands = [i for i in self.holder_pickers[node.node_id].items if i != poster.idx]
            responders = rng.sample(cands, k=min(len(cands), rng.choice((0, 1, 1, 2, 3))))
            rec = {"demand_id": f"DEMO-DEM-{i + 1:05d}", "title": title, "description": desc,
                   "poster": self.ref(poster.idx), "kind": "challenge" if challenge else "demand",
                   "budget": budget, "deadline": deadline.isoformat(),
                   "responders": ";".join(self.ref(r) for r in responders)}
            status, winner = self.programme.demand_status(challenge, deadline, responders)
            rec["status"] = status
            if winner is not None:
                rec["winner"] = self.programme.ref(winner)
            self.programme.state.demands[node.chain_id].append((rec["demand_id"], poster.idx, responders))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.counts.demands += 1

    def _readme(self) -> None:
        c = self.counts
        (self.out / "README.md").write_text(
            "# ChainKG demo data (fictional)\n\n"
            "Every organisation, patent, licence, achievement and demand in this folder is **invented**: names\n"
            "carry the marker 示例/演示, patent numbers use the unissued CN19…/CN29… ranges, and credit codes are\n"
            "random (valid checksum only). Region codes and IPC codes are real. Do not edit by hand — regenerate:\n\n"
            f"    python -m demodata.generator --out data/demo --seed {self.seed} --patents {self.n_patents}\n\n"
            f"Counts: {c.organizations} organisations, {c.patents} patents, {c.licenses} licences, {c.transfers} "
            f"transfers, {c.open_licenses} open-licence offers, {c.achievements} achievements, {c.demands} demands, "
            f"{c.chains} chains (copied from data/chains/); programme files (issue 14): {c.service_bodies} service "
            f"bodies, {c.tech_managers} technology managers, {c.events} events with {c.event_participants} "
            f"participations, {c.deals} deals, {c.tiers} tier awards, {c.pledges} pledge registrations, {c.clusters} "
            f"clusters and parks with {c.cluster_members} members. Amounts in licenses.csv (fee) and demands.jsonl "
            "(budget) are in yuan, the (万元) columns of deals.csv and pledges.csv in 万元; the loader stores every "
            "amount in 万元.\n"
            "See docs/demo-data.md for the shape of the data.\n",
            encoding="utf-8",
        )


def generate_demo(out_dir: str | Path = DEFAULT_OUT, *, seed: int = 42, n_patents: int = 3000,
                  chains_dir: str | Path = DEFAULT_CHAINS_DIR) -> Counts:
    """Write a fictional demo data set to ``out_dir`` (DESIGN.md §3 files + ``chains/``); return row counts.

    Deterministic: the same ``seed``, ``n_patents`` and chain library always give identical files.
    Memory stays bounded in ``n_patents`` (rows are streamed to disk). Raises InputError when the
    chain library is missing or malformed, and ValueError for ``n_patents`` < 100.
    """
    if n_patents < 100:
        raise ValueError(f"n_patents must be at least 100 (got {n_patents}); the shape needs a few per chain node")
    return DemoWriter(Path(out_dir), seed, n_patents, Path(chains_dir)).run()


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m demodata.generator --out data/demo --seed 42 --patents 3000``."""
    parser = argparse.ArgumentParser(
        prog="python -m demodata.generator",
        description="Write the fictional ChainKG demo data set (or a benchmark-scale one).",
        epilog="examples:\n  python -m demodata.generator --out data/demo --seed 42 --patents 3000\n"
               "  python -m demodata.generator --out /tmp/bench1m --patents 1000000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default data/demo)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--patents", type=int, default=3000, help="number of patents (default 3000)")
    parser.add_argument("--chains", type=Path, default=DEFAULT_CHAINS_DIR, help="chain library folder (default data/chains)")
    args = parser.parse_args(argv)
    try:
        c = generate_demo(args.out, seed=args.seed, n_patents=args.patents, chains_dir=args.chains)
    except (InputError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {c.organizations} organisations, {c.patents} patents, {c.licenses} licences, "
          f"{c.transfers} transfers, {c.open_licenses} open-licence offers, {c.achievements} achievements, "
          f"{c.demands} demands, {c.chains} chains, {c.events} events, {c.deals} deals, {c.tiers} tier awards, "
          f"{c.pledges} pledges, {c.clusters} clusters, {c.service_bodies} service bodies; {c.bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
