"""The data contract as a document (docs/data-contract.md is generated from this)."""

from __future__ import annotations

from branch_consult.data.contract import TABLES, Column

_KIND = {
    "id": "text id",
    "text": "text",
    "int": "whole number",
    "float": "number",
    "money": "amount (yuan)",
    "date": "date",
    "datetime": "date and time",
    "month": "month YYYY-MM",
    "bool": "yes/no",
}


def _rules(col: Column) -> str:
    parts = []
    parts.append("optional" if col.nullable else "required")
    if col.allowed:
        parts.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
    if col.min is not None:
        parts.append(f"≥ {col.min:g}")
    if col.max is not None:
        parts.append(f"≤ {col.max:g}")
    if col.references:
        parts.append(f"→ `{col.references}`")
    return "; ".join(parts)


def contract_markdown() -> str:
    lines = [
        "# Data contract",
        "",
        "Generated from `branch_consult/data/contract.py` by `branch-consult contract --markdown`;",
        "edit that module, not this page.",
        "",
        "A data source is a folder of files named `<table>.csv|.parquet|.xlsx` (English or",
        "Chinese table name), one Excel workbook with one sheet per table, a DuckDB or SQLite",
        "file, or a SQLAlchemy database URL with tables of these names. Only the tables a",
        "playbook needs must be present. Headers may be the English column name or one of the",
        "Chinese names listed; a unit in the header (`余额(万元)`) scales the amounts. Dates may",
        "be written 2026-04-17, 2026/4/17 or 2026年4月17日; ambiguous forms (04/05/2026) are",
        "refused. Every problem is reported with source, table, column and row.",
        "",
    ]
    for spec in TABLES.values():
        lines += [
            f"## `{spec.name}` ({spec.zh})",
            "",
            f"One row per {spec.grain}. Key: {', '.join(f'`{k}`' for k in spec.key)}.",
            "",
            "| column | type | rules | Chinese headers accepted | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for col in spec.columns:
            lines.append(
                f"| `{col.name}` | {_KIND[col.kind]} | {_rules(col)} | {' '.join(col.zh)} | {col.doc} |"
            )
        lines.append("")
    lines += [
        "## Cross-table rules",
        "",
        "- Every `→ table.column` reference must name an existing row of that table (when the",
        "  source has that table).",
        "- `targets.id` names a staff member when `level` is `staff` and a branch when it is `branch`.",
        "- Balances and amounts are never negative; keys are unique.",
        "",
    ]
    return "\n".join(lines + _hardening_rules() + _playbook_tables())


def _hardening_rules() -> list[str]:
    from branch_consult.data import limits, periods

    return [
        "## What is refused",
        "",
        "- Numbers that are not finite (`inf`, `Infinity`, `-inf`, `1e309`).",
        "- Dates after today (except `staff.left_on`, a planned leaving date); set",
        "  `BRANCH_CONSULT_TODAY` to judge as of another day.",
        "- A table present with a header but no data rows (remove the file if the data is not available).",
        f"- Months after the current month, or more than {periods.MAX_MONTHS_BEYOND} months after the last",
        "  month holding most of the rows (a stray row would otherwise become the report month).",
        f"- Text longer than {limits.MAX_TEXT_CHARS:,} characters, identifiers longer than {limits.MAX_ID_CHARS}.",
        f"- Workbooks that unpack to more than {limits.MAX_WORKBOOK_BYTES // 2**20} MiB, or with one part over",
        f"  {limits.MAX_WORKBOOK_PART_BYTES // 2**20} MiB, refused before loading (override with the",
        "  `BRANCH_CONSULT_MAX_*` environment variables in `branch_consult/data/limits.py`).",
        "- Excel formulas without a saved result (save the workbook in Excel or LibreOffice first).",
        "",
        "Headers are matched ignoring invisible characters (BOM, zero-width space), with a warning",
        "naming the raw header.",
        "",
    ]


def _playbook_tables() -> list[str]:
    from branch_consult.data.requirements import playbook_needs

    lines = [
        "## Tables each playbook needs",
        "",
        "Declared in `branch_consult/data/playbook_tables.yaml`. `branch-consult validate` fails when",
        "a required table is missing (`--playbook NAME` checks one playbook only); without an",
        "optional table the playbook leaves that section out.",
        "",
        "| playbook | required | optional |",
        "| --- | --- | --- |",
    ]
    for needs in playbook_needs().values():
        lines.append(
            f"| `{needs.playbook}` | {', '.join(needs.required) or '-'} | {', '.join(needs.optional) or '-'} |"
        )
    lines.append("")
    return lines


def contract_text() -> str:
    lines = []
    for spec in TABLES.values():
        lines.append(
            f"{spec.name} ({spec.zh}) - one row per {spec.grain}; key {', '.join(spec.key)}"
        )
        for col in spec.columns:
            lines.append(f"    {col.name:<16} {_KIND[col.kind]:<14} {_rules(col)}")
    return "\n".join(lines)
