"""The branch diagnostic report: every section as display objects, in zh and en, pseudonymised lists."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import Markdown

from branch_consult import reports
from branch_consult.data import open_dataset
from branch_consult.data.generator import write_sample_bank
from branch_consult.display import Callout, Figure, Finding, Scorecard, Table
from branch_consult.reports import labels
from branch_consult.results import DiagnosticSettings, bank_context, diagnose

DISPLAY = (Table, Figure, Finding, Scorecard, Callout)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    out = tmp_path_factory.mktemp("diag_bank")
    planted = write_sample_bank(
        out, branches=12, seed=7, customers_per_branch=60, ticket_days=14, transaction_days=42
    )
    ds = open_dataset(out)
    return out, planted, ds, bank_context(ds)


@pytest.fixture(scope="module")
def diagnoses(bank):
    """(branch, lang) → BranchDiagnostic for the branches with planted patterns and the healthy one."""
    _, planted, ds, ctx = bank
    branches = {
        planted.unowned_top.branch_id,
        planted.lunch_queue.branch_id,
        planted.healthy_branch,
        planted.underperformer.branch_id,
    }
    results = {b: diagnose(ds, DiagnosticSettings(branch_id=b), bank=ctx) for b in branches}
    return {
        (b, lang): reports.word_report(results[b], lang) for b in branches for lang in ("zh", "en")
    }


def _as(d, pseudonymise: bool):
    """The same diagnostic worded again, pseudonymised or not."""
    return reports.word_report(d.result, d.lang, pseudonymise=pseudonymise, start_on=d.delivered_on)


def _with_tables(d, **tables):
    """The report of a diagnostic whose tables are replaced (to test a section on chosen rows)."""
    result = dataclasses.replace(d.result, tables=dataclasses.replace(d.tables, **tables))
    return reports.word_report(result, d.lang, start_on=d.delivered_on)


def _texts(obj) -> list[str]:
    """Every piece of text a reader sees in a display object's payload."""
    p = obj.payload()
    if p["kind"] == "table":
        return [
            p["caption"],
            p.get("note") or "",
            p.get("source") or "",
            *(c["label"] for c in p["columns"]),
            *(str(v) for row in p["rows"] for v in row if isinstance(v, str)),
        ]
    if p["kind"] == "finding":
        return [p["title"], p["evidence"], p["action"], p.get("subject") or ""]
    if p["kind"] == "callout":
        return [p.get("title") or "", p["text"]]
    if p["kind"] == "scorecard":
        return [
            p["caption"],
            *(t["label"] for t in p["tiles"]),
            *((t.get("note") or "") for t in p["tiles"]),
        ]
    return [p["caption"], p.get("source") or ""]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_is_heading_then_display_objects(diagnoses, bank, lang):
    planted = bank[1]
    d = diagnoses[(planted.unowned_top.branch_id, lang)]
    for name, section in reports.SECTIONS.items():
        objs = section(d)
        assert isinstance(objs[0], Markdown) and objs[0].data == labels.heading(name, lang), name
        assert len(objs) >= 2, name
        for obj in objs[1:]:
            assert isinstance(obj, (Markdown, *DISPLAY)), (name, type(obj))
            if isinstance(obj, DISPLAY):
                json.dumps(obj.payload(), allow_nan=False)  # NaN never reaches a deliverable
                assert not any(re.search(r"\bnan\b", t, re.I) for t in _texts(obj)), (
                    name,
                    _texts(obj),
                )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_holds_only_fixed_wording(diagnoses, bank, lang):
    planted = bank[1]
    for (branch_id, lg), d in diagnoses.items():
        if lg != lang:
            continue
        fixed = set(labels.HEADINGS[lang].values()) | {labels.text("intro", lang)}
        for obj in [*reports.introduction(d), *reports.full_report(d)]:
            if isinstance(obj, Markdown):
                assert obj.data in fixed
                assert d.branch["name"] not in obj.data and branch_id not in obj.data
    assert planted.healthy_branch


def test_english_report_has_no_chinese_fixed_wording(diagnoses, bank):
    d = diagnoses[(bank[1].lunch_queue.branch_id, "en")]
    for obj in reports.full_report(d):
        if isinstance(obj, Table):
            p = obj.payload()
            for text in [
                p["caption"],
                p.get("note") or "",
                p.get("source") or "",
                *(c["label"] for c in p["columns"]),
            ]:
                assert not CJK.search(text), text
        elif isinstance(obj, Figure):
            assert not CJK.search(obj.caption), obj.caption
            layout = obj.figure.get("layout", {})
            for axis in ("xaxis", "yaxis"):
                title = ((layout.get(axis) or {}).get("title") or {}).get("text") or ""
                assert not CJK.search(title), title


