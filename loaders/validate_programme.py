"""Row validators of the programme's files (issue 14, docs/programme.md): events, participants, deals,
tier awards, pledges, clusters and members, service bodies, technology managers, and the programme
fields of achievements.

Each validator turns one mapped row into a ``Record`` (:mod:`loaders.rows`) like those of
:mod:`loaders.validate`, which lists these in ``VALIDATORS`` / ``RECORD_KEYS``: every value
normalised, bad values rejected naming the field, organisations resolved through the load's resolver,
references to events, achievements, demands, patents, chains and chain nodes declared as ``Ref`` so
the pipeline checks them against the load and the graph before anything is written.

Rows that only add relationships (event participants, cluster members) produce a record of the node
they hang off (``Event`` / ``Cluster`` with just its key, a required reference) marked ``merged`` so
many rows may name the same event; writing it changes nothing, and an unknown event rejects the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from loaders import normalise as N
from loaders.rows import (
    Link,
    Record,
    Ref,
    RowContext,
    RowRejected,
    _extras,
    _optional,
    _org,
    _orgs,
    _region,
    _required,
    _text,
    amount_wan,
    stable_id,
)

# ---------------------------------------------------------------------------------------------
# vocabularies (canonical value -> accepted spellings; the canonical value itself is always accepted)

EVENT_KINDS = {
    "deep_dive": ("深度行", "赋智深度行", "科技成果赋智中小企业深度行", "deep dive"),
    "matchmaking": ("对接会", "供需对接会", "产学研对接会", "对接活动", "对接"),
    "roadshow": ("路演", "成果路演", "项目路演", "路演活动"),
    "challenge": ("揭榜", "揭榜挂帅", "揭榜挂帅活动", "发榜会"),
}
PARTICIPANT_ROLES = {
    "presenter": ("路演方", "发布方", "展示方", "主讲", "路演"),
    "attendee": ("参会", "参会方", "参加", "参与方", "观众"),
    "organiser": ("主办", "主办方", "承办", "承办方", "组织方", "organizer"),
}
DEAL_KINDS = {
    "license": ("许可", "专利许可", "实施许可", "licence"),
    "transfer": ("转让", "专利转让", "技术转让", "assignment"),
    "equity": ("作价入股", "入股", "作价投资"),
    "joint_development": ("合作开发", "联合开发", "委托开发", "技术开发", "joint development"),
    "service": ("技术服务", "技术咨询", "服务合同", "服务"),
}
DEAL_STATUS = {
    "signed": ("签约", "已签约", "签订", "已签订"),
    "completed": ("完成", "已完成", "履约完成", "已履行", "已结项"),
    "terminated": ("终止", "已终止", "解除", "已解除", "中止"),
}
#: Tier awards rank 专精特新 < 小巨人 < 单项冠军 (an upgrade is an award above every earlier one).
TIER_RANK = {"专精特新": 1, "小巨人": 2, "单项冠军": 3}
PLEDGE_STATUS = {
    "active": ("有效", "质押中", "生效", "登记生效", "质押"),
    "released": ("解除", "已解除", "注销", "已注销", "质押解除", "质押注销"),
    "expired": ("到期", "已到期", "届满", "期满"),
}
CLUSTER_KINDS = {
    "cluster": ("集群", "产业集群", "特色产业集群", "中小企业特色产业集群"),
    "park": ("园区", "产业园", "产业园区", "开发区", "高新区", "科技园"),
}
SERVICE_TYPES = {
    "evaluation": ("成果评价", "评价", "科技成果评价", "评估"),
    "transfer": ("转移转化", "技术转移", "成果转化", "技术转移转化"),
    "pilot": ("中试", "中试基地", "中试平台", "中试熟化"),
    "poc": ("概念验证", "概念验证中心", "proof of concept"),
    "testing": ("检测认证", "检验检测", "检测", "认证"),
    "tech_manager_body": ("技术经理人", "技术经理人机构", "技术经纪"),
}
ACHIEVEMENT_LEVELS = {
    "国际领先": ("international leading",), "国际先进": ("international advanced",),
    "国内领先": ("domestic leading", "国内首创"), "国内先进": ("domestic advanced",), "其他": ("other", "一般"),
}
EVAL_METHODS = {
    "expert": ("专家评价", "专家评审", "专家鉴定", "同行评议"),
    "third_party": ("第三方评价", "第三方评估", "第三方", "机构评价"),
    "self": ("自我声明", "自评价", "自评", "self-declared", "self declared"),
}
TRANSFER_MODES = {
    "transfer": ("转让", "技术转让", "专利转让"),
    "license": ("许可", "专利许可", "实施许可", "开放许可", "licence"),
    "equity": ("作价入股", "入股", "作价投资"),
    "cooperation": ("合作开发", "联合开发", "合作", "产学研合作", "委托开发"),
    "other": ("技术服务", "技术咨询", "其他"),
}
_TRUE = ("是", "有", "true", "yes", "y", "1", "√", "✓")
_FALSE = ("否", "无", "false", "no", "n", "0", "×")
_YEAR = re.compile(r"^(\d{4})(?:年|年度)?$")


def _choices(table: dict[str, tuple[str, ...]], what: str) -> Callable[[Any], str]:
    lookup = {canon.lower(): canon for canon in table}
    for canon, words in table.items():
        lookup.update({N.nfkc(w).strip().lower(): canon for w in words})

    def normalise(raw: Any) -> str:
        key = re.sub(r"\s+", " ", N.nfkc(str(raw)).strip().lower())
        if key in lookup:
            return lookup[key]
        raise ValueError(f"unknown {what} {raw!r}; use one of {', '.join(table)}")

    normalise.__doc__ = f"Map a {what} (Chinese or English) to one of {list(table)}; ValueError otherwise."
    return normalise


normalise_event_kind = _choices(EVENT_KINDS, "event kind")
normalise_role = _choices(PARTICIPANT_ROLES, "participant role")
normalise_deal_kind = _choices(DEAL_KINDS, "deal kind")
normalise_deal_status = _choices(DEAL_STATUS, "deal status")
normalise_pledge_status = _choices(PLEDGE_STATUS, "pledge status")
normalise_cluster_kind = _choices(CLUSTER_KINDS, "cluster kind")
normalise_service_type = _choices(SERVICE_TYPES, "service type")
normalise_level = _choices(ACHIEVEMENT_LEVELS, "achievement level")
normalise_eval_method = _choices(EVAL_METHODS, "evaluation method")
normalise_transfer_mode = _choices(TRANSFER_MODES, "transfer mode")


def normalise_bool(raw: Any) -> bool:
    """是/否, true/false, yes/no, 1/0 → bool; ValueError otherwise."""
    if isinstance(raw, bool):
        return raw
    text = N.nfkc(str(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {raw!r} (use 是/否 or true/false)")


def normalise_year(raw: Any) -> int:
    """``2024`` / ``2024年`` / ``2024.0`` → 2024 (1949–2100); ValueError otherwise."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        value = int(raw)
    else:
        m = _YEAR.match(N.nfkc(str(raw)).strip().removesuffix(".0"))
        if not m:
            raise ValueError(f"not a year: {raw!r} (expected like 2024)")
        value = int(m.group(1))
    if not 1949 <= value <= 2100:
        raise ValueError(f"year {raw!r} out of range 1949-2100")
    return value


