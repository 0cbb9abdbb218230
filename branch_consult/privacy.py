"""Pseudonyms for personal data in deliverables (customer and staff ids and names).

One scheme for every playbook: `Pseudonymiser.token(id, kind, name=None)` gives a token
like 客户-11BB94 / Customer-11BB94.  The token is an HMAC of the kind and id under a
secret kept in the client's configuration, so the same person has the same token in
every run and both languages for one client (only the prefix follows the language),
and nobody without the secret can reverse or recompute it.

The secret (`pseudonym_secret`): `$BRANCH_CONSULT_PSEUDONYM_SECRET`, else the one a
workspace configuration passes in, else a per-user secret file created on first use
(mode 0600) at `$XDG_CONFIG_HOME/branch-consult/pseudonym-secret` (`~/.config/...`).
It never appears in a deliverable.

The key (token → kind → id → name) lets the consultant act on a list: every token
issued is appended to the CSV named by `$BRANCH_CONSULT_KEY_FILE` when set.  A run
sets it for the kernel and moves the file beside the deliverables as
`<stem>.key.csv` (`finish_key_file`); the deliverables never contain it.

Pseudonymise the *data* (ids and names in tables and metric values) before wording;
never replace substrings in finished text (a name like 高峰 or "a" is also a word).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
import weakref
from pathlib import Path

import pandas as pd

SECRET_ENV = "BRANCH_CONSULT_PSEUDONYM_SECRET"
KEY_FILE_ENV = "BRANCH_CONSULT_KEY_FILE"
KEY_COLUMNS = ("token", "kind", "id", "name")
_PREFIX = {
    "customer": ("客户", "Customer"),
    "staff": ("员工", "Staff"),
    "participant": ("学员", "Participant"),
}


def user_secret_file() -> Path:
    """Where the per-user secret lives: `$XDG_CONFIG_HOME/branch-consult/pseudonym-secret`."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "branch-consult" / "pseudonym-secret"


def _user_secret() -> str:
    """The per-user secret, created (mode 0600, atomically) on first use."""
    path = user_secret_file()
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".pseudonym-secret.", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def pseudonym_secret(configured: str | None = None) -> str:
    """The client's pseudonym secret: environment, else `configured`, else the active workspace's
    (`branch-consult.toml`), else the user's file."""
    from branch_consult import workspace

    return (
        os.environ.get(SECRET_ENV) or configured or workspace.pseudonym_secret() or _user_secret()
    )


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and value != value)
        or str(value) in ("", "nan", "None", "<NA>")
    )


class Pseudonymiser:
    """Maps identifiers to stable tokens like 客户-7F3A2B / Customer-7F3A2B and records the key.

    Parameters
    ----------
    secret
        The HMAC key; default `pseudonym_secret()` (the client's configured secret).
    lang
        Language of the token prefix (zh or en); the hex part does not depend on it.
    enabled
        False for internal runs (`--no-pseudonymise`): values pass through unchanged.
    key_file
        CSV to append issued tokens to; default `$BRANCH_CONSULT_KEY_FILE`, none if unset.
    """

    def __init__(
        self,
        secret: str | None = None,
        lang: str = "zh",
        enabled: bool = True,
        key_file: str | os.PathLike[str] | None = None,
    ):
        self.lang = lang
        self.enabled = enabled
        self._secret = (secret or pseudonym_secret()).encode() if enabled else b""
        given = key_file if key_file is not None else os.environ.get(KEY_FILE_ENV)
        self.key_file = Path(given) if given else None
        self._recorded: dict[tuple[str, str], str] = {}

    def token(self, value: object, kind: str = "customer", name: object = None) -> str:
        """The token of one identifier of `kind` (customer, staff); "" for a missing value.

        `name`, when known, goes into the key file beside the id (never into the token).
        """
        if _missing(value):
            return ""
        ident = str(value)
        digest = (
            hmac.new(self._secret, f"{kind}:{ident}".encode(), hashlib.sha256)
            .hexdigest()[:6]
            .upper()
        )
        zh, en = _PREFIX.get(kind, (kind, kind))
        token = f"{zh if self.lang == 'zh' else en}-{digest}"
        self._record(token, kind, ident, "" if _missing(name) else str(name))
        return token

    def shown(self, value: object, kind: str = "customer", name: object = None) -> object:
        """What a reader sees for one person: the token, or (pseudonymisation off) the name, else the id."""
        if _missing(value):
            return None
        if self.enabled:
            return self.token(value, kind, name)
        return value if _missing(name) else name

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

    def _record(self, token: str, kind: str, ident: str, name: str) -> None:
        if self.key_file is None:
            return
        known = self._recorded.get((kind, ident))
        if known is not None and (known or not name):
            return  # already recorded, with at least as much as we know now
        self._recorded[(kind, ident)] = name
        new = not self.key_file.exists() or self.key_file.stat().st_size == 0
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            if new:
                writer.writerow(KEY_COLUMNS)
            writer.writerow([token, kind, ident, name])


def read_key(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """Rows of a key file (token, kind, id, name), one per person, the named row kept when recorded twice."""
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["token"], row["kind"], row["id"])
            if key not in rows or (row.get("name") and not rows[key].get("name")):
                rows[key] = {c: row.get(c) or "" for c in KEY_COLUMNS}
    return sorted(rows.values(), key=lambda r: (r["kind"], r["token"]))


def finish_key_file(
    recorded: str | os.PathLike[str], destination: str | os.PathLike[str]
) -> Path | None:
    """Move the tokens a run recorded to `destination` (mode 0600), one row per person; None if none were issued."""
    source = Path(recorded)
    if not source.is_file() or source.stat().st_size == 0:
        source.unlink(missing_ok=True)
        return None
    rows = read_key(source)
    dest = Path(destination)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=KEY_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    source.unlink(missing_ok=True)
    return dest


class KeyRecording:
    """The parent's side of the key protocol: a private file the kernel appends issued tokens to.

    `env` goes into the kernel's environment (`LocalKernelManager.with_env`); after the
    deliverables are written, `finish(<out>/<stem>.key.csv)` moves the key beside them
    (mode 0600).  A failed run leaves nothing: the private folder is removed when this
    object is collected or the process exits.  A workspace configuration can pass its
    pseudonym secret the same way (`env` with `SECRET_ENV`).
    """

    def __init__(self, secret: str | None = None):
        self._folder = tempfile.mkdtemp(prefix="bc-key-")  # mode 0700
        self.path = Path(self._folder) / "key.csv"
        self.env: dict[str, str] = {KEY_FILE_ENV: str(self.path)}
        if secret:
            self.env[SECRET_ENV] = secret
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._folder, True)

    def finish(self, destination: str | os.PathLike[str]) -> Path | None:
        """Move the recorded key to `destination`; None when the run issued no token."""
        try:
            return finish_key_file(self.path, destination)
        finally:
            self._cleanup()
