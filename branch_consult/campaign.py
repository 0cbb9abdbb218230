"""The campaign playbook's analysis: a plan (and, after the campaign, its results) in, typed results out.

`analyse_plan(ds, plan)` sizes the target groups, splits every goal to branches and
staff, builds the weekly milestones, the media plan with its optimised allocation and
tornado, the option appraisal and the test design. `analyse_review(ds, plan)` reads
`campaign_results` for the plan's campaign and measures progress against the split
targets and the uplift against control. `plan_problems(ds, plan, stage)` is the check
run before any kernel starts: a plan that does not fit the data is refused with one
line per problem. The results hold numbers and codes only; `reports.campaign` words them.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from branch_consult.analysis.campaign import (
    allocation,
    design,
    groups,
    media,
    options,
    schedule,
    split,
    tracking,
)
from branch_consult.analysis.campaign import uplift as uplift_mod
from branch_consult.campaign_plan import Plan
from branch_consult.data import Dataset

SALES_ROLES = ("personal_am", "wealth_manager", "corporate_am", "lobby_manager", "teller")


# ------------------------------------------------------------------ checks before the kernel


def plan_problems(ds: Dataset, plan: Plan, stage: str = "plan") -> list[str]:
    """Every way `plan` does not fit the data in `ds` (empty: fine)."""
    problems: list[str] = []
    known = ds.branch_ids()
    if plan.branches != "all":
        for b in plan.branches:
            if b not in known:
                near = difflib.get_close_matches(b, known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append(
                    f"plan branches: unknown branch {b!r}{hint}; the data has {len(known)} branches"
                )
    for gid, column in groups.unknown_columns(plan.target_groups):
        near = difflib.get_close_matches(column, list(groups.FEATURES), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        problems.append(
            f"plan target group {gid!r}: rule names unknown column {column!r}{hint}; "
            f"columns: {', '.join(groups.FEATURES)}"
        )
    for ch in plan.channels:
        if ch.budget < ch.min_budget:
            problems.append(
                f"plan channel {ch.id!r}: budget {ch.budget:,.0f} is below the channel's minimum "
                f"{ch.min_budget:,.0f}"
            )
        if ch.max_budget is not None and ch.budget > ch.max_budget:
            problems.append(
                f"plan channel {ch.id!r}: budget {ch.budget:,.0f} is above its cap {ch.max_budget:,.0f}"
            )
    mins = sum(c.min_budget for c in plan.channels)
    if plan.channels and plan.total_media_budget() < mins:
        problems.append(
            f"plan media_budget {plan.total_media_budget():,.0f} is below the channels' minimums "
            f"({mins:,.0f})"
        )
    if plan.as_of is not None:
        months = ds.distinct("holdings", "month")
        if plan.as_of not in months:
            problems.append(
                f"plan as_of {plan.as_of}: no holdings for that month "
                f"(the data has {months[0] if months else '?'} to {months[-1] if months else '?'})"
            )
    if stage == "review":
        if plan.review is None:
            problems.append(
                "plan has no review section (campaign_id and goal) for the review stage"
            )
        else:
            ids = ds.distinct("campaign_results", "campaign_id") if "campaign_results" in ds else []
            if plan.review.campaign_id not in ids:
                problems.append(
                    f"plan review.campaign_id {plan.review.campaign_id!r} is not in campaign_results "
                    f"(campaigns there: {', '.join(ids) or 'none'})"
                )
    return problems


# ------------------------------------------------------------------ the plan stage


@dataclass
class GoalSplit:
    metric: str
    goal: float
    unit: float
    branches: pd.DataFrame  # id, name, potential, history, share, target
    staff: pd.DataFrame  # id, branch_id, role, potential, history, share, target
    milestones: pd.DataFrame  # week, week_end, phase, target, cumulative


@dataclass
class MediaResult:
    planned: pd.DataFrame  # funnel per channel + _total at the plan's budgets
    optimised: pd.DataFrame  # funnel at the optimised allocation
    total_budget: float
    tornado: pd.DataFrame
    multipliers: pd.DataFrame  # channel, form, stated value, factor


@dataclass
class TestDesignResult:
    size: design.SampleSize
    mde: float | None
    power_at_audience: float | None
    boundary: pd.DataFrame | None  # O'Brien–Fleming table, or None when looks are descriptive
    naive_error: float  # false-positive rate of naive repeated looks at the planned number of looks


@dataclass
class CampaignPlanResult:
    plan: Plan
    as_of: str
    branches: pd.DataFrame  # branch_id, name
    group_sizes: pd.DataFrame  # group, branch_id, customers, aum, ...
    group_totals: pd.DataFrame  # group, customers, aum, ... (_any counts overlaps once)
    overlap: int  # memberships beyond one per customer
    splits: list[GoalSplit]
    phases: pd.DataFrame
    media: MediaResult | None
    appraisal: options.Appraisal | None
    test: TestDesignResult
    features: pd.DataFrame = field(repr=False)
    membership: pd.DataFrame = field(repr=False)


def _scope(ds: Dataset, plan: Plan) -> list[str]:
    return ds.branch_ids() if plan.branches == "all" else list(plan.branches)


def _as_of(ds: Dataset, plan: Plan) -> str:
    return plan.as_of or ds.distinct("holdings", "month")[-1]


def _history(targets: pd.DataFrame, level: str, metric: str) -> pd.Series:
    """Mean monthly actual per id on `metric` (the track record the split weighs)."""
    t = targets[(targets["level"] == level) & (targets["metric"] == metric)]
    return t.groupby("id")["actual"].mean()


def _staff_split(
    branch_target: float,
    branch_id: str,
    people: pd.DataFrame,
    carriers: set[str],
    history: dict[str, float],
    potential: dict[str, float],
    plan: Plan,
    unit: float,
) -> pd.DataFrame:
    """One branch's target shared among its employed staff (`people`: that branch's staff).

    Plain Python sets and dicts here: this runs once per branch and goal, and pandas'
    `isin` on Arrow strings re-reads the whole lookup list on every call.
    """
    ids_all = people["staff_id"].tolist()
    roles_all = people["role"].tolist()
    # who carries the metric already, plus whoever owns target customers: both work the campaign's list
    keep = [
        sid in carriers or (potential.get(sid, 0.0) > 0 and role in SALES_ROLES)
        for sid, role in zip(ids_all, roles_all, strict=True)
    ]
    if not any(keep):
        keep = [role in SALES_ROLES for role in roles_all]
    if not any(keep):
        return pd.DataFrame(
            columns=["id", "branch_id", "role", "potential", "history", "share", "target"]
        )
    ids = [sid for sid, k in zip(ids_all, keep, strict=True) if k]
    roles = [role for role, k in zip(roles_all, keep, strict=True) if k]
    hist = [max(history.get(sid, 0.0), 0.0) for sid in ids]
    pot = [potential.get(sid, 0.0) for sid in ids]
    out = split.split_goal(
        branch_target, ids, pot, hist, plan.split.potential, plan.split.history, unit
    )
    out.insert(1, "branch_id", branch_id)
    out.insert(2, "role", roles)
    return out


def analyse_plan(ds: Dataset, plan: Plan) -> CampaignPlanResult:
    """Everything the plan-stage report shows, computed from the plan and the bank's data."""
    scope = _scope(ds, plan)
    as_of = _as_of(ds, plan)
    branches = (
        ds.table("branches", scope)[["branch_id", "name"]]
        .sort_values("branch_id")
        .reset_index(drop=True)
    )
    customers = ds.table("customers", scope)
    holdings = ds.table("holdings", scope, month=as_of)
    feats = groups.customer_features(customers, holdings, as_of)
    member = groups.membership(feats, plan.target_groups)
    sizes = groups.size_groups(feats, member)
    totals = groups.network_totals(sizes, feats, member)
    overlap = int(member.sum(axis=1).sub(1).clip(lower=0).sum())

    in_any = member.any(axis=1).to_numpy()
    weight_col = "aum" if plan.split.potential_by == "aum" else None
    pot_values = feats["aum"] if weight_col else pd.Series(1.0, index=feats.index)
    pot_branch = (
        pot_values[in_any].groupby(feats.loc[in_any, "branch_id"]).sum().reindex(scope).fillna(0.0)
    )
    pot_owner = pot_values[in_any].groupby(feats.loc[in_any, "owner_staff_id"]).sum()
    owner_pot = {str(k): float(v) for k, v in pot_owner.items()}

    targets = (
        ds.table("targets", scope)
        if "targets" in ds
        else pd.DataFrame(columns=["level", "id", "month", "metric", "target", "actual"])
    )
    staff = ds.table("staff", scope)
    employed = staff[staff["left_on"].isna()]
    by_branch_staff = dict(tuple(employed.groupby("branch_id")))
    splits = []
    for goal in plan.goals:
        total = split.round_goal(goal.target, goal.unit)
        hist = _history(targets, "branch", goal.metric).reindex(scope).fillna(0.0).clip(lower=0)
        by_branch = split.split_goal(
            total,
            scope,
            pot_branch.to_numpy(),
            hist.to_numpy(),
            plan.split.potential,
            plan.split.history,
            goal.unit,
        )
        by_branch.insert(
            1, "name", branches.set_index("branch_id").reindex(scope)["name"].to_numpy()
        )
        carriers = set(
            targets.loc[(targets["level"] == "staff") & (targets["metric"] == goal.metric), "id"]
        )
        staff_hist = {str(k): float(v) for k, v in _history(targets, "staff", goal.metric).items()}
        empty = employed.iloc[:0]
        staff_parts = [
            _staff_split(
                float(t),
                b,
                by_branch_staff.get(b, empty),
                carriers,
                staff_hist,
                owner_pot,
                plan,
                goal.unit,
            )
            for b, t in zip(by_branch["id"], by_branch["target"], strict=True)
        ]
        staff_frame = (
            pd.concat([s for s in staff_parts if len(s)], ignore_index=True)
            if any(len(s) for s in staff_parts)
            else pd.DataFrame()
        )
        splits.append(
            GoalSplit(
                goal.metric,
                total,
                goal.unit,
                by_branch,
                staff_frame,
                schedule.weekly_milestones(plan.phases, total, goal.unit),
            )
        )

    media_result = None
    if plan.channels:
        total_budget = plan.total_media_budget()
        best = allocation.allocate(plan.channels, total_budget)
        mult = pd.DataFrame(
            [
                {
                    "channel": c.id,
                    "form": c.ctr_multiplier.form if c.ctr_multiplier else "",
                    "stated": c.ctr_multiplier.value if c.ctr_multiplier else math.nan,
                    "factor": c.ctr_multiplier.factor() if c.ctr_multiplier else 1.0,
                    "base_ctr": c.ctr,
                    "effective_ctr": media.effective_ctr(c),
                }
                for c in plan.channels
            ]
        )
        media_result = MediaResult(
            planned=media.media_plan(plan.channels),
            optimised=media.media_plan(plan.channels, best),
            total_budget=total_budget,
            tornado=media.tornado(plan.channels, plan.sensitivity),
            multipliers=mult,
        )

    appraisal = options.appraise(plan.options.rows) if plan.options else None
    td = plan.test_design
    size = design.sample_size(
        td.expected,
        td.baseline,
        alpha=td.alpha,
        power=td.power,
        ratio=td.ratio,
        method=td.method,
        continuity=td.continuity,
    )
    mde = power_at = None
    if td.audience:
        mde = design.minimum_detectable_effect(
            td.baseline,
            td.audience,
            alpha=td.alpha,
            power=td.power,
            ratio=td.ratio,
            method=td.method,
            continuity=td.continuity,
        )
        power_at = design.power_at(
            td.expected,
            td.baseline,
            td.audience * td.ratio / (1 + td.ratio),
            alpha=td.alpha,
            ratio=td.ratio,
            method=td.method,
        )
    boundary = (
        tracking.obrien_fleming(td.looks, td.alpha) if td.boundary == "obrien_fleming" else None
    )
    test = TestDesignResult(
        size, mde, power_at, boundary, tracking.naive_error_rate(td.looks, td.alpha)
    )

    return CampaignPlanResult(
        plan=plan,
        as_of=as_of,
        branches=branches,
        group_sizes=sizes,
        group_totals=totals,
        overlap=overlap,
        splits=splits,
        phases=schedule.phase_table(plan.phases),
        media=media_result,
        appraisal=appraisal,
        test=test,
        features=feats,
        membership=member,
    )


