"""Display objects: payload contract, HTML escaping, DataFrame conversion."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from pydantic import ValidationError

from branch_consult import display
from branch_consult.display import (
    PAYLOAD_MIME,
    PLOTLY_MIME,
    Callout,
    Figure,
    Finding,
    Scorecard,
    Table,
    Tile,
)

NASTY = '<script>alert("x")</script>\n"quoted" & \'single\'\x07\x00end'


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "branch": ["城东支行", NASTY, "城西支行"],
            "deposits": [12_345_000.0, np.nan, 8_000_000.0],
            "customers": np.array([120, 98, 75], dtype="int64"),
            "share": [0.1234, None, 0.5],
            "month": pd.to_datetime(["2026-10-31", None, "2026-09-30"]),
        }
    )


def test_from_frame_converts_types_and_nan():
    t = Table.from_frame(
        _frame(),
        caption="存款",
        formats={"deposits": "wan", "share": "pct1"},
        labels={"deposits": "存款"},
        source="OCRM",
    )
    p = t.payload()
    assert p["kind"] == "table" and p["version"] == 1
    assert [c["format"] for c in p["columns"]] == ["text", "wan", "int", "pct1", "date"]
    assert p["columns"][1]["label"] == "存款"
    assert p["rows"][1][1] is None and p["rows"][1][3] is None and p["rows"][1][4] is None
    assert type(p["rows"][0][2]) is int and p["rows"][0][4] == "2026-10-31"
    # control characters are gone before the payload is written
    assert "\x07" not in p["rows"][1][0] and "\x00" not in p["rows"][1][0]
    json.dumps(p, allow_nan=False)  # strict JSON: no NaN sneaks through


def test_highlight_predicate_and_positions():
    t = Table.from_frame(_frame(), caption="c", highlight=lambda r: r["branch"] == "城西支行")
    assert t.highlight_rows == [2]
    assert Table.from_frame(_frame(), caption="c", highlight=[0, 0, 1]).highlight_rows == [0, 1]
    assert 'class="bc-highlight"' in t.to_html()


def test_table_validates_shape():
    with pytest.raises(ValidationError):
        Table(caption="c", columns=[{"key": "a", "label": "A"}], rows=[[1, 2]])
    with pytest.raises(ValidationError):
        Table(caption="c", columns=[{"key": "a", "label": "A"}], rows=[[1]], highlight_rows=[3])


def test_html_escapes_everything():
    t = Table.from_frame(_frame(), caption=NASTY, labels={"branch": NASTY}, source=NASTY)
    objs = [
        t,
        Finding(severity="high", title=NASTY, evidence=NASTY, action=NASTY, subject=NASTY),
        Scorecard(caption=NASTY, tiles=[Tile(label=NASTY, value=1.5, note=NASTY)]),
        Callout(style="warning", title=NASTY, text=NASTY),
        Figure(fig=go.Figure(), caption=NASTY, source=NASTY),
    ]
    for obj in objs:
        html = obj._repr_html_()
        assert "<script>" not in html and "alert(&quot;x&quot;)" in html
        assert "&#x27;single&#x27;" in html
        assert "\x07" not in html and "\x00" not in html
        assert "<br>" in html  # newline in data shown as a line break


def test_css_classes_follow_contract():
    assert (
        'class="bc-finding bc-sev-medium"'
        in Finding(severity="medium", title="t", evidence="e", action="a").to_html()
    )
    sc = Scorecard(caption="c", tiles=[Tile(label="存款", value=0.5, format="pct0", status="red")])
    assert "bc-tile bc-status-red" in sc.to_html() and "50%" in sc.to_html()
    assert "bc-callout bc-callout-tip" in Callout(style="tip", text="x").to_html()


@pytest.mark.parametrize(
    "obj",
    [
        Table(
            caption="c",
            columns=[{"key": "a", "label": "A", "format": "wan"}],
            rows=[[1.0], [None]],
            highlight_rows=[1],
        ),
        Finding(severity="low", title="t", evidence="e", action="a"),
        Scorecard(caption="c", tiles=[Tile(label="l", value=None, status="amber")]),
        Callout(text="hello", title=None),
        Figure(fig=go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), caption="图", width=800, height=400),
    ],
)
def test_payload_round_trip(obj):
    bundle = obj._repr_mimebundle_()
    payload = json.loads(json.dumps(bundle[PAYLOAD_MIME], allow_nan=False))
    assert payload["version"] == 1
    again = display.from_payload(payload)
    assert type(again) is type(obj) and again == obj
    assert isinstance(bundle["text/plain"], str) and bundle["text/plain"]


def test_figure_bundle_has_plotly_mime():
    fig = go.Figure(go.Scatter(x=[1, 2], y=np.array([3.0, 4.0])))
    f = Figure(fig=fig, caption="趋势", source="core banking")
    bundle = f._repr_mimebundle_()
    plot = bundle[PLOTLY_MIME]
    assert plot["data"][0]["type"] == "scatter"
    assert plot["layout"]["width"] == 900
    assert bundle[PAYLOAD_MIME]["figure"]["data"][0]["type"] == "scatter"


def test_unknown_payload_kind_rejected():
    with pytest.raises(ValueError):
        display.from_payload({"kind": "kpis", "version": 1})


def test_display_lang_switch():
    t = Table(caption="c", columns=[{"key": "a", "label": "A", "format": "wan"}], rows=[[20000]])
    try:
        display.set_display_lang("en")
        assert "2.0 wan" in t.to_html()
    finally:
        display.set_display_lang("zh")
    assert "2.0万" in t.to_html()
    with pytest.raises(ValueError):
        display.set_display_lang("fr")


def test_source_lines_carry_the_same_prefix_as_word():
    t = Table(caption="c", source="核心系统", columns=[{"key": "a", "label": "A"}], rows=[["x"]])
    assert '<p class="bc-source">来源：核心系统</p>' in t.to_html("zh")
    assert '<p class="bc-source">Source: 核心系统</p>' in t.to_html("en")
    f = Figure(fig=go.Figure(), caption="c", source="OCRM")
    assert "Source: OCRM" in f.to_html("en") and "来源：OCRM" in f.to_html("zh")


def test_text_columns_holding_numbers_are_right_aligned():
    t = Table(
        caption="c",
        columns=[{"key": "k", "label": "指标"}, {"key": "v", "label": "本网点"}],
        rows=[["存款余额", "2,591.0万"], ["增长率", "13.8%"], ["等候", None]],
    )
    assert t.numeric_columns("zh") == [False, True]
    assert '<th class="bc-num bc-keep">本网点</th>' in t.to_html("zh")
    assert '<td class="bc-text bc-keep">存款余额</td>' in t.to_html("zh")


def test_short_text_columns_do_not_wrap_long_ones_may():
    t = Table(
        caption="c",
        columns=[{"key": "n", "label": "网点"}, {"key": "a", "label": "行动"}],
        rows=[
            ["人民路支行", "实行午间错峰就餐与弹性排班，保证午间开足柜台；大堂经理在入口做一级分流"]
        ],
    )
    html = t.to_html("zh")
    assert '<td class="bc-text bc-keep">人民路支行</td>' in html
    assert '<td class="bc-text">实行午间' in html
    assert '<th class="bc-text bc-keep">网点</th>' in html  # short headers stay on one line
    long = Table(
        caption="c", columns=[{"key": "a", "label": "同类四分位区间（万元）"}], rows=[["x"]]
    ).to_html("zh")
    assert '<th class="bc-text">同类四分位区间（万元）</th>' in long


def test_long_text_cells_are_shortened_with_a_note_in_the_report_language():
    from branch_consult.display import Table, set_display_lang
    from branch_consult.display.models import MAX_CELL_CHARS

    set_display_lang("en")
    try:
        table = Table.from_frame(
            pd.DataFrame({"name": ["x" * 1_000_000, "short"]}),
            caption="Branches",
            note="Source: extract.",
        )
    finally:
        set_display_lang("zh")
    assert len(table.rows[0][0]) == MAX_CELL_CHARS and table.rows[0][0].endswith("…")
    assert table.rows[1][0] == "short"
    assert (
        table.note
        == f"Source: extract. Text longer than {MAX_CELL_CHARS} characters is shortened (ending in “…”)."
    )
    again = Table.from_payload(
        table.payload()
    )  # a round trip through the notebook adds no second note
    assert again.note == table.note and again.rows == table.rows
    zh = Table.from_frame(pd.DataFrame({"name": ["名" * 400]}), caption="网点")
    assert zh.note == f"超过{MAX_CELL_CHARS}字的文字已截断（以“…”结尾）。"
