"""A small, hand-checkable graph (every key prefixed) for tests, docs and notebooks.

``write_sample_graph(driver, prefix)`` writes, through :mod:`graph.writer`, one chain of four nodes
(A upstream → B midstream → C, D downstream), four SMEs, two large firms, one university, eleven
patents, licences, a transfer, an open-licence offer, a demand and two achievements (the demand and
the achievements are ABOUT node B). The expected answers of the saved queries on it are worked out
by hand in ``tests/test_queries_saved.py``.
Keys (org_id, pub_no, node_id, …, IPC codes) all start with ``prefix`` so a test can delete them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import neo4j

from graph.precompute import refresh_chain_counts
from graph.writer import write_nodes, write_relationships


@dataclass(frozen=True)
class SampleKeys:
    """The keys of the sample graph's named things."""

    prefix: str

    def __getattr__(self, name: str) -> str:  # e.g. keys.S1 -> "<prefix>S1"
        if name.startswith("_"):
            raise AttributeError(name)
        return self.prefix + name


def _org(p: str, key: str, name: str, kind: str, size: str | None, tier: str, region: str) -> dict[str, Any]:
    is_sme = kind == "company" and size in ("medium", "small", "micro")
    return {
        "org_id": p + key, "name": name, "name_norm": name.lower(), "aliases": [name + "简称"],
        "aliases_text": name + "简称", "kind": kind, "size": size, "is_sme": is_sme, "tier": tier,
        "region_code": region, "province_code": region[:2] + "0000", "city_code": region[:4] + "00",
    }


