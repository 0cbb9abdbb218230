"""Every committed playbook is stripped of outputs, declares typed parameters, and says
what it is in both languages; a slow test runs each top to bottom with its defaults."""

from __future__ import annotations

import nbformat
import pytest

from branch_consult.playbooks import list_playbooks
from branch_consult.run import run_playbook

PLAYBOOKS = list_playbooks()


def test_there_are_playbooks():
    assert {p.name for p in PLAYBOOKS} >= {"bank_overview", "branch_diagnostic"}


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_with_typed_parameters(playbook):
    nb = nbformat.read(playbook.path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert playbook.params.specs, "no parameters declared"
    assert all(spec.help for spec in playbook.params.specs), "every parameter needs a help text"
    for lang in ("zh", "en"):
        assert playbook.title(lang) and playbook.description(lang)


@pytest.mark.slow
@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom_with_defaults(playbook, tmp_path):
    result = run_playbook(playbook.name, out_dir=tmp_path, formats=["html"])
    nb = nbformat.read(result.notebook, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []
