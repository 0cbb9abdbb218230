"""Turning raw client extracts into contract-typed columns.

Real extracts arrive as GBK or BOM-prefixed CSVs, Excel sheets with a title row and
merged group headers above the real header, Chinese headers, amounts in 万元,
thousands separators and Chinese date formats.  This module reads what is
unambiguous and reports the rest as `Problem`s; it never guesses (an ambiguous date
such as 04/05/2017 is refused, not read).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from branch_consult.data.contract import Column, Table
from branch_consult.data.limits import Limits
from branch_consult.data.problems import DataProblems, Problem, examples_of, rows_of

# ---------------------------------------------------------------- encodings


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if exc.start >= len(head) - 3:
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"


def read_csv_cells(
    path: Path, label: str = "", table: str = "-", nrows: int | None = None
) -> pd.DataFrame:
    """All cells of a CSV as strings, header not yet located.

    An empty file, or one whose later lines are in another encoding than its start,
    is a DataProblems naming the file (and the line), not a pandas error."""
    label = label or path.name
    with open(path, "rb") as fh:
        encoding = detect_encoding(fh.read(1 << 16))
    if path.stat().st_size == 0:
        raise DataProblems(
            [
                Problem(
                    label, table, "the file is empty (0 bytes); expected a header row and data rows"
                )
            ],
            headline=f"table {table} cannot be read",
        )
    try:
        return pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            encoding=encoding,
            skip_blank_lines=False,
            nrows=nrows,
        )
    except UnicodeDecodeError:
        raise DataProblems(
            [_encoding_problem(path, encoding, label, table)],
            headline=f"table {table} cannot be read",
        ) from None
    except pd.errors.EmptyDataError:
        raise DataProblems(
            [
                Problem(
                    label,
                    table,
                    "the file holds no cells (only blank lines); expected a header row and data rows",
                )
            ],
            headline=f"table {table} cannot be read",
        ) from None


def _encoding_problem(path: Path, encoding: str, label: str, table: str) -> Problem:
    """Where a file stops being valid in the encoding its start was read in (line and byte)."""
    data = path.read_bytes()
    try:
        data.decode(encoding)
        return Problem(label, table, f"cannot be decoded as {encoding}")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 4]
        return Problem(
            label,
            table,
            f"line {line} (byte {exc.start:,}) is not valid {encoding} like the lines before it, "
            f"found bytes {bad.hex(' ')}; save the whole file in one encoding (UTF-8 or GBK)",
        )


class UncachedFormula(str):
    """An Excel formula whose result was never saved (the file was written without calculating)."""


@functools.lru_cache(maxsize=32)
def _has_formulas(path: str, mtime_ns: int, size: int) -> bool:
    """Whether any sheet of the workbook holds a formula (scanned once per file version)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return any(
                re.search(rb"<f[ >]", zf.read(n)) is not None
                for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def _uncached_formulas(path: Path, sheet: str | int) -> dict[tuple[int, int], str]:
    """(row, column) -> formula text for formula cells with no saved value (0-based)."""
    st = path.stat()
    if not _has_formulas(str(path), st.st_mtime_ns, st.st_size):
        return {}
    import openpyxl

    found: dict[tuple[int, int], str] = {}
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        name = sheet if isinstance(sheet, str) else formulas.sheetnames[sheet]
        for r, (frow, vrow) in enumerate(
            zip(
                formulas[name].iter_rows(values_only=True),
                values[name].iter_rows(values_only=True),
                strict=False,
            )
        ):
            for c, (f, v) in enumerate(zip(frow, vrow, strict=False)):
                if isinstance(f, str) and f.startswith("=") and v is None:
                    found[(r, c)] = f
    finally:
        formulas.close()
        values.close()
    return found


def read_excel_cells(path: Path, sheet: str | int) -> pd.DataFrame:
    """All cells of a sheet as objects (datetimes stay datetimes), header not located.

    Formula cells without a saved result come back as `UncachedFormula` (their formula
    text), so that they are reported as formulas rather than as empty cells."""
    cells = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="openpyxl")
    formulas = _uncached_formulas(path, sheet)
    for (r, c), text in formulas.items():
        if r < len(cells) and c < cells.shape[1]:
            cells.iat[r, c] = UncachedFormula(text)
    cells.attrs["uncached_formulas"] = len(formulas)
    return cells


