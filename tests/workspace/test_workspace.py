"""Workspaces: what init creates, how commands find one, what a run takes from it."""

from __future__ import annotations

import stat
import tomllib

import nbformat
import pytest
from typer.testing import CliRunner

from branch_consult import workspace
from branch_consult.cli import app
from branch_consult.params import ParamSchema
from branch_consult.playbooks import get_playbook, list_playbooks
from branch_consult.resources import sample_bank_dir
from branch_consult.scaffold import ScaffoldError, new_playbook

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_active_workspace(monkeypatch, tmp_path):
    monkeypatch.setenv(workspace.WORKSPACE_ENV, "")  # recorded, so whatever a run sets is undone
    monkeypatch.delenv(workspace.WORKSPACE_ENV)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def ws(tmp_path, monkeypatch):
    made = workspace.init(
        tmp_path / "acme",
        client="Acme Bank",
        consultant="Li Consulting",
        lang="en",
        brand_colour="#aa3300",
    )
    monkeypatch.chdir(made.root)
    return made


def test_init_creates_every_part_with_a_private_config(ws):
    for part in ("playbooks", "templates", "data", "out"):
        assert (ws.root / part).is_dir()
    assert (ws.root / "templates" / "reference.docx").is_file()
    assert (ws.root / "templates" / "html" / "consult" / "index.html.j2").is_file()
    assert (ws.root / "templates" / "logo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (ws.root / "README.md").read_text(encoding="utf-8")
    assert all(f"`{part}/`" in readme for part in ("playbooks", "templates", "data", "out"))
    assert stat.S_IMODE(ws.config_path.stat().st_mode) == 0o600
    raw = tomllib.loads(ws.config_path.read_text(encoding="utf-8"))
    assert set(raw) == set(workspace.FIELDS)
    assert raw["client"] == "Acme Bank" and raw["brand_colour"] == "#AA3300" and raw["lang"] == "en"
    assert len(raw["pseudonym_secret"]) == 64 and ws.pseudonym_secret == raw["pseudonym_secret"]


def test_each_workspace_gets_its_own_secret(tmp_path):
    a = workspace.init(tmp_path / "a")
    b = workspace.init(tmp_path / "b")
    assert a.pseudonym_secret != b.pseudonym_secret


def test_init_refuses_an_existing_workspace(ws):
    with pytest.raises(workspace.WorkspaceError, match="already"):
        workspace.init(ws.root)


def test_found_from_a_subfolder_and_named_by_the_environment(ws, monkeypatch, tmp_path):
    monkeypatch.chdir(ws.root / "data")
    assert workspace.current().root == ws.root
    assert workspace.pseudonym_secret() == ws.pseudonym_secret
    other = workspace.init(tmp_path / "other", client="Other")
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(other.root))
    assert workspace.current().client == "Other"


def test_outside_a_workspace_there_is_none(tmp_path):
    assert workspace.current() is None and workspace.pseudonym_secret() is None


def test_bad_configuration_is_one_message_naming_file_and_keys(ws):
    ws.config_path.write_text(
        'client = 3\ncolour = "red"\nbrand_colour = "navy"\nlang = "fr"\n', encoding="utf-8"
    )
    with pytest.raises(workspace.WorkspaceError) as err:
        workspace.load(ws.root)
    text = str(err.value)
    assert str(ws.config_path) in text
    assert "'client' must be a str" in text and "unknown key 'colour'" in text
    assert "brand_colour" in text and "'lang' must be zh or en" in text


def test_empty_data_folder_means_the_sample(ws):
    assert ws.data_location() is None
    (ws.root / "data" / "branches.csv").write_text("branch_id\n", encoding="utf-8")
    assert ws.data_location() == str(ws.root / "data")


def _schema(*names):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("\n".join(f'{n}: str = ""' for n in names))
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    return ParamSchema.from_notebook(nb)


def test_run_takes_client_language_and_data_from_the_workspace(ws, capsys):
    (ws.root / "data" / "branches.csv").write_text("branch_id\n", encoding="utf-8")
    s = workspace.run_settings(_schema("data", "lang", "client"), None, {}, None)
    assert s.data == str(ws.root / "data") and s.lang == "en" and s.params["client"] == "Acme Bank"
    assert not s.sample and "sample" not in capsys.readouterr().err
    assert s.meta["brand_colour"] == "#AA3300" and s.meta["logo"].endswith("logo.png")
    assert s.meta["consultant"] == "Li Consulting"
    given = workspace.run_settings(
        _schema("data", "lang", "client"), "/x", {"client": "Mine"}, "zh"
    )
    assert given.data == "/x" and given.lang == "zh" and given.params["client"] == "Mine"