def test_summary_lists_at_most_five_findings_most_severe_first(diagnoses, bank):
    d = diagnoses[(bank[1].unowned_top.branch_id, "zh")]
    objs = reports.executive_summary(d)
    findings = [o for o in objs if isinstance(o, Finding)]
    assert 1 <= len(findings) <= 5
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    assert [order[f.severity] for f in findings] == sorted(order[f.severity] for f in findings)
    assert any(
        f.subject == "客户分层" for f in findings
    )  # the planted unclaimed top-tier customers
    card = next(o for o in objs if isinstance(o, Scorecard))
    assert card.tiles and {t.status for t in card.tiles} <= {"red", "amber", "green", "none"}
    assert card.tiles[0].label == "存款余额" and card.tiles[0].format == "wan"


def test_scorecard_table_and_percentiles_read_higher_is_better(diagnoses, bank):
    d = diagnoses[(bank[1].lunch_queue.branch_id, "en")]
    table = next(o for o in reports.scorecard_section(d) if isinstance(o, Table))
    assert [c.label for c in table.columns] == [
        "KPI",
        "Branch",
        "Peer median",
        "Peer quartiles",
        "Rank*",
        "Status",
    ]
    rows = {r[0]: r for r in table.rows}
    card = d.scorecard.set_index("label_en")
    for label, row in rows.items():
        raw = card.at[label, "percentile"]
        expect = raw if card.at[label, "higher_is_better"] else 100 - raw
        assert row[4] == pytest.approx(expect)
    highlighted = {table.rows[i][0] for i in table.highlight_rows}
    assert highlighted == set(card.index[card["status"] == "red"])


def test_unattended_list_is_pseudonymised_by_default(diagnoses, bank):
    planted = bank[1]
    d = diagnoses[(planted.unowned_top.branch_id, "zh")]
    planted_ids = set(planted.unowned_top.customer_ids)
    caption = labels.text("unatt_caption", "zh")

    def unattended(pseudonymise):
        return next(
            o
            for o in reports.tiers_section(_as(d, pseudonymise))
            if isinstance(o, Table) and o.caption == caption
        )

    hidden = unattended(True)
    shown = unattended(False)
    hidden_cells = {str(v) for row in hidden.rows for v in row}
    assert not planted_ids & hidden_cells
    assert planted_ids & {str(r[0]) for r in shown.rows}
    assert all(str(r[0]).startswith("客户-") for r in hidden.rows)
    assert "化名" in (hidden.note or "")
    # the same customer gets the same token in every table of the report
    token = d.people.token(shown.rows[0][0], "customer")
    assert hidden.rows[0][0] == token
    assert reports.tiers_section(d)[-1].rows[0][0] == token


def test_no_customer_or_staff_identity_leaks_when_pseudonymised(diagnoses, bank):
    _, planted, ds, _ = bank
    for branch_id in (planted.underperformer.branch_id, planted.unowned_top.branch_id):
        d = diagnoses[(branch_id, "en")]
        customers = ds.table("customers", branch_id)
        staff = ds.table("staff", branch_id)
        secrets = (
            set(customers["customer_id"].astype(str))
            | set(staff["staff_id"].astype(str))
            | {n for n in staff["name"].astype(str) if len(n) >= 2}
        )
        text = " ".join(
            t for obj in reports.full_report(d) if isinstance(obj, DISPLAY) for t in _texts(obj)
        )
        leaked = {s for s in secrets if s in text}
        assert not leaked, leaked


def test_staff_names_in_findings_are_replaced_by_tokens(diagnoses, bank):
    planted = bank[1]
    d = diagnoses[(planted.underperformer.branch_id, "zh")]
    ids = d.result.metrics.get("breach_staff_ids")
    if not ids:
        pytest.skip("the diagnostic reports no policy breach for this small bank")
    name = d.result.staff_names[ids[0]]
    plain = " ".join(
        f.evidence for f in reports.executive_summary(_as(d, False)) if isinstance(f, Finding)
    )
    hidden = " ".join(f.evidence for f in reports.executive_summary(d) if isinstance(f, Finding))
    assert name in plain and name not in hidden and "员工-" in hidden


def test_action_plan_owner_roles_and_due_dates(diagnoses, bank):
    d = diagnoses[(bank[1].unowned_top.branch_id, "zh")]
    table = next(o for o in reports.action_plan(d) if isinstance(o, Table))
    column_labels = [c.label for c in table.columns]
    assert column_labels == ["优先级", "专题", "行动", "责任岗位", "完成期限", "跟踪指标"]
    assert len(table.rows) == len(d.findings)
    roles = set(labels.ROLE_LABELS["zh"].values())
    start = pd.Timestamp(d.delivered_on)
    by_action = {f.action: f for f in d.findings}
    for row in table.rows:
        assert row[3] in roles
        finding = by_action[row[2]]
        assert row[4] == (start + pd.Timedelta(days=finding.due_days)).strftime("%Y-%m-%d")