# ------------------------------------------------------------------ the review stage


@dataclass
class CampaignReviewResult:
    planned: CampaignPlanResult
    campaign_id: str
    goal: str
    counts_money: bool
    branch_progress: (
        pd.DataFrame
    )  # id, name, target, actual, completion, rank, treated, converted, rate, low, high
    staff_progress: pd.DataFrame  # id, branch_id, role, target, actual, completion, rank
    uplift: (
        pd.DataFrame
    )  # measure, n_treatment, n_control, treatment, control, difference, low, high, ...
    uplift_by_group: pd.DataFrame  # group, + the conversion and amount uplift columns
    contact_rate: float  # share of the treatment group contacted
    contaminated: int  # control customers contacted
    control_size: int
    final_z: float  # pooled z of the conversion difference at the final look
    boundary_z: float | None  # the last look's O'Brien–Fleming boundary (None: descriptive looks)
    lessons: list[tuple[str, dict[str, object]]]  # (lesson id, values) for "what to do next time"


_MONEY = {"deposits", "wealth_sales", "aum"}


def _pooled_z(t: np.ndarray, c: np.ndarray) -> float:
    nt, nc = len(t), len(c)
    if not nt or not nc:
        return math.nan
    p = (t.sum() + c.sum()) / (nt + nc)
    se = math.sqrt(p * (1 - p) * (1 / nt + 1 / nc))
    return float((t.mean() - c.mean()) / se) if se else math.nan


