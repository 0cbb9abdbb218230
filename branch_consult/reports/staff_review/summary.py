"""Case summary: the answer first, per person, then key figures (and a side-by-side table for a pair)."""

from __future__ import annotations

import math

import pandas as pd

from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.display import Callout, Scorecard, Table, Tile
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    day,
    fill,
    fmt,
    heading,
    metric,
    pseudonymiser,
    role,
    rule_values,
    who,
)


def _completion_12m(pr: PersonReview) -> float:
    value = pr.rank.get("completion") if pr.rank else None
    return float(value) if value is not None and pd.notna(value) else math.nan


def _top_signals(
    r: StaffReview, pr: PersonReview, lang: str, month: str | None = None, k: int = 3
) -> str:
    rows = pr.risk_contributions
    if month is None and len(pr.risk_scores):
        month = str(pr.risk_scores["month"].iloc[-1])
    rows = rows[rows["month"] == month].sort_values("points", ascending=False).head(k)
    sep = "、" if lang == "zh" else ", "
    names = [r.risk_model.signal(s).label.get(lang) for s in rows["signal"]]
    return sep.join(
        n if lang == "zh" or i == 0 else n[:1].lower() + n[1:] for i, n in enumerate(names)
    )


def answer(r: StaffReview, pr: PersonReview, lang: str, pseudonymise: bool = True) -> str:
    """The answer up front for one person, in sentences built from the facts."""
    p = pseudonymiser(r, lang, pseudonymise)
    f = pr.facts
    if len(pr.missing) >= 3:
        return L.text("missing_all", lang)
    parts = []

    def word(text: str) -> str:  # mid-sentence in English: "the deposits target", "risk low"
        return text.lower() if lang == "en" else text

    met = word(metric(pr.main_metric, lang)) if pr.main_metric else "–"
    if f["review_missing"]:
        parts.append(
            L.text(
                "answer_under",
                lang,
                streak=f["miss_streak"],
                metric=met,
                due=f["first_review_due"],
                delay=f["review_delay_days"],
            )
        )
    elif (pr.review_checkpoints["status"] == "late").any():
        parts.append(L.text("answer_under_late", lang, metric=met))
    if f["competency_gap"] >= 1:
        parts.append(
            L.text(
                "answer_fit_gap",
                lang,
                gap=f["competency_gap"],
                role=word(role(pr.person.role, lang)),
                fit=fmt(f["own_fit"], "pct0", lang),
            )
        )
    if f["better_fit_found"]:
        b = pr.better.iloc[0]
        parts.append(
            L.text(
                "answer_better",
                lang,
                better=role(b["role"], lang),
                better_fit=fmt(b["fit"], "pct0", lang),
                assessed=int(b["assessed"]),
                total=int(b["competencies"]),
            )
        )
    score = pr.risk_scores["score"].iloc[-1] if len(pr.risk_scores) else 0.0
    if f["flight_risk_high_before_exit"]:
        resigned = pr.person.resigned_on or pr.person.left_on
        parts.append(
            L.text(
                "answer_risk_high_left",
                lang,
                first_high=f["first_high"],
                resigned=day(resigned),
                top=_top_signals(r, pr, lang),
            )
        )
    elif f["flight_risk_high_now"]:
        parts.append(
            L.text(
                "answer_risk_high",
                lang,
                score=fmt(score, "int", lang),
                top=_top_signals(r, pr, lang),
            )
        )
    elif not parts and not pr.recommendations and "targets" not in pr.missing:
        parts.append(
            L.text(
                "answer_steady",
                lang,
                completion=fmt(_completion_12m(pr), "pct0", lang),
                level=word(L.label(L.RISK_LABELS, pr.flight_risk_level, lang)),
            )
        )
    else:
        parts.append(
            L.text(
                "answer_risk",
                lang,
                level=word(L.label(L.RISK_LABELS, pr.flight_risk_level, lang)),
                score=fmt(score, "int", lang),
            )
        )
    if pr.recommendations:
        first = pr.recommendations[0]
        rule = r.rules.rule(first.id)
        parts.append(
            L.text("answer_next", lang, rec=fill(rule.text.get(lang), rule_values(pr, r, lang, p)))
        )
        if any(rec.replaces for rec in pr.recommendations):
            sep = "、" if lang == "zh" else "; "
            parts.append(
                L.text(
                    "answer_no_dismissal",
                    lang,
                    missing=sep.join(L.text(f"lawful_{m}", lang) for m in pr.basis.missing),
                )
            )
    return ("" if lang == "zh" else " ").join(parts)


def _who_line(r: StaffReview, pr: PersonReview, lang: str, p) -> str:
    person = pr.person
    left = L.text("left_part", lang, left=day(person.left_on)) if person.left_on is not None else ""
    return L.text(
        "who",
        lang,
        person=who(r, person.staff_id, p),
        role=role(person.role, lang),
        branch=person.branch_id,
        hired=day(person.hired_on),
        left=left,
    )


