"""The single-run flow: validation before the kernel, provenance, atomic deliverables, failures."""

import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from branch_consult import run as run_mod
from branch_consult.params import ParameterError
from branch_consult.run import PlaybookFailed, atomic_write, run_playbook, sanitise

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
SIMPLE = str(NOTEBOOKS / "simple.ipynb")


def write_tiny_bank(folder: Path) -> Path:
    """Three branches, a few customers, 13 months of holdings: enough for bank_overview."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "branch_id": ["B001", "B002", "B003"],
            "name": ["North", "South", "East"],
            "region": ["R1", "R1", "R2"],
            "area_type": ["business", "community", "park"],
            "opened_on": ["2010-01-01"] * 3,
            "counters": [4, 3, 5],
            "fte": [10.0, 5.0, 8.0],
        }
    ).to_csv(folder / "branches.csv", index=False)
    customers, holdings = [], []
    months = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    for b, (bid, start, step) in enumerate(
        [("B001", 1e6, 1e4), ("B002", 5e5, -1e4), ("B003", 2e6, 5e4)]
    ):
        for c in range(2):
            cid = f"C{b}{c}"
            customers.append(
                dict(
                    customer_id=cid,
                    branch_id=bid,
                    birth_year=1980,
                    gender="M",
                    onboarded_on="2020-01-01",
                    owner_staff_id="",
                    priority_group="",
                    mobile_banking=False,
                    last_contact_on="",
                )
            )
            for k, month in enumerate(months):
                holdings.append(
                    dict(
                        customer_id=cid,
                        month=month,
                        product="deposit_demand",
                        balance=start + step * k,
                    )
                )
    pd.DataFrame(customers).to_csv(folder / "customers.csv", index=False)
    pd.DataFrame(holdings).to_csv(folder / "holdings.csv", index=False)
    return folder


def spy_papermill(monkeypatch, calls=None, fail: Exception | None = None):
    """Watch papermill's real kernel runs (a spy, not a stand-in): record the parameters
    each run received, or inject a failure before the kernel starts."""
    import papermill

    real = papermill.execute_notebook

    def execute(input_path, output_path, parameters=None, **kw):
        if calls is not None:
            calls.append(parameters)
        if fail is not None:
            raise fail
        return real(input_path, output_path, parameters=parameters, **kw)

    monkeypatch.setattr(papermill, "execute_notebook", execute)


def test_sanitise_keeps_paths_out_of_file_names():
    assert sanitise("../../etc/passwd") == "etc-passwd-3754d6"
    assert sanitise("B003") == "B003" and sanitise("2026-10") == "2026-10"
    assert sanitise("南山<script>") == "南山-script-b385d2"
    assert sanitise("") == ""


def test_sanitise_keeps_unicode_letters_and_never_merges_two_ids():
    assert sanitise("城东支行") == "城东支行" and sanitise("高新支行") == "高新支行"
    assert sanitise("a/b") != sanitise("a-b") and "/" not in sanitise("a/b")
    assert sanitise("a\x00b\nc").startswith("a-b-c-")  # control characters never reach a name
    assert sanitise("e\u0301") == "é-bf1276"  # NFC, and a hash because the original was not NFC
    long = sanitise("x" * 50)
    assert len(long) == 40 and long != sanitise("x" * 51)


def test_bad_parameters_fail_before_any_kernel(monkeypatch, tmp_path):
    calls = []
    spy_papermill(monkeypatch, calls)
    with pytest.raises(ParameterError, match="did you mean 'count'"):
        run_playbook(SIMPLE, out_dir=tmp_path, params={"cuont": 1}, formats=["html"])
    with pytest.raises(ParameterError, match="unknown format rtf"):
        run_playbook(SIMPLE, out_dir=tmp_path, formats=["rtf"])
    assert calls == [] and list(tmp_path.iterdir()) == []


def test_flow_writes_notebook_with_provenance_and_html(monkeypatch, tmp_path):
    calls = []
    spy_papermill(monkeypatch, calls)
    result = run_playbook(
        SIMPLE,
        out_dir=tmp_path,
        params={"name": "../x y", "count": "3"},
        lang="zh",
        formats=["html"],
    )
    assert calls == [
        {
            "name": "../x y",
            "count": 3,
            "ratio": 0.5,
            "shout": False,
            "tags": ["a", "b"],
            "lang": "zh",
        }
    ]
    assert result.outputs["html"] == tmp_path / "simple_x-y-46c740_zh.html"
    assert result.notebook == tmp_path / "simple_x-y-46c740_zh.ipynb"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "simple_x-y-46c740_zh.html",
        "simple_x-y-46c740_zh.ipynb",
    ]
    meta = nbformat.read(result.notebook, as_version=4).metadata["branch_consult"]
    prov = meta["provenance"]
    assert prov["parameters"]["count"] == 3 and prov["version"]
    assert len(prov["playbook_sha256"]) == 64 and prov["started_at"].endswith("Z")
    assert prov["started_at"] <= prov["finished_at"]
    assert meta["title"] == "简单样例" and meta["lang"] == "zh"
    assert oct(result.outputs["html"].stat().st_mode & 0o777) != oct(0o600)


def test_exporter_error_leaves_no_deliverable(monkeypatch, tmp_path):
    spy_papermill(monkeypatch)

    def broken(nb, options):
        raise RuntimeError("exporter broke")

    monkeypatch.setitem(run_mod.EXPORTERS, "docx", ("docx", broken))
    with pytest.raises(
        run_mod.ExportFailed, match="docx export of simple failed: RuntimeError: exporter broke"
    ):
        run_playbook(SIMPLE, out_dir=tmp_path, formats=["html", "docx"])
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_whole_files_only(tmp_path, monkeypatch):
    target = tmp_path / "a.html"
    atomic_write(target, b"old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_unknown_branch_is_refused_with_the_valid_ids(monkeypatch, tmp_path):
    spy_papermill(monkeypatch)
    data = write_tiny_bank(tmp_path / "bank")
    with pytest.raises(ParameterError, match="unknown branch 'B009'.*B001, B002, B003"):
        run_playbook(
            str(NOTEBOOKS / "branch.ipynb"),
            data=data,
            out_dir=tmp_path / "out",
            params={"branch_id": "B009"},
            formats=["html"],
        )
    result = run_playbook(
        str(NOTEBOOKS / "branch.ipynb"),
        data=data,
        out_dir=tmp_path / "out",
        params={"branch_id": "B002"},
        formats=["html"],
    )
    assert result.outputs["html"].name == "branch_B002.html"
    meta = nbformat.read(result.notebook, as_version=4).metadata["branch_consult"]
    assert meta["branch"] == "B002 South"
    assert meta["provenance"]["data_fingerprint"]


@pytest.mark.slow
def test_real_run_of_the_fixture(tmp_path):
    result = run_playbook(SIMPLE, out_dir=tmp_path, params={"shout": "true"}, formats=["html"])
    nb = nbformat.read(result.notebook, as_version=4)
    assert "hello WORLD" in "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
    )
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "Rows for WORLD" in html and html.count("Plotly.newPlot(") == 1
    assert "SECRET internal cell" not in html


@pytest.mark.slow
def test_failing_cell_is_named_and_nothing_delivered(tmp_path):
    with pytest.raises(PlaybookFailed) as err:
        run_playbook(str(NOTEBOOKS / "failing.ipynb"), out_dir=tmp_path, formats=["html"])
    msg = str(err.value)
    assert "tag compute-share" in msg and "ZeroDivisionError: division by zero" in msg
    assert "failing.failed.ipynb" in msg and "\n" not in msg
    assert err.value.cell_index == 2 and "cell 2 (tag compute-share)" in msg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing.failed.ipynb"]
    # a later good run clears the debugging copy
    run_playbook(
        str(NOTEBOOKS / "failing.ipynb"), out_dir=tmp_path, params={"divisor": 2}, formats=["html"]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing.html", "failing.ipynb"]


@pytest.mark.slow
def test_bank_overview_runs_in_english(tmp_path):
    data = write_tiny_bank(tmp_path / "bank")
    result = run_playbook(
        "bank_overview",
        data=data,
        out_dir=tmp_path / "out",
        lang="en",
        params={"client": "Demo Bank"},
        formats=["html"],
    )
    assert result.outputs["html"].name == "bank_overview_2026-10_en.html"  # the resolved period
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "Bank overview: all branches" in html and "Demo Bank" in html
    assert "Deposits grew fastest at East" in html
    assert html.count("Plotly.newPlot(") == 3


@pytest.mark.slow
def test_kernels_use_private_unix_sockets_not_tcp(tmp_path, capfd):
    from branch_consult.kernels import LocalKernelManager

    km = LocalKernelManager(kernel_name="python3")
    assert km.transport == "ipc" and oct(os.stat(os.path.dirname(km.ip)).st_mode)[-3:] == "700"
    run_playbook(SIMPLE, out_dir=tmp_path, formats=["html"])
    assert "without encryption" not in capfd.readouterr().err
