"""docs/playbooks.md's interactive example runs as written (open data, one analysis, a chart)."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "playbooks.md"


def test_playbook_walkthrough_code_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    table, chart = namespace["table"], namespace["chart"]
    assert table.columns[0].label == "Region" and sum(r[1] for r in table.rows) > 0
    assert chart.figure["data"][0]["type"] == "bar"
    assert len(table.rows) == namespace["ov"].branches["region"].nunique()
