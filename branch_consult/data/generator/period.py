"""The sample's calendar: the months covered and the windows of the high-volume tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DAY = np.timedelta64(1, "D")


def month_list(end_month: str, months: int) -> list[str]:
    """`months` consecutive 'YYYY-MM' strings ending with `end_month`."""
    end = np.datetime64(end_month, "M")
    return [str(end - np.timedelta64(k, "M")) for k in range(months - 1, -1, -1)]


@dataclass(frozen=True)
class Period:
    """Months of history plus the last days for which tickets and transactions exist."""

    months: tuple[str, ...]
    ticket_days: int
    transaction_days: int
    month_starts: np.ndarray = field(init=False, repr=False)
    month_ends: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        m = np.array(self.months, dtype="datetime64[M]")
        object.__setattr__(self, "month_starts", m.astype("datetime64[D]"))
        object.__setattr__(self, "month_ends", (m + 1).astype("datetime64[D]") - DAY)

    @property
    def first_day(self) -> np.datetime64:
        day: np.datetime64 = self.month_starts[0]
        return day

    @property
    def last_day(self) -> np.datetime64:
        day: np.datetime64 = self.month_ends[-1]
        return day

    @property
    def ticket_start(self) -> np.datetime64:
        return self.last_day - (self.ticket_days - 1) * DAY

    @property
    def transaction_start(self) -> np.datetime64:
        return self.last_day - (self.transaction_days - 1) * DAY

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """Position in `months` of each date (-1 before the period)."""
        idx = np.searchsorted(self.month_starts, days.astype("datetime64[D]"), side="right") - 1
        return idx
