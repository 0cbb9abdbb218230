"""Batch pieces that need no cluster: the declaration, item choice, resume keys, lock, index page."""

from pathlib import Path

import pytest

from branch_consult.batch import BatchLocked, Manifest, batch_lock, batch_spec, run_batch
from branch_consult.batch.index_page import render_index
from branch_consult.batch.manifest import inputs_key
from branch_consult.batch.spec import BatchSpec, choose_items
from branch_consult.errors import ParameterError
from branch_consult.playbooks import get_playbook

FIXTURE = Path(__file__).parent / "notebooks" / "per_branch.ipynb"
SPEC = BatchSpec("branch_id", "branches", "branch_id")


def test_playbooks_declare_what_they_iterate_over():
    assert batch_spec(get_playbook("branch_diagnostic")) == SPEC
    assert batch_spec(get_playbook("staff_fit_review")) == BatchSpec(
        "staff_ids", "staff", "staff_id"
    )
    assert batch_spec(get_playbook(str(FIXTURE))) == SPEC
    with pytest.raises(ParameterError, match="declares no batch"):
        batch_spec(get_playbook("bank_overview"))


def test_items_all_list_or_file_checked_against_the_data(tmp_path):
    known = ["B001", "B002", "B003"]
    assert choose_items(SPEC, "all", known) == known
    assert choose_items(SPEC, " B003, B001,B003 ", known) == ["B003", "B001"]
    listing = tmp_path / "ids.txt"
    listing.write_text("# wanted\nB002\n\nB001  # north\n", encoding="utf-8")
    assert choose_items(SPEC, str(listing), known) == ["B002", "B001"]
    with pytest.raises(ParameterError, match=r"B009 not found in branches.branch_id"):
        choose_items(SPEC, "B001,B009", known)


def test_an_item_is_current_only_with_the_same_inputs_and_its_files(tmp_path):
    key = inputs_key(
        playbook_sha256="a",
        data_fingerprint="f1",
        parameters={"branch_id": "B001"},
        formats=["html"],
    )
    assert key != inputs_key(
        playbook_sha256="a",
        data_fingerprint="f2",
        parameters={"branch_id": "B001"},
        formats=["html"],
    )
    assert key != inputs_key(
        playbook_sha256="b",
        data_fingerprint="f1",
        parameters={"branch_id": "B001"},
        formats=["html"],
    )
    assert key != inputs_key(
        playbook_sha256="a",
        data_fingerprint="f1",
        parameters={"branch_id": "B001", "lang": "en"},
        formats=["html"],
    )
    manifest = Manifest.load(tmp_path)
    manifest.record("B001", {"status": "done", "inputs": key, "files": ["r.html"]})
    again = Manifest.load(tmp_path)
    assert not again.is_current("B001", key)  # the file is missing
    (tmp_path / "r.html").write_text("x")
    assert again.is_current("B001", key) and not again.is_current("B001", "other")
    again.record("B002", {"status": "failed", "inputs": key, "files": []})
    assert not Manifest.load(tmp_path).is_current("B002", key)
    assert Manifest.load(tmp_path).counts() == {"done": 1, "failed": 1}


def test_a_torn_manifest_means_every_item_runs_again(tmp_path):
    (tmp_path / "manifest.json").write_text('{"items": {"B001": ', encoding="utf-8")
    assert Manifest.load(tmp_path).items == {}


def test_two_batches_into_one_folder_refuse_with_one_line(tmp_path):
    with batch_lock(tmp_path):
        with pytest.raises(BatchLocked, match=r"another batch \(pid \d+\) is writing into"):
            with batch_lock(tmp_path):
                pass
        with pytest.raises(BatchLocked) as caught:
            run_batch(str(FIXTURE), out_dir=tmp_path, items="B001", formats=["html"], jobs=1)
        assert "\n" not in str(caught.value)
    with batch_lock(tmp_path):  # released when the first batch ends
        pass


def test_bad_batch_input_fails_before_any_worker(tmp_path):
    with pytest.raises(ParameterError, match="what the batch varies"):
        run_batch(str(FIXTURE), out_dir=tmp_path, params={"branch_id": "B001"})
    with pytest.raises(ParameterError, match="not found"):
        run_batch(str(FIXTURE), out_dir=tmp_path, items="NOPE")
    with pytest.raises(ParameterError, match="did you mean"):
        run_batch(str(FIXTURE), out_dir=tmp_path, params={"fail_onn": "B001"})
    assert not (tmp_path / "manifest.json").exists()


def test_index_page_escapes_values_and_links_relative_files(tmp_path):
    manifest = Manifest(tmp_path / "manifest.json", {"data": "<sample>"})
    manifest.items = {
        "B001": {
            "status": "done",
            "seconds": 2.5,
            "outputs": {"html": "r B001 & x.html"},
            "summary": {
                "label": "<script>alert(1)</script>",
                "findings": {"high": 2, "low": 1},
                "tiles": {"red": 1},
                "top_finding": "<b>deposits</b>",
            },
        },
        "B002": {
            "status": "failed",
            "error": "cell 2: ValueError <x>",
            "files": ["r.failed.ipynb"],
        },
    }
    page = render_index(manifest, title="网点 <诊断>")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;deposits&lt;/b&gt;" in page and "ValueError &lt;x&gt;" in page
    assert 'href="r%20B001%20%26%20x.html"' in page and 'href="r.failed.ipynb"' in page
    assert "<title>网点 &lt;诊断&gt;</title>" in page and "1 done, 1 failed" in page
    assert "http" not in page  # offline: nothing fetched


