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
from branch_consult.analysis.overview import pick_months
from branch_consult.data import DataProblems, Dataset
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
    months = ds.distinct("holdings", "month")
    month, base = pick_months(months, month)
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
    as_of = deposits.month_end(month)
    tiered = tiers.assign_tiers(customers, holdings, month, s.thresholds)
    unattended = tiers.unattended_top_customers(tiered, customers, staff, as_of, s.thresholds)
    top = tiered[tiered["tier"].astype("str") == "top"].groupby("branch_id").size()
    share = (unattended.groupby("branch_id").size().reindex(top.index, fill_value=0) / top)
    extra.append(pd.DataFrame({"branch_id": top.index.astype(str), "top_unattended_share": share.to_numpy()}))
    extra += _referral_and_target_kpis(ds, month)
    kpis = peers.branch_kpis(branches, customers, holdings, staff, month, comparison,
                             thresholds=s.thresholds, extra=extra)
    return BankContext(month, comparison, branches, kpis)


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


def diagnose(ds: Dataset, settings: DiagnosticSettings, bank: BankContext | None = None) -> BranchDiagnostic:
    """Run every analysis of the diagnostic for one branch and word its findings."""
    s = settings
    bank = bank or bank_context(ds, s.month, s.comparison_month, s)
    branches = bank.branches
    if s.branch_id not in set(branches["branch_id"]):
        raise DataProblems([], headline=f"unknown branch {s.branch_id!r}; branches: {', '.join(sorted(branches['branch_id']))}")
    branch = branches.set_index("branch_id").loc[s.branch_id].to_dict() | {"branch_id": s.branch_id}
    month, base = bank.month, bank.comparison_month
    as_of = deposits.month_end(month)
    group = peers.peer_group(branches, bank.kpis, s.branch_id, s.peer_rule)
    card = peers.scorecard(bank.kpis, s.branch_id, group)
    own = bank.kpis.set_index("branch_id").loc[s.branch_id]
    peer_rows = bank.kpis.set_index("branch_id").reindex([p for p in group.peers if p != s.branch_id])

    def peer_median(column: str) -> float:
        return _median(peer_rows[column]) if column in peer_rows else math.nan

    def own_value(column: str) -> float:
        return float(own[column]) if column in own and pd.notna(own[column]) else math.nan

    b = s.branch_id
    customers, staff, holdings = ds.table("customers", b), ds.table("staff", b), ds.table("holdings", b)
    m: dict[str, Any] = {"policy_months": s.policy_months}
    sec: dict[str, Any] = {}

    # deposits and funds
    daily = _optional(ds, "branch_daily", b)
    if daily is not None:
        sec["trend"] = deposits.deposit_trend(daily, b)
        sec["monthly"] = deposits.period_growth(sec["trend"], "month")
    sec["decomposition"] = deposits.deposit_change_decomposition(customers, holdings, base, month, b)
    txns = _optional(ds, "transactions", b)
    watch = deposits.outflow_watchlist(
        holdings, txns if txns is not None else _empty_transactions(), customers, month,
        threshold_yuan=s.outflow_threshold_yuan, min_drop_share=s.outflow_min_drop_share)
    sec["watchlist"] = watch
    m["deposit_growth"] = own_value("deposits_growth")
    m["peer_deposit_growth"] = peer_median("deposits_growth")
    m["growth_gap"] = m["peer_deposit_growth"] - m["deposit_growth"]
    m["outflow_customers"] = len(watch)
    if len(watch):
        top_row = watch.iloc[0]
        m["outflow_amount_wan"] = float(watch["drop"].sum()) / 1e4
        m["outflow_largest_wan"] = float(top_row["drop"]) / 1e4
        m["outflow_largest_share"] = float(top_row["drop_share"])
        m["outflow_main_channel"] = _channel_word(top_row.get("main_channel"), s.lang)
    else:
        m["outflow_amount_wan"] = 0.0

    # customer tiers
    tiered = tiers.assign_tiers(customers, holdings, month, s.thresholds)
    sec["tiers"] = tiered
    sec["tier_distribution"] = tiers.tier_distribution(tiered)
    sec["migration"] = tiers.tier_migration(customers, holdings, base, month, s.thresholds)
    sec["claim_coverage"] = tiers.claim_coverage(tiered, customers, staff, as_of)
    sec["contact_compliance"] = tiers.contact_compliance(tiered, customers, as_of, s.thresholds)
    unattended = tiers.unattended_top_customers(tiered, customers, staff, as_of, s.thresholds)
    sec["unattended"] = unattended
    n_top = int((tiered["tier"].astype("str") == "top").sum())
    m["top_customers"] = n_top
    m["top_unattended_count"] = len(unattended)
    m["top_unattended_share"] = _ratio(len(unattended), n_top)
    m["top_unattended_aum_wan"] = float(unattended["aum"].sum()) / 1e4
    m["peer_top_unattended_share"] = peer_median("top_unattended_share")

    # cross-sell 1+N and channel
    counts = cross_sell.products_per_customer(customers, holdings, month)
    sec["product_counts"] = cross_sell.product_count_distribution(counts)
    sec["penetration"] = cross_sell.penetration_by_tier(tiered, holdings, month)
    leads = cross_sell.lead_list(customers, holdings, month, s.lead_min_deposits)
    sec["leads"] = leads
    m["cross_sell_leads"] = len(leads)
    m["lead_deposits_wan"] = float(leads["deposits"].sum()) / 1e4 if len(leads) else 0.0
    m["products_per_customer"] = own_value("products_per_customer")
    m["peer_products_per_customer"] = peer_median("products_per_customer")
    sec["adoption_by_tier"] = channel.adoption_by_tier(customers, tiered)
    sec["adoption_by_age"] = channel.adoption_by_age(customers, as_of.year)
    m["mobile_adoption"] = own_value("mobile_adoption")
    m["peer_mobile_adoption"] = peer_median("mobile_adoption")
    m["mobile_gap"] = m["peer_mobile_adoption"] - m["mobile_adoption"]

    # lobby service
    tickets = _optional(ds, "queue_tickets", b)
    if tickets is not None and len(tickets):
        summary = lobby.wait_summary(tickets, s.wait_threshold_min)
        lunch = lobby.lunchtime_ratio(tickets)
        sec["wait_summary"] = summary
        sec["wait_distribution"] = lobby.wait_distribution(tickets)
        sec["heatmap"] = lobby.weekday_hour_heatmap(tickets, lang=s.lang)
        counters = lobby.counter_requirement(tickets, s.target_wait_min, s.target_share)
        sec["counters"] = counters
        lunch_hours = counters[counters["hour"].isin([11, 12, 13])]
        m.update(
            median_wait=summary.median_wait,
            p90_wait=summary.p90_wait,
            share_over_15=summary.share_over,
            peer_share_over_15=peer_median("share_over_15"),
            lunch_median_wait=lunch.lunch_median_wait,
            lunch_wait_ratio=lunch.ratio,
            peer_lunch_wait_ratio=peer_median("lunch_wait_ratio"),
            peak_counter_gap=float(lunch_hours["gap"].max()) if len(lunch_hours) else math.nan,
        )
        m["share_over_15_vs_peers"] = _ratio(m["share_over_15"], m["peer_share_over_15"])
        m["lunch_ratio_vs_peers"] = _ratio(m["lunch_wait_ratio"], m["peer_lunch_wait_ratio"])

    _referrals_and_targets(ds, s, bank, sec, m, own_value, peer_median, staff)

    rules = load_rules(s.rules_path or None)
    findings = evaluate(m, rules, s.lang)
    return BranchDiagnostic(s, bank, branch, group, card, m, findings, sec)


