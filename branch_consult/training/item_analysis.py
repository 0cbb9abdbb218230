"""Classical item analysis: difficulty, Kelley discrimination, point-biserial, distractors, Ebel bands.

Computed on a credit matrix (participants × items, 0..1). With the default
all-or-nothing rule credits are 0/1 and the statistics are the textbook ones;
under a partial-credit rule difficulty is the mean credit.

Kelley's groups: participants are ranked by total score and the top and bottom
27 % (n = round(0.27·N), at least 1) form the upper and lower groups. Participants
tied at a cut share the remaining places equally (fractional weights), so neither
file order nor ids decide who is "upper" and D does not move when tied rows are
reordered.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from branch_consult.training.question_bank import QuestionBank
from branch_consult.training.responses import Responses

KELLEY_FRACTION = 0.27
NON_FUNCTIONAL_SHARE = 0.05
#: Ebel & Frisbie's bands for D, highest floor first
EBEL_BANDS: tuple[tuple[float, str], ...] = (
    (0.40, "very_good"),
    (0.30, "reasonably_good"),
    (0.20, "marginal"),
    (0.0, "poor"),
)


def difficulty(matrix: pd.DataFrame) -> pd.Series:
    """p: the share of participants answering each item right (mean credit)."""
    return matrix.mean(axis=0)


def group_size(n: int, fraction: float = KELLEY_FRACTION) -> int:
    """Size of each Kelley group: round(fraction · n), at least 1 (half up: 0.27·50 = 13.5 -> 14)."""
    return max(1, math.floor(fraction * n + 0.5))


def _group_weights(totals: pd.Series, size: int, top: bool) -> pd.Series:
    """Weight of each participant in the upper (top=True) or lower group; ties at the cut share places."""
    values = totals.to_numpy(dtype=float)
    order = -values if top else values
    weights = np.zeros(len(values))
    remaining = float(size)
    for v in sorted(set(order)):
        if remaining <= 0:
            break
        members = order == v
        count = int(members.sum())
        take = min(remaining, count)
        weights[members] = take / count
        remaining -= take
    return pd.Series(weights, index=totals.index)


def kelley_groups(
    totals: pd.Series, fraction: float = KELLEY_FRACTION
) -> tuple[pd.Series, pd.Series]:
    """(upper, lower) weights per participant, each summing to the group size."""
    size = group_size(len(totals), fraction)
    return _group_weights(totals, size, True), _group_weights(totals, size, False)


def discrimination(matrix: pd.DataFrame, fraction: float = KELLEY_FRACTION) -> pd.Series:
    """D = p(upper 27 %) − p(lower 27 %) for each item."""
    totals = matrix.sum(axis=1)
    upper, lower = kelley_groups(totals, fraction)
    p_up = matrix.mul(upper, axis=0).sum() / upper.sum()
    p_low = matrix.mul(lower, axis=0).sum() / lower.sum()
    return p_up - p_low


def corrected_point_biserial(matrix: pd.DataFrame) -> pd.Series:
    """Correlation of each item with the total of the *other* items (NaN when either is constant)."""
    totals = matrix.sum(axis=1)
    out = {}
    for item in matrix.columns:
        x = matrix[item].to_numpy(dtype=float)
        rest = (totals - matrix[item]).to_numpy(dtype=float)
        if x.std() == 0 or rest.std() == 0:
            out[item] = math.nan
        else:
            out[item] = float(np.corrcoef(x, rest)[0, 1])
    return pd.Series(out)


def ebel_band(d: float) -> str:
    """'negative' (check the key), 'poor', 'marginal', 'reasonably_good' or 'very_good'."""
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return "none"
    if d < 0:
        return "negative"
    d = round(d, 10)
    for floor, band in EBEL_BANDS:
        if d >= floor:
            return band
    return "poor"


def distractors(
    responses: Responses, bank: QuestionBank, participants: list[str], item_ids: list[str]
) -> pd.DataFrame:
    """How often each option was chosen, per item, among `participants`.

    Columns: item_id, option, keyed, chosen, share, non_functional. A multiple-choice
    answer counts once for every letter in it. Blank/missing and invalid answers get
    the rows ``option='(blank)'`` and ``'(invalid)'``. An unkeyed option chosen by fewer
    than 5 % of the participants is non-functional.
    """
    by_id = bank.by_id
    n = len(participants)
    rows = []
    for q in item_ids:
        item = by_id[q]
        counts = dict.fromkeys(item.choices, 0)
        blank = invalid = 0
        for pid in participants:
            given = responses.answers[pid].get(q)
            if given is None:
                if q in responses.invalid.get(pid, {}):
                    invalid += 1
                else:
                    blank += 1
                continue
            for letter in given:
                counts[letter] += 1
        for letter, c in counts.items():
            keyed = letter in item.answer
            share = c / n if n else math.nan
            rows.append(
                {
                    "item_id": q,
                    "option": letter,
                    "keyed": keyed,
                    "chosen": c,
                    "share": share,
                    "non_functional": (not keyed) and n > 0 and share < NON_FUNCTIONAL_SHARE,
                }
            )
        for label, c in (("(blank)", blank), ("(invalid)", invalid)):
            if c:
                rows.append(
                    {
                        "item_id": q,
                        "option": label,
                        "keyed": False,
                        "chosen": c,
                        "share": c / n if n else math.nan,
                        "non_functional": False,
                    }
                )
    return pd.DataFrame(
        rows, columns=["item_id", "option", "keyed", "chosen", "share", "non_functional"]
    )


def item_table(
    matrix: pd.DataFrame,
    bank: QuestionBank,
    distractor_frame: pd.DataFrame | None = None,
    fraction: float = KELLEY_FRACTION,
) -> pd.DataFrame:
    """One row per item: item_id, section, type, p, D, band, r_pb, non_functional (option letters)."""
    by_id = bank.by_id
    p = difficulty(matrix)
    d = discrimination(matrix, fraction)
    r = corrected_point_biserial(matrix)
    nf: Mapping[Hashable, str] = {}  # item id → its non-functional option letters
    if distractor_frame is not None and len(distractor_frame):
        flagged = distractor_frame[distractor_frame["non_functional"]]
        nf = flagged.groupby("item_id")["option"].apply(lambda s: "".join(sorted(s))).to_dict()
    rows = [
        {
            "item_id": q,
            "section": by_id[q].section,
            "type": by_id[q].type,
            "p": float(p[q]),
            "D": float(d[q]),
            "band": ebel_band(float(d[q])),
            "r_pb": float(r[q]),
            "non_functional": nf.get(q, ""),
        }
        for q in matrix.columns
    ]
    return pd.DataFrame(rows)
