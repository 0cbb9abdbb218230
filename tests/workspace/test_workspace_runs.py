"""End to end in a workspace: a client extract in data/ gives a branded report, a scaffolded
playbook runs at once, and nothing is written into the package or this repository."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import nbformat
import pytest

import branch_consult
from branch_consult.resources import sample_bank_dir

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(branch_consult.__file__).resolve().parent
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def _digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (following the package's links) with its checksum."""
    found = {}
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if d not in SKIP and not d.endswith(".egg-info")]
        for name in files:
            path = Path(root, name)
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCH_CONSULT")}
    done = subprocess.run(
        [sys.executable, "-m", "branch_consult.cli", *args],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    before = {"repo": _digest(REPO), "package": _digest(PACKAGE)}
    ws = tmp_path_factory.mktemp("client") / "acme"
    _cli(
        ws.parent,
        "init",
        str(ws),
        "--client",
        "Acme Savings Bank",
        "--consultant",
        "Li & Partners",
        "--lang",
        "en",
        "--colour",
        "#8A1538",
    )
    shutil.copytree(sample_bank_dir(), ws / "data", dirs_exist_ok=True)  # the client's extract
    diagnostic = _cli(ws, "run", "branch_diagnostic", "-p", "branch_id", "B005")
    _cli(ws, "new-playbook", "deposit_review")
    scaffolded = _cli(ws, "run", "deposit_review")
    probe = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('lang: str = "en"', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "from branch_consult import workspace\n"
                "print('secret', workspace.pseudonym_secret())"
            ),
        ]
    )
    probe.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(probe, ws / "playbooks" / "secret_probe.ipynb")
    probed = _cli(ws, "run", "secret_probe", "--formats", "html")
    after = {"repo": _digest(REPO), "package": _digest(PACKAGE)}
    return ws, diagnostic, scaffolded, before, after, probed


@pytest.mark.slow
def test_client_report_carries_name_logo_and_colour(runs):
    ws, diagnostic, *_ = runs
    out = {Path(p).suffix: Path(p) for p in diagnostic.stdout.split()}
    assert out[".docx"].parent == ws / "out"
    assert "sample" not in diagnostic.stderr.lower()
    d = docx.Document(str(out[".docx"]))
    body = "\n".join(p.text for p in d.paragraphs[:20])
    assert "ACME SAVINGS BANK" in body and "Li & Partners" in body and "示例银行" not in body
    assert "Acme Savings Bank · Branch diagnostic" in d.sections[0].header.paragraphs[0].text
    logo = (ws / "templates" / "logo.png").read_bytes()
    media = [
        zipfile.ZipFile(io.BytesIO(out[".docx"].read_bytes())).read(n)
        for n in zipfile.ZipFile(out[".docx"]).namelist()
        if n.startswith("word/media/")
    ]
    assert logo in media  # on the cover and in the header
    html = out[".html"].read_text(encoding="utf-8")
    assert (
        "Acme Savings Bank" in html and 'class="bc-cover-logo" src="data:image/png;base64,' in html
    )
    assert "--bc-navy:#8A1538" in html and "示例银行" not in html


@pytest.mark.slow
def test_scaffolded_playbook_runs_at_once(runs):
    ws, _, scaffolded, *_ = runs
    written = [Path(p) for p in scaffolded.stdout.split()]
    assert {p.suffix for p in written} == {".ipynb", ".docx", ".html"}
    d = docx.Document(str(next(p for p in written if p.suffix == ".docx")))
    assert any("Deposits by region" in p.text for p in d.paragraphs)
    assert len(d.tables) >= 1 and len(d.inline_shapes) >= 2  # the table, the chart (and the logo)


@pytest.mark.slow
def test_nothing_written_into_the_package_or_the_repository(runs):
    _, _, _, before, after, _ = runs
    assert after["package"] == before["package"]
    assert after["repo"] == before["repo"]


@pytest.mark.slow
def test_the_kernel_sees_the_workspace_secret(runs):
    ws, *_, probed = runs
    import tomllib

    secret = tomllib.loads((ws / "branch-consult.toml").read_text(encoding="utf-8"))[
        "pseudonym_secret"
    ]
    executed = nbformat.read(
        next(Path(p) for p in probed.stdout.split() if p.endswith(".ipynb")), as_version=4
    )
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert f"secret {secret}" in printed
    html = next(Path(p) for p in probed.stdout.split() if p.endswith(".html")).read_text(
        encoding="utf-8"
    )
    assert secret in html  # printed output is shown; a real playbook never prints its secret