def test_sections_carry_expected_charts(diagnoses, bank):
    d = diagnoses[(bank[1].lunch_queue.branch_id, "zh")]
    captions = {o.caption for o in reports.full_report(d) if isinstance(o, Figure)}
    for key in (
        "dep_trend_caption",
        "tier_dist_chart",
        "claim_chart",
        "xs_pen_caption",
        "ch_age_caption",
        "lb_dist_caption",
        "lb_heat_caption",
        "lb_counter_caption",
        "rf_funnel_caption",
        "tg_progress_caption",
        "sc_pct_caption",
    ):
        assert labels.text(key, "zh") in captions, key
    trend = next(o for o in reports.deposits_section(d) if isinstance(o, Figure))
    assert trend.source == labels.source("daily", "zh")
    assert trend.figure["layout"]["shapes"], "peak season is shaded"
    assert "万元" in trend.figure["layout"]["yaxis"]["title"]["text"]


def test_customer_lists_are_cut_pseudonymised_and_labelled(diagnoses, bank):
    """The shared customer-list helper behind the watch, unattended and lead lists."""
    d = diagnoses[(bank[1].lunch_queue.branch_id, "en")]
    watch = pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(25)],
            "owner_staff_id": [None, *(["S01"] * 24)],
            "start_balance": [1e6] * 25,
            "current_balance": [5e5] * 25,
            "drop": [5e5] * 25,
            "drop_share": [0.5] * 25,
            "main_channel": ["mobile"] * 25,
            "outflow_txns": [3] * 25,
        }
    )
    with_list = _with_tables(d, watchlist=watch)
    table = next(
        o
        for o in reports.deposits_section(with_list)
        if isinstance(o, Table) and o.caption == labels.text("dep_watch_caption", "en")
    )
    rows = table.payload()["rows"]
    assert len(rows) == 20
    assert rows[0][0] == with_list.people.token("C000", "customer")
    assert rows[0][1] is None and rows[1][1].startswith("Staff-")
    channel = [c["label"] for c in table.payload()["columns"]].index(
        labels.text("col_channel", "en")
    )
    assert rows[0][channel] == labels.CHANNEL_LABELS["en"]["mobile"]
    assert "25 in all" in table.note and labels.text("pseudo_note", "en") in table.note
    named = next(
        o
        for o in reports.deposits_section(_as(with_list, False))
        if isinstance(o, Table) and o.caption == labels.text("dep_watch_caption", "en")
    )
    assert named.payload()["rows"][0][0] == "C000" and named.note == labels.text(
        "list_note", "en", n=25, k=20
    )
    empty = _with_tables(d, watchlist=None)
    assert any(
        isinstance(o, Callout) and o.text == labels.text("dep_watch_none", "en")
        for o in reports.deposits_section(empty)
    )


def test_peer_rule_names():
    assert reports.peer_rule("all").same_area_type is False
    assert reports.peer_rule("region").same_region is True
    assert reports.peer_rule("area_type+size").size_kpi == "deposits"
    with pytest.raises(ValueError, match="area_type\\+size"):
        reports.peer_rule("size")


@pytest.mark.slow
def test_playbook_runs_with_papermill(bank, tmp_path):
    from branch_consult.run import run_playbook

    data, planted, _, _ = bank
    result = run_playbook(
        "branch_diagnostic",
        data=data,
        out_dir=tmp_path,
        params={"branch_id": planted.lunch_queue.branch_id},
        lang="en",
    )
    assert set(result.outputs) == {"docx", "html"}
    assert all(Path(p).stat().st_size > 10_000 for p in result.outputs.values())
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "Executive summary" in html and "Action plan" in html
    assert "Traceback" not in html