# ---------------------------------------------------------------- headers

_UNIT = re.compile(r"[（(]\s*(万元|万|元|千元|亿元|%|％)\s*[)）]\s*$|(万元|千元|亿元)$")
_MULTIPLIER = {"元": 1.0, "万元": 1e4, "万": 1e4, "千元": 1e3, "亿元": 1e8, "%": 0.01, "％": 0.01}


def split_unit(header: str) -> tuple[str, float]:
    """'余额(万元)' -> ('余额', 10000.0); headers without a unit get multiplier 1."""
    text = INVISIBLE.sub("", str(header)).strip().replace("\n", "").replace(" ", "")
    match = _UNIT.search(text)
    if not match:
        return text, 1.0
    unit = match.group(1) or match.group(2)
    return text[: match.start()].strip(), _MULTIPLIER[unit]


#: characters that are invisible in a spreadsheet but make two headers differ
INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\u180e]")


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-]", "", INVISIBLE.sub("", str(name))).lower()


def header_lookup(table: Table) -> dict[str, str]:
    """Every accepted spelling of every column name -> the contract name."""
    lookup: dict[str, str] = {}
    for col in table.columns:
        for spelling in (col.name, *col.zh):
            lookup[_normalise(spelling)] = col.name
    return lookup


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based position of the header row in the raw cells
    columns: dict[int, str]  # raw column position -> contract column
    multipliers: dict[str, float]
    unknown: tuple[str, ...]
    raw: tuple[str, ...] = ()  # the header row's cells as written


def match_headers(
    headers: Sequence[object], lookup: dict[str, str]
) -> tuple[dict[int, str], dict[str, float], list[str]]:
    """Header cells -> contract columns by position, each column's unit multiplier, and
    the headers that name no contract column (blank cells are skipped)."""
    mapping: dict[int, str] = {}
    mult: dict[str, float] = {}
    unknown: list[str] = []
    for c, raw in enumerate(headers):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or str(raw).strip() == "":
            continue
        base, factor = split_unit(str(raw))
        name = lookup.get(_normalise(base))
        if name and name not in mapping.values():
            mapping[c] = name
            mult[name] = factor
        else:
            unknown.append(str(raw).strip())
    return mapping, mult, unknown


def locate_header(cells: pd.DataFrame, table: Table, search_rows: int = 12) -> HeaderMatch | None:
    """Find the header row: the first of the top rows naming the most contract columns."""
    lookup = header_lookup(table)
    best: HeaderMatch | None = None
    for r in range(min(search_rows, len(cells))):
        mapping, mult, unknown = match_headers(cells.iloc[r].tolist(), lookup)
        if len(mapping) > (len(best.columns) if best else 0):
            raw = tuple(str(v) for v in cells.iloc[r].tolist() if not _is_empty(v))
            best = HeaderMatch(r, mapping, mult, tuple(unknown), raw)
    return best


def frame_from_cells(
    cells: pd.DataFrame, table: Table, source: str
) -> tuple[pd.DataFrame, dict[str, float], list[Problem]]:
    """Cut the header and data out of raw cells; index = 1-based source row number."""
    match = locate_header(cells, table)
    if match is None or not match.columns:
        expected = ", ".join(c.name for c in table.columns)
        return (
            pd.DataFrame(),
            {},
            [Problem(source, table.name, f"no header row found; expected columns: {expected}")],
        )
    body = cells.iloc[match.row + 1 :, list(match.columns)]
    body.columns = [match.columns[c] for c in match.columns]
    body.index = pd.RangeIndex(match.row + 2, match.row + 2 + len(body))
    # trailing and interleaved blank rows carry no data
    blank = pd.DataFrame(
        {i: _blank_cells(body.iloc[:, i]) for i in range(body.shape[1])}, index=body.index
    )
    body = body.loc[~blank.all(axis=1)]
    body.attrs["headers"] = match.raw
    problems = header_warnings(match.raw, table, source)
    if cells.attrs.get("uncached_formulas"):
        body, found = _formula_problems(body, table, source)
        problems += found
    return body, match.multipliers, problems