def normalise_award_tier(raw: Any) -> str:
    """A tier as award lists write it (``专精特新“小巨人”企业``, ``制造业单项冠军示范企业``) → 专精特新 / 小巨人 /
    单项冠军 / none, via the organisations' tier vocabulary with list suffixes (企业, 称号) stripped."""
    try:
        return N.normalise_tier(raw)
    except ValueError:
        text = re.sub(r"(示范)?(企业|称号)$", "", N.nfkc(str(raw)).strip())
        try:
            return N.normalise_tier(text)
        except ValueError:
            raise ValueError(f"unknown tier {raw!r}; use 专精特新, 小巨人 or 单项冠军") from None


def normalise_mrl(raw: Any) -> int:
    """Manufacturing readiness level 1–10 (制造成熟度); accepts ``MRL6``, ``6级``, ``6``."""
    text = re.sub(r"(?i)mrl|级|等级|\s", "", N.nfkc(str(raw)))
    try:
        value = int(float(text))
    except (ValueError, OverflowError):
        raise ValueError(f"not an MRL: {raw!r} (expected an integer 1-10)") from None
    if not 1 <= value <= 10:
        raise ValueError(f"MRL {raw!r} out of range 1-10")
    return value


def _list(row: dict[str, Any], name: str, fn: Callable[[Any], str]) -> list[str] | None:
    out: list[str] = []
    for raw in N.split_list(row.get(name)):
        try:
            value = fn(raw)
        except ValueError as e:
            raise RowRejected(name, str(e)) from None
        if value not in out:
            out.append(value)
    return out or None


