"""Benchmark: personal score sheets, time per participant, against baselines run alongside.

Baselines, measured in the same run on the same class:
- *bare python-docx*: one minimal .docx per participant (title, a 5x2 table, save), the floor
  any Word sheet pays;
- *generic builder*: the same sheet content written through the house `DocxBuilder.data_table`
  (what the sheets used first; python-docx's by-name style lookup per cell dominates it),
  on a subset of participants.

Run: .venv/bin/python bench/bench_training.py
"""

from __future__ import annotations

import io
import tempfile
import time

import docx

from branch_consult.export.docx_builder import DocxBuilder
from branch_consult.export.score_sheets import SheetContext, write_score_sheets
from branch_consult.training.handout import load_course_and_bank
from branch_consult.training.quiz import forms_for
from branch_consult.training.responses import read_responses_file
from branch_consult.training.results import analyse_quiz
from branch_consult.training.sample_path import sample_responses_path
from branch_consult.training.score_sheets import PersonalSheet, personal_sheets

GENERIC_SUBSET = 5


def bare_docx(sheet: PersonalSheet) -> bytes:
    d = docx.Document()
    d.add_heading(sheet.name, 1)
    t = d.add_table(rows=5, cols=2)
    for r, (k, v) in enumerate(
        [
            ("id", sheet.participant_id),
            ("branch", sheet.branch_id or ""),
            ("form", sheet.form),
            ("score", f"{sheet.percent:.1f}"),
            ("rank", str(sheet.rank)),
        ]
    ):
        t.cell(r, 0).text, t.cell(r, 1).text = k, v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def generic_builder(sheet: PersonalSheet) -> bytes:
    b = DocxBuilder(lang="zh")
    b.data_table(
        ["小节", "题数", "得分"],
        [[s.title, str(s.items), f"{s.points:g}"] for s in sheet.sections],
        [False, True, True],
    )
    b.data_table(
        ["题号", "题目", "作答", "答案", "得分"],
        [[str(i.number), i.item_id, i.given, i.key, f"{i.credit:g}"] for i in sheet.items],
        [True, False, False, False, True],
    )
    return b.save()


def main() -> None:
    course, bank = load_course_and_bank("service_marketing")
    results = analyse_quiz(
        read_responses_file(sample_responses_path()), bank, forms_for(bank, 20, "1,2")
    )
    sheets = personal_sheets(results, bank, course)
    n = len(sheets)
    ctx = SheetContext(course.title, "2026-11-29", results.rule, 60.0, "zh")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        paths = write_score_sheets(sheets, out, ctx)
        t_ours = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for s in sheets:
        bare_docx(s)
    t_bare = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for s in sheets[:GENERIC_SUBSET]:
        generic_builder(s)
    t_generic = (time.perf_counter() - t0) / GENERIC_SUBSET
    print(f"participants: {n}; files written: {len(paths)} (one per participant + merged)")
    print(f"score sheets (own file + share of merged): {t_ours * 1000:7.1f} ms per participant")
    print(
        f"baseline bare python-docx sheet:           {t_bare * 1000:7.1f} ms per participant  "
        f"(ratio ours/bare {t_ours / t_bare:.1f}x)"
    )
    print(
        f"baseline generic builder tables (n={GENERIC_SUBSET}):  {t_generic * 1000:7.1f} ms per participant  "
        f"(ratio generic/ours {t_generic / t_ours:.1f}x, for its single file)"
    )


if __name__ == "__main__":
    main()
