"""docs/data-contract.md is generated from the contract module and must not drift from it."""

from pathlib import Path

from branch_consult.data.contract import TABLES
from branch_consult.data.contract_doc import contract_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"


def test_doc_matches_contract():
    assert DOC.read_text(encoding="utf-8").strip() == contract_markdown().strip(), (
        "regenerate with: branch-consult contract --markdown > docs/data-contract.md"
    )


def test_every_table_and_column_documented():
    text = contract_markdown()
    for spec in TABLES.values():
        assert f"## `{spec.name}` ({spec.zh})" in text
        for col in spec.columns:
            assert f"| `{col.name}` |" in text
