"""A synthetic class's quiz export, reproducible from a seed, with planted faults.

40 participants from five branches sit form 1 of the service-marketing quiz (20 items,
seed 1). Answers follow a simple ability model (logistic in ability − item difficulty)
so item statistics look like a real class; one item is answered as if its key were
wrong (so D comes out negative), and a handful of rows carry the faults a form tool's
export really has. `PLANTED` lists them; docs in data_samples/training/README.md.

    python -m branch_consult.training.sample data_samples/training/quiz_responses.csv
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from branch_consult.training.handout import load_course_and_bank
from branch_consult.training.question_bank import Item, QuestionBank
from branch_consult.training.quiz import select_quiz

COURSE = "service_marketing"
QUIZ_SIZE = 20
FORM_SEEDS = (1, 2)
HEADERS_ZH = {
    "participant_id": "学员编号",
    "name": "姓名",
    "branch_id": "网点号",
    "question_id": "题号",
    "answer": "答案",
}
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = [
    "晓明",
    "丽华",
    "建国",
    "思远",
    "佳怡",
    "子涵",
    "雨桐",
    "志强",
    "海燕",
    "文博",
    "欣然",
    "俊杰",
    "婷婷",
    "宇航",
    "晨曦",
    "国栋",
    "雪梅",
    "浩然",
    "静怡",
    "立新",
]
#: the faults planted in the export: (participant, what)
PLANTED = {
    "P07": "answers a question that is not in the bank (SM99)",
    "P12": "gives option E on a four-option item",
    "P15": "writes 对 on a single-choice item",
    "P18": "gives two letters (AB) on a single-choice item",
    "P20": "answers one item twice with different answers (the later row counts)",
    "P25": "leaves one answer blank",
    "P30": "has no row for one item",
    "P33": "also answers three items of form 2",
}


def _wrong_choice(item: Item, rng: random.Random, weights: dict[str, float]) -> str:
    wrong = [c for c in item.choices if c not in item.answer]
    w = [weights.get(c, 1.0) for c in wrong]
    return rng.choices(wrong, weights=w)[0]


def _answer(
    item: Item, ability: float, difficulty: float, rng: random.Random, miskeyed: bool
) -> str:
    p = 1 / (1 + math.exp(-1.7 * (ability - difficulty)))
    if miskeyed:  # strong participants pick the option the key should have named
        p = 1 / (1 + math.exp(1.7 * (ability - 0.3)))
    right = rng.random() < p
    letters = list(item.choices)
    # the last distractor of every choice item is rarely attractive: non-functional for the report
    weights = {letters[-1]: 0.08} if item.type != "true_false" else {}
    if item.type == "multiple":
        key = list(item.answer)
        if right:
            return "".join(key)
        if rng.random() < 0.6:  # a partly right set: one keyed letter missing
            return "".join(sorted(key[:-1] if len(key) > 1 else key))
        return "".join(sorted({*key[:1], _wrong_choice(item, rng, weights)}))
    if right:
        return item.answer
    return _wrong_choice(item, rng, weights)


def sample_responses(n: int = 40, seed: int = 2026) -> pd.DataFrame:
    """The class's export in contract column names, one row per participant and question."""
    _, bank = load_course_and_bank(COURSE)
    form1, form2 = (select_quiz(bank, QUIZ_SIZE, s) for s in FORM_SEEDS)
    by_id = bank.by_id
    rng = random.Random(seed)
    difficulty = {q: rng.uniform(-1.6, 1.2) for q in form1.item_ids}
    miskeyed = form1.item_ids[7]
    rows = []
    for i in range(1, n + 1):
        pid = f"P{i:02d}"
        name = _SURNAMES[(i * 7) % len(_SURNAMES)] + _GIVEN[(i * 11) % len(_GIVEN)]
        branch = f"B00{1 + (i - 1) % 5}"
        ability = rng.gauss(0.6, 1.0)
        for q in form1.item_ids:
            item = by_id[q]
            ans = _answer(item, ability, difficulty[q], rng, q == miskeyed)
            if item.type == "true_false" and i % 4 == 0:
                ans = {"T": "对", "F": "错"}[ans]  # some tools export 对/错
            if item.type == "multiple" and i % 6 == 0:
                ans = ",".join(ans.lower())  # and some lower case with commas
            rows.append([pid, name, branch, q, ans])
    frame = pd.DataFrame(rows, columns=list(HEADERS_ZH))
    return _plant(
        frame, form1.item_ids, [q for q in form2.item_ids if q not in form1.item_ids], bank
    )


def _first(frame: pd.DataFrame, pid: str, pred: Callable[[str], bool]) -> int:
    idx = frame.index[(frame["participant_id"] == pid) & frame["question_id"].map(pred)]
    return int(idx[0])


def _plant(
    frame: pd.DataFrame, form1: tuple[str, ...], form2_only: list[str], bank: QuestionBank
) -> pd.DataFrame:
    by_id = bank.by_id
    single = [q for q in form1 if by_id[q].type == "single" and len(by_id[q].options) == 4]

    def row(pid: str) -> list[str]:
        return (
            frame.loc[frame["participant_id"] == pid]
            .iloc[0][["participant_id", "name", "branch_id"]]
            .tolist()
        )

    extra = [[*row("P07"), "SM99", "B"]]
    frame.loc[_first(frame, "P12", lambda q: q == single[0]), "answer"] = "E"
    frame.loc[_first(frame, "P15", lambda q: q == single[1]), "answer"] = "对"
    frame.loc[_first(frame, "P18", lambda q: q == single[2]), "answer"] = "AB"
    dup = single[3]
    first = frame.loc[_first(frame, "P20", lambda q: q == dup), "answer"]
    other = next(c for c in "ABCD" if c != first)
    extra.append([*row("P20"), dup, other])
    frame.loc[_first(frame, "P25", lambda q: q == form1[4]), "answer"] = ""
    frame = frame.drop(index=_first(frame, "P30", lambda q: q == form1[5]))
    extra += [
        [*row("P33"), q, by_id[q].answer if by_id[q].type != "multiple" else by_id[q].answer]
        for q in form2_only[:3]
    ]
    return pd.concat([frame, pd.DataFrame(extra, columns=frame.columns)], ignore_index=True)


def write_sample(path: str | Path, n: int = 40, seed: int = 2026) -> Path:
    """Write the export as a UTF-8 CSV with the Chinese headers a form tool would use."""
    frame = sample_responses(n, seed).rename(columns=HEADERS_ZH)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(p, index=False, encoding="utf-8")
    return p


if __name__ == "__main__":  # pragma: no cover - a maintenance script
    print(write_sample(sys.argv[1] if len(sys.argv) > 1 else "quiz_responses.csv"))
