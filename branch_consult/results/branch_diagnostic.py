"""The branch diagnostic as a language-free result: every analysis for one branch, its peers, metrics, fired rules.

`diagnose(ds, settings)` is what the `branch_diagnostic` playbook calls (through
`results.cache.cached_diagnose`, so a zh + en pair computes it once).  Nothing here
is worded: metrics hold numbers and codes (a channel code, a hand-off code, staff
ids), findings are the rules that fired with their values; the report words them in
zh or en (`reports.diagnostic`).  Bank-wide
figures (KPIs of every branch, for the peer comparison) are computed once in a
`BankContext`, which a batch over all branches can build once and pass to every
run; the per-branch analyses then only touch the branch's slice of the data.  The
flat `metrics` map is what the finding rules (findings/rules.yaml) read; its names
are listed in `METRICS`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from branch_consult.analysis import (
    bank_figures,
    channel,
    cross_sell,
    deposits,
    lobby,
    peers,
    referrals,
    staff_fit,
    targets,
    tiers,
)
from branch_consult.analysis.balances import month_end
from branch_consult.analysis.report_period import PeriodChoice, choose_months
from branch_consult.analysis.tiers import TierMigration
from branch_consult.data import DataProblems, Dataset
from branch_consult.data.dataset import empty_table
from branch_consult.findings import FiredRule, evaluate, load_rules

#: metric name -> meaning; the finding rules may use any of these
METRICS: dict[str, str] = {
    "deposit_growth": "deposit growth since the comparison month (fraction)",
    "peer_deposit_growth": "peer median of deposit_growth",
    "growth_gap": "peer_deposit_growth - deposit_growth",
    "outflow_customers": "large customers on the outflow watch-list",
    "outflow_amount_wan": "their total drop, 10k yuan",
    "outflow_largest_wan": "largest single drop, 10k yuan",
    "outflow_largest_share": "largest drop as a share of that customer's start balance",
    "outflow_main_channel": "main outflow channel of the largest drop (code: mobile, online, counter, atm)",
    "top_customers": "top-tier customers",
    "top_unattended_count": "top-tier customers unclaimed or overdue for contact",
    "top_unattended_share": "top_unattended_count / top_customers",
    "top_unattended_aum_wan": "their AUM, 10k yuan",
    "peer_top_unattended_share": "peer median of top_unattended_share",
    "cross_sell_leads": "customers with large deposits and no other product",
    "lead_deposits_wan": "their deposits, 10k yuan",
    "products_per_customer": "mean products per active customer",
    "peer_products_per_customer": "peer median",
    "mobile_adoption": "share of active customers with mobile banking",
    "peer_mobile_adoption": "peer median",
    "mobile_gap": "peer_mobile_adoption - mobile_adoption",
    "median_wait": "median lobby wait, minutes",
    "p90_wait": "90th percentile wait, minutes",
    "share_over_15": "share of waits over the threshold",
    "peer_share_over_15": "peer median",
    "share_over_15_vs_peers": "share_over_15 / peer_share_over_15",
    "lunch_median_wait": "median wait 11:30-13:30, minutes",
    "lunch_wait_ratio": "lunch median / rest-of-day median",
    "peer_lunch_wait_ratio": "peer median of lunch_wait_ratio",
    "lunch_ratio_vs_peers": "lunch_wait_ratio / peer_lunch_wait_ratio",
    "peer_median_wait": "peer median of median_wait",
    "peer_p90_wait": "peer median of p90_wait",
    "peer_lunch_median_wait": "peer median of lunch_median_wait",
    "walk_away_rate": "share of queue tickets never called (customers who left without service)",
    "walk_aways": "those tickets",
    "peer_walk_away_rate": "peer median of walk_away_rate",
    "walk_away_vs_peers": "walk_away_rate / peer_walk_away_rate",
    "walk_away_gap": "walk_away_rate - peer_walk_away_rate",
    "staff_events_missing": "1 when the staff events table is absent (reviews and criticisms cannot be judged)",
    "peak_counter_gap": "largest counters-needed minus counters-open at lunch",
    "referral_conversion": "referrals sold / referred",
    "peer_referral_conversion": "peer median",
    "referral_gap": "peer_referral_conversion - referral_conversion",
    "weakest_handoff": "the hand-off with the lowest conversion (code: contact_rate, proposal_rate, close_rate)",
    "weakest_handoff_rate": "its conversion",
    "target_completion": "year-to-date deposit target completion",
    "time_elapsed": "share of the year elapsed",
    "pace_gap": "time_elapsed - target_completion",
    "policy_breaches": "staff past the review policy without a review",
    "breach_staff_ids": "who (staff ids; the report shows names or pseudonyms as breach_names)",
    "longest_miss_streak": "longest current streak of missed months",
    "policy_months": "the review policy length, months",
    "breach_first_month": "month the policy should have fired",
    "top_performer_exits": "recent resignations of over-target staff after public criticism",
    "exit_staff_ids": "who (staff ids; the report shows names or pseudonyms as exit_names)",
    "exit_criticisms": "public criticisms before the resignation",
}


class DiagnosticSettings(BaseModel):
    """The consultant's choices for one diagnostic (all have working defaults); no language: see the report."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    branch_id: str
    month: str = ""  # period end; empty: latest month in the data
    comparison_month: str = ""  # empty: 12 months earlier, else the earliest month
    peer_rule: peers.PeerRule = Field(default_factory=peers.PeerRule)
    thresholds: tiers.TierThresholds = Field(default_factory=tiers.TierThresholds)
    outflow_threshold_yuan: float = 1_000_000
    outflow_min_drop_share: float = 0.3
    lead_min_deposits: float = 200_000
    wait_threshold_min: float = 15.0
    target_wait_min: float = 10.0
    target_share: float = 0.8
    policy_months: int = 3
    rules_path: str = ""


