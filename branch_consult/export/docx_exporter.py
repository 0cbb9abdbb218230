"""Executed playbook notebook → Word deliverable (nbconvert exporter ``consult_docx``).

Reads markdown cells and the outputs the library's display objects left behind (their
``application/vnd.branch-consult+json`` payloads), never code. Charts are re-rendered
from the plotly JSON by one warm kaleido renderer per process.

    jupyter nbconvert --to consult_docx executed.ipynb
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import Exporter
from traitlets import Unicode, default

from branch_consult.display import (
    PAYLOAD_MIME,
    PLOTLY_MIME,
    Callout,
    Figure,
    Finding,
    Scorecard,
    Table,
)
from branch_consult.export.document import complete_meta
from branch_consult.export.docx_builder import DocxBuilder
from branch_consult.export.docx_markdown import MarkdownWriter, heading_list
from branch_consult.export.docx_properties import set_core_properties, set_custom_properties
from branch_consult.export.items import (
    MarkdownText,
    Math,
    Picture,
    Preformatted,
    output_items,
    strip_tags,
)
from branch_consult.export.outline import plan_outline
from branch_consult.export.preprocessors import PAGE_BREAK, cell_label, run_chain

log = logging.getLogger("branch_consult.export")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _package_version() -> str:
    try:
        return importlib.metadata.version("branch-consult")
    except importlib.metadata.PackageNotFoundError:
        from branch_consult import __version__

        return __version__


def _has_figures(nb: Any) -> bool:
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data") or {}
            payload = data.get(PAYLOAD_MIME)
            if (
                isinstance(payload, Mapping)
                and payload.get("kind") == "figure"
                or PLOTLY_MIME in data
            ):
                return True
    return False


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _raw_markdown(cell: Any) -> str | None:
    """A raw cell meant as markdown or HTML is shown as such; other raw cells as preformatted text."""
    fmt = str(
        (cell.get("metadata") or {}).get("format")
        or (cell.get("metadata") or {}).get("raw_mimetype")
        or ""
    )
    return fmt if fmt in ("text/markdown", "text/html", "text/latex") else None


def _shown_markdown(nb: Any) -> list[str]:
    """Markdown the deliverable shows (cells and markdown outputs), in document order."""
    texts = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" or (
            cell.get("cell_type") == "raw" and _raw_markdown(cell) == "text/markdown"
        ):
            texts.append(_source(cell))
        elif cell.get("cell_type") == "code":
            for out in cell.get("outputs") or []:
                texts += [item.text for item in output_items(out) if isinstance(item, MarkdownText)]
    return texts


def _write_item(builder: DocxBuilder, md: MarkdownWriter, item: Any, warn: Any) -> None:
    """One typed output item into the document (the same objects the HTML exporter renders)."""
    if isinstance(item, Table):
        builder.table(item)
    elif isinstance(item, Figure):
        builder.figure(item)
    elif isinstance(item, Finding):
        builder.finding(item)
    elif isinstance(item, Scorecard):
        builder.scorecard(item)
    elif isinstance(item, Callout):
        builder.callout(item)
    elif isinstance(item, Preformatted):
        builder.preformatted(item.text)
    elif isinstance(item, Picture):
        if not builder.image(item.data, item.mime):
            warn(f"{md.where}: {item.mime} output could not be drawn; skipped")
    elif isinstance(item, Math):
        if not builder.math(item.latex, display=True):
            warn(f"{md.where}: formula {item.latex[:40]!r} could not be read; shown as TeX")
            builder.preformatted(item.latex)
    elif isinstance(item, MarkdownText):
        md.write(item.text)


def _write_raw(builder: DocxBuilder, md: MarkdownWriter, cell: Any, warn: Any) -> None:
    kind = _raw_markdown(cell)
    text = _source(cell)
    if not text.strip():
        return
    if kind == "text/markdown":
        md.write(text)
    elif kind == "text/html":
        from branch_consult.export.items import html_table

        table = html_table(text)
        _write_item(
            builder, md, table if table is not None else Preformatted(strip_tags(text)), warn
        )
    elif kind == "text/latex":
        _write_item(builder, md, Math(text.strip().strip("$")), warn)
    else:
        builder.preformatted(text)


def _write_cells(builder: DocxBuilder, md: MarkdownWriter, nb: Any, warn: Any) -> None:
    """Every cell into the document, in order (markdown, raw cells, code cells' outputs)."""
    for index, cell in enumerate(nb.get("cells", [])):
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if PAGE_BREAK in tags:
            builder.page_break()
        md.where = cell_label(index, cell)
        kind = cell.get("cell_type")
        if kind == "markdown":
            md.write(_source(cell), cell.get("attachments"))
        elif kind == "raw":
            _write_raw(builder, md, cell, warn)
        elif kind == "code":
            for out in cell.get("outputs") or []:
                if ((out.get("metadata") or {}).get("branch_consult") or {}).get("page_break"):
                    builder.page_break()  # an output that starts a page (a handout's lecture)
                for item in output_items(out):
                    _write_item(builder, md, item, warn)


def _fill_toc_pages(builder: DocxBuilder, warn: Any) -> bytes:
    """The document with the contents' page numbers, laid out once by LibreOffice.

    Without LibreOffice (or if a heading cannot be found in its layout) the document keeps
    the placeholder numbers and asks Word to update the contents on opening, with a warning.
    """
    from branch_consult.export.office import (
        ConversionFailed,
        OfficeMissing,
        docx_to_pdf,
        pdf_outline,
    )
    from branch_consult.export.toc_pages import heading_pages, layout_copy

    data = builder.save()
    if not builder.headings:
        return data
    try:
        # laid out with 1-pixel pictures of the same extent: the same pages, a third of the work
        pages = heading_pages(pdf_outline(docx_to_pdf(layout_copy(data))), builder.headings)
    except (OfficeMissing, ConversionFailed) as exc:
        warn(f"contents page numbers not filled ({exc}); Word will offer to update them on opening")
        return data
    if pages is None:
        warn(
            "contents page numbers not filled: a heading was not found in LibreOffice's layout; "
            "Word will offer to update them on opening"
        )
        return data
    builder.set_toc_pages(pages)
    return builder.save()


def notebook_to_docx(
    nb: Any,
    reference: str | Path | None = None,
    lang: str | None = None,
    renderer: Any = None,
    base_dir: str | Path | None = None,
    toc_pages: bool = False,
) -> bytes:
    """Build the Word deliverable of an executed notebook and return the .docx bytes.

    ``reference`` is the Word reference document (default ``templates/reference.docx``);
    ``lang`` overrides ``metadata.branch_consult.lang``; ``renderer`` is anything with
    ``to_png(fig, width, height, scale)`` (default: the process-wide warm renderer);
    ``base_dir`` is where markdown images are looked up (default: the notebook's folder).
    Errors in the notebook and anything unreadable are left out and reported as warnings.
    ``toc_pages`` lays the file out once with LibreOffice to write the contents' page numbers
    (a few seconds; without LibreOffice, a warning and Word updates them on opening).
    """
    if isinstance(nb, (str, Path)):
        base_dir = base_dir or Path(nb).resolve().parent
        nb = nbformat.read(str(nb), as_version=4)
    nb, resources = run_chain(nb)
    warnings: list[str] = resources.setdefault("consult_warnings", [])

    def warn(message: str) -> None:
        warnings.append(message)
        log.warning(message)

    meta = complete_meta(nb)
    lang = lang or meta.get("lang") or "zh"
    if renderer is None and _has_figures(nb):
        from branch_consult.export.chart_renderer import get_renderer

        renderer = get_renderer()
    if (
        reference is None
        and meta.get("reference_docx")
        and Path(str(meta["reference_docx"])).is_file()
    ):
        reference = meta["reference_docx"]  # the workspace's own Word template
    builder = DocxBuilder(reference, lang=lang, renderer=renderer)
    md = MarkdownWriter(builder, warn=warn, base_dir=Path(base_dir) if base_dir else Path.cwd())
    headings = [h for text in _shown_markdown(nb) for h in heading_list(text)]
    builder.outline = plan_outline(headings, meta.get("title"))
    builder.cover(meta)
    builder.toc()
    # one page load for all of the document's charts when the renderer offers it
    document = getattr(renderer, "document", None) if _has_figures(nb) else None
    with document() if callable(document) else contextlib.nullcontext():
        _write_cells(builder, md, nb, warn)
    builder.finish_toc()
    builder.header_footer(meta)
    set_core_properties(builder.doc, meta)
    provenance = meta.get("provenance") or {}
    custom: dict[str, Any] = {
        "branch_consult_version": _package_version(),
        "parameters": meta.get("parameters") or {},
        "data_fingerprint": (
            provenance.get("data_fingerprint") or provenance.get("fingerprint") or ""
        )
        if isinstance(provenance, Mapping)
        else "",
        "provenance": provenance,
        "lang": builder.lang,
    }
    for key in ("client", "branch", "date", "confidentiality"):
        if meta.get(key):
            custom[key] = meta[key]
    set_custom_properties(builder.doc, custom)
    if toc_pages:
        return _fill_toc_pages(builder, warn)
    return builder.save()


class DocxExporter(Exporter):
    """nbconvert exporter: ``jupyter nbconvert --to consult_docx executed.ipynb``."""

    output_mimetype = DOCX_MIME
    export_from_notebook = "Word report (branch-consult)"
    reference_docx = Unicode(
        "",
        help="Path of the Word reference document (styles, header/footer); empty = house default.",
    ).tag(config=True)
    lang = Unicode("", help="Deliverable language 'zh' or 'en'; empty = notebook metadata.").tag(
        config=True
    )

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".docx"

    # nbconvert declares a notebook as the result; a binary exporter returns bytes, as its
    # own PDFExporter does (left unannotated there)
    def from_notebook_node(  # type: ignore[override]
        self,
        nb: nbformat.NotebookNode,
        resources: dict[str, Any] | None = None,
        **kw: Any,
    ) -> tuple[bytes, dict[str, Any]]:
        """The .docx bytes of `nb` and the resources nbconvert passes on to its writer."""
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        folder = (resources or {}).get("metadata", {}).get("path") or None
        data = notebook_to_docx(
            nb_copy, reference=self.reference_docx or None, lang=self.lang or None, base_dir=folder
        )
        resources["output_extension"] = ".docx"
        return data, resources
