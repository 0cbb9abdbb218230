"""Which columns each bank-wide figure reads, checked against the contract before adding up.

`bank_figures` (DuckDB over Parquet or a DuckDB file) and `sql_bank_figures` (the
client's PostgreSQL or SQLite) add up the same figures.  Before each sum both count
the contract breaches of the columns it reads, over the rows the pandas path would
validate, and take the pandas path (which reports the problem) on any breach.  The
columns, their references and the rows live here once, so the two paths check alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from branch_consult.data.sql_pushdown import sql_list

#: what a reference column must point at: the validated branches or staff, or the scanned customers
KeySet = str  # "branches" | "staff" | "customers"


@dataclass(frozen=True)
class Checked:
    """The columns of one table a figure reads, and which of its rows are judged."""

    table: str
    columns: tuple[str, ...]
    references: Mapping[str, KeySet] = field(default_factory=dict)
    #: judge only the figure's months (holdings: the pandas path reads just those)
    in_months: bool = False
    #: an SQL condition selecting the rows the figure reads (both dialects)
    rows: str | None = None

    def where(self, months: tuple[str, ...]) -> str | None:
        """The condition selecting the judged rows, None for all of them."""
        if self.in_months:
            return f"month IN ({sql_list(months)})"
        return self.rows


_HOLDINGS = Checked(
    "holdings",
    ("customer_id", "month", "product", "balance"),
    {"customer_id": "customers"},
    in_months=True,
)

#: per-branch customer and holdings sums of the bank context (`peers`, `tiers`)
CUSTOMER_SUMS = (
    Checked(
        "customers",
        ("customer_id", "branch_id", "mobile_banking", "owner_staff_id", "last_contact_on"),
        {"branch_id": "branches", "owner_staff_id": "staff"},
    ),
    _HOLDINGS,
)
#: the bank overview's deposits, AUM and customers per branch and month
BRANCH_BALANCES = (
    Checked("customers", ("customer_id", "branch_id"), {"branch_id": "branches"}),
    _HOLDINGS,
)
LOBBY = (Checked("queue_tickets", ("branch_id", "issued_at", "called_at", "finished_at")),)
REFERRALS = (Checked("referrals", ("branch_id", "stage"), {"branch_id": "branches"}),)
#: branch-level target rows only (staff rows are the staff-fit review's)
BRANCH_TARGET_ROWS = "level = 'branch'"
TARGETS = (
    Checked(
        "targets", ("level", "id", "month", "metric", "target", "actual"), rows=BRANCH_TARGET_ROWS
    ),
)


def key_values(
    key_set: KeySet, branches: pd.DataFrame | None, staff: pd.DataFrame | None
) -> pd.Series:
    """The known keys of a validated small table, as text."""
    frame, column = (branches, "branch_id") if key_set == "branches" else (staff, "staff_id")
    if frame is None:
        raise ValueError(f"the check refers to {key_set}, which the caller did not give")
    return frame[column].dropna().astype(str)


def any_breach(
    checks: tuple[Checked, ...],
    months: tuple[str, ...],
    count: Callable[[Checked, dict[str, str], str | None], int | None],
    keys: Callable[[KeySet], str],
) -> bool:
    """Whether a check finds a breach or cannot run (None): the caller then takes pandas.

    `count(check, references, rows)` counts one table's breaches in the caller's engine;
    `keys(key_set)` names a relation there with the key set's values in column `k`.
    """
    for check in checks:
        references = {column: keys(key_set) for column, key_set in check.references.items()}
        if count(check, references, check.where(months)) != 0:
            return True
    return False
