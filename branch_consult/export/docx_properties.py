"""Document properties: core (title, author, ...) and custom (parameters, provenance).

python-docx has no API for custom properties, so ``docProps/custom.xml`` is written here
and registered as a package part (python-docx then lists it in [Content_Types].xml).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.packuri import PackURI
from docx.opc.part import Part

from branch_consult.formats import clean_text

CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_NS = (
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"'
)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def custom_properties_xml(props: Mapping[str, Any]) -> bytes:
    """The XML of docProps/custom.xml; every value is stored as a string (vt:lpwstr)."""
    items = []
    for pid, (name, value) in enumerate(props.items(), start=2):
        items.append(
            f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(clean_text(name), {chr(34): "&quot;"})}">'
            f"<vt:lpwstr>{escape(_text(value))}</vt:lpwstr></property>"
        )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties {_NS}>{"".join(items)}</Properties>'
    return xml.encode("utf-8")


def set_custom_properties(document: Any, props: Mapping[str, Any]) -> None:
    """Add (or replace) the custom-properties part of ``document``."""
    package = document.part.package
    blob = custom_properties_xml(props)
    for rel in package.rels.values():
        if rel.reltype == CUSTOM_RT and not rel.is_external:
            rel.target_part._blob = blob
            return
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, blob, package)
    package.relate_to(part, CUSTOM_RT)


def read_custom_properties(path_or_stream: Any) -> dict[str, str]:
    """Read custom properties back (for tests and audits) straight from the zip."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path_or_stream) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        root = etree.fromstring(z.read("docProps/custom.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {p.get("name"): "".join(p.itertext()) for p in root.iter(f"{ns}property")}


def set_core_properties(document: Any, meta: Mapping[str, Any]) -> None:
    """Title, subject, author, keywords and created date from the notebook metadata."""
    cp = document.core_properties
    cp.title = clean_text(meta.get("title") or "")[:255]
    cp.subject = clean_text(meta.get("subtitle") or "")[:255]
    cp.author = clean_text(meta.get("author") or meta.get("consultant") or "branch-consult")[:255]
    words = [meta.get("client"), meta.get("branch"), meta.get("kind"), "branch-consult"]
    cp.keywords = clean_text("; ".join(str(w) for w in words if w))[:255]
    cp.category = clean_text(meta.get("confidentiality") or "")[:255]
    cp.comments = clean_text(meta.get("client") or "")[:255]
    cp.last_modified_by = "branch-consult"
    cp.created = _created(meta.get("date"))
    cp.modified = cp.created
    cp.revision = 1


def _created(value: Any) -> _dt.datetime:
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%Y-%m"):
            try:
                return _dt.datetime.strptime(
                    value[: len("2026-10-31") if fmt == "%Y-%m-%d" else 7], fmt
                )
            except ValueError:
                continue
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None, microsecond=0)
