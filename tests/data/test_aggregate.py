"""Bank-wide aggregates agree between the DuckDB push-down and the pandas path."""

import pandas as pd
import pytest

from branch_consult.data import DataProblems, open_dataset
from branch_consult.data.aggregate import branch_balances


def test_pushdown_and_pandas_agree(tiny_csv, tiny_parquet):
    via_pandas = branch_balances(open_dataset(tiny_csv), "2026-10")
    via_duckdb = branch_balances(open_dataset(tiny_parquet), "2026-10")
    # hand-computed: B001 = C1 1,250,000 time deposit + C2 45,000 demand; B002 = C3 82,000 (+ C4 fund)
    assert via_pandas["deposits"].tolist() == [1_295_000.0, 82_000.0]
    assert via_pandas["aum"].tolist() == [1_295_000.0, 103_000.0]
    pd.testing.assert_frame_equal(via_pandas, via_duckdb, check_dtype=False)


def test_pushdown_refuses_negative_balances(tiny_parquet):
    h = pd.read_parquet(tiny_parquet / "holdings.parquet")
    h.loc[0, "balance"] = -1.0
    h.to_parquet(tiny_parquet / "holdings.parquet")
    with pytest.raises(DataProblems, match="1 negative value"):
        branch_balances(open_dataset(tiny_parquet), "2026-10")
