"""Root causes (person–role fit, management, process), the cost of the case, and the dated recommendations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from branch_consult.analysis.staff_review import StaffReview
from branch_consult.display import Callout, Table
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    day,
    fill,
    fmt,
    heading,
    metric,
    metric_format,
    pseudonymiser,
    rule_values,
    table,
    who,
)


def root_cause_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Root causes per person in category order, and what the case costs."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("root_causes", lang)]
    rows = []
    for pr in r.people:
        values = rule_values(pr, r, lang, p)
        for cause in pr.root_causes:
            rule = next(c for c in r.rules.root_causes if c.id == cause.id)
            rows.append(
                {
                    "person": who(r, pr.person.staff_id, p),
                    "category": L.label(L.CATEGORY_LABELS, cause.category, lang),
                    "cause": fill(rule.text.get(lang), values),
                }
            )
    if rows:
        out.append(
            table(
                _merged(rows, "cause", lang),
                L.text("rc_caption", lang),
                [
                    ("person", "col_person", "text"),
                    ("category", "col_category", "text"),
                    ("cause", "col_cause", "text"),
                ],
                lang,
                source=L.text("src_rules", lang),
            )
        )
    else:
        out.append(Callout(style="note", text=L.text("rc_none", lang)))
    out.append(cost_table(r, lang, p))
    return out


def _merged(rows: Sequence[Mapping[str, object]], text_column: str, lang: str) -> pd.DataFrame:
    """Rows with the same wording (a team-level cause or step shared by a pair) shown once, for both people."""
    frame = pd.DataFrame(rows)
    sep = "、" if lang == "zh" else ", "
    people = frame.groupby(text_column, sort=False)["person"].agg(
        lambda s: sep.join(dict.fromkeys(s))
    )
    first = frame.drop_duplicates(text_column).set_index(text_column)
    first["person"] = people
    return first.reset_index()[frame.columns]


def cost_table(r: StaffReview, lang: str, p: Pseudonymiser) -> Table:
    rows = []
    for pr in r.people:
        c = pr.cost
        person = who(r, pr.person.staff_id, p)
        cls = L.text(f"class_{c['role_class']}", lang)
        rows.append(
            {
                "person": person,
                "item": L.text("cost_replace", lang, multiple=f"{c['multiple']:g}", cls=cls),
                "value": fmt(c["replacement_cost"], "wan", lang),
            }
        )
        if c["shortfall_months"]:
            rows.append(
                {
                    "person": person,
                    "item": L.text("cost_months", lang),
                    "value": str(c["shortfall_months"]),
                }
            )
            rows.append(
                {
                    "person": person,
                    "item": L.text("cost_shortfall", lang, metric=metric(pr.main_metric, lang)),
                    "value": fmt(c["shortfall"], metric_format(pr.main_metric), lang),
                }
            )
    annual = "；".join if lang == "zh" else "; ".join
    assumed = annual(
        f"{L.text('class_' + k, lang)} {fmt(v, 'wan', lang)}"
        for k, v in r.settings.costs.annual_cost.items()
    )
    return table(
        pd.DataFrame(rows),
        L.text("cost_caption", lang),
        [
            ("person", "col_person", "text"),
            ("item", "col_item", "text"),
            ("value", "col_value", "text"),
        ],
        lang,
        note=L.text("cost_note", lang, annual=assumed),
        source=L.text("src_targets", lang),
    )


def recommendations_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Every recommendation with its owner and dated checkpoints; the lawful-sequence note where a dismissal was held back."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("recommendations", lang)]
    rows: list[dict[str, object]] = []
    for pr in r.people:
        values = rule_values(pr, r, lang, p)
        for rec in pr.recommendations:
            rule = r.rules.rule(rec.id)
            rows.append(
                {
                    "no": len(rows) + 1,
                    "person": who(r, pr.person.staff_id, p),
                    "rec": fill(rule.text.get(lang), values),
                    "owner": r.rules.owners[rec.owner].get(lang),
                    "checkpoints": "、".join(day(d) for d in rec.checkpoints)
                    if lang == "zh"
                    else ", ".join(day(d) for d in rec.checkpoints),
                }
            )
    if rows:
        merged = _merged(rows, "rec", lang)
        merged["no"] = range(1, len(merged) + 1)
        out.append(
            table(
                merged,
                L.text("rec_caption", lang, date=day(r.review_date)),
                [
                    ("no", "col_no", "int"),
                    ("person", "col_person", "text"),
                    ("rec", "col_rec", "text"),
                    ("owner", "col_owner", "text"),
                    ("checkpoints", "col_checkpoints", "text"),
                ],
                lang,
                source=L.text("src_rules", lang),
            )
        )
    else:
        out.append(Callout(style="note", text=L.text("rec_none", lang)))
    for pr in r.people:
        if any(rec.replaces for rec in pr.recommendations):
            sep = "、" if lang == "zh" else "; "
            out.append(
                Callout(
                    style="warning",
                    text=L.text(
                        "lawful_note",
                        lang,
                        person=who(r, pr.person.staff_id, p),
                        missing=sep.join(L.text(f"lawful_{m}", lang) for m in pr.basis.missing),
                    ),
                )
            )
    return out
