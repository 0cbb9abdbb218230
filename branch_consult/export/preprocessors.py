"""The nbconvert preprocessor chain both deliverable exporters run before rendering.

Each preprocessor does one transformation of the executed notebook, as nbconvert's own
do: the author's cell tags (``remove-cell``, ``remove-input``, ``remove-output``),
errors taken out of the deliverable and reported, stderr dropped, image outputs whose
payload is not a valid image dropped with a warning naming the cell. The Word and the
HTML exporter call :func:`consult_preprocessors`, so tags mean the same in both.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
from typing import Any

from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Bool

log = logging.getLogger("branch_consult.export")

REMOVE_CELL = "remove-cell"
REMOVE_INPUT = "remove-input"
REMOVE_OUTPUT = "remove-output"
PAGE_BREAK = "page-break"
RASTER_MIMES = ("image/png", "image/jpeg", "image/gif")
SVG_MIME = "image/svg+xml"


def cell_label(index: int, cell: Any) -> str:
    """`cell 4 (first line of its source)`: how a warning names a cell for the notebook's author."""
    src = cell.get("source", "")
    src = "".join(src) if isinstance(src, list) else str(src)
    first = next((ln.strip() for ln in src.splitlines() if ln.strip()), "")
    return f"cell {index}" + (f" ({first[:50]}{'…' if len(first) > 50 else ''})" if first else "")


def _warn(resources: dict[str, Any], message: str) -> None:
    resources.setdefault("consult_warnings", []).append(message)
    log.warning(message)


class ReportErrorsPreprocessor(Preprocessor):
    """Error outputs never reach a deliverable: removed, and each one reported with its cell."""

    keep_stderr = Bool(False, help="Keep stderr streams (warnings) in the deliverable.").tag(
        config=True
    )

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    _warn(
                        resources,
                        f"{cell_label(index, cell)}: error output {output.get('ename', '')}: "
                        f"{output.get('evalue', '')} left out of the deliverable",
                    )
                    continue
                if (
                    output.get("output_type") == "stream"
                    and output.get("name") == "stderr"
                    and not self.keep_stderr
                ):
                    continue
                kept.append(output)
            cell.outputs = kept
        return nb, resources


def image_bytes(value: Any) -> bytes:
    """The bytes of a notebook image payload (base64 text, possibly split in lines)."""
    text = "".join(value) if isinstance(value, list) else str(value)
    return base64.b64decode(text.encode("ascii"), validate=False)


def valid_raster(data: bytes) -> bool:
    """True when Pillow can read the image (PNG, JPEG, GIF): a broken payload is never embedded."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except Exception:  # any decoder error means: not an image we can embed
        return False


def valid_svg(text: str) -> bool:
    """True when the SVG parses as XML with an <svg> root (cairosvg converts it for Word)."""
    from lxml import etree

    try:
        root = etree.fromstring(
            text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return False
    return etree.QName(root).localname == "svg"


class DropInvalidImagesPreprocessor(Preprocessor):
    """An image output that is not a valid image is dropped (its other MIME types stay), with a warning."""

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                data = output.get("data") or {}
                for mime in [m for m in data if m in RASTER_MIMES or m == SVG_MIME]:
                    value = data[mime]
                    if mime == SVG_MIME:
                        ok = valid_svg("".join(value) if isinstance(value, list) else str(value))
                    else:
                        try:
                            ok = valid_raster(image_bytes(value))
                        except (binascii.Error, ValueError):
                            ok = False
                    if not ok:
                        del data[mime]
                        _warn(
                            resources,
                            f"{cell_label(index, cell)}: {mime} output is not a valid image; skipped",
                        )
        return nb, resources


def consult_preprocessors(parent: Any = None) -> list[Preprocessor]:
    """The shared chain: tags, then errors reported, then invalid images dropped."""
    return [
        TagRemovePreprocessor(
            remove_cell_tags={REMOVE_CELL},
            remove_input_tags={REMOVE_INPUT},
            remove_all_outputs_tags={REMOVE_OUTPUT},
            enabled=True,
            parent=parent,
        ),
        ReportErrorsPreprocessor(enabled=True, parent=parent),
        DropInvalidImagesPreprocessor(enabled=True, parent=parent),
    ]


def run_chain(nb: Any, resources: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """Apply the shared chain to a copy of `nb` (the Word exporter's entry; nbconvert runs it for HTML)."""
    import copy

    nb = copy.deepcopy(nb)
    resources = dict(resources or {})
    for pre in consult_preprocessors():
        nb, resources = pre(nb, resources)
    return nb, resources


__all__ = [
    "DropInvalidImagesPreprocessor",
    "PAGE_BREAK",
    "REMOVE_CELL",
    "REMOVE_INPUT",
    "REMOVE_OUTPUT",
    "ReportErrorsPreprocessor",
    "cell_label",
    "consult_preprocessors",
    "image_bytes",
    "run_chain",
    "valid_raster",
    "valid_svg",
]
