"""Targets and actuals, referral chains and campaign results.

Staff targets follow the review policy: after three consecutive misses on the main
metric a review is recorded and the next month recovers, so the only long streak in
the bank is the planted one (whose reviews never happened).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from branch_consult.data.generator.context import BranchContext, make_ids
from branch_consult.data.generator.money import HoldingFacts
from branch_consult.data.generator.planted import MAIN_METRIC

#: metrics per role, main metric first, with a typical monthly target
ROLE_METRICS: dict[str, tuple[tuple[str, float], ...]] = {
    "personal_am": (("deposits", 1_200_000), ("new_customers", 8), ("insurance_sales", 200_000)),
    "wealth_manager": (
        ("wealth_sales", 2_000_000),
        ("fund_sales", 500_000),
        ("insurance_sales", 300_000),
    ),
    "corporate_am": (("deposits", 3_000_000), ("new_customers", 2)),
    "lobby_manager": (("mobile_activations", 40), ("new_customers", 10)),
    "teller": (("credit_cards", 6), ("mobile_activations", 15)),
}
_COUNTS = {"new_customers", "mobile_activations", "credit_cards"}
REVIEW_AFTER = 3


def _round(metric: str, value: np.ndarray | float) -> np.ndarray:
    return np.round(value) if metric in _COUNTS else np.round(np.asarray(value) / 100.0) * 100.0


def staff_targets(
    ctx: BranchContext, people: pd.DataFrame, cases: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Monthly target/actual per salesperson and metric, plus the review events policy produced."""
    rng = ctx.rng("targets")
    per = ctx.period
    m_count = len(per.months)
    q1 = np.array([1.5 if m[5:] in ("01", "02", "03") else 1.0 for m in per.months])
    rows: list[tuple[np.ndarray, ...]] = []
    events: list[dict[str, object]] = []
    head = people["staff_id"].iloc[0]
    for person in people.to_dict("records"):
        metrics = ROLE_METRICS.get(person["role"])
        if not metrics:
            continue
        hired = np.datetime64(person["hired_on"], "D")
        left = np.datetime64(person["left_on"], "D") if pd.notna(person["left_on"]) else None
        active = (per.month_starts + 14 >= hired) & (
            per.month_ends <= left if left is not None else True
        )
        active = np.broadcast_to(active, (m_count,))
        ratio = np.exp(rng.normal(person["skill"], 0.12, m_count))
        planted = cases.get(person["staff_id"])
        if planted is not None:
            ratio = planted
        else:
            streak = 0
            for m in range(m_count):
                if not active[m]:
                    continue
                if ratio[m] < 1.0:
                    streak += 1
                else:
                    streak = 0
                if streak == REVIEW_AFTER:  # policy fires: review, then the month after recovers
                    streak = 0
                    if m + 1 < m_count:
                        ratio[m + 1] = rng.uniform(1.0, 1.12)
                        day = per.month_starts[m + 1] + int(rng.integers(3, 12))
                    else:  # third miss in the last month: the month-end review meeting
                        day = per.last_day - int(rng.integers(0, 3))
                    events.append(
                        {
                            "staff_id": person["staff_id"],
                            "date": day,
                            "kind": "review",
                            "by_staff_id": head,
                            "public": False,
                            "note": f"连续{REVIEW_AFTER}个月未完成{MAIN_METRIC[person['role']]}目标，绩效面谈",
                        }
                    )
        level = np.exp(rng.normal(0, 0.2))
        for k, (metric, typical) in enumerate(metrics):
            target = _round(
                metric, np.maximum(typical * level * q1 * rng.uniform(0.9, 1.1, m_count), 1)
            )
            r = ratio if k == 0 else ratio * np.exp(rng.normal(0, 0.08, m_count))
            actual = _round(metric, target * r)
            if k == 0 and planted is not None:  # rounding must not flip a planted miss or hit
                actual = np.where(
                    r < 1, np.minimum(actual, target - 1), np.maximum(actual, target + 1)
                )
            k_active = int(active.sum())
            rows.append(
                (
                    np.full(k_active, person["staff_id"], dtype=object),
                    np.array(per.months)[active],
                    np.full(k_active, metric, dtype=object),
                    target[active],
                    actual[active],
                )
            )
    if not rows:
        return pd.DataFrame(columns=["level", "id", "month", "metric", "target", "actual"]), events
    ids, months, metric_names, targets, actuals = (
        np.concatenate(part) for part in zip(*rows, strict=True)
    )
    frame = pd.DataFrame(
        {
            "level": "staff",
            "id": ids,
            "month": months,
            "metric": metric_names,
            "target": targets,
            "actual": actuals,
        }
    )
    return frame, events


