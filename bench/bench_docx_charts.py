"""Benchmark: a 10-chart Word report with the warm renderer vs a cold kaleido per chart.

Run: .venv/bin/python bench/bench_docx_charts.py
"""

from __future__ import annotations

import time

import nbformat
import numpy as np

from branch_consult import charts
from branch_consult.display import Figure
from branch_consult.export import chart_renderer
from branch_consult.export.docx_exporter import notebook_to_docx

N_CHARTS = 10


class ColdRenderer:
    """Starts and stops Chromium for every figure: the per-call start-up we avoid."""

    def to_png(self, fig, width=900, height=450, scale=2.0) -> bytes:
        return chart_renderer.render_png_cold(fig, width, height, scale)


def report() -> nbformat.NotebookNode:
    rng = np.random.default_rng(7)
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    cells = [nbformat.v4.new_markdown_cell("# 图表基准 Chart benchmark")]
    for i in range(N_CHARTS):
        if i % 2:
            fig = charts.line_chart(
                months,
                {"本网点": rng.uniform(8e6, 1.2e7, 10)},
                title=f"存款趋势 {i}",
                value_title="存款",
                value_format="wan",
                shaded=[("2026-01", "2026-03", "旺季")],
            )
        else:
            fig = charts.bar_chart(
                [f"网点{j}" for j in range(8)],
                rng.uniform(5e6, 2e7, 8),
                title=f"各网点存款 {i}",
                value_title="存款",
                value_format="wan",
                highlight="网点3",
            )
        bundle = Figure(fig=fig, caption=f"图表 {i}")._repr_mimebundle_()
        cells.append(
            nbformat.v4.new_code_cell(
                "", outputs=[nbformat.v4.new_output("display_data", data=bundle)]
            )
        )
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["branch_consult"] = {"title": "Benchmark", "lang": "zh"}
    return nb


def main() -> None:
    nb = report()
    t0 = time.perf_counter()
    with chart_renderer.StaticRenderer() as warm:
        warm_bytes = notebook_to_docx(nb, renderer=warm)
    t_warm = time.perf_counter() - t0  # includes the one Chromium start and stop
    t0 = time.perf_counter()
    cold_bytes = notebook_to_docx(nb, renderer=ColdRenderer())
    t_cold = time.perf_counter() - t0
    print(f"charts: {N_CHARTS}")
    print(
        f"warm renderer (one Chromium, start+stop included): {t_warm:6.2f} s  ({len(warm_bytes) // 1024} KiB)"
    )
    print(
        f"cold render per chart (Chromium per figure):       {t_cold:6.2f} s  ({len(cold_bytes) // 1024} KiB)"
    )
    print(f"speed-up: {t_cold / t_warm:.1f}x")


if __name__ == "__main__":
    main()
