"""The parsed-table cache stays under its size cap, least recently used first, and never
removes what a worker is using."""

from __future__ import annotations

import fcntl
import os
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from branch_consult.data import parsed_cache
from branch_consult.data.parsed_cache import Parsed, cap_bytes, evict, load, store, usage


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(parsed_cache.ENV_CAP, "1000")  # no eviction while the test stores
    return tmp_path / "cache" / "tables"


def _store(key: str, rows: int = 2_000) -> int:
    frame = pd.DataFrame({"branch_id": [f"B{i % 7}" for i in range(rows)], "v": range(rows)})
    store(key, Parsed(frame, [], rows, "test.csv"), "branch_id")
    return (parsed_cache.cache_dir() / f"{key}.parquet").stat().st_size


def _age(key: str, seconds: float) -> None:
    path = parsed_cache.cache_dir() / f"{key}.parquet"
    then = time.time() - seconds
    os.utime(path, (then, then))


def _keys() -> set[str]:
    return {p.stem for p in parsed_cache.cache_dir().glob("*.parquet")}


def test_least_recently_used_go_first_until_it_fits(folder):
    size = _store("a")
    _store("b")
    _store("c")
    _age("a", 3_000)
    _age("b", 2_000)
    _age("c", 1_000)
    assert load("a", [("branch_id", ["B1"])]) is not None  # a hit: "a" is now the most recent
    _age("a", 900)
    removed = evict(cap=2 * size + size // 2)  # room for two of the three
    assert [p.stem for p in removed] == ["b"]
    assert _keys() == {"a", "c"}
    assert usage().entries == 2


def test_entries_in_use_are_never_removed(folder):
    _store("old")
    _store("busy")
    _age("old", 5_000)
    _age("busy", 10)  # found by a worker seconds ago
    removed = evict(cap=0)
    assert [p.stem for p in removed] == ["old"]
    assert _keys() == {"busy"}  # over the cap, but in use


def test_a_reader_keeps_reading_a_file_evicted_under_it(folder):
    import pyarrow.parquet as pq

    _store("k", rows=50_000)
    _age("k", 5_000)
    reader = pq.ParquetFile(parsed_cache.cache_dir() / "k.parquet")
    try:
        assert [p.stem for p in evict(cap=0)] == ["k"]
        assert reader.read().num_rows == 50_000  # the open file outlives its name
    finally:
        reader.close()


def test_one_process_evicts_at_a_time(folder):
    _store("x")
    _age("x", 5_000)
    with open(parsed_cache.cache_dir() / ".evict.lock", "a") as other:  # another worker evicting
        fcntl.flock(other, fcntl.LOCK_EX)
        assert evict(cap=0) == []
        fcntl.flock(other, fcntl.LOCK_UN)
    assert [p.stem for p in evict(cap=0)] == ["x"]


def test_stale_temporary_files_go_fresh_ones_stay(folder):
    _store("x")
    stale, fresh = folder / ".x.abc.tmp", folder / ".y.def.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    then = time.time() - 2 * parsed_cache.STALE_TMP_SECONDS
    os.utime(stale, (then, then))
    evict()
    assert not stale.exists() and fresh.exists() and _keys() == {"x"}


def test_storing_evicts_over_the_cap(folder, monkeypatch):
    size = _store("first")
    _age("first", 5_000)
    monkeypatch.setenv(parsed_cache.ENV_CAP, str(1.5 * size / 1024 / 1024))
    _store("second")
    assert _keys() == {"second"}


def test_cap_setting(monkeypatch):
    monkeypatch.delenv(parsed_cache.ENV_CAP, raising=False)
    assert cap_bytes() == parsed_cache.DEFAULT_CAP_MB * 1024 * 1024
    monkeypatch.setenv(parsed_cache.ENV_CAP, "0.5")
    assert cap_bytes() == 512 * 1024
    monkeypatch.setenv(parsed_cache.ENV_CAP, "lots")
    assert cap_bytes() == parsed_cache.DEFAULT_CAP_MB * 1024 * 1024


def test_cache_command_shows_and_clears(folder, tmp_path):
    _store("x")
    results = tmp_path / "cache"
    (results / "bank_overview-k.pickle").write_bytes(b"0" * 10)
    runner = CliRunner()
    shown = runner.invoke(app, ["cache"])
    assert shown.exit_code == 0, shown.output
    assert "parsed tables: 1 in" in shown.output and "of 1,000.0 MB" in shown.output
    assert "results: 1 in" in shown.output
    cleared = runner.invoke(app, ["cache", "--clear"])
    assert cleared.exit_code == 0, cleared.output
    assert "removed 1 parsed table(s)" in cleared.output
    assert "removed 1 cached result(s)" in cleared.output
    assert _keys() == set() and not list(results.glob("*.pickle"))
    assert "parsed tables: 0 in" in runner.invoke(app, ["cache"]).output
