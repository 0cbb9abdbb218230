"""`branch-consult score-sheets`: bad input is one clear line and exit code 2, no files."""

from typer.testing import CliRunner

from branch_consult.cli import app

runner = CliRunner()


def test_missing_export(tmp_path):
    result = runner.invoke(
        app, ["score-sheets", str(tmp_path / "none.csv"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "quiz_responses: no such file" in result.output
    assert not (tmp_path / "out").exists()


def test_bad_rule_and_seeds(tmp_path):
    csv = tmp_path / "q.csv"
    csv.write_text("学员编号,姓名,题号,答案\nP1,甲,SM01,A\n", encoding="utf-8")
    result = runner.invoke(
        app, ["score-sheets", str(csv), "--rule", "half", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "--rule must be one of" in result.output
    result = runner.invoke(
        app, ["score-sheets", str(csv), "--seeds", "x", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "seeds must be whole numbers" in result.output
    assert not (tmp_path / "o").exists()
