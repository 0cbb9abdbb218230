"""Rich display objects for playbooks: tables, figures, findings, scorecards, callouts.

Each object is a pydantic model whose fields *are* the machine-readable payload of the
shared display contract (``application/vnd.branch-consult+json``). In a notebook they
render as escaped HTML; exporters read the payload back from the executed notebook and
render it natively (real Word tables, charts re-rendered from the plotly JSON). Data is
carried, never scraped back from HTML.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from branch_consult.formats import (
    NUMERIC_FORMATS,
    Format,
    clean_text,
    format_value,
    is_null,
    numeric_column,
    text_units,
)

PAYLOAD_MIME = "application/vnd.branch-consult+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"

Severity = Literal["high", "medium", "low", "info"]
Status = Literal["red", "amber", "green", "none"]
CalloutStyle = Literal["note", "warning", "tip"]
Cell = str | int | float | bool | None

_LANG = {"value": "zh"}

_SEVERITY_LABEL = {
    "zh": {"high": "高", "medium": "中", "low": "低", "info": "提示"},
    "en": {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"},
}
_FINDING_WORDS = {
    "zh": {"evidence": "依据", "action": "建议行动", "severity": "严重程度", "source": "来源"},
    "en": {"evidence": "Evidence", "action": "Recommended action", "severity": "Severity", "source": "Source"},
}


def set_display_lang(lang: str) -> None:
    """Language used for number formats and labels in notebook HTML ("zh" or "en")."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    _LANG["value"] = lang


def get_display_lang() -> str:
    return _LANG["value"]


def severity_label(severity: str, lang: str = "zh") -> str:
    """Human word for a finding severity in ``lang``."""
    return _SEVERITY_LABEL.get(lang, _SEVERITY_LABEL["en"]).get(severity, severity)


def finding_word(key: str, lang: str = "zh") -> str:
    """Fixed words of a finding box ("evidence", "action", ...) in ``lang``."""
    return _FINDING_WORDS.get(lang, _FINDING_WORDS["en"])[key]


def label_colon(lang: str = "zh") -> str:
    """The colon after a label: full-width in Chinese text, ": " in English."""
    return "：" if lang == "zh" else ": "


def source_line(source: str, lang: str = "zh") -> str:
    """"来源：核心系统" / "Source: core banking": the one wording every renderer uses."""
    return finding_word("source", lang) + label_colon(lang) + clean_text(source)


def _esc(value: Any) -> str:
    """Escape untrusted text for HTML: control characters dropped, newlines as <br>."""
    return html.escape(clean_text(value), quote=True).replace("\n", "<br>")