def write_sample_graph(driver: neo4j.Driver, prefix: str, database: str = "neo4j", *, refresh: bool = True) -> SampleKeys:
    """Write the sample graph with every key starting with ``prefix``; returns the key helper.

    ``refresh`` (default) then refreshes the stored counts (graph/precompute.py) as a load would, so
    the queries take their precomputed path; ``refresh=False`` leaves them to count live.
    """
    p = prefix
    k = SampleKeys(p)
    kw = dict(database=database)
    write_nodes(driver, "Chain", [{"chain_id": p + "ch", "name": p + "测试链"}], **kw)
    nodes = [
        ("A", "锂资源", "upstream", ["锂矿"]),
        ("B", "正极材料", "midstream", [p + "kw"]),
        ("C", "整车", "downstream", ["整车"]),
        ("D", "储能", "downstream", ["储能电站"]),
    ]
    write_nodes(
        driver, "ChainNode",
        [{"node_id": p + n, "chain_id": p + "ch", "name": p + name, "segment": seg, "keywords": kws} for n, name, seg, kws in nodes],
        **kw,
    )
    write_relationships(driver, "HAS_NODE", [{"start": p + "ch", "end": p + n[0]} for n in nodes],
                        start_label="Chain", end_label="ChainNode", **kw)
    write_relationships(driver, "UPSTREAM_OF", [{"start": p + a, "end": p + b} for a, b in (("A", "B"), ("B", "C"), ("B", "D"))],
                        start_label="ChainNode", end_label="ChainNode", **kw)
    orgs = [
        _org(p, "S1", p + "苏州甲科技", "company", "small", "小巨人", "320505"),
        _org(p, "S2", p + "南京乙材料", "company", "medium", "专精特新", "320102"),
        _org(p, "S3", p + "深圳丙矿业", "company", "small", "none", "440300"),
        _org(p, "S4", p + "苏州丁汽车", "company", "micro", "单项冠军", "320500"),
        _org(p, "L1", p + "上海大集团", "company", "large", "none", "310000"),
        _org(p, "L2", p + "苏州大电池", "company", "large", "none", "320500"),
        _org(p, "U1", p + "南京理工大学", "university", None, "none", "320100"),
    ]
    write_nodes(driver, "Organization", orgs, **kw)
    placements = [("S1", "B"), ("S2", "B"), ("S3", "A"), ("S4", "C")]
    write_relationships(
        driver, "IN_NODE",
        [{"start": p + o, "end": p + n, "props": {"method": "declared", "confidence": 1.0, "methods": ["declared"]}} for o, n in placements],
        start_label="Organization", end_label="ChainNode", **kw,
    )
    # patent -> (node, holder, applicant, status)
    patents = {
        "P1": ("B", "S1", "S1", "granted"), "P2": ("B", "S1", "S1", "granted"), "P3": ("B", "S2", "S2", "granted"),
        "P4": ("A", "S3", "S3", "granted"), "P5": ("B", "L1", "L1", "granted"), "P6": ("B", "L1", "L1", "granted"),
        "P7": ("B", "L1", "L1", "granted"), "P8": ("C", "L1", "L1", "granted"), "P9": ("B", "L2", "L2", "granted"),
        "P10": ("B", None, "U1", "pending"), "P11": ("B", "S1", "U1", "granted"),
    }
    filed = dt.date(2020, 1, 1)
    ipc_of = {"A": "C01D15/02", "B": "H01M4/505", "C": "B60L50/60", "D": "H02J3/32"}
    write_nodes(driver, "IPC", [{"code": p + c, "level": "subgroup"} for c in ipc_of.values()], **kw)
    write_nodes(
        driver, "Patent",
        [{"pub_no": p + pn, "title": f"{p}{pn} 一种{p}kw材料" if n == "B" else f"{p}{pn} 专利", "status": st, "kind": "invention",
          "filed": filed, "ipc": [p + ipc_of[n]], "ipc_main": p + ipc_of[n]} for pn, (n, _h, _a, st) in patents.items()],
        **kw,
    )
    rel = dict(start_label="Patent", end_label="ChainNode", **kw)
    write_relationships(driver, "MAPS_TO", [{"start": p + pn, "end": p + v[0], "props": {"method": "ipc_prefix", "confidence": 0.9}}
                                            for pn, v in patents.items()], **rel)
    write_relationships(driver, "CLASSIFIED_AS", [{"start": p + pn, "end": p + ipc_of[v[0]]} for pn, v in patents.items()],
                        start_label="Patent", end_label="IPC", **kw)
    write_relationships(driver, "HOLDS", [{"start": p + v[1], "end": p + pn} for pn, v in patents.items() if v[1]],
                        start_label="Organization", end_label="Patent", **kw)
    write_relationships(driver, "APPLICANT_OF", [{"start": p + v[2], "end": p + pn} for pn, v in patents.items()],
                        start_label="Organization", end_label="Patent", **kw)
    licences = [("LIC1", "L1", "S2", "P5", dt.date(2021, 1, 1), "ordinary"), ("LIC2", "L2", "S3", "P9", dt.date(2022, 6, 1), "exclusive")]
    write_nodes(driver, "License", [{"license_id": p + lid, "date": d, "type": t} for lid, _a, _b, _pn, d, t in licences], **kw)
    org_ev = dict(start_label="Organization", end_label="License", **kw)
    write_relationships(driver, "LICENSOR", [{"start": p + a, "end": p + lid} for lid, a, *_ in licences], **org_ev)
    write_relationships(driver, "LICENSEE", [{"start": p + lid, "end": p + b} for lid, _a, b, *_ in licences],
                        start_label="License", end_label="Organization", **kw)
    write_relationships(driver, "OF", [{"start": p + lid, "end": p + pn} for lid, _a, _b, pn, *_ in licences],
                        start_label="License", end_label="Patent", **kw)
    write_relationships(
        driver, "LICENSED_TO",
        [{"start": p + a, "end": p + b, "props": {"license_id": p + lid, "date": d, "type": t, "pub_no": p + pn}}
         for lid, a, b, pn, d, t in licences],
        start_label="Organization", end_label="Organization", merge_key="license_id", **kw,
    )
    write_nodes(driver, "Transfer", [{"transfer_id": p + "TR1", "date": dt.date(2023, 3, 1), "mode": "assignment"}], **kw)
    write_relationships(driver, "ASSIGNOR", [{"start": p + "U1", "end": p + "TR1"}], start_label="Organization", end_label="Transfer", **kw)
    write_relationships(driver, "ASSIGNEE", [{"start": p + "TR1", "end": p + "S1"}], start_label="Transfer", end_label="Organization", **kw)
    write_relationships(driver, "OF", [{"start": p + "TR1", "end": p + "P11"}], start_label="Transfer", end_label="Patent", **kw)
    write_relationships(
        driver, "ASSIGNED_TO",
        [{"start": p + "U1", "end": p + "S1", "props": {"transfer_id": p + "TR1", "date": dt.date(2023, 3, 1), "mode": "assignment", "pub_no": p + "P11"}}],
        start_label="Organization", end_label="Organization", merge_key="transfer_id", **kw,
    )
    write_relationships(driver, "SUBSIDIARY_OF", [{"start": p + "L2", "end": p + "L1", "props": {"confidence": 0.9, "method": "rule", "source": "doc1", "evidence": "L2 是 L1 的子公司"}}],
                        start_label="Organization", end_label="Organization", **kw)
    write_nodes(driver, "OpenLicenseOffer", [{"offer_id": p + "OF1", "fee_terms": "1% 销售额", "declared": dt.date(2024, 1, 1)}], **kw)
    write_relationships(driver, "OFFERED", [{"start": p + "P6", "end": p + "OF1"}], start_label="Patent", end_label="OpenLicenseOffer", **kw)
    write_nodes(driver, "Demand", [{"demand_id": p + "DM1", "title": f"寻求{p}kw技术", "description": "需要新工艺", "kind": "demand",
                                     "deadline": dt.date(2024, 5, 1)}], **kw)
    write_relationships(driver, "POSTED", [{"start": p + "S4", "end": p + "DM1"}], start_label="Organization", end_label="Demand", **kw)
    write_relationships(driver, "ABOUT", [{"start": p + "DM1", "end": p + "B", "props": {"method": "keyword", "confidence": 0.8}}],
                        start_label="Demand", end_label="ChainNode", **kw)
    write_nodes(driver, "Achievement", [
        {"ach_id": p + "AC1", "title": f"{p}kw包覆技术", "description": "成熟工艺", "trl": 6},
        {"ach_id": p + "AC2", "title": "实验室正极新体系", "description": "早期", "trl": 3},
    ], **kw)
    write_relationships(driver, "OWNS", [{"start": p + "U1", "end": p + a} for a in ("AC1", "AC2")],
                        start_label="Organization", end_label="Achievement", **kw)
    write_relationships(driver, "ABOUT", [{"start": p + a, "end": p + "B"} for a in ("AC1", "AC2")],
                        start_label="Achievement", end_label="ChainNode", **kw)
    if refresh:
        refresh_chain_counts(driver, database)
    return k
