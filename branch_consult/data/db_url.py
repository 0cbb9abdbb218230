"""Database URLs without their secrets: masking, where passwords come from, and timeouts.

A password typed into `--data postgresql://user:pw@host/db` must never reach a
deliverable, an executed notebook, a log or an error message. Everything outside the
SQL source therefore carries the URL masked (`user:***@host`), as SQLAlchemy renders
it with `hide_password=True`; the source resolves the real password when it connects:

1. a password in the URL itself (not `***`);
2. the environment variable `BRANCH_CONSULT_DB_PASSWORD` (a run hands the password
   it was given to its kernel this way, in the kernel's environment only);
3. a `.pgpass`-style file, `BRANCH_CONSULT_PASSFILE` or
   `~/.config/branch-consult/passfile`: lines `host:port:database:user:password`,
   `*` matching anything, the file readable by its owner only;
4. for PostgreSQL, the driver's own `PGPASSWORD` and `~/.pgpass` (libpq reads them).

Connections time out rather than hang on a server that accepts and never answers:
`BRANCH_CONSULT_DB_CONNECT_TIMEOUT` (seconds, default 10) and
`BRANCH_CONSULT_DB_STATEMENT_TIMEOUT` (seconds, default 600), or the driver's own
options given in the URL's query string, which win.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from branch_consult.errors import BranchConsultError

PASSWORD_ENV = "BRANCH_CONSULT_DB_PASSWORD"
PASSFILE_ENV = "BRANCH_CONSULT_PASSFILE"
CONNECT_TIMEOUT_ENV = "BRANCH_CONSULT_DB_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "BRANCH_CONSULT_DB_STATEMENT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_STATEMENT_TIMEOUT = 600
MASK = "***"
_USERINFO = re.compile(r"(://[^/@:]*:)[^/@]*@")


class CredentialsError(BranchConsultError, ValueError):
    """A credentials file or timeout setting cannot be used; `str()` says which and why."""


def is_url(location: str) -> bool:
    return "://" in str(location)


def mask_url(location: str) -> str:
    """`location` with any password replaced by `***` (non-URLs are returned as they are)."""
    text = str(location)
    if not is_url(text):
        return text
    try:
        from sqlalchemy.engine import make_url

        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # not parseable by SQLAlchemy: mask the user-info part by hand
        return _USERINFO.sub(rf"\g<1>{MASK}@", text)


def url_password(location: str) -> str | None:
    """The password written in a URL, None when there is none or it is already masked."""
    if not is_url(location):
        return None
    try:
        from sqlalchemy.engine import make_url

        password = make_url(str(location)).password
    except Exception:
        return None
    return None if password in (None, "", MASK) else str(password)


def _passfile() -> Path:
    given = os.environ.get(PASSFILE_ENV)
    return (
        Path(given).expanduser()
        if given
        else Path.home() / ".config" / "branch-consult" / "passfile"
    )


def _passfile_fields(line: str) -> list[str]:
    """Split a `.pgpass` line on unescaped colons (`\\:` and `\\\\` are escapes)."""
    fields, current, escaped = [], "", False
    for char in line:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ":":
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    return fields


def passfile_password(
    host: str | None, port: int | None, database: str | None, user: str | None
) -> str | None:
    """The first matching password in the credentials file, None when there is no file or match."""
    path = _passfile()
    if not path.is_file():
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(
            f"credentials file {path} can be read by other users; make it private: chmod 600 {path}"
        )
    wanted = [host or "localhost", str(port or "*"), database or "*", user or "*"]
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = _passfile_fields(raw)
        if len(fields) != 5:
            continue
        if all(f == "*" or w == "*" or f == w for f, w in zip(fields[:4], wanted, strict=True)):
            return fields[4]
    return None


def _seconds(env: str, default: int) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise CredentialsError(f"{env}={text!r}: expected a whole number of seconds") from None
    if value <= 0:
        raise CredentialsError(f"{env}={text!r}: expected a positive number of seconds")
    return value


def engine_arguments(location: str) -> tuple[Any, dict[str, Any]]:
    """The SQLAlchemy URL with its password resolved, and `connect_args` with timeouts."""
    from sqlalchemy.engine import make_url

    url = make_url(str(location))
    password = url_password(str(location)) or os.environ.get(PASSWORD_ENV) or None
    if password is None and url.drivername.split("+")[0] != "sqlite":
        password = passfile_password(url.host, url.port, url.database, url.username)
    # None drops a masked password (libpq may still find one); `set` would ignore None
    url = url.set(password=password) if password is not None else url._replace(password=None)
    connect_timeout = _seconds(CONNECT_TIMEOUT_ENV, DEFAULT_CONNECT_TIMEOUT)
    statement_timeout = _seconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT)
    backend = url.drivername.split("+")[0]
    query = set(url.query)
    args: dict[str, Any] = {}
    if backend == "postgresql":
        if "connect_timeout" not in query:
            args["connect_timeout"] = connect_timeout
        if "options" not in query:
            args["options"] = f"-c statement_timeout={statement_timeout * 1000}"
    elif backend in ("mysql", "mariadb"):
        if "connect_timeout" not in query:
            args["connect_timeout"] = connect_timeout
        if "read_timeout" not in query:
            args["read_timeout"] = statement_timeout
    elif backend == "sqlite":
        if "timeout" not in query:
            args["timeout"] = connect_timeout
    return url, args


def error_cause(exc: BaseException) -> str:
    """The driver's own one-line reason for a failure, without SQL, URL or background links."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else type(exc).__name__
    first = re.sub(r"^connection failed:\s*", "", first)
    first = re.sub(r"^\(.*?\)\s*", "", first) if orig is None else first
    return first
