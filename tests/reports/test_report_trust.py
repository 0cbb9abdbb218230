"""What a branch head can trust in the diagnostic: numbers that agree, words without known bad forms,
and partial data that says what it cannot support (issue 10).

The fast tests word the sample bank's B003, B005 and B009 diagnostics (and the messy one-branch
workbook) in zh and en and read every text a reader sees in the display objects; one slow test
renders a real deliverable and greps its HTML.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from IPython.display import Markdown

from branch_consult import reports
from branch_consult.data import open_dataset
from branch_consult.display import Figure
from branch_consult.formats import format_value
from branch_consult.results import DiagnosticSettings, bank_context, diagnose

BRANCHES = ("B003", "B005", "B009")
MESSY = Path(__file__).resolve().parents[2] / "data_samples" / "messy" / "branch_extract_zh.xlsx"
CJK = "\u4e00-\u9fff"

#: forms a reader must never meet, per language (regex, why)
BAD_FORMS = {
    "en": [
        (r"\ba [aeiouAEIOU]\w", "a before a vowel"),
        (r"\w\((?:s|es)\)", "a plural left to the reader: branch(es), time(s)"),
        (r"wan yuan", "'wan yuan': the report states amounts in wan"),
        (r"\d yuan\b", "'yuan': the report's unit word is CNY"),
        (r"most are lost at [^()]*\(\d[\d.]*%\)", "a pass rate shown as if it were the loss"),
        (r"\b1 (?:customers|branches|findings|KPIs)\b", "plural after 1"),
        (r"\bOf 0 KPIs\b|\b0 peer branches\b", "a comparison with nothing"),
        (r"\(peers? (?:median )?–\)", "a peer median that does not exist"),
        (r"\s[.,;]", "a space before punctuation"),
    ],
    "zh": [
        (rf"[{CJK}] +[\d¥+\-]|[\d%] +[{CJK}]", "a space between Chinese and a number"),
        (r"同类(?:网点)?(?:中位)?(?:为)?–", "a peer median that does not exist"),
        (r"对标0项|0家同类网点", "a comparison with nothing"),
        (
            r"\d[\d,.]*万元(?!以上)",
            "the unit word of amounts is 万 (万元 only in thresholds: 20万元以上)",
        ),
    ],
}


def _texts(obj, lang: str) -> list[str]:
    """Every text a reader sees in one display object (or Markdown)."""
    if isinstance(obj, Markdown):
        return [obj.data]
    p = obj.payload()
    kind = p["kind"]
    if kind == "table":
        cols = p["columns"]
        cells = [
            format_value(v, c["format"], lang) if c["format"] != "text" else str(v)
            for row in p["rows"]
            for v, c in zip(row, cols, strict=True)
            if v is not None
        ]
        return [p["caption"], p.get("note") or "", *(c["label"] for c in cols), *cells]
    if kind == "finding":
        return [p["title"], p["evidence"], p["action"]]
    if kind == "callout":
        return [p.get("title") or "", p["text"]]
    if kind == "scorecard":
        return [
            p["caption"],
            *(t["label"] for t in p["tiles"]),
            *((t.get("note") or "") for t in p["tiles"]),
        ]
    return [p["caption"], *chart_labels(obj)]


def chart_labels(obj) -> list[str]:
    """The value labels drawn on a chart's bars, cells and points."""
    if not isinstance(obj, Figure):
        return []
    out: list[str] = []
    for trace in obj.figure.get("data", []):
        for value in trace.get("text") or []:
            out.extend(
                str(v) for v in (value if isinstance(value, list) else [value]) if v is not None
            )
    return out


def report_text(d) -> list[str]:
    """Every text of the whole report, the introduction first."""
    return [
        t
        for obj in reports.introduction(d) + reports.full_report(d)
        for t in _texts(obj, d.lang)
        if t
    ]


