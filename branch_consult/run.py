"""Run one playbook: validate -> execute with papermill -> keep the executed notebook -> export.

This is the one public flow for a single deliverable; the CLI and the batch runner
call it. Parameters are checked before any kernel starts, the executed notebook keeps
its provenance, and deliverables are written atomically: every exporter renders into
memory first, then each file goes to a temporary name in the target folder and is
moved into place with `os.replace`, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from branch_consult.kernels import LocalKernelManager
from branch_consult.params import ParameterError
from branch_consult.playbooks import Playbook, get_playbook
from branch_consult.provenance import build_provenance, utc_now

FORMATS = ("docx", "html")
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_UMASK = os.umask(0)
os.umask(_UMASK)


class PlaybookFailed(RuntimeError):
    """A cell of the playbook raised; `str()` names the cell and the error in one line."""

    def __init__(self, message: str, *, cell_index: int | None = None, ename: str = "",
                 evalue: str = "", failed_notebook: Path | None = None):
        super().__init__(message)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.failed_notebook = failed_notebook


class ExportFailed(RuntimeError):
    """An exporter could not render the executed notebook; no deliverable was written."""


@dataclass
class RunResult:
    """What one run produced and how long it took."""

    playbook: str
    parameters: dict[str, Any]
    notebook: Path
    outputs: dict[str, Path] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def paths(self) -> list[Path]:
        return [self.notebook, *self.outputs.values()]


def sanitise(value: Any, max_len: int = 40) -> str:
    """A file-name fragment from a parameter value: only [A-Za-z0-9_-], never a path."""
    text = _SAFE.sub("-", str(value)).strip("-_")
    return text[:max_len].strip("-_")


def output_stem(playbook: Playbook, params: Mapping[str, Any]) -> str:
    """`<playbook>_<value>_<value>` from the parameters the playbook names its files by."""
    parts = [sanitise(playbook.name) or "playbook"]
    for name in playbook.output_name:
        part = sanitise(params.get(name, ""))
        if part:
            parts.append(part)
    return "_".join(parts)


def atomic_write(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; deliverables get the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ------------------------------------------------------------------ exporters

def _export_html(nb: nbformat.NotebookNode, options: Mapping[str, Any]) -> bytes:
    from branch_consult.export.html_exporter import notebook_to_html

    return notebook_to_html(nb, plotlyjs=options.get("plotlyjs", "inline")).encode("utf-8")


def _export_docx(nb: nbformat.NotebookNode, options: Mapping[str, Any]) -> bytes:
    from branch_consult.export.docx_exporter import notebook_to_docx

    result = notebook_to_docx(nb)
    if isinstance(result, bytes | bytearray):
        return bytes(result)
    buffer = io.BytesIO()
    result.save(buffer)  # a python-docx Document
    return buffer.getvalue()


#: format -> (file extension, renderer). A new format is one entry here.
EXPORTERS: dict[str, tuple[str, Callable[[nbformat.NotebookNode, Mapping[str, Any]], bytes]]] = {
    "html": ("html", _export_html),
    "docx": ("docx", _export_docx),
}


# ------------------------------------------------------------------ the flow

def resolve_parameters(
    playbook: Playbook,
    *,
    data: str | os.PathLike[str] | None = None,
    params: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """Validated parameters (defaults filled) and the data location the run will read.

    Raises ParameterError (bad names/types/values) or DataProblems (unreadable data)
    before any kernel starts.
    """
    checked, location, _ = _resolve(playbook, data, params, lang)
    return checked, location


def _opener(location: str | None) -> Callable[[], Any]:
    """Opens the run's data source once, on first need (branch ids, fingerprint, cover)."""

    @functools.cache
    def dataset() -> Any:
        from branch_consult.data import open_dataset

        return open_dataset(location)

    return dataset


