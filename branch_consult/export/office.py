"""Word → PDF with LibreOffice headless, each conversion in its own throw-away profile.

LibreOffice keeps one user profile per ``UserInstallation``; two conversions sharing one
(two runs in parallel, or a desktop LibreOffice left open) block or fail each other. Every
call here gets a fresh profile folder, removed afterwards.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

#: the programs tried, in order (Debian's ``soffice``; ``libreoffice`` on some systems)
PROGRAMS = ("soffice", "libreoffice")
#: a conversion that takes longer than this is stuck (a modal dialog, a broken profile)
TIMEOUT_SECONDS = 180


class OfficeMissing(RuntimeError):
    """LibreOffice is not installed (or not on PATH)."""


class ConversionFailed(RuntimeError):
    """LibreOffice ran but produced no PDF."""


def find_office() -> str | None:
    """The LibreOffice program, or None. ``BRANCH_CONSULT_SOFFICE`` overrides (empty: none)."""
    override = os.environ.get("BRANCH_CONSULT_SOFFICE")
    if override is not None:
        return shutil.which(override) if override else None
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_message() -> str:
    return (
        "PDF needs LibreOffice, which was not found: install it (Debian: apt-get install "
        "libreoffice-writer) or leave pdf out of --formats"
    )


def with_parent_death(command: list[str]) -> list[str]:
    """The command, made to stop (SIGTERM) when the process that started it dies (Linux,
    util-linux `setpriv`; as given elsewhere).

    Not a `preexec_fn` calling prctl: Python code between fork and exec in a threaded
    process (a Dask worker) can crash the child, and did in CI.
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else command


def listening_office(program: str, profile: str, accept: str) -> list[str]:
    """The command line of a headless LibreOffice with its own profile, listening on `accept`
    (a spare for one conversion, or a worker's running office)."""
    return [
        program,
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile}",
        f"--accept={accept}",
    ]


class SpareOffice:
    """A LibreOffice started before it is needed, in its own fresh profile, for one conversion.

    Starting LibreOffice costs seconds; a batch worker converts one document per item. The
    worker starts a spare while an item executes; the conversion command, run with the
    spare's profile, hands its document to the running spare (LibreOffice's own
    one-instance-per-profile forwarding), which converts it and exits. Same program, same
    filter, a fresh profile each time: the PDF is the one a cold conversion makes, only
    LibreOffice's start is off the item's path. A spare not ready in time is not used.
    """

    def __init__(self, program: str) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="bc-office-"))
        self.name = f"bc-office-{os.getpid()}-{self.work.name.rsplit('-', 1)[-1]}"
        self.profile = (self.work / "profile").as_uri()
        self.proc = subprocess.Popen(
            with_parent_death(
                listening_office(program, self.profile, f"pipe,name={self.name};urp;")
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(self.work)},
        )

    def ready(self, wait: float = 0.0) -> bool:
        """Listening (its pipe exists) and alive, waiting up to `wait` seconds."""
        pipes = [Path(d) / f"OSL_PIPE_{os.getuid()}_{self.name}" for d in ("/tmp", "/var/tmp")]
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                return False
            if any(p.exists() for p in pipes):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def stop(self, grace: float = 0.0) -> None:
        """End the spare (after `grace` seconds to exit by itself) and remove its folder."""
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


#: this process's spare LibreOffice, when spares are on (`keep_spare`)
_SPARES: dict[str, SpareOffice | None] = {}
_SPARE_LOCK = threading.Lock()
#: how long a conversion waits for a spare still starting before converting cold
SPARE_WAIT_SECONDS = 20.0


def keep_spare(on: bool = True) -> None:
    """Keep a spare LibreOffice in this process from the next conversion on (batch workers)."""
    with _SPARE_LOCK:
        if on:
            _SPARES.setdefault("spare", None)
            return
        spare = _SPARES.pop("spare", None)
    if spare is not None:
        spare.stop()


def _take_spare(program: str) -> SpareOffice | None:
    """The ready spare (removed from the slot), or None; a dead one is cleared away."""
    with _SPARE_LOCK:
        if "spare" not in _SPARES:
            return None
        spare, _SPARES["spare"] = _SPARES["spare"], None
    if spare is not None and spare.ready(SPARE_WAIT_SECONDS):
        return spare
    if spare is not None:
        spare.stop()
    return None


def _next_spare(program: str) -> None:
    """Start the spare for the next conversion (only when spares are on)."""
    with _SPARE_LOCK:
        if "spare" in _SPARES and _SPARES["spare"] is None:
            _SPARES["spare"] = SpareOffice(program)


def docx_to_pdf(docx_bytes: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a .docx (bytes) to PDF bytes; OfficeMissing or ConversionFailed otherwise."""
    program = find_office()
    if program is None:
        raise OfficeMissing(missing_message())
    from branch_consult.export.office_server import convert_on_server

    converted = convert_on_server(program, docx_bytes, timeout)
    if converted is not None:  # a batch worker's running LibreOffice did it
        return converted
    spare = _take_spare(program)
    try:
        return _convert(program, docx_bytes, timeout, spare)
    finally:
        if spare is not None:
            spare.stop(grace=5)  # it exits after its conversion; this also removes its folder
        _next_spare(program)


def _convert(program: str, docx_bytes: bytes, timeout: float, spare: SpareOffice | None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="bc-office-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        profile = spare.profile if spare is not None else (work / "profile").as_uri()
        cmd = [
            program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "pdf"),
            str(source),
        ]
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": tmp},
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise ConversionFailed(
                f"LibreOffice did not finish converting within {timeout:.0f} s"
            ) from None
        pdf = work / "pdf" / "report.pdf"
        if not pdf.is_file():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ConversionFailed(
                f"LibreOffice made no PDF (exit {done.returncode}{': ' + said[-1] if said else ''})"
            )
        return pdf.read_bytes()


def pdf_outline(pdf_bytes: bytes) -> list[tuple[str, int]]:
    """The PDF's bookmarks as (title, 1-based page), in document order (poppler's pdftohtml).

    LibreOffice writes one bookmark per heading, numbered as the page shows it; [] when
    pdftohtml is not installed or the PDF has no outline.
    """
    program = shutil.which("pdftohtml")
    if program is None:
        return []
    with tempfile.TemporaryDirectory(prefix="bc-pdfoutline-") as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(pdf_bytes)
        done = subprocess.run(
            [program, "-xml", "-i", "-q", "-stdout", str(path)],
            capture_output=True,
            check=False,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    if done.returncode != 0:
        return []
    text = done.stdout.decode("utf-8", "replace")
    return [
        (html.unescape(re.sub(r"<[^>]*>", "", title)), int(page))
        for page, title in re.findall(r'<item page="(\d+)">(.*?)</item>', text, flags=re.S)
    ]


def pdf_page_texts(pdf_bytes: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext); [] when pdftotext is not installed."""
    program = shutil.which("pdftotext")
    if program is None:
        return []
    with tempfile.TemporaryDirectory(prefix="bc-pdftext-") as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(pdf_bytes)
        done = subprocess.run(
            [program, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=False,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    if done.returncode != 0:
        return []
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return pages


__all__ = [
    "ConversionFailed",
    "OfficeMissing",
    "SpareOffice",
    "docx_to_pdf",
    "find_office",
    "keep_spare",
    "missing_message",
    "pdf_outline",
    "pdf_page_texts",
]