@dataclass
class BankContext:
    """Figures about every branch, computed once per bank and month."""

    month: str
    comparison_month: str
    branches: pd.DataFrame
    kpis: pd.DataFrame  # one row per branch, KPI columns + extra diagnostic columns
    period: PeriodChoice | None = (
        None  # how the report month was chosen (`period.note(lang)` says why)
    )


@dataclass
class DiagnosticTables:
    """The analysis tables of one branch's diagnostic; None when the data for it is absent."""

    # deposits
    trend: pd.DataFrame | None = None  # daily deposits with moving averages
    monthly: pd.DataFrame | None = None  # month-end deposits and growth
    decomposition: pd.DataFrame | None = None  # change since the comparison month, by cause
    watchlist: pd.DataFrame | None = None  # large customers with outflows
    # tiers
    tiers: pd.DataFrame | None = None  # one row per customer with tier and AUM
    tier_distribution: pd.DataFrame | None = None
    migration: TierMigration | None = None  # tier then → tier now
    claim_coverage: pd.DataFrame | None = None
    contact_compliance: pd.DataFrame | None = None
    unattended: pd.DataFrame | None = None  # top-tier customers unclaimed or overdue
    # cross-sell and channel
    product_counts: pd.DataFrame | None = None
    penetration: pd.DataFrame | None = None
    leads: pd.DataFrame | None = None  # the 1+N lead list
    adoption_by_tier: pd.DataFrame | None = None
    adoption_by_age: pd.DataFrame | None = None
    # lobby
    wait_summary: lobby.WaitSummary | None = None
    wait_distribution: pd.DataFrame | None = None
    heatmap: pd.DataFrame | None = None  # weekday (0 = Monday) × hour; labelled by the report
    counters: pd.DataFrame | None = None  # counters needed against open, per hour
    # referrals
    funnel: pd.DataFrame | None = None
    referrals_by_role: pd.DataFrame | None = None
    referrals_by_person: pd.DataFrame | None = None
    referral_summary: dict[str, Any] | None = None
    # targets and people
    target_progress: pd.DataFrame | None = None
    staff_progress: pd.DataFrame | None = None
    leaderboard: pd.DataFrame | None = None
    streaks: pd.DataFrame | None = None
    breaches: pd.DataFrame | None = None
    exits: pd.DataFrame | None = None

    def update(self, **tables: Any) -> None:
        """Set several tables at once; a name that is not a field is a programming error."""
        for name, value in tables.items():
            if name not in self.names():
                raise AttributeError(f"DiagnosticTables has no table {name!r}")
            setattr(self, name, value)

    @classmethod
    def names(cls) -> list[str]:
        """Every table name, in declaration order."""
        return [f.name for f in fields(cls)]


