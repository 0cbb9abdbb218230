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


def docx_to_pdf(docx_bytes: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a .docx (bytes) to PDF bytes; OfficeMissing or ConversionFailed otherwise."""
    program = find_office()
    if program is None:
        raise OfficeMissing(missing_message())
    with tempfile.TemporaryDirectory(prefix="bc-office-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx_bytes)
        profile = (work / "profile").as_uri()
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
    "docx_to_pdf",
    "find_office",
    "missing_message",
    "pdf_outline",
    "pdf_page_texts",
]
