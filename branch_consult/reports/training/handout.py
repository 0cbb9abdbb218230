"""A course as a handout, section by section: participant or trainer edition, zh or en.

Participant edition: overview, agenda, each lecture on its own page with objectives,
key points, activities and a box for notes, and the quiz with blank answer cells.
Trainer edition: the same plus the minute-by-minute plan, facilitation notes and the
answer key with explanations. Course text is data: it travels in display objects or
escaped headings, never as live Markdown.
"""

from __future__ import annotations

from branch_consult.display import Callout, Column, Table
from branch_consult.reports.training.common import Objects, heading
from branch_consult.reports.training.words import ordinal, word
from branch_consult.training.handout import HandoutPlan
from branch_consult.training.question_bank import Item

NOTE_LINES = 7
#: quiz rows per printed table (a short table is never split across pages)
PARTICIPANT_ROWS_PER_TABLE = 10
TRAINER_ROWS_PER_TABLE = 6


def _bullets(points: list[str]) -> str:
    return "\n".join(f"• {p}" for p in points)


def overview(plan: HandoutPlan, lang: str) -> Objects:
    """Course title, audience, duration, edition, objectives and (trainer) materials."""
    c = plan.course
    rows = [
        [word("course", lang), c.title + (f" — {c.subtitle}" if c.subtitle else "")],
        [
            word("audience", lang),
            "、".join(c.audience) if c.lang == "zh" else "; ".join(c.audience),
        ],
        [
            word("duration", lang),
            word("days_hours", lang, days=c.duration.days, hours=f"{c.duration.hours_per_day:g}"),
        ],
        [word("edition", lang), word(plan.edition, lang)],
    ]
    out: Objects = [
        heading(2, word("overview", lang), escape=False),
        Table(
            caption=c.title,
            columns=[
                Column(key="k", label=word("field", lang)),
                Column(key="v", label=word("detail", lang)),
            ],
            rows=rows,
        ),
        Callout(style="note", title=word("objectives", lang), text=_bullets(c.objectives)),
    ]
    if c.materials:
        out.append(Callout(style="tip", title=word("materials", lang), text=_bullets(c.materials)))
    return out


def _lecture_label(n: int, title: str, lang: str) -> str:
    return word("lecture_title", lang, n=ordinal(n, lang), title=title)


def agenda(plan: HandoutPlan, lang: str) -> Objects:
    """Participant: day, start, end and lecture or break. Trainer: the minute-by-minute plan."""
    c = plan.course
    if plan.trainer:
        kinds = [word(s.kind if s.kind != "break" else "break", lang) for s in plan.slots]
        rows = [
            [
                word("day_n", lang, n=s.day),
                s.start,
                s.end,
                s.minutes,
                ordinal(s.lecture, lang) if s.lecture else "",
                s.title,
                k,
            ]
            for s, k in zip(plan.slots, kinds, strict=True)
        ]
        columns = [
            Column(key="day", label=word("day_col", lang)),
            Column(key="start", label=word("start", lang)),
            Column(key="end", label=word("end", lang)),
            Column(key="min", label=word("minutes", lang), format="int"),
            Column(key="lec", label=word("lecture", lang)),
            Column(key="seg", label=word("segment", lang)),
            Column(key="kind", label=word("kind", lang)),
        ]
        breaks = [i for i, s in enumerate(plan.slots) if s.kind == "break"]
        return [
            heading(2, word("timing", lang), escape=False),
            Table(caption=word("timing", lang), columns=columns, rows=rows, highlight_rows=breaks),
        ]
    rows = []
    for day in range(1, c.duration.days + 1):
        slots = [s for s in plan.slots if s.day == day]
        for n, lec in enumerate(c.lectures, 1):
            mine = [s for s in slots if s.lecture == n]
            if mine:
                rows.append(
                    [
                        word("day_n", lang, n=day),
                        mine[0].start,
                        mine[-1].end,
                        _lecture_label(n, lec.title, lang),
                    ]
                )
        rows += [
            [word("day_n", lang, n=day), s.start, s.end, s.title]
            for s in slots
            if s.kind == "break"
        ]
    rows.sort(key=lambda r: (r[0], r[1]))
    columns = [
        Column(key="day", label=word("day_col", lang)),
        Column(key="start", label=word("start", lang)),
        Column(key="end", label=word("end", lang)),
        Column(key="what", label=word("content", lang)),
    ]
    return [
        heading(2, word("agenda", lang), escape=False),
        Table(caption=word("agenda", lang), columns=columns, rows=rows),
    ]


