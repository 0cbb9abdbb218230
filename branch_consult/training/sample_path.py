"""Where the committed sample quiz export lives (data_samples/training/)."""

from __future__ import annotations

from pathlib import Path

from branch_consult.resources import data_samples_dir

SAMPLE_DIR = data_samples_dir() / "training"


def sample_responses_path() -> Path:
    """The 40-participant sample export with planted faults (see its README)."""
    return SAMPLE_DIR / "quiz_responses.csv"
