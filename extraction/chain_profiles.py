"""What places a text on a chain node, per node: terms, context terms, exclusions, IPC groups and
IPC scope — read from chain YAML files or from the ChainNode properties the loader wrote.

Chain-file fields (data/chains/*.yaml; parsed for loading by ``loaders.readers.read_chain_yaml``):

- ``keywords``: terms that name the node (a title containing one is evidence for the node);
- ``context``: broad terms (新能源汽车, 光伏电站 …) that place on the node only when no more specific
  node of the same chain matched — "新能源汽车用充电桩" is a charging patent, not a vehicle one;
- ``exclude``: terms that veto the node (香料 for 化学原料药, 存储介质 for 数据中心与AI算力 …);
- ``ipc``: IPC main groups / subgroups (``H01M10/0525``, ``B25J9/16``): a patent code under one is
  evidence on its own; bare subclasses do not belong here (far too broad: C07C is not 原料药);
- ``ipc_scope``: IPC subclasses the node's patents live in (``C07D``, ``H02S``): never evidence alone,
  only a domain check on term evidence (a "服务器" title classified G10L is no data-centre patent).
Chain-level ``exclude`` applies to every node of the chain; chain-level ``anchors`` are words that
put a text in the chain's domain (光伏, 新能源汽车, 机器人 …): a node's context term counts with one;
chain-level ``ipc_domain`` lists further subclasses of the chain's domain (cleaning, crushing …)
that are in no node's core ``ipc_scope``. All three are copied onto every node (``exclude_terms``,
``chain_anchors``, ``chain_ipc_domain`` on the ChainNode) so a chain read back from the graph places
exactly like the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class NodeProfile:
    """Placement evidence of one chain node."""

    node_id: str
    chain_id: str
    name: str
    terms: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ipc_groups: tuple[str, ...] = ()
    ipc_scope: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    chain_domain: tuple[str, ...] = ()


def _list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace("；", ";").split(";")
    return tuple(dict.fromkeys(str(v).strip() for v in value if v is not None and str(v).strip()))


def _ipc(value: Any) -> tuple[str, ...]:
    return tuple(c.replace(" ", "").upper() for c in _list(value))


def split_ipc(codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(group-level prefixes, subclasses) of a node's ``ipc`` list: a bare subclass (4 characters)
    is scope, never group evidence."""
    groups, scope = [], []
    for c in codes:
        (scope if len(c) == 4 else groups).append(c)
    return tuple(groups), tuple(scope)


def profile_from_mapping(raw: Mapping[str, Any], chain_id: str, chain_exclude: Iterable[str] = (),
                         anchors: Iterable[str] = (), domain: Iterable[str] = ()) -> NodeProfile:
    """A profile from a chain-file node dict (or a ChainNode row with the same field names)."""
    nid = str(raw.get("id") or raw.get("node_id"))
    if "." not in nid and chain_id:
        nid = f"{chain_id}.{nid}"
    groups, scope_in_ipc = split_ipc(_ipc(raw.get("ipc") or raw.get("ipc_prefixes")))
    name = str(raw.get("name") or "")
    terms = _list(raw.get("keywords"))
    context = _list(raw.get("context") or raw.get("context_terms"))
    if name and name not in terms and name not in context:  # a generic name (通信设备) is listed as context
        terms = (name, *terms)
    return NodeProfile(
        node_id=nid, chain_id=chain_id, name=name, terms=terms,
        context=context,
        exclude=tuple(dict.fromkeys((*_list(raw.get("exclude") or raw.get("exclude_terms")), *chain_exclude))),
        ipc_groups=groups, ipc_scope=tuple(dict.fromkeys((*_ipc(raw.get("ipc_scope")), *scope_in_ipc))),
        anchors=tuple(dict.fromkeys((*_list(raw.get("chain_anchors")), *anchors))),
        chain_domain=tuple(dict.fromkeys((*_ipc(raw.get("chain_ipc_domain")), *_ipc(domain)))),
    )


def profiles_from_chain_files(paths: Iterable[Path]) -> list[NodeProfile]:
    """Profiles of every node of the given chain YAML files (file order kept)."""
    out: list[NodeProfile] = []
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        chain_id = str(data.get("id", ""))
        chain_exclude = _list(data.get("exclude"))
        anchors = _list(data.get("anchors"))
        domain = _ipc(data.get("ipc_domain"))
        out += [profile_from_mapping(n, chain_id, chain_exclude, anchors, domain) for n in data.get("nodes") or [] if isinstance(n, dict) and n.get("id")]
    return out


def profiles_from_chain_dir(chain_dir: Path) -> list[NodeProfile]:
    """Profiles of ``chain_dir/*.yaml`` (sorted by file name)."""
    return profiles_from_chain_files(sorted(Path(chain_dir).glob("*.yaml")))


def profiles_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[NodeProfile]:
    """Profiles from ChainNode rows read out of the graph (``graph.extract_store.read_dictionary_rows``:
    node_id, chain_id, name, keywords, ipc_prefixes, and when the loader wrote them context_terms,
    exclude_terms, ipc_scope, chain_anchors, chain_ipc_domain)."""
    return [profile_from_mapping(r, str(r.get("chain_id") or ""), ()) for r in rows if r.get("node_id")]
