"""A throw-away PostgreSQL server for the SQL-source tests (started once per session)."""

from __future__ import annotations

import pytest

from tests.pg_server import PASSWORD_ROLE, PostgresUnavailable, throwaway_postgres

__all__ = ["PASSWORD_ROLE"]


@pytest.fixture(scope="session")
def postgres_url():
    try:
        server = throwaway_postgres()
        url = server.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)