def _review_targets(gs: GoalSplit, target: float | None) -> GoalSplit:
    """The goal's split rescaled to the tracked list's own target, in the same shares (exact sums kept)."""
    if target is None:
        return gs
    total = split.round_goal(target, gs.unit)
    branches = gs.branches.copy()
    branches["target"] = split.largest_remainder(total, branches["share"].to_numpy(), gs.unit)
    staff = gs.staff.copy()
    if len(staff):
        for b, t in zip(branches["id"], branches["target"], strict=True):
            rows = staff["branch_id"] == b
            if rows.any():
                staff.loc[rows, "target"] = split.largest_remainder(
                    float(t), staff.loc[rows, "share"].to_numpy(), gs.unit
                )
    return GoalSplit(gs.metric, total, gs.unit, branches, staff, gs.milestones)


def analyse_review(
    ds: Dataset, plan: Plan, planned: CampaignPlanResult | None = None
) -> CampaignReviewResult:
    """Progress against the split targets and uplift over control for the plan's campaign."""
    if plan.review is None:
        raise ValueError("the plan has no review section")
    planned = planned or analyse_plan(ds, plan)
    cid, goal = plan.review.campaign_id, plan.review.goal
    results = ds.table("campaign_results", campaign_id=cid)
    feats = planned.features[["customer_id", "branch_id", "owner_staff_id"]]
    rows = results.merge(feats, on="customer_id", how="inner")  # customers of the branches in scope
    money = goal in _MONEY
    treated = rows[rows["group"] == "treatment"]
    value = treated["amount"] if money else treated["converted"].astype(float)
    actual_branch = (
        value.groupby(treated["branch_id"])
        .sum()
        .rename("actual")
        .reset_index()
        .rename(columns={"branch_id": "id"})
    )
    gs = _review_targets(next(s for s in planned.splits if s.metric == goal), plan.review.target)
    bp = tracking.progress(actual_branch, gs.branches[["id", "name", "target"]], "id")
    rates = tracking.rate_table(
        treated.assign(converted=treated["converted"].astype(int)), "branch_id", "converted"
    )
    rates = rates.rename(columns={"branch_id": "id", "trials": "treated", "successes": "converted"})
    bp = bp.merge(rates, on="id", how="left")

    actual_staff = (
        value.groupby(treated["owner_staff_id"])
        .sum()
        .rename("actual")
        .reset_index()
        .rename(columns={"owner_staff_id": "id"})
    )
    sp = (
        tracking.progress(actual_staff, gs.staff[["id", "branch_id", "role", "target"]], "id")
        if len(gs.staff)
        else pd.DataFrame()
    )
    if len(sp):
        owned = treated.dropna(subset=["owner_staff_id"])
        srates = tracking.rate_table(
            owned.assign(converted=owned["converted"].astype(int)), "owner_staff_id", "converted"
        ).rename(columns={"owner_staff_id": "id", "trials": "treated", "successes": "converted"})
        sp = sp.merge(srates, on="id", how="left")

    rev = plan.review
    ups = uplift_mod.campaign_uplift(
        rows, draws=rev.bootstrap, seed=rev.seed, alpha=plan.test_design.alpha
    )
    overall = uplift_mod.uplift_frame(ups)

    member = planned.membership.set_index(planned.features["customer_id"])
    by_group = []
    for g in plan.target_groups:
        ids = member.index[member[g.id].to_numpy()]
        sub = rows[rows["customer_id"].isin(ids)]
        for u in uplift_mod.campaign_uplift(
            sub, draws=rev.bootstrap, seed=rev.seed, alpha=plan.test_design.alpha
        ):
            if u.measure != "responded":
                by_group.append({"group": g.id, **u.__dict__})
    by_group_frame = pd.DataFrame(by_group)

    contacted, n_control = uplift_mod.contamination(rows)
    contact_rate = float(treated["contacted"].mean()) if len(treated) else math.nan
    z = _pooled_z(
        treated["converted"].to_numpy(float),
        rows.loc[rows["group"] == "control", "converted"].to_numpy(float),
    )
    boundary = planned.test.boundary
    boundary_z = float(boundary["z"].iloc[-1]) if boundary is not None else None

    conv = next(u for u in ups if u.measure == "converted")
    lessons: list[tuple[str, dict[str, object]]] = []
    if contacted:
        lessons.append(("contaminated", {"contacted": contacted, "control": n_control}))
    lessons.append(
        (
            f"verdict_{conv.verdict}",
            {"difference": conv.difference, "low": conv.low, "high": conv.high},
        )
    )
    needed = planned.test.size
    short = conv.n_treatment < needed.n_treatment_needed or conv.n_control < needed.n_control_needed
    if conv.verdict != "uplift" and short:  # a detected uplift had enough customers
        lessons.append(
            (
                "underpowered",
                {
                    "n_treatment": conv.n_treatment,
                    "n_control": conv.n_control,
                    "need_treatment": needed.n_treatment_needed,
                    "need_control": needed.n_control_needed,
                },
            )
        )
    if contact_rate < 0.9:
        lessons.append(("contact_coverage", {"rate": contact_rate}))
    if len(by_group_frame):
        conv_groups = by_group_frame[by_group_frame["measure"] == "converted"].dropna(
            subset=["difference"]
        )
        if len(conv_groups):
            best = conv_groups.sort_values("difference", ascending=False).iloc[0]
            lessons.append(
                (
                    "best_group",
                    {
                        "group": best["group"],
                        "difference": best["difference"],
                        "low": best["low"],
                        "high": best["high"],
                    },
                )
            )
    behind = bp[bp["completion"] < 0.8]
    if len(behind):
        lessons.append(
            (
                "branches_behind",
                {
                    "count": len(behind),
                    "ids": ", ".join(behind["id"].head(5)) + (" …" if len(behind) > 5 else ""),
                },
            )
        )
    lessons.append(("keep_control", {}))

    return CampaignReviewResult(
        planned=planned,
        campaign_id=cid,
        goal=goal,
        counts_money=money,
        branch_progress=bp,
        staff_progress=sp,
        uplift=overall,
        uplift_by_group=by_group_frame,
        contact_rate=contact_rate,
        contaminated=contacted,
        control_size=n_control,
        final_z=z,
        boundary_z=boundary_z,
        lessons=lessons,
    )
