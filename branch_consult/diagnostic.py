"""The branch diagnostic: every analysis for one branch, its peers, metrics and findings.

`diagnose(ds, settings)` is what the `branch_diagnostic` playbook calls.  Bank-wide
figures (KPIs of every branch, for the peer comparison) are computed once in a
`BankContext`, which a batch over all branches can build once and pass to every
run; the per-branch analyses then only touch the branch's slice of the data.  The
flat `metrics` map is what the finding rules (findings/rules.yaml) read; its names
are listed in `METRICS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from branch_consult.analysis import (
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
from branch_consult.data import DataProblems, Dataset
from branch_consult.data.dataset import empty_table
from branch_consult.findings import Finding, evaluate, load_rules

#: metric name -> meaning; the finding rules may use any of these
METRICS: dict[str, str] = {
    "deposit_growth": "deposit growth since the comparison month (fraction)",
    "peer_deposit_growth": "peer median of deposit_growth",
    "growth_gap": "peer_deposit_growth - deposit_growth",
    "outflow_customers": "large customers on the outflow watch-list",
    "outflow_amount_wan": "their total drop, 10k yuan",
    "outflow_largest_wan": "largest single drop, 10k yuan",
    "outflow_largest_share": "largest drop as a share of that customer's start balance",
    "outflow_main_channel": "main outflow channel of the largest drop",
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
    "peak_counter_gap": "largest counters-needed minus counters-open at lunch",
    "referral_conversion": "referrals sold / referred",
    "peer_referral_conversion": "peer median",
    "referral_gap": "peer_referral_conversion - referral_conversion",
    "weakest_handoff": "the hand-off with the lowest conversion",
    "weakest_handoff_rate": "its conversion",
    "target_completion": "year-to-date deposit target completion",
    "time_elapsed": "share of the year elapsed",
    "pace_gap": "time_elapsed - target_completion",
    "policy_breaches": "staff past the review policy without a review",
    "breach_names": "who",
    "longest_miss_streak": "longest current streak of missed months",
    "policy_months": "the review policy length, months",
    "breach_first_month": "month the policy should have fired",
    "top_performer_exits": "recent resignations of over-target staff after public criticism",
    "exit_names": "who",
    "exit_criticisms": "public criticisms before the resignation",
}


class DiagnosticSettings(BaseModel):
    """The consultant's choices for one diagnostic (all have working defaults)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    branch_id: str
    month: str = ""  # period end; empty: latest month in the data
    comparison_month: str = ""  # empty: 12 months earlier, else the earliest month
    peer_rule: peers.PeerRule = Field(default_factory=peers.PeerRule)
    thresholds: tiers.TierThresholds = Field(default_factory=tiers.TierThresholds)
    lang: str = "zh"
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
    period: PeriodChoice | None = None  # how the report month was chosen (`period.note(lang)` says why)


@dataclass
class BranchDiagnostic:
    """Everything the report shows about one branch."""

    settings: DiagnosticSettings
    bank: BankContext
    branch: dict[str, Any]
    peer_group: peers.PeerGroup
    scorecard: pd.DataFrame
    metrics: dict[str, Any]
    findings: list[Finding]
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return self.bank.month

    @property
    def comparison_month(self) -> str:
        return self.bank.comparison_month


def _median(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.median()) if len(values) else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) and not math.isnan(a) else math.nan


def _optional(ds: Dataset, name: str, branch_id: str | None = None) -> pd.DataFrame | None:
    if name not in ds.tables():
        return None
    return ds.table(name, branch_id) if branch_id else ds.table(name)


