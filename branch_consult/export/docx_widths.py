"""Column widths of Word tables from their content.

Word (and LibreOffice) wrap a cell wherever its column is too narrow, even inside a
two-character word such as 关注 or a number such as 2,591.0万. So every column gets at
least the width of its longest unbreakable piece plus the cell padding; the rest of
the page width goes to the columns that want more (long text), in proportion to what
each would need to show its longest cell on one line (the CSS "auto" table layout).

Widths are in twips (1/1440 inch); text is measured in half-width units (a CJK
character counts two) at the table's font size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from branch_consult.formats import looks_numeric, text_units

#: Twips one half-width unit takes at 9 pt (Calibri digits are ~0.51 em, capitals wider;
#: CJK characters are exactly 1 em = 2 units). Slightly generous: bold headers and
#: highlighted rows must fit as well.
UNIT_TWIPS = 100
#: Left + right cell margin written on every table (``tblCellMar``), in twips.
CELL_MARGIN_TWIPS = 85
#: Extra room per column so rounding in the layout engine never forces a wrap.
SLACK_TWIPS = 60
#: No column narrower than this many units (a lone "–" column still reads as a column).
MIN_UNITS = 4
#: A run of CJK text up to this many characters is kept on one line (关注, 厅堂服务, 大堂经理).
CJK_WORD_CHARS = 6

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")


def longest_word_units(text: str) -> int:
    """Width of the widest piece of ``text`` that must not be broken across lines.

    Numbers never break; a whitespace-separated piece of at most ``CJK_WORD_CHARS`` CJK
    characters (with any Latin attached, e.g. 客户-7CED98) is one word; in longer
    Chinese sentences only the Latin pieces and ``CJK_WORD_CHARS``-character runs count.
    """
    text = text.strip()
    if not text:
        return 0
    if looks_numeric(text):
        return text_units(text)
    widest = 0
    for piece in text.split():
        units = text_units(piece)
        if units <= 2 * CJK_WORD_CHARS + 8:
            widest = max(widest, units)
            continue
        latin = [text_units(p) for p in _CJK.split(piece) if p]
        widest = (
            max(widest, *latin, min(units, 2 * CJK_WORD_CHARS))
            if latin
            else max(widest, min(units, 2 * CJK_WORD_CHARS))
        )
    return widest


def column_widths(texts: Sequence[Sequence[str]], total: int) -> list[int]:
    """Widths (twips) of the columns of a table whose cell texts are ``texts`` (rows × cols).

    The widths add up to ``total``. Each column gets at least its longest unbreakable
    word; when even that does not fit, widths shrink in proportion (wrapping is then
    unavoidable).
    """
    n = max((len(r) for r in texts), default=0)
    if not n:
        return []
    pad = CELL_MARGIN_TWIPS * 2 + SLACK_TWIPS
    cols = [[(row[c] if c < len(row) else "") for row in texts] for c in range(n)]
    lines = [[line for cell in col for line in (cell or "").split("\n")] for col in cols]
    minimum = [
        max(MIN_UNITS, *(longest_word_units(t) for t in col)) * UNIT_TWIPS + pad for col in lines
    ]
    natural = [
        max(MIN_UNITS, *(text_units(t.strip()) for t in col)) * UNIT_TWIPS + pad for col in lines
    ]
    natural = [max(a, b) for a, b in zip(natural, minimum, strict=True)]
    if sum(minimum) >= total:
        widths = [m * total / sum(minimum) for m in minimum]
    elif sum(natural) <= total:
        # everything fits on one line: spread the spare width in proportion to content
        widths = [w * total / sum(natural) for w in natural]
    else:
        spare = total - sum(minimum)
        want = [b - a for a, b in zip(minimum, natural, strict=True)]
        widths = [m + spare * w / sum(want) for m, w in zip(minimum, want, strict=True)]
    out = [int(w) for w in widths]
    out[max(range(n), key=lambda i: out[i])] += total - sum(out)  # rounding goes to the widest
    return out


__all__ = ["CELL_MARGIN_TWIPS", "column_widths", "longest_word_units", "text_units"]
