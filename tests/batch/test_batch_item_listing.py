"""Which items a batch runs is read from the data, whatever the playbook's defaults say."""

import pytest


def test_items_of_a_bank_without_the_playbooks_default_branch_are_listed(tiny_csv, tmp_path):
    """The diagnostic's default branch_id (B003) is not in this bank; only the chosen item is checked."""
    from branch_consult.batch import run_batch
    from branch_consult.errors import ParameterError

    with pytest.raises(ParameterError, match=r"B009 not found in branches.branch_id") as caught:
        run_batch("branch_diagnostic", out_dir=tmp_path, data=tiny_csv, items="B009")
    assert "B003" not in str(caught.value)
