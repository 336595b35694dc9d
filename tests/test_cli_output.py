"""The CLI's files open in Excel (CSV with BOM, xlsx), it logs on request, and it never loads streamlit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def test_the_cli_does_not_import_streamlit():
    code = ("import sys, importlib, pkgutil, app.cli, app.commands as p\n"
            "[importlib.import_module(f'app.commands.{m.name}') for m in pkgutil.iter_modules(p.__path__)]\n"
            "import app.commands.load, app.commands.query, app.commands.output\n"
            "print('streamlit' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.strip() == "False", proc.stderr


def test_csv_has_a_bom_and_escapes_formulas_and_xlsx_opens():
    from app.commands.output import frame_bytes

    df = pd.DataFrame({"org_name": ["苏州示例科技有限公司", "=HYPERLINK(\"x\")"], "score": [1.5, 2.0], "ids": [["a", "b"], []]})
    data = frame_bytes(df, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.org_name) == ["苏州示例科技有限公司", "'=HYPERLINK(\"x\")"] and list(back.ids.fillna("")) == ["a; b", ""]
    book = pd.read_excel(io.BytesIO(frame_bytes(df, "xlsx")))
    assert list(book.org_name) == ["苏州示例科技有限公司", "'=HYPERLINK(\"x\")"] and list(book.score) == [1.5, 2.0]


def test_xlsx_refuses_a_terminal_but_writes_a_file(tmp_path, monkeypatch):
    from app.commands.output import emit_frame
    from graph.errors import ConfigError

    df = pd.DataFrame({"a": [1]})
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(ConfigError, match="-o"):
        emit_frame(df, "xlsx")
    emit_frame(df, "xlsx", tmp_path / "r.xlsx")
    assert pd.read_excel(tmp_path / "r.xlsx").a.tolist() == [1]


def test_verbose_and_log_file_options(tmp_path):
    from app.cli import main

    log = tmp_path / "logs" / "chainkg.log"
    from app import context

    env = {"CHAINKG_HOME": str(tmp_path / "h"), "CHAINKG_NEO4J_PORT": "1"}
    # The CLI caches its settings per process: clear them around this in-process run so the port-1
    # settings neither come from nor leak into other tests' CLI calls.
    context.settings.cache_clear()
    try:
        res = CliRunner().invoke(main, ["-v", "--log-file", str(log), "server", "status"], env=env)
    finally:
        context.settings.cache_clear()
    assert res.exit_code == 3
    text = log.read_text(encoding="utf-8")
    assert "chainkg.cli" in text or "chainkg server" in text


@pytest.mark.neo4j
def test_query_csv_and_xlsx_from_the_real_command(driver, settings, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "app.cli", "query", "lookup_chains"]
    csv_out = subprocess.run([*base, "--format", "csv"], capture_output=True, env=env, cwd=tmp_path, timeout=300)
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout.startswith(b"\xef\xbb\xbf")
    xlsx = tmp_path / "chains.xlsx"
    res = subprocess.run([*base, "--format", "xlsx", "-o", str(xlsx), "--headers", "zh"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr
    book = pd.read_excel(xlsx)
    assert len(book) == len(pd.read_csv(io.BytesIO(csv_out.stdout), encoding="utf-8-sig"))
