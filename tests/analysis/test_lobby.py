"""Lobby waits on hand-made tickets; every expected figure is worked out in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.lobby import (
    counter_requirement,
    lobby_kpis,
    lunchtime_ratio,
    ticket_times,
    wait_distribution,
    wait_summary,
    weekday_hour_heatmap,
)

MON, TUE, SAT = "2026-10-12", "2026-10-13", "2026-10-17"


def tickets_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (ticket_id, branch_id, day, issued, called, finished, staff_id); times 'HH:MM' or None."""

    def ts(day: str, hhmm: str | None) -> pd.Timestamp:
        return pd.Timestamp(f"{day} {hhmm}") if hhmm else pd.NaT

    return pd.DataFrame(
        {
            "ticket_id": pd.Series([r[0] for r in rows], dtype="str"),
            "branch_id": pd.Series([r[1] for r in rows], dtype="str"),
            "issued_at": pd.Series([ts(r[2], r[3]) for r in rows], dtype="datetime64[ns]"),
            "called_at": pd.Series([ts(r[2], r[4]) for r in rows], dtype="datetime64[ns]"),
            "finished_at": pd.Series([ts(r[2], r[5]) for r in rows], dtype="datetime64[ns]"),
            "service": pd.Series(["cash"] * len(rows), dtype="str"),
            "staff_id": pd.Series([r[6] for r in rows], dtype="str"),
        }
    )


# Branch B1: counted waits 5, 20, 30, 10, 0 (sorted 0 5 10 20 30); one walk-away; two clock errors.
B1 = [
    ("T1", "B1", MON, "09:00", "09:05", "09:15", "S1"),  # wait 5, service 10
    ("T2", "B1", MON, "09:10", "09:30", "09:40", "S1"),  # wait 20
    ("T3", "B1", MON, "09:20", None, None, None),  # walk-away
    ("T4", "B1", MON, "12:00", "12:30", "12:50", "S2"),  # lunch, wait 30
    ("T5", "B1", MON, "12:10", "12:20", "12:30", "S2"),  # lunch, wait 10
    ("T6", "B1", TUE, "14:00", "14:00", None, "S1"),  # wait 0, no service time
    ("T7", "B1", TUE, "15:00", "14:50", "15:00", "S1"),  # negative wait: clock error
    ("T8", "B1", TUE, "16:00", "16:03", "16:01", "S1"),  # negative service: clock error
]
# Branch B2: waits 2 and 4 outside lunch, one walk-away.
B2 = [
    ("U1", "B2", MON, "10:00", "10:02", "10:10", "S9"),
    ("U2", "B2", MON, "10:30", "10:34", "10:40", "S9"),
    ("U3", "B2", MON, "10:40", None, None, None),
]


@pytest.fixture
def b1() -> pd.DataFrame:
    return tickets_frame(B1)


@pytest.fixture
def empty() -> pd.DataFrame:
    return tickets_frame([])


def test_ticket_times_rules(b1):
    t = ticket_times(b1)
    assert t["wait_min"].tolist()[:2] == [5.0, 20.0]
    assert math.isnan(t.loc[2, "wait_min"]) and bool(t.loc[2, "walked_away"])
    assert math.isnan(t.loc[5, "service_min"]) and t.loc[5, "wait_min"] == 0.0
    assert t["clock_error"].tolist() == [False] * 6 + [True, True]
    assert t.loc[[6, 7], ["wait_min", "service_min"]].isna().all().all()  # both durations dropped


def test_wait_summary(b1):
    s = wait_summary(b1)
    assert (s.tickets, s.waits, s.walk_aways, s.clock_errors) == (8, 5, 1, 2)
    assert s.median_wait == 10.0
    assert s.mean_wait == 13.0  # 65 / 5
    assert s.p90_wait == pytest.approx(26.0)  # position 0.9·4 = 3.6: 20 + 0.6·(30−20)
    assert s.share_over == 0.4  # 20 and 30 of five waits
    assert s.walk_away_rate == 0.125  # 1 of 8 issued
    assert wait_summary(b1, threshold_min=25).share_over == 0.2


def test_wait_summary_empty(empty):
    s = wait_summary(empty)
    assert s.tickets == 0 and math.isnan(s.median_wait) and math.isnan(s.walk_away_rate)


