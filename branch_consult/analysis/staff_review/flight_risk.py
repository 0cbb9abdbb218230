"""Flight risk, month by month, as a transparent sum of signals (weights in flight_risk.yaml).

No black box: each signal is a count computed from events and targets, multiplied by
a weight a consultant sets.  Evaluating every month shows *when* the risk became
high — for a leaver, whether the warning was there before the resignation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, Field, ValidationError

from branch_consult.analysis.staff_review import months as M
from branch_consult.analysis.staff_review.history import run_length_at
from branch_consult.analysis.staff_review.policy import RECOGNITION_KINDS
from branch_consult.analysis.targets import REVIEW_KINDS

DEFAULT_MODEL = Path(__file__).with_name("flight_risk.yaml")
SIGNAL_IDS = (
    "sustained_over",
    "public_criticism",
    "no_recognition",
    "weak_peer_kept",
    "manager_negative_pattern",
)
CONTRIBUTION_COLUMNS = ["staff_id", "month", "signal", "count", "points"]
SCORE_COLUMNS = ["staff_id", "month", "score", "level"]


class Words(BaseModel):
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Signal(BaseModel):
    id: str
    weight: float
    cap: int = Field(1, ge=1)
    params: dict[str, float] = Field(default_factory=dict)
    label: Words
    explain: Words

    def text(self, lang: str) -> str:
        """The signal's explanation with its parameters filled in."""
        values = {k: (int(v) if float(v).is_integer() else v) for k, v in self.params.items()}
        try:
            return self.explain.get(lang).format(**values)
        except (KeyError, IndexError, ValueError):
            return self.explain.get(lang)


class RiskModel(BaseModel):
    thresholds: dict[str, float]
    signals: list[Signal]

    def signal(self, signal_id: str) -> Signal:
        return next(s for s in self.signals if s.id == signal_id)

    def param(self, signal_id: str, name: str, default: float) -> float:
        sig = next((s for s in self.signals if s.id == signal_id), None)
        return float(sig.params.get(name, default)) if sig else default

    def level(self, score: float) -> str:
        if score >= self.thresholds.get("high", float("inf")):
            return "high"
        if score >= self.thresholds.get("medium", float("inf")):
            return "medium"
        return "low"


def load_model(path: str | Path | None = None) -> RiskModel:
    """The flight-risk model from YAML (default: the practice's, beside this module)."""
    path = Path(path) if path else DEFAULT_MODEL
    try:
        model = RiskModel.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise ValueError(
            f"flight-risk model in {path} cannot be read: {str(exc).splitlines()[0]}"
        ) from None
    unknown = [s.id for s in model.signals if s.id not in SIGNAL_IDS]
    if unknown:
        raise ValueError(
            f"flight-risk model in {path}: unknown signal(s) {', '.join(unknown)}; known: {', '.join(SIGNAL_IDS)}"
        )
    return model


def _dated(events: pd.DataFrame) -> pd.DataFrame:
    return events.assign(
        date=pd.to_datetime(events["date"]),
        staff_id=events["staff_id"].astype(str),
        by_staff_id=events["by_staff_id"]
        .astype("object")
        .where(events["by_staff_id"].notna(), None),
    )


def manager_of(staff: pd.DataFrame, staff_id: str) -> str | None:
    """The person's manager (manager_id), else their branch's head; None for a branch head with no manager."""
    people = staff.drop_duplicates("staff_id").set_index(
        staff["staff_id"].drop_duplicates().astype(str)
    )
    if staff_id not in people.index:
        return None
    managers = people["manager_id"].dropna().astype(str).to_dict() if "manager_id" in people else {}
    manager = managers.get(staff_id)
    if manager:
        return manager
    heads = people[
        (people["branch_id"] == people.at[staff_id, "branch_id"])
        & (people["role"] == "branch_head")
    ]
    others = [str(h) for h in heads.index if h != staff_id]
    return others[0] if others else None


def weak_peers_kept(
    branch_comp: pd.DataFrame,
    events: pd.DataFrame,
    staff: pd.DataFrame,
    month: str,
    review_after: int,
    grace_months: int,
) -> list[str]:
    """Colleagues still employed at `month` whose main-metric miss streak then has run more than
    `grace_months` past the month their review was due, with no review/transfer since the trigger."""
    main = branch_comp[branch_comp["main"]]
    if "streak" not in main:  # monthly_risk computes it once for every month
        main = main.assign(streak=run_length_at(main, "missed"))
    now = main[main["month"] == month]
    ev = _dated(events)
    ev = ev[ev["kind"].isin(REVIEW_KINDS)]
    left = staff.drop_duplicates("staff_id").set_index("staff_id")["left_on"]
    out = []
    due = now[now["streak"] >= review_after + 1 + grace_months]
    for staff_id, streak in zip(
        due["staff_id"].tolist(), due["streak"].astype("int64").tolist(), strict=True
    ):
        trigger = M.shift(month, -(streak - review_after))
        acted = ev[
            (ev["staff_id"] == staff_id)
            & (ev["date"] >= M.start(trigger))
            & (ev["date"] <= M.end(month))
        ]
        gone = left.get(staff_id)
        if acted.empty and not (
            gone is not None and pd.notna(gone) and pd.Timestamp(gone) <= M.end(month)
        ):
            out.append(str(staff_id))
    return sorted(out)


