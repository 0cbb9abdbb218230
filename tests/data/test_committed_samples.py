"""The committed sample data passes `branch-consult validate` as shipped, messy extract included."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from branch_consult.data import open_dataset, sample_path

MESSY = Path(__file__).resolve().parents[2] / "data_samples" / "messy"
runner = CliRunner()


def test_sample_bank_validates_clean():
    result = runner.invoke(app, ["validate", str(sample_path())])
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output
    assert "customers" in result.output and "unusable" not in result.output


@pytest.mark.parametrize(
    "name", ["branch_extract_zh.xlsx", "customers_gbk.csv", "staff_utf8_bom.csv"]
)
def test_messy_extracts_are_present(name):
    assert (MESSY / name).stat().st_size > 0


def test_messy_chinese_workbook_validates_and_reads_wan_and_dates():
    result = runner.invoke(app, ["validate", str(MESSY / "branch_extract_zh.xlsx")])
    assert result.exit_code == 0, result.output
    ds = open_dataset(MESSY / "branch_extract_zh.xlsx")
    holdings = ds["holdings"]
    assert (
        holdings["balance"].min() >= 0 and holdings["balance"].max() > 10_000
    )  # 万元 scaled to yuan
    assert str(ds["customers"]["onboarded_on"].dtype).startswith("datetime64")
