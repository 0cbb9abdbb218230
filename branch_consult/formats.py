"""Number formats and text cleaning shared by every renderer (notebook HTML, HTML deliverable, Word).

Display objects carry *raw* values plus a format name; each renderer calls
:func:`format_value` late, so a table reads the same in JupyterLab, in the HTML
deliverable and in Word. :func:`clean_text` removes characters that are illegal in
XML/HTML (control characters) so untrusted data can never break an export.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Literal, get_args

Format = Literal[
    "text",
    "int",
    "float1",
    "float2",
    "pct0",
    "pct1",
    "yuan",
    "wan",
    "wan1",
    "date",
    "month",
    "min1",
]
Lang = Literal["zh", "en"]

FORMATS: tuple[str, ...] = get_args(Format)
#: Formats whose cells are numbers: renderers right-align them.
NUMERIC_FORMATS: frozenset[str] = frozenset(
    {"int", "float1", "float2", "pct0", "pct1", "yuan", "wan", "wan1", "min1"}
)
NULL_TEXT = "–"

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """Return ``value`` as a string without characters that XML/HTML cannot hold.

    Tabs and newlines are kept (renderers decide how to show them); ``\\r\\n`` and a lone
    ``\\r`` become ``\\n``. ``None`` becomes the empty string.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL_XML.sub("", text)


def is_null(value: Any) -> bool:
    """True for None, NaN and pandas/numpy missing markers (without importing pandas)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NA / NaT / numpy.nan scalars
    name = type(value).__name__
    if name in {"NAType", "NaTType"}:
        return True
    try:
        return bool(value != value)  # NaN-like objects are unequal to themselves
    except (TypeError, ValueError):
        return False


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)  # numpy scalars, Decimal, numeric strings
    except (TypeError, ValueError):
        return None


def _no_negative_zero(x: float, decimals: int) -> float:
    """0.0 for values that round to zero, so a tiny fall never prints as "-0.0%"."""
    return 0.0 if round(x, decimals) == 0 else x


def _group(x: float, decimals: int) -> str:
    return f"{_no_negative_zero(x, decimals):,.{decimals}f}"


def format_value(value: Any, fmt: str = "text", lang: str = "zh") -> str:
    """Format one cell for people: ``format_value(0.123, "pct1") == "12.3%"``.

    Unknown formats and values that do not fit the format fall back to plain text,
    never an exception: a deliverable must not fail on one odd cell.
    """
    if is_null(value):
        return NULL_TEXT
    if fmt == "text" or fmt not in FORMATS:
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("Yes" if value else "No")
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return clean_text(value)
    if fmt == "date":
        return _format_date(value)
    if fmt == "month":
        return _format_month(value)
    x = _number(value)
    if x is None or math.isinf(x):
        return clean_text(value)
    if fmt == "int":
        return _group(round(x), 0)
    if fmt == "float1":
        return _group(x, 1)
    if fmt == "float2":
        return _group(x, 2)
    if fmt == "pct0":
        return f"{_group(x * 100, 0)}%"
    if fmt == "pct1":
        return f"{_group(x * 100, 1)}%"
    if fmt == "yuan":
        sign = "-" if round(x) < 0 else ""
        return f"{sign}¥{abs(x):,.0f}"
    if fmt in ("wan", "wan1"):
        body = _group(x / 10_000, 1)
        return f"{body}万" if lang == "zh" else f"{body} wan"
    if fmt == "min1":
        # Chinese sets no space between a number and its unit ("12.3分钟"); English does ("12.3 min")
        return (
            f"{_group(x, 1)}{unit_label('min1', lang)}"
            if lang == "zh"
            else f"{_group(x, 1)} {unit_label('min1', lang)}"
        )
    return clean_text(value)  # pragma: no cover - every format is handled above


def _format_date(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = clean_text(value)
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else text


def _format_month(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m")
    text = clean_text(value)
    return text[:7] if re.match(r"^\d{4}-\d{2}", text) else text


def unit_label(fmt: str, lang: str = "zh") -> str:
    """Unit to put in an axis or column title for values shown in ``fmt`` (e.g. "万元")."""
    zh = {"wan": "万元", "wan1": "万元", "yuan": "元", "pct0": "%", "pct1": "%", "min1": "分钟"}
    en = {
        "wan": "10k CNY",
        "wan1": "10k CNY",
        "yuan": "CNY",
        "pct0": "%",
        "pct1": "%",
        "min1": "min",
    }
    return (zh if lang == "zh" else en).get(fmt, "")


# A formatted number as the formats above write it, optionally a range "a – b" of two.
_NUM = r"[+\-\u2212]?¥?\d[\d,]*(?:\.\d+)?\s*(?:%|万元|万|元|wan|min|分钟|天|days?|倍|x)?"
_NUMERIC_TEXT = re.compile(rf"^{_NUM}(?:\s*[\u2013\-~～]\s*{_NUM})?$")


def looks_numeric(text: str) -> bool:
    """True for text that is a formatted number ("2,591.0万", "13.8%", "1.9 – 2.0").

    Reports sometimes pre-format mixed-unit columns as text; renderers right-align a
    column whose every filled cell passes this test, as they do numeric formats.
    """
    t = clean_text(text).strip()
    return bool(t) and (t == NULL_TEXT or bool(_NUMERIC_TEXT.match(t)))


def numeric_column(texts: list[str]) -> bool:
    """True when every cell of a formatted column is a number (and at least one is not null)."""
    filled = [t for t in texts if clean_text(t).strip()]
    return (
        bool(filled)
        and all(looks_numeric(t) for t in filled)
        and any(t.strip() != NULL_TEXT for t in filled)
    )


def text_units(text: str) -> int:
    """Width of ``text`` in half-width units: CJK and full-width characters count two.

    Both exporters lay tables out by it (Word column widths, HTML no-wrap columns).
    """
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
