"""Which months a table's data really covers, and which months are strays.

One holdings row dated 2031-01 (a typo, a test record) would otherwise become "the
latest month" and move every report's period to a month with no data.  A month is a
stray when it lies after today (data cannot come from the future) or far after the
last month that holds the bulk of the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from statistics import median

#: a month holding at least this share of the usual rows holds "the bulk" of the data
BULK_SHARE = 0.5
#: a month more than this many months after the last bulk month is a stray
MAX_MONTHS_BEYOND = 3


def month_number(month: str) -> int:
    """'2026-10' -> a running month count (months apart = difference of two numbers)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _this_month(today: dt.date | None) -> str:
    today = today or dt.date.today()
    return f"{today.year:04d}-{today.month:02d}"


def bulk_months(counts: Mapping[str, int]) -> list[str]:
    """Months holding at least BULK_SHARE of the median monthly row count, sorted."""
    if not counts:
        return []
    usual = median(counts.values())
    return sorted(m for m, n in counts.items() if n >= BULK_SHARE * usual)


def stray_months(counts: Mapping[str, int], today: dt.date | None = None) -> dict[str, str]:
    """Month -> why it cannot be real data (after today, or far after the bulk of the data)."""
    now = _this_month(today)
    bulk = [m for m in bulk_months(counts) if m <= now]
    last = bulk[-1] if bulk else None
    out: dict[str, str] = {}
    for month in sorted(counts):
        if month > now:
            out[month] = f"after the current month ({now}): data cannot be dated in the future"
        elif last is not None and month_number(month) - month_number(last) > MAX_MONTHS_BEYOND:
            out[month] = (f"{month_number(month) - month_number(last)} months after {last}, the last month "
                          f"holding most of the data (more than {MAX_MONTHS_BEYOND} months is not credible)")
    return out
