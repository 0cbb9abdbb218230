"""Peer comparison (同业对标): branch KPIs, peer groups and a red/amber/green scorecard.

A branch's figures mean little alone; the diagnostic compares each KPI with
branches that face the same market (same area type, similar size).  The KPI
metadata (labels, unit, direction, format) is declared once in `KPIS` so the
report, the findings and the scorecard all read the same definitions.

Ratios and growth rates are fractions (0.05 = 5 %); the 'pct1' format hint tells
the report to show them as percentages with one decimal.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.analysis.balances import balances_for, month_end
from branch_consult.analysis.tiers import (
    DEFAULT_THRESHOLDS,
    TierThresholds,
    current_owner,
    days_since_contact,
)


@dataclass(frozen=True)
class KPI:
    """One KPI's metadata: labels, unit, which direction is good, and a format hint for the report.

    `fmt` is one of `branch_consult.formats.NUMERIC_FORMATS` ('wan', 'pct1', 'int', 'float2', 'min1', ...).
    """

    name: str
    label_en: str
    label_zh: str
    unit: str
    higher_is_better: bool
    fmt: str
    doc: str = ""


# fmt: off
KPIS: dict[str, KPI] = {
    k.name: k
    for k in (
        KPI("deposits", "Deposits", "存款余额", "yuan", True, "wan", "Month-end deposits (demand + time)."),
        KPI("deposits_growth", "Deposit growth", "存款增长率", "ratio", True, "pct1", "Change vs the comparison month."),
        KPI("aum", "AUM", "管理资产(AUM)", "yuan", True, "wan", "Month-end AUM, all products except credit card."),
        KPI("aum_growth", "AUM growth", "AUM增长率", "ratio", True, "pct1", "Change vs the comparison month."),
        KPI("customers", "Active customers", "有效客户数", "customers", True, "int", "Customers holding any product."),
        KPI("net_new_customers", "Net new customers", "净增客户数", "customers", True, "int", "Active customers minus those of the comparison month."),
        KPI("deposits_per_fte", "Deposits per FTE", "人均存款", "yuan", True, "wan", "Deposits / full-time-equivalent staff."),
        KPI("products_per_customer", "Products per customer", "户均产品数", "products", True, "float2", "Mean products held by active customers."),
        KPI("mobile_adoption", "Mobile-banking adoption", "手机银行开通率", "ratio", True, "pct1", "Share of active customers with mobile banking."),
        KPI("top_claim_coverage", "Top-tier claim coverage", "顶级客户认领率", "ratio", True, "pct1", "Share of top-tier customers owned by a current staff member."),
        KPI("top_contact_compliance", "Top-tier contact compliance", "顶级客户维护达标率", "ratio", True, "pct1", "Share of top-tier customers contacted within the required days."),
        # Computed by other modules and merged in by branch_id (see `merge_kpis`).
        KPI("wait_median_min", "Median lobby wait", "厅堂等候时间中位数", "minutes", False, "min1", "From queue tickets."),
        KPI("wait_p90_min", "90th percentile lobby wait", "厅堂等候时间P90", "minutes", False, "min1", "From queue tickets."),
        KPI("referral_conversion", "Referral conversion", "转介成交率", "ratio", True, "pct1", "Referrals sold / referred."),
        KPI("target_completion", "Target completion", "目标完成率", "ratio", True, "pct1", "Actual / target."),
    )
}
# fmt: on


def kpi_table() -> pd.DataFrame:
    """The KPI metadata as a frame (name, label_en, label_zh, unit, higher_is_better, fmt, doc)."""
    return pd.DataFrame([vars(k) for k in KPIS.values()])


# --------------------------------------------------------------------------- KPIs per branch


def merge_kpis(kpis: pd.DataFrame, *frames: pd.DataFrame) -> pd.DataFrame:
    """Add KPI columns computed elsewhere (one row per branch_id) to a `branch_kpis` frame.

    Branches missing from a frame get NaN; a column that already exists or a
    duplicated branch_id is an error rather than a silent overwrite.
    """
    out = kpis
    for frame in frames:
        if "branch_id" not in frame.columns:
            raise ValueError("KPI frame has no branch_id column")
        if frame["branch_id"].duplicated().any():
            dup = frame.loc[frame["branch_id"].duplicated(), "branch_id"].iloc[0]
            raise ValueError(f"KPI frame has more than one row for branch {dup!r}")
        clash = (set(frame.columns) & set(out.columns)) - {"branch_id"}
        if clash:
            raise ValueError(f"KPI columns already present: {sorted(clash)}")
        right = frame.astype({"branch_id": out["branch_id"].dtype})
        out = out.merge(right, on="branch_id", how="left")
    return out


def branch_kpis(
    branches: pd.DataFrame,
    customers: pd.DataFrame,
    holdings: pd.DataFrame,
    staff: pd.DataFrame,
    month: str,
    comparison_month: str,
    as_of: pd.Timestamp | str | None = None,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
    extra: Iterable[pd.DataFrame] = (),
) -> pd.DataFrame:
    """One row per branch (every branch, even one without data) with the KPIs in `KPIS`.

    `as_of` (default: last day of `month`) dates the claim and contact checks.
    Active customers are those holding any product at the month-end; ratios over
    an empty base are NaN.  `extra` frames (branch_id + KPI columns, e.g. lobby
    waits) are merged in with `merge_kpis`.
    """
    as_of_ts = month_end(month) if as_of is None else pd.Timestamp(as_of).normalize()
    base = customers.drop_duplicates("customer_id")
    ids = pd.Index(base["customer_id"])
    b1 = balances_for(ids, holdings, month)
    b0 = balances_for(ids, holdings, comparison_month)
    aum1 = b1["aum"].to_numpy()
    active1 = b1["products"].to_numpy() > 0
    top = aum1 >= thresholds.top
    top_days = thresholds.top_contact_days
    in_time = (
        (days_since_contact(base, as_of_ts) <= top_days).to_numpy()
        if top_days is not None
        else np.zeros(len(base), dtype=bool)
    )
    per_customer = pd.DataFrame(
        {
            "branch_id": base["branch_id"].to_numpy(),
            "deposits": b1["deposits"].to_numpy(),
            "deposits_prev": b0["deposits"].to_numpy(),
            "aum": aum1,
            "aum_prev": b0["aum"].to_numpy(),
            "customers": active1.astype("int64"),
            "customers_prev": (b0["products"].to_numpy() > 0).astype("int64"),
            "products": np.where(active1, b1["products"].to_numpy(), 0),
            "mobile": (
                active1
                & base["mobile_banking"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            ).astype("int64"),
            "top": top.astype("int64"),
            "top_claimed": (top & current_owner(base, staff, as_of_ts).to_numpy()).astype("int64"),
            "top_in_time": (top & in_time).astype("int64"),
        }
    )
    sums = per_customer.groupby("branch_id", sort=False).sum()
    return kpis_from_sums(sums, branches, thresholds, extra)


#: the per-branch sums `kpis_from_sums` turns into KPIs (what `branch_kpis` adds up per customer)
KPI_SUMS = (
    "deposits",
    "deposits_prev",
    "aum",
    "aum_prev",
    "customers",
    "customers_prev",
    "products",
    "mobile",
    "top",
    "top_claimed",
    "top_in_time",
)


def summed_kpis(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-branch sums added up where the data lives (DuckDB or the client's database: one
    row per branch, `KPI_SUMS` plus `unattended`) as the peer comparison reads them, and the
    share of top-tier customers left unattended per branch that has any."""
    frame = frame.assign(branch_id=frame["branch_id"].astype("str"))
    sums = frame.set_index("branch_id")
    for column in KPI_SUMS:
        sums[column] = sums[column].astype(
            "float64" if column in ("deposits", "deposits_prev", "aum", "aum_prev") else "int64"
        )
    has_top = sums[sums["top"] > 0].sort_index()
    share = pd.DataFrame(
        {
            "branch_id": has_top.index.astype(str),
            "top_unattended_share": (has_top["unattended"] / has_top["top"]).to_numpy(),
        }
    )
    return sums[list(KPI_SUMS)], share


