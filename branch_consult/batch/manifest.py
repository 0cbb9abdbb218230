"""`manifest.json`: every item's status, timings, parameters, input fingerprint and files.

Rewritten atomically after each item, so a batch killed at any moment leaves a manifest
that says exactly which items are finished; a re-run skips an item only when its inputs
key is unchanged and all its files are still there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branch_consult.atomic import atomic_write

MANIFEST_NAME = "manifest.json"
VERSION = 1


def inputs_key(
    *,
    playbook_sha256: str,
    data_fingerprint: str | None,
    parameters: Mapping[str, Any],
    formats: list[str],
) -> str:
    """What an item's deliverables depend on: playbook text, data version, parameters, formats."""
    text = json.dumps(
        {
            "playbook": playbook_sha256,
            "data": data_fingerprint,
            "parameters": dict(parameters),
            "formats": sorted(formats),
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Manifest:
    """The batch record on disk; `items` maps item id -> its entry."""

    path: Path
    header: dict[str, Any] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The folder's manifest, or an empty one (an unreadable file counts as none: every item reruns)."""
        path = Path(out) / MANIFEST_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            items = raw.get("items", {}) if isinstance(raw, dict) else {}
            header = {k: v for k, v in raw.items() if k != "items"}
            return cls(
                path, header, {str(k): dict(v) for k, v in items.items() if isinstance(v, dict)}
            )
        except (OSError, ValueError, AttributeError):
            return cls(path)

    def is_current(self, item: str, key: str) -> bool:
        """Finished with these very inputs, and every file it delivered is still in the folder."""
        entry = self.items.get(item)
        if not entry or entry.get("status") != "done" or entry.get("inputs") != key:
            return False
        files = entry.get("files") or []
        return bool(files) and all((self.path.parent / name).is_file() for name in files)

    def record(self, item: str, entry: Mapping[str, Any]) -> None:
        self.items[item] = dict(entry)
        self.save()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.items.values():
            out[entry.get("status", "?")] = out.get(entry.get("status", "?"), 0) + 1
        return out

    def save(self) -> None:
        body = {"version": VERSION, **self.header, "items": self.items}
        atomic_write(
            self.path, json.dumps(body, indent=1, ensure_ascii=False, default=str).encode("utf-8")
        )
