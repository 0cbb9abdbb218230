"""Page numbers for the Word contents page, read from a LibreOffice rendering of the file.

python-docx cannot lay out pages, and a TOC field left for Word to update makes Word ask
"update the fields?" on opening (and shows no numbers in viewers that never update).
So the exporter writes the contents with a placeholder number, has LibreOffice lay the
document out once, reads the page of each heading from the PDF's bookmarks (more robust
than searching page text, where a hanging heading number lands beside the running
header), and writes the numbers in. Pages count every page, as the footer's "Page X of Y".
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence

#: what the contents shows until the real numbers are known (as wide as a two-digit page)
PLACEHOLDER = "00"
_SPACE = re.compile(r"\s+")


#: a 1 × 1 transparent PNG: what the layout copy shows in place of every picture
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8ffff3f030008fc02fea79aa0a00000000049454e44ae426082"
)


def layout_copy(docx_bytes: bytes) -> bytes:
    """The document with every PNG replaced by a 1 × 1 one, for laying out pages only.

    A picture's size on the page is the extent written in the document, not the image's
    own, so the pages break where they break in the real file; LibreOffice then need not
    decode and re-compress a dozen 2,000-pixel charts to find where the headings fall.
    Tests compare the pages found this way with the full document's.
    """
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("word/media/") and data[:8] == TINY_PNG[:8]:
                data = TINY_PNG
            out.writestr(info, data)
    return buf.getvalue()


def _key(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def heading_pages(
    outline: Sequence[tuple[str, int]], headings: Sequence[tuple[int, str, str]]
) -> list[int] | None:
    """The 1-based page of each (level, number, text) heading; None unless every one is found.

    ``outline`` is the PDF's bookmarks (title, page) in document order: LibreOffice writes
    one per heading, titled with its number ("2.1 Deposits") or, in a reference document
    without heading numbering, its text alone. Whitespace and Unicode forms are ignored.
    """
    if not headings or not outline:
        return None
    found: list[int] = []
    cursor = 0
    for _level, number, text in headings:
        wanted = {_key(f"{number}{text}"), _key(text)}
        index = next(
            (i for i in range(cursor, len(outline)) if _key(outline[i][0]) in wanted), None
        )
        if index is None:
            return None
        found.append(outline[index][1])
        cursor = index + 1
    return found


__all__ = ["PLACEHOLDER", "heading_pages", "layout_copy"]