def kpis_from_sums(
    sums: pd.DataFrame,
    branches: pd.DataFrame,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
    extra: Iterable[pd.DataFrame] = (),
) -> pd.DataFrame:
    """The KPI frame from per-branch sums (indexed by branch_id, columns `KPI_SUMS`), however
    they were added up: by pandas in `branch_kpis`, or where the data lives (`bank_figures`)."""
    top_days = thresholds.top_contact_days
    branch_ids = pd.Index(branches["branch_id"].drop_duplicates(), name="branch_id")
    sums = sums.reindex(branch_ids, fill_value=0)
    fte = pd.to_numeric(
        branches.drop_duplicates("branch_id").set_index("branch_id")["fte"], errors="coerce"
    )
    fte = fte.reindex(branch_ids).astype("float64")

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        den = den.astype("float64")
        return num.astype("float64") / den.where(den != 0)

    out = pd.DataFrame(index=branch_ids)
    out["deposits"] = sums["deposits"].astype("float64")
    out["deposits_prev"] = sums["deposits_prev"].astype("float64")
    out["deposits_growth"] = ratio(out["deposits"] - out["deposits_prev"], out["deposits_prev"])
    out["aum"] = sums["aum"].astype("float64")
    out["aum_prev"] = sums["aum_prev"].astype("float64")
    out["aum_growth"] = ratio(out["aum"] - out["aum_prev"], out["aum_prev"])
    out["customers"] = sums["customers"].astype("int64")
    out["net_new_customers"] = (sums["customers"] - sums["customers_prev"]).astype("int64")
    out["deposits_per_fte"] = ratio(out["deposits"], fte)
    out["products_per_customer"] = ratio(sums["products"], sums["customers"])
    out["mobile_adoption"] = ratio(sums["mobile"], sums["customers"])
    out["top_customers"] = sums["top"].astype("int64")
    out["top_claim_coverage"] = ratio(sums["top_claimed"], sums["top"])
    out["top_contact_compliance"] = (
        ratio(sums["top_in_time"], sums["top"]) if top_days is not None else np.nan
    )
    out = out.reset_index()
    return merge_kpis(out, *extra)


