"""Shared vocabularies: which sub-label a kind value puts on a node.

One home for the mapping from a node's ``kind`` property to its secondary label, used by the row
validators, the Bolt loader, the bulk export and the schema's allow-list. Pure data: no I/O, no
imports beyond the standard library, so any layer may import it.
"""

from __future__ import annotations

#: Organisation ``kind`` -> the sub-label an Organization node of that kind carries.
ORG_KIND_LABELS: dict[str, str] = {
    "company": "Company",
    "university": "University",
    "institute": "Institute",
    "government": "Government",
    "service": "ServiceBody",  # 评价 / 转移转化 / 中试 / 概念验证 / 检测认证 bodies (issue 14)
}

#: The kind an organisation has when nothing says otherwise (patent applicants mostly are firms).
DEFAULT_ORG_KIND = "company"

#: Demand ``kind`` -> extra label (揭榜挂帅 challenges are demands with a label of their own).
DEMAND_KIND_LABELS: dict[str, str] = {"challenge": "Challenge"}

#: Every sub-label -> the primary label it refines (no constraint of its own).
SUB_LABELS: dict[str, str] = {
    **{label: "Organization" for label in ORG_KIND_LABELS.values()},
    **{label: "Demand" for label in DEMAND_KIND_LABELS.values()},
}


def org_labels(kind: str | None) -> tuple[str, ...]:
    """The extra labels of an Organization of ``kind`` (unknown or missing kinds count as companies)."""
    return (ORG_KIND_LABELS.get(kind or DEFAULT_ORG_KIND, ORG_KIND_LABELS[DEFAULT_ORG_KIND]),)


def demand_labels(kind: str | None) -> tuple[str, ...]:
    """The extra labels of a Demand of ``kind`` (``challenge`` → ``Challenge``; others none)."""
    label = DEMAND_KIND_LABELS.get(kind or "")
    return (label,) if label else ()