def branch_targets(
    ctx: BranchContext, staff_rows: pd.DataFrame, facts: HoldingFacts, cust: pd.DataFrame
) -> pd.DataFrame:
    """Branch targets; actuals agree with the holdings, customers and staff tables."""
    rng = ctx.rng("branch_targets")
    per = ctx.period
    months = np.array(per.months)
    m_idx = per.month_index(cust["onboarded_on"].to_numpy())
    new = np.bincount(m_idx[m_idx >= 0], minlength=len(months)).astype(float)
    actual = {
        "deposits": np.round(facts.deposits_by_month, 2),
        "aum": np.round(facts.aum_by_month.sum(axis=0), 2),
        "new_customers": new,
    }
    frames = []
    for metric, values in actual.items():
        target = values * rng.normal(1.0, 0.03, len(months))
        target = (
            np.round(target, -4)
            if metric != "new_customers"
            else np.maximum(np.round(target * rng.normal(1.0, 0.15, len(months))), 1)
        )
        frames.append(
            pd.DataFrame(
                {
                    "level": "branch",
                    "id": ctx.branch_id,
                    "month": months,
                    "metric": metric,
                    "target": target,
                    "actual": values,
                }
            )
        )
    if len(staff_rows):
        for metric in ("wealth_sales", "mobile_activations", "credit_cards"):
            part = (
                staff_rows[staff_rows["metric"] == metric]
                .groupby("month")[["target", "actual"]]
                .sum()
            )
            part = part.reindex(months).dropna()
            frames.append(
                pd.DataFrame(
                    {
                        "level": "branch",
                        "id": ctx.branch_id,
                        "month": part.index.to_numpy(),
                        "metric": metric,
                        "target": part["target"].to_numpy(),
                        "actual": part["actual"].to_numpy(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


_AM_PRODUCTS = np.array(["deposit_time", "wealth", "fund", "insurance", "credit_card"])
_WM_PRODUCTS = np.array(["wealth", "fund", "insurance", "metal"])
_STAGES = np.array(["referred", "contacted", "proposed", "sold"])


def _funnel(
    rng: np.random.Generator, n: int, conv: np.ndarray, days_left: np.ndarray
) -> np.ndarray:
    """Furthest stage: each step passes with its probability; stalled old leads are lost."""
    step = np.array([0.8, 0.7, 0.55])
    level = np.zeros(n, dtype=int)
    for s in range(3):
        p = step[s] * (conv if s == 2 else 1.0)
        go = (level == s) & (rng.random(n) < np.clip(p, 0, 0.98))
        level[go] = s + 1
    stage = _STAGES[level].astype(object)
    stage[(level < 3) & (level > 0) & (days_left > 20)] = "lost"
    stage[(level == 0) & (days_left > 45)] = "lost"
    return stage


def referrals(
    ctx: BranchContext, people: pd.DataFrame, cust: pd.DataFrame, conv_skill: dict[str, float]
) -> pd.DataFrame:
    """Teller -> lobby manager -> personal AM / wealth manager chains with stage attrition."""
    rng = ctx.rng("referrals")
    per = ctx.period
    days_total = int((per.last_day - per.first_day).astype(int)) + 1
    by_role = {
        r: people.loc[(people["role"] == r) & people["left_on"].isna(), "staff_id"].to_numpy()
        for r in ("teller", "lobby_manager", "personal_am", "wealth_manager")
    }
    if not len(by_role["teller"]) or not len(by_role["lobby_manager"]):
        return pd.DataFrame()
    closers = np.concatenate([by_role["personal_am"], by_role["wealth_manager"]])
    is_wm = np.isin(closers, by_role["wealth_manager"])
    weights = np.clip(np.log10(cust["base_aum"].to_numpy()) - 3, 0.2, None)
    weights /= weights.sum()
    # hand-off 1: tellers to lobby managers (some straight to a wealth manager)
    n1 = int(rng.poisson(2.5 * len(by_role["teller"]) * days_total / 30))
    d1 = per.first_day + rng.integers(0, days_total, n1) * np.timedelta64(1, "D")
    c1 = rng.choice(cust["customer_id"].to_numpy(), n1, p=weights)
    from1 = rng.choice(by_role["teller"], n1)
    to1 = rng.choice(by_role["lobby_manager"], n1).astype(object)
    left1 = (per.last_day - d1).astype(int)
    st1 = _funnel(rng, n1, np.ones(n1), left1)
    prod1 = rng.choice(_AM_PRODUCTS, n1)
    # hand-off 2: leads that got to "proposed" go on from the lobby manager to a closer, plus own finds
    fwd = np.isin(st1, ("proposed", "sold"))
    own = int(rng.poisson(3 * len(by_role["lobby_manager"]) * days_total / 30))
    n2 = int(fwd.sum()) + own
    d2 = np.concatenate(
        [
            d1[fwd] + rng.integers(0, 4, int(fwd.sum())) * np.timedelta64(1, "D"),
            per.first_day + rng.integers(0, days_total, own) * np.timedelta64(1, "D"),
        ]
    )
    d2 = np.minimum(d2, per.last_day)
    c2 = np.concatenate([c1[fwd], rng.choice(cust["customer_id"].to_numpy(), own, p=weights)])
    from2 = np.concatenate([to1[fwd], rng.choice(by_role["lobby_manager"], own)])
    k = rng.integers(0, len(closers), n2) if len(closers) else np.zeros(0, int)
    to2 = closers[k] if len(closers) else np.full(n2, None)
    prod2 = (
        np.where(is_wm[k], rng.choice(_WM_PRODUCTS, n2), rng.choice(_AM_PRODUCTS, n2))
        if len(closers)
        else rng.choice(_AM_PRODUCTS, n2)
    )
    conv = np.array([conv_skill.get(s, 1.0) for s in to2])
    st2 = _funnel(rng, n2, conv, (per.last_day - d2).astype(int))
    date = np.concatenate([d1, d2])
    stage = np.concatenate([st1, st2])
    product = np.concatenate([prod1, prod2])
    amount = np.where(
        stage == "sold", np.round(rng.lognormal(np.log(60_000), 0.9, n1 + n2), -2), 0.0
    )
    amount[product == "credit_card"] = 0.0
    out = pd.DataFrame(
        {
            "branch_id": ctx.branch_id,
            "date": date,
            "customer_id": np.concatenate([c1, c2]),
            "from_staff_id": np.concatenate([from1, from2]),
            "to_staff_id": np.concatenate([to1, to2]),
            "product": product,
            "stage": stage,
            "amount": amount,
        }
    )
    out = out.sort_values(["date", "from_staff_id"], kind="stable").reset_index(drop=True)
    out.insert(0, "referral_id", make_ids("R", ctx.serials.take("referral", len(out)), 8))
    return out


CAMPAIGNS = {
    # id: (treatment conversion, control conversion, median amount)
    "CMP2601": (0.12, 0.04, 50_000.0),  # peak-season wealth push: a real uplift
    "CMP2607": (0.06, 0.06, 10_000.0),  # fund auto-invest mailing: no uplift
}


def _pick(rng: np.random.Generator, pool: np.ndarray, rate: float) -> np.ndarray:
    """Exactly rate x len(pool) members (randomly rounded), so planted rates hold in small groups."""
    want = rate * len(pool)
    k = int(np.floor(want) + (rng.random() < want - np.floor(want)))
    return rng.permutation(pool)[:k]


def campaign_results(ctx: BranchContext, cust: pd.DataFrame) -> pd.DataFrame:
    """Two campaigns over a share of the branch's customers, 60/40 treatment/control."""
    rng = ctx.rng("campaigns")
    frames = []
    aum = cust["base_aum"].to_numpy()
    for cid, (t_rate, c_rate, median) in CAMPAIGNS.items():
        pool = np.flatnonzero((aum >= 2e4) & (rng.random(len(cust)) < 0.6))
        pool = rng.permutation(pool)
        n_t = int(round(0.6 * len(pool)))
        group = np.where(np.arange(len(pool)) < n_t, "treatment", "control")
        n = len(pool)
        contacted = (group == "treatment") & (rng.random(n) < 0.85)
        converted = np.zeros(n, bool)
        t_pool = np.flatnonzero(contacted)
        # the treatment rate is over the whole treatment group; converters come from the contacted
        k_t = _pick(rng, np.arange(n_t), t_rate).size
        converted[rng.permutation(t_pool)[:k_t]] = True
        converted[_pick(rng, np.flatnonzero(group == "control"), c_rate)] = True
        responded = converted | (contacted & (rng.random(n) < 0.15))
        amount = np.where(
            converted,
            np.round(np.minimum(rng.lognormal(np.log(median), 0.7, n), 0.5 * aum[pool]), -2),
            0.0,
        )
        frames.append(
            pd.DataFrame(
                {
                    "campaign_id": cid,
                    "customer_id": cust["customer_id"].to_numpy()[pool],
                    "group": group,
                    "contacted": contacted,
                    "responded": responded,
                    "converted": converted,
                    "amount": amount,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