# --------------------------------------------------------------------------- peer groups


@dataclass(frozen=True)
class PeerRule:
    """How peers are chosen: same area type and a size KPI within a factor; fall back to all branches."""

    same_area_type: bool = True
    same_region: bool = False
    size_kpi: str | None = "deposits"
    size_factor: float = 2.0
    min_peers: int = 3

    def describe(self) -> str:
        parts = []
        if self.same_area_type:
            parts.append("same area_type")
        if self.same_region:
            parts.append("same region")
        if self.size_kpi:
            parts.append(f"{self.size_kpi} within a factor of {self.size_factor:g}")
        return ", ".join(parts) or "all branches"


@dataclass(frozen=True)
class PeerGroup:
    """The peers of one branch (never including itself) and the rule that produced them."""

    branch_id: str
    peers: tuple[str, ...]
    rule: str
    fallback: bool


def peer_group(
    branches: pd.DataFrame,
    kpis: pd.DataFrame,
    branch_id: str,
    rule: PeerRule = PeerRule(),  # noqa: B008 - frozen, safe as a default
) -> PeerGroup:
    """Branches comparable with `branch_id` under `rule`, or all other branches if too few match.

    A comparison against one or two peers says nothing, so fewer than
    `rule.min_peers` matches falls back to the whole network, and says so.
    """
    info = branches.drop_duplicates("branch_id").set_index("branch_id")
    if branch_id not in info.index:
        raise KeyError(f"branch {branch_id!r} is not in the branches table")
    others = info.index[info.index != branch_id]
    mask = pd.Series(True, index=others)
    if rule.same_area_type:
        mask &= (info.loc[others, "area_type"] == info.at[branch_id, "area_type"]).to_numpy()
    if rule.same_region:
        mask &= (info.loc[others, "region"] == info.at[branch_id, "region"]).to_numpy()
    if rule.size_kpi:
        if rule.size_factor < 1:
            raise ValueError("size_factor must be at least 1")
        size = (
            kpis.drop_duplicates("branch_id")
            .set_index("branch_id")[rule.size_kpi]
            .astype("float64")
        )
        own = size.get(branch_id, np.nan)
        theirs = size.reindex(others).to_numpy()
        lo, hi = own / rule.size_factor, own * rule.size_factor
        mask &= (theirs >= lo) & (theirs <= hi)  # NaN sizes never match
    matched = tuple(str(b) for b in others[mask.to_numpy()])
    if len(matched) >= rule.min_peers:
        return PeerGroup(branch_id, matched, rule.describe(), fallback=False)
    return PeerGroup(
        branch_id,
        tuple(str(b) for b in others),
        f"all branches (only {len(matched)} matched: {rule.describe()})",
        fallback=True,
    )


# --------------------------------------------------------------------------- scorecard

