"""Course and question-bank documents: the shipped ones are complete, bad ones are named by line and field."""

from pathlib import Path

import pytest

from branch_consult.training import (
    DocumentError,
    load_bank,
    load_course,
    shipped_courses,
    timing_plan,
)
from branch_consult.training.course import COURSES_DIR

COURSES = ["service_marketing", "campaign_planning"]


@pytest.mark.parametrize("course_id", COURSES)
def test_shipped_course_is_complete(course_id):
    folder = shipped_courses()[course_id]
    course = load_course(folder / "course.yaml")
    bank = load_bank(folder / "questions.yaml", course)
    assert len(bank.items) >= 30
    assert {i.type for i in bank.items} == {"single", "multiple", "true_false"}
    kinds = {a.kind for s in course.sections for a in s.activities}
    assert len(kinds) >= 4
    assert all(s.objective for s in course.sections)
    plan = timing_plan(course)
    for day in range(1, course.duration.days + 1):
        taught = sum(s.minutes for s in plan if s.day == day and s.kind != "break")
        assert taught == 360  # 6 h a day
    # the plan is continuous: each slot starts where the previous one ended
    for a, b in zip(plan, plan[1:], strict=False):
        if a.day == b.day:
            assert a.end == b.start


def test_zh_course_covers_the_brief():
    course = load_course(COURSES_DIR / "service_marketing" / "course.yaml")
    text = course.model_dump_json()
    for term in (
        "七步曲",
        "三次识别",
        "三级分流",
        "确认、交接、跟进",
        "熟户认领",
        "定时维护",
        "电话邀约",
        "晨会",
    ):
        assert term in text, term
    assert course.duration.days == 2 and course.lang == "zh"


def test_en_course_has_the_strategy_case():
    course = load_course(COURSES_DIR / "campaign_planning" / "course.yaml")
    cases = [a for s in course.sections for a in s.activities if a.kind == "case"]
    assert any("launch" in a.task and "promotion" in a.facilitation for a in cases)
    assert course.lang == "en"


def test_errors_name_line_and_field(tmp_path: Path):
    src = (COURSES_DIR / "campaign_planning" / "course.yaml").read_text(encoding="utf-8")
    bad = src.replace("kind: video", "kind: film").replace(
        "        minutes: 25\n", "        minutes: -5\n", 1
    )
    bad = bad.replace("kind: case", "kind: lecture")
    path = tmp_path / "course.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_course(path)
    text = str(err.value)
    line_of_lecture = next(i for i, ln in enumerate(bad.splitlines(), 1) if "kind: lecture" in ln)
    assert f"line {line_of_lecture}, lectures[2].sections[0].activities[1].kind" in text
    assert "minutes: Input should be greater than 0" in text


def test_bank_section_typo_is_found_with_its_line(tmp_path: Path):
    course = load_course(COURSES_DIR / "campaign_planning" / "course.yaml")
    src = (COURSES_DIR / "campaign_planning" / "questions.yaml").read_text(encoding="utf-8")
    bad = src.replace("section: C2.2", "section: C9.9", 1).replace("answer: ABDE", "answer: ABF")
    path = tmp_path / "questions.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_bank(path, course)
    text = str(err.value)
    line = next(i for i, ln in enumerate(bad.splitlines(), 1) if "C9.9" in ln)
    assert f"line {line}, items[12].section: section 'C9.9' is not in the course" in text
    assert "items[4]: answer 'ABF' must use the option letters ABCDE once each" in text


def test_yaml_syntax_error_gives_the_line(tmp_path: Path):
    path = tmp_path / "course.yaml"
    path.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="line 3"):
        load_course(path)
