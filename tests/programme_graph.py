"""The sample graph plus the programme's records (issue 14), every key prefixed, for hand-checked answers.

``write_programme_graph(driver, prefix)`` writes tests/sample_graph.py's chain (A upstream → B midstream
→ C, D downstream), SMEs S1–S4, large firms L1, L2, university U1, patents P1–P11, licences, the
transfer, the open offer OF1 and demand DM1, then, through :mod:`graph.writer`:

* achievements: AC1 (U1; field <p>正极材料, TRL 6, MRL 5, third-party evaluation by SB1, licence or
  transfer, open to SMEs, publicly funded, 2023, BACKED_BY P10), AC2 (U1; TRL 3, MRL 2, cooperation,
  self-declared, 2022), AC3 (S1 — an SME's first achievement; field <p>储能, TRL 7, MRL 6, licence,
  open to SMEs, 2024, ABOUT D);
* a 揭榜挂帅 challenge DM2 (posted by L2, ABOUT B, awarded to S2);
* events: EV1 深度行 2024-03-01 in 苏州 (organised by G1; S1, S4 attend, U1 presents AC1 and DM1),
  EV2 对接会 2024-06-01 in 南京 (G1; S2 attends), EV3 深度行 2023-05-01 in 深圳 (nobody recorded) —
  all on the chain;
* deals: DL1 licence U1 → S1, 50 万元, 2024-04-01, from EV1, uses AC1, answers DM1, covers P10;
  DL2 transfer L2 → S4, 30 万元, 2024-07-01, from EV2; DL3 equity L1 → S2, 100 万元, terminated;
* tier awards: S1 专精特新 2021 → 小巨人 2023 (an upgrade in 2023); S2 专精特新 2022 (first award only);
  S4 小巨人 2022, 专精特新 2023, 单项冠军 2024 (an upgrade in 2024); S3 专精特新 2024 (first only);
* pledges: PL1 S1 → bank BK1 on P1, 200 万元, registered 2023-02-01, released 2024-02-01;
  PL2 S2 → BK1 on P3, 120.5 万元, registered 2024-05-01, active;
* licences: LIC1 gains 备案号 X2021-001 and fee 10.5 万元; LIC3 L1 → S3 on P6, open, 2024-03-15,
  X2024-003, 2 万元, UNDER OF1 (the offer's one take-up);
* service bodies: SB1 <p>评价中心 (南京; evaluation, testing; SERVES node A, SERVES_REGION 江苏) with
  技术经理人 TM1 (苏州; WORKS_FOR SB1, SERVES A); SB2 <p>中试基地 (深圳; pilot; SERVES the chain,
  SERVES_REGION 广东); government body G1 <p>苏州工信局.

P1 also gains publication (2020-07-01) and grant (2021-06-01) dates. The answers are worked out by
hand in tests/test_programme_queries.py.
"""

from __future__ import annotations

import datetime as dt

import neo4j

from graph.precompute import refresh_chain_counts
from graph.writer import write_nodes, write_relationships
from tests.sample_graph import SampleKeys, _org, write_sample_graph

D = dt.date


def _rels(driver, rel_type, pairs, start, end, database, merge_key=None):
    recs = [{"start": a, "end": b, "props": props or {}} for a, b, *rest in pairs for props in [rest[0] if rest else None]]
    write_relationships(driver, rel_type, recs, start_label=start, end_label=end, merge_key=merge_key, database=database)


