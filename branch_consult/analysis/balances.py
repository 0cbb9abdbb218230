"""Per-customer balances for a month, and month arithmetic: what every analysis shares.

`customer_balances` is the one pass over `holdings` that the deposit, tier,
cross-sell and peer analyses share (deposits, AUM and products per customer for a
month), so that a 30M-row table is grouped once per month, not once per analysis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from branch_consult.data.contract import DEPOSIT_PRODUCTS

#: Products that do not count towards AUM: a credit-card balance is the bank's asset, not the customer's.
NON_AUM_PRODUCTS: tuple[str, ...] = ("credit_card",)

BALANCE_COLUMNS = ("deposits", "aum", "products", "other_products")


def month_end(month: str) -> pd.Timestamp:
    """Last calendar day of a 'YYYY-MM' month (midnight), the natural as-of date for month-end data."""
    return pd.Period(month, freq="M").end_time.normalize()


def shift_month(month: str, months: int) -> str:
    """'YYYY-MM' moved by a number of months (negative goes back)."""
    return str(pd.Period(month, freq="M") + months)


def customer_balances(holdings: pd.DataFrame, month: str) -> pd.DataFrame:
    """Per customer for one month: deposits, AUM, products held and non-deposit products held.

    A product counts as held when its balance is above zero; AUM excludes the credit
    card.  Customers without holdings that month are absent: reindex with 0.
    Factorise + bincount rather than groupby: this runs on tens of millions of rows.
    """
    in_month = (holdings["month"] == month).to_numpy(dtype=bool, na_value=False)
    mask = in_month & holdings["customer_id"].notna().to_numpy(dtype=bool)
    codes, uniques = pd.factorize(holdings["customer_id"][mask], sort=False)
    n = len(uniques)
    balance = np.nan_to_num(
        holdings["balance"].to_numpy(dtype="float64", na_value=np.nan)[mask], nan=0.0
    )
    product = holdings["product"][mask]
    is_deposit = product.isin(DEPOSIT_PRODUCTS).to_numpy(dtype=bool)
    is_aum = ~product.isin(NON_AUM_PRODUCTS).to_numpy(dtype=bool)
    held = balance > 0

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n)[:n]

    return pd.DataFrame(
        {
            "deposits": total(np.where(is_deposit, balance, 0.0)),
            "aum": total(np.where(is_aum, balance, 0.0)),
            "products": total(held.astype("float64")).astype("int64"),
            "other_products": total((held & ~is_deposit).astype("float64")).astype("int64"),
        },
        index=pd.Index(uniques, name="customer_id"),
    )


def balances_for(customer_ids: pd.Index, holdings: pd.DataFrame, month: str) -> pd.DataFrame:
    """`customer_balances` aligned to the given customers, 0 for those without holdings."""
    out = customer_balances(holdings, month).reindex(customer_ids, fill_value=0)
    return out.astype(
        {"deposits": "float64", "aum": "float64", "products": "int64", "other_products": "int64"}
    )
