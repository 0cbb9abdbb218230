"""Quiz forms: a reproducible selection of bank items, balanced across sections.

The same (bank, size, seed) always gives the same form, so the handout printed before
the workshop and the scoring done after it agree on which items were asked.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from branch_consult.training.question_bank import Item, QuestionBank


@dataclass(frozen=True)
class QuizForm:
    """The items of one printed quiz, in the order printed."""

    id: str
    item_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.item_ids)


def form_id(course: str, size: int, seed: int) -> str:
    return f"{course}-{size}-{seed}"


def select_quiz(bank: QuestionBank, size: int, seed: int) -> QuizForm:
    """`size` items, spread over the bank's sections as evenly as their items allow.

    Every section gets ⌊size/S⌋ items (or all it has), the remaining places go one at a
    time to sections with spare items in an order drawn from the seed, and the items
    inside a section are drawn from the seed. Printed in the bank's order.
    """
    if size < 1:
        raise ValueError(f"quiz size must be at least 1, not {size}")
    if size > len(bank.items):
        raise ValueError(f"quiz size {size} is more than the {len(bank.items)} items in the bank")
    rng = random.Random(seed)
    pools: dict[str, list[Item]] = {}
    for it in bank.items:
        pools.setdefault(it.section, []).append(it)
    sections = list(pools)
    quota = {s: min(size // len(sections), len(pools[s])) for s in sections}
    while sum(quota.values()) < size:
        spare = [s for s in sections if quota[s] < len(pools[s])]
        fewest = min(quota[s] for s in spare)
        candidates = [s for s in spare if quota[s] == fewest]
        quota[rng.choice(candidates)] += 1
    chosen: set[str] = set()
    for s in sections:
        chosen.update(it.id for it in rng.sample(pools[s], quota[s]))
    ordered = tuple(it.id for it in bank.items if it.id in chosen)
    return QuizForm(form_id(bank.course, size, seed), ordered)


def section_counts(bank: QuestionBank, form: QuizForm) -> Counter[str]:
    """How many of the form's items test each section."""
    by_id = bank.by_id
    return Counter(by_id[i].section for i in form.item_ids)


def parse_seeds(text: str | int) -> list[int]:
    """'1' or '1,2' -> [1, 2]: the seeds of the forms a class sat (one form per seed)."""
    parts = [p.strip() for p in str(text).replace("，", ",").split(",") if p.strip()]
    try:
        seeds = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"seeds must be whole numbers separated by commas, not {text!r}") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"give one or more distinct seeds, not {text!r}")
    return seeds


def forms_for(bank: QuestionBank, size: int, seeds: str | int) -> list[QuizForm]:
    """The forms drawn with each seed (the first is the main form)."""
    return [select_quiz(bank, size, s) for s in parse_seeds(seeds)]