def write_programme_graph(driver: neo4j.Driver, prefix: str, database: str = "neo4j") -> SampleKeys:
    """Write the sample graph and the programme records above, every key starting with ``prefix``."""
    k = write_sample_graph(driver, prefix, database=database, refresh=False)
    p = prefix
    kw = dict(database=database)

    # organisations: a bank, a government body, two service bodies
    orgs = [_org(p, "BK1", p + "苏州银行", "company", "large", "none", "320500"),
            _org(p, "G1", p + "苏州工信局", "government", None, "none", "320500")]
    write_nodes(driver, "Organization", orgs, **kw)
    sbs = [dict(_org(p, "SB1", p + "评价中心", "service", None, "none", "320100"), service_types=["evaluation", "testing"]),
           dict(_org(p, "SB2", p + "中试基地", "service", None, "none", "440300"), service_types=["pilot"])]
    write_nodes(driver, "Organization", sbs, extra_labels=("ServiceBody",), **kw)
    write_nodes(driver, "Person", [{"person_id": p + "TM1", "name": p + "张经理", "role": "tech_manager",
                                    "certificate": "TM-001", "region_code": "320500"}], **kw)
    # the reference regions (idempotent: the same names and level the region table loads)
    write_nodes(driver, "Region", [{"code": "320000", "name": "江苏省", "level": "province"},
                                   {"code": "440000", "name": "广东省", "level": "province"}], **kw)
    _rels(driver, "SERVES", [(p + "SB1", p + "A")], "Organization", "ChainNode", database)
    _rels(driver, "SERVES", [(p + "SB2", p + "ch")], "Organization", "Chain", database)
    _rels(driver, "SERVES_REGION", [(p + "SB1", "320000"), (p + "SB2", "440000")], "Organization", "Region", database)
    _rels(driver, "WORKS_FOR", [(p + "TM1", p + "SB1")], "Person", "Organization", database)
    _rels(driver, "SERVES", [(p + "TM1", p + "A")], "Person", "ChainNode", database)

    # achievements: the programme's fields on AC1, AC2; AC3 is S1's first achievement
    write_nodes(driver, "Achievement", [
        {"ach_id": p + "AC1", "field": p + "正极材料", "level": "国内领先", "eval_method": "third_party",
         "evaluator": p + "评价中心", "eval_date": D(2023, 6, 1), "eval_result": "通过", "trl": 6, "mrl": 5,
         "self_declared": False, "fiscal_funded": True, "funding_project": "重点研发计划",
         "transfer_modes": ["license", "transfer"], "open_to_sme": True, "region_code": "320100", "year": 2023},
        {"ach_id": p + "AC2", "field": p + "正极材料", "trl": 3, "mrl": 2, "self_declared": True, "fiscal_funded": False,
         "transfer_modes": ["cooperation"], "open_to_sme": False, "year": 2022},
        {"ach_id": p + "AC3", "title": f"{p}储能热管理系统", "description": "模组级热管理", "field": p + "储能",
         "trl": 7, "mrl": 6, "transfer_modes": ["license"], "open_to_sme": True, "year": 2024},
    ], **kw)
    _rels(driver, "OWNS", [(p + "S1", p + "AC3")], "Organization", "Achievement", database)
    _rels(driver, "ABOUT", [(p + "AC3", p + "D")], "Achievement", "ChainNode", database)
    _rels(driver, "BACKED_BY", [(p + "AC1", p + "P10")], "Achievement", "Patent", database)
    _rels(driver, "EVALUATED", [(p + "SB1", p + "AC1", {"date": D(2023, 6, 1), "method": "third_party", "result": "通过"})],
          "Organization", "Achievement", database)

    # a 揭榜挂帅 challenge, awarded
    write_nodes(driver, "Demand", [{"demand_id": p + "DM2", "title": f"揭榜：{p}kw 规模化", "description": "寻求量产方案",
                                    "kind": "challenge", "status": "awarded", "deadline": D(2024, 9, 1)}],
                extra_labels=("Challenge",), **kw)
    _rels(driver, "POSTED", [(p + "L2", p + "DM2")], "Organization", "Demand", database)
    _rels(driver, "ABOUT", [(p + "DM2", p + "B")], "Demand", "ChainNode", database)
    _rels(driver, "WON", [(p + "S2", p + "DM2")], "Organization", "Demand", database)

    # events
    write_nodes(driver, "Event", [
        {"event_id": p + "EV1", "name": p + "苏州深度行", "kind": "deep_dive", "date": D(2024, 3, 1), "region_code": "320500",
         "chain_id": p + "ch", "outcome_note": "签约意向 2 项"},
        {"event_id": p + "EV2", "name": p + "南京对接会", "kind": "matchmaking", "date": D(2024, 6, 1), "region_code": "320100",
         "chain_id": p + "ch"},
        {"event_id": p + "EV3", "name": p + "深圳深度行", "kind": "deep_dive", "date": D(2023, 5, 1), "region_code": "440300",
         "chain_id": p + "ch"},
    ], **kw)
    _rels(driver, "ON_CHAIN", [(p + e, p + "ch") for e in ("EV1", "EV2", "EV3")], "Event", "Chain", database)
    _rels(driver, "ORGANISED", [(p + "G1", p + "EV1"), (p + "G1", p + "EV2")], "Organization", "Event", database)
    _rels(driver, "ATTENDED", [(p + "S1", p + "EV1", {"role": "attendee"}), (p + "S4", p + "EV1", {"role": "attendee"}),
                               (p + "U1", p + "EV1", {"role": "presenter"}), (p + "S2", p + "EV2", {"role": "attendee"})],
          "Organization", "Event", database)
    _rels(driver, "PRESENTED", [(p + "EV1", p + "AC1")], "Event", "Achievement", database)
    _rels(driver, "PRESENTED", [(p + "EV1", p + "DM1")], "Event", "Demand", database)

    # deals
    write_nodes(driver, "Deal", [
        {"deal_id": p + "DL1", "kind": "license", "value": 50.0, "date": D(2024, 4, 1), "status": "signed"},
        {"deal_id": p + "DL2", "kind": "transfer", "value": 30.0, "date": D(2024, 7, 1), "status": "completed"},
        {"deal_id": p + "DL3", "kind": "equity", "value": 100.0, "date": D(2023, 9, 1), "status": "terminated"},
    ], **kw)
    _rels(driver, "PARTY_TO", [(p + "U1", p + "DL1", {"role": "provider"}), (p + "S1", p + "DL1", {"role": "recipient"}),
                               (p + "L2", p + "DL2", {"role": "provider"}), (p + "S4", p + "DL2", {"role": "recipient"}),
                               (p + "L1", p + "DL3", {"role": "provider"}), (p + "S2", p + "DL3", {"role": "recipient"})],
          "Organization", "Deal", database)
    _rels(driver, "FROM_EVENT", [(p + "DL1", p + "EV1"), (p + "DL2", p + "EV2")], "Deal", "Event", database)
    _rels(driver, "USES", [(p + "DL1", p + "AC1")], "Deal", "Achievement", database)
    _rels(driver, "ANSWERS", [(p + "DL1", p + "DM1")], "Deal", "Demand", database)
    _rels(driver, "COVERS", [(p + "DL1", p + "P10")], "Deal", "Patent", database)

    # tier history
    awards = [("S1", "专精特新", 2021), ("S1", "小巨人", 2023), ("S2", "专精特新", 2022), ("S4", "小巨人", 2022),
              ("S4", "专精特新", 2023), ("S4", "单项冠军", 2024), ("S3", "专精特新", 2024)]
    write_nodes(driver, "TierAward", [{"award_id": f"{p}TA{i}", "org_id": p + o, "tier": t, "year": y, "batch": f"第{i}批",
                                       "source": "test"} for i, (o, t, y) in enumerate(awards)], **kw)
    _rels(driver, "AWARDED", [(p + o, f"{p}TA{i}") for i, (o, _t, _y) in enumerate(awards)], "Organization", "TierAward", database)

    # pledges
    write_nodes(driver, "Pledge", [
        {"pledge_id": p + "PL1", "registration_no": "Y2023-001", "amount": 200.0, "registered": D(2023, 2, 1),
         "released": D(2024, 2, 1), "term_end": D(2024, 1, 31), "status": "released"},
        {"pledge_id": p + "PL2", "registration_no": "Y2024-002", "amount": 120.5, "registered": D(2024, 5, 1),
         "term_end": D(2025, 4, 30), "status": "active"},
    ], **kw)
    _rels(driver, "PLEDGOR", [(p + "S1", p + "PL1"), (p + "S2", p + "PL2")], "Organization", "Pledge", database)
    _rels(driver, "PLEDGEE", [(p + "PL1", p + "BK1"), (p + "PL2", p + "BK1")], "Pledge", "Organization", database)
    _rels(driver, "OF", [(p + "PL1", p + "P1"), (p + "PL2", p + "P3")], "Pledge", "Patent", database)

    # licences: 备案号 and fee on LIC1; LIC3 taken under the open offer OF1
    write_nodes(driver, "License", [
        {"license_id": p + "LIC1", "record_no": "X2021-001", "fee": 10.5},
        {"license_id": p + "LIC3", "date": D(2024, 3, 15), "type": "open", "record_no": "X2024-003", "fee": 2.0},
    ], **kw)
    _rels(driver, "LICENSOR", [(p + "L1", p + "LIC3")], "Organization", "License", database)
    _rels(driver, "LICENSEE", [(p + "LIC3", p + "S3")], "License", "Organization", database)
    _rels(driver, "OF", [(p + "LIC3", p + "P6")], "License", "Patent", database)
    _rels(driver, "UNDER", [(p + "LIC3", p + "OF1")], "License", "OpenLicenseOffer", database)
    _rels(driver, "LICENSED_TO", [(p + "L1", p + "S3", {"license_id": p + "LIC3", "date": D(2024, 3, 15), "type": "open",
                                                        "pub_no": p + "P6"})],
          "Organization", "Organization", database, merge_key="license_id")
    write_nodes(driver, "Patent", [{"pub_no": p + "P1", "published": D(2020, 7, 1), "granted": D(2021, 6, 1)}], **kw)
    refresh_chain_counts(driver, database)
    return k
