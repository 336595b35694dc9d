"""Chain node references as people write them: the id from the chain file, qualified when unique.

The loader stores a chain node under ``<chain_id>.<node id>`` (``ckg_630000.ckg630000_037``) because
node ids are only unique within their chain file. An organisations file naturally names the node
as written in that file (``ckg630000_037``). Such a short id is accepted when exactly one loaded
chain has it; when several do, the reject names the candidates; when none does, it names the
closest ids. Either way the row is loaded and only that link is dropped (counted in the file's
"links dropped").
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Any

from graph.lookup import all_keys
from loaders.validate import Link, Record, Ref, Reject

LABEL = "ChainNode"


class ChainNodeIds:
    """Qualifies short chain node ids in records, against this load's chains and the graph's."""

    def __init__(self, driver: Any, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self._graph: set[str] | None = None  # full keys in the graph, read once on first need
        self._index: dict[str, set[str]] = {}
        self._indexed = -1

    def _graph_keys(self) -> set[str]:
        if self._graph is None:
            self._graph = all_keys(self.driver, LABEL, database=self.database) if self.driver is not None else set()
        return self._graph

    def _by_short_id(self, known: set[str]) -> dict[str, set[str]]:
        if self._indexed != len(known):  # chains loaded earlier in this run add keys
            index: dict[str, set[str]] = defaultdict(set)
            for full in self._graph_keys() | known:
                index[full.rsplit(".", 1)[-1]].add(full)
            self._index, self._indexed = dict(index), len(known)
        return self._index

    def qualify(self, rec: Record, known: set[str], fr: Any, rejects: list[Reject]) -> None:
        """Rewrite ``rec``'s ChainNode links to full keys; drop (and report) the unresolvable ones.

        ``known``: ChainNode keys loaded in this run; ``fr``: the file's report (``file``,
        ``dropped_links``); ``rejects`` receives one line per dropped link.
        """
        wanted = {r.key for r in rec.refs if r.label == LABEL}
        if not wanted or wanted <= known:
            return
        rename: dict[str, str] = {}
        dropped: dict[str, str] = {}
        index = None
        for node_id in wanted:
            if node_id in known or node_id in self._graph_keys():
                continue
            index = index or self._by_short_id(known)
            candidates = sorted(index.get(node_id, ()))
            if len(candidates) == 1:
                rename[node_id] = candidates[0]
            elif candidates:
                dropped[node_id] = (f"chain node {node_id!r} is in {len(candidates)} chains: "
                                    f"{', '.join(candidates[:8])}; write the full id (<chain_id>.<node id>); "
                                    "link dropped, row loaded")
            else:
                close = difflib.get_close_matches(node_id, list(index), n=3, cutoff=0.6)
                hint = (f"; did you mean {', '.join(sorted(index[c])[0] for c in close)}?" if close
                        else "; chain nodes are named <chain_id>.<node id> or the node id from the chain file")
                dropped[node_id] = f"unknown chain node {node_id!r}: in no loaded chain{hint}; link dropped, row loaded"
        if not rename and not dropped:
            return
        links: list[Link] = []
        for lk in rec.links:
            if lk.end_label == LABEL and lk.end in dropped:
                fr.dropped_links += 1
                continue
            links.append(lk._replace(end=rename.get(lk.end, lk.end)) if lk.end_label == LABEL else lk)
        refs: list[Ref] = []
        for ref in rec.refs:
            if ref.label == LABEL and ref.key in dropped:
                rejects.append(Reject(fr.file, rec.line, ref.field, dropped[ref.key]))
                continue
            refs.append(ref._replace(key=rename.get(ref.key, ref.key)) if ref.label == LABEL else ref)
        rec.links, rec.refs = links, refs
