"""Organisations name chain nodes as written in their chain file; the load table, rejects and exit agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.pipeline import load_directory

ROOT = Path(__file__).resolve().parent.parent

CHAIN = """id: {cid}
name: 测试链{n}
nodes:
  - id: {short}
    name: 节点甲
    segment: upstream
    upstream: []
  - id: {other}
    name: 节点乙
    segment: midstream
    upstream: [{short}]
"""


def _folder(tmp_path: Path, ns: str) -> tuple[Path, dict[str, str]]:
    ids = {"a": f"{ns}chain_a", "b": f"{ns}chain_b", "unique": f"{ns}n_037", "shared": f"{ns}n_001"}
    chains = tmp_path / "chains"
    chains.mkdir(parents=True)
    # Both chains have n_001 (ambiguous); only chain a has n_037 (unique).
    (chains / "a.yaml").write_text(CHAIN.format(cid=ids["a"], n=1, short=ids["shared"], other=ids["unique"]),
                                   encoding="utf-8")
    (chains / "b.yaml").write_text(CHAIN.format(cid=ids["b"], n=2, short=ids["shared"], other=f"{ns}n_900"),
                                   encoding="utf-8")
    (tmp_path / "organizations.csv").write_text(
        "name,kind,region,chain_nodes\n"
        f"{ns}甲示例科技有限公司,company,320500,{ids['unique']}\n"
        f"{ns}乙示例科技有限公司,company,320500,{ids['shared']};{ids['a']}.{ids['unique']}\n"
        f"{ns}丙示例科技有限公司,company,320500,{ns}n_03\n",
        encoding="utf-8")
    return tmp_path, ids


@pytest.fixture
def orgs_cleanup(driver, settings, ns):
    """Organisation keys are generated (not prefixed), so delete this test's organisations by name."""
    yield
    driver.execute_query("MATCH (o:Organization) WHERE o.name STARTS WITH $ns DETACH DELETE o", ns=ns,
                         database_=settings.database)


@pytest.mark.neo4j
def test_short_chain_node_ids_resolve_when_unique_and_name_candidates_otherwise(driver, settings, ns, tmp_path,
                                                                               orgs_cleanup):
    folder, ids = _folder(tmp_path, ns)
    report = load_directory(driver, folder, database=settings.database)
    orgs = next(f for f in report.files if f.file.startswith("organizations"))
    assert orgs.loaded == 3 and orgs.rejected == 0  # every row loaded; only links were dropped
    assert orgs.dropped_links == 2
    reasons = {r.row: r.reason for r in report.rejects if r.file.startswith("organizations")}
    assert f"{ids['a']}.{ids['shared']}" in reasons[3] and f"{ids['b']}.{ids['shared']}" in reasons[3]
    assert "2 chains" in reasons[3] and "link dropped, row loaded" in reasons[3]
    assert "unknown chain node" in reasons[4] and f"{ids['a']}.{ids['unique']}" in reasons[4]  # closest id named
    assert report.exit_code == 1

    links = driver.execute_query(
        "MATCH (o:Organization)-[:IN_NODE]->(n:ChainNode) WHERE o.name STARTS WITH $ns "
        "RETURN o.name AS org, n.node_id AS node ORDER BY org, node", ns=ns, database_=settings.database).records
    got = {(r["org"], r["node"]) for r in links}
    full = f"{ids['a']}.{ids['unique']}"
    assert got == {(f"{ns}甲示例科技有限公司", full), (f"{ns}乙示例科技有限公司", full)}


@pytest.mark.neo4j
def test_load_table_shows_links_dropped_beside_rejects_and_the_exit_code(driver, settings, ns, tmp_path, orgs_cleanup):
    folder, _ = _folder(tmp_path, ns)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "load", str(folder)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "links dropped" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if "organizations.csv" in line)
    cells = [c.strip() for c in row.replace("┃", "│").split("│") if c.strip()]
    assert cells[1:5] == ["3", "3", "0", "2"], row  # read, loaded, rows rejected, links dropped
    assert "exit 1: 0 rows rejected, 2 links dropped" in proc.stdout
    rejects = (folder / "rejects" / "organizations.csv").read_bytes()
    assert rejects.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese reasons correctly
    assert rejects.decode("utf-8-sig").count("link dropped") == 2
