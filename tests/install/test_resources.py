"""Shipped files: read through importlib.resources, mapped as whole folders, versions pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from branch_consult import resources

REPO = Path(__file__).resolve().parents[2]


def test_whole_top_level_folders_are_mapped_into_the_package():
    for name, folder in (
        ("playbooks", resources.playbooks_dir()),
        ("templates", resources.templates_dir()),
        ("data_samples", resources.data_samples_dir()),
    ):
        assert folder.resolve() == (REPO / name).resolve()
        link = REPO / "branch_consult" / "_resources" / name
        assert link.is_symlink() and Path(link.readlink()) == Path(
            "..", "..", name
        )  # relative: works in any clone


def test_sample_bank_and_templates_are_found():
    assert (resources.sample_bank_dir() / "branches.csv").is_file()
    assert (resources.templates_dir() / "reference.docx").is_file()
    assert resources.is_sample_bank(str(REPO / "data_samples" / "bank"))
    assert resources.is_sample_bank("")
    assert not resources.is_sample_bank("postgresql://x/y")


def test_no_module_climbs_from_its_file_to_the_repository():
    climbing = re.compile(r"__file__.*(parents\[\d\]|parent\.parent)")
    offenders = [
        f"{p.relative_to(REPO)}:{i}"
        for p in (REPO / "branch_consult").rglob("*.py")
        if "_resources" not in p.parts
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if climbing.search(line)
    ]
    assert offenders == [], "read shipped files with branch_consult.resources instead"


def test_constraints_pin_every_dependency_within_its_bounds():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[re.sub(r"[-_.]+", "-", name).lower()] = Version(version.strip())
    deps = [
        Requirement(d) for d in project["dependencies"] + project["optional-dependencies"]["test"]
    ]
    missing = [d.name for d in deps if re.sub(r"[-_.]+", "-", d.name).lower() not in pins]
    assert missing == [], "regenerate constraints.txt (README: 'Exact versions')"
    outside = [
        str(d) for d in deps if pins[re.sub(r"[-_.]+", "-", d.name).lower()] not in d.specifier
    ]
    assert outside == []
