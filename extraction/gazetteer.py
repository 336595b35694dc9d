"""Dictionaries the pipeline matches: organisations (names, aliases, 简称), technology terms, chain
node names and keywords, region names. Built from the graph (``graph.extract_store``), from chain
YAML files, or from the built-in lists; primed into jieba so each entry is one token."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extraction.resources import REGIONS, TECH_TERMS


@dataclass(frozen=True, slots=True)
class OrgEntry:
    """A known organisation: its key, official name and aliases / short names."""

    org_id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeEntry:
    """A chain node with what places text on it: its name, keywords and IPC prefixes."""

    node_id: str
    name: str
    keywords: tuple[str, ...] = ()
    ipc_prefixes: tuple[str, ...] = ()
    chain_id: str = ""


@dataclass
class Gazetteer:
    """Everything the dictionary component matches and the linker resolves against."""

    orgs: list[OrgEntry] = field(default_factory=list)
    tech_terms: list[str] = field(default_factory=lambda: list(TECH_TERMS))
    regions: dict[str, str] = field(default_factory=lambda: dict(REGIONS))
    nodes: list[NodeEntry] = field(default_factory=list)

    def all_tech_terms(self) -> list[str]:
        """Technology terms plus every chain node name and keyword (deduplicated, order kept)."""
        seen: dict[str, None] = {}
        for t in self.tech_terms:
            seen.setdefault(t, None)
        for n in self.nodes:
            for t in (n.name, *n.keywords):
                if t and len(t) >= 2:
                    seen.setdefault(t, None)
        return list(seen)


def nodes_from_chain_yaml(paths: list[Path]) -> list[NodeEntry]:
    """Chain nodes from chain YAML files (DESIGN.md §3: chain ``id``, ``nodes`` with ``id``,
    ``name``, ``keywords``, ``ipc``). Node ids are used as written in the file."""
    nodes: list[NodeEntry] = []
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        chain_id = str(data.get("id", ""))
        for n in data.get("nodes") or []:
            if not isinstance(n, dict) or not n.get("id"):
                continue
            nid = str(n["id"])
            nodes.append(
                NodeEntry(
                    node_id=nid if "." in nid or not chain_id else f"{chain_id}.{nid}",
                    name=str(n.get("name", "")),
                    keywords=tuple(str(k) for k in n.get("keywords") or []),
                    ipc_prefixes=tuple(str(k).replace(" ", "") for k in n.get("ipc") or []),
                    chain_id=chain_id,
                )
            )
    return nodes


def default_gazetteer(chain_dirs: list[Path] | None = None) -> Gazetteer:
    """Built-in terms and regions plus the nodes of any chain YAML files in ``chain_dirs``."""
    paths: list[Path] = []
    for d in chain_dirs or []:
        if Path(d).is_dir():
            paths += sorted(Path(d).glob("*.yaml")) + sorted(Path(d).glob("*.yml"))
    return Gazetteer(nodes=nodes_from_chain_yaml(paths))
