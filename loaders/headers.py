"""Column contracts of the input files and the mapping of common Chinese export headers onto them.

``FILE_SPECS`` holds, per file kind, the required and optional canonical columns (DESIGN.md §3).
``map_headers`` turns a file's raw header row into canonical names: exact canonical names first,
then the aliases used by Chinese patent databases (incoPat, 智慧芽, CNIPA exports), licence and
transfer registers and enterprise lists; anything else becomes an ``x_…`` extra property.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    """What a file kind must and may contain."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


FILE_SPECS: dict[str, FileSpec] = {
    "organizations": FileSpec(
        "organizations",
        ("name",),
        ("org_id", "credit_code", "kind", "size", "tier", "region", "province", "city", "listed_code",
         "industry_code", "founded", "aliases", "profile", "products", "chain_nodes"),
    ),
    "patents": FileSpec(
        "patents",
        ("pub_no", "title"),
        ("app_no", "abstract", "applicants", "holders", "ipc", "ipc_main", "filed", "published", "granted",
         "kind", "status", "cites"),
    ),
    "licenses": FileSpec(
        "licenses", ("pub_no", "licensor", "licensee"), ("license_id", "type", "date", "fee", "record_no")
    ),
    "transfers": FileSpec(
        "transfers", ("pub_no", "assignor", "assignee"), ("transfer_id", "date", "mode", "record_no")
    ),
    "open_licenses": FileSpec(
        "open_licenses", ("pub_no",), ("offer_id", "holder", "fee_terms", "declared", "field_of_use")
    ),
    "achievements": FileSpec(
        "achievements", ("title", "description"), ("ach_id", "owner", "trl", "field", "patents", "transfer_modes")
    ),
    "demands": FileSpec(
        "demands", ("title", "description", "poster"), ("demand_id", "kind", "budget", "deadline", "responders")
    ),
}

# Header aliases per file kind (keys are compared after fold_header()).
_COMMON_PATENT = {
    "pub_no": ("公开(公告)号", "公开号", "公告号", "公开公告号", "公布号", "申请公布号", "授权公告号", "publication_number",
               "publication_numbers", "publication number", "pn", "专利号", "pubno"),
}
HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "patents": {
        **_COMMON_PATENT,
        "app_no": ("申请号", "专利申请号", "application_number", "application number", "an"),
        "title": ("发明名称", "标题", "名称", "专利名称", "patent_title", "title_zh", "中文标题"),
        "abstract": ("摘要", "中文摘要", "摘要文本", "patent_abstract"),
        "applicants": ("申请(专利权)人", "申请人", "申请人名称", "专利申请人", "原始申请人", "applicant", "applicants_names"),
        "holders": ("当前权利人", "专利权人", "当前专利权人", "权利人", "assignee_current", "current_assignee"),
        "ipc": ("ipc分类号", "ipc", "分类号", "ipc codes", "ipc_codes", "国际分类号", "true_subclasses_all"),
        "ipc_main": ("ipc主分类号", "主分类号", "ipc主分类", "main_ipc"),
        "filed": ("申请日", "申请日期", "filing_date", "application_date"),
        "published": ("公开(公告)日", "公开日", "公告日", "公开日期", "公布日", "publication_date"),
        "granted": ("授权公告日", "授权日", "授权日期", "grant_date"),
        "status": ("法律状态", "当前法律状态", "专利状态", "legal_status"),
        "cites": ("引证专利", "引用专利", "引证文献", "citations", "cited_patents"),
        "kind": ("专利类型", "类型", "专利种类", "patent_type"),
    },
    "licenses": {
        **_COMMON_PATENT,
        "licensor": ("许可人", "让与人", "许可方", "专利权人"),
        "licensee": ("被许可人", "受让人", "被许可方"),
        "type": ("许可种类", "许可类型", "许可方式"),
        "record_no": ("备案号", "合同备案号", "备案编号"),
        "date": ("备案日期", "生效日期", "备案日", "合同生效日", "许可日期"),
        "fee": ("许可费", "许可费用", "金额", "合同金额"),
        "license_id": ("许可编号", "合同编号"),
    },
    "transfers": {
        **_COMMON_PATENT,
        "assignor": ("转让人", "让与人", "转让方", "原权利人", "变更前权利人"),
        "assignee": ("受让人", "受让方", "现权利人", "变更后权利人"),
        "date": ("转让日期", "生效日期", "登记日", "变更日期", "备案日期"),
        "mode": ("转让方式", "方式", "转移方式"),
        "record_no": ("备案号", "登记号"),
        "transfer_id": ("转让编号",),
    },
    "open_licenses": {
        **_COMMON_PATENT,
        "holder": ("专利权人", "许可人"),
        "fee_terms": ("许可使用费", "许可费", "费用标准", "付费标准"),
        "declared": ("声明日", "声明日期", "公告日期", "开放许可声明日"),
        "field_of_use": ("应用领域", "许可范围", "实施范围"),
        "offer_id": ("声明编号",),
    },
    "organizations": {
        "name": ("企业名称", "单位名称", "机构名称", "名称", "公司名称", "组织名称"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"),
        "kind": ("机构类型", "单位类型", "组织类型"),
        "size": ("企业规模", "规模"),
        "tier": ("层级", "梯度", "梯度培育", "企业梯度", "资质", "称号"),
        "region": ("所在地区", "地区", "区域", "行政区划", "所在地", "region_code"),
        "province": ("省份", "省", "所在省份"),
        "city": ("城市", "市", "所在城市", "地市"),
        "listed_code": ("股票代码", "证券代码", "上市代码"),
        "industry_code": ("行业代码", "国民经济行业代码", "所属行业代码"),
        "founded": ("成立日期", "成立时间", "注册日期"),
        "aliases": ("别名", "曾用名", "简称"),
        "profile": ("简介", "企业简介", "经营范围", "主营业务"),
        "products": ("主要产品", "产品"),
        "chain_nodes": ("产业链环节", "链节点"),
    },
    "achievements": {
        "title": ("成果名称", "名称", "标题"),
        "description": ("成果简介", "简介", "描述", "内容"),
        "owner": ("完成单位", "所有人", "权利人", "持有单位"),
        "trl": ("技术成熟度", "成熟度"),
        "field": ("技术领域", "领域"),
        "patents": ("相关专利", "专利"),
        "transfer_modes": ("转化方式", "合作方式"),
        "ach_id": ("成果编号",),
    },
    "demands": {
        "title": ("需求名称", "榜单名称", "名称", "标题"),
        "description": ("需求描述", "需求简介", "描述", "内容"),
        "poster": ("发布单位", "发榜单位", "需求单位", "发布方"),
        "kind": ("需求类型", "类型"),
        "budget": ("预算", "金额", "榜单金额", "投入金额"),
        "deadline": ("截止日期", "截止时间", "揭榜截止"),
        "responders": ("揭榜单位", "响应单位"),
        "demand_id": ("需求编号", "榜单编号"),
    },
}


