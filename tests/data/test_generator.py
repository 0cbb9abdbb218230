"""The synthetic bank: contract shape, integrity, determinism, and every planted pattern
found again with plain pandas (and absent from the healthy branch)."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest

from branch_consult.data.contract import TABLES
from branch_consult.data.generator import Planted, write_messy_extract, write_sample_bank
from branch_consult.data.generator.bank import GENERATED

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data_samples" / "bank"


def read(folder: Path, name: str) -> pd.DataFrame:
    csv = folder / f"{name}.csv"
    if csv.exists():
        return pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame = pd.read_parquet(folder / f"{name}.parquet")
    # read like the CSVs: empty text instead of None, dates as timestamps
    for col in TABLES[name].columns:
        if col.kind in ("id", "text", "month"):
            frame[col.name] = frame[col.name].fillna("")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name])
    return frame


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted]:
    out = tmp_path_factory.mktemp("bank")
    planted = write_sample_bank(out, 12, 7, customers_per_branch=150)
    return out, planted


@pytest.fixture(scope="module")
def t(bank):
    folder, _ = bank
    cache: dict[str, pd.DataFrame] = {}

    def get(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = read(folder, name)
        return cache[name]

    return get


# ------------------------------------------------------------------ shape and integrity


def test_every_table_written_with_contract_columns(bank, t):
    folder, _ = bank
    for name in GENERATED:
        frame = t(name)
        assert list(frame.columns) == list(TABLES[name].names), name
        assert len(frame) > 0, name
    assert not (folder / "quiz_responses.csv").exists()
    mixed = {p.name for p in folder.iterdir()}
    assert "branches.csv" in mixed and "holdings.parquet" in mixed and "planted.json" in mixed


def test_allowed_values_and_formats(t):
    for name in GENERATED:
        frame = t(name)
        for col in TABLES[name].columns:
            values = frame[col.name]
            present = values[values.notna() & (values.astype(str) != "")]
            if not col.nullable:
                assert len(present) == len(values), f"{name}.{col.name} has empty cells"
            if col.allowed:
                assert set(present.astype(str)) <= set(col.allowed), f"{name}.{col.name}"
    assert t("customers")["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert t("staff")["staff_id"].str.fullmatch(r"S\d{5}").all()
    assert t("branches")["branch_id"].str.fullmatch(r"B\d{3}").all()
    assert t("holdings")["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert t("staff")["hired_on"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(t("campaign_results")["converted"]) == {"true", "false"}


def test_keys_unique_references_resolve_balances_positive(t):
    for name in GENERATED:
        frame = t(name)
        assert not frame.duplicated(list(TABLES[name].key)).any(), name
    keys = {
        "branches.branch_id": set(t("branches")["branch_id"]),
        "staff.staff_id": set(t("staff")["staff_id"]),
        "customers.customer_id": set(t("customers")["customer_id"]),
    }
    for name in GENERATED:
        frame = t(name)
        for col in TABLES[name].columns:
            if col.references:
                values = frame[col.name]
                values = values[values.notna() & (values.astype(str) != "")]
                assert set(values) <= keys[col.references], f"{name}.{col.name}"
    assert (t("holdings")["balance"] > 0).all()
    assert (t("branch_daily")["deposits"] >= 0).all()
    assert (t("transactions")["amount"] > 0).all()


def test_validates_through_the_loader(bank):
    from branch_consult.data import open_dataset

    report = open_dataset(bank[0]).validate()
    assert report.ok and not report.problems, report.text()


def test_branch_daily_month_ends_match_holdings(t):
    h = t("holdings").merge(t("customers")[["customer_id", "branch_id"]])
    dep = (
        h[h["product"].isin(["deposit_demand", "deposit_time"])]
        .groupby(["branch_id", "month"])["balance"]
        .sum()
    )
    daily = t("branch_daily")
    daily = (
        daily.assign(month=daily["date"].dt.strftime("%Y-%m"))
        .sort_values("date")
        .groupby(["branch_id", "month"])["deposits"]
        .last()
    )
    assert (daily - dep).abs().max() < 1.0


def test_distributions_are_believable(t):
    h = t("holdings")
    last = h[(h["month"] == h["month"].max()) & (h["product"] != "credit_card")]
    aum = last.groupby("customer_id")["balance"].sum()
    assert aum.median() < aum.mean() / 2  # fat right tail
    assert 0.01 < (aum >= 1e6).mean() < 0.06
    wealth = set(last.loc[last["product"] == "wealth", "customer_id"])
    rich, poor = aum[aum >= 1e6].index, aum[aum < 5e4].index
    assert rich.isin(list(wealth)).mean() > 3 * poor.isin(list(wealth)).mean()
    # Q1 peak season: deposits grow faster January-March than the rest of the year
    d = t("branch_daily").groupby("date")["deposits"].sum()
    q1 = d["2026-03-31"] / d["2025-12-31"] - 1
    rest = d["2026-10-31"] / d["2026-06-30"] - 1
    assert q1 > 0.06 and q1 > 3 * abs(rest)
    # mobile banking adoption falls with age
    c = t("customers")
    mobile = c["mobile_banking"].astype(str).str.lower() == "true"
    age = 2026 - c["birth_year"].astype(int)
    assert mobile[age < 35].mean() > mobile[age >= 60].mean() + 0.3
    # role mix: one head per branch, at least two tellers
    roles = t("staff").groupby("branch_id")["role"].value_counts().unstack(fill_value=0)
    assert (roles["branch_head"] == 1).all() and (roles["teller"] >= 2).all()
    # lobby: Mondays busier than Wednesdays; wealth service takes longer than cash
    q = t("queue_tickets")
    dow = q["issued_at"].dt.day_of_week.value_counts()
    assert dow[0] > dow[2] and dow[4] > dow[6]
    served = q.dropna(subset=["finished_at"])
    minutes = (served["finished_at"] - served["called_at"]).dt.total_seconds() / 60
    by_service = minutes.groupby(served["service"]).median()
    assert by_service["wealth"] > 3 * by_service["cash"]


def test_names_are_chinese(t):
    assert t("branches")["name"].str.endswith("支行").all()
    assert t("staff")["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()
    assert t("role_profiles").groupby("role").size().between(5, 7).all()
    assert set(t("role_profiles")["role"]) == set(TABLES["staff"].column("role").allowed)


def test_deterministic(bank, tmp_path):
    """Same seed, same bank, whatever the chunking (Parquet row groups differ, contents do not)."""
    folder, planted = bank
    again = tmp_path / "again"
    write_sample_bank(again, 12, 7, customers_per_branch=150, chunk_customers=300)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        if not name.endswith(".parquet"):
            assert filecmp.cmp(folder / name, again / name, shallow=False), name
    for name in GENERATED:
        pd.testing.assert_frame_equal(read(folder, name), read(again, name))
    other = tmp_path / "other"
    write_sample_bank(other, 12, 8, customers_per_branch=30, ticket_days=2, transaction_days=40)
    assert not filecmp.cmp(folder / "staff.csv", other / "staff.csv", shallow=False)


def test_committed_sample_has_not_drifted(tmp_path):
    if not COMMITTED.exists():
        pytest.skip("data_samples/bank not generated yet")
    fresh = tmp_path / "fresh"
    write_sample_bank(fresh, 12, 7)
    for name in ("branches.csv", "staff.csv", "targets.csv", "staff_events.csv", "planted.json"):
        assert (COMMITTED / name).read_bytes() == (fresh / name).read_bytes(), name
    for name in ("customers", "holdings"):
        pd.testing.assert_frame_equal(read(COMMITTED, name), read(fresh, name))


# ------------------------------------------------------------------ planted patterns


def _tier_share_uncovered(t) -> pd.Series:
    h = t("holdings")
    last = h[(h["month"] == h["month"].max()) & (h["product"] != "credit_card")]
    aum = last.groupby("customer_id")["balance"].sum()
    c = t("customers").set_index("customer_id")
    top = c.loc[aum[aum >= 1e6].index]
    contact = pd.to_datetime(top["last_contact_on"])
    stale = contact.isna() | (contact < pd.Timestamp("2026-10-31") - pd.Timedelta(days=90))
    uncovered = (top["owner_staff_id"] == "") | stale
    return uncovered.groupby(top["branch_id"]).mean()


def test_pattern_unowned_top_tier(bank, t):
    _, planted = bank
    share = _tier_share_uncovered(t)
    target = planted.unowned_top.branch_id
    assert share[target] >= 0.4
    assert share.drop(target).max() <= 0.1
    assert share[planted.healthy_branch] == 0


def test_pattern_lunch_queue(bank, t):
    _, planted = bank
    q = t("queue_tickets").dropna(subset=["called_at"])
    minutes = q["issued_at"].dt.hour * 60 + q["issued_at"].dt.minute
    lunch = q[(minutes >= 690) & (minutes < 810)]
    wait = (
        ((lunch["called_at"] - lunch["issued_at"]).dt.total_seconds() / 60)
        .groupby(lunch["branch_id"])
        .median()
    )
    target = planted.lunch_queue.branch_id
    peers = wait.drop(target)
    assert wait[target] >= 3 * peers.median()
    assert wait.drop(target).max() < wait[target] / 2
    # outside lunch the planted branch looks like everyone else
    rest = q[(minutes < 660) | (minutes >= 840)]
    rest_wait = (
        ((rest["called_at"] - rest["issued_at"]).dt.total_seconds() / 60)
        .groupby(rest["branch_id"])
        .median()
    )
    assert rest_wait[target] < 3 * rest_wait.drop(target).median() + 1


def test_pattern_outflow(bank, t):
    _, planted = bank
    h = t("holdings")
    h = h[h["product"] != "credit_card"]
    aum = h.pivot_table(
        index="customer_id", columns="month", values="balance", aggfunc="sum", fill_value=0
    )
    months = sorted(aum.columns)
    before, end = aum[months[-3]], aum[months[-1]]
    fell = aum[(before >= 1e6) & (end < 0.4 * before)].index.tolist()
    assert fell == [planted.outflow.customer_id]
    x = t("transactions")
    recent = x["ts"] >= pd.Timestamp("2026-10-31") - pd.Timedelta(days=45)
    out = x[(x["customer_id"] == fell[0]) & (x["kind"] == "transfer_out") & recent]
    assert len(out) >= 4
    span = (out["ts"].max() - out["ts"].min()).days
    assert 21 <= span <= 35
    assert out["channel"].isin(["mobile", "online"]).mean() >= 0.5
    assert abs(out["amount"].sum() - (before[fell[0]] - end[fell[0]])) < 0.05 * before[fell[0]]
    healthy = t("customers").query("branch_id == @planted.healthy_branch")["customer_id"]
    assert not set(fell) & set(healthy)


def _streaks(t, hit: bool) -> pd.Series:
    """Longest run of consecutive months missed (hit=False) or beaten (hit=True) on the main metric."""
    staff = t("staff").set_index("staff_id")
    main = {"personal_am": "deposits", "wealth_manager": "wealth_sales"}
    tg = t("targets")
    tg = tg[tg["level"] == "staff"].copy()
    tg["role"] = tg["id"].map(staff["role"])
    tg = tg[tg["metric"] == tg["role"].map(main)].sort_values(["id", "month"])
    ok = (
        tg["actual"].astype(float) > tg["target"].astype(float)
        if hit
        else tg["actual"].astype(float) < tg["target"].astype(float)
    )
    run = ok.groupby((~ok).cumsum().astype(str) + tg["id"]).cumsum()
    return run.groupby(tg["id"]).max()


def test_pattern_underperformer_kept(bank, t):
    _, planted = bank
    streak = _streaks(t, hit=False)
    long = streak[streak >= 7].index.tolist()
    assert long == [planted.underperformer.staff_id]
    assert streak.drop(long).max() <= 3  # everyone else was reviewed after three misses
    sid = long[0]
    staff = t("staff").set_index("staff_id")
    assert staff.at[sid, "left_on"] == ""
    ev = t("staff_events")
    after = ev[
        (ev["staff_id"] == sid)
        & ev["kind"].isin(["review", "transfer"])
        & (ev["date"] >= f"{planted.underperformer.review_due_month}-01")
    ]
    assert after.empty
    reviews = ev[ev["kind"] == "review"]
    assert len(reviews) > 5  # the policy fired for other people


def test_pattern_top_performer_resigns(bank, t):
    _, planted = bank
    case = planted.top_performer_lost
    ev = t("staff_events")
    staff = t("staff").set_index("staff_id")
    heads = staff[staff["role"] == "branch_head"]
    crit = ev[
        (ev["kind"] == "criticism") & (ev["public"] == "true") & ev["by_staff_id"].isin(heads.index)
    ]
    counts = crit.groupby("staff_id").size()
    victims = counts[counts >= 2].index.tolist()
    assert victims == [case.staff_id]
    sid = victims[0]
    assert heads.at[case.criticised_by, "branch_id"] == staff.at[sid, "branch_id"]
    resign = ev[(ev["staff_id"] == sid) & (ev["kind"] == "resignation")]
    assert len(resign) == 1 and resign["date"].iloc[0] > crit[crit["staff_id"] == sid]["date"].max()
    assert staff.at[sid, "left_on"] == case.left_on
    assert _streaks(t, hit=True)[sid] >= 9
    # the weak peer is in the same branch
    assert staff.at[planted.underperformer.staff_id, "branch_id"] == staff.at[sid, "branch_id"]


def test_pattern_campaign_uplift(bank, t):
    _, planted = bank
    cr = t("campaign_results")
    rate = (cr["converted"] == "true").groupby([cr["campaign_id"], cr["group"]]).mean().unstack()
    up = rate.loc[planted.campaigns.uplift]
    flat = rate.loc[planted.campaigns.no_uplift]
    assert up["treatment"] - up["control"] > 0.05
    assert up["treatment"] > 2 * up["control"]
    assert abs(flat["treatment"] - flat["control"]) < 0.025


def test_healthy_branch_carries_no_pattern(bank):
    _, planted = bank
    used = {
        planted.lunch_queue.branch_id,
        planted.unowned_top.branch_id,
        planted.outflow.branch_id,
        planted.underperformer.branch_id,
    }
    assert len(used) == 4 and planted.healthy_branch not in used


def test_planted_json_round_trips(bank):
    folder, planted = bank
    assert Planted.model_validate(json.loads((folder / "planted.json").read_text())) == planted


def test_small_banks_still_plant(tmp_path):
    planted = write_sample_bank(
        tmp_path, 3, 1, customers_per_branch=40, ticket_days=3, transaction_days=40
    )
    assert planted.branches == 3 and planted.outflow.customer_id.startswith("C")


# ------------------------------------------------------------------ messy extract


def test_messy_extract_loads_and_matches(bank, tmp_path):
    from branch_consult.data import open_dataset
    from branch_consult.data.contract import table as spec
    from branch_consult.data.parsing import coerce_frame, frame_from_cells, read_csv_cells

    folder, _ = bank
    written = write_messy_extract(tmp_path, folder, "B002")
    assert [p.name for p in written] == [
        "branch_extract_zh.xlsx",
        "customers_gbk.csv",
        "staff_utf8_bom.csv",
    ]
    book = open_dataset(written[0])
    report = book.validate()
    assert report.ok, report.text()
    h = book.table("holdings")
    bank_h = open_dataset(folder).table("holdings")
    merged = h.merge(bank_h, on=["customer_id", "month", "product"], suffixes=("", "_bank"))
    assert len(merged) == len(h) and (merged["balance"] - merged["balance_bank"]).abs().max() < 0.01
    staff = book.table("staff")
    assert staff["hired_on"].notna().all() and (staff["branch_id"] == "B002").all()
    tg = book.table("targets")
    assert tg["target"].max() > 1000  # thousands separators were read
    raw = (tmp_path / "customers_gbk.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (tmp_path / "staff_utf8_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for file, name in (("customers_gbk.csv", "customers"), ("staff_utf8_bom.csv", "staff")):
        frame, mult, problems = frame_from_cells(read_csv_cells(tmp_path / file), spec(name), file)
        typed, found = coerce_frame(frame, spec(name), mult, file)
        assert not problems and not found, found
        assert len(typed) == len(book.table(name))


def test_a_counter_serves_one_ticket_at_a_time(t):
    q = t("queue_tickets").dropna(subset=["called_at"]).sort_values(["staff_id", "called_at"])
    previous_end = q.groupby("staff_id")["finished_at"].shift()
    assert (q["called_at"] >= previous_end).where(previous_end.notna(), True).all()
    assert set(q["staff_id"]) <= set(t("staff").query("left_on == ''")["staff_id"])


def test_generation_is_all_or_nothing(tmp_path, monkeypatch):
    """An interrupted generation leaves neither a partial bank nor a staging folder behind."""
    from branch_consult.data.generator import bank as bank_mod

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(bank_mod, "_planted", boom)
    with pytest.raises(KeyboardInterrupt):
        write_sample_bank(tmp_path / "bank", branches=2, seed=3, customers_per_branch=20)
    assert list(tmp_path.iterdir()) == []


def test_no_duplicate_assessments_when_month3_falls_on_mid_year(tmp_path):
    """Seed 1 with 70 branches hires someone exactly 90 days before the mid-year review."""
    out = tmp_path / "b"
    write_sample_bank(out, branches=70, seed=1, customers_per_branch=10, fmt="parquet")
    a = pd.read_parquet(out / "assessments.parquet")
    assert not a.duplicated(["staff_id", "date", "competency"]).any()
