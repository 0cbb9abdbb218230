"""The bare DuckDB baseline's view of a bank folder: what our path is measured against.

Imported by bench child processes (`child_run` puts this folder on their path): a table
as DuckDB's own reader sees it, with no parser, contract or cache of ours.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import duckdb


def relation(data: str, name: str) -> str:
    """DuckDB's reader over the table's file (Parquet, else CSV sniffed by DuckDB)."""
    path = os.path.join(data, name)
    for ext, reader in ((".parquet", "read_parquet"), (".csv", "read_csv_auto")):
        if os.path.exists(path + ext):
            return f"{reader}('{path + ext}')"
    raise SystemExit(f"no {name} in {data}")


def report_months(con: duckdb.DuckDBPyConnection, data: str) -> tuple[str, str]:
    """The latest holdings month and the same month a year before (the overview's pair)."""
    row = con.execute(f"SELECT max(month) FROM {relation(data, 'holdings')}").fetchone()
    assert row is not None
    month = str(row[0])
    return month, f"{int(month[:4]) - 1}-{month[5:]}"


def open_bank(data: str) -> tuple[duckdb.DuckDBPyConnection, Callable[[str], str], tuple[str, str]]:
    """A plain DuckDB connection, the table -> relation function, and `report_months`."""
    con = duckdb.connect()
    return con, lambda name: relation(data, name), report_months(con, data)
