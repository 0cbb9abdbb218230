"""The display objects (models): tables, figures, findings, scorecards, callouts.

Each object is a pydantic model whose fields *are* the machine-readable payload of the
shared display contract (``application/vnd.branch-consult+json``). In a notebook they
render as escaped HTML; exporters read the payload back from the executed notebook and
render it natively (real Word tables, charts re-rendered from the plotly JSON). Data is
carried, never scraped back from HTML.  Their notebook HTML is built in `display.html`,
the fixed words in `display.words`, the inline stylesheet in `display.css`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from branch_consult.display import html
from branch_consult.display.words import (
    finding_word,
    get_display_lang,
    severity_label,
    shortened_note,
)
from branch_consult.formats import (
    NUMERIC_FORMATS,
    Format,
    clean_text,
    format_value,
    is_null,
    numeric_column,
)

PAYLOAD_MIME = "application/vnd.branch-consult+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

Severity = Literal["high", "medium", "low", "info"]
Status = Literal["red", "amber", "green", "none"]
CalloutStyle = Literal["note", "warning", "tip"]
Cell = str | int | float | bool | None


def to_cell(value: Any) -> Cell:
    """A pandas, numpy or Python value as a JSON scalar (NaN, NaT, NA → None).

    Payloads are JSON in the notebook; converting here keeps numpy types and infinities
    out of them and strips control characters from untrusted text.

    Parameters
    ----------
    value
        One cell of a data frame or any Python value.

    Returns
    -------
    str, int, float, bool or None
        Dates as ``YYYY-MM-DD`` (ISO with the time when it is not midnight).
    """
    if is_null(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isinf(value) else value
    if isinstance(value, str):
        return clean_text(value)
    kind = type(value).__module__.split(".")[0]
    if kind == "numpy":
        import numpy as np

        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            f = float(value)
            return None if math.isinf(f) else f
        if isinstance(value, np.datetime64):
            import pandas as pd

            return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return clean_text(value)


class _Display(BaseModel):
    """Common behaviour: payload, mime bundle, HTML repr.

    A report section returns these objects; the notebook shows them through
    ``_repr_mimebundle_`` and the exporters rebuild them from the JSON payload, so every
    deliverable (notebook, HTML, Word) renders the same values.
    """

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        """The JSON payload of the display contract (plain text fields, JSON scalars).

        Stored in the notebook output under the payload MIME type, so the exporters read
        the typed values rather than scraping the HTML.

        Returns
        -------
        dict
            ``kind``, ``version`` and the object's fields, all JSON-serialisable.
        """
        data = self.model_dump(mode="json")
        return {"kind": self.kind, "version": 1, **data}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> _Display:
        """Rebuild an object of this class from its payload (the inverse of `payload`).

        The exporters call it on the JSON kept in a notebook; validation runs again, so a
        hand-edited or stale notebook fails here with the field that is wrong.

        Parameters
        ----------
        payload
            A mapping as produced by `payload`; ``kind`` and ``version`` are ignored here
            (the module-level `from_payload` checks them).

        Returns
        -------
        _Display
            An instance of ``cls``.
        """
        data = {k: v for k, v in payload.items() if k not in ("kind", "version")}
        return cls.model_validate(data)

    def to_html(self, lang: str | None = None) -> str:  # pragma: no cover - overridden
        """The object as an HTML fragment, for the notebook and the HTML deliverable.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"`` for numbers and fixed words; default the display language
            set for the kernel (`set_display_lang`), so notebooks need not pass it.

        Returns
        -------
        str
            Escaped HTML using the classes of the shared stylesheet.
        """
        raise NotImplementedError

    def to_text(self, lang: str | None = None) -> str:  # pragma: no cover - overridden
        """The object as plain text: the ``text/plain`` fallback for consoles and logs.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``; default the kernel's display language.

        Returns
        -------
        str
            A few readable lines (tables are cut after 20 rows).
        """
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/plain": self.to_text(),
            "text/html": self.to_html(),
            PAYLOAD_MIME: self.payload(),
        }


class Column(BaseModel):
    """One table column: the key of its cells, the header shown and how values are formatted."""

    model_config = ConfigDict(extra="forbid")
    key: str
    label: str
    format: Format = "text"


#: longest text a table cell shows: a longer data value is shortened with an ellipsis and a note
#: (a 1 MB branch name made a Word file that LibreOffice could not open)
MAX_CELL_CHARS = 300


class Table(_Display):
    """A presentation table: raw cells + per-column formats, formatted by each renderer."""

    kind: ClassVar[str] = "table"
    caption: str
    source: str | None = None
    note: str | None = None
    columns: list[Column]
    rows: list[list[Cell]]
    highlight_rows: list[int] = Field(default_factory=list)

    @field_validator("rows", mode="before")
    @classmethod
    def _clean_rows(cls, rows: Any) -> Any:
        return [[to_cell(v) for v in row] for row in rows]

    @model_validator(mode="after")
    def _check_shape(self) -> Table:
        n = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"row {i} has {len(row)} cells, expected {n}")
        bad = [i for i in self.highlight_rows if not 0 <= i < len(self.rows)]
        if bad:
            raise ValueError(f"highlight_rows out of range: {bad}")
        shortened = False
        for row in self.rows:
            for j, value in enumerate(row):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    row[j] = value[: MAX_CELL_CHARS - 1] + "…"
                    shortened = True
        if shortened:
            said = shortened_note(get_display_lang(), MAX_CELL_CHARS)
            self.note = f"{self.note} {said}" if self.note else said
        return self

    @classmethod
    def from_frame(
        cls,
        df: Any,
        caption: str,
        formats: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        source: str | None = None,
        note: str | None = None,
        highlight: Callable[[Any], bool] | Iterable[int] | None = None,
        index: bool = False,
    ) -> Table:
        """Build from a DataFrame; formats default from dtypes (int → int, float → float1).

        Report sections compute frames; this keeps the raw values and the formats apart,
        so each renderer formats numbers for its own language.

        Parameters
        ----------
        df
            The rows to show, one column per table column.
        caption
            The table title shown above it.
        formats
            Format per column key (see `branch_consult.formats`); default from the dtype.
        labels
            Header per column key; default the key itself.
        source, note
            Source line and footnote shown under the table.
        highlight
            Either a predicate called with each row (a pandas Series) or a list of row
            positions; those rows are emphasised.
        index
            True to show the frame's index as the first column(s).

        Returns
        -------
        Table
        """
        import pandas as pd

        frame = df.reset_index() if index else df
        formats = dict(formats or {})
        labels = dict(labels or {})
        columns = []
        for name in frame.columns:
            key = str(name)
            fmt = formats.get(key) or _infer_format(frame[name], pd)
            columns.append(Column(key=key, label=labels.get(key, key), format=fmt))
        rows = [[to_cell(v) for v in rec] for rec in frame.itertuples(index=False, name=None)]
        if highlight is None:
            marked: list[int] = []
        elif callable(highlight):
            marked = [i for i, (_, row) in enumerate(frame.iterrows()) if bool(highlight(row))]
        else:
            marked = sorted({int(i) for i in highlight})
        return cls(
            caption=caption,
            source=source,
            note=note,
            columns=columns,
            rows=rows,
            highlight_rows=marked,
        )

    def formatted_rows(self, lang: str | None = None) -> list[list[str]]:
        """Every cell formatted as text in ``lang``: one formatting rule for HTML and Word.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``; default the kernel's display language.

        Returns
        -------
        list of list of str
            One list per row, one string per column.
        """
        lang = lang or get_display_lang()
        return [
            [format_value(v, c.format, lang) for v, c in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def numeric_columns(self, lang: str | None = None) -> list[bool]:
        """Which columns are numbers (right-aligned): numeric formats, or text that only holds numbers.

        Both exporters align by it, so the HTML and the Word table agree.

        Parameters
        ----------
        lang
            Language the text cells are formatted in before they are inspected.

        Returns
        -------
        list of bool
            One flag per column.
        """
        rows = self.formatted_rows(lang)
        return [
            c.format in NUMERIC_FORMATS
            or (c.format == "text" and numeric_column([r[i] for r in rows]))
            for i, c in enumerate(self.columns)
        ]

    def to_html(self, lang: str | None = None) -> str:
        """The table as an HTML fragment (see `_Display.to_html`)."""
        return html.table_html(self, lang or get_display_lang())

    def to_text(self, lang: str | None = None) -> str:
        """The table as plain text (see `_Display.to_text`)."""
        lang = lang or get_display_lang()
        lines = [clean_text(self.caption)]
        lines.append(" | ".join(clean_text(c.label) for c in self.columns))
        lines += [" | ".join(r) for r in self.formatted_rows(lang)[:20]]
        if len(self.rows) > 20:
            lines.append(f"… ({len(self.rows)} rows)")
        return "\n".join(lines)


def _infer_format(series: Any, pd: Any) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float1"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"


def _figure_dict(fig: Any) -> dict[str, Any]:
    """Plotly figure (or dict) → JSON-safe dict with data/layout, as plotly emits it."""
    if isinstance(fig, Mapping):
        text = json.dumps(dict(fig), default=str)
    else:
        to_json = getattr(fig, "to_json", None)
        if to_json is None:
            raise TypeError(f"expected a plotly figure or dict, got {type(fig).__name__}")
        text = to_json()
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError(f"expected a plotly figure or dict, got JSON {type(data).__name__}")
    return data


class Figure(_Display):
    """A plotly chart with caption and source; exporters re-render it from the JSON."""

    kind: ClassVar[str] = "figure"
    caption: str
    source: str | None = None
    figure: dict[str, Any]
    width: int = 900
    height: int = 450

    @model_validator(mode="before")
    @classmethod
    def _accept_fig(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "fig" in data:
                data["figure"] = data.pop("fig")
            if "figure" in data and not isinstance(data["figure"], dict):
                data["figure"] = _figure_dict(data["figure"])
        return data

    def plotly_json(self) -> dict[str, Any]:
        """The chart as plotly's JSON with the object's width and height filled in.

        Sent under plotly's MIME type so JupyterLab draws the interactive chart, and read
        by the exporters to render the static image at the size the report expects.

        Returns
        -------
        dict
            ``data``, ``layout`` and ``config`` as plotly.js takes them.
        """
        fig = dict(self.figure)
        layout = dict(fig.get("layout") or {})
        layout.setdefault("width", self.width)
        layout.setdefault("height", self.height)
        return {"data": fig.get("data", []), "layout": layout, "config": {"displaylogo": False}}

    def to_html(self, lang: str | None = None) -> str:
        """The figure as an HTML fragment (see `_Display.to_html`)."""
        return html.figure_html(self, lang or get_display_lang())

    def to_text(self, lang: str | None = None) -> str:
        """The figure as plain text (see `_Display.to_text`)."""
        return f"[Figure] {clean_text(self.caption)}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(include, exclude)
        bundle[PLOTLY_MIME] = self.plotly_json()
        return bundle


class Finding(_Display):
    """One diagnostic finding: what we saw, the evidence, and what to do about it."""

    kind: ClassVar[str] = "finding"
    severity: Severity
    title: str
    evidence: str
    action: str
    subject: str | None = None

    def to_html(self, lang: str | None = None) -> str:
        """The finding as an HTML fragment (see `_Display.to_html`)."""
        return html.finding_html(self, lang or get_display_lang())

    def to_text(self, lang: str | None = None) -> str:
        """The finding as plain text (see `_Display.to_text`)."""
        lang = lang or get_display_lang()
        return (
            f"[{severity_label(self.severity, lang)}] {clean_text(self.title)}\n"
            f"{finding_word('evidence', lang)}: {clean_text(self.evidence)}\n"
            f"{finding_word('action', lang)}: {clean_text(self.action)}"
        )


class Tile(BaseModel):
    """One KPI of a scorecard: label, raw value, its format and a traffic-light status."""

    model_config = ConfigDict(extra="forbid")
    label: str
    value: float | int | None = None
    format: Format = "float1"
    status: Status = "none"
    note: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _clean_value(cls, v: Any) -> Any:
        v = to_cell(v)
        return None if isinstance(v, str) else v


class Scorecard(_Display):
    """KPI tiles with a traffic-light status each."""

    kind: ClassVar[str] = "scorecard"
    caption: str
    tiles: list[Tile]

    def to_html(self, lang: str | None = None) -> str:
        """The scorecard as an HTML fragment (see `_Display.to_html`)."""
        return html.scorecard_html(self, lang or get_display_lang())

    def to_text(self, lang: str | None = None) -> str:
        """The scorecard as plain text (see `_Display.to_text`)."""
        lang = lang or get_display_lang()
        parts = [
            f"{clean_text(t.label)}: {format_value(t.value, t.format, lang)}" for t in self.tiles
        ]
        return clean_text(self.caption) + "\n" + "\n".join(parts)


class Callout(_Display):
    """A boxed note, warning or tip in the narrative."""

    kind: ClassVar[str] = "callout"
    style: CalloutStyle = "note"
    title: str | None = None
    text: str

    def to_html(self, lang: str | None = None) -> str:
        """The callout as an HTML fragment (see `_Display.to_html`)."""
        return html.callout_html(self, lang or get_display_lang())

    def to_text(self, lang: str | None = None) -> str:
        """The callout as plain text (see `_Display.to_text`)."""
        head = f"{clean_text(self.title)}: " if self.title else ""
        return f"[{self.style}] {head}{clean_text(self.text)}"


_KINDS: dict[str, type[_Display]] = {
    "table": Table,
    "figure": Figure,
    "finding": Finding,
    "scorecard": Scorecard,
    "callout": Callout,
}


def from_payload(payload: Mapping[str, Any]) -> _Display:
    """Rebuild a display object from its contract payload.

    The exporters read executed notebooks through it, so a Word and an HTML deliverable
    are built from the same typed objects the notebook showed.

    Parameters
    ----------
    payload
        The JSON kept under ``application/vnd.branch-consult+json`` in a notebook output.

    Returns
    -------
    Table, Figure, Finding, Scorecard or Callout

    Raises
    ------
    ValueError
        For an unknown ``kind`` or ``version``; pydantic's ``ValidationError`` (a
        ValueError) for a field that does not fit.
    """
    kind = payload.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"unknown display payload kind {kind!r}")
    if payload.get("version", 1) != 1:
        raise ValueError(f"unsupported payload version {payload.get('version')!r}")
    return _KINDS[kind].from_payload(payload)
