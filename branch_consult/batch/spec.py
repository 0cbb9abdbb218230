"""What a playbook iterates over in a batch, and which items a batch runs.

Declared in the notebook metadata, so the batch command needs no per-playbook code:
`branch_consult.batch: {parameter: branch_id, items: {table: branches, column: branch_id}}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branch_consult.errors import ParameterError, PlaybookDefinitionError
from branch_consult.playbooks import Playbook


@dataclass(frozen=True)
class BatchSpec:
    """The parameter a batch varies and the table column that lists its values."""

    parameter: str
    table: str
    column: str


def batch_spec(playbook: Playbook) -> BatchSpec:
    """The playbook's batch declaration, or one line saying it has none (or a broken one)."""
    raw = playbook.meta.get("batch")
    if raw is None:
        raise ParameterError(
            [
                f"playbook {playbook.name!r} declares no batch: add to its notebook metadata "
                "branch_consult.batch: {parameter: ..., items: {table: ..., column: ...}}"
            ]
        )
    items = raw.get("items") if isinstance(raw, dict) else None
    if (
        not isinstance(raw, dict)
        or not isinstance(items, dict)
        or not {"table", "column"} <= set(items)
        or not raw.get("parameter")
    ):
        raise PlaybookDefinitionError(
            f"playbook {playbook.name!r}: metadata branch_consult.batch must be "
            "{parameter: NAME, items: {table: TABLE, column: COLUMN}}"
        )
    spec = BatchSpec(str(raw["parameter"]), str(items["table"]), str(items["column"]))
    if spec.parameter not in playbook.params:
        raise PlaybookDefinitionError(
            f"playbook {playbook.name!r}: batch parameter {spec.parameter!r} is not one of its parameters"
        )
    return spec


def list_items(spec: BatchSpec, dataset: Callable[[], Any]) -> list[str]:
    """Every item in the data, sorted (distinct values of the declared column)."""
    return sorted({str(v) for v in dataset().distinct(spec.table, spec.column) if str(v) != ""})


def choose_items(spec: BatchSpec, selection: str, available: Sequence[str]) -> list[str]:
    """`all`, `ID,ID,...`, or a file of ids (one a line, `#` comments): checked against the data."""
    text = (selection or "all").strip()
    if text == "all":
        return list(available)
    path = Path(text)
    if path.is_file():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError([f"--items {path}: cannot read the file ({exc})"]) from None
        wanted = [ln.split("#", 1)[0].strip() for ln in lines]
    else:
        wanted = [part.strip() for part in text.split(",")]
    wanted = list(dict.fromkeys(w for w in wanted if w))
    if not wanted:
        raise ParameterError([f"--items {text!r}: no items given"])
    known = set(available)
    unknown = [w for w in wanted if w not in known]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise ParameterError(
            [
                f"--items: {shown} not found in {spec.table}.{spec.column} of the data "
                f"({len(available)} known, e.g. {', '.join(list(available)[:3])})"
            ]
        )
    return wanted
