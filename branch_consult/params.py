"""Typed parameter schema of a playbook, checked before any kernel starts.

papermill only warns about unknown parameters and guesses types from the source. Here
the `parameters` cell (`name: type = default  # help`, parsed by papermill's own
inspector) plus optional constraints in the notebook metadata
`branch_consult.parameters` (e.g. `{"branch_id": {"kind": "branch_id"},
"lang": {"choices": ["zh", "en"]}}`) become a schema that validates values, coerces
command-line strings, and explains every problem in one line a consultant can act on.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    create_model,
)

from branch_consult.errors import ParameterError, PlaybookDefinitionError

#: Declared type name (as written in the parameters cell) -> pydantic field type.
_TYPES: dict[str, Any] = {
    "str": StrictStr,
    "int": StrictInt,
    "float": float,
    "bool": StrictBool,
    "list": list,
    "dict": dict,
}
_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list, e.g. [a, b]",
    "dict": "a mapping, e.g. {a: 1}",
}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KINDS = ("branch_id", "month", "data", "path", "staff_id")


__all__ = [
    "KINDS",
    "ParamSchema",
    "ParamSpec",
    "ParameterError",
    "load_params_file",
    "merge_params",
]


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter: its type, default, help and extra constraints."""

    name: str
    type: str
    default: Any
    help: str = ""
    choices: tuple[Any, ...] | None = None
    kind: str | None = None

    def describe_type(self) -> str:
        return _TYPE_WORDS.get(self.type, self.type)


def _infer_type(declared: str, default: Any) -> str:
    """The declared annotation, or the default's type when there is no annotation."""
    name = (declared or "").strip().lower()
    if name in _TYPES:
        return name
    if name.startswith(("list", "tuple")):
        return "list"
    if name.startswith("dict"):
        return "dict"
    for type_name, py in (
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("str", str),
        ("list", (list, tuple)),
        ("dict", dict),
    ):
        if isinstance(default, py):
            return type_name
    return "str"


def _literal(source: str) -> Any:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source