def _tiles(r: StaffReview, pr: PersonReview, lang: str, p) -> Scorecard:
    f = pr.facts
    level = pr.flight_risk_level
    score = pr.risk_scores["score"].iloc[-1] if len(pr.risk_scores) else None
    return Scorecard(
        caption=L.text("tiles", lang, person=who(r, pr.person.staff_id, p)),
        tiles=[
            Tile(
                label=L.text("t_streak", lang),
                value=f["miss_streak"],
                format="int",
                status="red" if f["review_missing"] else ("amber" if f["miss_streak"] else "green"),
            ),
            Tile(
                label=L.text("t_completion", lang),
                value=_completion_12m(pr),
                format="pct0",
                status="none"
                if math.isnan(_completion_12m(pr))
                else ("green" if _completion_12m(pr) >= 1 else "amber"),
            ),
            Tile(
                label=L.text("t_fit", lang),
                value=f["own_fit"],
                format="pct0",
                status="none"
                if math.isnan(f["own_fit"])
                else (
                    "green" if f["own_fit"] >= 0.9 else "amber" if f["own_fit"] >= 0.75 else "red"
                ),
            ),
            Tile(
                label=L.text("t_risk", lang),
                value=score,
                format="int",
                status={"high": "red", "medium": "amber", "low": "green"}.get(level, "none"),
                note=L.label(L.RISK_LABELS, level, lang),
            ),
            Tile(
                label=L.text("t_delay", lang),
                value=f["review_delay_days"],
                format="int",
                status="red" if f["review_delay_days"] else "green",
            ),
        ],
    )


def compare(r: StaffReview, lang: str, pseudonymise: bool = True) -> Table:
    """The people of the review side by side, one column each."""
    p = pseudonymiser(r, lang, pseudonymise)
    rows: list[tuple[str, list[object]]] = []

    def add(key: str, values: list[object]) -> None:
        rows.append((L.text(key, lang), values))

    people = r.people
    add("row_role", [role(pr.person.role, lang) for pr in people])
    add("row_metric", [metric(pr.main_metric, lang) if pr.main_metric else "–" for pr in people])
    add("row_completion", [fmt(_completion_12m(pr), "pct0", lang) for pr in people])
    add(
        "row_branch_rank",
        [
            L.text("rank_of", lang, rank=int(pr.rank["branch_rank"]), n=int(pr.rank["branch_n"]))
            if pr.rank
            else "–"
            for pr in people
        ],
    )
    add(
        "row_role_rank",
        [
            L.text("rank_of", lang, rank=int(pr.rank["role_rank"]), n=int(pr.rank["role_n"]))
            if pr.rank
            else "–"
            for pr in people
        ],
    )
    add("row_streak", [pr.facts["miss_streak"] for pr in people])
    add(
        "row_longest_over",
        [int(pr.over_runs["months"].max()) if len(pr.over_runs) else 0 for pr in people],
    )
    add("row_reviews", [pr.facts["review_missing"] for pr in people])
    add("row_recognition", [pr.facts["recognition_missing"] for pr in people])
    add("row_public", [pr.facts["public_criticisms"] for pr in people])
    add("row_fit", [fmt(pr.facts["own_fit"], "pct0", lang) for pr in people])
    add("row_risk", [L.label(L.RISK_LABELS, pr.flight_risk_level, lang) for pr in people])
    frame = pd.DataFrame(
        [[label, *[str(v) for v in values]] for label, values in rows],
        columns=["item", *[f"p{i}" for i in range(len(people))]],
    )
    labels = {"item": L.text("col_item", lang)} | {
        f"p{i}": who(r, pr.person.staff_id, p) for i, pr in enumerate(people)
    }
    return Table.from_frame(
        frame,
        caption=L.text("compare_caption", lang),
        labels=labels,
        formats={c: "text" for c in frame.columns},
        note=L.text("pseudo_note", lang) if p.enabled else None,
    )


def case_summary(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Heading, the review's scope, each person's answer and key figures; a pair side by side."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [
        heading("summary", lang),
        Callout(style="note", text=L.text("intro", lang, date=day(r.review_date), month=r.as_of)),
    ]
    for pr in r.people:
        out.append(
            Callout(
                style="warning"
                if (
                    pr.underperformer
                    or pr.facts["flight_risk_high_before_exit"]
                    or pr.facts["flight_risk_high_now"]
                )
                else "note",
                title=_who_line(r, pr, lang, p),
                text=answer(r, pr, lang, pseudonymise),
            )
        )
        if pr.missing and len(pr.missing) < 3:
            sep = "、" if lang == "zh" else ", "
            out.append(
                Callout(
                    style="tip",
                    text=L.text(
                        "missing",
                        lang,
                        items=sep.join(L.label(L.MISSING_LABELS, m, lang) for m in pr.missing),
                    ),
                )
            )
        if len(pr.missing) < 3:
            out.append(_tiles(r, pr, lang, p))
    if len(r.people) > 1:
        out.append(compare(r, lang, pseudonymise))
    return out
