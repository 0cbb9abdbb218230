"""Every report of a batch is as if it ran alone: the same items through `batch` and one by
one through `branch-consult run` give the same executed notebook, Word text and HTML.

Compared after removing only what differs between any two runs: timestamps, durations,
papermill's per-run cell ids and the output folder's path. Execution counts, outputs,
provenance (parameters, data fingerprint, playbook hash, commit: do not commit while it runs)
and the pseudonym key are compared.
Slow: 5 papermill runs on Dask workers and 5 `run` processes (docx + html).
"""

import difflib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from branch_consult.batch import run_batch
from branch_consult.resources import sample_bank_dir

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
#: per run, not per report: papermill's timings and paths, the run's clock
RUN_METADATA = ("papermill", "execution")
PROVENANCE_CLOCK = ("started_at", "finished_at", "seconds", "duration")
CASES = [
    ("branch_diagnostic", "B002,B005,B011", "branch_id", "zh"),
    ("staff_fit_review", "S00003,S00007", "staff_ids", "en"),
]


@pytest.fixture(autouse=True, scope="module")
def _stop_resource_tracker():
    """LocalCluster's workers start multiprocessing's resource tracker; stop it (leftover-process check)."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()


def _text(value: str, folder: Path) -> str:
    return TIMESTAMP.sub("<time>", value.replace(str(folder.resolve()), "<out>"))


def normalised_notebook(path: Path) -> dict:
    """Cells (source, execution counts, outputs) and report metadata, without per-run clocks."""
    nb = json.loads(_text(path.read_text(encoding="utf-8"), path.parent))
    for cell in nb["cells"]:
        cell.pop("id", None)  # papermill gives the injected-parameters cell a random id
        for key in RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
    for key in RUN_METADATA:
        nb["metadata"].pop(key, None)
    provenance = nb["metadata"].get("branch_consult", {}).get("provenance", {})
    for key in PROVENANCE_CLOCK:
        provenance.pop(key, None)
    return nb


def normalised_docx(path: Path) -> str:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as docx:
        return _text(docx.read("word/document.xml").decode("utf-8"), path.parent)


def normalised(path: Path) -> str:
    """The file as comparable text: JSON with sorted keys for notebooks, XML for Word, else text."""
    if path.suffix == ".ipynb":
        return json.dumps(normalised_notebook(path), indent=1, sort_keys=True, ensure_ascii=False)
    if path.suffix == ".docx":
        return normalised_docx(path).replace("><", ">\n<")
    return _text(path.read_text(encoding="utf-8"), path.parent)


def first_difference(a: str, b: str, context: int = 30) -> str:
    """The first lines where two texts differ (the assertion message)."""
    diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "batch", "alone", lineterm="", n=2)
    return "\n".join(line[:200] for line in list(diff)[:context])


@pytest.mark.parametrize(("playbook", "items", "parameter", "lang"), CASES)
def test_batch_reports_equal_the_same_reports_run_alone(tmp_path, playbook, items, parameter, lang):
    data = str(sample_bank_dir())
    batch = run_batch(
        playbook,
        out_dir=tmp_path / "batch",
        data=data,
        items=items,
        lang=lang,
        formats=["docx", "html"],
        jobs=2,
        live=False,
    )
    assert sorted(batch.ran) == sorted(items.split(",")) and batch.failed == []
    manifest = json.loads((tmp_path / "batch" / "manifest.json").read_text(encoding="utf-8"))
    alone = tmp_path / "alone"
    for item in items.split(","):
        subprocess.run(
            [str(BIN / "branch-consult"), "run", playbook, "--data", data, "--out", str(alone)]
            + ["-p", parameter, item, "--lang", lang, "--formats", "docx,html"]
            + ["--plotlyjs", "shared"],  # as the batch writes HTML: plotly.js beside, not inlined
            check=True,
            capture_output=True,
        )
        files = manifest["items"][item]["files"]
        assert {Path(f).suffix for f in files} >= {".ipynb", ".docx", ".html"}
        for name in files:
            assert (alone / name).is_file(), f"{item}: run alone wrote no {name}"
            in_batch, by_itself = normalised(tmp_path / "batch" / name), normalised(alone / name)
            assert in_batch == by_itself, (
                f"{item}: {name} differs from the same report run alone:\n"
                + first_difference(in_batch, by_itself)
            )
