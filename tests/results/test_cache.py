"""A zh + en pair of one branch computes the diagnostic once: the result cache counts computations."""

from __future__ import annotations

import csv
import stat
import warnings

import pytest

from branch_consult import reports
from branch_consult.data import open_dataset, sample_path
from branch_consult.results import DiagnosticSettings, ResultCache, cached_diagnose
from branch_consult.results.cache import diagnostic_key


@pytest.fixture(scope="module")
def sample():
    return open_dataset(sample_path())


def test_two_languages_compute_once_and_settings_change_recomputes(sample, tmp_path):
    cache = ResultCache(tmp_path / "cache")
    settings = DiagnosticSettings(branch_id="B003")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zh = reports.word_report(cached_diagnose(sample, settings, cache=cache), "zh")
        en = reports.word_report(cached_diagnose(sample, settings, cache=cache), "en")
        assert len(cache.computations("branch_diagnostic")) == 1
        assert [f.rule_id for f in zh.findings] == [f.rule_id for f in en.findings]
        assert zh.findings[0].title != en.findings[0].title
        # a setting that changes the result is another entry; the language is not a setting
        cached_diagnose(
            sample, DiagnosticSettings(branch_id="B003", lead_min_deposits=500_000), cache=cache
        )
    assert len(cache.computations("branch_diagnostic")) == 2
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700
    assert diagnostic_key(sample, settings) == diagnostic_key(
        sample, DiagnosticSettings(branch_id="B003", lang="en")
    )


def test_unreadable_entry_is_recomputed(sample, tmp_path):
    cache = ResultCache(tmp_path)
    settings = DiagnosticSettings(branch_id="B004")
    cache.path("branch_diagnostic", diagnostic_key(sample, settings)).parent.mkdir(
        parents=True, exist_ok=True
    )
    cache.path("branch_diagnostic", diagnostic_key(sample, settings)).write_bytes(b"not a pickle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cached_diagnose(sample, settings, cache=cache)
    assert result.settings.branch_id == "B004" and len(cache.computations("branch_diagnostic")) == 1


@pytest.mark.slow
def test_zh_then_en_runs_compute_once_and_write_a_private_key(tmp_path, monkeypatch):
    """Two real playbook runs (two kernels) of one branch: one computation, one key per run, tokens shared."""
    from branch_consult.run import run_playbook

    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    keys = {}
    for lang in ("zh", "en"):
        result = run_playbook(
            "branch_diagnostic",
            out_dir=tmp_path / lang,
            params={"branch_id": "B009"},
            lang=lang,
            formats=["html"],
        )
        key = result.notebook.with_name(result.notebook.stem + ".key.csv")
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        with key.open(encoding="utf-8") as fh:
            keys[lang] = list(csv.DictReader(fh))
        html = result.outputs["html"].read_text(encoding="utf-8")
        assert all(row["id"] not in html for row in keys[lang])  # the key is not in the deliverable
    assert len(ResultCache(tmp_path / "cache").computations("branch_diagnostic")) == 1
    hexes = {
        lang: {(r["kind"], r["id"], r["token"].split("-")[1]) for r in rows}
        for lang, rows in keys.items()
    }
    assert hexes["zh"] == hexes["en"] and hexes["zh"]
    assert any(r["kind"] == "staff" and r["name"] for r in keys["en"])


def test_bank_context_is_computed_once_per_bank_and_context_settings(sample, tmp_path):
    """Every branch of a bank shares one cached context; only the settings it reads make another."""
    from branch_consult.analysis.tiers import TierThresholds
    from branch_consult.results.cache import cached_bank_context, warm_bank_context

    cache = ResultCache(tmp_path)

    def kinds() -> list[str]:
        return [line.split()[0] for line in cache.computations()]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for branch in ("B001", "B002"):
            cached_diagnose(sample, DiagnosticSettings(branch_id=branch), cache=cache)
        assert kinds() == ["bank_context", "branch_diagnostic", "branch_diagnostic"]
        # a setting the context does not read (the lead floor) reuses it
        cached_diagnose(
            sample, DiagnosticSettings(branch_id="B001", lead_min_deposits=500_000), cache=cache
        )
        assert kinds().count("bank_context") == 1
        # a tier floor changes every branch's tiers, so the context is computed again
        other = DiagnosticSettings(branch_id="B001", thresholds=TierThresholds(top=2_000_000))
        again = cached_bank_context(sample, other, cache)
        assert kinds().count("bank_context") == 2
        assert cached_bank_context(sample, other, cache).kpis.equals(again.kpis)
        assert kinds().count("bank_context") == 2
    # the batch's warm-up builds the settings as the notebook does (integers from papermill)
    warm = ResultCache(tmp_path / "warm")
    warm_bank_context(sample, {"month": "", "tier_top": 1000000, "tier_core": 200000}, warm)
    notebook = DiagnosticSettings(
        branch_id="B003", thresholds=TierThresholds(top=1000000, core=200000, potential=50000)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached_diagnose(sample, notebook, cache=warm)
    assert [line.split()[0] for line in warm.computations()] == [
        "bank_context",
        "branch_diagnostic",
    ]
