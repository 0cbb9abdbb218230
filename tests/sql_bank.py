"""A folder bank copied into a database (SQLite file or PostgreSQL), tables typed as the
contract reads them: what a client's warehouse holds, for the SQL-source tests and bench."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from branch_consult.data import Dataset
from branch_consult.data.sources import FolderSource


def copy_into(folder: Path, url: str, chunksize: int = 50_000) -> None:
    """Every contract table of `folder` into the database at `url` (tables replaced)."""
    import sqlalchemy as sa

    ds = Dataset(FolderSource(folder))
    engine = sa.create_engine(url)
    try:
        for name in ds.tables():
            frame = ds.table(name)
            for column in frame.columns:
                if isinstance(frame[column].dtype, pd.CategoricalDtype):
                    frame[column] = frame[column].astype(object)
            with engine.begin() as con:
                frame.to_sql(name, con, index=False, if_exists="replace", chunksize=chunksize)
    finally:
        engine.dispose()