def to_cell(value: Any) -> Cell:
    """Convert a pandas/numpy/python value to a JSON scalar (NaN, NaT, NA → None)."""
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
    """Common behaviour: payload, mime bundle, HTML repr."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        """The JSON payload of the display contract (plain text fields, JSON scalars)."""
        data = self.model_dump(mode="json")
        return {"kind": self.kind, "version": 1, **data}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> _Display:
        data = {k: v for k, v in payload.items() if k not in ("kind", "version")}
        return cls.model_validate(data)

    def to_html(self, lang: str | None = None) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_text(self, lang: str | None = None) -> str:  # pragma: no cover - overridden
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
    model_config = ConfigDict(extra="forbid")
    key: str
    label: str
    format: Format = "text"


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

        ``highlight`` is either a predicate called with each row (a pandas Series) or
        a list of row positions.
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
            caption=caption, source=source, note=note, columns=columns, rows=rows,
            highlight_rows=marked,
        )

    def formatted_rows(self, lang: str | None = None) -> list[list[str]]:
        lang = lang or get_display_lang()
        return [
            [format_value(v, c.format, lang) for v, c in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def numeric_columns(self, lang: str | None = None) -> list[bool]:
        """Which columns are numbers (right-aligned): numeric formats, or text that only holds numbers."""
        rows = self.formatted_rows(lang)
        return [
            c.format in NUMERIC_FORMATS or (c.format == "text" and numeric_column([r[i] for r in rows]))
            for i, c in enumerate(self.columns)
        ]

    def to_html(self, lang: str | None = None) -> str:
        lang = lang or get_display_lang()
        rows = self.formatted_rows(lang)
        kinds = ["bc-num" if n else "bc-text" for n in self.numeric_columns(lang)]
        # short text (names, regions, labels) never wraps mid-word; long text (actions) still may
        keep = [k == "bc-text" and max((text_units(r[i]) for r in rows), default=0) <= SHORT_TEXT_UNITS
                for i, k in enumerate(kinds)]
        cell_kinds = [f"{k} bc-keep" if kp else k for k, kp in zip(kinds, keep, strict=True)]
        head = "".join(
            f'<th class="{k}{" bc-keep" if text_units(c.label) <= SHORT_HEADER_UNITS else ""}">{_esc(c.label)}</th>'
            for c, k in zip(self.columns, kinds, strict=True)
        )
        body = []
        marked = set(self.highlight_rows)
        for i, row in enumerate(rows):
            cells = "".join(f'<td class="{k}">{_esc(v)}</td>' for v, k in zip(row, cell_kinds, strict=True))
            cls_attr = ' class="bc-highlight"' if i in marked else ""
            body.append(f"<tr{cls_attr}>{cells}</tr>")
        foot = ""
        if self.note:
            foot += f'<p class="bc-note">{_esc(self.note)}</p>'
        if self.source:
            foot += f'<p class="bc-source">{_esc(source_line(self.source, lang))}</p>'
        return (
            f'<div class="bc-table-wrap">{_INLINE_CSS}<table class="bc-table">'
            f'<caption class="bc-caption">{_esc(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}</div>"
        )

    def to_text(self, lang: str | None = None) -> str:
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
        return json.loads(json.dumps(dict(fig), default=str))
    to_json = getattr(fig, "to_json", None)
    if to_json is None:
        raise TypeError(f"expected a plotly figure or dict, got {type(fig).__name__}")
    return json.loads(to_json())


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
        fig = dict(self.figure)
        layout = dict(fig.get("layout") or {})
        layout.setdefault("width", self.width)
        layout.setdefault("height", self.height)
        return {"data": fig.get("data", []), "layout": layout, "config": {"displaylogo": False}}

    def to_html(self, lang: str | None = None) -> str:
        lang = lang or get_display_lang()
        src = f'<p class="bc-source">{_esc(source_line(self.source, lang))}</p>' if self.source else ""
        return (
            f'<figure class="bc-figure">{_INLINE_CSS}'
            f'<figcaption class="bc-caption">{_esc(self.caption)}</figcaption>{src}</figure>'
        )

    def to_text(self, lang: str | None = None) -> str:
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
        lang = lang or get_display_lang()
        subject = f'<span class="bc-subject">{_esc(self.subject)}</span>' if self.subject else ""
        return (
            f'<div class="bc-finding bc-sev-{self.severity}">{_INLINE_CSS}'
            f'<div class="bc-finding-head"><span class="bc-badge">{_esc(severity_label(self.severity, lang))}</span>'
            f'<strong class="bc-finding-title">{_esc(self.title)}</strong>{subject}</div>'
            f'<p class="bc-evidence"><strong>{_esc(finding_word("evidence", lang) + label_colon(lang))}</strong>'
            f'{_esc(self.evidence)}</p>'
            f'<p class="bc-action"><strong>{_esc(finding_word("action", lang) + label_colon(lang))}</strong>'
            f'{_esc(self.action)}</p></div>'
        )

    def to_text(self, lang: str | None = None) -> str:
        lang = lang or get_display_lang()
        return (
            f"[{severity_label(self.severity, lang)}] {clean_text(self.title)}\n"
            f"{finding_word('evidence', lang)}: {clean_text(self.evidence)}\n"
            f"{finding_word('action', lang)}: {clean_text(self.action)}"
        )


class Tile(BaseModel):
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
        lang = lang or get_display_lang()
        tiles = "".join(
            f'<div class="bc-tile bc-status-{t.status}"><div class="bc-tile-label">{_esc(t.label)}</div>'
            f'<div class="bc-tile-value">{_esc(format_value(t.value, t.format, lang))}</div>'
            + (f'<div class="bc-tile-note">{_esc(t.note)}</div>' if t.note else "")
            + "</div>"
            for t in self.tiles
        )
        return (
            f'<div class="bc-scorecard">{_INLINE_CSS}<div class="bc-caption">{_esc(self.caption)}</div>'
            f'<div class="bc-tiles">{tiles}</div></div>'
        )

    def to_text(self, lang: str | None = None) -> str:
        lang = lang or get_display_lang()
        parts = [f"{clean_text(t.label)}: {format_value(t.value, t.format, lang)}" for t in self.tiles]
        return clean_text(self.caption) + "\n" + "\n".join(parts)


class Callout(_Display):
    """A boxed note, warning or tip in the narrative."""

    kind: ClassVar[str] = "callout"
    style: CalloutStyle = "note"
    title: str | None = None
    text: str

    def to_html(self, lang: str | None = None) -> str:
        title = f'<div class="bc-callout-title">{_esc(self.title)}</div>' if self.title else ""
        return (
            f'<div class="bc-callout bc-callout-{self.style}">{_INLINE_CSS}{title}'
            f'<div class="bc-callout-text">{_esc(self.text)}</div></div>'
        )

    def to_text(self, lang: str | None = None) -> str:
        head = f"{clean_text(self.title)}: " if self.title else ""
        return f"[{self.style}] {head}{clean_text(self.text)}"


_KINDS: dict[str, type[_Display]] = {
    "table": Table, "figure": Figure, "finding": Finding, "scorecard": Scorecard, "callout": Callout,
}


def from_payload(payload: Mapping[str, Any]) -> _Display:
    """Rebuild a display object from its contract payload (used by exporters)."""
    kind = payload.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"unknown display payload kind {kind!r}")
    if payload.get("version", 1) != 1:
        raise ValueError(f"unsupported payload version {payload.get('version')!r}")
    return _KINDS[kind].from_payload(payload)


# Minimal, scoped styling so objects look right in JupyterLab; the HTML deliverable's
# stylesheet overrides these (same class names). Repeated <style> blocks are harmless.
#: Text columns whose widest cell is at most this many half-width units never wrap in HTML.
SHORT_TEXT_UNITS = 16
#: Headers up to this width (优先级, Region) stay on one line; longer ones wrap.
SHORT_HEADER_UNITS = 8

_INLINE_CSS = (
    "<style>"
    ".bc-table{border-collapse:collapse;font-size:13px;margin:6px 0;table-layout:auto}"
    ".bc-table .bc-keep{white-space:nowrap}"
    ".bc-table caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}"
    ".bc-table th{background:#1f3b5c;color:#fff;padding:4px 8px;font-weight:600}"
    ".bc-table td{padding:3px 8px;border-bottom:1px solid #e3e7ec}"
    ".bc-table .bc-num{text-align:right;font-variant-numeric:tabular-nums}"
    ".bc-table tr.bc-highlight td{background:#fff4d6;font-weight:600}"
    ".bc-source,.bc-note{font-size:11px;color:#6b7785;margin:2px 0}"
    ".bc-finding{border-left:5px solid #8aa0b8;background:#f3f6f9;padding:8px 12px;margin:8px 0}"
    ".bc-sev-high{border-color:#c0392b;background:#fbeceb}"
    ".bc-sev-medium{border-color:#d68910;background:#fdf3e1}"
    ".bc-badge{display:inline-block;font-size:11px;padding:1px 6px;margin-right:8px;border-radius:3px;background:#8aa0b8;color:#fff}"
    ".bc-sev-high .bc-badge{background:#c0392b}.bc-sev-medium .bc-badge{background:#d68910}"
    ".bc-finding p{margin:4px 0}"
    ".bc-subject{color:#6b7785;margin-left:.5em}.bc-subject::before{content:'· '}"
    ".bc-tiles{display:flex;flex-wrap:wrap;gap:8px}"
    ".bc-tile{border:1px solid #d5dbe2;border-top:4px solid #aab4bf;padding:6px 10px;min-width:120px}"
    ".bc-status-red{border-top-color:#c0392b}.bc-status-amber{border-top-color:#d68910}"
    ".bc-status-green{border-top-color:#2e8b57}"
    ".bc-tile-label{font-size:11px;color:#4a5563}.bc-tile-value{font-size:20px;font-weight:600}"
    ".bc-tile-note{font-size:11px;color:#6b7785}"
    ".bc-callout{border:1px solid #c9d6e3;background:#f1f6fb;padding:8px 12px;margin:8px 0}"
    ".bc-callout-warning{border-color:#e5b55b;background:#fdf6e7}"
    ".bc-callout-tip{border-color:#9cc9a8;background:#eef8f1}"
    ".bc-callout-title{font-weight:600}"
    "</style>"
)

__all__ = [
    "PAYLOAD_MIME", "PLOTLY_MIME", "Callout", "Column", "Figure", "Finding", "Scorecard", "Table",
    "Tile", "finding_word", "from_payload", "get_display_lang", "label_colon", "set_display_lang",
    "severity_label", "source_line", "to_cell",
]