@dataclass
class BranchDiagnostic:
    """Everything computed about one branch, in no language; the report words it."""

    settings: DiagnosticSettings
    bank: BankContext
    branch: dict[str, Any]
    peer_group: peers.PeerGroup
    scorecard: pd.DataFrame
    metrics: dict[str, Any]
    findings: list[FiredRule]
    tables: DiagnosticTables = field(default_factory=DiagnosticTables)
    staff_names: dict[str, str] = field(default_factory=dict)  # staff_id → name, the branch's staff

    @property
    def month(self) -> str:
        return self.bank.month

    @property
    def comparison_month(self) -> str:
        return self.bank.comparison_month


def _one_row(row: pd.Series | pd.DataFrame) -> pd.Series:
    """A `.loc` by branch id as one row: ids are unique (the contract's key), so a frame has one."""
    return row.iloc[0] if isinstance(row, pd.DataFrame) else row


def _kpis_row(kpis: pd.DataFrame, branch_id: str) -> pd.Series:
    """One branch's KPI row from the bank's KPI table."""
    return _one_row(kpis.set_index("branch_id").loc[branch_id])


def _median(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.median()) if len(values) else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) and not math.isnan(a) else math.nan


def _optional(ds: Dataset, name: str, branch_id: str | None = None) -> pd.DataFrame | None:
    if name not in ds.tables():
        return None
    return ds.table(name, branch_id) if branch_id else ds.table(name)


def bank_context(
    ds: Dataset,
    month: str = "",
    comparison_month: str = "",
    settings: DiagnosticSettings | None = None,
) -> BankContext:
    """KPIs of every branch for the peer comparison (the expensive, shareable part)."""
    choices = settings or DiagnosticSettings(branch_id="")
    counts = ds.month_counts("holdings")  # refuses months that cannot be real
    period = choose_months(counts, month)
    months = sorted(counts)
    month, base = period.month, period.base_month
    if comparison_month and comparison_month not in months:
        raise ValueError(
            f"comparison month {comparison_month} is not in the data; months available: {months[0]} to {months[-1]}"
        )
    comparison = comparison_month or base or month
    as_of = month_end(month)
    fast = _scanned_sums(ds, month, comparison, as_of, choices.thresholds)
    if fast is None:  # read in this order, so the first unusable table reported stays the same
        holdings = ds.table("holdings", month=sorted({month, comparison}))
        branches, customers, staff = ds.table("branches"), ds.table("customers"), ds.table("staff")
    else:
        branches, staff, sums, top_share = fast
    extra: list[pd.DataFrame] = []
    lobby_frame = _lobby_kpis(ds, choices.wait_threshold_min)
    if lobby_frame is not None:
        extra.append(lobby_frame)
    if fast is not None:
        extra += [top_share, *_referral_and_target_kpis(ds, month)]
        kpis = peers.kpis_from_sums(sums, branches, choices.thresholds, extra)
        return BankContext(month, comparison, branches, kpis, period)
    tiered = tiers.assign_tiers(customers, holdings, month, choices.thresholds)
    unattended = tiers.unattended_top_customers(tiered, customers, staff, as_of, choices.thresholds)
    top = tiered[tiered["tier"].astype("str") == "top"].groupby("branch_id").size()
    share = unattended.groupby("branch_id").size().reindex(top.index, fill_value=0) / top
    extra.append(
        pd.DataFrame({"branch_id": top.index.astype(str), "top_unattended_share": share.to_numpy()})
    )
    extra += _referral_and_target_kpis(ds, month)
    kpis = peers.branch_kpis(
        branches,
        customers,
        holdings,
        staff,
        month,
        comparison,
        thresholds=choices.thresholds,
        extra=extra,
    )
    return BankContext(month, comparison, branches, kpis, period)


def context_settings(settings: DiagnosticSettings) -> dict[str, Any]:
    """The settings `bank_context` reads, and only those: what its cache key holds.

    Keep in step with `bank_context`: a setting it starts reading must be added here,
    or a cached context computed under another value would be reused.
    """
    return {
        "month": settings.month,
        "comparison_month": settings.comparison_month,
        # numbers as floats: a notebook's 1000000 and a default's 1_000_000.0 are one setting
        "thresholds": {
            k: float(v) if isinstance(v, int | float) else v
            for k, v in asdict(settings.thresholds).items()
        },
        "wait_threshold_min": float(settings.wait_threshold_min),
    }