def test_wait_distribution(b1, empty):
    d = wait_distribution(b1)
    assert d["bin"].tolist() == ["0–5", "5–10", "10–15", "15–20", "20–30", "30–45", "45–60", "60+"]
    # 0 and 5 fall in 0–5 (first bin includes 0, bins right-closed), 10 in 5–10, 20 in 15–20, 30 in 20–30
    assert d["count"].tolist() == [2, 1, 0, 1, 1, 0, 0, 0]
    assert d["share"].tolist() == pytest.approx([0.4, 0.2, 0, 0.2, 0.2, 0, 0, 0])
    assert d["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    # share over 15 = bins above 15, as in wait_summary
    assert d.loc[d["lower"] >= 15, "share"].sum() == pytest.approx(wait_summary(b1).share_over)
    e = wait_distribution(empty, edges=(0, 10))
    assert e["count"].tolist() == [0, 0] and e["share"].isna().all()
    with pytest.raises(ValueError):
        wait_distribution(b1, edges=(0, 10, 5))


def test_lunchtime_ratio(b1):
    lunch = lunchtime_ratio(b1)
    # lunch waits 30, 10 → 20; others 5, 20, 0 → 5
    assert (lunch.lunch_median_wait, lunch.other_median_wait, lunch.ratio) == (20.0, 5.0, 4.0)
    assert (lunch.lunch_waits, lunch.other_waits) == (2, 3)
    # a window from 12:10 catches only T5 (wait 10); the rest 5, 20, 30, 0 → median 12.5
    late = lunchtime_ratio(b1, window=("12:10", "13:00"))
    assert (late.lunch_median_wait, late.other_median_wait) == (10.0, 12.5)


def test_lunchtime_ratio_no_lunch_tickets():
    lunch = lunchtime_ratio(tickets_frame(B2))
    assert math.isnan(lunch.lunch_median_wait) and math.isnan(lunch.ratio)


def test_weekday_hour_heatmap(b1):
    h = weekday_hour_heatmap(b1, lang="zh")
    mon9 = h[(h["weekday"] == 0) & (h["hour"] == 9)].iloc[0]
    assert mon9["weekday_label"] == "周一"
    assert (mon9["tickets"], mon9["waits"], mon9["wait"]) == (3, 2, 12.5)  # waits 5 and 20
    assert mon9["tickets_per_day"] == 3.0  # one Monday observed
    assert h[["weekday", "hour"]].values.tolist() == [[0, 9], [0, 12], [1, 14], [1, 15], [1, 16]]
    tue15 = h[(h["weekday"] == 1) & (h["hour"] == 15)].iloc[0]
    assert tue15["tickets"] == 1 and tue15["waits"] == 0 and math.isnan(tue15["wait"])
    mean = weekday_hour_heatmap(b1, stat="mean")
    assert mean.loc[(mean["weekday"] == 0) & (mean["hour"] == 12), "wait"].item() == 20.0
    assert mean["weekday_label"].iloc[0] == "Mon"


def test_heatmap_empty(empty):
    h = weekday_hour_heatmap(empty)
    assert h.empty and list(h.columns) == [
        "weekday",
        "weekday_label",
        "hour",
        "tickets",
        "tickets_per_day",
        "waits",
        "wait",
    ]


# Counter requirement: hour 9 on Monday (4 tickets, S1 and S2 calling) and Tuesday (2 tickets, S1),
# all 15-minute services; hour 12 on Monday only, 2 tickets of 30 minutes served by S3.
COUNTERS = [
    ("C1", "B1", MON, "09:00", "09:01", "09:16", "S1"),
    ("C2", "B1", MON, "09:10", "09:11", "09:26", "S2"),
    ("C3", "B1", MON, "09:20", "09:21", "09:36", "S1"),
    ("C4", "B1", MON, "09:30", "09:31", "09:46", "S2"),
    ("C5", "B1", TUE, "09:00", "09:02", "09:17", "S1"),
    ("C6", "B1", TUE, "09:30", "09:32", "09:47", "S1"),
    ("C7", "B1", MON, "12:00", "12:00", "12:30", "S3"),
    ("C8", "B1", MON, "12:05", "12:30", "13:00", "S3"),
]


def test_counter_requirement():
    r = counter_requirement(tickets_frame(COUNTERS), target_wait_min=10, target_share=0.8)
    assert r["hour"].tolist() == [9, 12]
    h9, h12 = r.iloc[0], r.iloc[1]
    # hour 9: 6 tickets over 2 days → λ = 3/h; μ = 4/h (15 min).  c=1: 1 − 0.75·e^{−1/6} = 0.365;
    # c=2: C = 2ρ²/(1+ρ) with ρ = 0.375 → 0.2045, SL = 1 − 0.2045·e^{−5/6} = 0.911 → 2 counters.
    assert (h9["days"], h9["tickets"], h9["arrivals_per_hour"], h9["mean_service_min"]) == (
        2,
        6,
        3.0,
        15.0,
    )
    assert h9["counters_needed"] == 2
    assert h9["counters_open"] == 1.5  # Monday S1+S2, Tuesday S1
    assert h9["gap"] == 0.5
    # hour 12: λ = 2/2 = 1/h, μ = 2/h. c=1: 1 − 0.5·e^{−1/6} = 0.577; c=2: 1 − 0.1·e^{−1/2} = 0.939 → 2
    assert (h12["arrivals_per_hour"], h12["mean_service_min"], h12["counters_needed"]) == (
        1.0,
        30.0,
        2,
    )
    assert h12["counters_open"] == 0.5 and h12["gap"] == 1.5
    # a looser target: 50 % served within 10 min → hour 12 needs 1 counter (0.577 ≥ 0.5)
    loose = counter_requirement(tickets_frame(COUNTERS), target_share=0.5)
    assert loose["counters_needed"].tolist() == [2, 1]


def test_counter_requirement_by_day_type():
    rows = [*COUNTERS, ("C9", "B1", SAT, "09:00", "09:00", "09:15", "S1")]
    r = counter_requirement(tickets_frame(rows), by_day_type=True)
    assert r[["day_type", "hour"]].values.tolist() == [
        ["weekday", 9],
        ["weekday", 12],
        ["weekend", 9],
    ]
    weekday9 = r.iloc[0]
    assert (weekday9["days"], weekday9["arrivals_per_hour"], weekday9["counters_needed"]) == (
        2,
        3.0,
        2,
    )
    # Saturday: λ = 1, μ = 4; c=1: 1 − 0.25·e^{−3/6} = 0.848 ≥ 0.8 → 1 counter, 1 open
    sat = r.iloc[2]
    assert (sat["days"], sat["counters_needed"], sat["counters_open"], sat["gap"]) == (
        1,
        1,
        1.0,
        0.0,
    )


def test_counter_requirement_without_service_times_and_empty(empty):
    no_service = tickets_frame([("X1", "B1", MON, "09:00", None, None, None)])
    r = counter_requirement(no_service)
    assert r["counters_needed"].isna().all() and r["counters_open"].tolist() == [0.0]
    e = counter_requirement(empty)
    assert e.empty and "gap" in e.columns and "day_type" not in e.columns


def test_lobby_kpis_all_branches(b1):
    k = lobby_kpis(tickets_frame(B1 + B2))
    assert k.index.tolist() == ["B1", "B2"] and k.index.name == "branch_id"
    one = k.loc["B1"]
    assert (one["tickets"], one["median_wait"], one["share_over_15"], one["lunch_ratio"]) == (
        8,
        10.0,
        0.4,
        4.0,
    )
    assert one["p90_wait"] == pytest.approx(26.0) and one["walk_away_rate"] == 0.125
    two = k.loc["B2"]
    assert (two["median_wait"], two["share_over_15"]) == (3.0, 0.0)
    assert two["p90_wait"] == pytest.approx(3.8)  # 2 + 0.9·2
    assert two["walk_away_rate"] == pytest.approx(1 / 3)
    assert math.isnan(two["lunch_median_wait"]) and math.isnan(two["lunch_ratio"])
    # the grouped figures agree with the single-branch functions
    s = wait_summary(b1)
    assert (one["mean_wait"], one["median_wait"]) == (s.mean_wait, s.median_wait)
    assert "share_over_10" in lobby_kpis(b1, threshold_min=10).columns


def test_lobby_kpis_empty(empty):
    k = lobby_kpis(empty)
    assert k.empty and k.index.name == "branch_id"
    assert list(k.columns) == [
        "tickets",
        "walk_away_rate",
        "median_wait",
        "p90_wait",
        "mean_wait",
        "share_over_15",
        "lunch_median_wait",
        "other_median_wait",
        "lunch_ratio",
    ]


def test_counter_requirement_walkaways_and_hours_without_arrivals():
    rows = [
        ("W1", "B1", MON, "09:50", "10:05", "10:20", "S1"),  # issued at 9, served at 10
        ("W2", "B1", MON, "09:20", None, None, None),  # walk-away: still demand at 9
    ]
    r = counter_requirement(tickets_frame(rows)).set_index("hour")
    # hour 9: λ = 2, μ = 4 (15 min). c=1: 1 − 0.5·e^{−2/6} = 0.64; c=2: 1 − 0.1·e^{−1} = 0.96 → 2
    assert r.loc[9, ["tickets", "counters_needed", "counters_open", "gap"]].tolist() == [
        2,
        2,
        0.0,
        2.0,
    ]
    # hour 10: nobody issued a ticket, S1 served → surplus of one counter
    assert r.loc[10, ["tickets", "counters_needed", "counters_open", "gap"]].tolist() == [
        0,
        0,
        1.0,
        -1.0,
    ]
    assert r.loc[10, "mean_service_min"] == 15.0  # borrowed from the overall mean
