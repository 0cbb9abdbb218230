"""CSV and Excel tables are parsed once into a Parquet cache; slices from it equal a fresh parse."""

from __future__ import annotations

import shutil
import stat

import pandas as pd
import pytest

from branch_consult.data import clear_cache, open_dataset, sample_path
from branch_consult.data.parsed_cache import cache_dir
from branch_consult.data.sources import FolderSource

MESSY_BOOK = sample_path().parent / "messy" / "branch_extract_zh.xlsx"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    clear_cache()
    yield tmp_path / "cache" / "tables"
    clear_cache()


@pytest.fixture
def reads(monkeypatch):
    """Counts the files the folder source reads (to see the cache taking over)."""
    seen: list[str] = []
    original = FolderSource.read

    def counting(self, table, where=None):
        seen.append(table)
        return original(self, table, where)

    monkeypatch.setattr(FolderSource, "read", counting)
    return seen


def _read(location, table, branch=None):
    """(frame, problems) as `Dataset` gives them, from a cold per-process cache."""
    clear_cache()
    ds = open_dataset(location)
    if branch:
        ds = ds.branch(branch)
    frame, problems = ds._load(table, ds.branch_filter)
    return (
        frame,
        problems,
        ds.table(table) if not any(p.severity == "error" for p in problems) else None,
    )


def test_sample_csv_tables_parse_once_and_slices_equal_a_fresh_parse(
    private_cache, reads, tmp_path
):
    bank = tmp_path / "bank"
    shutil.copytree(sample_path(), bank)
    for table in ("branches", "staff", "targets"):
        for branch in ("B003", None):
            reads.clear()
            clear_cache()
            shutil.rmtree(private_cache, ignore_errors=True)
            fresh = _read(bank, table, branch)
            assert reads.count(table) == 1
            cached = _read(bank, table, branch)
            assert reads.count(table) == 1, f"{table} was parsed again"
            pd.testing.assert_frame_equal(cached[0], fresh[0], check_exact=True)
            pd.testing.assert_frame_equal(cached[2], fresh[2], check_exact=True)
            assert cached[1] == fresh[1]
            if branch:
                assert set(cached[2]["branch_id" if table != "targets" else "level"]) <= {
                    "B003",
                    "branch",
                    "staff",
                }
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700


def test_problems_in_a_csv_are_the_same_from_the_cache(private_cache, tmp_path):
    """Unreadable cells, their row numbers and wording survive the cache; so does a slice's view."""
    bank = tmp_path / "bank"
    shutil.copytree(sample_path(), bank)
    lines = (bank / "staff.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    hire = header.index("hired_on")
    row = lines[5].split(",")
    row[hire] = "not a date"
    lines[5] = ",".join(row)
    (bank / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for branch in (None, "B001", row[header.index("branch_id")]):
        fresh = _read(bank, "staff", branch)
        cached = _read(bank, "staff", branch)
        assert cached[1] == fresh[1] and any("hired_on" == p.column for p in fresh[1])
        pd.testing.assert_frame_equal(cached[0], fresh[0], check_exact=True)
    # an edited file is parsed again, not served from the old entry
    lines[5] = lines[5].replace("not a date", "2020-01-01")
    (bank / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not any(p.column == "hired_on" for p in _read(bank, "staff")[1])


def test_an_excel_workbook_slices_from_the_cache(private_cache):
    book = open_dataset(MESSY_BOOK)
    for table in book.tables():
        fresh = _read(MESSY_BOOK, table)
        cached = _read(MESSY_BOOK, table)
        assert cached[1] == fresh[1]
        pd.testing.assert_frame_equal(cached[0], fresh[0], check_exact=True)
    assert len(list(cache_dir().glob("*.parquet"))) == len(book.tables())
