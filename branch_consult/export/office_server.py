"""One LibreOffice kept running per batch worker: documents laid out over UNO, not a start each.

Starting LibreOffice costs about a second of CPU per document, as much as laying out the
contents' layout copy itself; a spare (`office.SpareOffice`) only moves that start off
the item's path, and a batch on busy cores pays it all the same. With `keep_office(True)`
(the batch worker plugin) this process starts one LibreOffice, listening on a private pipe
in a fresh profile of its own, and a small client (`uno_convert.py`, run by the system
Python that has LibreOffice's `uno` module) that loads each document hidden and read-only,
exports it with the same filter as `soffice --convert-to pdf:writer_pdf_Export`, and closes
it. The office is replaced every `CONVERSIONS_PER_OFFICE` documents, so anything it
accumulates stays bounded.

Nothing here is required: without a `uno`-capable Python, or when the server fails twice,
conversions go the cold way (`office._convert`) as before. Both stop with the plugin, at
exit, and with this process (Linux parent-death signal).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from branch_consult.export.office import ConversionFailed, listening_office, with_parent_death

#: the Python that runs the UNO client; empty: never use a running LibreOffice
UNO_PYTHON_ENV = "BRANCH_CONSULT_UNO_PYTHON"
#: interpreters tried when the variable is not set (Debian: python3-uno for /usr/bin/python3)
UNO_PYTHONS = ("/usr/bin/python3", "python3")
#: documents one LibreOffice lays out before it is replaced
CONVERSIONS_PER_OFFICE = 50
#: how long a starting LibreOffice may take to answer on its pipe
START_SECONDS = 60.0
#: failures after which this process stops trying and converts cold
MAX_FAILURES = 2


@functools.cache
def uno_python() -> str | None:
    """An interpreter that can `import uno`, or None (checked once per process)."""
    override = os.environ.get(UNO_PYTHON_ENV)
    candidates = [override] if override is not None else list(UNO_PYTHONS)
    for candidate in candidates:
        path = shutil.which(candidate) if candidate else None
        if path is None:
            continue
        try:
            done = subprocess.run(
                [path, "-c", "import uno"],
                capture_output=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return path
    return None


class OfficeServer:
    """A running LibreOffice and its UNO client; `convert` lays out one document at a time."""

    def __init__(self, program: str, python: str) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="bc-officesrv-"))
        self.name = f"bc-officesrv-{os.getpid()}-{self.work.name.rsplit('-', 1)[-1]}"
        self.conversions = 0
        self._ready = False
        env = {**os.environ, "HOME": str(self.work)}
        # the same program and switches as a spare; its own process group, stopped as a whole
        self.office = subprocess.Popen(
            with_parent_death(
                listening_office(
                    program,
                    (self.work / "profile").as_uri(),
                    f"pipe,name={self.name};urp;StarOffice.ComponentContext",
                )
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self.client = subprocess.Popen(
            with_parent_death(
                [
                    python,
                    str(Path(__file__).with_name("uno_convert.py")),
                    self.name,
                    str(START_SECONDS),
                ]
            ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
        )

    def _answer(self, timeout: float) -> dict[str, Any]:
        out = self.client.stdout
        assert out is not None
        deadline = time.monotonic() + timeout
        while not select.select([out], [], [], 0.2)[0]:
            if self.office.poll() is not None:
                raise ConversionFailed("the running LibreOffice has stopped")
            if time.monotonic() > deadline:
                raise ConversionFailed(f"the running LibreOffice did not answer in {timeout:.0f} s")
        line = out.readline()
        if not line:
            raise ConversionFailed("the running LibreOffice's client has stopped")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise ConversionFailed(f"the running LibreOffice failed: {answer['error']}")
        return answer

    def convert(self, docx_bytes: bytes, timeout: float) -> bytes:
        """The PDF of one document; ConversionFailed when the office or its client fails."""
        if not self._ready:
            self._answer(START_SECONDS + 5)
            self._ready = True
        self.conversions += 1
        source = self.work / f"in-{self.conversions}.docx"
        target = self.work / f"out-{self.conversions}.pdf"
        source.write_bytes(docx_bytes)
        try:
            stdin = self.client.stdin
            assert stdin is not None
            try:
                stdin.write(json.dumps({"in": str(source), "out": str(target)}) + "\n")
                stdin.flush()
            except OSError as exc:
                raise ConversionFailed(f"the running LibreOffice's client is gone: {exc}") from None
            self._answer(timeout)
            if not target.is_file():
                raise ConversionFailed("the running LibreOffice made no PDF")
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def stop(self) -> None:
        """End the client and the office (its whole process group) and remove the profile."""
        if self.client.stdin is not None:
            try:
                self.client.stdin.close()  # the client ends at the end of its input
            except OSError:
                pass
        try:
            os.killpg(self.office.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        for proc, grace in ((self.client, 5), (self.office, 15)):
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:
            os.killpg(self.office.pid, signal.SIGKILL)  # soffice.bin, if it outlived its launcher
        except (ProcessLookupError, PermissionError):
            pass
        if self.client.stdout is not None:
            self.client.stdout.close()
        shutil.rmtree(self.work, ignore_errors=True)


_LOCK = threading.Lock()
_STATE: dict[str, Any] = {"on": False, "server": None, "failures": 0}


def _new_server(program: str) -> OfficeServer | None:
    python = uno_python()
    if python is None or _STATE["failures"] >= MAX_FAILURES:
        return None
    return OfficeServer(program, python)


def keep_office(on: bool = True) -> None:
    """Keep one LibreOffice running in this process for its conversions (batch workers), or stop it."""
    from branch_consult.export.office import find_office

    with _LOCK:
        _STATE["on"] = on
        server, _STATE["server"] = _STATE["server"], None
        if on and server is None:
            program = find_office()
            _STATE["server"] = _new_server(program) if program else None
            return
        if on:
            _STATE["server"] = server
            return
        _STATE["failures"] = 0
    if server is not None:
        server.stop()


def convert_on_server(program: str, docx_bytes: bytes, timeout: float) -> bytes | None:
    """The PDF from this process's running LibreOffice, or None: convert the usual way."""
    with _LOCK:
        if not _STATE["on"]:
            return None
        server = _STATE["server"] or _new_server(program)
        _STATE["server"] = server
        if server is None:
            return None
        try:
            pdf = server.convert(docx_bytes, timeout)
        except (ConversionFailed, OSError, ValueError):
            _STATE["failures"] += 1
            _STATE["server"] = None
            server.stop()
            return None
        if server.conversions >= CONVERSIONS_PER_OFFICE:
            server.stop()  # the next one starts now, while the item goes on
            _STATE["server"] = _new_server(program)
        return pdf


def _stop_at_exit() -> None:
    server = _STATE.get("server")
    if server is not None:
        _STATE["server"] = None
        server.stop()


atexit.register(_stop_at_exit)