STATUSES = ("green", "amber", "red", "n/a")
STATUS_LABELS_ZH = {"green": "良好", "amber": "关注", "red": "落后", "n/a": "无数据"}


def percentile_rank(value: float, peers: np.ndarray) -> float:
    """Percent of peers below `value`, ties counted half (0–100); NaN without peers or value."""
    peers = peers[~np.isnan(peers)]
    if np.isnan(value) or len(peers) == 0:
        return float("nan")
    below = (peers < value).sum()
    equal = (peers == value).sum()
    return float(100.0 * (below + 0.5 * equal) / len(peers))


def rag_status(value: float, q1: float, median: float, q3: float, higher_is_better: bool) -> str:
    """Green at or better than the peer median, amber up to the worse quartile, red beyond it."""
    one = np.array([value], dtype="float64")
    return str(
        _rag(one, one * 0 + q1, one * 0 + median, one * 0 + q3, np.array([higher_is_better]))[0]
    )


def _rag(
    own: np.ndarray, q1: np.ndarray, med: np.ndarray, q3: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    """Vectorised `rag_status`: 'n/a' without a value or a peer median."""
    good = np.where(higher, own >= med, own <= med)
    fair = np.where(higher, own >= q1, own <= q3)
    return np.select([np.isnan(own) | np.isnan(med), good, fair], ["n/a", "green", "amber"], "red")


def scorecard(
    kpis: pd.DataFrame,
    branch_id: str,
    peers: Sequence[str] | PeerGroup,
    directions: Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """Per KPI: the branch's value, peer quartiles, its percentile among peers and a RAG status.

    KPIs are the columns of `kpis` known in `KPIS` plus any named in `directions`
    (KPI name → higher is better), which also overrides the declared direction.
    Peers with a missing value are left out of that KPI's quartiles.
    """
    peer_ids = list(peers.peers if isinstance(peers, PeerGroup) else peers)
    directions = dict(directions or {})
    table = kpis.drop_duplicates("branch_id").set_index("branch_id")
    if branch_id not in table.index:
        raise KeyError(f"branch {branch_id!r} has no KPI row")
    names = [c for c in table.columns if c in KPIS or c in directions]
    values = table[names]
    if not all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):
        values = values.apply(pd.to_numeric, errors="coerce")
    values = values.astype("float64")
    own = values.loc[branch_id].to_numpy(dtype="float64").reshape(len(names))
    peer = values.reindex([p for p in peer_ids if p != branch_id]).to_numpy(dtype="float64")
    n = (~np.isnan(peer)).sum(axis=0)
    if len(peer):
        with warnings.catch_warnings():  # all-NaN columns give NaN quartiles, as intended
            warnings.simplefilter("ignore", RuntimeWarning)
            q1, med, q3 = np.nanquantile(peer, [0.25, 0.5, 0.75], axis=0)
    else:
        q1 = med = q3 = np.full(len(names), np.nan)
    below = (peer < own).sum(axis=0)
    equal = (peer == own).sum(axis=0)
    ok = (n > 0) & ~np.isnan(own)
    percentile = np.divide(
        100.0 * (below + 0.5 * equal), n, out=np.full(len(names), np.nan), where=ok
    )
    metas = [KPIS.get(name) for name in names]
    higher = np.array(
        [
            directions.get(nm, m.higher_is_better if m else True)
            for nm, m in zip(names, metas, strict=True)
        ],
        dtype=bool,
    )
    good = np.where(higher, own >= med, own <= med)
    fair = np.where(higher, own >= q1, own <= q3)
    status = np.select(
        [np.isnan(own) | np.isnan(med), good, fair], ["n/a", "green", "amber"], "red"
    )
    return pd.DataFrame(
        {
            "kpi": names,
            "label_en": [m.label_en if m else nm for nm, m in zip(names, metas, strict=True)],
            "label_zh": [m.label_zh if m else nm for nm, m in zip(names, metas, strict=True)],
            "unit": [m.unit if m else "" for m in metas],
            "fmt": [m.fmt if m else "float1" for m in metas],
            "higher_is_better": higher,
            "value": own,
            "peer_n": n.astype("int64"),
            "peer_q1": q1,
            "peer_median": med,
            "peer_q3": q3,
            "percentile": percentile,
            "status": status,
            "status_zh": [STATUS_LABELS_ZH[x] for x in status],
        }
    )
