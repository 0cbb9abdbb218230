"""Executed playbook notebook → Word deliverable (nbconvert exporter ``consult_docx``).

Reads markdown cells and the outputs the library's display objects left behind (their
``application/vnd.branch-consult+json`` payloads), never code. Charts are re-rendered
from the plotly JSON by one warm kaleido renderer per process.

    jupyter nbconvert --to consult_docx executed.ipynb
"""

from __future__ import annotations

import base64
import importlib.metadata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import Exporter
from traitlets import Unicode, default

from branch_consult.display import PAYLOAD_MIME
from branch_consult.export.docx_builder import DocxBuilder
from branch_consult.export.docx_markdown import MarkdownWriter, heading_list
from branch_consult.export.docx_properties import set_core_properties, set_custom_properties
from branch_consult.export.outline import plan_outline

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
            payload = (out.get("data") or {}).get(PAYLOAD_MIME)
            if isinstance(payload, Mapping) and payload.get("kind") == "figure":
                return True
    return False


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _shown_markdown(nb: Any) -> list[str]:
    """Markdown the deliverable shows (cells and markdown outputs), in document order."""
    texts = []
    for cell in nb.get("cells", []):
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if "remove-cell" in tags:
            continue
        if cell.get("cell_type") == "markdown":
            texts.append(_source(cell))
        elif cell.get("cell_type") == "code" and "remove-output" not in tags:
            for out in cell.get("outputs") or []:
                data = out.get("data") or {}
                if out.get("output_type") in ("display_data", "execute_result") \
                        and PAYLOAD_MIME not in data and "image/png" not in data and "text/markdown" in data:
                    text = data["text/markdown"]
                    texts.append("".join(text) if isinstance(text, list) else str(text))
    return texts


def _write_output(builder: DocxBuilder, md: MarkdownWriter, out: Mapping[str, Any]) -> None:
    if out.get("output_type") not in ("display_data", "execute_result"):
        return  # streams and errors never reach a deliverable
    data = out.get("data") or {}
    payload = data.get(PAYLOAD_MIME)
    if isinstance(payload, Mapping):
        kind = payload.get("kind")
        handler = {
            "table": builder.table_payload, "figure": builder.figure_payload,
            "finding": builder.finding, "scorecard": builder.scorecard, "callout": builder.callout,
        }.get(kind)
        if handler is not None:
            handler(payload)
        return
    if "image/png" in data:
        png = data["image/png"]
        png = "".join(png) if isinstance(png, list) else png
        builder.picture(base64.b64decode(png))
        return
    if "text/markdown" in data:
        text = data["text/markdown"]
        md.write("".join(text) if isinstance(text, list) else str(text))


def notebook_to_docx(nb: Any, reference: str | Path | None = None, lang: str | None = None,
                     renderer: Any = None) -> bytes:
    """Build the Word deliverable of an executed notebook and return the .docx bytes.

    ``reference`` is the Word reference document (default ``templates/reference.docx``);
    ``lang`` overrides ``metadata.branch_consult.lang``; ``renderer`` is anything with
    ``to_png(fig, width, height, scale)`` (default: the process-wide warm renderer).
    """
    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    meta = dict((nb.get("metadata") or {}).get("branch_consult") or {})
    lang = lang or meta.get("lang") or "zh"
    if renderer is None and _has_figures(nb):
        from branch_consult.charts import get_renderer

        renderer = get_renderer()
    if reference is None and meta.get("reference_docx") and Path(str(meta["reference_docx"])).is_file():
        reference = meta["reference_docx"]  # the workspace's own Word template
    builder = DocxBuilder(reference, lang=lang, renderer=renderer)
    md = MarkdownWriter(builder)
    headings = [h for text in _shown_markdown(nb) for h in heading_list(text)]
    builder.outline = plan_outline(headings, meta.get("title"))
    builder.cover(meta)
    builder.toc()
    for cell in nb.get("cells", []):
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if "remove-cell" in tags:
            continue
        if "page-break" in tags:
            builder.page_break()
        kind = cell.get("cell_type")
        if kind == "markdown":
            md.write(_source(cell))
        elif kind == "code" and "remove-output" not in tags:
            for out in cell.get("outputs") or []:
                _write_output(builder, md, out)
    builder.finish_toc()
    builder.header_footer(meta)
    set_core_properties(builder.doc, meta)
    provenance = meta.get("provenance") or {}
    custom: dict[str, Any] = {
        "branch_consult_version": _package_version(),
        "parameters": meta.get("parameters") or {},
        "data_fingerprint": (provenance.get("data_fingerprint") or provenance.get("fingerprint") or "")
        if isinstance(provenance, Mapping) else "",
        "provenance": provenance,
        "lang": builder.lang,
    }
    for key in ("client", "branch", "date", "confidentiality"):
        if meta.get(key):
            custom[key] = meta[key]
    set_custom_properties(builder.doc, custom)
    return builder.save()


class DocxExporter(Exporter):
    """nbconvert exporter: ``jupyter nbconvert --to consult_docx executed.ipynb``."""

    output_mimetype = DOCX_MIME
    export_from_notebook = "Word report (branch-consult)"
    reference_docx = Unicode(
        "", help="Path of the Word reference document (styles, header/footer); empty = house default."
    ).tag(config=True)
    lang = Unicode("", help="Deliverable language 'zh' or 'en'; empty = notebook metadata.").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".docx"

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        data = notebook_to_docx(nb_copy, reference=self.reference_docx or None, lang=self.lang or None)
        resources["output_extension"] = ".docx"
        return data, resources
