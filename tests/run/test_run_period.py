"""The period on the cover and in the file name is the period the report is about."""

from branch_consult import run as run_mod
from branch_consult.data import open_dataset
from branch_consult.playbooks import get_playbook


def _partial_last_month(folder):
    with open(folder / "holdings.csv", "a", encoding="utf-8") as fh:
        fh.write("C1,2026-11,deposit_time,1260000\n")  # one row of a month just begun


def test_cover_and_file_name_skip_a_partial_last_month_like_the_report(tiny_csv):
    _partial_last_month(tiny_csv)
    ds = open_dataset(tiny_csv)
    assert ds.months("holdings")[-1] == "2026-11"  # the data's latest month ...
    playbook = get_playbook("branch_diagnostic")
    params = {"branch_id": "B1", "month": "", "lang": "en"}
    meta = run_mod._document_meta(playbook, params, lambda: ds)
    assert meta["period"] == "2026-10"  # ... is not the report's: choose_months skips it
    named = run_mod._named_values(playbook, params, lambda: ds)
    assert "2026-10" in run_mod.output_stem(playbook, named)


def test_a_given_month_is_the_period_as_given(tiny_csv):
    _partial_last_month(tiny_csv)
    playbook = get_playbook("branch_diagnostic")
    params = {"branch_id": "B1", "month": "2026-11", "lang": "en"}
    meta = run_mod._document_meta(playbook, params, lambda: open_dataset(tiny_csv))
    assert meta["period"] == "2026-11"
