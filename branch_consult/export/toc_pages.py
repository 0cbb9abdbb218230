"""Page numbers for the Word contents page, read from a LibreOffice rendering of the file.

python-docx cannot lay out pages, and a TOC field left for Word to update makes Word ask
"update the fields?" on opening (and shows no numbers in viewers that never update).
So the exporter writes the contents with a placeholder number, has LibreOffice lay the
document out once, finds the page each numbered heading lands on, and writes the numbers
in. Page numbers count every page, as the footer's "Page X of Y" does.
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


def heading_pages(page_texts: Sequence[str], headings: Sequence[tuple[int, str, str]]) -> list[int] | None:
    """The 1-based page of each (level, number, text) heading, in order; None if any is not found.

    The contents lists every heading first, so the search starts after the page holding
    the last heading's contents entry, and each heading is looked for from the page of
    the one before it (a heading's number and text together, whitespace ignored).
    """
    if not headings or not page_texts:
        return None
    pages = [_key(text) for text in page_texts]
    keys = [_key(f"{number}{text}") for _level, number, text in headings]
    toc_end = next((i for i, page in enumerate(pages) if keys[-1] in page), None)
    if toc_end is None:
        return None
    found: list[int] = []
    cursor = toc_end + 1
    for key in keys:
        index = next((i for i in range(cursor, len(pages)) if key in pages[i]), None)
        if index is None:
            return None
        found.append(index + 1)
        cursor = index
    return found


__all__ = ["PLACEHOLDER", "heading_pages"]
