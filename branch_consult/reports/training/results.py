"""Quiz results as a trainer's report: scores, response problems, item analysis, reliability, revisions.

Every rule used (multiple-choice scoring, rounding, Kelley ties, each response
problem's handling) is stated in the report next to the numbers it produced.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from branch_consult.display import Callout, Column, Scorecard, Table, Tile
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports.training.common import Objects, heading
from branch_consult.reports.training.results_words import rword
from branch_consult.training.question_bank import QuestionBank
from branch_consult.training.results import QuizResults, load_revise_rules


def _names(results: QuizResults, lang: str, pseudonymise: bool) -> dict[str, str]:
    """participant_id -> what the report shows: a stable pseudonym, or 'id name'."""
    p = Pseudonymiser(lang=lang, enabled=pseudonymise)
    out: dict[str, str] = {}
    for rec in results.sheet.to_dict("records"):
        out[rec["participant_id"]] = (
            p.token(rec["participant_id"], "participant", name=rec["name"])
            if pseudonymise
            else f"{rec['participant_id']} {rec['name']}"
        )
    return out


def summary(results: QuizResults, lang: str) -> Objects:
    """Headline tiles and the scoring rules in force."""
    sheet = results.sheet
    revise = sum(f.revise["item_id"].nunique() for f in results.forms)
    rel = results.forms[0].reliability.kr20 if results.forms else math.nan
    tiles = [
        Tile(label=rword("participants", lang), value=len(sheet), format="int"),
        Tile(
            label=rword("mean", lang),
            value=float(sheet["percent"].mean()) if len(sheet) else None,
            format="float1",
        ),
        Tile(
            label=rword("median", lang),
            value=float(sheet["percent"].median()) if len(sheet) else None,
            format="float1",
        ),
        Tile(
            label=rword("reliability", lang),
            value=None if math.isnan(rel) else rel,
            format="float2",
            status="green"
            if rel >= 0.7
            else "amber"
            if rel >= 0.5
            else "red"
            if not math.isnan(rel)
            else "none",
        ),
        Tile(
            label=rword("to_revise", lang),
            value=revise,
            format="int",
            status="amber" if revise else "green",
        ),
    ]
    rule_text = (
        rword(f"rule_{results.rule}", lang)
        + "\n"
        + rword("rule_common", lang)
        + "\n"
        + rword("kelley_rule", lang)
    )
    return [
        heading(2, rword("results", lang), escape=False),
        Scorecard(caption=rword("results", lang), tiles=tiles),
        Callout(style="note", title=rword("how_scored", lang), text=rule_text),
    ]


def response_issues(results: QuizResults, lang: str, pseudonymise: bool = True) -> Objects:
    """Every malformed response with the rule applied to it."""
    out: Objects = [heading(2, rword("issues", lang), escape=False)]
    if not results.issues:
        out.append(Callout(style="tip", text=rword("no_issues", lang)))
        return out
    names = _names(results, lang, pseudonymise)
    rows = [
        [
            rword(i.kind, lang),
            names.get(i.participant_id, i.participant_id),
            i.question_id,
            i.row,
            i.value,
            rword(f"h_{i.kind}", lang),
        ]
        for i in results.issues
    ]
    cols = [
        Column(key="k", label=rword("issue_kind", lang)),
        Column(key="p", label=rword("participant", lang)),
        Column(key="q", label=rword("item", lang)),
        Column(key="r", label=rword("row", lang), format="int"),
        Column(key="v", label=rword("value", lang)),
        Column(key="h", label=rword("handling", lang)),
    ]
    out.append(Table(caption=rword("issues", lang), source=results.source, columns=cols, rows=rows))
    return out


def scores(results: QuizResults, lang: str, pseudonymise: bool = True) -> Objects:
    """The ranked score sheet and the per-branch averages."""
    names = _names(results, lang, pseudonymise)
    s = results.sheet
    rows = [
        [
            r["rank"],
            names[r["participant_id"]],
            r["branch_id"],
            r["form"],
            r["points"],
            r["percent"],
        ]
        for r in s.to_dict("records")
    ]
    cols = [
        Column(key="rank", label=rword("rank", lang), format="int"),
        Column(key="name", label=rword("participant", lang)),
        Column(key="branch", label=rword("branch", lang)),
        Column(key="form", label=rword("form", lang)),
        Column(key="points", label=rword("points", lang), format="float1"),
        Column(key="pct", label=rword("percent", lang), format="float1"),
    ]
    out: Objects = [
        heading(2, rword("score_sheet", lang), escape=False),
        Table(
            caption=rword("score_sheet", lang),
            note=rword("pseudonym_note", lang) if pseudonymise else None,
            columns=cols,
            rows=rows,
        ),
    ]
    if len(results.branches):
        b = results.branches
        cols = [
            Column(key="b", label=rword("branch", lang)),
            Column(key="n", label=rword("branch_n", lang), format="int"),
            Column(key="m", label=rword("branch_mean", lang), format="float1"),
            Column(key="lo", label=rword("branch_min", lang), format="float1"),
            Column(key="hi", label=rword("branch_max", lang), format="float1"),
        ]
        out += [
            heading(3, rword("branches", lang), escape=False),
            Table(
                caption=rword("branches", lang),
                columns=cols,
                rows=b[["branch_id", "participants", "mean", "min", "max"]].values.tolist(),
            ),
        ]
    return out


def _distractor_table(dist: pd.DataFrame, form: str, lang: str) -> Table:
    letters = sorted({o for o in dist["option"] if not o.startswith("(")})
    extra = [o for o in ("(blank)", "(invalid)") if o in set(dist["option"])]
    rows = []
    for item_id, g in dist.groupby("item_id", sort=False):
        cells: dict[str, Any] = {}
        for r in g.to_dict("records"):
            mark = "*" if r["keyed"] else ("†" if r["non_functional"] else "")
            cells[r["option"]] = f"{r['chosen']}{mark}"
        rows.append(
            [item_id] + [cells.get(o, "") for o in letters] + [cells.get(o, "") for o in extra]
        )
    label = {"(blank)": rword("option_blank", lang), "(invalid)": rword("option_invalid", lang)}
    cols = (
        [Column(key="item", label=rword("item", lang))]
        + [Column(key=o, label=o) for o in letters]
        + [Column(key=o, label=label[o]) for o in extra]
    )
    return Table(caption=rword("distractors", lang, form=form), columns=cols, rows=rows)


def item_analysis(results: QuizResults, lang: str) -> Objects:
    """Per form: p, D with its Ebel band, corrected r, non-functional distractors; option counts."""
    out: Objects = [heading(2, rword("item_analysis", lang), escape=False)]
    analysed = {f.form.id for f in results.forms}
    for form in results.forms_given:
        n = int((results.sheet["form"] == form.id).sum())
        if form.id not in analysed and n:
            out.append(Callout(style="note", text=rword("too_few", lang, form=form.id, n=n)))
    for fa in results.forms:
        t = fa.items
        rows = [
            [
                r["item_id"],
                r["section"],
                rword(r["type"], lang),
                r["p"],
                r["D"],
                rword(r["band"], lang),
                None if math.isnan(r["r_pb"]) else r["r_pb"],
                r["non_functional"],
            ]
            for r in t.to_dict("records")
        ]
        flagged = [
            i
            for i, r in enumerate(t.to_dict("records"))
            if r["band"] in ("negative", "poor", "marginal")
        ]
        cols = [
            Column(key="item", label=rword("item", lang)),
            Column(key="sec", label=rword("section", lang)),
            Column(key="type", label=rword("type", lang)),
            Column(key="p", label=rword("p", lang), format="float2"),
            Column(key="D", label=rword("D", lang), format="float2"),
            Column(key="band", label=rword("band", lang)),
            Column(key="r", label=rword("r_pb", lang), format="float2"),
            Column(key="nf", label=rword("nf", lang)),
        ]
        out.append(
            Table(
                caption=rword("items_caption", lang, form=fa.form.id, n=fa.participants),
                columns=cols,
                rows=rows,
                highlight_rows=flagged,
            )
        )
        out.append(_distractor_table(fa.distractors, fa.form.id, lang))
    return out


def reliability_section(results: QuizResults, lang: str) -> Objects:
    """KR-20 with its Feldt interval, SEM and Spearman–Brown projections, per form."""
    out: Objects = [heading(2, rword("reliability_h", lang), escape=False)]
    for fa in results.forms:
        r = fa.reliability
        need = rword("met", lang) if r.items_for_target is None else r.items_for_target
        rows = [
            [rword("kr20", lang), _num(r.kr20, 4)],
            [
                rword("ci", lang, level=round(r.level * 100)),
                f"{_num(r.ci_low, 2)} – {_num(r.ci_high, 2)}",
            ],
            [rword("sd", lang), _num(r.sd_points, 2)],
            [rword("sem_items", lang), _num(r.sem_points, 2)],
            [rword("sem_pct", lang), _num(r.sem_percent, 1)],
            [rword("doubled", lang), _num(r.doubled, 2)],
            [rword("need", lang, target=f"{r.target:.2f}"), need],
        ]
        cols = [
            Column(key="m", label=rword("measure", lang)),
            Column(key="v", label=rword("value_col", lang)),
        ]
        out.append(
            Table(
                caption=rword("rel_caption", lang, form=fa.form.id),
                note=rword("rel_note", lang),
                columns=cols,
                rows=rows,
            )
        )
    return out


def _num(x: float, digits: int) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def revise_list(
    results: QuizResults, bank: QuestionBank, lang: str, rules: dict[str, Any] | None = None
) -> Objects:
    """Items to revise, each with every reason that put it on the list."""
    rules = rules or load_revise_rules()
    wording = rules["reasons"]
    by_id = bank.by_id
    out: Objects = [heading(2, rword("revise", lang), escape=False)]
    rows = []
    for fa in results.forms:
        for item_id, g in fa.revise.groupby("item_id", sort=False):
            reasons = []
            for r in g.to_dict("records"):
                value = r["value"] if isinstance(r["value"], str) else f"{r['value']:.2f}"
                reasons.append(
                    wording[r["reason"]]["en" if lang == "en" else "zh"].format(value=value)
                )
            stem = by_id[str(item_id)].stem  # item ids are text
            rows.append([item_id, stem if len(stem) <= 60 else stem[:58] + "…", "\n".join(reasons)])
    if not rows:
        out.append(Callout(style="tip", text=rword("no_revise", lang)))
        return out
    cols = [
        Column(key="i", label=rword("item", lang)),
        Column(key="s", label=rword("stem", lang)),
        Column(key="r", label=rword("reasons", lang)),
    ]
    out.append(Table(caption=rword("revise", lang), columns=cols, rows=rows))
    return out