@pytest.fixture(scope="module")
def sample():
    """(branch, lang) → worded report of the sample bank (one bank context for the three)."""
    ds = open_dataset(None)
    ctx = bank_context(ds)
    results = {b: diagnose(ds, DiagnosticSettings(branch_id=b), bank=ctx) for b in BRANCHES}
    return {
        (b, lang): reports.word_report(results[b], lang, start_on="2026-11-29")
        for b in BRANCHES
        for lang in ("zh", "en")
    }


@pytest.fixture(scope="module")
def messy():
    """lang → worded report of the messy one-branch workbook (some tables absent)."""
    ds = open_dataset(str(MESSY))
    result = diagnose(ds, DiagnosticSettings(branch_id="B002"))
    return {lang: reports.word_report(result, lang, start_on="2026-11-29") for lang in ("zh", "en")}


# --------------------------------------------------------------------------- numbers that agree


@pytest.mark.parametrize("branch", BRANCHES)
def test_one_customer_base_across_sections(sample, branch):
    """Active customers are counted once: scorecard, tiers, products held and mobile adoption agree."""
    d = sample[(branch, "en")]
    t = d.tables
    active = int(d.bank.kpis.set_index("branch_id").loc[branch, "customers"])
    assert int(t.tier_distribution["customers"].sum()) == active
    assert int(t.product_counts["customers"].sum()) == active
    assert "0" not in set(t.product_counts["n_products"])  # an active customer holds a product
    assert int(t.adoption_by_tier["customers"].sum()) == active
    assert int(t.adoption_by_age["customers"].sum()) == active
    assert int(t.claim_coverage["customers"].sum()) == active


#: figures a report shows more than once: metric → format of its one rounding rule
REPEATED = {
    "lead_deposits_wan": "wan",
    "top_unattended_aum_wan": "wan",
    "outflow_amount_wan": "wan",
    "share_over_15": "pct1",
    "peer_share_over_15": "pct1",
    "top_unattended_share": "pct1",
    "peer_top_unattended_share": "pct1",
    "mobile_adoption": "pct1",
    "peer_mobile_adoption": "pct1",
    "referral_conversion": "pct1",
    "peer_referral_conversion": "pct1",
    "weakest_handoff_rate": "pct1",
    "walk_away_rate": "pct1",
    "peer_walk_away_rate": "pct1",
    "deposit_growth": "pct1",
    "p90_wait": "min1",
    "median_wait": "min1",
    "lunch_median_wait": "min1",
    "products_per_customer": "float2",
    "peer_products_per_customer": "float2",
}


def _other_roundings(value: float, fmt: str, lang: str) -> list[str]:
    """The same figure rounded differently from the rule (e.g. "183万" where the rule gives "182.7万")."""
    scaled = value / 1e4 if fmt == "wan" else value * 100 if fmt == "pct1" else value
    unit = {
        "wan": "万" if lang == "zh" else " wan",
        "pct1": "%",
        "min1": "分钟" if lang == "zh" else " min",
        "float2": "",
    }[fmt]
    right = format_value(value, fmt, lang)
    others = (
        {f"{scaled:,.0f}{unit}", f"{scaled:,.2f}{unit}"}
        if unit
        else {f"{scaled:,.1f}", f"{scaled:,.3f}"}
    )
    return [o for o in others if o != right]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("branch", BRANCHES)
def test_a_figure_shown_twice_reads_the_same(sample, branch, lang):
    """Every repeated figure follows one rounding rule: never "183万" on one page and "182.7万" on another."""
    d = sample[(branch, lang)]
    text = "\n".join(report_text(d))
    shown = 0
    for metric, fmt in REPEATED.items():
        value = d.result.metrics.get(metric)
        if not isinstance(value, (int, float)) or value != value:
            continue
        right = format_value(value, fmt, lang)
        if right in text:
            shown += 1
        for other in _other_roundings(float(value), fmt, lang):
            pattern = rf"(?<![\d.,]){re.escape(other)}(?![\d{'' if fmt != 'float2' else '%'}])"
            assert not re.search(pattern, text), (
                f"{metric} shown as {other!r}, the rule gives {right!r}"
            )
    assert shown >= 5  # the test reads real figures, not an empty report


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shares_in_tables_and_charts_have_one_rounding(sample, lang):
    """A share is shown to one decimal wherever it is drawn: "16.4%" in the table is not "16%" on the bar."""
    for branch in BRANCHES:
        d = sample[(branch, lang)]
        labels_ = [t for obj in reports.full_report(d) for t in chart_labels(obj)]
        assert labels_, branch
        assert [t for t in labels_ if re.search(r"(?<![\d.])\d+%", t)] == [], branch


