"""Choosing a report's period: the month reported on and the month it is compared with.

By default the period is the latest month whose data is complete: a last month with
far fewer rows than the months before it (an extract taken mid-load, a stray row
from another year) is passed over, and the choice says so, so that a report never
shows "deposits 0, growth -100 %" for a month the data does not really cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import median

from branch_consult.data.periods import month_number

GROWTH_LOOKBACK = 12  # months: year-on-year when the data reaches back that far
#: a month with fewer rows than this share of the months before it is incomplete
COMPLETE_SHARE = 0.5
#: how many earlier months make "the months before it"
USUAL_WINDOW = 6


@dataclass(frozen=True)
class PeriodChoice:
    """The chosen months and why (language-free; `note` words it)."""

    month: str
    base_month: str | None
    reason: str  # "given" | "latest" | "latest_complete"
    #: months passed over as incomplete: (month, rows, usual rows of the months before)
    skipped: tuple[tuple[str, int, float], ...] = ()
    base_reason: str = ""  # "year_on_year" | "earliest" | "none"

    def note(self, lang: str = "en") -> str:
        """One sentence saying which months were chosen and why."""
        zh = lang == "zh"
        if self.reason == "given":
            text = (
                f"报告月份为指定的{self.month}。" if zh else f"Report month {self.month}, as given."
            )
        elif self.reason == "latest":
            text = (
                f"报告月份为数据中最近的月份{self.month}。"
                if zh
                else f"Report month {self.month}, the latest in the data."
            )
        else:
            left = (
                "、".join(f"{m}（{n}行，此前通常约{u:,.0f}行）" for m, n, u in self.skipped)
                if zh
                else "; ".join(
                    f"{m} ({n:,} row{'' if n == 1 else 's'} against about {u:,.0f} before)"
                    for m, n, u in self.skipped
                )
            )
            text = (
                f"报告月份为数据完整的最近月份{self.month}；未采用数据不完整的月份：{left}。"
                if zh
                else f"Report month {self.month}, the latest month with complete data; left out as incomplete: {left}."
            )
        if self.base_month:
            if zh:
                text += f"对比月份为{self.base_month}" + (
                    "（同比）。"
                    if self.base_reason == "year_on_year"
                    else "（数据中最早的完整月份）。"
                )
            else:
                text += f" Compared with {self.base_month}" + (
                    " (a year earlier)."
                    if self.base_reason == "year_on_year"
                    else " (the earliest complete month in the data)."
                )
        return text


def _months_back(month: str, n: int) -> str:
    idx = month_number(month) - n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def choose_months(counts: Mapping[str, int], month: str = "") -> PeriodChoice:
    """The report month (given, else the latest complete one) and its base month.

    `counts` is rows per month of the table the report is built on (holdings). The base
    month is 12 months earlier when the data has it, else the earliest complete month.
    """
    months = sorted(m for m, n in counts.items() if n > 0)
    if not months:
        raise ValueError("the holdings table has no months")
    if month and month not in counts:
        raise ValueError(
            f"month {month} is not in the data; months available: {months[0]} to {months[-1]}"
        )
    skipped: list[tuple[str, int, float]] = []
    if month:
        reason = "given"
    else:
        reason = "latest"
        for candidate in reversed(months):
            before = [counts[m] for m in months if m < candidate][-USUAL_WINDOW:]
            usual = median(before) if before else 0.0
            if not before or counts[candidate] >= COMPLETE_SHARE * usual:
                month = candidate
                break
            skipped.append((candidate, int(counts[candidate]), float(usual)))
            reason = "latest_complete"
        if not month:  # nothing qualifies (cannot happen: the earliest month always does)
            month = months[-1]
    overall = median(counts[m] for m in months)
    complete_earlier = [m for m in months if m < month and counts[m] >= COMPLETE_SHARE * overall]
    wanted = _months_back(month, GROWTH_LOOKBACK)
    if wanted in counts and counts[wanted] > 0:
        base, base_reason = wanted, "year_on_year"
    elif complete_earlier:
        base, base_reason = complete_earlier[0], "earliest"
    else:
        base, base_reason = None, "none"
    return PeriodChoice(month, base, reason, tuple(reversed(skipped)), base_reason)
