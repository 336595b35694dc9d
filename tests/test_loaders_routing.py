"""The loader's validate → reference check → routing stage, without a server (graph lookups stubbed).

These pin down what the fast path (refs collected while validating, records spooled as plain
tuples, one spool per write group) must keep: citations of a patent further down the same file
are kept, links to unknown targets are dropped and counted, a required unknown reference rejects
the row, and nothing of a rejected row is routed.
"""

from collections import defaultdict

import pytest

from loaders import pipeline
from loaders.chain_refs import ChainNodeIds
from loaders.resolve import OrgResolver


@pytest.fixture
def loader(monkeypatch):
    in_graph = {"Patent": {"CN900000009A"}}
    asked: list[tuple[str, set[str]]] = []

    def existing_keys(driver, label, keys, *, database="neo4j"):
        asked.append((label, set(keys)))
        return set(keys) & in_graph.get(label, set())

    monkeypatch.setattr(pipeline, "existing_keys", existing_keys)
    ld = pipeline.Loader.__new__(pipeline.Loader)
    ld.driver, ld.database, ld.progress, ld.batch_size = None, "neo4j", None, 5000
    ld.resolver, ld.batch_keys = OrgResolver(), defaultdict(set)
    ld.chain_ids = ChainNodeIds(None)  # no graph: only this load's chain nodes qualify short ids
    ld.create_new = False  # routing only: the first-load CREATE path is tested in test_loaders_pipeline
    ld.asked = asked
    return ld


def _route(ld, kind, path):
    fr = pipeline.FileReport(path.name, kind)
    spool, rejects = pipeline._Spool(chunk=2), []  # tiny chunks: several pickled chunks are read back
    ld._validate(kind, path, fr, spool, rejects)
    routed = ld._check_references(kind, fr, spool, rejects)
    spool.close()
    return fr, routed, rejects


def _read(routed):
    nodes = {k: list(v) for k, v in routed.nodes.items()}
    links = {k[0]: sorted((a, b) for a, b, _ in v) for k, v in routed.links.items()}
    return nodes, links


def test_references_are_checked_once_and_links_routed_by_group(loader, tmp_path):
    (tmp_path / "patents.csv").write_text(
        "pub_no,title,applicants,ipc,cites\n"
        "CN900000001A,甲,甲公司;乙大学,H01M 10/0525;H01M4/13,CN900000002A;CN900000003A;CN900000009A\n"
        "CN900000002A,乙,甲公司,H01M4/13,\n", encoding="utf-8")
    fr, routed, rejects = _route(loader, "patents", tmp_path / "patents.csv")
    nodes, links = _read(routed)
    assert rejects == [] and fr.rows_read == 2
    assert [n["pub_no"] for n in nodes[("Patent", ())]] == ["CN900000001A", "CN900000002A"]
    # CN…2 is further down the same file, CN…9 is in the graph, CN…3 is nowhere: dropped and counted
    assert links["CITES"] == [("CN900000001A", "CN900000002A"), ("CN900000001A", "CN900000009A")]
    assert fr.dropped_links == 1
    assert loader.asked == [("Patent", {"CN900000003A", "CN900000009A"})]  # one lookup, only unknown keys
    assert links["CLASSIFIED_AS"] == [("CN900000001A", "H01M10/0525"), ("CN900000001A", "H01M4/13"),
                                      ("CN900000002A", "H01M4/13")]
    assert len(links["APPLICANT_OF"]) == 3 and links["HOLDS"] == links["APPLICANT_OF"]
    assert routed.ipc == {"H01M10/0525", "H01M4/13"}
    # one spool (one temporary file) per write group, however many rows were routed
    assert len(routed.links) == 4 and len(routed.nodes) == 1
    assert routed.used_orgs == {a for a, _ in links["APPLICANT_OF"]}
    routed.close()


def test_required_unknown_reference_rejects_the_row_and_routes_nothing_of_it(loader, tmp_path):
    loader.batch_keys["Patent"] |= {"CN900000001A"}
    (tmp_path / "licenses.csv").write_text(
        "pub_no,licensor,licensee,license_id\n"
        "CN900000001A,甲公司,乙公司,L1\n"
        "CN900000005A,丙公司,丁公司,L2\n"
        "CN900000009A,甲公司,戊公司,L3\n", encoding="utf-8")
    fr, routed, rejects = _route(loader, "licenses", tmp_path / "licenses.csv")
    nodes, links = _read(routed)
    assert [(r.row, r.field) for r in rejects] == [(3, "pub_no")]
    assert "unknown Patent 'CN900000005A'" in rejects[0].reason
    assert [n["license_id"] for n in nodes[("License", ())]] == ["L1", "L3"]
    assert links["OF"] == [("L1", "CN900000001A"), ("L3", "CN900000009A")]
    # the rejected row's organisations are not among those the write step will create
    names = {loader.resolver.orgs[o].name for o in routed.used_orgs}
    assert names == {"甲公司", "乙公司", "戊公司"}
    routed.close()


def test_pack_keeps_every_field_of_a_record():
    from loaders.validate import Link, Record, Ref

    rec = Record(7, "Patent", {"pub_no": "CN1A"}, ("X",), [Link("CITES", "Patent", "CN1A", "Patent", "CN2A", {"w": 1}, "k")],
                 [Ref("Patent", "CN2A", "cites", required=False, report=False)], ["H01M"])
    line, label, extra, node, links, refs, ipc = pipeline._pack(rec)
    assert (line, label, extra, node, ipc) == (7, "Patent", ("X",), {"pub_no": "CN1A"}, ["H01M"])
    assert links == [("CITES", "Patent", "CN1A", "Patent", "CN2A", {"w": 1}, "k")]
    assert refs == [("Patent", "CN2A", "cites", False, False)]


def test_prefetched_keeps_order_and_ends():
    assert list(pipeline.prefetched(range(2500), chunk=7, depth=2)) == list(range(2500))
    assert list(pipeline.prefetched(iter(()))) == []


def test_prefetched_reraises_errors_of_the_source():
    def source():
        yield from range(10)
        raise ValueError("spool broken")

    got = []
    with pytest.raises(ValueError, match="spool broken"):
        for x in pipeline.prefetched(source(), chunk=3):
            got.append(x)
    assert got == list(range(9))  # whole chunks before the failure arrive first


def test_prefetched_stops_its_thread_when_the_consumer_stops_early():
    import threading

    produced = []

    def source():
        for i in range(100_000):
            produced.append(i)
            yield i

    it = pipeline.prefetched(source(), chunk=10, depth=2)
    assert next(it) == 0
    it.close()  # what a failing write does (the generator is dropped)
    assert not [t for t in threading.enumerate() if t.name == "chainkg-prefetch"]
    assert len(produced) < 100  # bounded read-ahead: depth chunks, not the whole source
