"""Parameter schema: parsing the parameters cell, validation messages, coercion of CLI strings."""

from pathlib import Path

import nbformat
import pytest

from branch_consult.params import ParameterError, ParamSchema, load_params_file, merge_params

NOTEBOOKS = Path(__file__).parent / "notebooks"


@pytest.fixture(scope="module")
def schema() -> ParamSchema:
    return ParamSchema.from_notebook(nbformat.read(NOTEBOOKS / "simple.ipynb", as_version=4))


def test_reads_names_types_defaults_help_and_choices(schema):
    assert schema.names == ["name", "count", "ratio", "shout", "tags", "lang"]
    count = schema.get("count")
    assert (count.type, count.default, count.help) == ("int", 2, "How many rows")
    assert schema.get("tags").default == ["a", "b"]
    assert schema.get("lang").choices == ("zh", "en")


def test_defaults_fill_in(schema):
    assert schema.validate({}) == {
        "name": "world",
        "count": 2,
        "ratio": 0.5,
        "shout": False,
        "tags": ["a", "b"],
        "lang": "en",
    }


def test_cli_strings_are_coerced(schema):
    got = schema.validate(
        {"count": "5", "ratio": "0.25", "shout": "yes", "tags": "[x, y]", "name": "007"}
    )
    assert got["count"] == 5 and got["ratio"] == 0.25 and got["shout"] is True
    assert got["tags"] == ["x", "y"]
    assert got["name"] == "007"  # text stays text, leading zeros kept
    assert schema.validate({"tags": "p, q"})["tags"] == ["p", "q"]


def test_unknown_name_suggests_the_close_one(schema):
    with pytest.raises(ParameterError) as err:
        schema.validate({"cuont": 3})
    msg = str(err.value)
    assert "unknown parameter 'cuont'" in msg and "did you mean 'count'" in msg
    assert "name, count, ratio, shout, tags, lang" in msg
    assert "\n" not in msg


def test_wrong_types_are_all_reported(schema):
    with pytest.raises(ParameterError) as err:
        schema.validate({"count": "many", "shout": "perhaps", "name": 3})
    problems = err.value.problems
    assert any("'count': expected a whole number, got 'many'" in p for p in problems)
    assert any("'shout': expected true or false" in p for p in problems)
    assert any("'name': expected text, got 3" in p for p in problems)


def test_choices_enforced(schema):
    with pytest.raises(ParameterError, match="'lang': 'fr' is not one of zh, en"):
        schema.validate({"lang": "fr"})


def test_branch_ids_checked_lazily_against_the_data():
    nb = nbformat.read(NOTEBOOKS / "branch.ipynb", as_version=4)
    schema = ParamSchema.from_notebook(nb)
    calls = []

    def ids():
        calls.append(1)
        return ["B001", "B002", "B003"]

    assert schema.validate({"branch_id": "B002"}, branch_ids=ids)["branch_id"] == "B002"
    with pytest.raises(ParameterError) as err:
        schema.validate({"branch_id": "B0003"}, branch_ids=ids)
    msg = str(err.value)
    assert "unknown branch 'B0003'" in msg and "B001, B002, B003" in msg and "did you mean" in msg
    calls.clear()
    with pytest.raises(ParameterError):  # a name error is reported without touching the data
        schema.validate({"brnach_id": "B1"}, branch_ids=ids)
    assert calls == []


def test_unparseable_parameter_line_is_refused():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "a: int = 1  # fine\nb = 2; c = 3", metadata={"tags": ["parameters"]}
            )
        ]
    )
    with pytest.raises(ValueError, match="cannot read the declaration of"):
        ParamSchema.from_notebook(nb)


def test_params_file_merges_under_cli_values(tmp_path, schema):
    f = tmp_path / "p.yaml"
    f.write_text("count: 7\nname: file\n", encoding="utf-8")
    merged = merge_params(load_params_file(str(f)), {"name": "cli"})
    assert schema.validate(merged) == {**schema.defaults(), "count": 7, "name": "cli"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="must hold a mapping"):
        load_params_file(str(bad))
    with pytest.raises(ParameterError, match="cannot read parameters file"):
        load_params_file(str(tmp_path / "missing.yaml"))
