"""Number formats and text cleaning shared by all renderers."""

import datetime as dt
import math

import numpy as np
import pytest

from branch_consult.formats import (
    NULL_TEXT,
    clean_text,
    format_value,
    is_null,
    looks_numeric,
    numeric_column,
    unit_label,
)


@pytest.mark.parametrize(
    ("value", "fmt", "lang", "expected"),
    [
        (12345, "int", "zh", "12,345"),
        (12345.6, "int", "zh", "12,346"),
        (12.345, "float1", "zh", "12.3"),
        (12.345, "float2", "en", "12.35"),
        (0.123, "pct1", "zh", "12.3%"),
        (0.123, "pct0", "en", "12%"),
        (12345.4, "yuan", "zh", "¥12,345"),
        (-12345, "yuan", "zh", "-¥12,345"),
        (12_345_000, "wan", "zh", "1,234.5万"),
        (12_345_000, "wan", "en", "1,234.5 wan"),
        (12_345_000, "wan1", "zh", "1,234.5万"),
        (12.34, "min1", "zh", "12.3分钟"),
        (12.34, "min1", "en", "12.3 min"),
        ("2026-10-31T00:00:00", "date", "zh", "2026-10-31"),
        (dt.date(2026, 10, 5), "date", "en", "2026-10-05"),
        ("2026-10", "month", "zh", "2026-10"),
        (dt.datetime(2026, 9, 1), "month", "zh", "2026-09"),
        ("网点A", "text", "zh", "网点A"),
        (3.0, "text", "zh", "3"),
        (True, "text", "zh", "是"),
        (False, "text", "en", "No"),
        (np.int64(7), "int", "zh", "7"),
        (np.float32(0.5), "pct0", "zh", "50%"),
    ],
)
def test_format_value(value, fmt, lang, expected):
    assert format_value(value, fmt, lang) == expected


@pytest.mark.parametrize("value", [None, float("nan"), np.nan])
@pytest.mark.parametrize("fmt", ["int", "wan", "pct1", "text", "date"])
def test_nulls_show_dash(value, fmt):
    assert format_value(value, fmt) == NULL_TEXT


def test_pandas_missing_markers_are_null():
    pd = pytest.importorskip("pandas")
    assert is_null(pd.NA) and is_null(pd.NaT) and not is_null(0) and not is_null("")


def test_bad_values_fall_back_to_text_not_errors():
    assert format_value("n/a", "wan") == "n/a"
    assert format_value(math.inf, "int") == "inf"
    assert format_value(5, "no-such-format") == "5"


def test_clean_text_strips_xml_illegal_characters_only():
    raw = 'a\x00b\x07c\x1fd\te\nf\r\ng\x7f"<>&中'
    assert clean_text(raw) == 'abcd\te\nf\ng"<>&中'
    assert clean_text(None) == ""
    assert clean_text(12) == "12"


def test_unit_label():
    assert unit_label("wan", "zh") == "万元"
    assert unit_label("wan", "en") == "10k CNY"
    assert unit_label("text") == ""


def test_min1_unit_follows_language():
    assert format_value(43.575, "min1", "zh") == "43.6分钟"
    assert format_value(43.575, "min1", "en") == "43.6 min"
    assert format_value(43.575, "min1", "zh").endswith(unit_label("min1", "zh"))


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        (-0.0004, "pct1"),
        (-0.004, "pct0"),
        (-0.04, "float1"),
        (-0.004, "float2"),
        (-0.4, "yuan"),
        (-400, "wan"),
    ],
)
def test_values_rounding_to_zero_have_no_minus_sign(value, fmt):
    assert not format_value(value, fmt, "zh").startswith("-")
    assert format_value(-value, fmt, "zh") == format_value(value, fmt, "zh")


@pytest.mark.parametrize(
    ("text", "numeric"),
    [
        ("2,591.0万", True),
        ("13.8%", True),
        ("2,335.5 – 3,229.4万", True),
        ("4.4 分钟", True),
        ("-19.8 万", True),
        ("¥12,345", True),
        ("1.93", True),
        (NULL_TEXT, True),
        ("关注", False),
        ("P90", False),
        ("客户-7CED98", False),
        ("2026-11-14", False),
        ("", False),
    ],
)
def test_looks_numeric(text, numeric):
    assert looks_numeric(text) is numeric


def test_numeric_column_needs_one_real_number():
    assert numeric_column(["2,591.0万", NULL_TEXT, "13.8%"])
    assert not numeric_column([NULL_TEXT, NULL_TEXT])
    assert not numeric_column(["2,591.0万", "关注"])
