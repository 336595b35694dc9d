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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.readers import open_table


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
        "licenses", ("pub_no", "licensor", "licensee"),
        ("license_id", "type", "date", "fee", "fee_wan", "record_no", "offer_id"),
    ),
    "transfers": FileSpec(
        "transfers", ("pub_no", "assignor", "assignee"), ("transfer_id", "date", "mode", "record_no")
    ),
    "open_licenses": FileSpec(
        "open_licenses", ("pub_no",), ("offer_id", "holder", "fee_terms", "declared", "field_of_use")
    ),
    "achievements": FileSpec(
        "achievements", ("title", "description"),
        ("ach_id", "owner", "trl", "field", "patents", "transfer_modes",
         # programme fields (issue 14, docs/programme.md)
         "level", "evaluator", "eval_method", "eval_date", "eval_result", "mrl", "self_declared", "fiscal_funded",
         "funding_project", "open_to_sme", "year", "region"),
    ),
    "demands": FileSpec(
        "demands", ("title", "description", "poster"),
        ("demand_id", "kind", "budget", "budget_wan", "deadline", "responders", "status", "winner"),
    ),
    # programme files (issue 14): loaded after the files above, in the order of FILE_ORDER
    "events": FileSpec(
        "events", ("name", "kind", "date"), ("event_id", "region", "chain", "organiser", "outcome_note"),
    ),
    "event_participants": FileSpec(
        "event_participants", ("event_id",), ("participant", "role", "achievement", "demand"),
    ),
    "deals": FileSpec(
        "deals", ("kind", "provider", "recipient"),
        ("deal_id", "value", "value_wan", "date", "status", "event_id", "demand_id", "ach_id", "patents",
         "license_id", "transfer_id"),
    ),
    "tiers": FileSpec("tiers", ("org", "tier", "year"), ("award_id", "batch", "source")),
    "pledges": FileSpec(
        "pledges", ("patent", "pledgor", "pledgee"),
        ("pledge_id", "registration_no", "amount", "amount_wan", "registered", "released", "term_end", "status",
         "title"),
    ),
    "clusters": FileSpec("clusters", ("name",), ("cluster_id", "kind", "level", "year", "region", "chains")),
    "cluster_members": FileSpec("cluster_members", ("cluster", "member"), ()),
    "service_bodies": FileSpec(
        "service_bodies", ("name",),
        ("org_id", "credit_code", "region", "service_types", "chains", "chain_nodes", "regions", "aliases", "profile"),
    ),
    "tech_managers": FileSpec(
        "tech_managers", ("name",), ("person_id", "organisation", "certificate", "region", "chain_nodes"),
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
        "fee": ("许可费", "许可费用", "金额", "合同金额", "许可费(元)", "合同金额(元)"),
        "fee_wan": ("许可费(万元)", "许可费用(万元)", "合同金额(万元)", "金额(万元)"),
        "license_id": ("许可编号", "合同编号"),
        "offer_id": ("开放许可声明编号", "声明编号", "开放许可编号"),
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
        "transfer_modes": ("转化方式", "合作方式", "转移转化方式"),
        "ach_id": ("成果编号",),
        "level": ("成果水平", "水平", "层次", "评价水平", "技术水平"),
        "evaluator": ("评价机构", "评价单位", "评估机构"),
        "eval_method": ("评价方式", "评价方法", "评价类型"),
        "eval_date": ("评价日期", "评价时间"),
        "eval_result": ("评价结论", "评价结果", "评价意见"),
        "mrl": ("制造成熟度", "制造成熟度等级"),
        "self_declared": ("自我声明", "是否自我声明"),
        "fiscal_funded": ("财政资金项目", "是否财政资金项目", "财政资金支持", "财政资助"),
        "funding_project": ("项目名称", "资助项目", "来源项目", "财政项目名称"),
        "open_to_sme": ("面向中小企业", "向中小企业开放", "是否向中小企业开放"),
        "year": ("年份", "入库年份", "登记年份", "年度"),
        "region": ("所在地区", "地区", "region_code"),
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
        "budget_wan": ("预算(万元)", "金额(万元)", "榜单金额(万元)", "投入金额(万元)"),
        "status": ("状态", "榜单状态", "需求状态"),
        "winner": ("中榜单位", "揭榜成功单位", "揭榜方", "中标单位"),
    },
    "events": {
        "event_id": ("活动编号",),
        "name": ("活动名称", "名称", "标题"),
        "kind": ("活动类型", "类型", "活动形式"),
        "date": ("活动日期", "日期", "举办日期", "时间"),
        "region": ("举办地", "地区", "所在地区", "region_code"),
        "chain": ("产业链", "所属产业链", "chain_id"),
        "organiser": ("主办单位", "组织单位", "承办单位"),
        "outcome_note": ("活动成效", "成效", "备注"),
    },
    "event_participants": {
        "event_id": ("活动编号",),
        "participant": ("参与单位", "参会单位", "单位名称"),
        "role": ("角色", "参与角色", "身份"),
        "achievement": ("路演成果", "成果编号", "ach_id"),
        "demand": ("发布需求", "需求编号", "demand_id"),
    },
    "deals": {
        "deal_id": ("成交编号", "合同编号", "项目编号"),
        "kind": ("合作方式", "成交类型", "合同类型", "转化方式"),
        "provider": ("供给方", "技术供给方", "转让方", "许可方", "卖方"),
        "recipient": ("需求方", "技术需求方", "受让方", "被许可方", "买方"),
        "value": ("成交金额", "合同金额", "金额", "成交金额(元)", "合同金额(元)"),
        "value_wan": ("成交金额(万元)", "合同金额(万元)", "金额(万元)"),
        "date": ("签约日期", "成交日期", "签订日期", "日期"),
        "status": ("状态", "合同状态", "履约状态"),
        "event_id": ("活动编号", "来源活动"),
        "demand_id": ("需求编号", "对接需求"),
        "ach_id": ("成果编号", "对接成果", "achievement"),
        "patents": ("涉及专利", "专利号", "相关专利", "pub_no"),
        "license_id": ("许可编号", "许可备案编号"),
        "transfer_id": ("转让编号", "转让备案编号"),
    },
    "tiers": {
        "org": ("企业名称", "单位名称", "名称", "统一社会信用代码", "organisation", "organization", "name"),
        "tier": ("称号", "层级", "梯度", "资质", "认定类型"),
        "year": ("年份", "认定年份", "年度", "公示年份"),
        "batch": ("批次", "认定批次", "公示批次"),
        "source": ("来源", "公示文件", "文件", "认定文件"),
        "award_id": ("认定编号",),
    },
    # CNIPA 专利权质押登记 notices (公告) and bank registers
    "pledges": {
        "patent": ("专利号", "申请号", "专利申请号", "公开(公告)号", "公开号", "公告号", "授权公告号", "pub_no", "app_no"),
        "title": ("发明名称", "专利名称", "名称", "发明创造名称"),
        "pledgor": ("出质人", "出质方", "出质人名称"),
        "pledgee": ("质权人", "质权方", "质权人名称"),
        "registration_no": ("登记号", "质押登记号", "登记编号", "合同登记号", "质押合同登记号"),
        "registered": ("登记生效日", "生效日", "登记日", "质押登记日", "登记生效日期", "生效日期"),
        "released": ("解除日", "注销日", "解除日期", "注销日期", "质押解除日", "解除登记日"),
        "term_end": ("质押期限届满日", "到期日", "质押到期日", "届满日"),
        "amount": ("质押金额", "融资金额", "担保金额", "质押金额(元)", "融资金额(元)"),
        "amount_wan": ("质押金额(万元)", "融资金额(万元)", "担保金额(万元)"),
        "status": ("状态", "质押状态", "法律状态"),
        "pledge_id": ("质押编号",),
    },
    "clusters": {
        "cluster_id": ("集群编号", "园区编号"),
        "name": ("集群名称", "园区名称", "名称"),
        "kind": ("类型", "集群类型"),
        "level": ("级别", "认定级别", "层级"),
        "year": ("认定年份", "年份", "年度"),
        "region": ("所在地区", "地区", "region_code"),
        "chains": ("产业链", "主导产业链", "chain_id"),
    },
    "cluster_members": {
        "cluster": ("集群编号", "集群名称", "园区名称", "cluster_id"),
        "member": ("成员单位", "企业名称", "单位名称", "org"),
    },
    "service_bodies": {
        "name": ("机构名称", "单位名称", "名称"),
        "credit_code": ("统一社会信用代码", "信用代码"),
        "region": ("所在地区", "地区", "region_code"),
        "service_types": ("服务类型", "机构类型", "服务内容"),
        "chains": ("服务产业链", "产业链"),
        "chain_nodes": ("服务环节", "产业链环节"),
        "regions": ("服务地区", "服务区域"),
        "aliases": ("别名", "简称"),
        "profile": ("简介", "机构简介"),
    },
    "tech_managers": {
        "person_id": ("人员编号", "编号"),
        "name": ("姓名", "技术经理人"),
        "organisation": ("所在机构", "工作单位", "所属机构", "单位名称"),
        "certificate": ("证书编号", "技术经理人证书编号", "证书号"),
        "region": ("所在地区", "地区", "region_code"),
        "chain_nodes": ("服务环节", "产业链环节", "擅长领域环节"),
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


def column_cells(path: Path, kind: str, column: str) -> Iterator[Any]:
    """The raw cells of one canonical ``column`` of a ``kind`` file, row by row (None where a row lacks
    it): a cheap first pass that needs one column before the file is validated. Read errors raise the
    reader's ChainKGError."""
    table = open_table(path)
    hmap = map_headers(kind, table.header)
    col = next((i for i, c in hmap.columns.items() if c == column), None)
    key = hmap.canonical.get(column)
    for src in table.rows:
        values = src.values
        if isinstance(values, dict):
            yield values.get(key)
        else:
            yield values[col] if values and col is not None and col < len(values) else None
