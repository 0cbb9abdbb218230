"""Discovery of playbooks: the parameterised notebooks of the workspace and the built-in ones.

A playbook is `<folder>/<name>.ipynb`, in the active workspace's `playbooks/` or among
the built-in playbooks shipped with the package. Its notebook metadata `branch_consult` says
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
    """The built-in playbooks shipped with the package (or $BRANCH_CONSULT_PLAYBOOKS)."""
    env = os.environ.get(PLAYBOOKS_ENV)
    if env:
        return Path(env)
    from branch_consult.resources import playbooks_dir as builtin

    return builtin()


def _text(value: Any, lang: str) -> str:
    """A metadata text that is either a plain string or a {zh:..., en:...} mapping."""
    if isinstance(value, dict):
        return str(
            value.get(lang) or value.get("en") or value.get("zh") or next(iter(value.values()), "")
        )
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


def playbook_folders() -> list[Path]:
    """Where playbooks are looked for, first match wins: the workspace's, then the built-in ones."""
    from branch_consult.workspace import current

    ws = current()
    own = [ws.playbooks_dir] if ws is not None and ws.playbooks_dir.is_dir() else []
    return [*own, playbooks_dir()]


def list_playbooks(folder: Path | None = None) -> list[Playbook]:
    """Every playbook, sorted by name (checkpoints and hidden files skipped).

    Without `folder`: the active workspace's playbooks, then the built-in ones; a
    workspace playbook hides a built-in one of the same name.
    """
    found: dict[str, Playbook] = {}
    for where in [folder] if folder is not None else playbook_folders():
        if not where.is_dir():
            continue
        for p in sorted(where.glob("*.ipynb")):
            if not p.name.startswith((".", "_")):
                found.setdefault(p.stem, Playbook(p.stem, p))
    return [found[name] for name in sorted(found)]


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
