"""Item statistics against hand-computed values."""

import pandas as pd
import pytest

from branch_consult.training.item_analysis import (
    corrected_point_biserial,
    difficulty,
    discrimination,
    ebel_band,
    group_size,
)
from tests.training.test_reliability import staircase, wuensch


def test_staircase_difficulty_and_discrimination():
    m = staircase()
    assert difficulty(m).tolist() == pytest.approx([5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6])
    # groups of round(0.27·6) = 2: upper totals 5, 4; lower totals 1, 0
    assert group_size(6) == 2
    assert discrimination(m).tolist() == pytest.approx([0.5, 1.0, 1.0, 1.0, 0.5])


def test_staircase_point_biserial_item_one():
    # item 1: x = 1,1,1,1,1,0; rest = 4,3,2,1,0,0; cov = 10/36, var x = 5/36, var rest = 80/36 → r = 0.5
    assert corrected_point_biserial(staircase())["Q1"] == pytest.approx(0.5)


def test_ties_at_the_cut_share_the_places():
    # group size round(0.27·4) = 1; A and B tie at the top (total 2) and share it half each
    m = pd.DataFrame(
        [[1, 1, 0], [1, 0, 1], [0, 0, 1], [0, 0, 0]],
        index=list("ABCD"),
        columns=["Q1", "Q2", "Q3"],
        dtype=float,
    )
    assert discrimination(m).tolist() == pytest.approx([1.0, 0.5, 0.5])
    shuffled = m.loc[["B", "D", "A", "C"]]
    assert discrimination(shuffled).tolist() == pytest.approx([1.0, 0.5, 0.5])


def test_wuensch_discrimination_by_hand():
    # N = 10 → groups of 3. Totals: F 9, H 9, A 8, G 8 (A and G tie for the third place),
    # lower: D 2, E 2, then B, C, I, J tied at 7 share one place (¼ each).
    m = wuensch()
    d = discrimination(m)
    # item 1: upper F1 H1 + ½A1 + ½G1 = 3/3; lower D0 E0 + ¼(B1+C1+I0+J1) = 0.75/3
    assert d["Q1"] == pytest.approx(1 - 0.75 / 3)
    # item 9: upper F1 H0 + ½A1 + ½G1 = 2/3; lower D0 E1 + ¼(B0+C0+I0+J1) = 1.25/3
    assert d["Q9"] == pytest.approx(2 / 3 - 1.25 / 3)


@pytest.mark.parametrize(
    ("d", "band"),
    [
        (0.40, "very_good"),
        (0.55, "very_good"),
        (0.39, "reasonably_good"),
        (0.30, "reasonably_good"),
        (0.29, "marginal"),
        (0.20, "marginal"),
        (0.19, "poor"),
        (0.0, "poor"),
        (-0.05, "negative"),
    ],
)
def test_ebel_bands(d, band):
    assert ebel_band(d) == band
