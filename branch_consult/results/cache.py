"""A disk cache of language-free results, so a zh + en pair (or a batch re-run) computes once.

The key is everything the result depends on and nothing it does not: the data source
(its identity and fingerprint, and any branch slice), the settings (which hold no
language), the finding rules file's content and the package's own code.  The report
language, pseudonymisation and delivery date are applied later, when wording.

The cache lives in `$BRANCH_CONSULT_CACHE_DIR`, else `$XDG_CACHE_HOME/branch-consult/results`
(`~/.cache/...`), in a folder only its owner can read (results hold customer data).
Entries are pickles written atomically; a computation appends one line to
`computations.log` beside them, which is how a test counts computations across kernels.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

from branch_consult.analysis.overview import Overview, bank_overview
from branch_consult.analysis.tiers import TierThresholds
from branch_consult.data import DataProblems, Dataset
from branch_consult.data.periods import today
from branch_consult.findings.engine import DEFAULT_RULES
from branch_consult.results.branch_diagnostic import (
    BankContext,
    BranchDiagnostic,
    DiagnosticSettings,
    bank_context,
    context_settings,
    diagnose,
)

T = TypeVar("T")
ENV_DIR = "BRANCH_CONSULT_CACHE_DIR"
LOG_NAME = "computations.log"


def default_cache_dir() -> Path:
    """`$BRANCH_CONSULT_CACHE_DIR`, else the user's cache folder (XDG_CACHE_HOME respected)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "branch-consult" / "results"


@cache
def code_version() -> str:
    """A hash of the package's Python sources: a changed analysis never reads an old result."""
    import branch_consult

    root = Path(branch_consult.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_identity(ds: Dataset) -> dict[str, object]:
    """The data a result was computed from: source kind and location, fingerprint, branch slice."""
    source = ds.source
    path = getattr(source, "path", None)
    # resolved: the sample bank reached through the package's link is the same data
    location = str(Path(path).resolve()) if path is not None else ds.label
    return {
        "kind": source.kind,
        "location": location,
        "fingerprint": ds.fingerprint(),
        "branches": list(ds.branch_filter or ()),
    }


def diagnostic_key(ds: Dataset, settings: DiagnosticSettings) -> str:
    """The cache key of one branch diagnostic (no language in it: settings hold none)."""
    rules = Path(settings.rules_path) if settings.rules_path else DEFAULT_RULES
    parts = {
        "result": "branch_diagnostic",
        "data": data_identity(ds),
        "settings": settings.model_dump(mode="json"),
        "rules": hashlib.sha256(rules.read_bytes()).hexdigest() if rules.is_file() else str(rules),
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def bank_context_key(ds: Dataset, settings: DiagnosticSettings) -> str:
    """The cache key of a bank context: the data, the settings it reads, today, the code.

    Today is in it because the months a bank's data may hold (none after the current
    month) move with the calendar; the branch asked for is not, as every branch of a
    bank shares one context.
    """
    parts = {
        "result": "bank_context",
        "data": data_identity(ds),
        "settings": context_settings(settings),
        "today": today().isoformat(),
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


class ResultCache:
    """Pickled results by key in one private folder; `get_or_compute` is the only way in."""

    def __init__(self, folder: str | os.PathLike[str] | None = None):
        self.folder = Path(folder) if folder else default_cache_dir()

    def path(self, kind: str, key: str) -> Path:
        return self.folder / f"{kind}-{key}.pickle"

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], T]) -> T:
        """The cached result for `key`, or `compute()`'s, stored for next time (best effort)."""
        path = self.path(kind, key)
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - our own private folder, written by us
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass  # absent or unreadable (older code): compute again
        result = compute()
        self._store(path, result, kind, key)
        return result

    def computations(self, kind: str | None = None) -> list[str]:
        """One line per computation recorded in this folder (kind, key, time), of `kind` if given."""
        log = self.folder / LOG_NAME
        lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
        return [line for line in lines if kind is None or line.split(" ", 1)[0] == kind]

    def _store(self, path: Path, result: object, kind: str, key: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with (self.folder / LOG_NAME).open("a", encoding="utf-8") as log:
                log.write(f"{kind} {key} {datetime.now(UTC).isoformat(timespec='seconds')}\n")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only or full cache folder costs a recomputation, never the run


def cached_bank_context(
    ds: Dataset, settings: DiagnosticSettings, cache: ResultCache | None = None
) -> BankContext:
    """`bank_context`, computed once per bank data, relevant settings and code: every branch
    diagnostic of a batch (one kernel each) reads the one the first, or the parent, computed."""
    store = cache or ResultCache()
    return store.get_or_compute(
        "bank_context",
        bank_context_key(ds, settings),
        lambda: bank_context(ds, settings.month, settings.comparison_month, settings),
    )


def warm_bank_context(
    ds: Dataset, parameters: dict[str, object], cache: ResultCache | None = None
) -> None:
    """Compute the bank context a batch of branch diagnostics will share, before it starts.

    `parameters` are the playbook's resolved values (month, comparison_month, tier_*): the
    settings are built as the notebook builds them, so the kernels find the same key.
    """
    thresholds = TierThresholds(
        top=float(str(parameters.get("tier_top", TierThresholds.top))),
        core=float(str(parameters.get("tier_core", TierThresholds.core))),
        potential=float(str(parameters.get("tier_potential", TierThresholds.potential))),
    )
    settings = DiagnosticSettings(
        branch_id="",
        month=str(parameters.get("month") or ""),
        comparison_month=str(parameters.get("comparison_month") or ""),
        thresholds=thresholds,
    )
    try:
        cached_bank_context(ds, settings, cache)
    except (DataProblems, ValueError):
        pass  # data the context cannot use: each item's own run reports it, as without warming


def cached_diagnose(
    ds: Dataset,
    settings: DiagnosticSettings,
    bank: BankContext | None = None,
    cache: ResultCache | None = None,
) -> BranchDiagnostic:
    """`diagnose`, computed once per data, settings, rules and code across runs and languages;
    without a `bank`, the bank context is the cached one (computed once per bank)."""
    store = cache or ResultCache()
    ds = ds.pinned()  # both keys below from one look at the source
    return store.get_or_compute(
        "branch_diagnostic",
        diagnostic_key(ds, settings),
        lambda: diagnose(ds, settings, bank or cached_bank_context(ds, settings, store)),
    )


def bank_overview_key(ds: Dataset, month: str) -> str:
    """The cache key of a bank overview: the data, the month asked for, today (it bounds the
    months the data may hold), the code."""
    parts = {
        "result": "bank_overview",
        "data": data_identity(ds),
        "month": month,
        "today": today().isoformat(),
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def cached_bank_overview(
    ds: Dataset, month: str = "", cache: ResultCache | None = None
) -> Overview:
    """`bank_overview`, computed once per bank data, month and code: the zh and en reports (and
    a re-run on unchanged data) read the one the first computed."""
    store = cache or ResultCache()
    ds = ds.pinned()
    return store.get_or_compute(
        "bank_overview", bank_overview_key(ds, month), lambda: bank_overview(ds, month)
    )
