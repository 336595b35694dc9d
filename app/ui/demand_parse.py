"""A typed demand → the constraints the matching query takes: technology terms, a minimum technology
readiness level (TRL), the partner types wanted (高校 / 院所 / 企业) and a partner region.

"我们在开发固态电池电解质，希望与高校合作，技术成熟度6级以上" gives terms [固态电池, 电解质], TRL ≥ 6,
partner [university]. The TRL is read by extraction.trl (a stated level only: a level inferred from
stage words is a guess, not a requirement); clauses that only say who the SME is ("我们是一家…企业")
give no terms; terms come from the extraction vocabulary (built-in
technology terms plus chain node names and keywords), longest match first, then the words jieba cuts
from the rest of the text that occur inside a vocabulary term ("电解质" inside "固态电解质"). Partner
types and regions are read only in clauses that ask for a partner (合作, 对接, 寻找 …), so "我们是一家
动力电池企业" describes the SME, not the partner it wants. No streamlit here: the function is tested alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

PARTNER_WORDS: dict[str, tuple[str, ...]] = {
    "university": ("高校", "大学", "学院", "院校"),
    "institute": ("院所", "科研院所", "研究院", "研究所", "科研机构", "实验室"),
    "company": ("企业", "公司", "厂商", "龙头"),
}
_ASKS_PARTNER = re.compile(r"合作|对接|寻找|寻求|联合|共建|攻关|牵手|找一家|找到|需要.{0,6}(?:高校|院所|企业|公司|团队)")
_CLAUSE = re.compile(r"[，。；;,.!?！？\n]")
_SELF = re.compile(r"^\s*(?:我们|我司|本公司|本企业|公司)(?:是|为)")  # a clause describing the SME itself
_STOP = {"技术", "我们", "希望", "合作", "需要", "一家", "开发", "研发", "正在", "以上", "成熟", "成熟度", "企业", "公司",
         "高校", "院所", "材料", "产品", "问题", "工艺", "方法", "装置", "系统", "设备",
         # words of how demands are phrased ("…及移动机器人相关技术"): inside many vocabulary terms, so
         # as terms they match nearly every node and patent, and make the matching query scan them all
         "相关", "关键", "领域", "方面", "应用", "能力", "水平", "行业", "领先", "提升", "提高", "实现", "解决",
         "环节", "急需", "要求", "具备", "工程", "工程化", "安全", "安全性", "研究", "项目", "经费"}


@dataclass
class DemandConstraints:
    """What a typed demand asks for; every field editable on the page."""

    terms: list[str] = field(default_factory=list)
    min_trl: int | None = None
    partner_kinds: list[str] = field(default_factory=list)
    region: str | None = None


@functools.cache
def default_vocabulary() -> tuple[str, ...]:
    """Technology terms the extraction pipeline knows: built-in terms plus chain node names/keywords."""
    from extraction.gazetteer import default_gazetteer
    from extraction.pipeline import DEFAULT_CHAIN_DIRS

    return tuple(default_gazetteer(DEFAULT_CHAIN_DIRS).all_tech_terms())


def warm_up() -> None:
    """Build the vocabulary and load jieba's dictionary (~3 s of CPU, once per process), so the first
    visitor of the demand page after the app starts does not wait for it."""
    import jieba

    default_vocabulary()
    jieba.initialize()


@functools.cache
def _regions() -> tuple[tuple[str, str], ...]:
    from queries.resolve import PROVINCES, REGION_GROUPS

    names = list(REGION_GROUPS) + [n for n in PROVINCES if len(n) >= 2]
    return tuple(sorted(((n, n) for n in names), key=lambda x: -len(x[0])))


def find_terms(text: str, vocabulary: tuple[str, ...] | list[str]) -> list[str]:
    """Technology terms in ``text``: vocabulary entries (longest first, no overlaps), then words of the
    uncovered rest that occur inside a vocabulary entry; in text order, each once."""
    vocab = sorted({v for v in vocabulary if len(v) >= 2}, key=len, reverse=True)
    taken = [False] * len(text)
    found: list[tuple[int, str]] = []
    for term in vocab:
        start = text.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                found.append((start, term))
                for i in range(start, end):
                    taken[i] = True
            start = text.find(term, end)
    rest = "".join(c if not taken[i] else " " for i, c in enumerate(text))
    import jieba

    pos = 0
    for word in jieba.cut(rest):
        at = rest.find(word, pos)
        pos = at + len(word) if at >= 0 else pos
        w = word.strip()
        if len(w) >= 2 and w not in _STOP and not w.isdigit() and any(w in v for v in vocab):
            found.append((at, w))
    seen: dict[str, None] = {}
    for _, term in sorted(found):
        seen.setdefault(term, None)
    return list(seen)


def parse_demand(text: str, vocabulary: tuple[str, ...] | list[str] | None = None) -> DemandConstraints:
    """The constraints a typed demand states (see the module docstring)."""
    from extraction.trl import read_trl

    text = (text or "").strip()
    out = DemandConstraints()
    if not text:
        return out
    # terms of a clause that only says who the SME is ("我们是一家动力电池企业") are not what it wants
    parts = re.split(r"([，。；;,.!?！？\n])", text)
    wanted = "".join(" " * len(p) if _SELF.match(p) else p for p in parts)
    out.terms = find_terms(wanted, default_vocabulary() if vocabulary is None else vocabulary)
    trl = read_trl(text)
    if trl is not None and trl.method == "stated":
        out.min_trl = trl.level
    for clause in _CLAUSE.split(text):
        if not _ASKS_PARTNER.search(clause):
            continue
        for kind, words in PARTNER_WORDS.items():
            if any(w in clause for w in words) and kind not in out.partner_kinds:
                out.partner_kinds.append(kind)
        if out.region is None:
            out.region = next((name for name, _ in _regions() if name in clause), None)
    return out
