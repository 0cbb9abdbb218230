"""Flight risk month by month on a hand-made branch: every point traced to a row."""

import pandas as pd
import pytest

from branch_consult.analysis.staff_review import flight_risk, history

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
STAFF = pd.DataFrame(
    {
        "staff_id": ["H", "S", "W"],
        "branch_id": ["X"] * 3,
        "name": ["h", "s", "w"],
        "role": ["branch_head", "wealth_manager", "personal_am"],
        "left_on": pd.to_datetime([None, None, None]),
        "manager_id": [None, "H", "H"],
    }
)
EVENTS = pd.DataFrame(
    {
        "staff_id": ["S", "W", "W"],
        "date": pd.to_datetime(["2026-04-10", "2026-02-03", "2026-03-03"]),
        "kind": ["criticism", "criticism", "criticism"],
        "by_staff_id": ["H", "H", "H"],
        "public": [True, False, False],
        "note": ["", "", ""],
    }
)


def _comp():
    rows = [("staff", "S", m, "wealth_sales", 100.0, 120.0) for m in MONTHS]
    rows += [("staff", "W", m, "deposits", 100.0, 50.0) for m in MONTHS]
    targets = pd.DataFrame(rows, columns=["level", "id", "month", "metric", "target", "actual"])
    main = pd.Series({"S": "wealth_sales", "W": "deposits"})
    return history.completion(targets, ["S", "W"], main, MONTHS)


def test_monthly_score_from_each_signal():
    model = flight_risk.load_model()
    contrib, scores, counts = flight_risk.monthly_risk("S", _comp(), EVENTS, STAFF, MONTHS, model)
    # Mar: sustained 20 + no recognition 20 + manager's 2 criticisms of others 10 = 50
    # Apr: + public criticism 25; May: + weak peer (5th miss, review was due in April) 15
    assert scores["score"].tolist() == [0, 0, 50, 75, 90, 90]
    assert scores["level"].tolist() == ["low", "low", "medium", "high", "high", "high"]
    assert flight_risk.first_high(scores) == "2026-04"
    may = contrib[contrib["month"] == "2026-05"].set_index("signal")["points"].to_dict()
    assert may == {
        "sustained_over": 20,
        "public_criticism": 25,
        "no_recognition": 20,
        "weak_peer_kept": 15,
        "manager_negative_pattern": 10,
    }
    assert (
        counts.loc["2026-04", "weak_peer_kept"] == 0
        and counts.loc["2026-05", "weak_peer_kept"] == 1
    )


def test_praise_removes_the_no_recognition_points():
    praise = pd.concat(
        [
            EVENTS,
            pd.DataFrame(
                {
                    "staff_id": ["S"],
                    "date": pd.to_datetime(["2026-02-20"]),
                    "kind": ["praise"],
                    "by_staff_id": ["H"],
                    "public": [True],
                    "note": [""],
                }
            ),
        ],
        ignore_index=True,
    )
    _, scores, _ = flight_risk.monthly_risk(
        "S", _comp(), praise, STAFF, MONTHS, flight_risk.load_model()
    )
    assert scores["score"].tolist() == [0, 0, 30, 55, 70, 70]


def test_weak_peer_gone_when_reviewed():
    reviewed = pd.concat(
        [
            EVENTS,
            pd.DataFrame(
                {
                    "staff_id": ["W"],
                    "date": pd.to_datetime(["2026-04-02"]),
                    "kind": ["review"],
                    "by_staff_id": ["H"],
                    "public": [False],
                    "note": [""],
                }
            ),
        ],
        ignore_index=True,
    )
    assert flight_risk.weak_peers_kept(_comp(), reviewed, STAFF, "2026-06", 3, 1) == []
    assert flight_risk.weak_peers_kept(_comp(), EVENTS, STAFF, "2026-06", 3, 1) == ["W"]


def test_model_file_with_unknown_signal_is_refused(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text(
        "thresholds: {high: 1}\nsignals:\n  - {id: mood, weight: 1, label: {zh: a, en: a}, "
        "explain: {zh: a, en: a}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown signal"):
        flight_risk.load_model(bad)
