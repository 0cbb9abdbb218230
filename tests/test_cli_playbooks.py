"""CLI: listing, parameters, run errors as one red line (exit 2), lab environment, real runs."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from tests.test_run import spy_papermill, write_tiny_bank

runner = CliRunner()
SIMPLE = str(Path(__file__).parent / "notebooks" / "simple.ipynb")


def test_playbooks_lists_bank_overview():
    result = runner.invoke(app, ["playbooks"])
    assert result.exit_code == 0
    assert "bank_overview" in result.output and "comparing all branches" in result.output


def test_params_shows_types_defaults_and_help():
    result = runner.invoke(app, ["params", "bank_overview"])
    assert result.exit_code == 0
    line = next(ln for ln in result.output.splitlines() if ln.startswith("lang"))
    assert "str" in line and "'zh'" in line and "one of: zh, en" in line


@pytest.mark.parametrize("args, expected", [
    (["run", "bank_ovrview"], "did you mean 'bank_overview'"),
    (["run", "bank_overview", "-p", "lnag", "en"], "unknown parameter 'lnag' (did you mean 'lang'?)"),
    (["run", "bank_overview", "--lang", "fr"], "'lang': 'fr' is not one of zh, en"),
    (["run", "bank_overview", "-p", "month"], "-p month needs a value"),
    (["run", "bank_overview", "--data", "/nonexistent/bank"], "/nonexistent/bank"),
    (["params", "nope"], "unknown playbook 'nope'"),
])
def test_user_errors_exit_2_without_traceback(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_run_merges_params_file_under_p_values(monkeypatch, tmp_path):
    calls = []
    spy_papermill(monkeypatch, calls)
    pfile = tmp_path / "p.yaml"
    pfile.write_text("name: fromfile\ncount: 4\n", encoding="utf-8")
    result = runner.invoke(app, ["run", SIMPLE, "--out", str(tmp_path / "o"), "--params", str(pfile),
                                 "-p", "name", "cli", "-p", "ratio=0.1", "--formats", "html"])
    assert result.exit_code == 0, result.output
    assert calls[0]["name"] == "cli" and calls[0]["count"] == 4 and calls[0]["ratio"] == 0.1
    printed = result.output.split()
    assert str(tmp_path / "o" / "simple_cli_en.html") in printed


def test_lab_points_jupyter_at_playbooks_and_sample(monkeypatch):
    import subprocess

    seen = {}

    class Done:
        returncode = 0

    def fake_run(cmd, env=None, check=False):
        seen["cmd"], seen["env"] = cmd, env
        return Done()

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.delenv("BRANCH_CONSULT_DATA", raising=False)
    result = runner.invoke(app, ["lab", "--no-browser", "--port", "8899"])
    assert result.exit_code == 0, result.output
    assert any(a.startswith("--ServerApp.root_dir=") and a.endswith("playbooks") for a in seen["cmd"])
    assert "--port=8899" in seen["cmd"] and "--no-browser" in seen["cmd"]
    from branch_consult.data import sample_path

    assert seen["env"]["BRANCH_CONSULT_DATA"] == str(sample_path())


@pytest.mark.slow
def test_run_bank_overview_for_real(tmp_path):
    data = write_tiny_bank(tmp_path / "bank")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "bank_overview", "--data", str(data), "--out", str(out),
                                 "-p", "month", "2026-09", "--formats", "html"])
    assert result.exit_code == 0, result.output
    assert (out / "bank_overview_2026-09_zh.html").exists()
    assert "全行网点经营概览" in (out / "bank_overview_2026-09_zh.html").read_text(encoding="utf-8")
