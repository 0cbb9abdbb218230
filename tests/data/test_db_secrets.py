"""Database passwords: never in a deliverable, notebook or message; taken from the environment or a file.

Runs against the throw-away PostgreSQL server, as a role that must give its password.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from branch_consult.data import open_dataset
from branch_consult.data.db_url import mask_url, passfile_password
from branch_consult.data.sources import SourceUnavailable
from tests.data.conftest import PASSWORD_ROLE
from tests.run.test_run import write_tiny_bank

PASSWORD = "Pw-9f3Kq-unique-secret"


def _bank_database(admin_url: str, tmp_path: Path) -> str:
    """A database holding the tiny bank, readable by the password role; its URL without password."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text("DROP DATABASE IF EXISTS secrets_bank"))
        con.execute(sa.text("CREATE DATABASE secrets_bank"))
        con.execute(sa.text(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}"))
        con.execute(sa.text(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'"))
        con.execute(sa.text(f"GRANT pg_read_all_data TO {PASSWORD_ROLE}"))
    admin.dispose()
    bank_admin = admin_url.rsplit("/", 1)[0] + "/secrets_bank"
    ds = open_dataset(write_tiny_bank(tmp_path / "bank"))
    engine = sa.create_engine(bank_admin)
    with engine.begin() as con:
        for name in ("branches", "customers", "holdings"):
            ds[name].to_sql(name, con, index=False)
    engine.dispose()
    host_port = admin_url.split("@", 1)[1].split("/", 1)[0]
    return f"postgresql+psycopg://{PASSWORD_ROLE}@{host_port}/secrets_bank"


def _cli(
    args: list[str], env: dict[str, str] | None = None, timeout: int = 240
) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    for name in (
        "PGPASSWORD",
        "PGPASSFILE",
        "BRANCH_CONSULT_DB_PASSWORD",
        "BRANCH_CONSULT_PASSFILE",
    ):
        if env is None or name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "branch_consult.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=timeout,
    )


def _everything_written(out: Path) -> str:
    """Every byte the run left in `out`, Word parts unzipped, as text."""
    texts = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        texts.append(path.name)
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.postgres
@pytest.mark.slow
def test_password_in_data_url_reaches_no_output_and_no_message(postgres_url, tmp_path):
    bare = _bank_database(postgres_url, tmp_path)
    with_password = bare.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{PASSWORD}@")
    out = tmp_path / "out"
    done = _cli(
        [
            "run",
            "bank_overview",
            "--data",
            with_password,
            "--out",
            str(out),
            "--formats",
            "docx,html",
            "--lang",
            "en",
        ]
    )
    assert done.returncode == 0, done.stderr
    written = _everything_written(out)
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html", ".ipynb"]
    assert "Bank overview" in written  # the kernel did read the database
    assert PASSWORD not in written and PASSWORD not in done.stderr and PASSWORD not in done.stdout
    assert f"{PASSWORD_ROLE}:***@" in written  # provenance names the source, masked

    # a wrong password: one line naming the source masked, and the cause
    wrong = _cli(["validate", bare.replace("@", ":not-it@", 1)])
    assert wrong.returncode == 2
    assert wrong.stderr.strip().count("\n") == 0 and "Traceback" not in wrong.stderr
    assert (
        f"{PASSWORD_ROLE}:***@" in wrong.stderr and "password authentication failed" in wrong.stderr
    )


@pytest.mark.postgres
def test_password_from_environment_or_password_files(postgres_url, tmp_path, monkeypatch):
    bare = _bank_database(postgres_url, tmp_path)
    for name in ("PGPASSWORD", "PGPASSFILE", "BRANCH_CONSULT_DB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRANCH_CONSULT_PASSFILE", str(tmp_path / "none"))
    with pytest.raises(
        SourceUnavailable, match="no password supplied|password authentication failed"
    ):
        open_dataset(bare)

    monkeypatch.setenv("BRANCH_CONSULT_DB_PASSWORD", PASSWORD)  # any driver
    assert open_dataset(bare).branch_ids() == ["B001", "B002", "B003"]
    monkeypatch.delenv("BRANCH_CONSULT_DB_PASSWORD")

    host, port = bare.split("@", 1)[1].split("/", 1)[0].split(":")
    passfile = tmp_path / "passfile"  # the package's own .pgpass-style file (any driver)
    passfile.write_text(
        f"# host:port:database:user:password\nelsewhere:*:*:*:no\n{host}:{port}:secrets_bank:{PASSWORD_ROLE}:{PASSWORD}\n"
    )
    passfile.chmod(0o644)
    monkeypatch.setenv("BRANCH_CONSULT_PASSFILE", str(passfile))
    with pytest.raises(
        SourceUnavailable, match="can be read by other users; make it private: chmod 600"
    ):
        open_dataset(bare)
    passfile.chmod(0o600)
    assert passfile_password(host, int(port), "secrets_bank", PASSWORD_ROLE) == PASSWORD
    assert open_dataset(bare).branch_ids() == ["B001", "B002", "B003"]
    monkeypatch.setenv("BRANCH_CONSULT_PASSFILE", str(tmp_path / "none"))

    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # PostgreSQL's own variable, read by libpq
    assert open_dataset(bare).branch_ids() == ["B001", "B002", "B003"]
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"  # and PostgreSQL's own ~/.pgpass (here via PGPASSFILE)
    pgpass.write_text(f"{host}:{port}:*:{PASSWORD_ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert open_dataset(bare).branch_ids() == ["B001", "B002", "B003"]


def test_masking_keeps_everything_but_the_password():
    assert (
        mask_url("postgresql+psycopg://u:p%40ss@h:5432/db?sslmode=require")
        == "postgresql+psycopg://u:***@h:5432/db?sslmode=require"
    )
    assert mask_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert mask_url("weird://u:secret@[not-a-url") == "weird://u:***@[not-a-url"
    assert mask_url("/data/bank") == "/data/bank"


@pytest.mark.parametrize(
    "url, cause",
    [
        ("postgresql+psycopg://u:SECRETPW@127.0.0.1:1/db", "Connection refused"),
        ("postgresql+psycopg://u:SECRETPW@no-such-host.invalid/db", "no-such-host.invalid"),
        ("mysql+nosuchdriver://u:SECRETPW@h/db", "Can't load plugin"),
        ("mysql+pymysql://u:SECRETPW@h/db", "pymysql"),
        (
            "sqlite:////nonexistent/folder/bank.db",
            "no such SQLite file /nonexistent/folder/bank.db",
        ),
    ],
)
def test_connection_failures_are_one_line_with_the_password_masked(url, cause):
    done = _cli(["validate", url], timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "SECRETPW" not in done.stderr + done.stdout
    assert cause in done.stderr and mask_url(url) in done.stderr


def test_a_server_that_never_answers_times_out(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_stay_silent():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        done = _cli(
            ["validate", f"postgresql+psycopg://u:SECRETPW@127.0.0.1:{port}/db"],
            env={"BRANCH_CONSULT_DB_CONNECT_TIMEOUT": "2"},
            timeout=60,
        )
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(5)
        for con in accepted:
            con.close()
        listener.close()
    assert accepted, "the client never connected"
    assert (
        done.returncode == 2 and "timeout expired" in done.stderr and done.stderr.count("\n") == 1
    )
    assert elapsed < 20, elapsed


def test_timeouts_are_passed_to_the_driver(monkeypatch):
    from branch_consult.data.db_url import engine_arguments

    monkeypatch.delenv("BRANCH_CONSULT_DB_CONNECT_TIMEOUT", raising=False)
    monkeypatch.setenv("BRANCH_CONSULT_DB_STATEMENT_TIMEOUT", "30")
    url, args = engine_arguments("postgresql+psycopg://u:***@h/db")
    assert url.password is None  # a masked password is never sent as '***'
    assert args == {"connect_timeout": 10, "options": "-c statement_timeout=30000"}
    _, args = engine_arguments("postgresql+psycopg://u@h/db?connect_timeout=3")
    assert "connect_timeout" not in args
    monkeypatch.setenv("BRANCH_CONSULT_DB_CONNECT_TIMEOUT", "soon")
    with pytest.raises(
        ValueError, match="BRANCH_CONSULT_DB_CONNECT_TIMEOUT='soon': expected a whole number"
    ):
        engine_arguments("postgresql+psycopg://u@h/db")