def bank_context(ds: Dataset, month: str = "", comparison_month: str = "",
                 settings: DiagnosticSettings | None = None) -> BankContext:
    """KPIs of every branch for the peer comparison (the expensive, shareable part)."""
    s = settings or DiagnosticSettings(branch_id="")
    counts = ds.month_counts("holdings")  # refuses months that cannot be real
    period = choose_months(counts, month)
    months = sorted(counts)
    month, base = period.month, period.base_month
    if comparison_month and comparison_month not in months:
        raise ValueError(f"comparison month {comparison_month} is not in the data; months available: {months[0]} to {months[-1]}")
    comparison = comparison_month or base or month
    holdings = ds.table("holdings", month=sorted({month, comparison}))
    branches, customers, staff = ds.table("branches"), ds.table("customers"), ds.table("staff")
    extra: list[pd.DataFrame] = []
    tickets = _optional(ds, "queue_tickets")
    if tickets is not None:
        lk = lobby.lobby_kpis(tickets, threshold_min=s.wait_threshold_min).reset_index()
        lk = lk.rename(columns={"median_wait": "wait_median_min", "p90_wait": "wait_p90_min",
                                f"share_over_{s.wait_threshold_min:g}": "share_over_15",
                                "lunch_ratio": "lunch_wait_ratio"})
        extra.append(lk[["branch_id", "wait_median_min", "wait_p90_min", "share_over_15",
                         "lunch_wait_ratio", "lunch_median_wait"]])
    as_of = month_end(month)
    tiered = tiers.assign_tiers(customers, holdings, month, s.thresholds)
    unattended = tiers.unattended_top_customers(tiered, customers, staff, as_of, s.thresholds)
    top = tiered[tiered["tier"].astype("str") == "top"].groupby("branch_id").size()
    share = (unattended.groupby("branch_id").size().reindex(top.index, fill_value=0) / top)
    extra.append(pd.DataFrame({"branch_id": top.index.astype(str), "top_unattended_share": share.to_numpy()}))
    extra += _referral_and_target_kpis(ds, month)
    kpis = peers.branch_kpis(branches, customers, holdings, staff, month, comparison,
                             thresholds=s.thresholds, extra=extra)
    return BankContext(month, comparison, branches, kpis, period)


def _referral_and_target_kpis(ds: Dataset, month: str) -> list[pd.DataFrame]:
    """Per-branch referral conversion and target completion, when those tables exist."""
    out: list[pd.DataFrame] = []
    refs = _optional(ds, "referrals")
    if refs is not None:
        rk = referrals.referral_kpis(refs).reset_index()
        out.append(pd.DataFrame({"branch_id": rk["branch_id"].astype(str), "referral_conversion": rk["conversion"]}))
    tg = _optional(ds, "targets")
    if tg is not None:
        tk = targets.target_kpis(tg, month).reset_index()
        out.append(pd.DataFrame({"branch_id": tk["branch_id"].astype(str), "target_completion": tk["target_completion"]}))
    return out


@dataclass
class _Run:
    """What every step of one branch's diagnostic reads and writes."""

    ds: Dataset
    s: DiagnosticSettings
    bank: BankContext
    peers: pd.DataFrame  # KPI rows of the peer branches
    own: pd.Series  # the branch's KPI row
    customers: pd.DataFrame
    staff: pd.DataFrame
    holdings: pd.DataFrame
    m: dict[str, Any] = field(default_factory=dict)
    sec: dict[str, Any] = field(default_factory=dict)

    def own_value(self, column: str) -> float:
        value = self.own.get(column)
        return float(value) if value is not None and pd.notna(value) else math.nan

    def peer_median(self, column: str) -> float:
        return _median(self.peers[column]) if column in self.peers else math.nan

    def table(self, name: str) -> pd.DataFrame | None:
        return _optional(self.ds, name, self.s.branch_id)


def diagnose(ds: Dataset, settings: DiagnosticSettings, bank: BankContext | None = None) -> BranchDiagnostic:
    """Run every analysis of the diagnostic for one branch and word its findings."""
    s = settings
    bank = bank or bank_context(ds, s.month, s.comparison_month, s)
    branches = bank.branches
    if s.branch_id not in set(branches["branch_id"]):
        raise DataProblems([], headline=f"unknown branch {s.branch_id!r}; branches: {', '.join(sorted(branches['branch_id']))}")
    branch = branches.set_index("branch_id").loc[s.branch_id].to_dict() | {"branch_id": s.branch_id}
    group = peers.peer_group(branches, bank.kpis, s.branch_id, s.peer_rule)
    kpis = bank.kpis.set_index("branch_id")
    b = s.branch_id
    run = _Run(ds, s, bank, kpis.reindex([p for p in group.peers if p != b]), kpis.loc[b],
               ds.table("customers", b), ds.table("staff", b), ds.table("holdings", b),
               m={"policy_months": s.policy_months})
    for step in (_deposits, _tiers, _cross_sell_and_channel, _lobby, _referrals, _targets):
        step(run)
    findings = evaluate(run.m, load_rules(s.rules_path or None), s.lang)
    card = peers.scorecard(bank.kpis, b, group)
    return BranchDiagnostic(s, bank, branch, group, card, run.m, findings, run.sec)


