"""The two building blocks every report section uses, whichever playbook it belongs to.

A table is declared as a column spec, `(column, label key, format)` triples, and
labelled through the playbook's own words; a figure is as tall as its chart was laid
out.  Each playbook's `common.py` binds its label function, so sections read alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from branch_consult.display import Figure, Table

#: (column, label key, format) for each column a table shows, in order
Spec = Sequence[tuple[str, str, str]]


def spec_table(
    frame: pd.DataFrame,
    caption: str,
    spec: Spec,
    label: Callable[[str], str],
    *,
    source: str | None = None,
    note: str | None = None,
    highlight: Sequence[int] = (),
) -> Table:
    """A Table of the spec's columns that exist in `frame`, headed by `label(key)`."""
    cols = [(c, key, fmt) for c, key, fmt in spec if c in frame.columns]
    return Table.from_frame(
        frame[[c for c, _, _ in cols]],
        caption=caption,
        source=source,
        note=note,
        highlight=list(highlight),
        formats={c: fmt for c, _, fmt in cols},
        labels={c: label(key) for c, key, _ in cols},
    )


class LabelledTable(Protocol):
    """`table(frame, caption, spec, lang, ...)`: a report family's table with its own words."""

    def __call__(
        self,
        frame: pd.DataFrame,
        caption: str,
        spec: Spec,
        lang: str,
        *,
        source: str | None = None,
        note: str | None = None,
        highlight: Sequence[int] = (),
    ) -> Table: ...


def labelled_table(words: Callable[[str, str], str]) -> LabelledTable:
    """The `table` helper of one report family, its headers worded by `words(key, lang)`."""

    def table(
        frame: pd.DataFrame,
        caption: str,
        spec: Spec,
        lang: str,
        *,
        source: str | None = None,
        note: str | None = None,
        highlight: Sequence[int] = (),
    ) -> Table:
        """A Table of the spec's columns that exist in `frame`, labelled in `lang`."""
        return spec_table(
            frame,
            caption,
            spec,
            lambda key: words(key, lang),
            source=source,
            note=note,
            highlight=highlight,
        )

    return table


def chart_figure(fig: go.Figure, caption: str, source: str, height: int | None = None) -> Figure:
    """A Figure display object, as tall as the chart was laid out (420 px when it says nothing)."""
    return Figure(
        caption=caption, source=source, figure=fig, height=height or int(fig.layout.height or 420)
    )
