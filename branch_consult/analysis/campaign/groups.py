"""Target groups: customers matching a plan's rules, sized per branch with overlap counted once.

A group is an AND of rules over one row per customer (`customer_features`): priority
group, tier, AUM, deposits, age, products held, owner and contact recency. A customer
in two groups is one customer in the "any group" total, so the campaign's reach is
never double counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from branch_consult.campaign_plan import PRODUCTS, Rule, TargetGroup

INVESTMENTS = ("wealth", "fund", "insurance", "metal")
#: columns a rule may name, with what they hold (shown when a plan names an unknown one)
FEATURES: dict[str, str] = {
    "branch_id": "branch",
    "priority_group": "six-priority group code (empty: none)",
    "tier": "top / core / potential / ordinary by AUM",
    "aum": "assets under management at as_of, yuan (all products but credit_card)",
    "deposits": "demand + time deposits at as_of, yuan",
    "age": "age in years at as_of",
    "gender": "F / M",
    "products": "products held (use has / lacks)",
    "product_count": "number of products held",
    "lacks_investment": "true when no wealth, fund, insurance or metal product is held",
    "mobile_banking": "true / false",
    "owned": "true when an account manager has claimed the customer",
    "days_since_contact": "days since last contact (empty: never)",
    "new_customer": "true when onboarded in the 12 months to as_of",
}
TIER_FLOORS = (("top", 1_000_000.0), ("core", 200_000.0), ("potential", 50_000.0))


def customer_features(customers: pd.DataFrame, holdings: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """One row per customer with every column a target-group rule may use (holdings of month `as_of`)."""
    month = holdings[holdings["month"] == as_of]
    wide = month.pivot_table(
        index="customer_id", columns="product", values="balance", aggfunc="sum", fill_value=0.0
    )
    wide = wide.reindex(columns=list(PRODUCTS), fill_value=0.0)
    out = customers[
        ["customer_id", "branch_id", "gender", "priority_group", "mobile_banking", "owner_staff_id"]
    ].copy()
    out = out.merge(wide, left_on="customer_id", right_index=True, how="left")
    for p in PRODUCTS:
        out[p] = out[p].fillna(0.0)
    held = out[list(PRODUCTS)].to_numpy() > 0
    out["aum"] = out[[p for p in PRODUCTS if p != "credit_card"]].sum(axis=1)
    out["deposits"] = out["deposit_demand"] + out["deposit_time"]
    out["products"] = pd.Series(
        [frozenset(np.array(PRODUCTS)[row]) for row in held], index=out.index, dtype=object
    )
    out["product_count"] = held.sum(axis=1)
    out["lacks_investment"] = ~out[list(INVESTMENTS)].gt(0).any(axis=1)
    end = pd.Period(as_of, "M").end_time.normalize()
    out["age"] = end.year - customers["birth_year"].to_numpy()
    out["owned"] = out["owner_staff_id"].notna() & (out["owner_staff_id"].astype(str) != "")
    out["days_since_contact"] = (end - customers["last_contact_on"]).dt.days.to_numpy()
    out["new_customer"] = (customers["onboarded_on"] > end - pd.DateOffset(months=12)).to_numpy()
    out["tier"] = "ordinary"
    for tier, floor in reversed(TIER_FLOORS):
        out.loc[out["aum"] >= floor, "tier"] = tier
    out["active"] = out["aum"] > 0
    return out.drop(columns=list(PRODUCTS))


def unknown_columns(groups: Sequence[TargetGroup]) -> list[tuple[str, str]]:
    """(group id, column) for every rule naming a column that customer_features does not have."""
    return [(g.id, r.column) for g in groups for r in g.rules if r.column not in FEATURES]


def rule_mask(features: pd.DataFrame, rule: Rule) -> pd.Series:
    """Customers meeting one rule (missing values never match, except for `!=` and `not_in`)."""
    col = features[rule.column]
    v = rule.value
    if rule.op in ("has", "lacks"):
        holds: pd.Series = col.map(lambda s: v in s).astype(bool)
        return holds if rule.op == "has" else ~holds
    if rule.op == "==":
        return col.eq(v).fillna(False).astype(bool)
    if rule.op == "!=":
        return col.ne(v).fillna(True).astype(bool)
    if rule.op == "in":
        return col.isin(v)
    if rule.op == "not_in":
        return ~col.isin(v)
    if rule.op == "between":
        return col.between(v[0], v[1]).fillna(False).astype(bool)
    ops = {">=": col.ge, ">": col.gt, "<=": col.le, "<": col.lt}
    return ops[rule.op](v).fillna(False).astype(bool)


def membership(features: pd.DataFrame, groups: Sequence[TargetGroup]) -> pd.DataFrame:
    """Boolean frame: one column per group id (AND of its rules), only active customers can match."""
    active = features["active"]
    cols = {}
    for g in groups:
        mask = active.copy()
        for r in g.rules:
            mask &= rule_mask(features, r)
        cols[g.id] = mask.to_numpy()
    return pd.DataFrame(cols, index=features.index)


def size_groups(
    features: pd.DataFrame, member: pd.DataFrame, contact_days: int = 90
) -> pd.DataFrame:
    """Per branch and group (plus the union `_any`): customers, AUM, products, owner and contact coverage."""
    frames = []
    union = member.any(axis=1)
    for gid in [*member.columns, "_any"]:
        mask = union if gid == "_any" else member[gid]
        sub = features[mask.to_numpy()]
        recent = sub["days_since_contact"].le(contact_days)
        agg = (
            pd.DataFrame(
                {
                    "branch_id": sub["branch_id"],
                    "aum": sub["aum"],
                    "products": sub["product_count"],
                    "owned": sub["owned"],
                    "recent": recent,
                }
            )
            .groupby("branch_id")
            .agg(
                customers=("aum", "size"),
                aum=("aum", "sum"),
                products_per_customer=("products", "mean"),
                owner_coverage=("owned", "mean"),
                contacted_recently=("recent", "mean"),
            )
        )
        agg["group"] = gid
        frames.append(agg.reset_index())
    out = pd.concat(frames, ignore_index=True)
    return out[
        [
            "group",
            "branch_id",
            "customers",
            "aum",
            "products_per_customer",
            "owner_coverage",
            "contacted_recently",
        ]
    ]


def network_totals(
    sizes: pd.DataFrame, features: pd.DataFrame, member: pd.DataFrame
) -> pd.DataFrame:
    """Per group over the network: customers and AUM (the `_any` row counts each customer once)."""
    rows = []
    union = member.any(axis=1)
    for gid in [*member.columns, "_any"]:
        mask = (union if gid == "_any" else member[gid]).to_numpy()
        sub = features[mask]
        rows.append(
            {
                "group": gid,
                "customers": int(mask.sum()),
                "aum": float(sub["aum"].sum()),
                "products_per_customer": float(sub["product_count"].mean())
                if len(sub)
                else float("nan"),
                "owner_coverage": float(sub["owned"].mean()) if len(sub) else float("nan"),
            }
        )
    return pd.DataFrame(rows)
