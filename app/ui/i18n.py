"""Chinese-first labels with English equivalents; the sidebar toggle picks the language per session."""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

import app.ui as _ui_pkg

LANG_KEY = "chainkg_lang"

#: key -> (Chinese, English). Keep keys stable: tests and pages look labels up by key.
LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("ChainKG 产业链知识图谱", "ChainKG industrial-chain knowledge graph"),
    "language": ("语言 Language", "Language 语言"),
    # pages
    "page_overview": ("概览", "Overview"),
    "page_chain_map": ("产业链图谱", "Chain map"),
    "page_licensors": ("许可方发现", "Licensor finder"),
    "page_license_paths": ("许可路径", "Licence paths"),
    "page_demand": ("供需对接", "Demand matching"),
    "page_patent_nav": ("专利导航", "Patent navigation"),
    "page_org_profile": ("机构画像", "Organisation profile"),
    "page_workbench": ("查询工作台", "Query workbench"),
    "page_import": ("数据导入", "Data import"),
    # sidebar entries of pages other areas own (their own titles live in their label modules)
    "nav_achievements": ("成果库", "Achievements library"),
    "nav_patent_history": ("专利档案", "Patent history"),
    "nav_placement_review": ("链上定位审核", "Placement review"),
    # banners
    "neo4j_down": ("无法连接 Neo4j", "Neo4j is unreachable"),
    "neo4j_how": (
        "在终端运行 `chainkg server start` 启动本地服务器（或检查 NEO4J_URI），然后点击“重试”。",
        "Start the local server with `chainkg server start` (or check NEO4J_URI), then press Retry.",
    ),
    "retry": ("重试", "Retry"),
    "empty_graph": ("图谱为空：还没有加载任何数据。", "The graph is empty: no data has been loaded yet."),
    "load_demo": ("加载演示数据", "Load the demo data"),
    "loading_demo": ("正在加载演示数据…", "Loading the demo data…"),
    "demo_loaded": ("演示数据已加载", "Demo data loaded"),
    "module_missing": ("该功能所需的模块尚未安装：", "A module this feature needs is not installed yet: "),
    "query_missing": ("查询库中没有该查询：", "The query library has no query named "),
    "no_rows": ("没有结果。", "No results."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "download_png": ("下载 PNG", "Download PNG"),
    "rows": ("行", "rows"),
    "show_ids": ("显示编号列", "Show id columns"),
    # overview
    "counts": ("数量", "Counts"),
    "nodes": ("节点", "Nodes"),
    "relationships": ("关系", "Relationships"),
    "organizations": ("机构", "Organisations"),
    "patents": ("专利", "Patents"),
    "achievements": ("成果", "Achievements"),
    "demands": ("需求", "Demands"),
    "licenses": ("许可", "Licences"),
    "transfers": ("转让", "Transfers"),
    "open_offers": ("开放许可", "Open-licence offers"),
    "measures": ("项目指标", "Programme measures"),
    "over_time": ("按年份", "Over time"),
    "by_region": ("按地区", "By region"),
    "matches_proposed": ("推荐对接", "Matches proposed"),
    "licences_to_smes": ("许可给中小企业", "Licences to SMEs"),
    "transfers_to_smes": ("转让给中小企业", "Transfers to SMEs"),
    "no_year": ("无日期的记录只计入地区合计（如成果）。", "Records without a date count in the regional totals only (e.g. achievements)."),
    "year": ("年份", "Year"),
    # chain map
    "chain": ("产业链", "Chain"),
    "region": ("地区（省份，或输入代码/市名）", "Region (province, or type a code / city)"),
    "tier": ("企业梯度", "Tier"),
    "any": ("全部", "Any"),
    "segment": ("环节", "Segment"),
    "upstream": ("上游", "Upstream"),
    "midstream": ("中游", "Midstream"),
    "downstream": ("下游", "Downstream"),
    "gaps": ("补链目标", "Gaps (补链 targets)"),
    "node": ("产业链节点", "Chain node"),
    "node_detail": ("节点详情", "Node detail"),
    "smes": ("中小企业", "SMEs"),
    "sme_count": ("中小企业数", "SME count"),
    "pick_node": ("选择节点（或在图中点击）", "Choose a node (or click it in the graph)"),
    "graph": ("图", "Graph"),
    "table": ("表", "Table"),
    # licensors / paths / demand
    "org": ("机构（名称或代码）", "Organisation (name or id)"),
    "ipc": ("IPC 分类号", "IPC code"),
    "search_by": ("查询依据", "Search by"),
    "licensors": ("候选许可方", "Candidate licensors"),
    "from_org": ("起点机构", "From organisation"),
    "to_org": ("终点机构", "To organisation"),
    "max_hops": ("最大跳数", "Max hops"),
    "paths": ("路径", "Paths"),
    "demand": ("需求", "Demand"),
    "type_demand": ("或直接输入需求描述", "Or type a demand"),
    "extract_match": ("抽取并匹配", "Extract and match"),
    "mentions": ("抽取到的实体", "Extracted mentions"),
    "min_trl": ("最低技术成熟度 TRL", "Minimum TRL"),
    "matches": ("匹配结果", "Matches"),
    "partners": ("产学研伙伴", "University partners"),
    "network": ("许可网络", "Licensing network"),
    "landscape": ("专利态势", "Patent landscape"),
    "run": ("运行", "Run"),
    "choose": ("请选择", "Choose"),
    # workbench
    "saved_queries": ("已保存查询", "Saved queries"),
    "adhoc": ("自定义 Cypher（只读）", "Ad hoc Cypher (read-only)"),
    "timeout_s": ("超时（秒）", "Timeout (s)"),
    "row_cap": ("最大行数", "Row cap"),
    "edge_from": ("边起点列", "Edge source column"),
    "edge_to": ("边终点列", "Edge target column"),
    # import
    "upload": ("上传数据文件（CSV / JSONL / XLSX / YAML）", "Upload data files (CSV / JSONL / XLSX / YAML)"),
    "validate": ("校验", "Validate"),
    "valid_rows": ("有效行", "Valid rows"),
    "rejects": ("被拒绝的行", "Rejected rows"),
    "load": ("加载到图谱", "Load into the graph"),
    "extract": ("运行抽取", "Run extraction"),
    "loaded": ("加载完成", "Loaded"),
    "extracted": ("抽取完成", "Extraction finished"),
}


