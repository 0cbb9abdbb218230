"""Which months a table's data really covers, and which months are strays.

One holdings row dated 2031-01 (a typo, a test record) would otherwise become "the
latest month" and move every report's period to a month with no data.  A month is a
stray when it lies after today (data cannot come from the future) or far after the
last month that holds the bulk of the rows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from statistics import median

from branch_consult.data.problems import DataProblems

#: a month holding at least this share of the usual rows holds "the bulk" of the data
BULK_SHARE = 0.5
#: a month more than this many months after the last bulk month is a stray
MAX_MONTHS_BEYOND = 3


def month_number(month: str) -> int:
    """'2026-10' -> a running month count (months apart = difference of two numbers)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


#: set to an ISO date to judge "the future" as of another day (a back-dated rerun, tests)
TODAY_ENV = "BRANCH_CONSULT_TODAY"


def today() -> dt.date:
    """The date data may not lie after: $BRANCH_CONSULT_TODAY when set, else the system date."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DataProblems(
                [], headline=f"{TODAY_ENV} must be a date such as 2026-11-30, not {text!r}"
            ) from None
    return dt.date.today()


def _this_month(day: dt.date | None) -> str:
    today_ = day or today()
    return f"{today_.year:04d}-{today_.month:02d}"


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
            out[month] = (
                f"{month_number(month) - month_number(last)} months after {last}, the last month "
                f"holding most of the data (more than {MAX_MONTHS_BEYOND} months is not credible)"
            )
    return out
