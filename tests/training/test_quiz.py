"""Quiz forms: reproducible by seed and balanced across sections."""

from collections import Counter

import pytest

from branch_consult.training.handout import load_course_and_bank
from branch_consult.training.quiz import section_counts, select_quiz


@pytest.mark.parametrize("course_id", ["service_marketing", "campaign_planning"])
def test_same_seed_same_form_and_balanced(course_id):
    _, bank = load_course_and_bank(course_id)
    a, b = select_quiz(bank, 16, 7), select_quiz(bank, 16, 7)
    assert a == b and len(a) == 16 and len(set(a.item_ids)) == 16
    assert select_quiz(bank, 16, 8) != a
    counts = section_counts(bank, a)
    pools = Counter(i.section for i in bank.items)
    assert set(counts) == set(pools)  # every section is asked when size >= sections
    assert max(counts.values()) - min(counts.values()) <= 1
    # printed in the bank's order
    order = [i.id for i in bank.items]
    assert list(a.item_ids) == sorted(a.item_ids, key=order.index)


def test_small_sections_give_their_places_away():
    _, bank = load_course_and_bank("campaign_planning")  # 8 sections of 4 items
    form = select_quiz(bank, 32, 1)
    assert sorted(form.item_ids) == sorted(i.id for i in bank.items)
    with pytest.raises(ValueError, match="more than the 32 items"):
        select_quiz(bank, 33, 1)
