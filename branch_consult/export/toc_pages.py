"""Page numbers for the Word contents page, read from a LibreOffice rendering of the file.

python-docx cannot lay out pages, and a TOC field left for Word to update makes Word ask
"update the fields?" on opening (and shows no numbers in viewers that never update).
So the exporter writes the contents with a placeholder number, has LibreOffice lay the
document out once, reads the page of each heading from the PDF's bookmarks (more robust
than searching page text, where a hanging heading number lands beside the running
header), and writes the numbers in. Pages count every page, as the footer's "Page X of Y".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: what the contents shows until the real numbers are known (as wide as a two-digit page)
PLACEHOLDER = "00"
_SPACE = re.compile(r"\s+")


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


__all__ = ["PLACEHOLDER", "heading_pages"]
