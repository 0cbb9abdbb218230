"""YAML documents validated by pydantic models, with errors that name the line and field.

A trainer edits course and question-bank files by hand; a message such as
``course.yaml line 42, lectures[1].sections[0].minutes: Input should be greater than 0``
points at the exact place to fix, where a bare pydantic error would not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DocumentError(ValueError):
    """A course or question-bank document that cannot be used; `str()` lists every fault."""

    def __init__(self, source: str, faults: Sequence[str]):
        self.source = source
        self.faults = list(faults)
        super().__init__(
            f"{source}: " + "; ".join(self.faults)
            if len(self.faults) == 1
            else f"{source} has {len(self.faults)} problems:\n"
            + "\n".join(f"  - {f}" for f in self.faults)
        )


def _lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*path, k)] = key.start_mark.line + 1
            _lines(value, (*path, k), out)
            out[(*path, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out)


def load_yaml_with_lines(path: str | Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The parsed document and the line of every mapping key and list item (1-based)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(str(p), [f"cannot read the file ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise DocumentError(str(p), ["the file is not UTF-8 text"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DocumentError(str(p), [f"{where}not valid YAML ({problem})"]) from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _lines(node, (), lines)
    return data, lines


def field_path(loc: Sequence[Any]) -> str:
    """('lectures', 1, 'sections', 0, 'minutes') -> 'lectures[1].sections[0].minutes'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(document)"


def line_of(loc: Sequence[Any], lines: dict[tuple[Any, ...], int]) -> int | None:
    """The line of the deepest part of `loc` that exists in the document."""
    parts = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
    for n in range(len(parts), -1, -1):
        if parts[:n] in lines:
            return lines[parts[:n]]
    return None


def validate_document(model: type[M], path: str | Path, context: dict[str, Any] | None = None) -> M:
    """Parse `path` and validate it as `model`; every fault reported with line and field."""
    data, lines = load_yaml_with_lines(path)
    if not isinstance(data, dict):
        raise DocumentError(str(path), ["expected a mapping of fields at the top of the document"])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        faults = []
        for err in exc.errors():
            loc = err.get("loc", ())
            line = line_of(loc, lines)
            where = f"line {line}, " if line else ""
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            faults.append(f"{where}{field_path(loc)}: {msg}")
        raise DocumentError(str(path), faults) from None
