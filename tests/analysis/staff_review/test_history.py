"""Performance history on a hand-made three-person table."""

import pandas as pd

from branch_consult.analysis.staff_review import history

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def _targets():
    rows = []
    # A: met, missed, missed, missed, met (deposits); always over on new_customers
    for m, a in zip(MONTHS, [100, 90, 80, 99, 120], strict=True):
        rows.append(("staff", "A", m, "deposits", 100.0, float(a)))
        rows.append(("staff", "A", m, "new_customers", 10.0, 12.0))
    # B: 110% every month except a gap in 2026-03 (no row)
    for m in MONTHS:
        if m != "2026-03":
            rows.append(("staff", "B", m, "deposits", 100.0, 110.0))
    # C: another branch, same role, 100% flat
    for m in MONTHS:
        rows.append(("staff", "C", m, "deposits", 200.0, 200.0))
    rows.append(("branch", "X1", "2026-01", "deposits", 1.0, 1.0))
    return pd.DataFrame(rows, columns=["level", "id", "month", "metric", "target", "actual"])


STAFF = pd.DataFrame(
    {"staff_id": ["A", "B", "C"], "branch_id": ["X1", "X1", "X2"], "role": ["personal_am"] * 3}
)
MAIN = pd.Series({"A": "deposits", "B": "deposits", "C": "deposits"})


def test_completion_main_metric_first_with_flags():
    comp = history.completion(_targets(), ["A"], MAIN, MONTHS)
    assert (
        comp["metric"].tolist()[:5] == ["deposits"] * 5 and comp["main"].tolist()[:5] == [True] * 5
    )
    dep = comp[comp["main"]]
    assert dep["completion"].round(2).tolist() == [1.0, 0.9, 0.8, 0.99, 1.2]
    assert dep["missed"].tolist() == [False, True, True, True, False]
    assert dep["over"].tolist() == [False, False, False, False, True]  # 1.2 ≥ 1.1


def test_runs_of_misses_and_a_gap_breaks_a_run():
    comp = history.completion(_targets(), ["A", "B"], MAIN, MONTHS)
    misses = history.runs(comp[comp["main"]], "missed")
    assert misses[["staff_id", "start", "end", "months"]].values.tolist() == [
        ["A", "2026-02", "2026-04", 3]
    ]
    over = history.runs(comp[comp["main"]], "over")
    b = over[over["staff_id"] == "B"]
    assert b[["start", "end", "months"]].values.tolist() == [
        ["2026-01", "2026-02", 2],
        ["2026-04", "2026-05", 2],
    ]  # ties: earliest first


def test_run_length_at_each_month():
    comp = history.completion(_targets(), ["A"], MAIN, MONTHS)
    dep = comp[comp["main"]]
    assert history.run_length_at(dep, "missed").tolist() == [0, 1, 2, 3, 0]


def test_ranks_in_branch_and_in_role_across_the_bank():
    ranks = history.ranks(_targets(), STAFF, MAIN, ["A", "B", "C"], MONTHS).set_index("staff_id")
    # A: 489/500 = 0.978; B: 440/400 = 1.1; C: 1.0
    assert round(ranks.at["A", "completion"], 3) == 0.978
    assert (
        ranks.at["B", "branch_rank"] == 1
        and ranks.at["A", "branch_rank"] == 2
        and ranks.at["A", "branch_n"] == 2
    )
    assert ranks.at["C", "branch_rank"] == 1 and ranks.at["C", "branch_n"] == 1
    assert ranks["role_rank"].to_dict() == {"A": 3, "B": 1, "C": 2}
    assert ranks.at["A", "role_percentile"] == 1 / 3 and ranks.at["B", "role_percentile"] == 1.0
