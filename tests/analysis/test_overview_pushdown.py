"""The bank overview added up by DuckDB equals the pandas path's, and falls back to it."""

from pathlib import Path

import pandas as pd
import pytest

from branch_consult.analysis.overview import Overview, _scanned_balances, bank_overview
from branch_consult.data import DataProblems, clear_cache, open_dataset
from branch_consult.data.generator import write_sample_bank


def _both(location: Path | None) -> tuple[Overview, Overview]:
    clear_cache()
    scanned = bank_overview(open_dataset(location))
    clear_cache()
    return scanned, bank_overview(open_dataset(location), pushdown=False)


def _assert_same(scanned: Overview, read: Overview) -> None:
    pd.testing.assert_frame_equal(scanned.branches, read.branches)
    assert (scanned.month, scanned.base_month) == (read.month, read.base_month)
    assert scanned.totals == pytest.approx(read.totals)


def test_sample_bank_same_on_both_paths():
    ds = open_dataset(None)
    assert _scanned_balances(ds, ("2026-10",)) is not None  # the sample's CSVs take the DuckDB path
    _assert_same(*_both(None))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("overview-banks")
    banks = {fmt: root / fmt for fmt in ("mixed", "csv")}
    for fmt, folder in banks.items():
        write_sample_bank(folder, branches=30, seed=11, customers_per_branch=40, fmt=fmt)  # type: ignore[arg-type]
    return banks


@pytest.mark.parametrize("fmt", ["mixed", "csv"])
def test_generated_bank_same_on_both_paths(generated, fmt):
    scanned, read = _both(generated[fmt])
    assert len(scanned.branches) == 30 and scanned.base_month is not None
    _assert_same(scanned, read)


def test_hand_computed_figures(tiny_parquet):
    ov = bank_overview(open_dataset(tiny_parquet), "2026-10")
    f = ov.branches.set_index("branch_id")
    # B001 = C1 1,250,000 time deposit + C2 45,000 demand; B002 = C3 82,000 (+ C4 fund 21,000)
    assert f.loc["B001", "deposits"] == 1_295_000.0
    assert f.loc["B002", "aum"] == 103_000.0


def test_contract_breach_falls_back_to_the_pandas_wording(tiny_csv):
    h = pd.read_csv(tiny_csv / "holdings.csv", dtype=str)
    h.loc[0, "balance"] = "-1"
    h.to_csv(tiny_csv / "holdings.csv", index=False)
    clear_cache()
    with pytest.raises(DataProblems) as scanned:
        bank_overview(open_dataset(tiny_csv))
    clear_cache()
    with pytest.raises(DataProblems) as read:
        bank_overview(open_dataset(tiny_csv), pushdown=False)
    assert str(scanned.value) == str(read.value)
    assert [p.describe() for p in scanned.value.problems] == [
        p.describe() for p in read.value.problems
    ]


def test_second_overview_on_unchanged_data_is_read_from_the_cache(tmp_path):
    from branch_consult.results.cache import ResultCache, cached_bank_overview

    store = ResultCache(tmp_path / "results")
    first = cached_bank_overview(open_dataset(None), "", store)
    again = cached_bank_overview(open_dataset(None), "", store)
    assert len(store.computations("bank_overview")) == 1
    pd.testing.assert_frame_equal(first.branches, again.branches)
    cached_bank_overview(open_dataset(None), first.base_month or "", store)  # another month
    assert len(store.computations("bank_overview")) == 2
