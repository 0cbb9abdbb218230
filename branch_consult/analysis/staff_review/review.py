"""`review(dataset, settings)`: every analysis of the case review for one person or a few.

Bank-wide tables are read once (staff, targets for the rank within the role across
the bank); events and assessments only for the branches of the people reviewed.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from branch_consult.analysis import targets as T
from branch_consult.analysis.staff_review import (
    competency,
    cost,
    fairness,
    flight_risk,
    history,
    policy,
)
from branch_consult.analysis.staff_review import months as M
from branch_consult.analysis.staff_review import recommendations as R
from branch_consult.analysis.staff_review.result import (
    Person,
    PersonReview,
    ReviewSettings,
    StaffReview,
)
from branch_consult.data import DataProblems, Dataset
from branch_consult.data.dataset import empty_table


def _optional(ds: Dataset, name: str, branches: list[str] | None = None) -> pd.DataFrame:
    if name not in ds.tables():
        return empty_table(name)
    return ds.table(name, branches) if branches else ds.table(name)


def unknown_staff(ids: list[str], known: list[str]) -> str | None:
    """One line naming the unknown ids with a did-you-mean each, or None when all are known."""
    bad = [s for s in ids if s not in set(known)]
    if not bad:
        return None
    parts = []
    for s in bad:
        near = difflib.get_close_matches(s, known, n=1)
        parts.append(f"{s!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    return f"unknown staff id {', '.join(parts)} in table staff"


def _person(staff: pd.DataFrame, events: pd.DataFrame, staff_id: str) -> Person:
    row = staff[staff["staff_id"].astype(str) == staff_id].iloc[0]
    resign = events[
        (events["staff_id"].astype(str) == staff_id) & (events["kind"] == "resignation")
    ]
    manager = flight_risk.manager_of(staff, staff_id)

    def day(v: Any) -> pd.Timestamp | None:
        return pd.Timestamp(v) if v is not None and pd.notna(v) else None

    return Person(
        staff_id,
        str(row["name"]),
        str(row["role"]),
        str(row["branch_id"]),
        manager,
        day(row["hired_on"]),
        day(row["left_on"]),
        day(pd.to_datetime(resign["date"]).min()) if len(resign) else None,
    )


def _team(staff: pd.DataFrame, person: Person) -> list[str]:
    """The manager's reports (or the branch when nobody has a manager), the person included."""
    people = staff.drop_duplicates("staff_id")
    if person.manager_id is not None and "manager_id" in people:
        team = (
            people[people["manager_id"].astype(str) == person.manager_id]["staff_id"]
            .astype(str)
            .tolist()
        )
        if person.staff_id in team:
            return team
    return (
        people[people["branch_id"].astype(str) == person.branch_id]["staff_id"].astype(str).tolist()
    )


def review(ds: Dataset, settings: ReviewSettings) -> StaffReview:
    """Review each person in `settings.staff_ids` as of `settings.month`."""
    s = settings
    staff = ds.table("staff")
    message = unknown_staff([str(i) for i in s.staff_ids], staff["staff_id"].astype(str).tolist())
    if message:
        raise DataProblems([], headline=message)
    targets = _optional(ds, "targets")
    staff_targets = targets[targets["level"] == "staff"]
    months_present = sorted(staff_targets["month"].astype(str).unique())
    as_of = s.month or (months_present[-1] if months_present else M.of(pd.Timestamp.today()))
    window = M.window(as_of, s.lookback_months)
    branches = sorted(
        staff.loc[staff["staff_id"].astype(str).isin(s.staff_ids), "branch_id"].astype(str).unique()
    )
    events = _optional(ds, "staff_events", branches)
    assessments = _optional(ds, "assessments", branches)
    profiles = _optional(ds, "role_profiles")
    model = flight_risk.load_model(s.flight_risk_path or None)
    rules = R.load_rules(s.rules_path or None)
    # main metrics as the diagnostic decides them: from the branches' own staff and targets
    local_staff = staff[staff["branch_id"].astype(str).isin(branches)]
    local_targets = staff_targets[
        staff_targets["id"].astype(str).isin(local_staff["staff_id"].astype(str))
    ]
    main = T.role_main_metrics(local_targets, local_staff)
    in_window = staff_targets[staff_targets["month"].astype(str).isin(window)]
    records_start = min(months_present) if months_present else as_of
    people = [
        _review_person(
            str(i),
            s,
            staff,
            in_window,
            events,
            assessments,
            profiles,
            main,
            as_of,
            window,
            records_start,
            model,
            rules,
        )
        for i in s.staff_ids
    ]
    mentioned = set(s.staff_ids) | {p.person.manager_id for p in people if p.person.manager_id}
    for p in people:
        mentioned |= set(p.team["staff_id"]) | set(p.events["by_staff_id"].dropna().astype(str))
    directory = staff[staff["staff_id"].astype(str).isin(mentioned)][
        ["staff_id", "name", "role", "branch_id"]
    ]
    return StaffReview(s, as_of, window, people, directory.reset_index(drop=True), model, rules)


