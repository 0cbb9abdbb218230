"""Bad command-line input: each case gives one line naming what is wrong, exit 2, never a traceback.

Every case is refused before a kernel starts (the papermill spy records no call) and
leaves no file behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from tests.run.test_run import spy_papermill, write_tiny_bank

runner = CliRunner()
DIAG = "branch_diagnostic"
RULES_SHAPE = "expected a YAML mapping with a 'rules:' list"


@pytest.fixture
def bank(tmp_path):
    return write_tiny_bank(tmp_path / "bank")


CASES = [
    # (arguments after `run`, expected fragment of the one-line message)
    (["-p", "tier_top", "1e400"], "parameter 'tier_top': expected a finite number, got '1e400'"),
    (["-p", "tier_top", "inf"], "parameter 'tier_top': expected a finite number, got 'inf'"),
    (["-p", "tier_top", "nan"], "parameter 'tier_top': expected a finite number, got 'nan'"),
    (["-p", "tier_top=-Infinity"], "parameter 'tier_top': expected a finite number"),
    (
        ["-p", "month", "2026-01", "-p", "comparison_month", "2026-09"],
        "parameter 'comparison_month': 2026-09 is not before the report month 2026-01",
    ),
    (
        ["-p", "month", "2026-09", "-p", "comparison_month", "2026-09"],
        "parameter 'comparison_month': 2026-09 is not before the report month 2026-09",
    ),
    (
        ["-p", "comparison_month", "2026-12"],  # the latest month in the data is 2026-10
        "parameter 'comparison_month': 2026-12 is not before the report month 2026-10",
    ),
    (
        ["-p", "rules", "/dev/zero"],
        f"parameter 'rules': not a rules file: /dev/zero (not a regular file); {RULES_SHAPE}",
    ),
    (
        ["-p", "rules", "/etc/passwd"],
        f"not a rules file: /etc/passwd (no 'rules:' list at the top); {RULES_SHAPE}",
    ),
    (
        ["-p", "rules", "/nonexistent/rules.yaml"],
        "parameter 'rules': no such file /nonexistent/rules.yaml",
    ),
    (["--bogus"], "no such option: --bogus"),
    (["-p", "branch_id", "B001", "stray"], "unexpected argument(s): stray"),
]


@pytest.mark.parametrize("args, expected", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_run_input_is_one_line_before_any_kernel(args, expected, bank, tmp_path, monkeypatch):
    calls: list = []
    spy_papermill(monkeypatch, calls)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", DIAG, "--data", str(bank), "--out", str(out), "-p", "branch_id", "B001", *args]
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert "Traceback" not in result.output and calls == []
    assert not out.exists() or list(out.iterdir()) == []


def test_rules_file_of_the_wrong_shape_names_the_rule(bank, tmp_path, monkeypatch):
    spy_papermill(monkeypatch, [])
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: x\n    subject: lobby\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "run",
            DIAG,
            "--data",
            str(bank),
            "--out",
            str(tmp_path / "o"),
            "-p",
            "branch_id",
            "B001",
            "-p",
            "rules",
            str(rules),
        ],
    )
    assert result.exit_code == 2
    assert f"not a rules file: {rules} (rule 1: metric: Field required)" in result.output


def test_negative_numbers_reach_their_parameter(tmp_path, monkeypatch):
    calls: list = []
    spy_papermill(monkeypatch, calls)
    simple = str(Path(__file__).parent.parent / "notebooks" / "simple.ipynb")
    result = runner.invoke(
        app,
        [
            "run",
            simple,
            "--out",
            str(tmp_path),
            "-p",
            "count",
            "-5",
            "-p",
            "ratio",
            "-0.25",
            "--formats",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls[0]["count"] == -5 and calls[0]["ratio"] == -0.25


def test_undecodable_parameter_value_names_the_parameter(bank, tmp_path):
    """A GBK-encoded value from a non-UTF-8 terminal (a real process: bytes in argv)."""
    gbk = "城东".encode("gbk")
    done = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"branch_consult.cli",
            b"run",
            DIAG.encode(),
            b"--data",
            bytes(bank),
            b"--out",
            bytes(tmp_path / "o"),
            b"-p",
            b"branch_id",
            gbk,
        ],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "parameter 'branch_id': the value is not UTF-8 text" in err and err.count("\n") == 1
    assert "Traceback" not in err and "surrogate" not in err


def test_out_that_is_a_file_is_one_line(tmp_path, monkeypatch):
    spy_papermill(monkeypatch, [])
    target = tmp_path / "out"
    target.write_text("not a folder")
    result = runner.invoke(
        app,
        [
            "run",
            str(Path(__file__).parent.parent / "notebooks" / "simple.ipynb"),
            "--out",
            str(target),
            "--formats",
            "html",
        ],
    )
    assert result.exit_code == 2
    assert f"--out {target} is a file, not a folder" in result.output
    assert target.read_text() == "not a folder"


def test_out_under_a_file_is_one_line(tmp_path, monkeypatch):
    spy_papermill(monkeypatch, [])
    (tmp_path / "f").write_text("x")
    result = runner.invoke(
        app,
        [
            "run",
            str(Path(__file__).parent.parent / "notebooks" / "simple.ipynb"),
            "--out",
            str(tmp_path / "f" / "out"),
            "--formats",
            "html",
        ],
    )
    assert result.exit_code == 2 and "cannot create the output folder" in result.output
    assert "Traceback" not in result.output


def test_params_file_in_gbk_is_one_line(tmp_path):
    pfile = tmp_path / "p.yaml"
    pfile.write_bytes("client: 城东银行\n".encode("gbk"))
    result = runner.invoke(app, ["run", DIAG, "--params", str(pfile), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"parameters file {pfile} is not UTF-8 text (byte 8); save it as UTF-8" in result.output