def lectures(plan: HandoutPlan, lang: str) -> Objects:
    """Every lecture from a new page: sections with objective, key points, activities, notes or facilitation."""
    out: Objects = []
    for n, lec in enumerate(plan.course.lectures, 1):
        out.append(heading(2, _lecture_label(n, lec.title, lang), new_page=True))
        for s in lec.sections:
            out.append(
                heading(
                    3,
                    f"{s.title}（{word('minutes_suffix', lang, n=s.total_minutes)}）"
                    if lang == "zh"
                    else f"{s.title} ({word('minutes_suffix', lang, n=s.total_minutes)})",
                )
            )
            out.append(
                Callout(
                    style="note",
                    title=f"{word('objective', lang)}{'：' if lang == 'zh' else ': '}{s.objective}",
                    text=word("key_points", lang) + "\n" + _bullets(s.key_points),
                )
            )
            for a in s.activities:
                text = a.task
                if a.materials:
                    sep = "、" if plan.course.lang == "zh" else ", "
                    text += (
                        "\n"
                        + word("activity_materials", lang)
                        + ("：" if lang == "zh" else ": ")
                        + sep.join(a.materials)
                    )
                title = f"{word(a.kind, lang)} · {a.title} · {word('minutes_suffix', lang, n=a.minutes)}"
                out.append(Callout(style="tip", title=title, text=text))
                if plan.trainer:
                    out.append(
                        Callout(
                            style="warning", title=word("facilitation", lang), text=a.facilitation
                        )
                    )
            if plan.trainer and s.trainer_notes:
                out.append(
                    Callout(
                        style="warning", title=word("trainer_notes", lang), text=s.trainer_notes
                    )
                )
            if not plan.trainer:
                out.append(Callout(style="note", title=word("notes", lang), text="\n" * NOTE_LINES))
    return out


def _question_text(item: Item, lang: str) -> str:
    kind = f"［{word(item.type, lang)}］" if lang == "zh" else f"[{word(item.type, lang)}] "
    lines = [kind + item.stem]
    if item.type == "true_false":
        lines.append(f"T {word('true', lang)}　/　F {word('false', lang)}")
    else:
        lines += [f"{k}. {v}" for k, v in item.options.items()]
    return "\n".join(lines)


def quiz(plan: HandoutPlan, lang: str) -> Objects:
    """The quiz; the trainer edition adds the key and explanations, the participant edition blank cells."""
    by_id = plan.bank.by_id
    items = [by_id[i] for i in plan.form.item_ids]
    note = word(
        "quiz_form_note",
        lang,
        form=plan.form.id,
        n=len(items),
        bank=len(plan.bank.items),
        seed=plan.seed,
    )
    out: Objects = [
        heading(2, word("quiz", lang), escape=False),
        Callout(style="note", text=word("quiz_intro", lang, n=len(items))),
    ]
    if plan.trainer:
        rows = [
            [n, it.id, _question_text(it, lang), it.answer, it.explanation]
            for n, it in enumerate(items, 1)
        ]
        columns = [
            Column(key="no", label=word("no", lang), format="int"),
            Column(key="id", label=word("item", lang)),
            Column(key="q", label=word("question", lang)),
            Column(key="a", label=word("answer", lang)),
            Column(key="e", label=word("explanation", lang)),
        ]
        caption, per_table = word("answer_key", lang), TRAINER_ROWS_PER_TABLE
    else:
        rows = [[n, it.id, _question_text(it, lang), ""] for n, it in enumerate(items, 1)]
        columns = [
            Column(key="no", label=word("no", lang), format="int"),
            Column(key="id", label=word("item", lang)),
            Column(key="q", label=word("question", lang)),
            Column(key="a", label=word("your_answer", lang)),
        ]
        caption, per_table = word("quiz", lang), PARTICIPANT_ROWS_PER_TABLE
    # Short tables are kept on one page by the exporters, and a table without a note below it
    # is kept with the next one: chunks, each closed by its note, fill pages instead of leaving gaps.
    for start in range(0, len(rows), per_table):
        chunk = rows[start : start + per_table]
        out.append(
            Table(
                caption=f"{caption}（{chunk[0][0]}–{chunk[-1][0]}）"
                if lang == "zh"
                else f"{caption} ({chunk[0][0]}-{chunk[-1][0]})",
                note=note,
                columns=columns,
                rows=chunk,
            )
        )
    return out


def full_handout(plan: HandoutPlan, lang: str) -> Objects:
    """Every section in reading order (for tests and batch use)."""
    return [*overview(plan, lang), *agenda(plan, lang), *lectures(plan, lang), *quiz(plan, lang)]