@pytest.mark.parametrize("branch", BRANCHES)
def test_tiles_and_narratives_quote_the_same_peer_medians(sample, branch):
    """A peer median in a sentence is the one on the tile (same value, same rounding)."""
    for lang in ("zh", "en"):
        d = sample[(branch, lang)]
        text = "\n".join(report_text(d))
        for metric in ("peer_share_over_15", "peer_mobile_adoption", "peer_walk_away_rate"):
            value = d.result.metrics.get(metric)
            if isinstance(value, float) and value == value:
                assert format_value(value, "pct1", lang) in text, (lang, metric)


# --------------------------------------------------------------------------- words


def bad_forms(texts: list[str], lang: str) -> list[str]:
    """The known bad forms found in `texts`, with why each is bad."""
    found = []
    for t in texts:
        for pattern, why in BAD_FORMS[lang]:
            m = re.search(pattern, t)
            if m:
                found.append(f"{why}: {t[max(0, m.start() - 30) : m.end() + 30]!r}")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_worded_reports_have_none_of_the_known_bad_forms(sample, messy, lang):
    for branch in BRANCHES:
        assert bad_forms(report_text(sample[(branch, lang)]), lang) == [], branch
    assert bad_forms(report_text(messy[lang]), lang) == [], "messy workbook"


def test_the_bad_form_check_catches_the_forms_of_the_issue():
    """The grep itself works: each form the issue quotes is caught."""
    assert bad_forms(["a industrial park branch"], "en")
    assert bad_forms(["across 1 branch(es)"], "en")
    assert bad_forms(["holding 1,210 wan yuan"], "en")
    assert bad_forms(["over 200,000 yuan hold"], "en")
    assert bad_forms(["most are lost at referred → contacted (36%)."], "en")
    assert not bad_forms(["most are lost at referred → contacted (only 36.0% get through)."], "en")
    assert bad_forms(["超过 15 分钟"], "zh") and bad_forms(["共发现 2 项"], "zh")
    assert bad_forms(["合计183万元"], "zh") and not bad_forms(["存款20万元以上"], "zh")


def test_the_walk_away_tile_and_every_lobby_tile_has_a_peer_median(sample):
    """Every lobby tile with peers is compared; B003's walk-aways are a finding."""
    d = sample[("B003", "en")]
    lobby = reports.lobby_section(d)
    [card] = [o for o in lobby if type(o).__name__ == "Scorecard"]
    assert all(t.note and t.note.startswith("peer median") for t in card.tiles)
    walk = next(t for t in card.tiles if t.label == "Walk-away rate")
    assert walk.status == "red"
    assert any(f.rule_id == "walk_aways" for f in d.findings)


def test_the_worst_standing_is_drawn(sample):
    """A percentile of 0 gets a visible marker in the peer-position chart, not an empty row."""
    drawn = 0
    for (branch, lang), d in sample.items():
        figs = [o for o in reports.scorecard_section(d) if isinstance(o, Figure)]
        fig = figs[-1].figure
        bars = fig["data"][0]
        zero = [y for x, y in zip(bars["x"], bars["y"], strict=True) if x == 0]
        marked = [y for t in fig["data"] if t.get("type") == "scatter" for y in t["y"]]
        assert set(zero) <= set(marked), (branch, lang)
        drawn += len(zero)
        assert fig["layout"]["xaxis"]["range"][0] < 0  # a marker at 0 is not clipped
    assert drawn  # the sample has standings of 0 (B003's waits)


# --------------------------------------------------------------------------- partial data


