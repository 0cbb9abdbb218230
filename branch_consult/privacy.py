"""Pseudonyms for personal data in deliverables (customer and staff names, IDs).

A diagnostic handed to a branch head lists customers and staff; unless the client
asks otherwise they appear as stable pseudonyms: the same person gets the same
token in every table of one report (so lists can be cross-checked) but tokens cannot
be reversed without the salt, which differs per report run unless fixed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

_PREFIX = {"customer": ("客户", "Customer"), "staff": ("员工", "Staff")}


class Pseudonymiser:
    """Maps identifiers to tokens like 客户-7F3A / Customer-7F3A, stable within one salt."""

    def __init__(self, salt: str | None = None, lang: str = "zh", enabled: bool = True):
        self.salt = (salt or secrets.token_hex(16)).encode()
        self.lang = lang
        self.enabled = enabled

    def token(self, value: object, kind: str = "customer") -> str:
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
            return ""
        digest = hmac.new(self.salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:6].upper()
        zh, en = _PREFIX.get(kind, (kind, kind))
        return f"{zh if self.lang == 'zh' else en}-{digest}"

    def series(self, values: pd.Series, kind: str = "customer") -> pd.Series:
        """Tokens for a column (unchanged when pseudonymisation is off)."""
        if not self.enabled:
            return values
        return values.map(lambda v: self.token(v, kind))

    def frame(self, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
        """Replace the given columns ({column: kind}) by tokens; other columns untouched."""
        if not self.enabled:
            return frame
        out = frame.copy()
        for column, kind in columns.items():
            if column in out.columns:
                out[column] = self.series(out[column], kind)
        return out
