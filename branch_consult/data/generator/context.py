"""What every table builder of one branch needs: its position, random streams and IDs."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from branch_consult.data.generator.period import Period
from branch_consult.data.generator.planted import Positions


@dataclass
class Serials:
    """Running numbers for IDs, so IDs stay unique and in order across branch chunks."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, kind: str, n: int) -> np.ndarray:
        start = self.next.get(kind, 0)
        self.next[kind] = start + n
        return np.arange(start + 1, start + n + 1)


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """'C' + zero-padded numbers, e.g. C0000042, as a numpy string array."""
    digits = np.char.zfill(numbers.astype(str), width)
    return np.char.add(prefix, digits)


@dataclass
class BranchContext:
    """One branch being generated: its position in the bank and its random streams.

    Each table draws from its own stream keyed by (seed, branch position, table), so
    the windows chosen for one table never shift the random numbers of another, and
    the output does not depend on how branches are chunked.
    """

    seed: int
    index: int
    n_branches: int
    period: Period
    serials: Serials
    log: dict[str, Any]
    branch_width: int = 3

    @property
    def branch_id(self) -> str:
        return f"B{self.index + 1:0{self.branch_width}d}"

    @property
    def positions(self) -> Positions:
        return Positions(self.n_branches)

    def rng(self, table: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.index, zlib.crc32(table.encode())])

    def is_(self, pattern: str) -> bool:
        position: int = getattr(self.positions, pattern)
        return position == self.index
