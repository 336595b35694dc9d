"""One mapping from validated source records to graph writes, shared by the Bolt load and the bulk export.

Both load paths — :class:`loaders.pipeline.Loader` (``chainkg load``, Bolt) and
:class:`loaders.bulk_records._BulkLoad` (``chainkg export-bulk``, importer CSV) — ask this module
what to write and differ only in how they write it. What gets written is plain data:

- :class:`NodeSpec` — primary label, properties (the label's key among them), extra labels;
- :class:`~loaders.validate.Link` — relationship type, start/end label and key, properties,
  optional merge key;
- :class:`GraphWrites` — nodes, links and the IPC codes they need.

Where each kind of source becomes specs:

- table files (``organizations``, ``patents`` … and every kind registered since): the row
  validators in :data:`loaders.validate.VALIDATORS` return a :class:`~loaders.validate.Record`
  (node, extra labels, links, references, IPC codes). A new file kind is one entry there (plus its
  columns in :data:`loaders.headers.FILE_SPECS` and its key in ``RECORD_KEYS``); both paths load
  it in :data:`FILE_ORDER` with no code of their own.
- chain YAML → :func:`chain_writes` (Chain, ChainNode, HAS_NODE, UPSTREAM_OF, COVERS_IPC);
- IPC codes → :func:`ipc_writes` (IPC nodes with ``level`` and PARENT edges up to the section);
- organisations known from references → :func:`org_node` (Organization + kind sub-label from
  :mod:`graph.vocab`); alias growth → :func:`org_alias_node`;
- the region reference → :func:`region_writes` (Region, PART_OF).

What the Bolt load derives afterwards in Cypher (:mod:`graph.derive`) the bulk export adds in
Python itself; that is derivation, not mapping, and lives with each path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graph.errors import InputError
from graph.vocab import org_labels
from loaders import normalise as N
from loaders.readers import ChainSpec
from loaders.reference import region_records
from loaders.resolve import OrgEntry
from loaders.validate import VALIDATORS, Link

#: Load order of the table file kinds: the order :data:`loaders.validate.VALIDATORS` declares them
#: in, which puts files that others refer to first (organisations, patents, then the files naming
#: them). Chain YAML files are loaded before every table.
FILE_ORDER: tuple[str, ...] = tuple(VALIDATORS)


class NodeSpec(NamedTuple):
    """One node to write: merged on its primary label's key (``props`` holds it), then ``SET n += props``."""

    label: str
    props: dict[str, Any]
    extra_labels: tuple[str, ...] = ()


@dataclass
class GraphWrites:
    """Nodes and relationships to write, and the IPC codes they need (see :func:`ipc_writes`).

    Writers add every node before any link: a link whose end was never written is dropped (Bolt
    matches its ends, the bulk writer counts it as dangling).
    """

    nodes: list[NodeSpec] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    ipc_codes: list[str] = field(default_factory=list)

    def node_groups(self) -> dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]]:
        """Node properties grouped by (label, extra labels), in first-seen order: one write per group."""
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for n in self.nodes:
            groups.setdefault((n.label, n.extra_labels), []).append(n.props)
        return groups

    def link_groups(self) -> dict[tuple[str, str, str, str | None], list[dict[str, Any]]]:
        """Link rows ``{start, end, props}`` grouped by (type, start label, end label, merge key), in first-seen order."""
        groups: dict[tuple[str, str, str, str | None], list[dict[str, Any]]] = {}
        for lk in self.links:
            groups.setdefault((lk.rel_type, lk.start_label, lk.end_label, lk.merge_key), []).append(
                {"start": lk.start, "end": lk.end, "props": lk.props or {}})
        return groups


# -- chains ---------------------------------------------------------------------------------------
def chain_prefixes(spec: ChainSpec, file: str) -> dict[str, list[tuple[str, str]]]:
    """Each chain node's IPC prefixes as ``(string prefix, IPC code)`` pairs, duplicates dropped.

    Raises InputError naming ``file`` and the node when a prefix is not an IPC code.
    """
    out: dict[str, list[tuple[str, str]]] = {}
    for n in spec.nodes:
        out[n.node_id] = []
        for raw in n.ipc:
            try:
                pair = N.normalise_ipc_prefix(raw)
            except ValueError as e:
                raise InputError(f"{file}: node {n.node_id!r} has a bad IPC prefix: {e}") from None
            if pair not in out[n.node_id]:
                out[n.node_id].append(pair)
    return out