def _resolve(
    playbook: Playbook, data: str | os.PathLike[str] | None, params: Mapping[str, Any] | None, lang: str | None
) -> tuple[dict[str, Any], str | None, Callable[[], Any]]:
    values = dict(params or {})
    schema = playbook.params
    if lang is not None:
        if "lang" not in schema:
            raise ParameterError([f"playbook {playbook.name!r} has no 'lang' parameter"])
        values["lang"] = lang
    location: str | None = None
    if "data" in schema:
        given = data if data is not None else values.get("data", "")
        location = _absolute(str(given)) if given not in (None, "") else _sample_location()
        values["data"] = location
    elif data is not None:
        raise ParameterError([f"playbook {playbook.name!r} takes no data"])

    dataset = _opener(location)
    checked = schema.validate(values, branch_ids=lambda: dataset().branch_ids())
    for spec in schema.specs:  # files named on the command line, relative to the caller
        if spec.kind == "path" and checked.get(spec.name) not in ("", None):
            path = Path(_absolute(str(checked[spec.name])))
            if not path.is_file():
                raise ParameterError([f"parameter {spec.name!r}: no such file {path}"])
            checked[spec.name] = str(path)
    # playbook-specific checks of documents named by parameters (the campaign plan against the data)
    from branch_consult.preflight import check as preflight_check

    preflight_check(playbook.name, checked, dataset)
    return checked, location, dataset


