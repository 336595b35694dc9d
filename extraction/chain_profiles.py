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


#: Spellings that name the same thing (both ways): a node listing one also matches the other, so the
#: chain files need not list every spelling ("掩膜版" is "掩模版", "太阳能板" is "光伏板"). Per chain
#: id, "*" for every chain. Written by hand from the gold set's tuning rounds and the IPC scheme's wording.
TERM_VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "*": (("掩模", "掩膜"), ("机械臂", "机械手臂"), ("锂离子电池", "锂电池"), ("支架", "托架"), ("散热", "冷却")),
    # in the PV chain 光伏 and 太阳能 name the same products (光伏支架 / 太阳能支架, 光伏板 / 太阳能板)
    "pv": (("光伏", "太阳能"), ("水面", "水上")),
}
#: Node-name parts shorter than this are not terms of their own (刻蚀, 电控, 材料 are too broad).
NAME_PART_MIN = 4
_NAME_SPLIT = ("与", "和", "及")
_GENERIC_HEADS = ("设备", "装置", "系统", "材料", "器件", "元件")


def _too_broad(term: str) -> bool:
    """A derived term that is a short word plus a generic head (测试设备, 太阳能设备): it names a kind of
    thing, not the node, so it is never derived (a chain file may still list one by hand)."""
    return any(term.endswith(h) and len(term) - len(h) <= 3 for h in _GENERIC_HEADS)


def name_parts(name: str) -> tuple[str, ...]:
    """The parts of a compound node name ("锂电铜箔与集流体" → 锂电铜箔, 集流体 is too short; "数据中心与AI算力"
    → 数据中心, AI算力), each at least NAME_PART_MIN characters: each names the node as the whole does."""
    parts = [name]
    for sep in _NAME_SPLIT:
        parts = [q for p in parts for q in p.split(sep)]
    return tuple(p for p in parts if len(parts) > 1 and len(p) >= NAME_PART_MIN and not _too_broad(p))


def term_family(terms: Iterable[str], context: Iterable[str], name: str, chain_id: str) -> tuple[str, ...]:
    """A node's terms with their family: the parts of a compound node name (:func:`name_parts`) and each
    term's other spellings (:data:`TERM_VARIANTS`); a spelling already listed as a context term stays
    context."""
    ctx = set(context)
    out = dict.fromkeys(terms)
    for part in name_parts(name):
        if part not in ctx:
            out.setdefault(part)
    pairs = (*TERM_VARIANTS.get("*", ()), *TERM_VARIANTS.get(chain_id, ()))
    todo = list(out)
    while todo:  # to closure: 光伏支架 → 太阳能支架 → 太阳能托架
        t = todo.pop()
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                if x in t:
                    v = t.replace(x, y)
                    if v not in ctx and v not in out and not _too_broad(v):
                        out[v] = None
                        todo.append(v)
    return tuple(out)


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
    terms = term_family(terms, context, name, chain_id)
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