def monthly_risk(
    staff_id: str,
    branch_comp: pd.DataFrame,
    events: pd.DataFrame,
    staff: pd.DataFrame,
    months: list[str],
    model: RiskModel,
    review_after: int = 3,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Signal contributions and the total score of one person for each month in `months`.

    `branch_comp` is `history.completion` for everyone in the person's branch (the
    person's own main-metric rows give the over-performance runs; the others give the
    weak-peer signal).  Returns (contributions: one row per month and signal that
    held, scores: one row per month with score and level, counts: months × every
    signal's raw count, whether the model weighs it or not).
    """
    ev = _dated(events)
    mine = branch_comp[(branch_comp["staff_id"] == staff_id) & branch_comp["main"]]
    over_run = pd.Series(run_length_at(mine, "over").to_numpy(), index=mine["month"].to_numpy())
    manager = manager_of(staff, staff_id)
    people = staff.drop_duplicates("staff_id")
    seniors = {str(s) for s in people.loc[people["role"] == "branch_head", "staff_id"]} | (
        {manager} if manager else set()
    )
    seniors.discard(staff_id)
    praise = ev[(ev["staff_id"] == staff_id) & ev["kind"].isin(RECOGNITION_KINDS)]
    crit = ev[
        (ev["staff_id"] == staff_id)
        & (ev["kind"] == "criticism")
        & ev["public"].astype(bool)
        & ev["by_staff_id"].isin(seniors)
    ]
    by_manager = ev[
        (ev["kind"] == "criticism") & (ev["by_staff_id"] == manager) & (ev["staff_id"] != staff_id)
    ]
    p = model.param
    team_main = branch_comp[branch_comp["main"]]
    team_main = team_main.assign(streak=run_length_at(team_main, "missed"))
    rows = []
    all_counts = {}
    for month in months:
        end = M.end(month)
        run = int(over_run.get(month, 0))
        counts = {
            "sustained_over": int(run >= p("sustained_over", "min_months", 3)),
            "public_criticism": int(
                (
                    (crit["date"] <= end)
                    & (
                        crit["date"]
                        > end - pd.Timedelta(days=p("public_criticism", "window_days", 180))
                    )
                ).sum()
            ),
            "no_recognition": int(
                run >= p("no_recognition", "min_months", 3)
                and not (
                    (praise["date"] <= end)
                    & (
                        praise["date"]
                        > end - pd.Timedelta(days=p("no_recognition", "window_days", 180))
                    )
                ).any()
            ),
            "weak_peer_kept": len(
                [
                    s
                    for s in weak_peers_kept(
                        team_main,
                        events,
                        staff,
                        month,
                        review_after,
                        int(p("weak_peer_kept", "grace_months", 1)),
                    )
                    if s != staff_id
                ]
            ),
            "manager_negative_pattern": int(
                manager is not None
                and (
                    (
                        (by_manager["date"] <= end)
                        & (
                            by_manager["date"]
                            > end
                            - pd.Timedelta(days=p("manager_negative_pattern", "window_days", 365))
                        )
                    ).sum()
                    >= p("manager_negative_pattern", "min_events", 2)
                )
            ),
        }
        all_counts[month] = counts
        for sig in model.signals:
            n = min(counts[sig.id], sig.cap)
            if n:
                rows.append(
                    {
                        "staff_id": staff_id,
                        "month": month,
                        "signal": sig.id,
                        "count": counts[sig.id],
                        "points": sig.weight * n,
                    }
                )
    contrib = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    totals = contrib.groupby("month")["points"].sum().reindex(months, fill_value=0.0)
    scores = pd.DataFrame(
        {"staff_id": staff_id, "month": months, "score": totals.to_numpy(dtype="float64")}
    )
    scores["level"] = [model.level(s) for s in scores["score"]]
    counts_frame = pd.DataFrame.from_dict(
        all_counts, orient="index", columns=list(SIGNAL_IDS)
    ).rename_axis("month")
    return contrib, scores[SCORE_COLUMNS], counts_frame


def first_high(scores: pd.DataFrame) -> str | None:
    """The first month the risk was high (None if never)."""
    high = scores[scores["level"] == "high"]
    return str(high["month"].iloc[0]) if len(high) else None