def _review_person(
    staff_id: str,
    s: ReviewSettings,
    staff: pd.DataFrame,
    targets: pd.DataFrame,
    events: pd.DataFrame,
    assessments: pd.DataFrame,
    profiles: pd.DataFrame,
    main: pd.Series,
    as_of: str,
    window: list[str],
    records_start: str,
    model: flight_risk.RiskModel,
    rules: R.Rules,
) -> PersonReview:
    pol = s.policy
    person = _person(staff, events, staff_id)
    end = M.end(as_of)
    left = person.left_on is not None and person.left_on <= end
    last_month = M.of(person.left_on) if left and person.left_on is not None else as_of
    active = [m for m in window if M.index(m) <= M.index(last_month)]
    team_ids = _team(staff, person)
    team_comp = history.completion(targets, team_ids, main, window, pol.over_level)
    comp = team_comp[team_comp["staff_id"] == staff_id]
    main_comp = comp[comp["main"]]
    miss_runs = history.runs(main_comp, "missed")
    over_runs = history.runs(main_comp, "over")
    left_series = staff.drop_duplicates("staff_id").set_index("staff_id")["left_on"]
    checkpoints = policy.review_checkpoints(miss_runs, events, pol, as_of, left_series)
    recognition = policy.recognition_checkpoints(over_runs, events, pol, as_of)
    hired = person.hired_on if person.hired_on is not None else pd.Timestamp(f"{records_start}-01")
    check = policy.assessment_check(staff_id, hired, assessments, pol, as_of, records_start)
    latest = competency.latest_assessment(assessments, staff_id)
    gap = competency.role_gap(latest, profiles, person.role)
    fits = (
        competency.role_fit(latest, profiles, person.role)
        if len(latest)
        else competency.role_fit(latest, profiles.iloc[0:0], person.role)
    )
    better = competency.better_fit(fits, s.min_fit_coverage, s.fit_margin)
    contrib, scores, counts = flight_risk.monthly_risk(
        staff_id, team_comp, events, staff, active, model, pol.review_after_misses
    )
    first_high = flight_risk.first_high(scores)
    mine = events[events["staff_id"].astype(str) == staff_id].assign(
        date=lambda f: pd.to_datetime(f["date"])
    )
    mine = mine[mine["date"] <= end].sort_values("date", kind="stable").reset_index(drop=True)
    sums = team_comp[team_comp["main"]].groupby("staff_id")[["target", "actual"]].sum()
    team_completion = (sums["actual"] / sums["target"].where(sums["target"] > 0)).dropna()
    team = fairness.team_fairness(team_completion, events, window)
    flags = fairness.manager_flags(team)
    ranks = history.ranks(targets, staff, main, [staff_id], window)
    rank = {str(k): v for k, v in ranks.iloc[0].items()} if len(ranks) else {}
    basis = R.lawful_basis(events, main_comp, staff_id, pol.review_after_misses)
    missing = [
        name
        for name, empty in (
            ("targets", comp.empty),
            ("assessment", latest.empty),
            ("events", mine.empty),
            ("role_profile", gap.empty),
        )
        if empty
    ]
    # the team's breaches now, judged the way the diagnostic judges them
    team_targets = targets[
        targets["id"].astype(str).isin(team_ids) & (targets["month"].astype(str) <= as_of)
    ]
    streaks = T.miss_streaks(team_targets, main.reindex(team_ids).dropna())
    breaches = T.policy_breaches(streaks, staff, events, pol.review_after_misses)
    first_due = checkpoints[checkpoints["status"].isin(["missing", "late"])]
    missing_reviews = checkpoints[checkpoints["status"] == "missing"]
    acted = first_due["action_date"].dropna()
    shortfall = cost.shortfall_while_waiting(
        main_comp,
        first_due["due_month"].iloc[0] if len(first_due) else None,
        acted.iloc[0] if len(acted) else None,
        last_month,
    )
    current_streak = 0
    if len(main_comp) and len(miss_runs):
        ending = miss_runs[miss_runs["end"] == main_comp["month"].iloc[-1]]
        current_streak = int(ending["months"].max()) if len(ending) else 0
    trigger = checkpoints["trigger_month"].min() if len(checkpoints) else None
    trained = (
        mine[(mine["kind"] == "training") & (mine["date"] >= M.start(trigger))]
        if trigger
        else mine.iloc[0:0]
    )
    crit_count = (
        int(contrib.loc[contrib["signal"] == "public_criticism", "count"].max())
        if (contrib["signal"] == "public_criticism").any()
        else 0
    )
    public_crit = _public_criticisms(mine, staff, person)
    quart = team.loc[team["staff_id"] == staff_id, "quartile"]
    own = fits.loc[fits["own_role"], "fit"]
    until = person.resigned_on or person.left_on
    facts: dict[str, Any] = {
        "miss_streak": current_streak,
        "review_missing": len(missing_reviews),
        "review_delay_days": int(missing_reviews["delay_days"].iloc[0])
        if len(missing_reviews)
        else 0,
        "first_review_due": str(missing_reviews["due_month"].iloc[0])
        if len(missing_reviews)
        else None,
        "still_employed": int(not left),
        "left": int(left),
        "competency_gap": int((gap["met"] == False).sum()),  # noqa: E712 (NaN: not assessed)
        "own_fit": float(own.iloc[0]) if len(own) and pd.notna(own.iloc[0]) else float("nan"),
        "better_fit_found": int(len(better) > 0),
        "better_role": str(better["role"].iloc[0]) if len(better) else None,
        "better_fit": float(better["fit"].iloc[0]) if len(better) else float("nan"),
        "better_coverage": float(better["coverage"].iloc[0]) if len(better) else float("nan"),
        "training_after_trigger": len(trained),
        "lawful_basis": int(basis.complete),
        "lawful_missing": basis.missing[0] if basis.missing else None,
        "basis_date": basis.training_or_transfer,
        "failure_date": basis.documented_failure,
        "flight_risk_high_now": int(
            len(scores) > 0 and scores["level"].iloc[-1] == "high" and not left
        ),
        "flight_risk_high_before_exit": int(
            left and first_high is not None and until is not None and M.end(first_high) < until
        ),
        "first_high": first_high,
        "left_month": M.of(person.left_on) if left and person.left_on is not None else None,
        "recognition_missing": int((recognition["status"] == "missing").sum()),
        "public_criticisms": max(public_crit, crit_count),
        "manager": person.manager_id,
        "manager_criticism_on_top": int(flags["criticism_on_top"]),
        "weak_peer_kept": int(counts["weak_peer_kept"].max()) if len(counts) else 0,
        "top_performer": int(
            (len(quart) and int(quart.iloc[0]) == 1)
            or (len(over_runs) and int(over_runs["months"].max()) >= pol.recognition_after_months)
        ),
        "team_policy_breaches": int(breaches["breach"].sum()),
        "month3_missing": int(check["status"] in ("missing", "late")),
        "month3_open": int(check["status"] == "not_due" and not left),
        "review_after": pol.review_after_misses,
        "metric": person_metric(main, staff_id),
        "shortfall": shortfall["shortfall"],
    }
    recs = R.recommend(facts, rules, end, check["due"] if facts["month3_open"] else None)
    causes = R.root_causes(facts, rules)
    case_cost = {
        **cost.replacement_cost(person.role, s.costs),
        "shortfall_months": shortfall["months"],
        "shortfall": shortfall["shortfall"],
        "shortfall_from": shortfall["from"],
        "shortfall_to": shortfall["to"],
    }
    return PersonReview(
        person=person,
        main_metric=person_metric(main, staff_id),
        missing=missing,
        completion=comp.reset_index(drop=True),
        miss_runs=miss_runs,
        over_runs=over_runs,
        rank=rank,
        review_checkpoints=checkpoints,
        recognition_checkpoints=recognition,
        assessment_check=check,
        latest_assessment=latest,
        gap=gap,
        fits=fits,
        better=better,
        risk_contributions=contrib,
        risk_scores=scores,
        risk_counts=counts,
        first_high=first_high,
        events=mine[["date", "kind", "by_staff_id", "public", "note"]],
        team=team,
        team_quartiles=fairness.by_quartile(team),
        manager_flags=flags,
        cost=case_cost,
        basis=basis,
        facts=facts,
        recommendations=recs,
        root_causes=causes,
    )


def person_metric(main: pd.Series, staff_id: str) -> str | None:
    """The person's main metric (None without targets)."""
    value = main.get(staff_id)
    return str(value) if value is not None and pd.notna(value) else None


def _public_criticisms(mine: pd.DataFrame, staff: pd.DataFrame, person: Person) -> int:
    """Public criticisms of the person by their manager or a branch head, on record up to the review date."""
    heads = set(staff.loc[staff["role"] == "branch_head", "staff_id"].astype(str))
    seniors = heads | ({person.manager_id} if person.manager_id else set())
    seniors.discard(person.staff_id)
    crit = mine[(mine["kind"] == "criticism") & mine["public"].astype(bool)]
    return int(crit["by_staff_id"].astype(str).isin(seniors).sum())