def test_progress_plain_lines_off_a_terminal_and_a_bar_on_one():
    import io

    from branch_consult.batch.progress import Progress

    stream = io.StringIO()
    progress = Progress(2, stream=stream, live=False)
    progress.update("B001", {"status": "done", "seconds": 1.0})
    progress.update("B002", {"status": "failed", "seconds": 0.5, "error": "cell 2: ValueError"})
    progress.close()
    lines = stream.getvalue().splitlines()
    assert (
        lines[0].startswith("[1/2] done B001 (1.0 s)  done 1, failed 0,")
        and "items/min" in lines[0]
    )
    assert lines[1].startswith("[2/2] failed B002") and "done 1, failed 1" in lines[1]
    assert lines[2].strip() == "cell 2: ValueError"
    live = io.StringIO()
    bar = Progress(2, stream=live, live=True)
    bar.update("B001", {"status": "done"})
    bar.update("B002", {"status": "failed", "error": "boom"})
    bar.close()
    assert (
        "failed B002: boom" in live.getvalue()
        and "2/2" in live.getvalue()
        and "failed=1" in live.getvalue()
    )


def test_summary_is_read_from_the_executed_notebook_outputs(tmp_path):
    import nbformat

    from branch_consult.batch.item import notebook_summary
    from branch_consult.display import Finding, Scorecard, Tile

    def output(obj):
        return nbformat.v4.new_output("display_data", data=obj._repr_mimebundle_())

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        output(Finding(severity="low", title="small", evidence="e", action="a")),
        output(Finding(severity="medium", title="bigger", evidence="e", action="a")),
        output(Finding(severity="medium", title="second", evidence="e", action="a")),
        output(
            Scorecard(
                caption="k",
                tiles=[
                    Tile(label="x", value=1, status="red"),
                    Tile(label="y", value=2, status="green"),
                ],
            )
        ),
    ]
    nb.cells.append(cell)
    nb.metadata["branch_consult"] = {"branch": "B001 North", "period": "2026-10"}
    nbformat.write(nb, tmp_path / "r.ipynb")
    assert notebook_summary(tmp_path / "r.ipynb") == {
        "findings": {"high": 0, "medium": 2, "low": 1, "info": 0},
        "tiles": {"red": 1, "amber": 0, "green": 1},
        "top_finding": "bigger",
        "label": "B001 North",
        "period": "2026-10",
    }


def test_batch_command_user_errors_are_one_red_line(tmp_path):
    from typer.testing import CliRunner

    from branch_consult.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["batch", "bank_overview", "--out", str(tmp_path)])
    assert (
        result.exit_code == 2
        and "declares no batch" in result.output
        and "Traceback" not in result.output
    )
    result = runner.invoke(
        app, ["batch", str(FIXTURE), "--out", str(tmp_path), "--items", "B001,ZZZ"]
    )
    assert result.exit_code == 2 and "ZZZ not found in branches.branch_id" in result.output
    result = runner.invoke(app, ["batch", str(FIXTURE), "--out", str(tmp_path), "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs 0: give at least 1" in result.output
    assert not (tmp_path / "manifest.json").exists()


@pytest.mark.browser
def test_index_page_sorts_and_filters_in_the_browser(tmp_path, chromium):
    manifest = Manifest(tmp_path / "manifest.json", {})
    manifest.items = {
        item: {
            "status": "done",
            "seconds": seconds,
            "outputs": {"html": f"{item}.html"},
            "summary": {"label": label, "findings": {"high": high}},
        }
        for item, seconds, label, high in [
            ("B001", 12.5, "城东支行", 2),
            ("B002", 3.0, "人民路支行", 0),
            ("B003", 7.25, "高新园支行", 1),
        ]
    }
    page_file = tmp_path / "index.html"
    page_file.write_text(render_index(manifest, title="t"), encoding="utf-8")
    page = chromium.new_page()
    page.goto(page_file.as_uri())

    def visible_items():
        return page.eval_on_selector_all(
            "#items tbody tr",
            "rs => rs.filter(r => r.style.display !== 'none').map(r => r.cells[0].textContent)",
        )

    page.click("th:has-text('seconds')")
    assert visible_items() == ["B002", "B003", "B001"]
    page.click("th:has-text('findings: high')")
    assert visible_items() == ["B002", "B003", "B001"]
    page.click("th:has-text('findings: high')")
    assert visible_items() == ["B001", "B003", "B002"]
    page.fill("#q", "高新")
    assert visible_items() == ["B003"]
    page.close()
