"""A warm kernel runs item after item as if each had a kernel of its own; recycled and replaced when due.

Slow: real kernels. Each test drives `WarmKernel` through papermill, the way `run_playbook`
does, on small notebooks written here.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import nbformat
import papermill
import pytest
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

from branch_consult.warm_kernel import WarmKernel

pytestmark = pytest.mark.slow

LEAVES_STATE = """
import os, sys, types, random, warnings, logging
import pandas as pd
import plotly.io as pio
from branch_consult.display import set_display_lang
leftover = 42
os.chdir("/")
os.environ["BC_LEFTOVER"] = "1"
sys.path.insert(0, "/nowhere")
sys.modules["bc_own_module"] = types.ModuleType("bc_own_module")
sys.modules["bc_own_module"].__file__ = "/nowhere/bc_own_module.py"
pd.set_option("display.max_rows", 3)
pio.templates.default = "plotly_dark"
set_display_lang("en")
random.seed(1)
warnings.simplefilter("ignore")
logging.getLogger().addHandler(logging.NullHandler())
"""

SEES_FRESH = """
import os, sys, warnings, logging, json
import pandas as pd
import plotly.io as pio
from branch_consult.display.words import get_display_lang
seen = {
    "leftover": "leftover" in globals(),
    "cwd": os.getcwd(),
    "env": os.environ.get("BC_LEFTOVER"),
    "item_env": os.environ.get("BC_ITEM"),
    "path": "/nowhere" in sys.path,
    "module": "bc_own_module" in sys.modules,
    "rows": pd.get_option("display.max_rows"),
    "template": pio.templates.default,
    "lang": get_display_lang(),
    "ignored": bool(warnings.filters) and warnings.filters[0][0] == "ignore",
    "handlers": len(logging.getLogger().handlers),
}
print(json.dumps(seen))
"""


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def _run(kernel: WarmKernel, source: Path, out: Path, *, env: dict | None = None) -> dict:
    run = functools.partial(
        papermill.execute_notebook,
        str(source),
        str(out),
        parameters={},
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        execution_timeout=120,
    )
    kernel.execute(run, cwd=source.parent, env=env or {})
    return nbformat.read(out, as_version=4)


def _seen(nb) -> dict:
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture(autouse=True, scope="module")
def _stop_resource_tracker():
    """The batch test's LocalCluster starts multiprocessing's resource tracker: stop it after."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()


@pytest.fixture
def kernel():
    k = WarmKernel(recycle_every=10)
    yield k
    k.close()


def test_what_an_item_leaves_behind_is_gone_for_the_next(tmp_path, kernel):
    fresh = _notebook(tmp_path / "fresh.ipynb", "x = 1", SEES_FRESH)
    alone = _seen(_run(kernel, fresh, tmp_path / "alone.ipynb"))  # the kernel's first item
    _run(kernel, _notebook(tmp_path / "dirty.ipynb", LEAVES_STATE), tmp_path / "dirty-out.ipynb")
    after = _run(kernel, fresh, tmp_path / "after.ipynb", env={"BC_ITEM": "mine"})
    assert kernel.started == 1 and kernel.items == 3  # one kernel for the three items
    seen = _seen(after)
    assert seen == {**alone, "item_env": "mine"}
    assert seen["cwd"] == str(tmp_path) and seen["rows"] == 60 and seen["lang"] == "zh"
    assert seen["template"] != "plotly_dark" and not seen["module"] and seen["env"] is None
    # numbered as in a fresh kernel: the counter starts again at 1 for every item
    assert [c.execution_count for c in after.cells] == [1, 2]
    assert not any(o.get("name") == "stderr" for c in after.cells for o in c.outputs)


def test_the_kernel_is_replaced_every_k_items_and_after_a_failing_item(tmp_path):
    ok = _notebook(tmp_path / "ok.ipynb", "y = 2")
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('boom')")
    k = WarmKernel(recycle_every=2)
    try:
        for i in range(3):
            _run(k, ok, tmp_path / f"ok{i}.ipynb")
        assert k.started == 2 and k.items == 1  # the third item ran on a second kernel
        with pytest.raises(PapermillExecutionError):
            _run(k, bad, tmp_path / "bad-out.ipynb")
        assert k.km is None  # a failing item's kernel is not reused
        _run(k, ok, tmp_path / "ok-after.ipynb")
        assert k.started == 3
    finally:
        k.close()
    assert k.km is None


def test_a_kernel_that_dies_is_reported_and_the_next_item_gets_a_new_one(tmp_path, kernel):
    crash = _notebook(tmp_path / "crash.ipynb", "import os\nos._exit(1)")
    with pytest.raises(DeadKernelError):
        _run(kernel, crash, tmp_path / "crash-out.ipynb")
    nb = _run(kernel, _notebook(tmp_path / "ok.ipynb", "print('alive')"), tmp_path / "ok-out.ipynb")
    assert nb.cells[0].outputs[0]["text"] == "alive\n" and kernel.started == 2


def test_an_item_whose_kernel_crashes_is_retried_once_on_a_new_kernel(tmp_path):
    """In a real batch: the warm kernel dies under the item, the worker lives on, the item is redone."""
    from branch_consult.batch import run_batch

    fixture = Path(__file__).parent / "notebooks" / "per_branch.ipynb"
    nb = nbformat.read(fixture, as_version=4)
    marker = tmp_path / "crashed-once"
    nb.cells.insert(
        1,
        nbformat.v4.new_code_cell(
            "import os\nfrom pathlib import Path\n"
            f"if not Path({str(marker)!r}).exists():\n"
            f"    Path({str(marker)!r}).touch()\n"
            "    os._exit(1)  # the kernel dies, not the worker"
        ),
    )
    playbook = tmp_path / "crashes_once.ipynb"
    nbformat.write(nb, playbook)
    out = tmp_path / "out"
    result = run_batch(
        str(playbook), out_dir=out, items="B001,B002", formats=["html"], jobs=1, live=False
    )
    assert marker.exists() and sorted(result.ran) == ["B001", "B002"] and not result.failed
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    assert [i.get("retried") for i in items.values()].count("kernel died") == 1
    assert all((out / f).is_file() for entry in items.values() for f in entry["files"])