def _pub_list(row: dict[str, Any], name: str, ctx: RowContext) -> list[str]:
    out: list[str] = []
    for raw in N.split_list(row.get(name)):
        try:
            pub = N.normalise_pub_no(raw)
        except ValueError as e:
            ctx.note(name, f"{e}; link dropped, row loaded")
            continue
        if pub not in out:
            out.append(pub)
    return out


def _region_code(row: dict[str, Any], name: str, ctx: RowContext) -> str | None:
    raw = _text(row, name)
    if raw is None:
        return None
    try:
        return N.normalise_region(raw)
    except ValueError as e:
        ctx.note(name, f"{e}; region dropped, row loaded")
        return None


def _node_refs(rec: Record, row: dict[str, Any], name: str, rel_type: str, start_label: str, start: str) -> None:
    """``rel_type`` links from (start) to each chain node listed in ``name`` (unknown nodes: link dropped)."""
    for node_id in N.split_list(row.get(name)):
        rec.links.append(Link(rel_type, start_label, start, "ChainNode", node_id))
        rec.refs.append(Ref("ChainNode", node_id, name, required=False))


def _chain_refs(rec: Record, row: dict[str, Any], name: str, rel_type: str, start_label: str, start: str) -> list[str]:
    chains = N.split_list(row.get(name))
    for chain_id in chains:
        rec.links.append(Link(rel_type, start_label, start, "Chain", chain_id))
        rec.refs.append(Ref("Chain", chain_id, name, required=False))
    return chains


def _located_in(rec: Record, label: str, key: str, region: str | None) -> None:
    # Also derived (graph/derive_programme.py) for regions loaded later; silent when the Region
    # reference is not loaded (it comes with an organisations file or `chainkg load-reference`).
    if region:
        rec.links.append(Link("LOCATED_IN", label, key, "Region", region))
        rec.refs.append(Ref("Region", region, "region", required=False, report=False))


# ---------------------------------------------------------------------------------------------
# achievements (programme fields on top of loaders.validate.validate_achievement)


def add_achievement_fields(rec: Record, row: dict[str, Any], ctx: RowContext) -> Record:
    """An achievements row's base record (loaders.validate) + the 成果库 fields: field, level, evaluation
    (evaluator, method, date, result), TRL / MRL, self-declaration, 财政资金 funding, transfer modes,
    open_to_sme, year.

    An evaluator already known as an organisation gets ``EVALUATED {date, method, result}``; an
    unknown evaluator stays a name (no organisation is invented for it). ``eval_method`` self implies
    ``self_declared``; ``year`` defaults to the evaluation year. ``region_code`` is the owner's
    (derived); the file's ``region`` column is used only for achievements without a located owner.
    """
    node = rec.node
    method = _optional(row, "eval_method", normalise_eval_method, ctx)
    eval_date = _optional(row, "eval_date", N.normalise_date, ctx)
    self_declared = _optional(row, "self_declared", normalise_bool, ctx)
    if self_declared is None and method is not None:
        self_declared = method == "self"
    year = _optional(row, "year", normalise_year, ctx) or (eval_date.year if eval_date else None)
    evaluator = _text(row, "evaluator")
    node.update({
        "level": _optional(row, "level", normalise_level, ctx),
        "evaluator": evaluator, "eval_method": method, "eval_date": eval_date,
        "eval_result": _text(row, "eval_result"),
        "mrl": _optional(row, "mrl", normalise_mrl, ctx),
        "self_declared": self_declared,
        "fiscal_funded": _optional(row, "fiscal_funded", normalise_bool, ctx),
        "funding_project": _text(row, "funding_project"),
        "transfer_modes": _list(row, "transfer_modes", normalise_transfer_mode),
        "open_to_sme": _optional(row, "open_to_sme", normalise_bool, ctx),
        "year": year,
        "region_code": _region_code(row, "region", ctx),
    })
    if evaluator and _known_org(evaluator, ctx):
        org_id = _org(evaluator, "evaluator", ctx)
        props = {k: v for k, v in (("date", eval_date), ("method", method), ("result", node["eval_result"]))
                 if v is not None}
        rec.links.append(Link("EVALUATED", "Organization", org_id, "Achievement", node["ach_id"], props))
    return rec


