"""Short forms of organisation names (江苏恒立液压股份有限公司 → 恒立液压股份 / 恒立液压), used to link
short-name mentions to graph organisations and to write synthetic training sentences."""

from __future__ import annotations

from extraction.resources import REGIONS

_LEGAL_TAILS = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司")
_TRADE_WORDS = ("科技", "技术", "电子", "新材料", "材料", "智能", "装备", "机械", "精密", "电气", "生物", "医药", "药业",
                "化工", "光电", "半导体", "自动化", "设备", "工业", "信息", "软件", "新能源", "能源", "制造", "实业")
_REGIONS_LONGEST_FIRST = sorted((r for r in REGIONS if len(r) >= 2), key=len, reverse=True)


def short_name_variants(full: str) -> list[str]:
    """Short forms of a firm's name, longest first: legal form dropped, then the leading region,
    then up to two trailing trade words (常州恒锐精工科技有限公司 → 常州恒锐精工科技, 恒锐精工科技, 恒锐精工).
    Only forms of 2–10 characters that differ from the full name are returned."""
    out: list[str] = []
    name = full.strip()
    for tail in _LEGAL_TAILS:
        if name.endswith(tail) and len(name) > len(tail) + 1:
            name = name[: -len(tail)]
            break
    name = name.split("（")[0].split("(")[0]
    out.append(name)
    for region in _REGIONS_LONGEST_FIRST:
        if name.startswith(region) and len(name) - len(region) >= 2:
            name = name[len(region):]
            out.append(name)
            break
    for _ in range(2):
        for w in _TRADE_WORDS:
            if name.endswith(w) and len(name) - len(w) >= 2:
                name = name[: -len(w)]
                out.append(name)
                break
    seen: list[str] = []
    for v in out:
        if 2 <= len(v) <= 10 and v != full and v not in seen:
            seen.append(v)
    return seen


def short_name(full: str) -> str | None:
    """The shortest distinctive form of a firm's name (2–6 characters), or None."""
    variants = [v for v in short_name_variants(full) if len(v) <= 6]
    return variants[-1] if variants else None