@pytest.mark.slow
def test_consultant_rules_file_is_used_and_relative_paths_work(tmp_path, monkeypatch):
    """A consultant's own rules (here: lunchtime waits never alarm) change the report."""
    from branch_consult.findings.engine import DEFAULT_RULES
    from branch_consult.run import run_playbook

    rules = (
        DEFAULT_RULES.read_text(encoding="utf-8")
        .replace(
            '{op: ">=", value: 2.0, severity: high}', '{op: ">=", value: 99.0, severity: high}'
        )
        .replace(
            '{op: ">=", value: 1.5, severity: medium}', '{op: ">=", value: 99.0, severity: medium}'
        )
    )
    (tmp_path / "my_rules.yaml").write_text(rules, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_playbook(
        "branch_diagnostic",
        out_dir=tmp_path / "out",
        lang="en",
        formats=["html"],
        params={"branch_id": "B003", "rules": "my_rules.yaml"},
    )
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "Lunchtime waits are far longer" not in html
    assert result.parameters["rules"] == str(tmp_path / "my_rules.yaml")


def _named_staff(d, breach_name: str, others: str):
    """The diagnostic's result with the kept under-performer named `breach_name`, every other staff `others`,
    and the long-waits rule firing too (its action says 高峰时段增开柜台 / "open extra counters at peaks")."""
    from branch_consult.findings import evaluate

    result = d.result
    breach_id = result.metrics["breach_staff_ids"][0]
    names = {sid: (breach_name if sid == breach_id else others) for sid in result.staff_names}
    metrics = {**result.metrics, "share_over_15": 0.4, "share_over_15_vs_peers": 2.0}
    return dataclasses.replace(
        result, staff_names=names, metrics=metrics, findings=evaluate(metrics)
    )


@pytest.mark.parametrize(("lang", "name"), [("zh", "高峰"), ("en", "a")])
def test_names_that_are_common_words_leave_the_finding_text_intact(diagnoses, bank, lang, name):
    """Pseudonyms replace the *values* findings are worded from, never substrings of the finished text."""
    from branch_consult.findings import load_rules

    d = diagnoses[(bank[1].underperformer.branch_id, lang)]
    if not d.result.metrics.get("breach_staff_ids"):
        pytest.skip("the diagnostic reports no policy breach for this small bank")
    result = _named_staff(d, name, others=name)
    rules = {r.id: r for r in load_rules()}
    hidden = reports.word_report(result, lang)
    plain = reports.word_report(result, lang, pseudonymise=False)
    by_rule = {f.rule_id: f for f in hidden.findings}
    # actions name nobody: pseudonymised or not, their text is the same (nothing inside a word replaced)
    assert [f.action for f in hidden.findings] == [f.action for f in plain.findings]
    assert [f.title for f in hidden.findings] == [f.title for f in plain.findings]
    assert by_rule["long_waits"].action == rules["long_waits"].action.get(lang)
    if lang == "zh":
        assert "高峰时段增开柜台" in by_rule["long_waits"].action
    assert by_rule["underperformer_kept"].evidence.startswith("员工-" if lang == "zh" else "Staff-")
    assert not any(f"{name}-" in f.evidence or "StStaff" in f.evidence for f in hidden.findings)
    plain_kept = next(f for f in plain.findings if f.rule_id == "underperformer_kept")
    # Chinese sets no space between a name and the words after it
    assert plain_kept.evidence.startswith(name + ("已连续" if lang == "zh" else " "))
    # the shown summary cards carry the same, intact text
    cards = [o for o in reports.executive_summary(hidden) if isinstance(o, Finding)]
    assert any(c.action == rules["long_waits"].action.get(lang) for c in cards)


def test_one_result_words_both_languages_with_the_same_tokens(diagnoses, bank):
    """Customer-11BB94 in en is 客户-11BB94 in zh: one computed result, two readers."""
    zh = diagnoses[(bank[1].unowned_top.branch_id, "zh")]
    en = diagnoses[(bank[1].unowned_top.branch_id, "en")]
    assert zh.result is en.result  # computed once
    caption = {lang: labels.text("unatt_caption", lang) for lang in ("zh", "en")}
    rows = {
        r.lang: next(
            o
            for o in reports.tiers_section(r)
            if isinstance(o, Table) and o.caption == caption[r.lang]
        ).rows
        for r in (zh, en)
    }
    assert [str(r[0]).split("-")[1] for r in rows["zh"]] == [
        str(r[0]).split("-")[1] for r in rows["en"]
    ]
    assert str(rows["zh"][0][0]).startswith("客户-") and str(rows["en"][0][0]).startswith(
        "Customer-"
    )


def test_action_plan_counts_from_the_delivery_date(diagnoses, bank):
    d = diagnoses[(bank[1].unowned_top.branch_id, "en")]
    later = reports.word_report(d.result, "en", start_on="2027-01-15")
    table = next(o for o in reports.action_plan(later) if isinstance(o, Table))
    due = [row[4] for row in table.rows]
    expected = [
        (pd.Timestamp("2027-01-15") + pd.Timedelta(days=f.due_days)).strftime("%Y-%m-%d")
        for f in sorted(
            later.findings,
            key=lambda f: (["high", "medium", "low", "info"].index(f.severity), f.due_days),
        )
    ]
    assert due == expected and "2027-01-15" in table.caption
    intro = " ".join(o.text for o in reports.introduction(later) if isinstance(o, Callout))
    assert f"Period: {d.month} (compared with {d.comparison_month}); delivered: 2027-01-15" in intro
    with pytest.raises(ValueError, match="start_on must be a date"):
        reports.word_report(d.result, "en", start_on="15/01/2027")