def _blank_cells(values: pd.Series) -> pd.Series:
    """Cells holding nothing (None, NaN, only spaces); a CSV's string column in one pass."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.isna() | values.str.strip().eq("").fillna(False).astype(bool)
    return values.map(
        lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
    ).astype(bool)


def header_warnings(
    headers: tuple[str, ...] | list[str], table: Table, source: str
) -> list[Problem]:
    """Headers read only after dropping invisible characters (BOM, zero-width space) are named."""
    odd = [h for h in headers if INVISIBLE.search(str(h))]
    if not odd:
        return []
    return [
        Problem(
            source,
            table.name,
            "header(s) contain invisible characters, ignored when matching: "
            + ", ".join(repr(str(h)) for h in odd),
            severity="warning",
        )
    ]


def _formula_problems(
    body: pd.DataFrame, table: Table, source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    for name in body.columns:
        mask = body[name].map(lambda v: isinstance(v, UncachedFormula))
        if mask.any():
            problems.append(
                Problem(
                    source,
                    table.name,
                    f"cannot read {int(mask.sum())} value(s): formula(s) with no saved result (the workbook was written "
                    "without calculating); open and save it in Excel or LibreOffice, or paste values",
                    name,
                    rows_of(body.index[mask.to_numpy()]),
                    examples_of(body.loc[mask, name].map(str).tolist()),
                )
            )
            body[name] = body[name].mask(mask, None)
    return body, problems


# ---------------------------------------------------------------- values

_EMPTY = {"", "nan", "none", "null", "nat", "-", "—", "--", "n/a", "na", "#n/a"}
_TRUE = {"true", "t", "1", "1.0", "yes", "y", "是", "有", "已开通", "√"}
_FALSE = {"false", "f", "0", "0.0", "no", "n", "否", "无", "未开通", "×"}

_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(.*)$")
_YMD_SEP = re.compile(r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T](.*))?$")
_YMD_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_CN_MONTH = re.compile(r"^\s*(\d{4})\s*(?:年|[/.\-])\s*(\d{1,2})\s*月?\s*$")
_COMPACT_MONTH = re.compile(r"^\s*(\d{4})(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?\s*秒?\s*$")


def _is_empty(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return str(value).strip().lower() in _EMPTY


def _as_text(value: object) -> str:
    """Excel turns IDs such as 1001 into 1001.0: give them back as written."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_timestamp(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return value
    if isinstance(value, date):
        return pd.Timestamp(value)  # datetime / date from Excel
    text = str(value).strip()
    m = _CN_DATE.match(text) or _YMD_SEP.match(text)
    rest = ""
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        rest = (m.group(4) or "").strip()
    else:
        m = _YMD_COMPACT.match(text)
        if not m:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh = mi = ss = 0
    if rest:
        t = _TIME.match(rest.replace("秒", ""))
        if not t:
            return None
        hh, mi, ss = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
    try:
        return pd.Timestamp(year=y, month=mo, day=d, hour=hh, minute=mi, second=ss)
    except ValueError:
        return None


def _parse_month(value: object) -> str | None:
    if hasattr(value, "year") and hasattr(value, "month") and not isinstance(value, str):
        return f"{value.year:04d}-{value.month:02d}"
    text = _as_text(value)
    m = _CN_MONTH.match(text) or _COMPACT_MONTH.match(text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y:04d}-{mo:02d}" if 1 <= mo <= 12 else None
    ts = _parse_timestamp(text)
    return f"{ts.year:04d}-{ts.month:02d}" if ts is not None else None


def _parse_number(value: object) -> float | None:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    text = text.lstrip("¥￥").rstrip("元")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    try:
        number = float(text)
    except ValueError:
        return None
    return -number if negative else number


def _parse_bool(value: object) -> bool | None:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = _as_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _empty_mask(series: pd.Series) -> pd.Series:
    """Missing or blank-like cells ('', '-', 'NULL', ...), vectorised."""
    text = series.astype("str").str.strip().str.lower()
    return (series.isna() | text.isin(_EMPTY)).astype(bool)


