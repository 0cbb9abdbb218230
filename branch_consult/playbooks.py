"""Discovery of playbooks: the parameterised notebooks in the repository's `playbooks/`.

A playbook is `playbooks/<name>.ipynb`. Its notebook metadata `branch_consult` says
what it is (`title`, `description`, in zh/en), constrains its parameters, and names
the parameters that go into output file names (`output_name`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import nbformat

from branch_consult.errors import PlaybookNotFound
from branch_consult.params import ParamSchema

__all__ = ["Playbook", "PlaybookNotFound", "get_playbook", "list_playbooks", "playbooks_dir"]

#: Environment variable that overrides where playbooks are looked for.
PLAYBOOKS_ENV = "BRANCH_CONSULT_PLAYBOOKS"




def playbooks_dir() -> Path:
    """The folder holding the playbooks (repo `playbooks/`, or $BRANCH_CONSULT_PLAYBOOKS)."""
    env = os.environ.get(PLAYBOOKS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "playbooks"


def _text(value: Any, lang: str) -> str:
    """A metadata text that is either a plain string or a {zh:..., en:...} mapping."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("zh") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Playbook:
    """One playbook on disk; reads the notebook lazily."""

    name: str
    path: Path

    @cached_property
    def notebook(self) -> nbformat.NotebookNode:
        return nbformat.read(self.path, as_version=4)

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.notebook.metadata.get("branch_consult", {}) or {})

    @cached_property
    def params(self) -> ParamSchema:
        return ParamSchema.from_notebook(self.notebook)

    def title(self, lang: str = "en") -> str:
        return _text(self.meta.get("title"), lang) or self.name

    def description(self, lang: str = "en") -> str:
        return _text(self.meta.get("description"), lang)

    def text(self, key: str, lang: str) -> str:
        """Any zh/en text from the playbook's metadata (e.g. `subtitle`)."""
        return _text(self.meta.get(key), lang)

    @property
    def output_name(self) -> list[str]:
        """Parameters whose values name the output files (default: branch ids, then lang)."""
        declared = self.meta.get("output_name")
        if declared is not None:
            return [str(n) for n in declared]
        names = [s.name for s in self.params.specs if s.kind == "branch_id"]
        if "lang" in self.params:
            names.append("lang")
        return names

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def list_playbooks(folder: Path | None = None) -> list[Playbook]:
    """Every playbook in the folder, sorted by name (checkpoints and hidden files skipped)."""
    folder = folder or playbooks_dir()
    if not folder.is_dir():
        return []
    return [
        Playbook(p.stem, p)
        for p in sorted(folder.glob("*.ipynb"))
        if not p.name.startswith((".", "_"))
    ]


def get_playbook(name_or_path: str | os.PathLike[str], folder: Path | None = None) -> Playbook:
    """A playbook by name (`bank_overview`) or by path to a notebook file."""
    text = str(name_or_path)
    if text.endswith(".ipynb"):
        path = Path(text)
        if path.is_file():
            return Playbook(path.stem, path)
        raise PlaybookNotFound(f"no notebook at {text}")
    known = list_playbooks(folder)
    for pb in known:
        if pb.name == text:
            return pb
    import difflib

    names = [pb.name for pb in known]
    near = difflib.get_close_matches(text, names, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise PlaybookNotFound(
        f"unknown playbook {text!r}{hint}; playbooks: {', '.join(names) or 'none'}"
    )
