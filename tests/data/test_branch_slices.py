"""A branch's slice reads only the row groups that can hold its keys, and remembers the keys
its reference checks looked up; the rows, problems and diagnostics are those of reading
everything (the optimisations switched off below are the reference path)."""

from __future__ import annotations

import dataclasses
import math
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from branch_consult.data import clear_cache, open_dataset, parsed_cache, sample_path
from branch_consult.data import dataset as dataset_module
from branch_consult.data import sources as sources_module
from branch_consult.data.generator import write_sample_bank
from branch_consult.results import BankContext, DiagnosticSettings, bank_context, diagnose
from tests.data.defect_bank import write_defect_bank


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    clear_cache()
    yield
    clear_cache()


def _read_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference path: every row group read, no key range added, no key remembered."""
    monkeypatch.setattr(
        parsed_cache, "_groups_holding", lambda meta, column, keys: set(range(meta.num_row_groups))
    )
    monkeypatch.setattr(sources_module, "text_columns", lambda *args: set())
    monkeypatch.setattr(dataset_module, "text_columns", lambda *args: set())
    monkeypatch.setattr(dataset_module._KnownKeys, "learn", lambda self, looked_up, missing: None)


# ------------------------------------------------------------ row groups, by hand
def test_row_groups_are_chosen_by_each_key_not_by_the_span(tmp_path):
    path = tmp_path / "t.parquet"
    table = pa.table(
        {
            "id": ["B01", "B02", "B03", "S001", "S002", "S003"],
            "n": [1, 2, 3, 4, 5, 6],
        }
    )
    pq.write_table(table, path, row_group_size=2)  # groups: B01-B02, B03-S001, S002-S003
    meta = pq.ParquetFile(path).metadata
    holding = parsed_cache._groups_holding
    assert holding(meta, "id", ["B02", "S003"]) == {0, 2}  # the span B02..S003 would take all
    assert holding(meta, "id", ["B025"]) == set()  # between two groups: in none
    assert holding(meta, "id", ["C"]) == {1}  # inside B03..S001: it may be there
    assert holding(meta, "id", ["B01", "B03", "S002"]) == {0, 1, 2}
    assert holding(meta, "id", []) == set()
    assert holding(meta, "n", ["3"]) == {0, 1, 2}  # number statistics: no pruning on text keys


def test_a_file_without_statistics_is_read_whole(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table({"id": ["a", "b", "c", "d"]}), path, row_group_size=2, write_statistics=False
    )
    assert parsed_cache._groups_holding(pq.ParquetFile(path).metadata, "id", ["a"]) == {0, 1}


# ------------------------------------------------------------ generated banks
@pytest.fixture(scope="module")
def banks(tmp_path_factory) -> dict[str, Path]:
    """A small bank as CSV and as Parquet; the Parquet files rewritten in row groups of 150
    rows (a client's large export has many), sorted as the generator writes them."""
    root = tmp_path_factory.mktemp("slice-banks")
    out = {}
    for fmt in ("csv", "parquet"):
        folder = root / fmt
        write_sample_bank(folder, branches=5, seed=5, customers_per_branch=30, fmt=fmt)  # type: ignore[arg-type]
        for file in folder.glob("*.parquet"):
            pq.write_table(pq.read_table(file), file, row_group_size=150)
        out[fmt] = folder
    return out


def _slices(location: Path, branch: str) -> dict[str, tuple[pd.DataFrame, tuple]]:
    clear_cache()
    ds = open_dataset(location).branch(branch)
    return {name: ds._load(name, ds.branch_filter) for name in ds.tables()}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_slices_equal_reading_everything(banks, fmt, private_cache, monkeypatch):
    monkeypatch.setattr(parsed_cache, "_ROW_GROUP", 100)  # many groups in the parsed copies
    fast = {b: _slices(banks[fmt], b) for b in ("B001", "B004")}
    groups = {
        f: pq.ParquetFile(f).num_row_groups for f in parsed_cache.cache_dir().glob("*.parquet")
    }
    if fmt == "csv":
        assert max(groups.values()) >= 10  # the parsed holdings span many row groups
    with monkeypatch.context() as m:
        _read_everything(m)
        for branch, tables in fast.items():
            slow = _slices(banks[fmt], branch)
            assert set(slow) == set(tables)
            for name, (frame, problems) in tables.items():
                pd.testing.assert_frame_equal(frame, slow[name][0], check_exact=True, obj=name)
                assert problems == slow[name][1], name


def test_targets_slice_by_hand(banks, private_cache, monkeypatch):
    """A branch's targets: its own rows and its staff's, read from a few row groups."""
    monkeypatch.setattr(parsed_cache, "_ROW_GROUP", 100)
    folder = banks["csv"]
    raw = pd.read_csv(folder / "targets.csv", dtype=str)
    staff = pd.read_csv(folder / "staff.csv", dtype=str)
    keys = {"B003", *staff.loc[staff["branch_id"] == "B003", "staff_id"]}
    expected = raw[raw["id"].isin(keys)]
    read_groups: list[int] = []
    holding = parsed_cache._groups_holding

    def counting(meta, column, wanted):
        found = holding(meta, column, wanted)
        read_groups.append(len(found))
        return found

    clear_cache()
    open_dataset(folder).table("targets")  # parse once into the cache
    monkeypatch.setattr(parsed_cache, "_groups_holding", counting)
    clear_cache()
    got = open_dataset(folder).table("targets", "B003")
    assert len(got) == len(expected) > 0
    assert sorted(zip(got["id"], got["metric"], got["month"], strict=True)) == sorted(
        zip(expected["id"], expected["metric"], expected["month"], strict=True)
    )
    # the parsed copy holds the rows sorted by id in groups of 100: B003's and its staff's
    # rows sit in these groups (a key at a group's edge may add its neighbour)
    ids = raw["id"].sort_values(kind="stable").reset_index(drop=True)
    holding_rows = {pos // 100 for pos in ids.index[ids.isin(keys)]}
    assert len(holding_rows) <= read_groups[-1] <= len(holding_rows) + 2
    assert read_groups[-1] < math.ceil(len(raw) / 100) / 2  # not every group


# ------------------------------------------------------------ diagnostics
def _same(a: object, b: object, where: str = "") -> None:
    """Equal values, frames compared exactly, NaN equal to NaN."""
    if isinstance(a, pd.DataFrame | pd.Series):
        assert type(a) is type(b), where
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)  # type: ignore[arg-type]
        else:
            pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)  # type: ignore[arg-type]
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k}]")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _context(location: Path) -> BankContext:
    """The bank context, computed once and given to both paths: its DuckDB sums of floats
    may differ in the last bit from run to run, and it is not what a slice changes."""
    clear_cache()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bank_context(open_dataset(location))