def _map_unique(
    series: pd.Series, parse: Callable[[object], object]
) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct value once (dates and flags repeat a lot), return values and bad mask."""
    empty = _empty_mask(series)
    present = series[~empty]
    codes, uniques = pd.factorize(present.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = np.array([parse(u) for u in uniques] + [None], dtype=object)
    values = parsed[codes] if len(codes) else np.array([], dtype=object)
    full = np.full(len(series), None, dtype=object)
    full[~empty.to_numpy()] = values
    full_series = pd.Series(full, index=series.index, dtype=object)
    bad = pd.Series(False, index=series.index)
    bad[~empty.to_numpy()] = pd.isna(pd.Series(values, dtype=object)).to_numpy()
    return full_series, bad


_ISO_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"


def _fast_path(series: pd.Series, kind: str) -> pd.Series | None:
    """Already-clean text columns (ISO months, plain numbers) skip value-by-value parsing."""
    if series.dtype == object and not all(
        isinstance(v, str) or v is None for v in series.head(1000)
    ):
        return None
    text = series.astype("str")
    empty = _empty_mask(series)
    if kind == "month":
        ok = text.str.fullmatch(_ISO_MONTH) | empty
        return text.where(~empty).astype("str") if ok.all() else None
    if kind in ("int", "float", "money"):
        numbers = pd.to_numeric(text.where(~empty), errors="coerce")
        return numbers.astype("float64") if (numbers.notna() | empty).all() else None
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(text.where(~empty), format="ISO8601", errors="coerce")
        return stamps if (stamps.notna() | empty).all() else None
    return None


_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "money": "an amount (digits, optional thousands separators; unit in the header, e.g. 余额(万元))",
    "date": "a date such as 2026-04-17, 2026/4/17 or 2026年4月17日",
    "datetime": "a date and time such as 2026-04-17 09:30:00",
    "month": "a month such as 2026-04 or 2026年4月",
    "bool": "yes/no (true/false, 1/0, 是/否)",
}


def coerce_column(
    series: pd.Series,
    col: Column,
    multiplier: float,
    source: str,
    table: str,
    limits: Limits | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """Give one column its contract type; unreadable cells become problems, not guesses."""
    problems: list[Problem] = []
    kind = col.kind
    if kind in ("id", "text"):
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            out = series.str.strip()
            out = out.mask(out.str.lower().isin(_EMPTY))
        else:
            out = series.map(lambda v: None if _is_empty(v) else _as_text(v))
        out = out.astype("str")
        problems += _too_long(out, col, source, table, limits or Limits.from_env())
        return out, problems

    if kind in ("date", "datetime") and pd.api.types.is_datetime64_any_dtype(series.dtype):
        values: pd.Series | None = series
    elif (
        kind in ("int", "float", "money")
        and pd.api.types.is_numeric_dtype(series.dtype)
        and not pd.api.types.is_bool_dtype(series.dtype)
    ):
        values = series.astype("float64")
    elif kind == "bool" and pd.api.types.is_bool_dtype(series.dtype):
        values = series
    else:
        values = _fast_path(series, kind) if kind != "bool" else None
    if values is None:  # messy text: parse each distinct value, report what cannot be read
        values, bad = _map_unique(series, _PARSERS[kind])
        if bad.any():
            problems.append(
                Problem(
                    source,
                    table,
                    f"cannot read {int(bad.sum())} value(s); expected {_EXPECTED[kind]}",
                    col.name,
                    rows_of(series.index[bad.to_numpy()]),
                    examples_of(series[bad].tolist()),
                )
            )
    return _finish(values, col, multiplier, source, table, problems, series), problems


_PARSERS = {
    "int": _parse_number,
    "float": _parse_number,
    "money": _parse_number,
    "date": _parse_timestamp,
    "datetime": _parse_timestamp,
    "month": _parse_month,
    "bool": _parse_bool,
}


def _longest(text: pd.Series) -> int:
    """Length of the longest string (Arrow-backed columns without a Python loop)."""
    to_arrow = getattr(text.array, "__arrow_array__", None)
    if to_arrow is not None:
        import pyarrow.compute as pc

        longest = pc.max(pc.utf8_length(to_arrow())).as_py()
    else:
        longest = text.str.len().max()
    return 0 if longest is None or pd.isna(longest) else int(longest)


def _too_long(
    text: pd.Series, col: Column, source: str, table: str, limits: Limits
) -> list[Problem]:
    """Absurdly long cells (a 1 MB branch name) are refused rather than carried into reports."""
    limit = limits.id_chars if col.kind == "id" else limits.text_chars
    if not len(text) or _longest(text) <= limit:
        return []
    lengths = text.str.len()
    long = (lengths > limit).fillna(False).astype(bool)
    longest = int(lengths[long].max())
    examples = tuple(f"{v[:20]!r}… ({len(v):,} characters)" for v in text[long].head(3))
    return [
        Problem(
            source,
            table,
            f"{int(long.sum())} value(s) longer than {limit:,} characters "
            f"(longest {longest:,}); expected {'an identifier' if col.kind == 'id' else 'a short text'}",
            col.name,
            rows_of(text.index[long.to_numpy()]),
            examples,
        )
    ]


def _finish(
    values: pd.Series,
    col: Column,
    multiplier: float,
    source: str,
    table: str,
    problems: list[Problem],
    raw: pd.Series | None = None,
) -> pd.Series:
    """Parsed values in the column's final dtype (amounts scaled by the header's unit)."""
    kind = col.kind
    if kind in ("int", "float", "money"):
        out = pd.to_numeric(values, errors="coerce").astype("float64") * multiplier
        infinite_np = np.isinf(out.to_numpy(dtype="float64"))
        if infinite_np.any():
            infinite = pd.Series(infinite_np, index=out.index, dtype=bool)
            problems.append(
                Problem(
                    source,
                    table,
                    f"cannot read {int(infinite.sum())} value(s); expected a finite "
                    "number (inf, Infinity or a number too large to hold is not an amount)",
                    col.name,
                    rows_of(out.index[infinite.to_numpy()]),
                    examples_of((values if raw is None else raw)[infinite].tolist()),
                )
            )
            out = out.mask(infinite)
        if kind == "int":
            frac = out.notna() & (out.round() != out)
            if frac.any():
                problems.append(
                    Problem(
                        source,
                        table,
                        "expected a whole number",
                        col.name,
                        rows_of(out.index[frac.to_numpy()]),
                        examples_of(out[frac].tolist()),
                    )
                )
                out = out.mask(frac)
            return out.round().astype("Int64")
        return out
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(values, errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        return (stamps.dt.normalize() if kind == "date" else stamps).astype("datetime64[ns]")
    if kind == "month":
        return values.astype("str")
    return values.astype("boolean")


def settle_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """After validation: plain numpy int/bool where no value is missing (simpler to analyse)."""
    out = {}
    for name in frame.columns:
        values = frame[name]
        if str(values.dtype) in ("Int64", "boolean"):
            if values.isna().any():
                values = (
                    values.astype("float64")
                    if str(values.dtype) == "Int64"
                    else values.astype(object)
                )
            else:
                values = values.astype("int64" if str(values.dtype) == "Int64" else "bool")
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def coerce_frame(
    frame: pd.DataFrame,
    table: Table,
    multipliers: dict[str, float],
    source: str,
    headers: tuple[str, ...] | list[str] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type every contract column present; report missing required columns.

    `headers` are the header cells as written (shown repr-escaped in the message, so an
    invisible character or a typo can be seen); default: the frame's column names."""
    problems: list[Problem] = []
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    if missing:
        raw = list(headers if headers is not None else frame.attrs.get("headers") or frame.columns)
        have = ", ".join(repr(str(h)) for h in raw) or "none"
        problems.append(
            Problem(
                source,
                table.name,
                f"missing required column(s) {', '.join(missing)}; the header row has: {have}",
            )
        )
    out = {}
    limits = Limits.from_env()
    for col in table.columns:
        if col.name in frame.columns:
            values, found = coerce_column(
                frame[col.name], col, multipliers.get(col.name, 1.0), source, table.name, limits
            )
            out[col.name] = values
            problems += found
        else:
            dtype = EMPTY_DTYPE[col.kind]
            empty = np.nan if dtype in ("float64", "datetime64[ns]") else pd.NA
            out[col.name] = pd.Series(empty, index=frame.index, dtype=dtype)
    typed = pd.DataFrame(out, index=frame.index)
    return typed, problems


EMPTY_DTYPE = {
    "id": "str",
    "text": "str",
    "month": "str",
    "int": "Int64",
    "float": "float64",
    "money": "float64",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
    "bool": "boolean",
}