def _deposits(r: _Run) -> None:
    """Trend, decomposition of the change, and large customers' outflows."""
    month, base, b = r.bank.month, r.bank.comparison_month, r.s.branch_id
    daily = r.table("branch_daily")
    if daily is not None:
        r.sec["trend"] = deposits.deposit_trend(daily, b)
        r.sec["monthly"] = deposits.period_growth(r.sec["trend"], "month")
    r.sec["decomposition"] = deposits.deposit_change_decomposition(r.customers, r.holdings, base, month, b)
    txns = r.table("transactions")
    watch = deposits.outflow_watchlist(
        r.holdings, txns if txns is not None else empty_table("transactions"), r.customers, month,
        threshold_yuan=r.s.outflow_threshold_yuan, min_drop_share=r.s.outflow_min_drop_share)
    r.sec["watchlist"] = watch
    m = r.m
    m["deposit_growth"] = r.own_value("deposits_growth")
    m["peer_deposit_growth"] = r.peer_median("deposits_growth")
    m["growth_gap"] = m["peer_deposit_growth"] - m["deposit_growth"]
    m["outflow_customers"] = len(watch)
    m["outflow_amount_wan"] = float(watch["drop"].sum()) / 1e4 if len(watch) else 0.0
    if len(watch):
        top_row = watch.iloc[0]
        m["outflow_largest_wan"] = float(top_row["drop"]) / 1e4
        m["outflow_largest_share"] = float(top_row["drop_share"])
        m["outflow_main_channel"] = _channel_word(top_row.get("main_channel"), r.s.lang)


def _tiers(r: _Run) -> None:
    """Tiers, migration, claim coverage and contact compliance, unattended top customers."""
    month, base, s = r.bank.month, r.bank.comparison_month, r.s
    as_of = month_end(month)
    tiered = tiers.assign_tiers(r.customers, r.holdings, month, s.thresholds)
    unattended = tiers.unattended_top_customers(tiered, r.customers, r.staff, as_of, s.thresholds)
    r.sec.update(
        tiers=tiered,
        tier_distribution=tiers.tier_distribution(tiered),
        migration=tiers.tier_migration(r.customers, r.holdings, base, month, s.thresholds),
        claim_coverage=tiers.claim_coverage(tiered, r.customers, r.staff, as_of),
        contact_compliance=tiers.contact_compliance(tiered, r.customers, as_of, s.thresholds),
        unattended=unattended,
    )
    n_top = int((tiered["tier"].astype("str") == "top").sum())
    r.m.update(
        top_customers=n_top,
        top_unattended_count=len(unattended),
        top_unattended_share=_ratio(len(unattended), n_top),
        top_unattended_aum_wan=float(unattended["aum"].sum()) / 1e4,
        peer_top_unattended_share=r.peer_median("top_unattended_share"),
    )


def _cross_sell_and_channel(r: _Run) -> None:
    """Products per customer, penetration, the 1+N lead list; mobile adoption."""
    month, s, m = r.bank.month, r.s, r.m
    tiered = r.sec["tiers"]
    counts = cross_sell.products_per_customer(r.customers, r.holdings, month)
    leads = cross_sell.lead_list(r.customers, r.holdings, month, s.lead_min_deposits)
    r.sec.update(
        product_counts=cross_sell.product_count_distribution(counts),
        penetration=cross_sell.penetration_by_tier(tiered, r.holdings, month),
        leads=leads,
        adoption_by_tier=channel.adoption_by_tier(r.customers, tiered),
        adoption_by_age=channel.adoption_by_age(r.customers, month_end(month).year),
    )
    m["cross_sell_leads"] = len(leads)
    m["lead_deposits_wan"] = float(leads["deposits"].sum()) / 1e4 if len(leads) else 0.0
    m["products_per_customer"] = r.own_value("products_per_customer")
    m["peer_products_per_customer"] = r.peer_median("products_per_customer")
    m["mobile_adoption"] = r.own_value("mobile_adoption")
    m["peer_mobile_adoption"] = r.peer_median("mobile_adoption")
    m["mobile_gap"] = m["peer_mobile_adoption"] - m["mobile_adoption"]


def _lobby(r: _Run) -> None:
    """Waits, lunchtime peak, heat map and counters needed (Erlang C) against open."""
    tickets = r.table("queue_tickets")
    if tickets is None or not len(tickets):
        return
    s, m = r.s, r.m
    summary = lobby.wait_summary(tickets, s.wait_threshold_min)
    lunch = lobby.lunchtime_ratio(tickets)
    counters = lobby.counter_requirement(tickets, s.target_wait_min, s.target_share)
    r.sec.update(
        wait_summary=summary,
        wait_distribution=lobby.wait_distribution(tickets),
        heatmap=lobby.weekday_hour_heatmap(tickets, lang=s.lang),
        counters=counters,
    )
    lunch_hours = counters[counters["hour"].isin([11, 12, 13])]
    m.update(
        median_wait=summary.median_wait,
        p90_wait=summary.p90_wait,
        share_over_15=summary.share_over,
        peer_share_over_15=r.peer_median("share_over_15"),
        lunch_median_wait=lunch.lunch_median_wait,
        lunch_wait_ratio=lunch.ratio,
        peer_lunch_wait_ratio=r.peer_median("lunch_wait_ratio"),
        peak_counter_gap=float(lunch_hours["gap"].max()) if len(lunch_hours) else math.nan,
    )
    m["share_over_15_vs_peers"] = _ratio(m["share_over_15"], m["peer_share_over_15"])
    m["lunch_ratio_vs_peers"] = _ratio(m["lunch_wait_ratio"], m["peer_lunch_wait_ratio"])


