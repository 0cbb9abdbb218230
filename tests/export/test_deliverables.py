"""The real deliverable, end to end: papermill runs the branch diagnostic on the sample
bank, where one branch's name has been made hostile; LibreOffice opens the Word file
and headless Chromium opens the HTML, as a client would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from branch_consult.data import sample_path
from branch_consult.run import run_playbook

EVIL = '<script>window.__pwned=1</script>"城东"\n支行\x07'
BRANCH = "B003"  # the lunchtime-queue branch of the sample


@pytest.fixture(scope="module")
def deliverables(tmp_path_factory) -> dict[str, Path]:
    data = tmp_path_factory.mktemp("bank")
    for file in sample_path().iterdir():
        shutil.copy(file, data / file.name)
    branches = pd.read_csv(data / "branches.csv", dtype=str, keep_default_na=False)
    branches.loc[branches["branch_id"] == BRANCH, "name"] = EVIL
    branches.to_csv(data / "branches.csv", index=False)
    out = tmp_path_factory.mktemp("out")
    result = run_playbook(
        "branch_diagnostic", data=str(data), out_dir=out, params={"branch_id": BRANCH}, lang="zh"
    )
    return {p.suffix: p for p in result.paths}


@pytest.mark.slow
@pytest.mark.office
def test_word_deliverable_opens_in_libreoffice(deliverables, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip(
            "LibreOffice/poppler missing: apt-get install libreoffice-writer-nogui poppler-utils"
        )
    src = deliverables[".docx"]
    res = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / (src.stem + ".pdf")
    assert pdf.exists(), res.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in (
        "摘要",
        "主要发现",
        "午间客户等候时间远高于同类网点",
        "行动计划",
        "大堂经理",
        "<script>",
    ):
        assert re.sub(r"\s+", "", expected) in flat, expected
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len([ln for ln in images.splitlines()[2:] if ln.strip()]) >= 8  # the charts are there
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
        ).group(1)
    )
    assert 8 <= pages <= 40


@pytest.mark.slow
@pytest.mark.browser
def test_html_deliverable_renders_in_chromium(deliverables, tmp_path, chromium):
    errors: list[str] = []
    page = chromium.new_page(viewport={"width": 1200, "height": 1600})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            errors.append(f"network: {r.url}")
            if not r.url.startswith(("file:", "data:", "blob:"))
            else None
        ),
    )
    page.goto(deliverables[".html"].as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    charts = page.locator(".js-plotly-plot").count()
    assert charts >= 8
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=30_000
    )
    assert page.evaluate("typeof window.__pwned") == "undefined"
    body = page.inner_text("body")
    assert "午间客户等候时间远高于同类网点" in body and "<script>window.__pwned=1</script>" in body
    page.screenshot(path=str(tmp_path / "diagnostic.png"), full_page=False)
    assert errors == []
