"""Entity resolution for organisations: credit code first, then normalised name, then aliases.

One ``OrgResolver`` lives for a whole load. It is primed with the organisations already in the
graph (so a name seen in an earlier load resolves to the same node) and learns from the
organisations file. References elsewhere (applicants, licensor, owner, poster …) resolve to an
``org_id``; an unknown name creates a new organisation (normal in patent data, where most
applicants are in no register). Every time two different inputs end up on one organisation the
resolver records a ``Merge``, which the load summary reports: merges are never silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from loaders.normalise import (
    clean_org_name,
    guess_org_kind,
    looks_like_credit_code,
    normalise_credit_code,
    normalise_org_name,
    org_id_for_name,
)


@dataclass
class OrgEntry:
    """What the resolver knows about one organisation."""

    org_id: str
    name: str
    name_norm: str
    aliases: set[str] = field(default_factory=set)
    credit_code: str | None = None
    kind: str = "company"
    in_graph: bool = False  # already a node before this load
    declared: bool = False  # came from an organisations file in this load
    aliases_changed: bool = False  # gained an alias in this load (node needs rewriting)


@dataclass(frozen=True)
class Merge:
    """Two different inputs resolved to one organisation (reported in the load summary)."""

    file: str
    line: int
    org_id: str
    kept_name: str
    merged_input: str
    matched_by: str  # credit_code / name_norm / alias


class UnknownOrganization(ValueError):
    """A reference by credit code to an organisation nobody declared (a name is needed to create it)."""


class OrgResolver:
    """Resolve organisation names and credit codes to ``org_id`` across one load."""

    def __init__(self, existing: Iterable[Mapping[str, Any]] = ()) -> None:
        self.orgs: dict[str, OrgEntry] = {}
        self.by_credit: dict[str, str] = {}
        self.by_norm: dict[str, str] = {}
        self.merges: list[Merge] = []
        self.created: list[str] = []  # org_ids created from references, in order, not yet written
        self._reported: set[tuple[str, str]] = set()
        for row in existing:
            entry = OrgEntry(
                org_id=row["org_id"], name=row.get("name") or row["org_id"],
                name_norm=row.get("name_norm") or _safe_norm(row.get("name") or ""),
                aliases=set(row.get("aliases") or []), credit_code=row.get("credit_code"),
                kind=row.get("kind") or "company", in_graph=True,
            )
            self._index(entry)

    # -- indexing ---------------------------------------------------------------------------
    def begin(self) -> None:
        """Start journalling new organisations (one input file); ``rollback`` forgets them again."""
        self._journal: list[OrgEntry] = []

    def rollback(self) -> None:
        """Forget organisations indexed since ``begin`` (their file failed and wrote nothing)."""
        for entry in getattr(self, "_journal", []):
            self.orgs.pop(entry.org_id, None)
            for index in (self.by_credit, self.by_norm):
                for k in [k for k, v in index.items() if v == entry.org_id]:
                    del index[k]
            if entry.org_id in self.created:
                self.created.remove(entry.org_id)
        self._journal = []

    def _index(self, entry: OrgEntry) -> None:
        if hasattr(self, "_journal"):
            self._journal.append(entry)
        self.orgs[entry.org_id] = entry
        if entry.credit_code:
            self.by_credit.setdefault(entry.credit_code, entry.org_id)
        if entry.name_norm:
            self.by_norm.setdefault(entry.name_norm, entry.org_id)
        for alias in entry.aliases:
            norm = _safe_norm(alias)
            if norm:
                self.by_norm.setdefault(norm, entry.org_id)

    def _add_alias(self, entry: OrgEntry, name: str) -> bool:
        name = clean_org_name(name)
        if not name or name == entry.name or name in entry.aliases:
            return False
        entry.aliases.add(name)
        entry.aliases_changed = True
        self.by_norm.setdefault(_safe_norm(name), entry.org_id)
        return True

    # -- organisations file ---------------------------------------------------------------------
    def declare(
        self, name: str, *, credit_code: str | None = None, org_id: str | None = None,
        aliases: Iterable[str] = (), kind: str | None = None, file: str = "", line: int = 0,
    ) -> OrgEntry:
        """Register an organisation from an organisations file row and return its entry.

        ``credit_code`` must already be validated. The id is the credit code, else ``org_id`` as
        given, else the name-derived id — unless the organisation is already known (by credit code,
        then normalised name, then alias), in which case the row lands on that node and a Merge is
        recorded when the inputs differ.
        """
        display = clean_org_name(name)
        norm = normalise_org_name(display)
        found, how = None, ""
        if credit_code and credit_code in self.by_credit:
            found, how = self.orgs[self.by_credit[credit_code]], "credit_code"
        elif org_id and org_id in self.orgs:
            found, how = self.orgs[org_id], "org_id"
        elif norm in self.by_norm:
            cand = self.orgs[self.by_norm[norm]]
            # Same name but two different credit codes: two legal entities, keep them apart.
            if not (credit_code and cand.credit_code and cand.credit_code != credit_code):
                found, how = cand, ("name_norm" if cand.name_norm == norm else "alias")
        if found is not None:
            if display != found.name and display not in found.aliases:
                self._add_alias(found, display)
                self._report(Merge(file, line, found.org_id, found.name, display, how))
            if credit_code and not found.credit_code:
                # a name-only organisation (e.g. created from patents earlier) gains its credit code
                self._report(Merge(file, line, found.org_id, found.name, credit_code, how))
                found.credit_code = credit_code
                self.by_credit.setdefault(credit_code, found.org_id)
            for a in aliases:
                self._add_alias(found, a)
            found.declared = True
            if found.org_id in self.created:
                self.created.remove(found.org_id)
            return found
        new_id = credit_code or org_id or org_id_for_name(norm)
        entry = OrgEntry(new_id, display, norm, credit_code=credit_code, kind=kind or guess_org_kind(display), declared=True)
        for a in aliases:
            a = clean_org_name(a)
            if a and a != display:
                entry.aliases.add(a)
        self._index(entry)
        return entry

    # -- references -----------------------------------------------------------------------------
    def resolve(self, ref: str, *, file: str = "", line: int = 0) -> str:
        """Resolve a reference (credit code or name) to an ``org_id``, creating an organisation for
        an unknown name. Raises ``UnknownOrganization`` for an unknown credit code and ValueError
        for an empty name or a credit code that fails its checksum."""
        text = clean_org_name(ref)
        if looks_like_credit_code(text) and not any("\u4e00" <= c <= "\u9fff" for c in text):
            code = normalise_credit_code(text)
            if code in self.by_credit:
                return self.by_credit[code]
            raise UnknownOrganization(f"credit code {code} is not a known organisation; add it to organizations.csv")
        norm = normalise_org_name(text)
        if norm in self.by_norm:
            entry = self.orgs[self.by_norm[norm]]
            # A declared alias is not a merge; a new spelling that normalises to a known name or
            # alias is: it is learnt as an alias and reported.
            if text != entry.name and text not in entry.aliases:
                how = "name_norm" if entry.name_norm == norm else "alias"
                self._add_alias(entry, text)
                self._report(Merge(file, line, entry.org_id, entry.name, text, how))
            return entry.org_id
        entry = OrgEntry(org_id_for_name(norm), text, norm, kind=guess_org_kind(text))
        self._index(entry)
        self.created.append(entry.org_id)
        return entry.org_id

    def _report(self, merge: Merge) -> None:
        # Once per (organisation, input spelling) per load.
        key = (merge.org_id, merge.merged_input)
        if key not in self._reported:
            self._reported.add(key)
            self.merges.append(merge)

    def take_created(self, used: set[str] | None = None) -> list[OrgEntry]:
        """Organisations created from references and not yet written; with ``used``, only those
        (the others stay pending: a rejected row must not leave an organisation behind)."""
        out = [self.orgs[i] for i in self.created if used is None or i in used]
        taken = {e.org_id for e in out}
        self.created = [i for i in self.created if i not in taken]
        return out

    def take_alias_updates(self) -> list[OrgEntry]:
        """Organisations already written whose alias set grew (their nodes need the new aliases)."""
        out = [e for e in self.orgs.values() if e.aliases_changed and e.in_graph]
        for e in out:
            e.aliases_changed = False
        return out


def _safe_norm(name: str) -> str:
    try:
        return normalise_org_name(name)
    except ValueError:
        return ""