def test_partial_data_says_what_it_cannot_support(messy):
    en = messy["en"]
    text = "\n".join(report_text(en))
    assert "Compared against 0" not in text and "Of 0 KPIs" not in text
    assert "fewer than the 3 a peer comparison needs" in text
    # the scorecard section: one sentence, nothing else
    card = reports.scorecard_section(en)
    assert len(card) == 2 and "no peer comparison" in card[1].text
    # nobody is shown as "Reviewed: No" without the events table
    targets = reports.targets_section(en)
    assert not any(
        getattr(o, "caption", "") == "Staff missing target month after month" for o in targets
    )
    assert any("No staff-events data" in getattr(o, "text", "") for o in targets)
    assert not any(f.rule_id in ("underperformer_kept", "top_performer_exit") for f in en.findings)
    # the comparison month moved: the report says so, and labels name the month compared
    intro = reports.introduction(en)[1].text
    assert "does not reach back to 2025-10" in intro and "with 2026-09, 1 month earlier" in intro
    assert "year-on-year" not in text.lower()
    assert "较2026-09变动" in "\n".join(report_text(messy["zh"]))


def test_the_sample_says_its_growth_is_over_eleven_months(sample):
    """The sample reaches back to 2025-11 only: "growth" is over 11 months, and the report says so."""
    assert (
        "so the comparison is with 2025-11, 11 months earlier"
        in reports.introduction(sample[("B005", "en")])[1].text
    )
    assert "对比期改为2025-11（11个月前）" in reports.introduction(sample[("B005", "zh")])[1].text


# --------------------------------------------------------------------------- a real deliverable


@pytest.mark.slow
def test_rendered_messy_report_has_none_of_the_known_bad_forms(tmp_path):
    """One real run (papermill → HTML) on the messy workbook, read as text and grepped."""
    from branch_consult.run import run_playbook

    result = run_playbook(
        "branch_diagnostic",
        data=str(MESSY),
        out_dir=tmp_path,
        formats=["html"],
        params={"branch_id": "B002"},
        lang="en",
    )
    [page] = [p for p in result.paths if p.suffix == ".html"]
    raw = page.read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", raw, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", body))
    lines = [t.strip() for t in text.split("\n") if t.strip()]
    assert any("peer comparison" in t for t in lines)
    assert bad_forms(lines, "en") == []


def test_bank_overview_counts_branches_in_words():
    """ "1 branch lost deposits", never "1 branch(es)"; the top-three share to one decimal."""
    import pandas as pd

    from branch_consult.analysis.overview import Overview
    from branch_consult.reports.bank_overview import observations

    frame = pd.DataFrame(
        {
            "name": ["东城", "西城", "南湖", "北岸"],
            "growth": [0.10, 0.05, 0.02, -0.03],
            "deposits_per_fte": [300e4, 250e4, 240e4, 230e4],
        }
    )
    ov = Overview(
        month="2026-10",
        base_month="2025-10",
        branches=frame,
        totals={
            "branches": 4,
            "deposits": 1e8,
            "aum": 2e8,
            "customers": 1000,
            "growth": 0.04,
            "top3_share": 0.8123,
        },
    )
    en = observations(ov, "en")
    assert "1 branch lost deposits since 2025-10: 北岸." in en
    assert any("81.2%" in t for t in en)
    assert bad_forms(en, "en") == []
    assert bad_forms(observations(ov, "zh"), "zh") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_quartile_range_writes_its_unit_once(sample, lang):
    """ "3.1 – 3.3分钟", not "3.1分钟 – 3.3分钟" (the same for 万, wan, min and %)."""
    d = sample[("B003", lang)]
    [card] = [o for o in reports.scorecard_section(d) if type(o).__name__ == "Table"]
    p = card.payload()
    col = [c["key"] for c in p["columns"]].index("peer_iqr")
    ranges = [row[col] for row in p["rows"]]
    units = ("分钟", "万", "%") if lang == "zh" else (" min", " wan", "%")
    assert all(sum(r.count(u) for u in units) <= 1 for r in ranges), ranges
    assert any(r.endswith("分钟" if lang == "zh" else " min") for r in ranges)