def _known_org(ref: str, ctx: RowContext) -> bool:
    """Whether ``ref`` names an organisation the load already knows (never creates one)."""
    try:
        norm = N.normalise_org_name(N.clean_org_name(ref))
    except ValueError:
        return False
    return norm in ctx.resolver.by_norm


# ---------------------------------------------------------------------------------------------
# events and participation


def validate_event(row: dict[str, Any], ctx: RowContext) -> Record:
    """events row → Event {event_id, name, kind, date, region_code, chain_id, outcome_note},
    ORGANISED from each organiser, ON_CHAIN to its chain, LOCATED_IN its region."""
    name = _required(row, "name")
    kind = _optional(row, "kind", normalise_event_kind, ctx)
    date = _optional(row, "date", N.normalise_date, ctx)
    if kind is None:
        raise RowRejected("kind", "required value 'kind' is empty")
    if date is None:
        raise RowRejected("date", "required value 'date' is empty")
    region = _region_code(row, "region", ctx)
    event_id = _text(row, "event_id") or stable_id("EV", name, date, region)
    chains = N.split_list(row.get("chain"))
    node = {"event_id": event_id, "name": name, "kind": kind, "date": date, "region_code": region,
            "chain_id": chains[0] if chains else None, "outcome_note": _text(row, "outcome_note"), **_extras(row)}
    rec = Record(ctx.line, "Event", node)
    rec.links += [Link("ORGANISED", "Organization", o, "Event", event_id) for o in _orgs(row, "organiser", ctx)]
    _chain_refs(rec, row, "chain", "ON_CHAIN", "Event", event_id)
    _located_in(rec, "Event", event_id, region)
    return rec


def validate_event_participant(row: dict[str, Any], ctx: RowContext) -> Record:
    """event_participants row → ATTENDED {role} from the participant, PRESENTED to the achievement
    and/or demand shown. The event must exist; an unknown achievement or demand rejects the row."""
    event_id = _required(row, "event_id")
    participant = _text(row, "participant")
    ach = _text(row, "achievement")
    demand = _text(row, "demand")
    if not (participant or ach or demand):
        raise RowRejected("participant", "a participation row needs a participant, an achievement or a demand")
    rec = Record(ctx.line, "Event", {"event_id": event_id}, merged=True)
    rec.refs.append(Ref("Event", event_id, "event_id"))
    if participant:
        role = _optional(row, "role", normalise_role, ctx) or ("presenter" if ach or demand else "attendee")
        org_id = _org(participant, "participant", ctx)
        rec.links.append(Link("ATTENDED", "Organization", org_id, "Event", event_id, {"role": role}))
    if ach:
        rec.links.append(Link("PRESENTED", "Event", event_id, "Achievement", ach))
        rec.refs.append(Ref("Achievement", ach, "achievement"))
    if demand:
        rec.links.append(Link("PRESENTED", "Event", event_id, "Demand", demand))
        rec.refs.append(Ref("Demand", demand, "demand"))
    return rec


# ---------------------------------------------------------------------------------------------
# deals


