"""One way through the data: a run's parent learns the data's fingerprint and months once and
hands them to the kernel, which opens the source to read it but does not learn them again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from branch_consult.data import open_dataset, sample_path, trace
from branch_consult.errors import ParameterError
from branch_consult.playbooks import get_playbook
from branch_consult.run import SOURCE_FACTS, run_playbook


@pytest.fixture
def traced(tmp_path, monkeypatch) -> Path:
    log = tmp_path / "trace.log"
    monkeypatch.setenv(trace.ENV, str(log))
    return log


def test_handed_facts_are_not_learnt_again(tiny_csv, traced):
    parent = open_dataset(tiny_csv)
    months = parent.month_counts("holdings")
    assert parent.month_counts("holdings") == months  # counted once per source version
    facts = parent.facts()
    fingerprint = facts["fingerprint"]
    assert facts == {"fingerprint": fingerprint, "holdings_months": months}

    kernel = open_dataset(tiny_csv, **facts)
    assert kernel.fingerprint() == fingerprint
    assert kernel.branch("B001").month_counts("holdings") == months
    assert kernel.branch("B001").fingerprint() == fingerprint
    assert kernel.months("holdings") == sorted(months)  # from the counts, no scan
    assert trace.counts(traced)[os.getpid()] == {"open": 2, "fingerprint": 1, "months": 1}
    assert open_dataset(tiny_csv).fingerprint() == fingerprint  # the same as learnt alone


def test_months_without_counts_are_the_distinct_values(tiny_csv, traced):
    ds = open_dataset(tiny_csv)
    assert ds.months("holdings") == ds.distinct("holdings", "month")
    assert trace.counts(traced)[os.getpid()] == {"open": 1, "distinct": 2}


def test_months_are_counted_again_when_the_files_change(tiny_csv, traced):
    ds = open_dataset(tiny_csv)
    before = ds.month_counts("holdings")
    holdings = tiny_csv / "holdings.csv"
    lines = holdings.read_text(encoding="utf-8").splitlines()
    holdings.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one row fewer
    os.utime(holdings, ns=(1, 1))  # a different modification version, whatever the clock
    after = ds.month_counts("holdings")
    assert sum(after.values()) == sum(before.values()) - 1
    assert trace.counts(traced)[os.getpid()]["months"] == 2


def test_the_hand_off_is_no_user_parameter():
    playbook = get_playbook("branch_diagnostic")
    assert SOURCE_FACTS in playbook.params.handed
    assert SOURCE_FACTS not in playbook.params.names
    with pytest.raises(ParameterError, match=SOURCE_FACTS):
        playbook.params.validate({SOURCE_FACTS: {"fingerprint": "forged"}})


def _without_hand_off(tmp_path: Path) -> Path:
    """The branch diagnostic as a playbook written before the hand-off: it opens its data alone."""
    source = get_playbook("branch_diagnostic").path
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        lines = [ln for ln in cell.source.splitlines() if not ln.startswith(SOURCE_FACTS)]
        cell.source = "\n".join(lines).replace(", **" + SOURCE_FACTS, "")
    copy = source.parent / f"_test_alone_{os.getpid()}.ipynb"  # beside it: same working folder
    nbformat.write(nb, copy)
    return copy


@pytest.mark.slow
@pytest.mark.parametrize("hand_off", [True, False], ids=["handed", "alone"])
def test_one_run_learns_the_data_once(tmp_path, traced, monkeypatch, hand_off):
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "results"))  # really diagnose
    bank = tmp_path / "bank"
    shutil.copytree(sample_path(), bank)
    playbook = "branch_diagnostic" if hand_off else _without_hand_off(tmp_path)
    try:
        result = run_playbook(playbook, data=str(bank), out_dir=tmp_path / "out", formats=["html"])
    finally:
        if not hand_off:
            Path(playbook).unlink()
    per_process = trace.counts(traced)
    parent = per_process.pop(os.getpid())
    (kernel,) = per_process.values()
    # the preflight (or, for a copy under another name, the cover) counts the months once;
    # the file name and the cover reuse them to pick the report's own period
    assert parent == {"open": 1, "fingerprint": 1, "months": 1}
    if hand_off:
        assert kernel == {"open": 1}  # reads its branch's tables; fingerprint and months handed
    else:
        assert kernel == {"open": 1, "fingerprint": 1, "months": 1}
    assert result.provenance["data_fingerprint"] == open_dataset(bank).fingerprint()