def _absolute(location: str) -> str:
    """Local paths made absolute: the kernel runs in the playbooks folder, not the caller's."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def _sample_location() -> str:
    from branch_consult.data import sample_path

    return str(sample_path())


def _document_meta(playbook: Playbook, params: Mapping[str, Any], dataset: Callable[[], Any]) -> dict[str, Any]:
    """Cover and header fields the exporters read (`branch_consult` notebook metadata)."""
    lang = str(params.get("lang") or playbook.meta.get("lang") or "zh")
    meta: dict[str, Any] = {
        "title": playbook.title(lang),
        "subtitle": playbook.text("subtitle", lang),
        "lang": lang,
        "date": datetime.now(UTC).date().isoformat(),
        "confidentiality": playbook.text("confidentiality", lang) or None,
    }
    if params.get("client"):
        meta["client"] = str(params["client"])
    branch_params = [s.name for s in playbook.params.specs if s.kind == "branch_id"]
    if branch_params and params.get(branch_params[0]):
        branch_id = str(params[branch_params[0]])
        meta["branch"] = _branch_label(dataset, branch_id)
    if "month" in playbook.params:
        meta["period"] = str(params.get("month") or "") or _latest_month(dataset)
    return {k: v for k, v in meta.items() if v not in (None, "")}


def _latest_month(dataset: Callable[[], Any]) -> str | None:
    """The report period when the playbook defaults to the latest month in the data."""
    try:
        months = dataset().distinct("holdings", "month")
        return months[-1] if months else None
    except Exception:  # cosmetic: the cover simply omits the period
        return None


def _branch_label(dataset: Callable[[], Any], branch_id: str) -> str:
    try:
        branches = dataset().table("branches")
        name = branches.loc[branches["branch_id"] == branch_id, "name"]
        return f"{branch_id} {name.iloc[0]}" if len(name) else branch_id
    except Exception:  # the label is cosmetic; the run already validated the branch
        return branch_id


def _failure_line(nb_path: Path, exc: Any) -> tuple[str, int | None]:
    """`cell 3 (tag or first line)`, numbered as in the playbook itself.

    papermill's executed copy has an injected-parameters cell and an error banner cell
    that the author never saw, so the failing cell is found by its error output and
    counted without those.
    """
    index = None
    where = "a cell"
    try:
        nb = nbformat.read(nb_path, as_version=4)
        own = [c for c in nb.cells
               if not {"injected-parameters", "papermill-error-cell-tag"} & set(c.metadata.get("tags", []))]
        for i, cell in enumerate(own):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                index = i
                tags = [t for t in cell.metadata.get("tags", []) if t != "parameters"]
                first = next((ln.strip() for ln in cell.source.splitlines()
                              if ln.strip() and not ln.strip().startswith("#")), "")
                label = f"tag {tags[0]}" if tags else first[:70] + ("…" if len(first) > 70 else "")
                where = f"cell {i}" + (f" ({label})" if label else "")
                break
    except Exception:  # the message stays useful without the cell details
        pass
    return where, index


def run_playbook(
    name: str | os.PathLike[str],
    *,
    data: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str],
    params: Mapping[str, Any] | None = None,
    lang: str | None = None,
    formats: Iterable[str] = FORMATS,
    kernel_name: str = "python3",
    plotlyjs: str = "inline",
    execution_timeout: int | None = 600,
) -> RunResult:
    """Validate, execute, keep the executed notebook with provenance, and export deliverables."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    formats = [f.strip() for f in formats if f.strip()]
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ParameterError([f"unknown format {', '.join(unknown)}; formats: {', '.join(EXPORTERS)}"])
    playbook = get_playbook(name)
    values, location, dataset = _resolve(playbook, data, params, lang)
    fingerprint = dataset().fingerprint() if location is not None else None

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = output_stem(playbook, values)
    final_nb = out / f"{stem}.ipynb"
    failed_nb = out / f"{stem}.failed.ipynb"
    fd, running = tempfile.mkstemp(prefix=f".{stem}.", suffix=".running.ipynb", dir=out)
    os.close(fd)
    running_path = Path(running)
    started_at = utc_now()
    try:
        papermill.execute_notebook(
            str(playbook.path), str(running_path), parameters=values, kernel_name=kernel_name,
            progress_bar=False, log_output=False, cwd=str(playbook.path.parent),
            execution_timeout=execution_timeout, kernel_manager_class=LocalKernelManager,
        )
    except PapermillExecutionError as exc:
        os.replace(running_path, failed_nb)
        where, index = _failure_line(failed_nb, exc)
        raise PlaybookFailed(
            f"playbook {playbook.name} failed in {where}: {exc.ename}: {exc.evalue} "
            f"(executed notebook kept for debugging: {failed_nb})",
            cell_index=index, ename=exc.ename, evalue=exc.evalue, failed_notebook=failed_nb,
        ) from None
    except BaseException:
        running_path.unlink(missing_ok=True)
        raise
    finished_at = utc_now()

    try:
        nb = nbformat.read(running_path, as_version=4)
    finally:
        running_path.unlink(missing_ok=True)
    provenance = build_provenance(
        playbook=playbook.name, playbook_path=playbook.path, playbook_sha256=playbook.sha256(),
        parameters=values, data_source=location, data_fingerprint=fingerprint,
        started_at=started_at, finished_at=finished_at, kernel_name=kernel_name,
    )
    meta = dict(nb.metadata.get("branch_consult", {}) or {})
    meta.pop("parameters", None)  # the playbook's constraints; the values go below
    meta.update(_document_meta(playbook, values, dataset))
    meta["parameters"] = values
    meta["provenance"] = provenance
    nb.metadata["branch_consult"] = meta

    # Render everything in memory first: an exporter error leaves no file behind.
    rendered: dict[str, bytes] = {}
    options = {"plotlyjs": plotlyjs}
    for fmt in formats:
        ext, render = EXPORTERS[fmt]
        try:
            rendered[ext] = render(nb, options)
        except Exception as exc:
            raise ExportFailed(
                f"{fmt} export of {playbook.name} failed: {type(exc).__name__}: {exc}; "
                f"no deliverable written"
            ) from exc
    if "html" in formats and plotlyjs == "shared":
        from branch_consult.export.html_exporter import write_shared_plotlyjs

        write_shared_plotlyjs(out)
    outputs = {fmt: atomic_write(out / f"{stem}.{EXPORTERS[fmt][0]}", rendered[EXPORTERS[fmt][0]])
               for fmt in formats}
    atomic_write(final_nb, nbformat.writes(nb).encode("utf-8"))
    failed_nb.unlink(missing_ok=True)
    return RunResult(
        playbook=playbook.name, parameters=values, notebook=final_nb, outputs=outputs,
        provenance=provenance, seconds=round(time.perf_counter() - started, 3),
    )
