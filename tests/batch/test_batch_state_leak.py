"""An item left behind state (a global, a pandas option, the cwd, an env var, a module
attribute, the plotly template, sys.path): the next item on the same worker must not see it.

Guards any reuse across items (warm kernels, warm renderers): with `--jobs 1` every item
runs on one worker after the previous one, and each must find what a run alone finds.
Slow: papermill runs on a Dask worker.
"""

import json
from pathlib import Path

import nbformat
import pytest

from branch_consult.batch import run_batch
from branch_consult.run import run_playbook

pytestmark = pytest.mark.slow

LEAVES_STATE = str(Path(__file__).parent / "notebooks" / "leaves_state.ipynb")
ITEMS = ["B001", "B002", "B003", "B004"]


@pytest.fixture(autouse=True, scope="module")
def _stop_resource_tracker():
    """LocalCluster's workers start multiprocessing's resource tracker; stop it (leftover-process check)."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()


def observed_state(notebook: Path) -> dict:
    """The JSON line the fixture prints before it changes anything."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                return json.loads(output["text"].strip().splitlines()[-1])
    raise AssertionError(f"{notebook.name}: no observed state printed")


def finding_text(notebook: Path) -> str:
    """The finding's title and evidence: they change with leaked globals and pandas options."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            plain = (output.get("data") or {}).get("text/plain")
            if plain and "earlier items seen" in plain:
                return plain
    raise AssertionError(f"{notebook.name}: no finding")


def test_state_an_item_leaves_behind_never_reaches_the_next_item(tmp_path):
    alone = run_playbook(
        LEAVES_STATE, out_dir=tmp_path / "alone", params={"branch_id": "B003"}, formats=["html"]
    )
    fresh = observed_state(alone.notebook)
    # what a fresh kernel finds (hand-checked: nothing earlier, defaults, the playbook's folder)
    assert fresh["earlier_items"] == [] and fresh["env"] is None
    assert fresh["pandas_precision"] == 6 and fresh["cwd"] == "notebooks"
    assert fresh["module_attribute"] == "ABC" and not fresh["sys_path_added"]

    result = run_batch(
        LEAVES_STATE,
        out_dir=tmp_path / "batch",
        items=",".join(ITEMS),
        formats=["html"],
        jobs=1,
        live=False,
    )
    assert sorted(result.ran) == ITEMS and result.failed == []
    manifest = json.loads((tmp_path / "batch" / "manifest.json").read_text(encoding="utf-8"))
    for item in ITEMS:
        notebook = tmp_path / "batch" / manifest["items"][item]["notebook"]
        assert observed_state(notebook) == fresh, f"{item} saw state an earlier item left"
        assert manifest["items"][item]["summary"]["findings"]["low"] == 1
        assert finding_text(notebook) == finding_text(alone.notebook).replace("B003", item)