def _diagnoses(location: Path, branches: list[str], bank: BankContext) -> dict[str, object]:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b in branches:
            clear_cache()  # each branch as a fresh kernel reads it
            out[b] = diagnose(open_dataset(location), DiagnosticSettings(branch_id=b), bank)
    return out


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_diagnoses_equal_reading_everything(banks, fmt, private_cache, monkeypatch):
    monkeypatch.setattr(parsed_cache, "_ROW_GROUP", 100)
    branches = ["B001", "B003", "B005"]
    bank = _context(banks[fmt])
    fast = _diagnoses(banks[fmt], branches, bank)
    with monkeypatch.context() as m:
        _read_everything(m)
        slow = _diagnoses(banks[fmt], branches, bank)
    for b in branches:
        _same(fast[b], slow[b], b)


def test_sample_diagnoses_equal_reading_everything(private_cache, monkeypatch, tmp_path):
    bank = tmp_path / "sample"
    shutil.copytree(sample_path(), bank)
    context = _context(bank)
    fast = _diagnoses(bank, ["B002", "B007"], context)
    with monkeypatch.context() as m:
        _read_everything(m)
        slow = _diagnoses(bank, ["B002", "B007"], context)
    for b in fast:
        _same(fast[b], slow[b], b)


# ------------------------------------------------------------ references
def test_remembered_keys_still_report_every_table(tmp_path, private_cache, monkeypatch):
    """An unknown staff id referred to by two tables is reported in both, whichever is read
    first, with the same rows as when nothing is remembered."""
    folder = write_defect_bank(tmp_path / "parquet", "parquet")

    def problems(order: list[str]) -> dict[str, list]:
        clear_cache()
        ds = open_dataset(folder)
        found = {}
        for name in order:
            found[name] = [p for p in ds._load(name, None)[1] if "unknown staff" in p.message]
        return found

    forward = problems(["customers", "referrals", "transactions"])
    backward = problems(["transactions", "referrals", "customers"])
    assert forward == backward
    for name, column, row in (
        ("customers", "owner_staff_id", 3),
        ("referrals", "to_staff_id", 1),
        ("transactions", "staff_id", 5),
    ):
        (problem,) = forward[name]
        assert (problem.column, problem.rows, problem.examples) == (column, (row,), ("'S404'",))
    with monkeypatch.context() as m:
        _read_everything(m)
        assert problems(["customers", "referrals", "transactions"]) == forward


def test_only_text_keys_get_a_range(tmp_path):
    """A key column stored as numbers gets no text range ('10'..'9' would drop rows); a text
    key's range selects the same rows, in the file's order, from fewer row groups."""
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table({"k": list(range(1, 201)), "s": [f"C{i:04d}" for i in range(1, 201)]}),
        path,
        row_group_size=20,
    )
    con = sources_module._duck()
    assert sources_module.text_columns(con, "read_parquet(?)", [str(path)]) == {"s"}
    keys = [f"C{i:04d}" for i in range(180, 99, -1)]  # more than 64: the joined-keys path
    numbered = ("read_parquet(?, file_row_number = true)", "file_row_number")
    got = sources_module._duck_query(con, "read_parquet(?)", [("s", keys)], [str(path)], numbered)
    assert got["s"].tolist() == sorted(keys) and got["k"].tolist() == list(range(100, 181))
    assert list(got.columns) == ["k", "s"]


def test_a_duckdb_file_slices_tables_and_views_in_row_order(tmp_path, private_cache):
    """A DuckDB file's base tables are put back in row order by `rowid`; a view (which has
    none) is read as it comes."""
    import duckdb

    sample = open_dataset(sample_path())
    path = tmp_path / "bank.duckdb"
    with duckdb.connect(str(path)) as con:
        for name in sample.tables():
            con.register("frame", sample.table(name))
            if name == "holdings":
                con.execute("CREATE TABLE holdings_all AS SELECT * FROM frame")
                con.execute("CREATE VIEW holdings AS SELECT * FROM holdings_all")
            else:
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
            con.unregister("frame")
    clear_cache()
    database = open_dataset(path)
    for name in ("customers", "holdings", "targets", "transactions"):
        got, expected = database.table(name, "B003"), sample.table(name, "B003")
        assert len(got) == len(expected) > 0
        pd.testing.assert_frame_equal(got.astype(str), expected.astype(str), obj=name)