def validate_deal(row: dict[str, Any], ctx: RowContext) -> Record:
    """deals row → Deal {deal_id, kind, value (万元), date, status}, PARTY_TO {role} from provider(s)
    and recipient(s), FROM_EVENT / ANSWERS / USES / COVERS / RECORDED_AS to what it names.

    The event, demand and achievement named must exist (else the row is rejected: a deal's origin is
    what programme_measures counts); patents, licences and transfers not in the graph drop the link.
    """
    kind = _optional(row, "kind", normalise_deal_kind, ctx)
    if kind is None:
        raise RowRejected("kind", "required value 'kind' is empty")
    providers = _orgs(row, "provider", ctx)
    recipients = _orgs(row, "recipient", ctx)
    if not providers:
        raise RowRejected("provider", "required value 'provider' is empty")
    if not recipients:
        raise RowRejected("recipient", "required value 'recipient' is empty")
    date = _optional(row, "date", N.normalise_date, ctx)
    event_id, demand_id, ach_id = _text(row, "event_id"), _text(row, "demand_id"), _text(row, "ach_id")
    deal_id = _text(row, "deal_id") or stable_id("DEAL", kind, ";".join(providers), ";".join(recipients), date,
                                                  event_id, demand_id, ach_id)
    node = {"deal_id": deal_id, "kind": kind, "value": amount_wan(row, "value", ctx), "date": date,
            "status": _optional(row, "status", normalise_deal_status, ctx) or "signed", **_extras(row)}
    rec = Record(ctx.line, "Deal", node)
    rec.links += [Link("PARTY_TO", "Organization", o, "Deal", deal_id, {"role": "provider"}) for o in providers]
    rec.links += [Link("PARTY_TO", "Organization", o, "Deal", deal_id, {"role": "recipient"})
                  for o in recipients if o not in providers]
    for value, field, rel, label in ((event_id, "event_id", "FROM_EVENT", "Event"),
                                     (demand_id, "demand_id", "ANSWERS", "Demand"),
                                     (ach_id, "ach_id", "USES", "Achievement")):
        if value:
            rec.links.append(Link(rel, "Deal", deal_id, label, value))
            rec.refs.append(Ref(label, value, field))
    for pub in _pub_list(row, "patents", ctx):
        rec.links.append(Link("COVERS", "Deal", deal_id, "Patent", pub))
        rec.refs.append(Ref("Patent", pub, "patents", required=False))
    for value, field, label in ((_text(row, "license_id"), "license_id", "License"),
                                (_text(row, "transfer_id"), "transfer_id", "Transfer")):
        if value:
            rec.links.append(Link("RECORDED_AS", "Deal", deal_id, label, value))
            rec.refs.append(Ref(label, value, field, required=False))
    return rec


# ---------------------------------------------------------------------------------------------
# tier awards


def validate_tier(row: dict[str, Any], ctx: RowContext) -> Record:
    """tiers row → TierAward {award_id, org_id, tier, year, batch, source}, (org)-[:AWARDED]->(award).

    One award per organisation, tier and year (a repeated row lands on the same award)."""
    org_id = _org(_required(row, "org"), "org", ctx)
    tier = _optional(row, "tier", normalise_award_tier, ctx)
    if tier is None or tier == "none":
        raise RowRejected("tier", f"a tier award needs one of {', '.join(TIER_RANK)}, not {row.get('tier')!r}")
    year = _optional(row, "year", normalise_year, ctx)
    if year is None:
        raise RowRejected("year", "required value 'year' is empty")
    award_id = _text(row, "award_id") or stable_id("TA", org_id, tier, year)
    node = {"award_id": award_id, "org_id": org_id, "tier": tier, "year": year, "batch": _text(row, "batch"),
            "source": _text(row, "source") or ctx.file, **_extras(row)}
    rec = Record(ctx.line, "TierAward", node)
    rec.links.append(Link("AWARDED", "Organization", org_id, "TierAward", award_id))
    return rec


# ---------------------------------------------------------------------------------------------
# pledges


