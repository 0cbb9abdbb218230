"""Files that ship inside the package: playbooks, templates, course files and the sample bank.

The repository keeps them in its top-level folders (``playbooks/``, ``templates/``,
``data_samples/``) so they are easy to find and edit. The package sees the same folders
as ``branch_consult/_resources/<folder>``: committed relative links that setuptools
follows when it builds the wheel and the sdist, so an installed wheel carries real
copies, and an editable install or a plain checkout reads the folders themselves.
Whole folders are mapped, so a new playbook, course or sample lands in the wheel with
no packaging change.

Everything is located with :mod:`importlib.resources`, never by climbing from a
module's ``__file__`` to a repository root.
"""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

#: The package-relative folder that holds the mapped top-level folders.
RESOURCES = "_resources"
#: Name of the embedded sample bank's client, by language (shown only on sample runs).
SAMPLE_CLIENT = {"zh": "示例银行", "en": "Sample Bank (synthetic)"}


class ResourceMissing(FileNotFoundError):
    """A shipped file is absent: the installation is incomplete (say which file)."""


def resource(*parts: str) -> Traversable:
    """A shipped file or folder, e.g. ``resource("templates", "reference.docx")``."""
    node = files("branch_consult").joinpath(RESOURCES)
    for part in parts:
        node = node.joinpath(part)
    return node


def resource_path(*parts: str) -> Path:
    """A shipped file or folder as a real path (playbooks, templates and data need one).

    pip installs packages as plain files, so the resource is already on disk; a
    zipped installation cannot serve notebooks to a kernel and is refused clearly.
    """
    node = resource(*parts)
    path = Path(str(node))
    if not isinstance(node, Path) and not path.exists():
        raise ResourceMissing(
            f"branch-consult resource {'/'.join(parts)} is not a file on disk ({node!r}); "
            "install the package as files (pip install), not zipped"
        )
    if not path.exists():
        raise ResourceMissing(
            f"branch-consult resource {'/'.join(parts)} is missing from the installation ({path}); "
            "reinstall the package"
        )
    return path


def playbooks_dir() -> Path:
    """The built-in playbooks (``playbooks/`` of the repository)."""
    return resource_path("playbooks")


def templates_dir() -> Path:
    """The built-in templates: Word reference document, HTML template, course files."""
    return resource_path("templates")


def data_samples_dir() -> Path:
    """Every committed sample: the synthetic bank, the messy extract, campaign inputs."""
    return resource_path("data_samples")


def sample_bank_dir() -> Path:
    """The embedded synthetic sample bank (the default data of every playbook)."""
    return resource_path("data_samples", "bank")


def is_sample_bank(location: str | os.PathLike[str] | None) -> bool:
    """True when a data location is the embedded sample bank (or empty, which means it)."""
    if location is None or location == "":
        return True
    text = os.fspath(location)
    if "://" in text:
        return False
    try:
        return Path(text).expanduser().resolve() == sample_bank_dir().resolve()
    except (OSError, ResourceMissing):
        return False


__all__ = [
    "SAMPLE_CLIENT",
    "ResourceMissing",
    "data_samples_dir",
    "is_sample_bank",
    "playbooks_dir",
    "resource",
    "resource_path",
    "sample_bank_dir",
    "templates_dir",
]
