"""The staff-fit review playbook: staff ids checked before any kernel starts; the real
deliverables (Word and HTML, zh and en) carry no real staff name when pseudonymised."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from branch_consult.data import open_dataset, sample_path
from branch_consult.params import ParameterError, split_ids
from branch_consult.playbooks import get_playbook
from branch_consult.run import run_playbook

PLANTED = json.loads((sample_path() / "planted.json").read_text(encoding="utf-8"))
PAIR = f"{PLANTED['underperformer']['staff_id']},{PLANTED['top_performer_lost']['staff_id']}"


def test_defaults_review_the_planted_pair():
    schema = get_playbook("staff_fit_review").params
    assert split_ids(schema.defaults()["staff_ids"]) == PAIR.split(",")
    assert schema.get("staff_ids").kind == "staff_id" and schema.defaults()["pseudonymise"] is True


def test_each_unknown_staff_id_gets_a_did_you_mean():
    schema = get_playbook("staff_fit_review").params
    ids = ["S00118", "S00121", "S00122"]
    assert (
        schema.validate({"staff_ids": "S00121, S00118"}, staff_ids=lambda: ids)["staff_ids"]
        == "S00121, S00118"
    )
    with pytest.raises(ParameterError) as err:
        schema.validate({"staff_ids": "S00121,S0118,X"}, staff_ids=lambda: ids)
    assert "unknown staff 'S0118' (did you mean 'S00118'?) in table staff" in str(err.value)
    assert "unknown staff 'X' in table staff" in str(err.value)
    with pytest.raises(ParameterError, match="at least one staff id"):
        schema.validate({"staff_ids": " , "}, staff_ids=lambda: ids)


def test_unknown_staff_refused_before_any_kernel_starts(tmp_path):
    with pytest.raises(ParameterError, match="did you mean 'S00121'"):
        run_playbook(
            "staff_fit_review", out_dir=tmp_path, params={"staff_ids": "S0121"}, formats=["html"]
        )
    assert list(tmp_path.iterdir()) == []


def _texts(path: Path) -> dict[str, str]:
    """Every part of an output file as text: each XML part of a .docx (docProps included), or the file."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return {
                f"{path.name}:{n}": z.read(n).decode("utf-8", "replace")
                for n in z.namelist()
                if not n.startswith("word/media/")
            }
    return {path.name: path.read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def deliverables(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("staff_review")
    paths: list[Path] = []
    for lang in ("zh", "en"):
        result = run_playbook("staff_fit_review", out_dir=out, lang=lang)
        paths += result.paths
    return paths


@pytest.mark.slow
def test_word_and_html_in_both_languages_without_real_names(deliverables):
    assert sorted(p.suffix for p in deliverables) == [
        ".docx",
        ".docx",
        ".html",
        ".html",
        ".ipynb",
        ".ipynb",
    ]
    names = [n for n in open_dataset(None).table("staff")["name"].astype(str) if n.strip()]
    leaks = {
        part: [n for n in names if n in text]
        for path in deliverables
        for part, text in _texts(path).items()
    }
    assert {part: found for part, found in leaks.items() if found} == {}
    html = {p.stem[-2:]: p.read_text(encoding="utf-8") for p in deliverables if p.suffix == ".html"}
    assert "人岗匹配案例复盘" in html["zh"] and "Staff-fit case review" in html["en"]
    assert "员工-" in html["zh"] and "Staff-" in html["en"]


@pytest.mark.slow
def test_key_file_maps_every_token_back(deliverables):
    keys = [p.with_name(p.stem + ".key.csv") for p in deliverables if p.suffix == ".ipynb"]
    assert all(k.exists() for k in keys)
    import re

    for key, path in zip(keys, [p for p in deliverables if p.suffix == ".ipynb"], strict=True):
        mapped = key.read_text(encoding="utf-8")
        tokens = set(re.findall(r"(?:员工|Staff)-[0-9A-F]{6}", path.read_text(encoding="utf-8")))
        assert tokens and all(t in mapped for t in tokens)
