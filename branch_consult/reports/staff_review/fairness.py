"""Team fairness: praise and criticism against performance quartile, and what that says about the manager."""

from __future__ import annotations

from branch_consult.analysis.staff_review import StaffReview
from branch_consult.display import Callout
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    fmt,
    heading,
    pseudonymiser,
    table,
    who,
)


def fairness_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Once per team (a pair from one team shares it): people by quartile, the quartile summary, the flags."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("fairness", lang)]
    seen: set[frozenset[str]] = set()
    for pr in r.people:
        key = frozenset(pr.team["staff_id"])
        if not key or key in seen:
            continue
        seen.add(key)
        subjects = {x.person.staff_id for x in r.people}
        shown = pr.team.assign(person=[who(r, s, p) for s in pr.team["staff_id"]])
        out.append(
            table(
                shown,
                L.text("team_caption", lang, person=who(r, pr.person.staff_id, p)),
                [
                    ("person", "col_person", "text"),
                    ("completion", "col_completion", "pct0"),
                    ("quartile", "col_quartile", "int"),
                    ("recognitions", "col_recognitions", "int"),
                    ("criticisms", "col_criticisms", "int"),
                    ("public_criticisms", "col_public_criticisms", "int"),
                ],
                lang,
                source=L.text("src_targets", lang) + " · " + L.text("src_events", lang),
                note=L.text("pseudo_note", lang) if p.enabled else None,
                highlight=[i for i, s in enumerate(pr.team["staff_id"]) if s in subjects],
            )
        )
        out.append(
            table(
                pr.team_quartiles,
                L.text("quartile_caption", lang),
                [
                    ("quartile", "col_quartile", "int"),
                    ("people", "col_people", "int"),
                    ("recognitions", "col_recognitions", "int"),
                    ("criticisms", "col_criticisms", "int"),
                    ("recognitions_per_person", "col_rec_pp", "float1"),
                    ("criticisms_per_person", "col_crit_pp", "float1"),
                ],
                lang,
                source=L.text("src_events", lang),
            )
        )
        flags = pr.manager_flags
        manager = who(r, pr.person.manager_id, p)
        if flags["criticism_on_top"]:
            share = max(flags["public_criticism_top_share"], flags["criticism_top_share"])
            out.append(
                Callout(
                    style="warning",
                    text=L.text("flag_top", lang, manager=manager, share=fmt(share, "pct0", lang)),
                )
            )
        if flags["praise_on_bottom"]:
            out.append(
                Callout(
                    style="warning",
                    text=L.text(
                        "flag_bottom",
                        lang,
                        manager=manager,
                        share=fmt(flags["recognition_bottom_share"], "pct0", lang),
                    ),
                )
            )
        if not (flags["criticism_on_top"] or flags["praise_on_bottom"]):
            out.append(Callout(style="note", text=L.text("flag_none", lang)))
    if not seen:
        out.append(Callout(style="tip", text=L.text("team_none", lang)))
    return out