def fold_header(header: str) -> str:
    """Comparison form of a header: NFKC, lower case, no spaces, full-width brackets folded."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return re.sub(r"\s+", "", text)


def extra_property_name(header: str) -> str:
    """Property name for an unknown column: ``x_`` + an ASCII identifier.

    ASCII headers keep their words (``Batch No`` → ``x_batch_no``); any other header becomes
    ``x_`` + its ASCII part (if any) + 8 hex of sha1(header) (``来源`` → ``x_3b9e3a1c``), so the
    name is deterministic, collision-resistant and always a valid Cypher property key.
    """
    folded = unicodedata.normalize("NFKC", str(header)).strip()
    ascii_part = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if folded.isascii() and ascii_part:
        return ("x_" + ascii_part)[:64]
    digest = hashlib.sha1(folded.encode("utf-8")).hexdigest()[:8]
    return ("x_" + (ascii_part + "_" if ascii_part else "") + digest)[:64]


@dataclass
class HeaderMap:
    """Result of mapping one file's header row."""

    kind: str
    columns: dict[int, str]  # position -> canonical or x_ name
    canonical: dict[str, str] = field(default_factory=dict)  # canonical -> raw header
    extras: dict[str, str] = field(default_factory=dict)  # x_ name -> raw header
    duplicates: list[str] = field(default_factory=list)  # raw headers ignored because already mapped

    def missing(self, spec: FileSpec) -> list[str]:
        """Required canonical columns that no header maps to."""
        return [c for c in spec.required if c not in self.canonical]


def map_headers(kind: str, headers: list[str]) -> HeaderMap:
    """Map raw headers of a ``kind`` file to canonical column names.

    Canonical names win over aliases (a file with both ``title`` and ``名称`` keeps ``title``);
    the first raw header for a canonical column wins, later ones are listed in ``duplicates``.
    """
    spec = FILE_SPECS[kind]
    aliases = {fold_header(a): canon for canon, names in HEADER_ALIASES.get(kind, {}).items() for a in names}
    exact = {fold_header(c): c for c in spec.columns}
    result = HeaderMap(kind=kind, columns={})
    # Two passes so an exact canonical header anywhere in the row outranks an alias before it.
    for pass_no in (0, 1):
        for pos, raw in enumerate(headers):
            if raw is None or pos in result.columns:
                continue
            folded = fold_header(raw)
            canon = exact.get(folded) if pass_no == 0 else aliases.get(folded)
            if canon is None:
                continue
            if canon in result.canonical:
                if pass_no == 1:
                    result.duplicates.append(str(raw))
                    result.columns[pos] = ""  # ignored column
                continue
            result.canonical[canon] = str(raw)
            result.columns[pos] = canon
    for pos, raw in enumerate(headers):
        if pos in result.columns or raw is None or not str(raw).strip():
            continue
        name = extra_property_name(str(raw))
        if name in result.extras:
            name = extra_property_name(f"{raw}#{pos}")
        result.extras[name] = str(raw)
        result.columns[pos] = name
    return result
