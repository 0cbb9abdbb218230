"""Cross-sell "1+N" (交叉销售): product depth, penetration by tier and deposit-only leads.

The base deposit relationship is the "1"; wealth, funds, insurance, metals and the
credit card are the "N".  Products per customer and penetration by tier show how
big the cross-sell gap is; customers with large deposits and nothing else are
the first people an account manager should call.  A product counts as held in a
month when its month-end balance is above zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.analysis.balances import balances_for
from branch_consult.analysis.tiers import TIER_DTYPE, TIER_LABELS_ZH, TIERS
from branch_consult.data.contract import PRODUCTS


def products_per_customer(customers: pd.DataFrame, holdings: pd.DataFrame, month: str) -> pd.Series:
    """Number of products held (balance > 0) per customer, 0 for customers without holdings."""
    ids = pd.Index(customers["customer_id"].drop_duplicates())
    return balances_for(ids, holdings, month)["products"].rename("products")


def product_count_distribution(counts: pd.Series, cap: int = 5) -> pd.DataFrame:
    """How many customers hold 0, 1, 2, ... products (the last bucket is `cap`+).

    Columns: n_products (label), customers, share.  Every bucket is present, even empty.
    """
    if cap < 1:
        raise ValueError("cap must be at least 1")
    clipped = np.minimum(np.asarray(counts, dtype="int64"), cap)
    n = np.bincount(clipped, minlength=cap + 1)[: cap + 1]
    labels = [str(i) for i in range(cap)] + [f"{cap}+"]
    total = int(n.sum())
    return pd.DataFrame(
        {
            "n_products": labels,
            "customers": n.astype("int64"),
            "share": n / total if total else np.full(cap + 1, np.nan),
        }
    )


@dataclass(frozen=True)
class ProductDepth:
    """Headline product-depth figures of a customer base."""

    customers: int
    mean_products: float
    single_product_share: float
    no_product_share: float


def product_depth(counts: pd.Series) -> ProductDepth:
    """Mean products per customer and the shares holding one / no product (NaN when there are no customers)."""
    values = np.asarray(counts, dtype="float64")
    n = len(values)
    if n == 0:
        return ProductDepth(0, float("nan"), float("nan"), float("nan"))
    return ProductDepth(
        customers=n,
        mean_products=float(values.mean()),
        single_product_share=float((values == 1).mean()),
        no_product_share=float((values == 0).mean()),
    )


def penetration_by_tier(
    tiers: pd.DataFrame,
    holdings: pd.DataFrame,
    month: str,
    products: Sequence[str] = PRODUCTS,
) -> pd.DataFrame:
    """Share of each tier's customers holding each product, with an 'all' row last.

    `tiers` is the output of `assign_tiers`.  Columns: tier, tier_zh, customers,
    then one share column per product.
    """
    products = list(products)
    in_scope = (
        (holdings["month"] == month)
        & (holdings["balance"] > 0)
        & holdings["product"].isin(products)
    ).to_numpy(dtype=bool, na_value=False)
    # Position of each holding's customer in `tiers` (-1: not in scope); one row per
    # customer, month and product is the holdings key, so rows count customers.
    pos = pd.Index(tiers["customer_id"]).get_indexer(holdings["customer_id"][in_scope])
    found = pos >= 0
    tier_codes = np.asarray(tiers["tier"].astype(TIER_DTYPE).cat.codes)[pos[found]]
    product_codes = pd.Categorical(
        holdings["product"][in_scope][found], categories=products
    ).codes.astype("int64")
    cells = len(TIERS) * len(products)
    grid = np.bincount(tier_codes * len(products) + product_codes, minlength=cells)
    grid = grid[:cells].reshape(len(TIERS), len(products)).astype("int64")
    counts = pd.DataFrame(
        grid, index=pd.CategoricalIndex(TIERS, dtype=TIER_DTYPE), columns=products
    )
    sizes = tiers["tier"].astype(TIER_DTYPE).value_counts().reindex(counts.index, fill_value=0)
    counts.loc["all"] = counts.sum()
    counts.index = pd.Index(list(TIERS) + ["all"], name="tier")
    sizes = pd.Series(
        list(sizes.to_numpy()) + [int(sizes.sum())], index=counts.index, dtype="int64"
    )
    shares = counts.div(sizes.where(sizes != 0), axis=0).astype("float64")
    out = shares.reset_index()
    out.columns.name = None
    out.insert(1, "tier_zh", out["tier"].map({**TIER_LABELS_ZH, "all": "合计"}))
    out.insert(2, "customers", sizes.to_numpy())
    return out


def lead_list(
    customers: pd.DataFrame,
    holdings: pd.DataFrame,
    month: str,
    min_deposits: float = 200_000,
) -> pd.DataFrame:
    """Customers with deposits ≥ `min_deposits` and no non-deposit product, largest deposits first.

    Columns: customer_id, branch_id, owner_staff_id, deposits, aum.  These hold
    money at the bank but buy nothing else: the cheapest cross-sell there is.
    """
    base = customers.drop_duplicates("customer_id").set_index("customer_id")
    bal = balances_for(base.index, holdings, month)
    keep = (bal["deposits"] >= min_deposits) & (bal["other_products"] == 0)
    out = base.loc[keep.to_numpy(), ["branch_id", "owner_staff_id"]].join(
        bal.loc[keep, ["deposits", "aum"]]
    )
    out = out.reset_index()
    return out.sort_values(
        ["deposits", "customer_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