def chain_writes(spec: ChainSpec, prefixes: Mapping[str, list[tuple[str, str]]]) -> GraphWrites:
    """A chain definition → Chain and ChainNode nodes, HAS_NODE, UPSTREAM_OF and COVERS_IPC links.

    ``prefixes`` comes from :func:`chain_prefixes`; the IPC codes the COVERS_IPC links point at are
    in ``ipc_codes`` (write them with :func:`ipc_writes` first).
    """
    out = GraphWrites()
    out.nodes.append(NodeSpec("Chain", {"chain_id": spec.chain_id, "name": spec.name,
                                        "description": spec.description, "source": spec.source}))
    out.nodes += [NodeSpec("ChainNode", {
        "node_id": n.node_id, "chain_id": spec.chain_id, "name": n.name, "segment": n.segment,
        "keywords": list(n.keywords), "ipc_prefixes": [p for p, _ in prefixes[n.node_id]],
        "description": n.description, **n.placement_props()}) for n in spec.nodes]
    out.links += [Link("HAS_NODE", "Chain", spec.chain_id, "ChainNode", n.node_id) for n in spec.nodes]
    out.links += [Link("UPSTREAM_OF", "ChainNode", up, "ChainNode", n.node_id) for n in spec.nodes for up in n.upstream]
    out.links += [Link("COVERS_IPC", "ChainNode", node_id, "IPC", code, {"source": spec.source, "prefix": prefix})
                  for node_id, pairs in prefixes.items() for prefix, code in pairs]
    out.ipc_codes = list(dict.fromkeys(code for pairs in prefixes.values() for _, code in pairs))
    return out


# -- IPC ------------------------------------------------------------------------------------------
def ipc_writes(codes: Iterable[str], known: Callable[[str], bool] = lambda _code: False) -> GraphWrites:
    """IPC nodes ``{code, level}`` for ``codes`` and every ancestor up to the section, with PARENT
    edges to the immediate parent; codes for which ``known(code)`` is true are already written and skipped.

    Only ``code`` and ``level`` are set, so titles loaded from the IPC scheme survive.
    """
    todo: dict[str, N.IpcCode] = {}
    for code in codes:
        if code in todo or known(code):
            continue
        parsed = N.parse_ipc(code)
        todo[parsed.code] = parsed
        for parent in parsed.parents:
            if parent not in todo and not known(parent):
                todo[parent] = N.parse_ipc(parent)
    out = GraphWrites()
    out.nodes = [NodeSpec("IPC", {"code": c.code, "level": c.level}) for c in todo.values()]
    out.links = [Link("PARENT", "IPC", c.code, "IPC", c.parents[0]) for c in todo.values() if c.parents]
    return out


# -- organisations --------------------------------------------------------------------------------
def org_node_props(entry: OrgEntry) -> dict[str, Any]:
    """Minimal node properties of an organisation known from references (name, kind, aliases)."""
    aliases = sorted(entry.aliases)
    return {
        "org_id": entry.org_id, "name": entry.name, "name_norm": entry.name_norm, "kind": entry.kind,
        "aliases": aliases, "aliases_text": " ".join(aliases), "credit_code": entry.credit_code,
    }


def org_node(entry: OrgEntry) -> NodeSpec:
    """An organisation known from references → Organization node with its kind's sub-label."""
    return NodeSpec("Organization", org_node_props(entry), org_labels(entry.kind))


def org_alias_node(entry: OrgEntry) -> NodeSpec:
    """The alias properties of an organisation whose spellings grew during a load (rewritten at the end of a file)."""
    aliases = sorted(entry.aliases)
    return NodeSpec("Organization", {"org_id": entry.org_id, "aliases": aliases, "aliases_text": " ".join(aliases)})


# -- regions --------------------------------------------------------------------------------------
def region_writes() -> GraphWrites:
    """The region reference (province / city / district) → Region nodes and PART_OF edges."""
    nodes, rels = region_records()
    return GraphWrites(nodes=[NodeSpec("Region", n) for n in nodes],
                       links=[Link("PART_OF", "Region", r["start"], "Region", r["end"]) for r in rels])
