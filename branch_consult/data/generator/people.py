"""Branches, staff and customers: who is where, with believable mixes of each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from branch_consult.data.generator.context import BranchContext, make_ids
from branch_consult.data.generator.names import BRANCH_STEMS, REGIONS, branch_name, person_names

#: (role, fewest, most) per branch
ROLE_MIX: tuple[tuple[str, int, int], ...] = (
    ("branch_head", 1, 1),
    ("lobby_manager", 1, 2),
    ("teller", 2, 5),
    ("wealth_manager", 1, 3),
    ("personal_am", 2, 4),
    ("corporate_am", 0, 2),
    ("back_office", 1, 2),
)
_SIZE = {
    "business": 1.2,
    "community": 1.0,
    "park": 0.9,
    "market": 0.9,
    "startup": 0.8,
    "rural": 0.7,
}
#: so that the average branch has customers_per_branch customers
_MEAN_SIZE = sum(_SIZE[area] for _, area in BRANCH_STEMS) / len(BRANCH_STEMS)
SALES_ROLES = ("personal_am", "wealth_manager")


def _dates(rng: np.random.Generator, lo: str, hi: str, n: int) -> np.ndarray:
    a, b = np.datetime64(lo, "D").astype(int), np.datetime64(hi, "D").astype(int)
    return rng.integers(a, b + 1, size=n).astype("datetime64[D]")


def branch_row(ctx: BranchContext) -> tuple[dict[str, object], float]:
    """One branch: name, region and area type; counters and FTE are set from its staff.

    Also its size relative to the mean branch, which scales its number of customers.
    """
    rng = ctx.rng("branches")
    name, area = branch_name(ctx.index)
    row: dict[str, object] = {
        "branch_id": ctx.branch_id,
        "name": name,
        "region": REGIONS[(ctx.index // 4) % len(REGIONS)],
        "area_type": area,
        "opened_on": _dates(rng, "1992-01-01", "2019-12-31", 1)[0],
    }
    return row, _SIZE[area] / _MEAN_SIZE * rng.uniform(0.9, 1.1)


def staff(ctx: BranchContext) -> pd.DataFrame:
    """The branch's people, one branch head managing everyone else."""
    rng = ctx.rng("staff")
    counts = {role: int(rng.integers(lo, hi + 1)) for role, lo, hi in ROLE_MIX}
    if ctx.is_("staff_cases"):  # room for an under-performer and a top performer
        counts["personal_am"] = max(counts["personal_am"], 3)
        counts["wealth_manager"] = max(counts["wealth_manager"], 2)
    roles = np.array([role for role, _, _ in ROLE_MIX for _ in range(counts[role])], dtype=object)
    n = len(roles)
    ids = make_ids("S", ctx.serials.take("staff", n), 5)
    hired = _dates(rng, "2008-01-01", "2025-06-30", n)
    hired[0] = _dates(rng, "2004-01-01", "2018-12-31", 1)[0]
    # about one in eight joined during the period: they get probation events
    new = rng.random(n) < 0.12
    new[0] = False
    hired[new] = _dates(
        rng, str(ctx.period.first_day - 200), str(ctx.period.last_day - 100), int(new.sum())
    )
    left = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    leaver = np.isin(roles, ("teller", "back_office")) & (rng.random(n) < 0.06) & ~new
    left[leaver] = _dates(
        rng, str(ctx.period.first_day + 60), str(ctx.period.last_day - 20), int(leaver.sum())
    )
    managers = np.full(n, ids[0], dtype=object)
    managers[0] = None  # the branch head manages everyone else and reports to no one here
    frame = pd.DataFrame(
        {
            "staff_id": ids,
            "branch_id": ctx.branch_id,
            "name": person_names(rng, n),
            "role": roles,
            "hired_on": hired,
            "left_on": left,
            "manager_id": managers,
            "skill": rng.normal(0.03, 0.05, n),
        }
    )
    return frame


def _new_customer_days(ctx: BranchContext, rng: np.random.Generator, n: int) -> np.ndarray:
    per = ctx.period
    q1 = np.array([m[5:] in ("01", "02", "03") for m in per.months])
    weight = np.where(q1, 3.0, 1.0) / np.where(q1, 3.0, 1.0).sum()
    month = rng.choice(len(per.months), n, p=weight)
    length = (per.month_ends[month] - per.month_starts[month]).astype(int) + 1
    days = per.month_starts[month] + (rng.random(n) * length).astype(int) * np.timedelta64(1, "D")
    latest: np.ndarray = np.minimum(days, per.last_day - 5 * np.timedelta64(1, "D"))
    return latest