@dataclass
class ParamSchema:
    """All parameters of one playbook, in declaration order."""

    specs: list[ParamSpec] = field(default_factory=list)
    #: names starting with `_`: filled by `run` with what its parent learnt (never by a user)
    handed: tuple[str, ...] = ()

    @classmethod
    def from_notebook(cls, nb: Mapping[str, Any]) -> ParamSchema:
        """Read the `parameters`-tagged cell and the metadata constraints of a notebook."""
        from papermill.translators import PythonTranslator

        cell = next(
            (
                c
                for c in nb.get("cells", [])
                if "parameters" in c.get("metadata", {}).get("tags", [])
            ),
            None,
        )
        if cell is None:
            return cls([])
        extra = (nb.get("metadata", {}).get("branch_consult", {}) or {}).get("parameters", {}) or {}
        specs = []
        handed: list[str] = []
        for p in PythonTranslator.inspect(cell):
            if p.name.startswith("_"):
                handed.append(p.name)
                continue
            default = _literal(p.default)
            rules = extra.get(p.name, {}) or {}
            kind = rules.get("kind")
            if kind is not None and kind not in KINDS:
                raise PlaybookDefinitionError(
                    f"parameter {p.name!r}: unknown kind {kind!r} (known: {', '.join(KINDS)})"
                )
            choices = tuple(rules["choices"]) if rules.get("choices") else None
            specs.append(
                ParamSpec(
                    name=p.name,
                    type=_infer_type(
                        p.inferred_type_name if p.inferred_type_name != "None" else "", default
                    ),
                    default=default,
                    help=p.help or rules.get("help", ""),
                    choices=choices,
                    kind=kind,
                )
            )
        missing = _assigned_names(cell["source"]) - {s.name for s in specs} - set(handed)
        if missing:
            raise PlaybookDefinitionError(
                f"parameters cell: cannot read the declaration of {', '.join(sorted(missing))}; "
                "write one `name: type = value  # help` per line (no ';' in the help)"
            )
        return cls(specs, tuple(handed))

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def get(self, name: str) -> ParamSpec | None:
        return next((s for s in self.specs if s.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {s.name: s.default for s in self.specs}

    def model(self) -> type[BaseModel]:
        """A pydantic model of the schema (strict types; command-line strings are parsed first)."""
        fields = {s.name: (_TYPES[s.type], s.default) for s in self.specs}
        # create_model's overloads want each field as a literal keyword; ours come from YAML
        model: type[BaseModel] = create_model(  # type: ignore[call-overload]
            "PlaybookParameters", __config__=ConfigDict(extra="forbid"), **fields
        )
        return model

    def validate(
        self,
        values: Mapping[str, Any],
        *,
        branch_ids: Callable[[], Iterable[str]] | None = None,
        staff_ids: Callable[[], Iterable[str]] | None = None,
    ) -> dict[str, Any]:
        """Check and coerce `values`, returning the full parameter set (defaults filled in).

        `branch_ids` is called lazily, only when a `branch_id`-kind parameter has a
        value, so that a playbook without one never loads data here; `staff_ids` likewise
        for `staff_id`-kind parameters (one id, or several separated by commas).
        """
        problems: list[str] = []
        known = self.names
        given: dict[str, Any] = {}
        for name, value in values.items():
            spec = self.get(name)
            if spec is None:
                near = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                valid = ", ".join(known) if known else "none"
                problems.append(f"unknown parameter {name!r}{hint}; valid parameters: {valid}")
                continue
            given[name] = _from_text(value, spec)
        if problems:
            raise ParameterError(problems)
        try:
            checked = self.model()(**given).model_dump()
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "?"
                spec = self.get(name)
                want = spec.describe_type() if spec else "?"
                problems.append(
                    f"parameter {name!r}: expected {want}, got {_show(err.get('input'))}"
                )
            raise ParameterError(problems) from None
        for spec in self.specs:
            value = checked[spec.name]
            if spec.choices is not None and value not in spec.choices:
                options = ", ".join(map(str, spec.choices))
                problems.append(f"parameter {spec.name!r}: {_show(value)} is not one of {options}")
            if isinstance(value, float) and not math.isfinite(value):
                problems.append(
                    f"parameter {spec.name!r}: expected a finite number, got {_show(values.get(spec.name, value))}"
                )
            if spec.kind == "month" and value not in ("", None) and not _MONTH.match(str(value)):
                problems.append(f"parameter {spec.name!r}: {_show(value)} is not a month YYYY-MM")
        branch_specs = [
            s for s in self.specs if s.kind == "branch_id" and checked[s.name] not in ("", None)
        ]
        if branch_specs and branch_ids is not None and not problems:
            valid_ids = list(branch_ids())
            for spec in branch_specs:
                if checked[spec.name] not in valid_ids:
                    near = difflib.get_close_matches(str(checked[spec.name]), valid_ids, n=1)
                    hint = f" (did you mean {near[0]!r}?)" if near else ""
                    problems.append(
                        f"parameter {spec.name!r}: unknown branch {_show(checked[spec.name])}{hint}; "
                        f"branches in the data: {', '.join(valid_ids)}"
                    )
        staff_specs = [s for s in self.specs if s.kind == "staff_id"]
        if staff_specs and staff_ids is not None and not problems:
            problems += _check_staff(staff_specs, checked, staff_ids)
        if problems:
            raise ParameterError(problems)
        return checked


def split_ids(value: Any) -> list[str]:
    """'S001, S002' (or a list) → ['S001', 'S002']: the ids a staff_id-kind parameter names."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    return [str(i).strip() for i in items if str(i).strip()]


def _check_staff(
    specs: list[ParamSpec], checked: Mapping[str, Any], staff_ids: Callable[[], Iterable[str]]
) -> list[str]:
    """Unknown staff ids, each with a did-you-mean (the staff list itself is too long to print)."""
    problems = []
    known: list[str] | None = None
    for spec in specs:
        ids = split_ids(checked[spec.name])
        if not ids:
            problems.append(
                f"parameter {spec.name!r}: give at least one staff id (staff_id in the staff table)"
            )
            continue
        known = known if known is not None else list(staff_ids())
        valid = set(known)
        for sid in ids:
            if sid not in valid:
                near = difflib.get_close_matches(sid, known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append(
                    f"parameter {spec.name!r}: unknown staff {_show(sid)}{hint} in table staff"
                )
    return problems


def _assigned_names(source: str | list[str]) -> set[str]:
    """Top-level names the parameters cell assigns (to catch lines papermill could not parse)."""
    text = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _from_text(value: Any, spec: ParamSpec) -> Any:
    """Parse a command-line string into the declared type (YAML syntax for lists and maps)."""
    if not isinstance(value, str) or spec.type == "str":
        if spec.type == "float" and isinstance(value, bool):
            return value  # let the model reject it rather than read True as 1.0
        return value
    text = value.strip()
    if spec.type == "bool":
        low = text.lower()
        if low in ("true", "yes", "y", "1", "on"):
            return True
        if low in ("false", "no", "n", "0", "off"):
            return False
        return value
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return value
    if spec.type == "list" and isinstance(parsed, str):
        return [p.strip() for p in parsed.split(",") if p.strip()]
    return parsed


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def merge_params(
    file_values: Mapping[str, Any] | None, cli_values: Mapping[str, Any]
) -> dict[str, Any]:
    """`--params FILE.yaml` values overridden by `-p NAME VALUE` values."""
    merged = dict(file_values or {})
    merged.update(cli_values)
    return merged


def load_params_file(path: str) -> dict[str, Any]:
    """Read a YAML mapping of parameters; a readable ParameterError otherwise."""
    try:
        with open(path, encoding="utf-8") as fh:
            loaded = yaml.safe_load(fh)
    except OSError as exc:
        raise ParameterError([f"cannot read parameters file {path}: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ParameterError(
            [f"parameters file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    except yaml.YAMLError as exc:
        raise ParameterError(
            [f"parameters file {path} is not valid YAML: {exc}".splitlines()[0]]
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError([f"parameters file {path} must hold a mapping of name: value"])
    return {str(k): v for k, v in loaded.items()}
