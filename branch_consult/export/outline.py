"""How a notebook's markdown headings map to the numbered outline of a deliverable.

Playbooks write sections as ``##`` (the report title lives in the metadata and on the
cover), others may start at ``#``. Both the Word and the HTML exporter use this one
rule so contents and body number the same way (1, 1.1, ...) in every format:

* a first heading of level 1 that repeats the report title (metadata ``title``) and is
  the only level-1 heading is the title: the cover already shows it, so it is neither
  numbered nor listed in the contents;
* the shallowest remaining level becomes outline level 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outline:
    """``base``: markdown level shown as outline level 1; ``title_index``: heading that is the title."""

    base: int = 1
    title_index: int | None = None

    def level(self, markdown_level: int) -> int:
        """Outline level (1-based) of a markdown heading level."""
        return max(1, markdown_level - self.base + 1)


def _same(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def plan_outline(headings: Sequence[tuple[int, str]], title: str | None = None) -> Outline:
    """The outline of a document whose headings are ``(markdown level, text)`` in order."""
    levels = [lv for lv, _ in headings]
    title_index = None
    if (
        headings
        and levels[0] == 1
        and levels.count(1) == 1
        and title
        and _same(headings[0][1], title)
    ):
        title_index = 0
    rest = [lv for i, lv in enumerate(levels) if i != title_index]
    return Outline(base=min(rest) if rest else 1, title_index=title_index)


def number_outline(levels: Sequence[int], depth: int = 3) -> list[str]:
    """Section numbers ("1", "1.1", "2") for outline levels in order, as Word's list numbering counts."""
    counters = [0] * depth
    numbers = []
    for level in levels:
        level = max(1, min(level, depth))
        counters[level - 1] += 1
        for deeper in range(level, depth):
            counters[deeper] = 0
        numbers.append(".".join(str(n) for n in counters[:level]))
    return numbers


__all__ = ["Outline", "number_outline", "plan_outline"]
