"""Malformed responses are reported with the rule applied, never dropped silently."""

from pathlib import Path

import pandas as pd
import pytest

from branch_consult.data.problems import DataProblems
from branch_consult.training.handout import load_course_and_bank
from branch_consult.training.question_bank import Item
from branch_consult.training.quiz import QuizForm, select_quiz
from branch_consult.training.responses import (
    collect_responses,
    normalise_answer,
    read_responses_file,
)
from branch_consult.training.results import analyse_quiz
from branch_consult.training.sample import PLANTED, sample_responses

SAMPLE = Path(__file__).resolve().parents[2] / "data_samples" / "training" / "quiz_responses.csv"


@pytest.fixture(scope="module")
def bank():
    return load_course_and_bank("service_marketing")[1]


def _frame(rows):
    f = pd.DataFrame(rows, columns=["participant_id", "name", "branch_id", "question_id", "answer"])
    f.index = pd.RangeIndex(2, 2 + len(f))
    return f


def test_normalise_answers():
    multi = Item(
        id="M",
        section="S",
        type="multiple",
        stem="?",
        answer="AC",
        explanation="x",
        options={k: k for k in "ABCD"},
    )
    tf = Item(id="T", section="S", type="true_false", stem="?", answer="T", explanation="x")
    assert normalise_answer("a, c", multi) == (frozenset("AC"), True)
    assert normalise_answer("ＣＡ", multi) == (frozenset("AC"), True)  # full-width letters
    assert normalise_answer("A、E", multi) == (None, False)
    assert normalise_answer("", multi) == (None, True)
    assert normalise_answer("对", tf) == (frozenset("T"), True)
    assert normalise_answer("×", tf) == (frozenset("F"), True)
    assert normalise_answer("maybe", tf) == (None, False)


def test_every_kind_of_fault_with_its_rule(bank):
    form = QuizForm("f", ("SM01", "SM02", "SM03"))  # single A, true/false F, multiple BCD
    other = QuizForm("g", ("SM05", "SM06", "SM07"))
    rows = [
        ["P1", "甲", "B1", "SM01", "A"],
        ["P1", "甲", "B1", "SM02", "F"],
        ["P1", "甲", "B1", "SM03", "BCD"],
        ["P2", "乙", "B1", "SM01", "E"],
        ["P2", "乙", "B1", "SM02", ""],
        ["P2", "乙", "B1", "SM99", "A"],
        ["P3", "丙", "B2", "SM01", "B"],
        ["P3", "丙", "B2", "SM01", "A"],
        ["P3", "丙", "B2", "SM02", "F"],
        ["P3", "丙", "B2", "SM03", "BC"],
        ["P3", "丙", "B2", "SM06", "D"],
        ["P4", "丁", "B2", "SM01", "AB"],
        ["P4", "丁", "B2", "SM02", "T"],
        ["P4", "丁", "B2", "SM03", "BCD"],
    ]
    r = collect_responses(_frame(rows), bank, [form, other])
    got = {(i.kind, i.participant_id, i.question_id, i.row) for i in r.issues}
    assert got == {
        ("unknown_question", "P2", "SM99", 7),
        ("unknown_option", "P2", "SM01", 5),
        ("blank", "P2", "SM02", 6),
        ("missing", "P2", "SM03", None),
        ("duplicate", "P3", "SM01", 8),  # the earlier row is set aside; the later one (A) counts
        ("two_forms", "P3", "SM06", 12),
        ("several_on_single", "P4", "SM01", 13),
    }
    assert r.answers["P3"]["SM01"] == frozenset("A")
    analysis = analyse_quiz(_frame(rows), bank, [form, other])
    pct = dict(zip(analysis.sheet["participant_id"], analysis.sheet["percent"], strict=True))
    # P1 all right; P2 none; P3: SM01 right (later row), SM02 right, SM03 partly → 0 (all-or-nothing)
    assert pct == {
        "P1": 100.0,
        "P2": 0.0,
        "P3": 66.7,
        "P4": 33.3,
    }  # P4: AB on a single item, T against F
    partial = analyse_quiz(_frame(rows), bank, [form, other], rule="right_minus_wrong")
    pct = dict(zip(partial.sheet["participant_id"], partial.sheet["percent"], strict=True))
    assert pct["P3"] == 88.9  # (1 + 1 + 2/3) / 3


def test_committed_sample_is_reproducible_and_has_the_planted_faults(bank):
    frame = read_responses_file(SAMPLE)
    regenerated = sample_responses()
    assert frame.reset_index(drop=True).equals(regenerated.astype(str))
    forms = [select_quiz(bank, 20, 1), select_quiz(bank, 20, 2)]
    result = analyse_quiz(frame, bank, forms)
    assert len(result.sheet) == 40
    flagged = {i.participant_id for i in result.issues}
    assert flagged == set(PLANTED)
    sm14 = result.forms[0].items.set_index("item_id").loc["SM14"]
    assert sm14["band"] == "negative"
    assert "negative_d" in set(result.forms[0].revise.query("item_id == 'SM14'")["reason"])


def test_unreadable_export_is_one_clear_message(tmp_path):
    bad = tmp_path / "quiz.csv"
    bad.write_text("学员编号,姓名,答案\nP1,甲,A\n", encoding="utf-8")
    with pytest.raises(DataProblems) as err:
        read_responses_file(bad)
    assert "quiz.csv › quiz_responses › question_id: required column missing" in str(err.value)
