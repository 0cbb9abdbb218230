"""Handout sections: the participant edition never reads answers, explanations or facilitation notes."""

import pytest
from IPython.display import Markdown

from branch_consult.reports.training import NewPage, full_handout, md_escape, text_of
from branch_consult.training.handout import prepare_handout


def _secrets(plan):
    explanations = [i.explanation for i in plan.bank.items]
    facilitation = [a.facilitation for s in plan.course.sections for a in s.activities]
    notes = [s.trainer_notes for s in plan.course.sections if s.trainer_notes]
    return explanations + facilitation + notes


@pytest.mark.parametrize(
    ("course", "lang"), [("service_marketing", "zh"), ("campaign_planning", "en")]
)
def test_participant_edition_holds_no_secret(course, lang):
    plan = prepare_handout(
        course, "participant", quiz_size=len(prepare_handout(course).bank.items), seed=3
    )
    text = text_of(full_handout(plan, lang))
    leaks = [s for s in _secrets(plan) if s in text]
    assert leaks == []
    for item in plan.bank.items:  # every stem is asked, no key column
        assert item.stem in text
    assert "作答" in text.splitlines() or "Your answer" in text.splitlines()


@pytest.mark.parametrize(
    ("course", "lang"), [("service_marketing", "zh"), ("campaign_planning", "en")]
)
def test_trainer_edition_has_plan_notes_and_key(course, lang):
    plan = prepare_handout(course, "trainer", quiz_size=10, seed=3)
    text = text_of(full_handout(plan, lang))
    for q in plan.form.item_ids:
        assert plan.bank.item(q).explanation in text
    assert all(a.facilitation in text for s in plan.course.sections for a in s.activities)
    for slot in plan.slots:
        assert slot.start in text.splitlines()  # the minute-by-minute plan


def test_each_lecture_starts_a_page():
    plan = prepare_handout("service_marketing", "participant")
    objs = full_handout(plan, "zh")
    pages = [o for o in objs if isinstance(o, NewPage)]
    assert len(pages) == len(plan.course.lectures)
    assert pages[0].markdown.startswith("## 第一讲")


def test_course_text_is_inert_markdown():
    assert md_escape("<b>x</b> *y* [z](http://e)") == r"\<b\>x\</b\> \*y\* \[z\]\(http://e\)"
    assert isinstance(full_handout(prepare_handout("campaign_planning"), "en")[0], Markdown)
