"""Month arithmetic for the case review: 'YYYY-MM' text, consecutive-month index, month ends.

A case review counts months (streaks, windows, checkpoints); one index where
consecutive months differ by 1 keeps that arithmetic exact and readable.
"""

from __future__ import annotations

import pandas as pd


def index(month: str) -> int:
    """'2026-05' → months since year 0 (consecutive months differ by 1)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def text(idx: int) -> str:
    """Inverse of `index`."""
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def shift(month: str, n: int) -> str:
    """The month `n` months after `month` (before, when negative)."""
    return text(index(month) + n)


def start(month: str) -> pd.Timestamp:
    """First day of the month."""
    return pd.Timestamp(f"{month}-01")


def end(month: str) -> pd.Timestamp:
    """Last day of the month (midnight)."""
    return pd.Period(month, freq="M").end_time.normalize()


def of(day: pd.Timestamp) -> str:
    """The month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def window(as_of: str, months: int) -> list[str]:
    """The `months` months ending with `as_of`, oldest first."""
    last = index(as_of)
    return [text(i) for i in range(last - months + 1, last + 1)]
