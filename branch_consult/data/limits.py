"""Size limits on untrusted input, checked before anything large is loaded.

A 300 KB workbook can unpack to a 300 MiB string and take a gigabyte of memory to
read; a 1 MB "branch name" makes deliverables nobody can open.  The defaults are
generous for real bank extracts; override them with environment variables (for a
batch) or by passing `Limits(...)` to the check functions.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from branch_consult.data.problems import DataProblems, Problem

#: total uncompressed size of all parts of an .xlsx (a million-row sheet is ~200 MiB)
MAX_WORKBOOK_BYTES = 512 * 1024 * 1024
#: one part of the workbook (a sheet, the shared strings)
MAX_WORKBOOK_PART_BYTES = 256 * 1024 * 1024
#: a part this large (bytes, unpacked) ...
BOMB_PART_BYTES = 16 * 1024 * 1024
#: ... that packs better than this is a zip bomb, not data (real sheets pack 5-20 times)
MAX_COMPRESSION_RATIO = 200
#: longest text in a text column (Excel itself stops at 32,767 characters per cell)
MAX_TEXT_CHARS = 32_767
#: longest identifier
MAX_ID_CHARS = 256

_ENV = {
    "workbook_bytes": "BRANCH_CONSULT_MAX_WORKBOOK_BYTES",
    "workbook_part_bytes": "BRANCH_CONSULT_MAX_WORKBOOK_PART_BYTES",
    "text_chars": "BRANCH_CONSULT_MAX_TEXT_CHARS",
    "id_chars": "BRANCH_CONSULT_MAX_ID_CHARS",
    "compression_ratio": "BRANCH_CONSULT_MAX_COMPRESSION_RATIO",
}


@dataclass(frozen=True)
class Limits:
    """How much of each thing an input may hold."""

    workbook_bytes: int = MAX_WORKBOOK_BYTES
    workbook_part_bytes: int = MAX_WORKBOOK_PART_BYTES
    text_chars: int = MAX_TEXT_CHARS
    id_chars: int = MAX_ID_CHARS
    compression_ratio: int = MAX_COMPRESSION_RATIO

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, each overridable by its BRANCH_CONSULT_MAX_* environment variable."""
        values: dict[str, int] = {}
        for name, var in _ENV.items():
            text = os.environ.get(var, "").strip()
            if text:
                try:
                    values[name] = int(text)
                except ValueError:
                    raise DataProblems(
                        [], headline=f"{var} must be a whole number, not {text!r}"
                    ) from None
        return cls(**values)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MiB"


def check_workbook(path: Path, label: str, limits: Limits | None = None) -> None:
    """Refuse a workbook whose parts unpack beyond the limits, reading only the zip directory."""
    lim = limits or Limits.from_env()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the Excel reader says what is wrong with it
    parts = [(i.filename, i.file_size) for i in infos]
    total = sum(size for _, size in parts)
    big = [(name, size) for name, size in parts if size > lim.workbook_part_bytes]
    bombs = [
        i
        for i in infos
        if i.file_size > BOMB_PART_BYTES
        and i.file_size > lim.compression_ratio * max(i.compress_size, 1)
    ]
    why = ""
    if big or total > lim.workbook_bytes:
        name, size = max(parts, key=lambda p: p[1])
        why = (
            f"the workbook unpacks to {_mib(total)} (limit {_mib(lim.workbook_bytes)}); "
            f"largest part {name}: {_mib(size)} (limit {_mib(lim.workbook_part_bytes)})"
        )
    elif bombs:
        i = bombs[0]
        why = (
            f"part {i.filename} unpacks {i.file_size / max(i.compress_size, 1):,.0f} times "
            f"({_mib(i.compress_size)} to {_mib(i.file_size)}; limit {lim.compression_ratio} times), "
            "which is not how real sheets pack"
        )
    if why:
        raise DataProblems(
            [
                Problem(
                    label,
                    "-",
                    f"refused before loading: {why}; split the workbook or export CSV/Parquet, "
                    "or raise the limits (BRANCH_CONSULT_MAX_* environment variables)",
                )
            ],
            headline="the workbook is too large to read safely",
        )