def _referrals_and_targets(ds, s, bank, sec, m, own_value, peer_median, staff) -> None:
    b = s.branch_id
    refs = _optional(ds, "referrals", b)
    if refs is not None and len(refs):
        sec["funnel"] = referrals.funnel(refs)
        sec["referrals_by_role"] = referrals.funnel_by_role(refs, staff)
        sec["referrals_by_person"] = referrals.funnel_by_person(refs, staff)
        summary = referrals.funnel_summary(refs)
        sec["referral_summary"] = summary
        m["referral_conversion"] = own_value("referral_conversion")
        m["peer_referral_conversion"] = peer_median("referral_conversion")
        m["referral_gap"] = m["peer_referral_conversion"] - m["referral_conversion"]
        weakest = summary.get("weakest_handoff")
        if isinstance(weakest, str) and weakest in referrals.HANDOFF_LABELS:
            m["weakest_handoff"] = referrals.HANDOFF_LABELS[weakest][s.lang]
            m["weakest_handoff_rate"] = float(summary["weakest_handoff_rate"])
    tg = _optional(ds, "targets", b)
    if tg is not None and len(tg):
        month = bank.month
        sec["target_progress"] = targets.ytd_progress(tg, month, level="branch", ids=[b])
        sec["staff_progress"] = targets.branch_progress(tg, staff, b, month)
        sec["leaderboard"] = targets.leaderboard(tg, staff, month, "deposits", branch_id=b)
        dep = sec["target_progress"]
        dep = dep[dep["metric"] == "deposits"]
        if len(dep):
            m["target_completion"] = float(dep["completion"].iloc[0])
            m["time_elapsed"] = float(dep["time_elapsed"].iloc[0])
            m["pace_gap"] = m["time_elapsed"] - m["target_completion"]
        events = _optional(ds, "staff_events", b)
        events = events if events is not None else _empty_events()
        staff_targets = tg[tg["level"] == "staff"]
        main = targets.role_main_metrics(staff_targets, staff)
        streaks = targets.miss_streaks(staff_targets, main)
        breaches = targets.policy_breaches(streaks, staff, events, s.policy_months)
        sec["streaks"], sec["breaches"] = streaks, breaches
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
        sec["exits"] = exits
        m["top_performer_exits"] = len(exits)
        if len(exits):
            m["exit_names"] = "、".join(exits["name"].astype(str))
            m["exit_criticisms"] = float(exits["public_criticisms"].max())


_CHANNEL_WORDS = {"mobile": ("手机银行", "mobile banking"), "online": ("网上银行", "online banking"),
                  "counter": ("柜面", "the counter"), "atm": ("自助设备", "ATMs")}


def _channel_word(channel_name: object, lang: str) -> str:
    zh, en = _CHANNEL_WORDS.get(str(channel_name), (str(channel_name), str(channel_name)))
    return zh if lang == "zh" else en


def _empty_transactions() -> pd.DataFrame:
    return pd.DataFrame({
        "txn_id": pd.Series(dtype="str"), "customer_id": pd.Series(dtype="str"),
        "branch_id": pd.Series(dtype="str"), "ts": pd.Series(dtype="datetime64[ns]"),
        "channel": pd.Series(dtype="str"), "kind": pd.Series(dtype="str"),
        "amount": pd.Series(dtype="float64"), "staff_id": pd.Series(dtype="str"),
    })


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({
        "staff_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[ns]"),
        "kind": pd.Series(dtype="str"), "by_staff_id": pd.Series(dtype="str"),
        "public": pd.Series(dtype="bool"), "note": pd.Series(dtype="str"),
    })


__all__ = ["METRICS", "BankContext", "BranchDiagnostic", "DiagnosticSettings", "bank_context", "diagnose"]