def customers(ctx: BranchContext, size: float, per_branch: int) -> pd.DataFrame:
    """Customers with age, gender, tenure and a starting AUM (lognormal, rising with age)."""
    rng = ctx.rng("customers")
    n = max(30, int(round(per_branch * size)))
    ids = make_ids("C", ctx.serials.take("customer", n), 7)
    end_year = int(str(ctx.period.last_day)[:4])
    age = np.clip(rng.normal(46, 15, n), 18, 88).astype(int)
    aum = np.exp(rng.normal(np.log(20_000) + 0.02 * (age - 45), 1.9))
    aum = np.maximum(aum, 100.0)
    # every branch has a handful of top-tier customers, however small it is
    k_top = max(4, int(round(0.015 * n)))
    order = np.argsort(-aum)
    top = order[:k_top]
    aum[top] = np.maximum(aum[top], rng.uniform(1.3e6, 4.5e6, k_top))
    tenure = np.minimum(1.05 + rng.exponential(7.0, n), np.maximum(age - 18, 1.05))
    onboarded = ctx.period.last_day - (tenure * 365.25).astype(int) * np.timedelta64(1, "D")
    # customers won during the period: smaller on arrival, half of them in the Q1 peak season
    recent = (rng.random(n) < 0.08) & (aum < 1e6)
    onboarded[recent] = _new_customer_days(ctx, rng, int(recent.sum()))
    aum[recent] *= 0.5
    onboarded = np.maximum(onboarded, np.datetime64("1998-01-01"))
    wealthy = aum >= 2e5
    group = np.full(n, None, dtype=object)
    has_group = rng.random(n) < np.where(wealthy, 0.55, 0.3)
    rich_groups = np.array(
        ["business_owner", "corporate_exec", "custody", "premium_estate"], dtype=object
    )
    mass_groups = np.array(
        ["payroll", "payroll", "payroll", "relocation", "business_owner"], dtype=object
    )
    group[has_group & wealthy] = rng.choice(rich_groups, int((has_group & wealthy).sum()))
    group[has_group & ~wealthy] = rng.choice(mass_groups, int((has_group & ~wealthy).sum()))
    mobile = rng.random(n) < np.clip(0.97 - 0.013 * (age - 25), 0.12, 0.95)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "branch_id": ctx.branch_id,
            "birth_year": end_year - age,
            "gender": np.where(rng.random(n) < 0.52, "F", "M"),
            "onboarded_on": onboarded,
            "owner_staff_id": None,
            "priority_group": group,
            "mobile_banking": mobile,
            "last_contact_on": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            "base_aum": aum,
            "age": age,
        }
    )


def claim(
    ctx: BranchContext, cust: pd.DataFrame, end_aum: np.ndarray, people: pd.DataFrame
) -> pd.DataFrame:
    """Owners (认领) and last contact dates: VIPs claimed by AMs, contacted as often as their tier needs."""
    rng = ctx.rng("claims")
    n = len(cust)
    last = ctx.period.last_day
    active = people[people["left_on"].isna()]
    wm = active.loc[active["role"] == "wealth_manager", "staff_id"].to_numpy()
    pam = active.loc[active["role"] == "personal_am", "staff_id"].to_numpy()
    sellers = np.concatenate([pam, wm])
    tier = np.select([end_aum >= 1e6, end_aum >= 2e5, end_aum >= 5e4], [0, 1, 2], 3)
    p_owned = np.array([1.0, 0.85, 0.45, 0.08])[tier]
    owned = rng.random(n) < p_owned
    owner = np.full(n, None, dtype=object)
    # the wealthier half goes to wealth managers, the rest to personal AMs
    to_wm = (tier <= 1) & (rng.random(n) < 0.5) & (len(wm) > 0)
    if len(wm):
        owner[owned & to_wm] = rng.choice(wm, int((owned & to_wm).sum()))
    owner[owned & ~to_wm] = rng.choice(
        sellers if not len(pam) else pam, int((owned & ~to_wm).sum())
    )
    # days since last contact: top tier always within its 30 days (a healthy branch keeps
    # its best customers warm); lower tiers mostly within their frequency, some lapses
    typical = np.array([18.0, 55.0, 120.0, 300.0])[tier]
    days = rng.gamma(2.0, typical / 2.0)
    days[tier == 0] = rng.uniform(1, 29, int((tier == 0).sum()))
    contacted = owned | (rng.random(n) < 0.3)
    lc = last - np.round(days).astype(int) * np.timedelta64(1, "D")
    lc = np.maximum(lc, cust["onboarded_on"].to_numpy().astype("datetime64[D]"))
    lc = np.where(contacted, lc, np.datetime64("NaT"))
    if ctx.is_("unowned_top"):
        top = np.flatnonzero(tier == 0)
        chosen = rng.permutation(top)[: int(np.ceil(0.55 * len(top)))]
        half = len(chosen) // 2
        owner[chosen[:half]] = None  # nobody claimed them
        lc[chosen[:half]] = np.datetime64("NaT")
        lc[chosen[half:]] = last - rng.integers(120, 300, len(chosen) - half) * np.timedelta64(
            1, "D"
        )
        ctx.log["unowned_top"] = {
            "branch_id": ctx.branch_id,
            "customer_ids": sorted(cust["customer_id"].to_numpy()[chosen].tolist()),
        }
    out = cust.copy()
    out["owner_staff_id"] = owner
    out["last_contact_on"] = lc.astype("datetime64[D]")
    return out