def _patent_ref(raw: str) -> tuple[str | None, str | None]:
    """(pub_no, app_no) of a 专利号 cell: a publication number has a kind letter (CN114142123A);
    ZL…/CN… application numbers and bare 8/12-digit bodies (with or without check digit) are
    application numbers; anything else is tried as a publication number."""
    text = re.sub(r"\s", "", N.nfkc(raw)).upper()
    if re.search(r"\d[A-Z]\d?$", text):
        return N.normalise_pub_no(text), None
    try:
        return None, N.normalise_app_no(text)
    except ValueError:
        return N.normalise_pub_no(text), None


#: Application numbers seen per pledge id, per load (a load is one resolver): a registration's rows
#: may each name one patent by 专利号.
_PLEDGE_APPS: WeakKeyDictionary[Any, dict[str, list[str]]] = WeakKeyDictionary()


def validate_pledge(row: dict[str, Any], ctx: RowContext) -> Record:
    """pledges row (CNIPA 专利权质押登记 notice columns) → Pledge {pledge_id, registration_no, amount
    (万元), registered, released, term_end, status}, PLEDGOR / PLEDGEE, OF the patent(s).

    A notice lists one row per patent of a registration: rows with the same 登记号 land on one
    pledge (its OF edges accumulate). Patents given by application number (专利号 ZL…) are linked
    by ``app_no`` in the derivation (graph/derive_programme.py), since the Patent key is pub_no.
    The status defaults to released when a release date is given, expired when the term ended
    before today, else active.
    """
    pubs: list[str] = []
    apps: list[str] = []
    for raw in N.split_list(row.get("patent")):
        try:
            pub, app = _patent_ref(raw)
        except ValueError as e:
            raise RowRejected("patent", f"{e} (give a publication number like CN114142123A or a 专利号 like "
                                        "ZL202110123456.7)") from None
        if pub and pub not in pubs:
            pubs.append(pub)
        if app and app not in apps:
            apps.append(app)
    if not pubs and not apps:
        raise RowRejected("patent", "required value 'patent' is empty")
    pledgor = _org(_required(row, "pledgor"), "pledgor", ctx)
    pledgee = _org(_required(row, "pledgee"), "pledgee", ctx)
    registered = _optional(row, "registered", N.normalise_date, ctx)
    released = _optional(row, "released", N.normalise_date, ctx)
    term_end = _optional(row, "term_end", N.normalise_date, ctx)
    if registered and released and released < registered:
        raise RowRejected("released", f"release date {released} is before the registration date {registered}")
    status = _optional(row, "status", normalise_pledge_status, ctx)
    if status is None:
        status = "released" if released else ("expired" if term_end and term_end < dt.date.today() else "active")
    reg_no = _text(row, "registration_no")
    pledge_id = _text(row, "pledge_id") or reg_no or stable_id("PLG", pledgor, pledgee, registered, *pubs, *apps)
    if apps:  # the node written last (SET n += props) carries every application number of the registration
        seen = _PLEDGE_APPS.setdefault(ctx.resolver, {}).setdefault(pledge_id, [])
        seen += [a for a in apps if a not in seen]
        apps = list(seen)
    node = {"pledge_id": pledge_id, "registration_no": reg_no, "amount": amount_wan(row, "amount", ctx),
            "registered": registered, "released": released, "term_end": term_end, "status": status,
            "app_nos": apps or None, **_extras(row)}
    rec = Record(ctx.line, "Pledge", node, merged=True)  # several rows per registration (see above)
    rec.links += [Link("PLEDGOR", "Organization", pledgor, "Pledge", pledge_id),
                  Link("PLEDGEE", "Pledge", pledge_id, "Organization", pledgee)]
    for pub in pubs:
        rec.links.append(Link("OF", "Pledge", pledge_id, "Patent", pub))
        rec.refs.append(Ref("Patent", pub, "patent", required=False))
    return rec


# ---------------------------------------------------------------------------------------------
# clusters and parks


