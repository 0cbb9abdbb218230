"""Writing contract tables chunk by chunk, as CSV or Parquet, in contract column order.

Parquet files are written with one ParquetWriter per table and a fixed Arrow schema
derived from the contract, so a bank of a thousand branches streams to disk with
bounded memory.  CSV follows the contract's text conventions: ISO dates,
true/false, empty cells for nulls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from branch_consult.data.contract import TABLES

Format = Literal["mixed", "parquet", "csv"]
#: tables small enough to stay CSV in the "mixed" format (a consultant opens them in Excel)
SMALL_TABLES = (
    "branches",
    "staff",
    "targets",
    "staff_events",
    "role_profiles",
    "assessments",
    "campaign_results",
)

_ARROW = {
    "id": pa.string(),
    "text": pa.string(),
    "month": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "money": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s"),
    "bool": pa.bool_(),
}


def arrow_schema(name: str) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, _ARROW[c.kind], nullable=c.nullable) for c in TABLES[name].columns]
    )


def _arrow_column(values: pd.Series, kind: str) -> pa.Array:
    if kind == "date":
        return pa.array(pd.to_datetime(values).to_numpy().astype("datetime64[D]"), type=pa.date32())
    if kind == "datetime":
        return pa.array(
            pd.to_datetime(values).to_numpy().astype("datetime64[s]"), type=pa.timestamp("s")
        )
    if kind in ("id", "text", "month"):
        arr = values.to_numpy(dtype=object, copy=True)
        arr[pd.isna(arr)] = None
        return pa.array(arr, type=pa.string())
    return pa.array(values.to_numpy(), type=_ARROW[kind], from_pandas=True)


def _csv_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    out = {}
    for col in TABLES[name].columns:
        values = frame[col.name]
        if col.kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif col.kind == "datetime":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S")
        elif col.kind == "bool":
            values = values.map({True: "true", False: "false"})
        out[col.name] = values
    return pd.DataFrame(out)


class TableSink:
    """Appends chunks of each table to `out/<table>.csv|.parquet`."""

    def __init__(self, out: Path, fmt: Format):
        self.out = out
        self.fmt = fmt
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._csv: dict[str, TextIO] = {}
        out.mkdir(parents=True, exist_ok=True)

    def suffix(self, name: str) -> str:
        if self.fmt == "csv" or (self.fmt == "mixed" and name in SMALL_TABLES):
            return ".csv"
        return ".parquet"

    def write(self, name: str, frame: pd.DataFrame) -> None:
        spec = TABLES[name]
        missing = [c for c in spec.names if c not in frame.columns]
        if missing:
            raise ValueError(f"generator bug: {name} lacks {missing}")
        path = self.out / f"{name}{self.suffix(name)}"
        if path.suffix == ".csv":
            first = name not in self._csv
            if first:
                self._csv[name] = open(path, "w", encoding="utf-8", newline="")
            _csv_frame(frame, name).to_csv(
                self._csv[name], index=False, header=first, na_rep="", lineterminator="\n"
            )
            return
        table = pa.Table.from_arrays(
            [_arrow_column(frame[c.name], c.kind) for c in spec.columns], schema=arrow_schema(name)
        )
        writer = self._parquet.get(name)
        if writer is None:
            writer = self._parquet[name] = pq.ParquetWriter(
                path, arrow_schema(name), compression="zstd"
            )
        writer.write_table(table)

    def close(self) -> None:
        for writer in self._parquet.values():
            writer.close()
        for fh in self._csv.values():
            fh.close()
        self._parquet.clear()
        self._csv.clear()


def write_empty(sink: TableSink, names: list[str]) -> None:
    """Tables that got no rows still get a file with the header."""
    for name in names:
        if name not in sink._parquet and name not in sink._csv:
            sink.write(
                name, pd.DataFrame({c: pd.Series([], dtype=object) for c in TABLES[name].names})
            )