def _referrals(r: _Run) -> None:
    """The referral funnel overall, by referring role and person; the weakest hand-off."""
    refs = r.table("referrals")
    if refs is None or not len(refs):
        return
    m = r.m
    summary = referrals.funnel_summary(refs)
    r.sec.update(
        funnel=referrals.funnel(refs),
        referrals_by_role=referrals.funnel_by_role(refs, r.staff),
        referrals_by_person=referrals.funnel_by_person(refs, r.staff),
        referral_summary=summary,
    )
    m["referral_conversion"] = r.own_value("referral_conversion")
    m["peer_referral_conversion"] = r.peer_median("referral_conversion")
    m["referral_gap"] = m["peer_referral_conversion"] - m["referral_conversion"]
    weakest = summary.get("weakest_handoff")
    if isinstance(weakest, str) and weakest in referrals.HANDOFF_LABELS:
        m["weakest_handoff"] = referrals.HANDOFF_LABELS[weakest][r.s.lang]
        m["weakest_handoff_rate"] = float(summary["weakest_handoff_rate"])


def _targets(r: _Run) -> None:
    """Progress against the calendar, the leaderboard, review-policy breaches, top-performer exits."""
    tg = r.table("targets")
    if tg is None or not len(tg):
        return
    month, b, m, staff = r.bank.month, r.s.branch_id, r.m, r.staff
    progress = targets.ytd_progress(tg, month, level="branch", ids=[b])
    r.sec.update(
        target_progress=progress,
        staff_progress=targets.branch_progress(tg, staff, b, month),
        leaderboard=targets.leaderboard(tg, staff, month, "deposits", branch_id=b),
    )
    dep = progress[progress["metric"] == "deposits"]
    if len(dep):
        m["target_completion"] = float(dep["completion"].iloc[0])
        m["time_elapsed"] = float(dep["time_elapsed"].iloc[0])
        m["pace_gap"] = m["time_elapsed"] - m["target_completion"]
    events = r.table("staff_events")
    events = events if events is not None else empty_table("staff_events")
    staff_targets = tg[tg["level"] == "staff"]
    main = targets.role_main_metrics(staff_targets, staff)
    streaks = targets.miss_streaks(staff_targets, main)
    breaches = targets.policy_breaches(streaks, staff, events, r.s.policy_months)
    r.sec["streaks"], r.sec["breaches"] = streaks, breaches
    # the finding is about people kept *now*: a breach on the current, still running streak
    current = streaks.set_index("staff_id")["current_start"]
    ongoing = breaches["streak_start"].astype(str) == breaches["staff_id"].map(current).astype(str)
    open_breaches = breaches[breaches["breach"] & ongoing]
    m["policy_breaches"] = len(open_breaches)
    if len(open_breaches):
        names = staff.set_index("staff_id")["name"]
        m["breach_names"] = "、".join(names.reindex(open_breaches["staff_id"]).fillna("").astype(str))
        worst = open_breaches.sort_values("streak").iloc[-1]
        m["longest_miss_streak"] = float(worst["streak"])
        m["breach_first_month"] = str(worst["fire_month"])
    exits = staff_fit.top_performer_exits(staff_targets, staff, events, month, main=main)
    r.sec["exits"] = exits
    m["top_performer_exits"] = len(exits)
    if len(exits):
        m["exit_names"] = "、".join(exits["name"].astype(str))
        m["exit_criticisms"] = float(exits["public_criticisms"].max())


_CHANNEL_WORDS = {"mobile": ("手机银行", "mobile banking"), "online": ("网上银行", "online banking"),
                  "counter": ("柜面", "the counter"), "atm": ("自助设备", "ATMs")}


def _channel_word(channel_name: object, lang: str) -> str:
    zh, en = _CHANNEL_WORDS.get(str(channel_name), (str(channel_name), str(channel_name)))
    return zh if lang == "zh" else en


__all__ = ["METRICS", "BankContext", "BranchDiagnostic", "DiagnosticSettings", "bank_context", "diagnose"]
