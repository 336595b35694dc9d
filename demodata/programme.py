"""The programme's demo files (issue 14): service bodies, technology managers, events and their
participants, deals, tier awards, pledges, clusters and members — fictional, seeded, in proportion.

Driven by :class:`demodata.generator.DemoWriter` after the organisations, patents, achievements and
demands exist. It draws from its own random stream (``random.Random(f"{seed}-programme")``) so the
files the generator wrote before issue 14 keep their exact content for a given seed.

Proportions (``scale`` = √(patents / 3000), the scale of the organisation counts):

- service bodies: 4 per chain × scale (+ 2 cross-chain evaluation bodies); 1–3 tech managers each
  for transfer / tech-manager bodies;
- events per year 2023–2025: 12 深度行, 8 对接会, 6 路演, 3 揭榜 × scale (深度行 ≥ 10 a year, the
  programme's target); 4–10 participants each;
- deals: ~55 % of events yield 1–3 deals (presenter → attending SME), plus one deal for ~35 % of
  demands with responders (a match that became a contract), plus ~40 % of the 2023–2025 transfers
  of the patent stream (RECORDED_AS them); licence deals with an SME are also written to
  licenses.csv and RECORDED_AS that licence;
- tier awards: every company with a tier has its award history (专精特新 before 小巨人 for most);
  ~8 % of untiered SMEs receive a 2025 专精特新 award (the tier the graph derives for them);
- pledges: ~35 % of SMEs holding a granted patent pledge 1–3 of them to a bank, one registration
  each (CNIPA notice columns, one row per patent);
- clusters and parks: 3 clusters + 1 park per chain × scale, members are the chain's companies in
  the cluster's region.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demodata.generator import DemoWriter, Org

YEARS = (2023, 2024, 2025)
EVENT_MIX = {"deep_dive": 12, "matchmaking": 8, "roadshow": 6, "challenge": 3}  # per year at 3,000 patents
EVENT_WORDS = {"deep_dive": "科技成果赋智中小企业深度行", "matchmaking": "产学研供需对接会", "roadshow": "科技成果路演",
               "challenge": "揭榜挂帅发榜会"}
EVENT_KIND_ZH = {"deep_dive": "深度行", "matchmaking": "对接会", "roadshow": "路演", "challenge": "揭榜"}
DEAL_KINDS = {"license": ("许可", 35, (20, 300)), "transfer": ("转让", 15, (50, 800)), "equity": ("作价入股", 10, (200, 2000)),
              "joint_development": ("合作开发", 25, (30, 500)), "service": ("技术服务", 15, (5, 100))}
SERVICE_KINDS = (  # (name suffix, service types)
    ("技术转移中心", ("transfer", "tech_manager_body")), ("科技成果评价中心", ("evaluation",)),
    ("中试基地", ("pilot", "testing")), ("概念验证中心", ("poc", "transfer")), ("检测认证有限公司", ("testing",)),
)
SERVICE_TYPE_ZH = {"evaluation": "成果评价", "transfer": "转移转化", "pilot": "中试", "poc": "概念验证",
                   "testing": "检测认证", "tech_manager_body": "技术经理人"}
BANKS = ("示例商业银行股份有限公司", "演示农村商业银行股份有限公司", "示例科技银行股份有限公司", "演示城市商业银行股份有限公司",
         "示例兴业银行股份有限公司", "演示华通银行股份有限公司", "示例汇丰源银行股份有限公司", "演示江海银行股份有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("明", "华", "静", "磊", "婷", "强", "洁", "涛", "敏", "军", "芳", "勇", "晨", "宇", "欣", "博")
LEVELS = ("国际领先", "国际先进", "国内领先", "国内先进", "其他")
EVAL_RESULTS = ("整体技术达到{level}水平，建议加快推广应用。", "成果创新性突出，关键指标达到{level}水平。",
                "技术路线可行，工程化程度较高，达到{level}水平。")
FUNDING = ("示例省重点研发计划项目", "演示市科技创新专项", "国家自然科学基金（示例）项目", "示例产业基础再造工程项目")
LAST_DAY = dt.date(2025, 12, 31)

EVENT_COLUMNS = ("活动编号", "活动名称", "活动类型", "活动日期", "举办地", "产业链", "主办单位", "活动成效")
PARTICIPANT_COLUMNS = ("event_id", "participant", "role", "achievement", "demand")
DEAL_COLUMNS = ("deal_id", "kind", "provider", "recipient", "成交金额(万元)", "date", "status", "event_id", "demand_id",
                "ach_id", "patents", "license_id", "transfer_id")
TIER_COLUMNS = ("企业名称", "称号", "年份", "批次", "来源")
PLEDGE_COLUMNS = ("登记号", "专利号", "出质人", "质权人", "登记生效日", "质押期限届满日", "解除日", "质押金额(万元)", "状态")
CLUSTER_COLUMNS = ("cluster_id", "name", "kind", "level", "year", "region", "chains")
MEMBER_COLUMNS = ("cluster", "member")
SERVICE_COLUMNS = ("机构名称", "统一社会信用代码", "所在地区", "服务类型", "服务产业链", "服务环节", "服务地区", "简介")
MANAGER_COLUMNS = ("person_id", "姓名", "所在机构", "证书编号", "所在地区", "服务环节")

PROGRAMME_FILES = ("service_bodies.csv", "tech_managers.csv", "events.csv", "event_participants.csv", "deals.csv",
                   "tiers.csv", "pledges.csv", "clusters.csv", "cluster_members.csv")


@dataclass
class ServiceBody:
    """A generated service body (written to service_bodies.csv)."""

    name: str
    region: str
    chain_id: str | None
    types: tuple[str, ...]
    nodes: list[str]
    credit_code: str = ""


@dataclass
class ProgrammeState:
    """What the achievements and demands writers record for the programme files."""

    achievements: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))  # chain -> (ach_id, owner)
    demands: dict[str, list[tuple[str, int, list[int]]]] = field(default_factory=lambda: defaultdict(list))  # chain -> (id, poster, responders)


class ProgrammeWriter:
    """Generates the programme files for one :class:`~demodata.generator.DemoWriter`."""

    def __init__(self, demo: DemoWriter) -> None:
        self.demo = demo
        self.rng = random.Random(f"{demo.seed}-programme")
        self.scale = max(1.0, demo.n_patents / 3000) ** 0.5
        self.state = ProgrammeState()
        self.chain_ids = sorted({n.chain_id for n in demo.nodes})
        self.bodies = self._service_bodies()
        self.counts: dict[str, int] = defaultdict(int)
        self.licence_no = 0

    # ---- service bodies (before achievements: they name evaluators) ----
    def _service_bodies(self) -> list[ServiceBody]:
        from demodata.generator import CHAIN_REGIONS, REGIONS, make_credit_code

        rng = self.rng
        out: list[ServiceBody] = []
        seen: set[str] = set()
        per_chain = max(4, round(4 * self.scale))
        brands = [a + b for a in "瀚澄弈淳璞蕴琛翰" for b in "远信合衡达创诚华"]
        rng.shuffle(brands)
        for chain_id in [*(c for c in self.chain_ids for _ in range(per_chain)), None, None]:
            suffix, types = SERVICE_KINDS[len(out) % len(SERVICE_KINDS)] if chain_id else SERVICE_KINDS[1]
            region = rng.choice(CHAIN_REGIONS.get(chain_id or "", tuple(REGIONS)))
            brand = brands[len(out) % len(brands)] + ("" if len(out) < len(brands) else str(len(out) // len(brands)))
            name = f"{REGIONS[region].removesuffix('市')}{brand}示例{suffix}"
            if name in seen:
                continue
            seen.add(name)
            nodes = [n.node_id for n in self.demo.nodes if n.chain_id == chain_id]
            body = ServiceBody(name, region, chain_id, types, rng.sample(nodes, k=min(3, len(nodes))) if nodes else [])
            if rng.random() < 0.7:
                body.credit_code = make_credit_code(rng, "institute" if "中心" in suffix or "基地" in suffix else "company",
                                                    region)
            out.append(body)
        return out

    def ref(self, idx: int) -> str:
        """An organisation reference as registers mix them (credit code, name, rarely the alias), drawn
        from this writer's stream like :meth:`DemoWriter.ref` draws from the main one."""
        o = self.demo.orgs[idx]
        r = self.rng.random()
        if o.credit_code and r < 0.45:
            return o.credit_code
        if r > 0.94 and o.alias:
            return o.alias
        return o.name

    def evaluators(self) -> list[str]:
        """Names of the bodies that evaluate achievements (成果评价)."""
        return [b.name for b in self.bodies if "evaluation" in b.types or "transfer" in b.types]

    def achievement_fields(self, stated: str | None, trl: int) -> dict[str, Any]:
        """The 成果库 fields of one achievement: ``stated`` is how its description states the TRL
        (third_party / expert / None) so the record and its text agree."""
        rng = self.rng
        level = rng.choices(LEVELS, weights=(3, 12, 35, 35, 15))[0]
        method = stated or rng.choice(("self", "self", "expert"))
        eval_date = dt.date(rng.choice(YEARS[:-1] + (2022,)), rng.randint(1, 12), rng.randint(1, 28))
        out: dict[str, Any] = {"level": level, "eval_method": {"third_party": "第三方评价", "expert": "专家评价",
                                                                 "self": "自我声明"}[method],
                               "eval_date": eval_date.isoformat(), "year": eval_date.year,
                               "mrl": max(1, min(10, trl + rng.choice((-2, -1, -1, 0, 0, 1)))) if trl >= 4 else None,
                               "fiscal_funded": "是" if rng.random() < 0.45 else "否",
                               "open_to_sme": "是" if rng.random() < 0.7 else "否"}
        if method != "self":
            out["evaluator"] = rng.choice(self.evaluators())
            out["eval_result"] = rng.choice(EVAL_RESULTS).format(level=level)
        else:
            out["self_declared"] = "是"
        if out["fiscal_funded"] == "是":
            out["funding_project"] = rng.choice(FUNDING)
        return {k: v for k, v in out.items() if v is not None}

    def demand_status(self, challenge: bool, deadline: dt.date, responders: list[int]) -> tuple[str, int | None]:
        """(status, winner index) of a demand: expired ones are awarded (to a responder) or closed."""
        rng = self.rng
        if responders and (deadline <= LAST_DAY or rng.random() < 0.3) and rng.random() < (0.6 if challenge else 0.4):
            return "awarded", rng.choice(responders)
        if deadline <= LAST_DAY:
            return "closed", None
        return "open", None

    # ---- writing ----
    def run(self, licences: csv.writer) -> None:
        """Write every programme file into the demo folder (and the licence rows of licence deals).

        Files are written one step at a time and closed (with their csv writers, each of which keeps a
        128 KiB row buffer) after it: the generator's memory stays bounded (tests/test_demo_generator.py)."""
        self._step(self._write_bodies, "service_bodies.csv", "tech_managers.csv")
        events = self._step(self._events, "events.csv", "event_participants.csv")
        self._step(lambda deals: self._deals(deals, events, licences), "deals.csv")
        self._step(self._tiers, "tiers.csv")
        self._step(self._pledges, "pledges.csv")
        self._step(self._clusters, "clusters.csv", "cluster_members.csv")

    def _step(self, write: Callable[..., Any], *names: str) -> Any:
        files = [open(self.demo.out / name, "w", encoding="utf-8", newline="") for name in names]  # noqa: SIM115
        try:
            return write(*(csv.writer(f, lineterminator="\n") for f in files))
        finally:
            for f in files:
                f.close()

    def _write_bodies(self, out: csv.writer, managers: csv.writer) -> None:
        from demodata.generator import REGIONS

        rng = self.rng
        out.writerow(SERVICE_COLUMNS)
        managers.writerow(MANAGER_COLUMNS)
        chain_regions = list(REGIONS)
        for b in self.bodies:
            served = [b.region] + rng.sample([r for r in chain_regions if r != b.region], k=rng.randint(0, 2))
            types = ";".join(SERVICE_TYPE_ZH[t] for t in b.types)
            out.writerow((b.name, b.credit_code, b.region, types, b.chain_id or "", ";".join(b.nodes),
                          ";".join(served), f"{b.name}面向中小企业提供{types}等服务。"))
            self.counts["service_bodies"] += 1
            if "transfer" in b.types or "tech_manager_body" in b.types:
                for _ in range(rng.randint(1, 3)):
                    self.counts["tech_managers"] += 1
                    n = self.counts["tech_managers"]
                    name = f"示例{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
                    managers.writerow((f"DEMO-TM-{n:05d}", name, b.name, f"JSJLR-{rng.choice(YEARS[:2])}-{n:05d}",
                                       b.region, ";".join(rng.sample(b.nodes, k=min(len(b.nodes), rng.randint(1, 2))))))

    def _events(self, out: csv.writer, parts: csv.writer) -> list[tuple[str, str, dt.date, list[tuple[int, str]], list[int]]]:
        """events.csv and event_participants.csv; returns (event_id, chain, date, presenters, attending SMEs)."""
        from demodata.generator import CHAIN_REGIONS, GOVERNMENT_BODIES, REGIONS

        demo, rng = self.demo, self.rng
        out.writerow(EVENT_COLUMNS)
        parts.writerow(PARTICIPANT_COLUMNS)
        chain_names = demo.chain_names
        smes_by_chain: dict[str, list[int]] = defaultdict(list)
        for o in demo.orgs:
            if o.is_sme and o.chain_id:
                smes_by_chain[o.chain_id].append(o.idx)
        bodies_by_chain: dict[str | None, list[ServiceBody]] = defaultdict(list)
        for b in self.bodies:
            bodies_by_chain[b.chain_id].append(b)
        events = []
        for year in YEARS:
            planned = [(kind, d) for kind, n in EVENT_MIX.items() for d in range(max(1, round(n * self.scale)))]
            for kind, _ in planned:
                self.counts["events"] += 1
                event_id = f"DEMO-EV-{self.counts['events']:05d}"
                chain_id = rng.choice(self.chain_ids)
                region = rng.choice(CHAIN_REGIONS.get(chain_id, tuple(REGIONS)))
                last = min(LAST_DAY, dt.date(year, 12, 31))
                date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, (last - dt.date(year, 1, 1)).days))
                organiser = (rng.choice(bodies_by_chain[chain_id]).name if bodies_by_chain[chain_id] and rng.random() < 0.5
                             else rng.choice(GOVERNMENT_BODIES))
                city = REGIONS[region].removesuffix("市")
                name = f"{EVENT_WORDS[kind]}·{city}站（{chain_names[chain_id]}，示例）"
                presenters: list[tuple[int, str]] = []
                for ach_id, owner in rng.sample(self.state.achievements[chain_id],
                                                k=min(len(self.state.achievements[chain_id]), rng.randint(1, 3))):
                    if owner not in [p for p, _ in presenters]:
                        presenters.append((owner, ach_id))
                attendees = rng.sample(smes_by_chain[chain_id], k=min(len(smes_by_chain[chain_id]), rng.randint(3, 7)))
                demands = [d for d in self.state.demands[chain_id] if d[1] in attendees]
                shown = rng.sample(demands, k=min(len(demands), rng.randint(0, 2)))
                outcome = f"{len(presenters)}项成果路演，{len(attendees)}家中小企业参加" + (
                    f"，发布需求{len(shown)}项" if shown else "")
                out.writerow((event_id, name, EVENT_KIND_ZH[kind], date.isoformat(), region, chain_id, organiser, outcome))
                for owner, ach_id in presenters:
                    parts.writerow((event_id, self.ref(owner), "presenter", ach_id, ""))
                for idx in attendees:
                    demand = next((d[0] for d in shown if d[1] == idx), "")
                    parts.writerow((event_id, self.ref(idx), "presenter" if demand else "attendee", "", demand))
                self.counts["event_participants"] += len(presenters) + len(attendees)
                events.append((event_id, chain_id, date, presenters, attendees, [d[0] for d in shown]))
        return events

    def _deal(self, out: csv.writer, licences: csv.writer, provider: int, recipient: int,
              date: dt.date, *, event_id: str = "", demand_id: str = "", ach_id: str = "", kind: str = "",
              transfer: tuple[str, str] | None = None) -> None:
        demo, rng = self.demo, self.rng
        if date > LAST_DAY:
            return
        kind = kind or rng.choices(list(DEAL_KINDS), weights=[w for _, w, _ in DEAL_KINDS.values()])[0]
        zh, _, (lo, hi) = DEAL_KINDS[kind]
        value = round(lo * (hi / lo) ** rng.random(), 1)  # log-uniform between lo and hi 万元
        status = ("terminated" if rng.random() < 0.05 else "completed" if date < dt.date(2025, 6, 1) and rng.random() < 0.5
                  else "signed")
        owner = demo.orgs[provider]
        patents, licence_id, transfer_id = "", "", ""
        taker = demo.orgs[recipient]
        if transfer is not None:  # a transfer of the patent stream that a deal records
            transfer_id, patents = transfer
        elif kind in ("license", "transfer", "equity") and owner.samples:
            pub_no, _node, filed, _granted = rng.choice(owner.samples)
            patents = pub_no
            # A licence deal with an SME is also a licence record (备案); transfers of the stream are
            # recorded by deals below, so patents.csv holders stay those of the latest transfer.
            if kind == "license" and taker.is_sme and date > filed:
                self.licence_no += 1
                licence_id = f"DEMO-LIC-D{self.licence_no:05d}"
                licences.writerow((licence_id, pub_no, self.ref(provider), self.ref(recipient),
                                   rng.choice(("exclusive", "ordinary", "ordinary")), date.isoformat(),
                                   f"{value * 10_000:.0f}", f"X{date.year}98{9_000_000 + self.licence_no:07d}", ""))
                demo.counts.licenses += 1
        self.counts["deals"] += 1
        out.writerow((f"DEMO-DEAL-{self.counts['deals']:05d}", zh, self.ref(provider), self.ref(recipient), f"{value:g}",
                      date.isoformat(), {"signed": "已签约", "completed": "已完成", "terminated": "已终止"}[status],
                      event_id, demand_id, ach_id, patents, licence_id, transfer_id))

    def _deals(self, out: csv.writer, events, licences: csv.writer) -> None:
        rng = self.rng
        out.writerow(DEAL_COLUMNS)
        for event_id, _chain, date, presenters, attendees, shown in events:
            if not presenters or not attendees or rng.random() > 0.55:
                continue
            for _ in range(rng.randint(1, 3)):
                owner, ach_id = rng.choice(presenters)
                recipient = rng.choice(attendees)
                if recipient == owner:
                    continue
                self._deal(out, licences, owner, recipient, date + dt.timedelta(days=rng.randint(10, 120)),
                           event_id=event_id, ach_id=ach_id, demand_id=rng.choice(shown) if shown and rng.random() < 0.3 else "")
        # matches that became contracts: a responder answers a demand
        for chain_id in self.chain_ids:
            for demand_id, poster, responders in self.state.demands[chain_id]:
                if responders and rng.random() < 0.35:
                    provider = rng.choice(responders)
                    if provider != poster:
                        date = dt.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28))
                        self._deal(out, licences, provider, poster, date, demand_id=demand_id)
        # transfers (转让 / 作价入股) of programme years that were contracted as deals
        for transfer_id, pub_no, assignor, assignee, date, mode in self.demo.recorded_transfers:
            if date >= dt.date(2023, 1, 1) and rng.random() < 0.4:
                self._deal(out, licences, assignor, assignee, date, kind="equity" if mode == "equity" else "transfer",
                           transfer=(transfer_id, pub_no))

    def _tiers(self, out: csv.writer) -> None:
        demo, rng = self.demo, self.rng
        out.writerow(TIER_COLUMNS)
        rank = {"专精特新": 1, "小巨人": 2, "单项冠军": 3}

        def award(o: Org, tier: str, year: int) -> None:
            batch = (f"第{year - 2018}批" if tier == "小巨人" else f"第{year - 2015}批" if tier == "单项冠军"
                     else f"{year}年度省级")
            source = {"专精特新": "示例省工业和信息化厅公告", "小巨人": "演示工业和信息化部公示",
                      "单项冠军": "演示工业和信息化部公示"}[tier]
            out.writerow((self.ref(o.idx), {"专精特新": "专精特新中小企业", "小巨人": "专精特新“小巨人”企业",
                                            "单项冠军": "制造业单项冠军企业"}[tier], str(year), batch, f"{source}（{year}）"))
            self.counts["tiers"] += 1

        for o in demo.orgs:
            if o.kind != "company":
                continue
            if o.tier in rank:
                year = rng.randint(2021, 2025)
                history = [(o.tier, year)]
                lower = [t for t in rank if rank[t] < rank[o.tier] and (o.tier != "单项冠军" or t == "小巨人")]
                for t in sorted(lower, key=rank.get, reverse=True):
                    if rng.random() < 0.7 and year > 2019:
                        year = rng.randint(2019, year - 1)
                        history.append((t, year))
                for t, y in sorted(history, key=lambda h: h[1]):
                    award(o, t, y)
            elif o.is_sme and rng.random() < 0.08:
                award(o, "专精特新", 2025)  # newly recognised: the graph derives the tier from this award

    def _pledges(self, out: csv.writer) -> None:
        demo, rng = self.demo, self.rng
        out.writerow(PLEDGE_COLUMNS)
        for o in demo.orgs:
            granted = [s for s in o.samples if s[3]]
            if not (o.is_sme and granted) or rng.random() > 0.35:
                continue
            for _ in range(rng.choice((1, 1, 2))):
                self.counts["pledges"] += 1
                n = self.counts["pledges"]
                registered = dt.date(rng.choice((2021, 2022, 2023, 2024, 2025)), rng.randint(1, 12), rng.randint(1, 28))
                term_end = registered + dt.timedelta(days=365 * rng.choice((1, 2, 3)))
                released = (registered + dt.timedelta(days=rng.randint(200, 700))) if rng.random() < 0.3 else None
                if released and released > LAST_DAY:
                    released = None
                status = "已解除" if released else ("已到期" if term_end <= LAST_DAY else "有效")
                amount = rng.choice((100, 200, 300, 500, 800, 1000, 1500, 2000, 3000))
                reg_no = f"Y{registered.year}98{n:07d}"
                bank, pledgor = rng.choice(BANKS), self.ref(o.idx)
                for pub_no, _node, _filed, _granted in rng.sample(granted, k=min(len(granted), rng.randint(1, 3))):
                    out.writerow((reg_no, pub_no, pledgor, bank, registered.isoformat(), term_end.isoformat(),
                                  released.isoformat() if released else "", str(amount), status))
                    self.counts["pledge_rows"] += 1

    def _clusters(self, out: csv.writer, members: csv.writer) -> None:
        from demodata.generator import CHAIN_REGIONS, REGIONS

        demo, rng = self.demo, self.rng
        out.writerow(CLUSTER_COLUMNS)
        members.writerow(MEMBER_COLUMNS)
        per_chain = max(3, round(3 * self.scale))
        for chain_id in self.chain_ids:
            regions = rng.sample(CHAIN_REGIONS.get(chain_id, tuple(REGIONS)),
                                 k=min(per_chain + 1, len(CHAIN_REGIONS.get(chain_id, REGIONS))))
            for i, region in enumerate(regions):
                park = i == len(regions) - 1
                self.counts["clusters"] += 1
                cluster_id = f"DEMO-CL-{self.counts['clusters']:04d}"
                city = REGIONS[region].removesuffix("市")
                short = demo.chain_names[chain_id].removesuffix("产业链")
                name = f"{city}示例{short}产业园" if park else f"{city}示例{short}中小企业特色产业集群"
                out.writerow((cluster_id, name, "园区" if park else "中小企业特色产业集群",
                              "省级" if park else rng.choice(("国家级", "国家级", "省级")), str(rng.choice((2022, 2023, 2024))),
                              region, chain_id))
                local = [o for o in demo.orgs if o.kind == "company" and o.chain_id == chain_id and o.region == region]
                for o in rng.sample(local, k=min(len(local), rng.randint(5, 30))):
                    members.writerow((cluster_id, self.ref(o.idx)))
                    self.counts["cluster_members"] += 1
