"""The whole sample bank: every contract table, branch by branch, streamed to disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from branch_consult.data.contract import TABLES
from branch_consult.data.generator import hr, lobby, money, people, sales
from branch_consult.data.generator.context import BranchContext, Serials
from branch_consult.data.generator.period import Period, month_list
from branch_consult.data.generator.planted import Campaigns, Planted, Positions
from branch_consult.data.generator.sink import Format, TableSink, write_empty

DEFAULT_CUSTOMERS_PER_BRANCH = 300
#: above this many customers the ticket and transaction windows shrink (documented)
BIG_BANK = 200_000
GENERATED = [name for name in TABLES if name != "quiz_responses"]


def _windows(
    total_customers: int, ticket_days: int | None, transaction_days: int | None
) -> tuple[int, int]:
    big = total_customers > BIG_BANK
    return (ticket_days or (7 if big else 56)), (transaction_days or (42 if big else 92))


def branch_tables(ctx: BranchContext, customers_per_branch: int) -> dict[str, pd.DataFrame]:
    """Every table's rows for one branch, in dependency order."""
    branch, size = people.branch_row(ctx)
    staff = people.staff(ctx)
    staff, ratios, conversion = hr.plant_staff_cases(ctx, staff)
    cust = people.customers(ctx, size, customers_per_branch)
    holdings, facts = money.holdings(ctx, cust)
    cust = people.claim(ctx, cust, facts.tier_aum, staff)
    employed = staff["left_on"].isna()
    counters = int(max(3, (employed & staff["role"].isin(["teller", "wealth_manager"])).sum()))
    branch.update(counters=counters, fte=float(employed.sum()))
    staff_targets, reviews = sales.staff_targets(ctx, staff, ratios)
    targets = pd.concat(
        [sales.branch_targets(ctx, staff_targets, facts, cust), staff_targets], ignore_index=True
    )
    return {
        "branches": pd.DataFrame([branch]),
        "staff": staff,
        "customers": cust,
        "holdings": holdings,
        "branch_daily": money.branch_daily(ctx, facts.deposits_by_month),
        "transactions": money.transactions(ctx, cust, staff, facts),
        "queue_tickets": lobby.queue_tickets(ctx, staff, counters),
        "referrals": sales.referrals(ctx, staff, cust, conversion),
        "targets": targets,
        "staff_events": hr.staff_events(ctx, staff, reviews),
        "assessments": hr.assessments(ctx, staff),
        "campaign_results": sales.campaign_results(ctx, cust),
    }


def write_sample_bank(
    out: Path,
    branches: int = 12,
    seed: int = 7,
    *,
    customers_per_branch: int | None = None,
    end_month: str = "2026-10",
    months: int = 12,
    fmt: Literal["mixed", "parquet", "csv"] = "mixed",
    progress: bool = False,
    ticket_days: int | None = None,
    transaction_days: int | None = None,
    chunk_customers: int = 50_000,
) -> Planted:
    """Write a synthetic bank into `out` (one file per table plus planted.json).

    Deterministic for a seed: every branch draws from its own random streams, so the
    result does not depend on the chunk size.  Tickets cover the last 8 weeks and
    transactions the last 92 days, shortened to 7 and 42 days above 200,000 customers.
    """
    if months < 6:
        raise ValueError("months must be at least 6: the staff patterns need a long history")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # written into a staging folder and moved into place at the end: an interrupted run
    # never leaves a half-written bank that would later load as if it were whole
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        planted = _write_bank(
            staging,
            branches,
            seed,
            customers_per_branch,
            end_month,
            months,
            fmt,
            progress,
            ticket_days,
            transaction_days,
            chunk_customers,
        )
        out.mkdir(exist_ok=True)
        written = {f.stem for f in staging.iterdir()}
        for old in out.iterdir():  # a table written before in another format would now be ambiguous
            if (
                old.stem in written
                and old.suffix in (".csv", ".parquet", ".xlsx")
                and old.is_file()
            ):
                old.unlink()
        for file in staging.iterdir():
            os.replace(file, out / file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return planted


def _write_bank(
    out: Path,
    branches: int,
    seed: int,
    customers_per_branch: int | None,
    end_month: str,
    months: int,
    fmt: Format,
    progress: bool,
    ticket_days: int | None,
    transaction_days: int | None,
    chunk_customers: int,
) -> Planted:
    per_branch = customers_per_branch or DEFAULT_CUSTOMERS_PER_BRANCH
    t_days, x_days = _windows(branches * per_branch, ticket_days, transaction_days)
    period = Period(tuple(month_list(end_month, months)), t_days, x_days)
    serials = Serials()
    log: dict[str, Any] = {}
    sink = TableSink(out, fmt)
    chunk = max(1, chunk_customers // per_branch)
    width = max(3, len(str(branches)))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=branches, unit="branch", desc="sample bank")
    try:
        sink.write("role_profiles", hr.role_profiles())
        for start in range(0, branches, chunk):
            parts: dict[str, list[pd.DataFrame]] = {}
            for index in range(start, min(branches, start + chunk)):
                ctx = BranchContext(seed, index, branches, period, serials, log, width)
                for name, frame in branch_tables(ctx, per_branch).items():
                    if len(frame):
                        parts.setdefault(name, []).append(frame)
                if bar is not None:
                    bar.update(1)
            for name, frames in parts.items():
                sink.write(name, pd.concat(frames, ignore_index=True))
        write_empty(sink, GENERATED)
    finally:
        sink.close()
        if bar is not None:
            bar.close()
    planted = _planted(seed, branches, per_branch, period, width, log)
    (out / "planted.json").write_text(planted.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return planted


def _planted(
    seed: int, branches: int, per_branch: int, period: Period, width: int, log: dict[str, Any]
) -> Planted:
    healthy = Positions(branches).healthy
    return Planted(
        seed=seed,
        branches=branches,
        customers_per_branch=per_branch,
        months=list(period.months),
        queue_ticket_days=(str(period.ticket_start), str(period.last_day)),
        transaction_days=(str(period.transaction_start), str(period.last_day)),
        healthy_branch=None if healthy is None else f"B{healthy + 1:0{width}d}",
        lunch_queue=log["lunch_queue"],
        unowned_top=log["unowned_top"],
        outflow=log["outflow"],
        underperformer=log["underperformer"],
        top_performer_lost=log["top_performer_lost"],
        campaigns=Campaigns(
            uplift="CMP2601",
            no_uplift="CMP2607",
            rates={
                cid: {"treatment": t, "control": c} for cid, (t, c, _) in sales.CAMPAIGNS.items()
            },
        ),
    )