def _merge_area_labels() -> None:
    """Add the labels of every ``app/ui/labels_*.py`` module (one per area of the app, each with a
    ``LABELS`` dict of key -> (Chinese, English)), so pages of different areas keep their strings apart.
    A key defined twice is an error: two areas would silently show each other's text."""
    for info in pkgutil.iter_modules(_ui_pkg.__path__):
        if not info.name.startswith("labels_"):
            continue
        module = importlib.import_module(f"app.ui.{info.name}")
        for key, pair in module.LABELS.items():
            if key in LABELS and LABELS[key] != pair:
                raise KeyError(f"label {key!r} of app/ui/{info.name}.py is already defined; pick another key")
            LABELS[key] = pair


_merge_area_labels()


def lang() -> str:
    """The session's language code: ``zh`` (default) or ``en``."""
    return st.session_state.get(LANG_KEY, "zh")


def t(key: str) -> str:
    """The label for ``key`` in the session's language (the key itself when unknown)."""
    zh, en = LABELS.get(key, (key, key))
    return en if lang() == "en" else zh


def both(key: str) -> str:
    """Chinese and English together, for page titles users search for in either language."""
    zh, en = LABELS.get(key, (key, key))
    return f"{zh} {en}" if lang() == "zh" else f"{en} {zh}"


def choice(widget, label: str, options: list, *, key: str, index: int | None = 0, **kwargs):
    """``widget(label, options, …)`` (st.selectbox or st.radio) whose option captions follow the
    language toggle while keeping the user's choice.

    Streamlit keeps a keyed select box's shown caption when only its ``format_func`` output
    changes, so after a switch to English a chosen "全部" would stay Chinese. The widget therefore
    gets a per-language key (the Chinese one is ``key`` itself, so tests and bookmarks keep it),
    starting from the value chosen under the other language.
    """
    k = key if lang() == "zh" else f"{key}@{lang()}"
    if k not in st.session_state:
        for other in (key, f"{key}@en"):
            if other != k and other in st.session_state:
                prev = st.session_state[other]
                if prev in options:
                    index = options.index(prev)
                elif prev is None and widget is not st.radio:
                    index = None
                break
    return widget(label, options, index=index, key=k, **kwargs)
