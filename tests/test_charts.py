"""House style, chart builders and the warm PNG renderer."""

import struct

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from branch_consult import charts
from branch_consult.export.chart_renderer import StaticRenderer


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_template_registered_with_cjk_fonts():
    tpl = pio.templates[charts.TEMPLATE_NAME]
    family = tpl.layout.font.family
    # Latin in Calibri/Carlito as in Word, Chinese in Noto Sans CJK
    assert (
        family.startswith("Calibri, Carlito")
        and '"Noto Sans CJK SC"' in family
        and "Microsoft YaHei" in family
    )
    assert list(tpl.layout.colorway) == charts.PALETTE


def test_bar_highlights_this_branch_and_scales_wan():
    fig = charts.bar_chart(
        ["甲", "乙", "丙"],
        [20_000, 50_000, 10_000],
        highlight="乙",
        value_title="存款",
        value_format="wan",
        title="存款",
    )
    bar = fig.data[0]
    assert list(bar.marker.color) == [charts.BASE_COLOR, charts.HIGHLIGHT_COLOR, charts.BASE_COLOR]
    assert list(bar.y) == [2.0, 5.0, 1.0]
    assert list(bar.text) == ["2.0万", "5.0万", "1.0万"]
    assert fig.layout.yaxis.title.text == "存款 (万元)"
    assert fig.layout.template.layout.font.family == charts.FONT_FAMILY


def test_bar_sorted_horizontal():
    fig = charts.bar_chart(["a", "b", "c"], [1, 3, 2], horizontal=True, sort=True)
    assert list(fig.data[0].y) == [
        "a",
        "c",
        "b",
    ]  # ascending values, reversed axis shows largest on top
    assert fig.data[0].orientation == "h"


def test_line_shades_peak_season_over_whole_months():
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    fig = charts.line_chart(
        months, {"本网点": range(10), "同业": range(10)}, shaded=[("2026-01", "2026-03", "旺季")]
    )
    shape = fig.layout.shapes[0]
    assert shape.x0 == "2025-12-17" and shape.x1 == "2026-03-16"
    assert fig.layout.annotations[0].text == "旺季"
    assert len(fig.data) == 2 and fig.layout.showlegend


def test_waterfall_totals_and_signs():
    fig = charts.waterfall_chart(
        [("新增", 200_000), ("流失", -50_000)], start=("期初", 1_000_000), end_label="期末"
    )
    wf = fig.data[0]
    assert list(wf.measure) == ["absolute", "relative", "relative", "total"]
    assert list(wf.text) == ["100.0万", "+20.0万", "-5.0万", "115.0万"]


def test_heatmap_funnel_peer():
    m = pd.DataFrame([[1.0, np.nan], [3.0, 4.0]], index=["周一", "周二"], columns=[9, 10])
    hm = charts.heatmap_chart(m, value_format="min1")
    assert hm.data[0].z[0][1] is None and hm.data[0].text[1][1] == "4.0分钟"
    fn = charts.funnel_chart(["推荐", "引荐", "成交"], [100, 40, 12])
    assert list(fn.data[0].x) == [100, 40, 12]
    peer = charts.peer_position_chart(
        {"A": 0.1, "B": 0.3, "本行": 0.2}, "本行", value_format="pct1"
    )
    assert peer.data[1].text[0] == "本行: 20.0%"


def test_axis_title():
    assert charts.axis_title("存款", "wan") == "存款 (万元)"
    assert charts.axis_title("Rate", "pct1", "en") == "Rate (%)"
    assert charts.axis_title("Count", "int", "en") == "Count"


@pytest.mark.slow
def test_warm_renderer_renders_chinese_and_reuses_browser():
    fig = charts.bar_chart(
        ["城东支行", "城西支行"], [1.0, 2.0], title="各网点存款余额（万元）", highlight="城西支行"
    )
    blank = charts.bar_chart(["", ""], [None, None])
    with StaticRenderer() as r:
        png = r.to_png(fig, width=600, height=300, scale=2)
        png2 = r.to_png(fig.to_plotly_json() | {}, width=300, height=200, scale=1)
        empty = r.to_png(blank, width=600, height=300, scale=2)
        assert r.renders == 3
    assert not r.running
    assert _png_size(png) == (1200, 600)
    assert _png_size(png2) == (300, 200)
    # drawn text and bars make the image much larger than an empty chart of the same size
    assert len(png) > 15_000 and len(png) > 1.5 * len(empty)


@pytest.mark.slow
def test_renderer_accepts_payload_dict():
    from branch_consult.display import Figure

    payload = Figure(fig=charts.funnel_chart(["推荐", "成交"], [10, 3]), caption="c").payload()
    with StaticRenderer() as r:
        png = r.to_png(payload["figure"], 400, 300, 1)
    assert _png_size(png) == (400, 300)


def test_compact_layout_trims_the_title_band_only_without_a_title():
    plain = charts.figure_json(charts.bar_chart(["A", "B"], [1, 2]))
    assert charts.compact_layout(plain)["layout"]["margin"]["t"] == 28
    legend = charts.figure_json(
        charts.line_chart(["2026-01", "2026-02"], {"a": [1, 2], "b": [2, 3]})
    )
    assert charts.compact_layout(legend)["layout"]["margin"]["t"] == 48
    titled = charts.figure_json(charts.bar_chart(["A", "B"], [1, 2], title="Deposits"))
    assert "margin" not in charts.compact_layout(titled)["layout"]
    assert "margin" not in plain["layout"]  # the input is not modified


@pytest.mark.slow
def test_one_page_load_per_document_gives_the_same_pngs():
    """A document's charts rendered on one page load equal the ones rendered a reload apart."""
    figs = [
        charts.bar_chart(["城东支行", "城西支行"], [1.0, 2.0], title="存款", highlight="城西支行"),
        charts.line_chart(["2026-01", "2026-02"], {"a": [1, 2], "b": [2, 3]}),
        charts.funnel_chart(["推荐", "成交"], [10, 3]),
        charts.bar_chart(["A", "B"], [3.0, 1.0]),
    ]
    with StaticRenderer() as r:
        apart = [r.to_png(f, 680, 340, 3) for f in figs]
        with r.document():
            assert r._tab is not None  # the block really holds one page
            together = [r.to_png(f, 680, 340, 3) for f in figs]
        assert r._tab is None
        again = r.to_png(figs[0], 680, 340, 3)  # the page is usable after the block
    assert together == apart
    assert again == apart[0]


def _event_tasks(renderer: StaticRenderer) -> int:
    """Tasks choreographer holds for browser events, counted on the renderer's loop (after its prunes)."""
    import asyncio

    async def count() -> int:
        return len(renderer._kaleido._broker._background_tasks_cancellable)

    return asyncio.run_coroutine_threadsafe(count(), renderer._loop).result(10)


@pytest.mark.slow
def test_the_warm_renderer_does_not_keep_a_task_per_browser_event():
    """kaleido logs every browser event through a task choreographer keeps until the browser
    closes (~9 per document); a worker's renderer lives for the whole batch."""
    fig = charts.bar_chart(["A", "B"], [1.0, 2.0])
    with StaticRenderer() as r:
        for _ in range(6):
            with r.document():
                r.to_png(fig, 300, 200, 1)
                r.to_png(fig, 300, 200, 1)
        r.to_png(fig, 300, 200, 1)  # and a render outside a document (reloads the page)
        assert _event_tasks(r) < 10  # unpruned: ~9 per document and per reload, here ~60
