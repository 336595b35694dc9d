"""Resolve organisation mentions to known nodes: exact name, then alias/简称, then a unique short
form of a known name (region, legal form and trade words dropped), then a fuzzy match.

The fuzzy step uses rapidfuzz's ``ratio`` on normalised names and accepts a candidate only at or
above :data:`FUZZY_THRESHOLD` (documented in docs/extraction.md). Below it, the mention becomes a
proposal: a new organisation id derived from the normalised name, flagged ``by="proposed"``.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from extraction.gazetteer import Gazetteer
from extraction.orgnames import short_name_variants
from loaders.normalise import normalise_org_name_or_blank, org_id_for_raw_name

#: Minimum rapidfuzz ratio (0–100) between normalised names for a fuzzy link. At 90 a one-character
#: difference in a 10+ character name links, while two different short names (苏州星衡 / 苏州星恒 as
#: bare 4-character names) do not.
FUZZY_THRESHOLD = 90.0
_FUZZY_MIN_LEN = 6
#: Shortest short form that links (two-character forms such as 华为/中兴 must be declared aliases).
SHORT_NAME_MIN_LEN = 3


class Linker:
    """Lookup tables over a gazetteer; ``link_org`` returns a link dict (never None for ORG)."""

    def __init__(self, gazetteer: Gazetteer):
        self.by_name: dict[str, str] = {}
        self.by_alias: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        for org in gazetteer.orgs:
            norm = normalise_org_name_or_blank(org.name)
            self.by_name.setdefault(norm, org.org_id)
            self.names[org.org_id] = org.name
            for alias in org.aliases:
                if alias:
                    self.by_alias.setdefault(normalise_org_name_or_blank(alias), set()).add(org.org_id)
        self._choices = list(self.by_name)
        # Short forms of the graph's names (恒锐精工 for 常州恒锐精工科技有限公司): linked only when exactly
        # one organisation has that short form and it is no name/alias of another — a wrong link is
        # worse than a proposal.
        short: dict[str, set[str]] = {}
        for org in gazetteer.orgs:
            for v in short_name_variants(org.name):
                if len(v) >= SHORT_NAME_MIN_LEN and v not in gazetteer.regions:
                    short.setdefault(normalise_org_name_or_blank(v), set()).add(org.org_id)
        self.by_short = {k: next(iter(ids)) for k, ids in short.items()
                         if len(ids) == 1 and k not in self.by_alias and k not in self.by_name}
        self.regions = gazetteer.regions
        self.tech = {t.lower(): t for t in gazetteer.all_tech_terms()}
        # Surfaces repeat across texts (the same suppliers, the same universities): link each once.
        self._org_cache: dict[str, dict] = {}

    def link_org(self, surface: str) -> dict:
        """Link an organisation surface form: exact → alias → unique short form → fuzzy (≥ FUZZY_THRESHOLD)
        → proposed.
        Returns a fresh dict each call (callers may keep or change it)."""
        hit = self._org_cache.get(surface)
        if hit is None:
            hit = self._link_org_uncached(surface)
            if len(self._org_cache) < 200_000:
                self._org_cache[surface] = hit
        return dict(hit)

    def _link_org_uncached(self, surface: str) -> dict:
        norm = normalise_org_name_or_blank(surface)
        if norm in self.by_name:
            oid = self.by_name[norm]
            return {"id": oid, "name": self.names.get(oid), "by": "exact", "score": 1.0}
        ids = self.by_alias.get(norm)
        if ids and len(ids) == 1:
            oid = next(iter(ids))
            return {"id": oid, "name": self.names.get(oid), "by": "alias", "score": 1.0}
        oid = self.by_short.get(norm)
        if oid is not None:
            return {"id": oid, "name": self.names.get(oid), "by": "short_name", "score": 0.9}
        if len(norm) >= _FUZZY_MIN_LEN and self._choices:
            best = process.extractOne(norm, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
            if best is not None:
                oid = self.by_name[best[0]]
                return {"id": oid, "name": self.names.get(oid), "by": "fuzzy", "score": round(best[1] / 100, 3)}
        return {"id": org_id_for_raw_name(surface), "name": surface, "by": "proposed", "score": None}

    def link_region(self, surface: str) -> dict | None:
        """Region name → its administrative code."""
        code = self.regions.get(surface)
        return {"id": code, "name": surface, "by": "exact", "score": 1.0} if code else None

    def link_tech(self, surface: str) -> dict:
        """A technology term links to the Technology node keyed by the term itself."""
        term = self.tech.get(surface.lower(), surface)
        return {"id": term, "name": term, "by": "exact", "score": 1.0}
