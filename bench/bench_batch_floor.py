"""`branch-consult batch --jobs 2` against the floor: the same work with nothing around it.

    python bench/bench_batch_floor.py [--branches 4] [--jobs 2] [--data DIR]

Both over the first N branches of the bank (default: the sample), docx + html, measured
side by side in one run, each with an empty result cache:
(a) floor: one process, no notebook execution and no kernel: the bank context computed
    once, then per branch `diagnose`, `word_report`, every report section the playbook
    shows (read from its cells, so the two stay the same), their display bundles put into
    an in-memory notebook with the run's cover metadata, and the same exporters `run`
    calls (`notebook_to_docx(toc_pages=True)` with the warm chart renderer,
    `notebook_to_html(plotlyjs="shared")`), files written;
(b) one `branch-consult batch` command (LocalCluster start, workers, manifest, index).
Prints both wall times, the floor's time per branch after the first, and (b)/(a).
Target of issue 15: the batch within 2x of the floor.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from branch_consult.playbooks import get_playbook
from branch_consult.resources import sample_bank_dir

BIN = Path(sys.executable).parent
SECTION_CALL = re.compile(r"reports\.show\(reports\.(\w+)\(d\)\)")


def floor(branches: list[str], data: str, out: Path) -> tuple[float, float]:
    """Total seconds, and seconds of the branches after the first (renderer and imports warm)."""
    started = time.perf_counter()
    from IPython.core.formatters import DisplayFormatter

    from branch_consult import charts, reports
    from branch_consult.data import open_dataset
    from branch_consult.display import set_display_lang
    from branch_consult.export.docx_exporter import notebook_to_docx
    from branch_consult.export.html_exporter import notebook_to_html, write_shared_plotlyjs
    from branch_consult.results import DiagnosticSettings, bank_context, diagnose
    from branch_consult.run import (
        _apply_workspace,
        _document_meta,
        _named_values,
        _resolve,
        output_stem,
    )

    formatter = DisplayFormatter()  # what IPython's display() records, without a kernel
    playbook = get_playbook("branch_diagnostic")
    template = nbformat.read(playbook.path, as_version=4)
    data_w, params_w, lang_w, branding = _apply_workspace(
        playbook, data, {"branch_id": branches[0]}, None
    )
    resolved = _resolve(playbook, data_w, params_w, lang_w)
    lang = resolved.values["lang"]
    set_display_lang(lang)
    charts.use_house_style()
    ds = open_dataset(data)
    bank = bank_context(ds)  # once per batch
    out.mkdir(parents=True)
    write_shared_plotlyjs(out)
    first_done = started
    for n, branch in enumerate(branches):
        values = {**resolved.values, "branch_id": branch}
        result = diagnose(ds, DiagnosticSettings(branch_id=branch), bank)
        d = reports.word_report(result, lang, pseudonymise=True, start_on="")
        nb = nbformat.from_dict(template)
        for cell in nb.cells:
            call = SECTION_CALL.search(cell.source) if cell.cell_type == "code" else None
            if call:
                objects = getattr(reports, call.group(1))(d)
                cell.outputs = []
                for obj in objects:
                    bundle, metadata = formatter.format(obj)
                    cell.outputs.append(
                        nbformat.v4.new_output("display_data", data=bundle, metadata=metadata)
                    )
        meta = dict(nb.metadata.get("branch_consult", {}))
        meta.pop("parameters", None)
        meta.update(_document_meta(playbook, values, lambda: ds), parameters=values)
        meta.update(branding)
        nb.metadata["branch_consult"] = meta
        stem = output_stem(playbook, _named_values(playbook, values, lambda: ds))
        (out / f"{stem}.docx").write_bytes(notebook_to_docx(nb, toc_pages=True))
        (out / f"{stem}.html").write_text(notebook_to_html(nb, plotlyjs="shared"), encoding="utf-8")
        if n == 0:
            first_done = time.perf_counter()
    ended = time.perf_counter()
    from branch_consult.export.chart_renderer import get_renderer

    get_renderer().stop()
    return ended - started, ended - first_done


def batch(branches: list[str], data: str, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "branch-consult"), "batch", "branch_diagnostic", "--out", str(out)]
        + ["--items", ",".join(branches), "--jobs", str(jobs), "--formats", "docx,html"]
        + ["--data", data],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--data", default=str(sample_bank_dir()))
    args = ap.parse_args()
    from branch_consult.data import open_dataset

    branches = open_dataset(args.data).branch_ids()[: args.branches]
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        os.environ["BRANCH_CONSULT_CACHE_DIR"] = str(Path(tmp) / "cache-floor")
        t_floor, t_rest = floor(branches, args.data, Path(tmp) / "floor")
        os.environ["BRANCH_CONSULT_CACHE_DIR"] = str(Path(tmp) / "cache-batch")
        t_batch = batch(branches, args.data, Path(tmp) / "batch", args.jobs)
    n = len(branches)
    print(f"branches: {n} (docx + html), jobs: {args.jobs}, data: {args.data}")
    print(f"floor (one process, no kernel):     {t_floor:7.1f} s  ({t_floor / n:5.1f} s/branch)")
    if n > 1:
        print(f"  floor per branch after the first: {t_rest / (n - 1):7.1f} s")
    print(
        f"branch-consult batch --jobs {args.jobs}:      {t_batch:7.1f} s  ({t_batch / n:5.1f} s/branch)"
    )
    print(f"ratio batch / floor: {t_batch / t_floor:.2f}x (target: at most 2x)")


if __name__ == "__main__":
    main()
