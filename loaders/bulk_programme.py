"""The bulk export's twin of graph/derive_programme.py: the programme derivations in Python.

``chainkg load`` derives achievement regions, licences UNDER offers, pledges OF patents named by
application number and organisation tiers from tier awards in Cypher after the writes; the bulk
export (:mod:`loaders.bulk_records`) has no graph to query, so it asks this module, record by record
and once at the end, for the same results (the rules are stated in graph/derive_programme.py).
Event and cluster LOCATED_IN need nothing here: their validators emit the link.

Memory: the offers and licences of type open (or naming an offer), the awards per organisation, and
``app_no -> pub_no`` only for the application numbers the pledges files name (found by a first pass).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.derive_programme import TIER_RANK
from graph.errors import ChainKGError
from loaders import normalise as N
from loaders.headers import column_cells
from loaders.validate import Link, Record
from loaders.validate_programme import _patent_ref


class ProgrammeBulk:
    """Observe the records of one bulk export and produce what the programme derivations would."""

    def __init__(self, tables: Iterable[tuple[str, Path]] = ()) -> None:
        self.wanted_apps: set[str] = set()
        for kind, path in tables:
            if kind == "pledges":
                self.wanted_apps |= pledged_app_nos(path)
        self.app_to_pub: dict[str, str] = {}
        self.offers: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)  # pub_no -> (declared, offer_id)
        self.offer_ids: set[str] = set()
        self.licences: list[tuple[str, str, str | None, Any, str | None]] = []  # id, pub, type, date, offer_id
        self.awards: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # org -> (rank, year, tier)
        self.pledged: set[tuple[str, str]] = set()  # (pledge_id, pub_no) OF links made from app_nos

    def before(self, rec: Record, org_props: Mapping[str, Mapping[str, Any]]) -> None:
        """Adjust a record before it is written: an achievement takes its located owner's region_code."""
        if rec.label == "Achievement":
            codes = [org_props.get(lk.start, {}).get("region_code") for lk in rec.links if lk.rel_type == "OWNS"]
            codes = [c for c in codes if c]
            if codes:
                rec.node["region_code"] = min(codes)

    def after(self, rec: Record) -> list[Link]:
        """Remember what the end-of-load rules need; return links derivable now (pledge OF by app_no)."""
        node = rec.node
        if rec.label == "Patent" and node.get("app_no") in self.wanted_apps:
            self.app_to_pub[node["app_no"]] = node["pub_no"]
        elif rec.label == "OpenLicenseOffer":
            self.offers[node["pub_no"]].append((node.get("declared") or dt.date.min, node["offer_id"]))
            self.offer_ids.add(node["offer_id"])
        elif rec.label == "License" and (node.get("type") == "open" or node.get("offer_id")):
            self.licences.append((node["license_id"], node["pub_no"], node.get("type"), node.get("date"),
                                  node.get("offer_id")))
        elif rec.label == "TierAward":
            self.awards[node["org_id"]].append((TIER_RANK.get(node["tier"], 0), node["year"], node["tier"]))
        elif rec.label == "Pledge":
            # a registration's later rows repeat the numbers of the earlier ones (app_nos accumulates)
            out = []
            for app in node.get("app_nos") or ():
                pair = (node["pledge_id"], self.app_to_pub.get(app))
                if pair[1] and pair not in self.pledged:
                    self.pledged.add(pair)
                    out.append(Link("OF", "Pledge", pair[0], "Patent", pair[1]))
            return out
        return []

    def finish(self, org_props: dict[str, dict[str, Any]], kind_of: Callable[[str], str | None]) -> list[Link]:
        """UNDER links of licences, and tiers from awards written into ``org_props`` (before the
        organisations are written); ``kind_of(org_id)`` gives an organisation's kind."""
        links: list[Link] = []
        for license_id, pub, ltype, date, offer_id in self.licences:
            if offer_id:
                if offer_id in self.offer_ids:
                    links.append(Link("UNDER", "License", license_id, "OpenLicenseOffer", offer_id))
                continue
            if ltype != "open":
                continue
            cands = [(d, o) for d, o in self.offers.get(pub, ()) if date is None or d == dt.date.min or d <= date]
            if cands:
                links.append(Link("UNDER", "License", license_id, "OpenLicenseOffer", max(cands)[1]))
        for org_id, awards in self.awards.items():
            props = org_props.setdefault(org_id, {})
            if props.get("tier") not in (None, "none") and props.get("tier_source") != "tier_awards":
                continue
            _rank, year, tier = max(awards)
            props.update({"tier": tier, "tier_source": "tier_awards", "tier_year": year})
            if (props.get("is_sme") is None and (props.get("kind") or kind_of(org_id)) == "company"
                    and props.get("size") is None and tier in ("专精特新", "小巨人")):
                props["is_sme"] = True
        return links


def pledged_app_nos(path: Path) -> set[str]:
    """Application numbers a pledges file names in its patent column (a cheap first pass; bad cells are
    the validators' to report)."""
    out: set[str] = set()
    try:
        for raw in column_cells(path, "pledges", "patent"):
            for cell in N.split_list(raw):
                try:
                    _pub, app = _patent_ref(cell)
                except ValueError:
                    continue
                if app:
                    out.add(app)
    except ChainKGError:
        pass  # the pledges pass reports the problem
    return out