def test_sample_runs_say_so_and_only_the_sample_gets_its_name(capsys):
    s = workspace.run_settings(_schema("data", "lang", "client"), None, {"lang": "zh"}, None)
    assert s.sample and s.meta["sample_data"] and s.params["client"] == "示例银行"
    assert "sample bank" in capsys.readouterr().err
    other = workspace.run_settings(_schema("data", "lang", "client"), "/client/extract", {}, None)
    assert not other.sample and other.params["client"] == ""
    explicit = workspace.run_settings(_schema("data", "client"), str(sample_bank_dir()), {}, "en")
    assert explicit.sample and explicit.params["client"] == "Sample Bank (synthetic)"


def test_playbook_without_client_parameter_still_gets_the_client_on_its_cover(ws):
    s = workspace.run_settings(_schema("data"), "/client/extract", {}, None)
    assert s.meta["client"] == "Acme Bank"


def test_workspace_playbooks_come_first_then_the_built_in_ones(ws):
    new_playbook("bank_overview", ws.playbooks_dir, source="branch_diagnostic")
    new_playbook("my_review", ws.playbooks_dir)
    names = [pb.name for pb in list_playbooks()]
    assert (
        "my_review" in names and "branch_diagnostic" in names and names.count("bank_overview") == 1
    )
    assert get_playbook("bank_overview").path.parent == ws.playbooks_dir


def test_scaffold_declares_typed_parameters_and_refuses_bad_names(tmp_path):
    path = new_playbook("deposit_review", tmp_path)
    schema = get_playbook(str(path)).params
    assert {s.name: s.type for s in schema.specs} == {
        "data": "str",
        "month": "str",
        "lang": "str",
        "client": "str",
    }
    with pytest.raises(ScaffoldError, match="exists"):
        new_playbook("deposit_review", tmp_path)
    with pytest.raises(ScaffoldError, match="lower-case"):
        new_playbook("Bad Name", tmp_path)
    with pytest.raises(ScaffoldError, match="unknown playbook"):
        new_playbook("copy", tmp_path, source="nope")


def test_cli_init_new_playbook_and_params(tmp_path, monkeypatch):
    result = runner.invoke(app, ["init", str(tmp_path / "w"), "--client", "Acme", "--lang", "en"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "w")
    result = runner.invoke(app, ["new-playbook", "deposit_review"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "playbooks" / "deposit_review.ipynb").is_file()
    listed = runner.invoke(app, ["playbooks"])
    assert "deposit_review" in listed.output and "bank_overview" in listed.output
    params = runner.invoke(app, ["params", "deposit_review"])
    assert params.exit_code == 0 and "month" in params.output


def test_cli_errors_are_one_red_line(tmp_path):
    result = runner.invoke(app, ["new-playbook", "x_y"])
    assert result.exit_code == 2 and "no workspace here" in result.output
    result = runner.invoke(app, ["--workspace", str(tmp_path), "playbooks"])
    assert result.exit_code == 2 and "not a workspace" in result.output
    result = runner.invoke(app, ["init", str(tmp_path / "w"), "--colour", "blue"])
    assert result.exit_code == 2 and "#1F3B5C" in result.output
    result = runner.invoke(app, ["lab", "--no-browser"])
    assert result.exit_code == 2 and "branch-consult init" in result.output


def test_any_notebook_exported_in_a_workspace_gets_its_client_and_logo(ws):
    import io
    from pathlib import Path

    import docx

    from branch_consult.export.docx_exporter import notebook_to_docx
    from branch_consult.export.html_exporter import notebook_to_html

    path = Path(__file__).resolve().parents[1] / "corpus" / "structure.ipynb"
    d = docx.Document(io.BytesIO(notebook_to_docx(path)))
    cover = [p.text for p in d.paragraphs[:12]]
    assert "ACME BANK" in cover and "Workshop plan" in cover
    assert len(d.inline_shapes) == 1  # the workspace logo on the cover
    html = notebook_to_html(nbformat.read(path, as_version=4))
    assert "Acme Bank" in html and "bc-cover-logo" in html and "--bc-navy:#AA3300" in html
