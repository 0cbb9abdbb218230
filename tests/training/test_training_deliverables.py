"""The real handouts and results report, end to end through papermill and both exporters.

The participant edition's files (every part of the .docx, properties included, the
.html and the executed .ipynb) are searched for every answer explanation and every
facilitation note of the course: none may appear. The trainer edition is the control.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from branch_consult.run import run_playbook
from branch_consult.training.handout import load_course_and_bank

RUNS = [
    ("service_marketing", "participant", "zh"),
    ("service_marketing", "trainer", "zh"),
    ("campaign_planning", "participant", "en"),
    ("campaign_planning", "trainer", "en"),
]
_TAG = re.compile(r"<[^>]+>")


def _flat(text: str) -> str:
    """Markup removed, entities decoded, whitespace dropped: a leak split across runs or escaped still shows."""
    return re.sub(r"\s+", "", html.unescape(_TAG.sub("", text)))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in [k, *_strings(v)]]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def file_texts(paths: dict[str, Path]) -> dict[str, str]:
    """Every searchable text of a deliverable: each .docx part, the .html, every string in the .ipynb."""
    out: dict[str, str] = {}
    with zipfile.ZipFile(paths[".docx"]) as z:
        for name in z.namelist():
            out[f"docx:{name}"] = _flat(z.read(name).decode("utf-8", errors="ignore"))
    out["html"] = _flat(paths[".html"].read_text(encoding="utf-8"))
    nb = json.loads(paths[".ipynb"].read_text(encoding="utf-8"))
    out["ipynb"] = _flat("\n".join(_strings(nb)))
    return out


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[tuple[str, str, str], dict[str, Path]]:
    out = tmp_path_factory.mktemp("handouts")
    made = {}
    for course, edition, lang in RUNS:
        result = run_playbook(
            "workshop_handout",
            out_dir=out,
            lang=lang,
            params={"course": course, "edition": edition, "quiz_size": 30, "seed": 5},
        )
        made[(course, edition, lang)] = {p.suffix: p for p in result.paths}
    return made


def _secrets(course: str) -> tuple[list[str], list[str]]:
    c, bank = load_course_and_bank(course)
    explanations = [i.explanation for i in bank.items]
    notes = [a.facilitation for s in c.sections for a in s.activities] + [
        s.trainer_notes for s in c.sections if s.trainer_notes
    ]
    return explanations, notes


@pytest.mark.slow
@pytest.mark.parametrize("course,lang", [("service_marketing", "zh"), ("campaign_planning", "en")])
def test_participant_files_hold_no_explanation_anywhere(handouts, course, lang):
    texts = file_texts(handouts[(course, "participant", lang)])
    assert any(k.startswith("docx:docProps/") for k in texts)  # properties are searched too
    explanations, notes = _secrets(course)
    leaks = [
        (where, s[:30]) for s in explanations + notes for where, t in texts.items() if _flat(s) in t
    ]
    assert leaks == []
    c, _ = load_course_and_bank(course)
    assert _flat(c.lectures[-1].sections[0].key_points[0]) in texts["docx:word/document.xml"]
    assert _flat(c.lectures[-1].sections[0].key_points[0]) in texts["html"]


@pytest.mark.slow
@pytest.mark.parametrize("course,lang", [("service_marketing", "zh"), ("campaign_planning", "en")])
def test_trainer_files_hold_key_and_notes(handouts, course, lang):
    paths = handouts[(course, "trainer", lang)]
    texts = file_texts(paths)
    explanations, notes = _secrets(course)
    doc = texts["docx:word/document.xml"]
    assert sum(_flat(e) in doc for e in explanations) == 30  # the 30 items on the form
    assert all(_flat(n) in doc for n in notes)
    assert all(_flat(n) in texts["html"] for n in notes)


@pytest.mark.slow
def test_lectures_start_new_pages_in_word(handouts):
    import docx
    from docx.enum.text import WD_BREAK  # noqa: F401

    paths = handouts[("service_marketing", "participant", "zh")]
    d = docx.Document(str(paths[".docx"]))
    body = d.element.body
    headings = [
        p
        for p in d.paragraphs
        if p.style.name.startswith("Heading") and p.text.startswith("第") and "讲" in p.text
    ]
    assert len(headings) == 7
    for (
        h
    ) in headings:  # each lecture heading starts its page ("page break before", no blank-page risk)
        assert h.paragraph_format.page_break_before is True, h.text
    assert body is not None


@pytest.mark.slow
def test_results_report_runs_on_the_sample(tmp_path):
    result = run_playbook(
        "workshop_results", out_dir=tmp_path, lang="en", params={"rule": "right_minus_wrong"}
    )
    texts = file_texts({p.suffix: p for p in result.paths})
    doc = texts["docx:word/document.xml"]
    for expected in (
        "right-minus-wrong",
        "KR-20",
        "Feldt",
        "negative:checkthekey",
        "SM14",
        "twoforms",
        "thelaterrowinthefilecounts",
        "Averagebybranch",
        "Itemstorevise",
    ):
        assert _flat(expected) in doc, expected
    assert "陈婷婷" not in doc  # pseudonymised by default