def validate_cluster(row: dict[str, Any], ctx: RowContext) -> Record:
    """clusters row → Cluster {cluster_id, name, kind, level, year, region_code}, ON_CHAIN to each of
    ``chains``, LOCATED_IN its region. Without a cluster_id the name is the id (members may use it)."""
    name = _required(row, "name")
    cluster_id = _text(row, "cluster_id") or name
    region = _region_code(row, "region", ctx)
    node = {"cluster_id": cluster_id, "name": name,
            "kind": _optional(row, "kind", normalise_cluster_kind, ctx) or "cluster",
            "level": _text(row, "level"), "year": _optional(row, "year", normalise_year, ctx),
            "region_code": region, **_extras(row)}
    rec = Record(ctx.line, "Cluster", node)
    _chain_refs(rec, row, "chains", "ON_CHAIN", "Cluster", cluster_id)
    _located_in(rec, "Cluster", cluster_id, region)
    return rec


def validate_cluster_member(row: dict[str, Any], ctx: RowContext) -> Record:
    """cluster_members row → (member)-[:MEMBER_OF]->(cluster); the cluster must exist."""
    cluster_id = _required(row, "cluster")
    member = _org(_required(row, "member"), "member", ctx)
    rec = Record(ctx.line, "Cluster", {"cluster_id": cluster_id}, merged=True)
    rec.refs.append(Ref("Cluster", cluster_id, "cluster"))
    rec.links.append(Link("MEMBER_OF", "Organization", member, "Cluster", cluster_id))
    return rec


# ---------------------------------------------------------------------------------------------
# service bodies and technology managers


def add_service_body(rec: Record, row: dict[str, Any], ctx: RowContext) -> Record:
    """A service_bodies row's organisation record (declared as kind service by loaders.validate) + the
    ServiceBody label, ``service_types``, SERVES to chains and chain nodes, SERVES_REGION to each served
    region (its own by default)."""
    org_id = rec.node["org_id"]
    rec.extra_labels = ("ServiceBody",)
    rec.node["service_types"] = _list(row, "service_types", normalise_service_type)
    _chain_refs(rec, row, "chains", "SERVES", "Organization", org_id)
    _node_refs(rec, row, "chain_nodes", "SERVES", "Organization", org_id)
    served: list[str] = []
    for raw in N.split_list(row.get("regions")):
        try:
            code = N.normalise_region(raw)
        except ValueError as e:
            ctx.note("regions", f"{e}; region dropped, row loaded")
            continue
        if code not in served:
            served.append(code)
    if not served and rec.node.get("region_code"):
        served = [rec.node["region_code"]]
    for code in served:
        rec.links.append(Link("SERVES_REGION", "Organization", org_id, "Region", code))
        rec.refs.append(Ref("Region", code, "regions", required=False, report=False))
    return rec


def validate_tech_manager(row: dict[str, Any], ctx: RowContext) -> Record:
    """tech_managers row → Person {person_id, name, role 'tech_manager', certificate, region_code},
    WORKS_FOR its organisation, SERVES the chain nodes listed."""
    name = _required(row, "name")
    certificate = _text(row, "certificate")
    body = _text(row, "organisation")
    org_id = _org(body, "organisation", ctx) if body else None
    person_id = _text(row, "person_id") or stable_id("TM", name, certificate or org_id)
    node = {"person_id": person_id, "name": name, "role": "tech_manager", "certificate": certificate,
            "region_code": _region(row, ctx), **_extras(row)}
    rec = Record(ctx.line, "Person", node)
    if org_id:
        rec.links.append(Link("WORKS_FOR", "Person", person_id, "Organization", org_id))
    _node_refs(rec, row, "chain_nodes", "SERVES", "Person", person_id)
    return rec


#: The programme's own file kinds -> validator / key of their main node, in load order (loaders.validate
#: puts them after the base kinds; achievements and service bodies are composed there).
PROGRAMME_VALIDATORS: dict[str, Callable[[dict[str, Any], RowContext], Record]] = {
    "events": validate_event,
    "event_participants": validate_event_participant,
    "deals": validate_deal,
    "tiers": validate_tier,
    "pledges": validate_pledge,
    "clusters": validate_cluster,
    "cluster_members": validate_cluster_member,
    "tech_managers": validate_tech_manager,
}
PROGRAMME_KEYS = {"events": "event_id", "event_participants": "event_id", "deals": "deal_id", "tiers": "award_id",
                  "pledges": "pledge_id", "clusters": "cluster_id", "cluster_members": "cluster_id",
                  "tech_managers": "person_id"}