def _scanned_sums(
    ds: Dataset, month: str, comparison: str, as_of: pd.Timestamp, thresholds: tiers.TierThresholds
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(branches, staff, per-branch sums, top unattended share) with customers and holdings
    added up in DuckDB; None when they cannot be (the pandas path then reads and reports)."""
    if not bank_figures.scannable(ds, "customers", "holdings"):
        return None
    try:
        branches, staff = ds.table("branches"), ds.table("staff")
    except DataProblems:
        return None  # the pandas path reports it, after the tables it reads first
    summed = bank_figures.customer_sums(ds, month, comparison, as_of, thresholds, branches, staff)
    return None if summed is None else (branches, staff, *summed)


def _lobby_kpis(ds: Dataset, threshold_min: float) -> pd.DataFrame | None:
    """Per-branch waits for the peer comparison (scanned where it can be), None without tickets."""
    if "queue_tickets" not in ds.tables():
        return None
    lk = bank_figures.lobby_kpis(ds, threshold_min)
    if lk is None:
        lk = lobby.lobby_kpis(ds.table("queue_tickets"), threshold_min=threshold_min)
    lk = lk.reset_index().rename(
        columns={
            "median_wait": "wait_median_min",
            "p90_wait": "wait_p90_min",
            f"share_over_{threshold_min:g}": "share_over_15",
            "lunch_ratio": "lunch_wait_ratio",
        }
    )
    return lk[
        [
            "branch_id",
            "wait_median_min",
            "wait_p90_min",
            "share_over_15",
            "lunch_wait_ratio",
            "lunch_median_wait",
            "walk_away_rate",
        ]
    ]


def _referral_and_target_kpis(ds: Dataset, month: str) -> list[pd.DataFrame]:
    """Per-branch referral conversion and target completion, when those tables exist
    (added up in DuckDB where they can be, else through pandas)."""
    out: list[pd.DataFrame] = []
    if "referrals" in ds.tables():
        conversion = bank_figures.referral_conversion(ds, ds.table("branches"))
        if conversion is None:
            rk = referrals.referral_kpis(ds.table("referrals")).reset_index()
            conversion = pd.DataFrame(
                {"branch_id": rk["branch_id"].astype(str), "referral_conversion": rk["conversion"]}
            )
        out.append(conversion)
    if "targets" in ds.tables():
        completion = bank_figures.target_completion(ds, month)
        if completion is None:
            # branch-level rows only: the KPI uses no other, so staff rows are neither read nor checked
            tk = targets.target_kpis(ds.table("targets", level="branch"), month).reset_index()
            completion = pd.DataFrame(
                {
                    "branch_id": tk["branch_id"].astype(str),
                    "target_completion": tk["target_completion"],
                }
            )
        out.append(completion)
    return out


@dataclass
class _Run:
    """What every step of one branch's diagnostic reads and writes."""

    ds: Dataset
    settings: DiagnosticSettings
    bank: BankContext
    peers: pd.DataFrame  # KPI rows of the peer branches
    own: pd.Series  # the branch's KPI row
    customers: pd.DataFrame
    staff: pd.DataFrame
    holdings: pd.DataFrame
    metrics: dict[str, Any] = field(default_factory=dict)
    tables: DiagnosticTables = field(default_factory=DiagnosticTables)

    @property
    def active(self) -> pd.DataFrame:
        """The branch's active customers (a product with a balance this month): the one customer base.

        The scorecard counts customers, products per customer and mobile adoption on this
        base, so the tier, product and channel tables count on it too and their totals agree.
        """
        held = cross_sell.products_per_customer(self.customers, self.holdings, self.bank.month)
        return self.customers[self.customers["customer_id"].isin(held.index[held.to_numpy() > 0])]

    def own_value(self, column: str) -> float:
        value = self.own.get(column)
        return float(value) if value is not None and pd.notna(value) else math.nan

    def peer_median(self, column: str) -> float:
        return _median(self.peers[column]) if column in self.peers else math.nan

    def table(self, name: str) -> pd.DataFrame | None:
        return _optional(self.ds, name, self.settings.branch_id)


def diagnose(
    ds: Dataset, settings: DiagnosticSettings, bank: BankContext | None = None
) -> BranchDiagnostic:
    """Run every analysis of the diagnostic for one branch and evaluate the finding rules (no wording)."""
    if bank is None:  # computed once per bank and settings, then read from the result cache
        from branch_consult.results.cache import cached_bank_context

        bank = cached_bank_context(ds, settings)
    branches = bank.branches
    b = settings.branch_id
    if b not in set(branches["branch_id"]):
        raise DataProblems(
            [],
            headline=f"unknown branch {b!r}; branches: {', '.join(sorted(branches['branch_id']))}",
        )
    row = branches.set_index("branch_id").loc[b]
    own = _kpis_row(bank.kpis, b)
    branch = {str(k): v for k, v in _one_row(row).items()} | {"branch_id": b}
    group = peers.peer_group(branches, bank.kpis, b, settings.peer_rule)
    kpis = bank.kpis.set_index("branch_id")
    # fewer peers than the rule's minimum support no comparison: no peer medians, no statuses
    compared = (
        [p for p in group.peers if p != b]
        if len(group.peers) >= settings.peer_rule.min_peers
        else []
    )
    run = _Run(
        ds,
        settings,
        bank,
        kpis.reindex(compared),
        own,
        ds.table("customers", b),
        ds.table("staff", b),
        ds.table("holdings", b),
        metrics={"policy_months": settings.policy_months},
    )
    for step in (_deposits, _tiers, _cross_sell_and_channel, _lobby, _referrals, _targets):
        step(run)
    fired = evaluate(run.metrics, load_rules(settings.rules_path or None))
    card = peers.scorecard(bank.kpis, b, compared)
    names = (
        run.staff.dropna(subset=["staff_id"]).set_index("staff_id")["name"]
        if "name" in run.staff
        else pd.Series()
    )
    staff_names = {str(k): str(v) for k, v in names.items() if isinstance(v, str) and v.strip()}
    return BranchDiagnostic(
        settings, bank, branch, group, card, run.metrics, fired, run.tables, staff_names
    )


def _deposits(r: _Run) -> None:
    """Trend, decomposition of the change, and large customers' outflows."""
    month, base, b = r.bank.month, r.bank.comparison_month, r.settings.branch_id
    daily = r.table("branch_daily")
    if daily is not None:
        r.tables.trend = deposits.deposit_trend(daily, b)
        r.tables.monthly = deposits.period_growth(r.tables.trend, "month")
    r.tables.decomposition = deposits.deposit_change_decomposition(
        r.customers, r.holdings, base, month, b
    )
    txns = r.table("transactions")
    watch = deposits.outflow_watchlist(
        r.holdings,
        txns if txns is not None else empty_table("transactions"),
        r.customers,
        month,
        threshold_yuan=r.settings.outflow_threshold_yuan,
        min_drop_share=r.settings.outflow_min_drop_share,
    )
    r.tables.watchlist = watch
    metrics = r.metrics
    metrics["deposit_growth"] = r.own_value("deposits_growth")
    metrics["peer_deposit_growth"] = r.peer_median("deposits_growth")
    metrics["growth_gap"] = metrics["peer_deposit_growth"] - metrics["deposit_growth"]
    metrics["outflow_customers"] = len(watch)
    metrics["outflow_amount_wan"] = float(watch["drop"].sum()) / 1e4 if len(watch) else 0.0
    if len(watch):
        top_row = watch.iloc[0]
        metrics["outflow_largest_wan"] = float(top_row["drop"]) / 1e4
        metrics["outflow_largest_share"] = float(top_row["drop_share"])
        metrics["outflow_main_channel"] = str(top_row.get("main_channel"))


def _tiers(r: _Run) -> None:
    """Tiers, migration, claim coverage and contact compliance, unattended top customers."""
    month, base, choices = r.bank.month, r.bank.comparison_month, r.settings
    as_of = month_end(month)
    active = r.active
    tiered = tiers.assign_tiers(active, r.holdings, month, choices.thresholds)
    unattended = tiers.unattended_top_customers(tiered, active, r.staff, as_of, choices.thresholds)
    r.tables.update(
        tiers=tiered,
        tier_distribution=tiers.tier_distribution(tiered),
        migration=tiers.tier_migration(r.customers, r.holdings, base, month, choices.thresholds),
        claim_coverage=tiers.claim_coverage(tiered, active, r.staff, as_of),
        contact_compliance=tiers.contact_compliance(tiered, active, as_of, choices.thresholds),
        unattended=unattended,
    )
    n_top = int((tiered["tier"].astype("str") == "top").sum())
    r.metrics.update(
        top_customers=n_top,
        top_unattended_count=len(unattended),
        top_unattended_share=_ratio(len(unattended), n_top),
        top_unattended_aum_wan=float(unattended["aum"].sum()) / 1e4,
        peer_top_unattended_share=r.peer_median("top_unattended_share"),
    )


def _cross_sell_and_channel(r: _Run) -> None:
    """Products per customer, penetration, the 1+N lead list; mobile adoption."""
    month, choices, metrics = r.bank.month, r.settings, r.metrics
    tiered = r.tables.tiers
    if tiered is None:  # `_tiers` runs before this step and always sets it
        raise RuntimeError("the tiers step must run before cross-sell")
    active = r.active
    counts = cross_sell.products_per_customer(active, r.holdings, month)
    leads = cross_sell.lead_list(r.customers, r.holdings, month, choices.lead_min_deposits)
    dist = cross_sell.product_count_distribution(counts)
    r.tables.update(
        product_counts=dist[dist["n_products"] != "0"].reset_index(
            drop=True
        ),  # active customers hold 1+
        penetration=cross_sell.penetration_by_tier(tiered, r.holdings, month),
        leads=leads,
        adoption_by_tier=channel.adoption_by_tier(active, tiered),
        adoption_by_age=channel.adoption_by_age(active, month_end(month).year),
    )
    metrics["cross_sell_leads"] = len(leads)
    metrics["lead_deposits_wan"] = float(leads["deposits"].sum()) / 1e4 if len(leads) else 0.0
    metrics["products_per_customer"] = r.own_value("products_per_customer")
    metrics["peer_products_per_customer"] = r.peer_median("products_per_customer")
    metrics["mobile_adoption"] = r.own_value("mobile_adoption")
    metrics["peer_mobile_adoption"] = r.peer_median("mobile_adoption")
    metrics["mobile_gap"] = metrics["peer_mobile_adoption"] - metrics["mobile_adoption"]


def _lobby(r: _Run) -> None:
    """Waits, lunchtime peak, heat map and counters needed (Erlang C) against open."""
    tickets = r.table("queue_tickets")
    if tickets is None or not len(tickets):
        return
    choices, metrics = r.settings, r.metrics
    summary = lobby.wait_summary(tickets, choices.wait_threshold_min)
    lunch = lobby.lunchtime_ratio(tickets)
    counters = lobby.counter_requirement(tickets, choices.target_wait_min, choices.target_share)
    r.tables.update(
        wait_summary=summary,
        wait_distribution=lobby.wait_distribution(tickets),
        heatmap=lobby.weekday_hour_heatmap(tickets).drop(columns="weekday_label"),
        counters=counters,
    )
    lunch_hours = counters[counters["hour"].isin([11, 12, 13])]
    metrics.update(
        median_wait=summary.median_wait,
        p90_wait=summary.p90_wait,
        share_over_15=summary.share_over,
        peer_share_over_15=r.peer_median("share_over_15"),
        lunch_median_wait=lunch.lunch_median_wait,
        lunch_wait_ratio=lunch.ratio,
        peer_lunch_wait_ratio=r.peer_median("lunch_wait_ratio"),
        peak_counter_gap=float(lunch_hours["gap"].max()) if len(lunch_hours) else math.nan,
    )
    metrics["share_over_15_vs_peers"] = _ratio(
        metrics["share_over_15"], metrics["peer_share_over_15"]
    )
    metrics["lunch_ratio_vs_peers"] = _ratio(
        metrics["lunch_wait_ratio"], metrics["peer_lunch_wait_ratio"]
    )
    metrics.update(
        peer_median_wait=r.peer_median("wait_median_min"),
        peer_p90_wait=r.peer_median("wait_p90_min"),
        peer_lunch_median_wait=r.peer_median("lunch_median_wait"),
        walk_away_rate=summary.walk_away_rate,
        walk_aways=float(summary.walk_aways),
        peer_walk_away_rate=r.peer_median("walk_away_rate"),
    )
    metrics["walk_away_vs_peers"] = _ratio(
        metrics["walk_away_rate"], metrics["peer_walk_away_rate"]
    )
    metrics["walk_away_gap"] = metrics["walk_away_rate"] - metrics["peer_walk_away_rate"]


def _referrals(r: _Run) -> None:
    """The referral funnel overall, by referring role and person; the weakest hand-off."""
    refs = r.table("referrals")
    if refs is None or not len(refs):
        return
    metrics = r.metrics
    summary = referrals.funnel_summary(refs)
    r.tables.update(
        funnel=referrals.funnel(refs),
        referrals_by_role=referrals.funnel_by_role(refs, r.staff),
        referrals_by_person=referrals.funnel_by_person(refs, r.staff),
        referral_summary=summary,
    )
    metrics["referral_conversion"] = r.own_value("referral_conversion")
    metrics["peer_referral_conversion"] = r.peer_median("referral_conversion")
    metrics["referral_gap"] = metrics["peer_referral_conversion"] - metrics["referral_conversion"]
    weakest = summary.get("weakest_handoff")
    if isinstance(weakest, str) and weakest in referrals.HANDOFF_LABELS:
        metrics["weakest_handoff"] = weakest
        metrics["weakest_handoff_rate"] = float(summary["weakest_handoff_rate"])


def _targets(r: _Run) -> None:
    """Progress against the calendar, the leaderboard, review-policy breaches, top-performer exits."""
    tg = r.table("targets")
    if tg is None or not len(tg):
        return
    month, b, metrics, staff = r.bank.month, r.settings.branch_id, r.metrics, r.staff
    progress = targets.ytd_progress(tg, month, level="branch", ids=[b])
    r.tables.update(
        target_progress=progress,
        staff_progress=targets.branch_progress(tg, staff, b, month),
        leaderboard=targets.leaderboard(tg, staff, month, "deposits", branch_id=b),
    )
    dep = progress[progress["metric"] == "deposits"]
    if len(dep):
        metrics["target_completion"] = float(dep["completion"].iloc[0])
        metrics["time_elapsed"] = float(dep["time_elapsed"].iloc[0])
        metrics["pace_gap"] = metrics["time_elapsed"] - metrics["target_completion"]
    events = r.table("staff_events")
    staff_targets = tg[tg["level"] == "staff"]
    main = targets.role_main_metrics(staff_targets, staff)
    streaks = targets.miss_streaks(staff_targets, main)
    r.tables.streaks = streaks
    if events is None:
        # without the events table nobody can be shown as reviewed or not, nor as criticised:
        # the policy check and the exits are left out rather than judged on no evidence
        r.metrics["staff_events_missing"] = 1.0
        return
    breaches = targets.policy_breaches(streaks, staff, events, r.settings.policy_months)
    r.tables.streaks, r.tables.breaches = streaks, breaches
    # the finding is about people kept *now*: a breach on the current, still running streak
    current = streaks.set_index("staff_id")["current_start"]
    ongoing = breaches["streak_start"].astype(str) == breaches["staff_id"].map(current).astype(str)
    open_breaches = breaches[breaches["breach"] & ongoing]
    metrics["policy_breaches"] = len(open_breaches)
    if len(open_breaches):
        metrics["breach_staff_ids"] = [str(x) for x in open_breaches["staff_id"]]
        worst = open_breaches.sort_values("streak").iloc[-1]
        metrics["longest_miss_streak"] = float(worst["streak"])
        metrics["breach_first_month"] = str(worst["fire_month"])
    exits = staff_fit.top_performer_exits(staff_targets, staff, events, month, main=main)
    r.tables.exits = exits
    metrics["top_performer_exits"] = len(exits)
    if len(exits):
        metrics["exit_staff_ids"] = [str(x) for x in exits["staff_id"]]
        metrics["exit_criticisms"] = float(exits["public_criticisms"].max())


__all__ = [
    "METRICS",
    "BankContext",
    "BranchDiagnostic",
    "DiagnosticSettings",
    "DiagnosticTables",
    "bank_context",
    "context_settings",
    "diagnose",
]
