"""Run one playbook: validate -> execute with papermill -> keep the executed notebook -> export.

This is the one public flow for a single deliverable; the CLI and the batch runner
call it. Parameters are checked before any kernel starts, the executed notebook keeps
its provenance, and a run's files are delivered as one set: the kernel writes into a
staging folder inside the output folder, every exporter renders into memory and then
into that folder, and only a complete set is moved into place (`os.replace`, same
file system). The staging folder records the set before the first move, so a run
killed between moves is finished by the next run into that folder; one killed
earlier leaves the previous set untouched and a staging folder the next run removes.

Database passwords never reach the notebook: the parameters carry the URL masked and
the kernel gets the password through its own environment (see `data/db_url.py`).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import json
import os
import shutil
import signal
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from branch_consult.atomic import UMASK, atomic_write
from branch_consult.errors import (
    RUN_FAILED,
    ExportFailed,
    OutputError,
    OutputExists,
    ParameterError,
    PlaybookFailed,
)
from branch_consult.kernels import LocalKernelManager
from branch_consult.playbooks import Playbook, get_playbook
from branch_consult.privacy import KeyRecording
from branch_consult.provenance import build_provenance, utc_now

if TYPE_CHECKING:  # the data layer loads pandas and duckdb: imported when a run opens data
    from branch_consult.data.dataset import Dataset
    from branch_consult.warm_kernel import WarmKernel

__all__ = [
    "EXPORTERS",
    "FORMATS",
    "ExportFailed",
    "OutputError",
    "OutputExists",
    "PlaybookFailed",
    "RunResult",
    "atomic_write",
    "output_stem",
    "recover_staging",
    "run_playbook",
    "sanitise",
]

FORMATS = ("docx", "html")
#: the parameter a playbook declares (`_source_facts: dict = {}`) to take what the run's parent
#: learnt of the data (fingerprint, holdings rows per month): `open_dataset(data, **_source_facts)`
SOURCE_FACTS = "_source_facts"
STAGING_PREFIX = ".branch-consult-staging-"
_COMMIT_MARK = "COMMIT.json"
#: test hook: SIGKILL this process before moving file N of a set into place (kill tests);
#: -1 kills once the set is staged but before it is recorded as complete
KILL_AT_ENV = "BRANCH_CONSULT_TEST_KILL_AT_MOVE"


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


def _keeps(char: str) -> bool:
    return char in "-_." or unicodedata.category(char)[0] in "LN"


def sanitise(value: Any, max_len: int = 40) -> str:
    """A file-name fragment from a parameter value: letters and digits of any script, never a path.

    Normalised to NFC; path separators, control and other characters become '-', and the
    length is capped. When anything of the original was lost, a short hash of the
    original is appended, so two distinct values never give one file name.
    """
    original = str(value)
    text = unicodedata.normalize("NFC", original)
    text = "".join(c if _keeps(c) else "-" for c in text)
    while "--" in text:
        text = text.replace("--", "-")
    text = text.strip("-_.")
    if original and (text != original or len(text) > max_len):
        digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:6]
        text = text[: max_len - 7].rstrip("-_.")
        text = f"{text}-{digest}" if text else digest
    return text


def output_stem(playbook: Playbook, params: Mapping[str, Any]) -> str:
    """`<playbook>_<value>_<value>` from the parameters the playbook names its files by."""
    parts = [sanitise(playbook.name) or "playbook"]
    for name in playbook.output_name:
        part = sanitise(params.get(name, ""))
        if part:
            parts.append(part)
    return "_".join(parts)


# ------------------------------------------------------------------ the set of files


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
    os.chmod(path, 0o666 & ~UMASK)


def _staging_owner(folder: Path) -> int | None:
    try:
        return int(folder.name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _move_set(staging: Path, out: Path) -> None:
    """Move the recorded files of a committed set into place, in order (idempotent)."""
    names = json.loads((staging / _COMMIT_MARK).read_text(encoding="utf-8"))["files"]
    kill_at = os.environ.get(KILL_AT_ENV)
    for i, name in enumerate(names):
        if kill_at is not None and kill_at.strip() == str(i):
            os.kill(os.getpid(), signal.SIGKILL)
        if (staging / name).exists():
            os.replace(staging / name, out / name)
    if kill_at is not None and kill_at.strip() == str(len(names)):
        os.kill(os.getpid(), signal.SIGKILL)


def recover_staging(out: Path) -> list[str]:
    """Finish or discard what interrupted runs left in `out`; returns what was done.

    A staging folder whose set was recorded as complete is moved into place (the run
    was killed while moving it); any other is removed. Folders of runs still alive
    are left alone.
    """
    done: list[str] = []
    for folder in sorted(Path(out).glob(STAGING_PREFIX + "*")):
        owner = _staging_owner(folder)
        if not folder.is_dir() or (owner is not None and owner != os.getpid() and _alive(owner)):
            continue
        if (folder / _COMMIT_MARK).is_file():
            try:
                _move_set(folder, Path(out))
                done.append(f"finished {folder.name}")
            except (OSError, ValueError, KeyError):
                done.append(f"discarded {folder.name}")
        else:
            done.append(f"removed {folder.name}")
        shutil.rmtree(folder, ignore_errors=True)
    return done


def _commit(staging: Path, out: Path, names: list[str]) -> None:
    if (
        os.environ.get(KILL_AT_ENV, "").strip() == "-1"
    ):  # test hook: the set staged, not yet recorded
        os.kill(os.getpid(), signal.SIGKILL)
    mark = staging / (_COMMIT_MARK + ".tmp")
    mark.write_text(json.dumps({"files": names}), encoding="utf-8")
    os.replace(mark, staging / _COMMIT_MARK)
    _move_set(staging, out)


def _prepare_out(out: Path) -> None:
    """The output folder exists and can be written to, or one line says why not."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"--out {out}: a file is in the way of the folder") from None
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to the output folder {out}: permission denied")


def _write_failed(out: Path, exc: OSError) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            f"cannot write the deliverables to {out}: the disk is full; nothing was written",
            exit_code=RUN_FAILED,
        )
    return OutputError(
        f"cannot write the deliverables to {out}: {exc.strerror or exc}; nothing was written",
        exit_code=RUN_FAILED,
    )


# ------------------------------------------------------------------ exporters


def _export_html(nb: nbformat.NotebookNode, options: Mapping[str, Any]) -> bytes:
    from branch_consult.export.html_exporter import notebook_to_html

    return notebook_to_html(nb, plotlyjs=options.get("plotlyjs", "inline")).encode("utf-8")


def _export_docx(nb: nbformat.NotebookNode, options: Mapping[str, Any]) -> bytes:
    from branch_consult.export.docx_exporter import notebook_to_docx

    cache = options.get("cache")
    if isinstance(cache, dict) and "docx" in cache:
        return bytes(cache["docx"])  # the PDF step built it already
    result = notebook_to_docx(nb, toc_pages=True)
    if isinstance(result, bytes | bytearray):
        data = bytes(result)
    else:
        buffer = io.BytesIO()
        result.save(buffer)  # a python-docx Document
        data = buffer.getvalue()
    if isinstance(cache, dict):
        cache["docx"] = data
    return data


def _export_pdf(nb: nbformat.NotebookNode, options: Mapping[str, Any]) -> bytes:
    """The Word deliverable (contents' page numbers filled) as PDF, laid out by LibreOffice."""
    from branch_consult.export.office import docx_to_pdf

    return docx_to_pdf(_export_docx(nb, options))


#: format -> (file extension, renderer). A new format is one entry here.
EXPORTERS: dict[str, tuple[str, Callable[[nbformat.NotebookNode, Mapping[str, Any]], bytes]]] = {
    "html": ("html", _export_html),
    "docx": ("docx", _export_docx),
    "pdf": ("pdf", _export_pdf),
}


# ------------------------------------------------------------------ the flow


@dataclass
class _Resolved:
    """The checked parameters (data URL masked) and what only the parent may hold."""

    values: dict[str, Any]
    location: str | None  # the real location, password included: never written anywhere
    dataset: Callable[[], Dataset]
    kernel_env: dict[str, str] = field(default_factory=dict)


def _opener(location: str | None) -> Callable[[], Dataset]:
    """Opens the run's data source once, on first need (branch ids, fingerprint, cover)."""

    @functools.cache
    def dataset() -> Dataset:
        from branch_consult.data import open_dataset

        return open_dataset(location)

    return dataset


def _resolve(
    playbook: Playbook,
    data: str | os.PathLike[str] | None,
    params: Mapping[str, Any] | None,
    lang: str | None,
) -> _Resolved:
    from branch_consult.data.db_url import PASSWORD_ENV, mask_url, url_password

    values = dict(params or {})
    schema = playbook.params
    if lang is not None:
        if "lang" not in schema:
            raise ParameterError([f"playbook {playbook.name!r} has no 'lang' parameter"])
        values["lang"] = lang
    location: str | None = None
    kernel_env: dict[str, str] = {}
    if "data" in schema:
        given = data if data is not None else values.get("data", "")
        location = _absolute(str(given)) if given not in (None, "") else _sample_location()
        password = url_password(location)
        if password is not None:  # the kernel gets it in its environment, the notebook never
            kernel_env[PASSWORD_ENV] = password
        values["data"] = mask_url(location)
    elif data is not None:
        raise ParameterError([f"playbook {playbook.name!r} takes no data"])

    dataset = _opener(location)
    checked = schema.validate(
        values,
        branch_ids=lambda: dataset().branch_ids(),
        staff_ids=lambda: dataset().distinct("staff", "staff_id"),
    )
    for spec in schema.specs:  # files named on the command line, relative to the caller
        if spec.kind == "path" and checked.get(spec.name) not in ("", None):
            path = Path(_absolute(str(checked[spec.name])))
            check = PATH_CHECKS.get(spec.name)
            if check is not None:
                check(spec.name, path)
            elif not path.is_file():
                raise ParameterError([f"parameter {spec.name!r}: no such file {path}"])
            checked[spec.name] = str(path)
    _check_months(playbook, checked, dataset)
    # playbook-specific checks of documents named by parameters (the campaign plan against the data)
    from branch_consult.preflight import check as preflight_check

    preflight_check(playbook.name, checked, dataset)
    if (
        location is not None
    ):  # tables missing or empty, months that cannot be real: refuse before the kernel
        dataset().preflight(playbook.name)
    return _Resolved(checked, location, dataset, kernel_env)


#: largest rules file read in the parent before the kernel starts
RULES_MAX_BYTES = 1_000_000
_RULES_SHAPE = (
    "a YAML mapping with a 'rules:' list, each rule with id, subject, metric, levels "
    "(op, value, severity), title, evidence and action in zh and en, "
    "as in branch_consult/findings/rules.yaml"
)


def _check_rules_file(name: str, path: Path) -> None:
    """A finding-rules file is read and checked here, so a wrong file fails before the kernel."""
    import yaml

    def refuse(why: str) -> ParameterError:
        return ParameterError(
            [f"parameter {name!r}: not a rules file: {path} ({why}); expected {_RULES_SHAPE}"]
        )

    if not path.exists():
        raise ParameterError([f"parameter {name!r}: no such file {path}"])
    if not path.is_file():
        raise refuse("not a regular file")
    if path.stat().st_size > RULES_MAX_BYTES:
        raise refuse(f"larger than {RULES_MAX_BYTES:,} bytes")
    try:
        raw = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise refuse("not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise refuse(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise refuse("no 'rules:' list at the top")
    from pydantic import ValidationError

    from branch_consult.findings import Rule

    for i, item in enumerate(raw["rules"], 1):
        try:
            Rule.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err.get("loc", ()))
            raise refuse(f"rule {i}: {where or 'rule'}: {err.get('msg', 'invalid')}") from None


#: extra checks of path parameters by name (the default: the file must exist)
PATH_CHECKS: dict[str, Callable[[str, Path], None]] = {"rules": _check_rules_file}


def _check_months(
    playbook: Playbook, checked: Mapping[str, Any], dataset: Callable[[], Any]
) -> None:
    """A comparison month must come before the report month (the latest month when empty)."""
    if checked.get("comparison_month") in ("", None) or "month" not in playbook.params:
        return
    month = str(checked.get("month") or "") or _latest_month(dataset) or ""
    compared = str(checked["comparison_month"])
    if month and compared >= month:
        raise ParameterError(
            [
                f"parameter 'comparison_month': {compared} is not before the report month {month}; "
                "give an earlier month (or leave it empty for 12 months earlier)"
            ]
        )


def _absolute(location: str) -> str:
    """Local paths made absolute: the kernel runs in the playbooks folder, not the caller's."""
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def _sample_location() -> str:
    from branch_consult.data import sample_path

    return str(sample_path())


def _document_meta(
    playbook: Playbook, params: Mapping[str, Any], dataset: Callable[[], Any]
) -> dict[str, Any]:
    """Cover and header fields the exporters read (`branch_consult` notebook metadata)."""
    lang = str(params.get("lang") or playbook.meta.get("lang") or "zh")
    meta: dict[str, Any] = {
        "title": playbook.title(lang),
        "subtitle": playbook.text("subtitle", lang),
        "lang": lang,
        "date": str(params.get("start_on") or "")
        or datetime.now(UTC).date().isoformat(),  # delivery date
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
    """The report period when the playbook defaults to it: the month the analysis itself
    picks (`choose_months`: the latest *complete* month), so the cover, the file name and
    the report's own period sentence never disagree when the last month is partial."""
    from branch_consult.analysis.report_period import choose_months

    try:
        counts = dataset().month_counts("holdings")  # counted once; handed to the kernel
        return choose_months(counts).month if counts else None
    except Exception:  # cosmetic: the cover simply omits the period
        return None


def _named_values(
    playbook: Playbook, values: Mapping[str, Any], dataset: Callable[[], Any]
) -> dict[str, Any]:
    """The values file names are made of: an empty month-kind value is the resolved period."""
    named = dict(values)
    for name in playbook.output_name:
        spec = playbook.params.get(name)
        if spec is not None and spec.kind == "month" and named.get(name) in ("", None):
            named[name] = _latest_month(dataset) or ""
    return named


def _branch_label(dataset: Callable[[], Any], branch_id: str) -> str:
    try:
        branches = dataset().table("branches")
        name = branches.loc[branches["branch_id"] == branch_id, "name"]
        if not len(name):
            return branch_id
        label = str(name.iloc[0])  # data text on the cover: a long name is cut, never the page
        return f"{branch_id} {label[:79] + '…' if len(label) > 80 else label}"
    except Exception:  # the label is cosmetic; the run already validated the branch
        return branch_id


def _apply_workspace(
    playbook: Playbook,
    data: str | os.PathLike[str] | None,
    params: Mapping[str, Any] | None,
    lang: str | None,
) -> tuple[str | None, dict[str, Any], str | None, dict[str, Any]]:
    """The one workspace hook: its defaults (data, language, client) under the caller's values,
    and its branding for the deliverables (logo, colour, templates; sample-data mark)."""
    from branch_consult.workspace import run_settings

    settings = run_settings(playbook.params, data, dict(params or {}), lang)
    return settings.data, settings.params, settings.lang, settings.meta


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
        own = [
            c
            for c in nb.cells
            if not {"injected-parameters", "papermill-error-cell-tag"}
            & set(c.metadata.get("tags", []))
        ]
        for i, cell in enumerate(own):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                index = i
                tags = [t for t in cell.metadata.get("tags", []) if t != "parameters"]
                first = next(
                    (
                        ln.strip()
                        for ln in cell.source.splitlines()
                        if ln.strip() and not ln.strip().startswith("#")
                    ),
                    "",
                )
                label = f"tag {tags[0]}" if tags else first[:70] + ("…" if len(first) > 70 else "")
                where = f"cell {i}" + (f" ({label})" if label else "")
                break
    except Exception:  # the message stays useful without the cell details
        pass
    return where, index


def _execute(
    playbook: Playbook,
    running_path: Path,
    values: Mapping[str, Any],
    *,
    env: Mapping[str, str],
    kernel_name: str,
    execution_timeout: int | None,
    kernel: WarmKernel | None,
) -> None:
    """The execution step: papermill on a new kernel, or on a batch worker's warm one.

    `env` reaches the kernel's environment only (database password, pseudonym key file):
    at start for a new kernel, just before the notebook for a warm one.
    """
    import papermill

    run = functools.partial(
        papermill.execute_notebook,
        str(playbook.path),
        str(running_path),
        parameters=dict(values),
        kernel_name=kernel_name,
        progress_bar=False,
        log_output=False,
        execution_timeout=execution_timeout,
        # one save at the end (and one on failure, with the error banner), not two per cell:
        # each save copies and JSON-encodes the whole notebook, figures included
        request_save_on_cell_execute=False,
    )
    if kernel is not None:
        kernel.execute(run, cwd=playbook.path.parent, env=env)
        return
    run(cwd=str(playbook.path.parent), kernel_manager_class=LocalKernelManager.with_env(env))


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
    force: bool = False,
    recover: bool = True,
    kernel: WarmKernel | None = None,
) -> RunResult:
    """Validate, execute, keep the executed notebook with provenance, and export deliverables.

    An existing deliverable of the same name is replaced only with `force`. `recover=False`
    leaves other runs' staging folders alone: a batch on several hosts cannot tell by pid
    whether another host's run is alive, so it recovers the folder once before starting.
    `kernel`: a batch worker's warm kernel to execute on instead of starting one (the
    deliverables are the same; only the execution step differs).
    """
    from papermill.exceptions import PapermillExecutionError

    from branch_consult.data.db_url import mask_url

    started = time.perf_counter()
    formats = [f.strip() for f in formats if f.strip()]
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ParameterError(
            [f"unknown format {', '.join(unknown)}; formats: {', '.join(EXPORTERS)}"]
        )
    if "pdf" in formats:
        from branch_consult.export.office import find_office, missing_message

        if find_office() is None:
            raise ParameterError([missing_message()])  # before the playbook runs, not after
    playbook = get_playbook(name)
    data, params, lang, branding = _apply_workspace(playbook, data, params, lang)
    resolved = _resolve(playbook, data, params, lang)
    values, location, dataset = resolved.values, resolved.location, resolved.dataset
    # what the parent learnt of the data goes to the kernel, which does not learn it again
    facts = dataset().facts() if location is not None else None
    fingerprint = str(facts["fingerprint"]) if facts else None
    handed = {SOURCE_FACTS: facts} if facts and SOURCE_FACTS in playbook.params.handed else {}

    out = Path(out_dir)
    _prepare_out(out)
    if recover:
        recover_staging(out)
    stem = output_stem(playbook, _named_values(playbook, values, dataset))
    names = [f"{stem}.{EXPORTERS[fmt][0]}" for fmt in formats] + [f"{stem}.ipynb"]
    existing = [n for n in names if (out / n).exists()]
    if existing and not force:
        raise OutputExists(
            f"{out / existing[0]} exists; pass --force to replace "
            f"{'it' if len(existing) == 1 else 'the ' + str(len(existing)) + ' files of that set'}"
        )
    failed_nb = out / f"{stem}.failed.ipynb"
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{stem}-{os.getpid()}-", dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write to the output folder {out}: {exc.strerror}") from None
    try:
        running_path = staging / f"{stem}.ipynb"
        key = KeyRecording()  # tokens the kernel issues -> <stem>.key.csv beside the deliverables
        started_at = utc_now()
        try:
            _execute(
                playbook,
                running_path,
                {**values, **handed},
                env={**resolved.kernel_env, **key.env},
                kernel_name=kernel_name,
                execution_timeout=execution_timeout,
                kernel=kernel,
            )
        except PapermillExecutionError as exc:
            os.replace(running_path, failed_nb)
            where, index = _failure_line(failed_nb, exc)
            raise PlaybookFailed(
                f"playbook {playbook.name} failed in {where}: {exc.ename}: {exc.evalue} "
                f"(executed notebook kept for debugging: {failed_nb})",
                cell_index=index,
                ename=exc.ename,
                evalue=exc.evalue,
                failed_notebook=failed_nb,
            ) from None
        finished_at = utc_now()

        nb = nbformat.read(running_path, as_version=4)
        provenance = build_provenance(
            playbook=playbook.name,
            playbook_path=playbook.path,
            playbook_sha256=playbook.sha256(),
            parameters=values,
            data_source=mask_url(location) if location else None,
            data_fingerprint=fingerprint,
            started_at=started_at,
            finished_at=finished_at,
            kernel_name=kernel_name,
        )
        meta = dict(nb.metadata.get("branch_consult", {}) or {})
        meta.pop("parameters", None)  # the playbook's constraints; the values go below
        meta.update(_document_meta(playbook, values, dataset))
        meta.update(branding)
        meta["parameters"] = values
        meta["provenance"] = provenance
        nb.metadata["branch_consult"] = meta

        # Render everything in memory first: an exporter error leaves no file behind.
        rendered: dict[str, bytes] = {}
        options = {"plotlyjs": plotlyjs, "cache": {}}  # cache: the .docx shared by docx and pdf
        for fmt in formats:
            ext, render = EXPORTERS[fmt]
            try:
                rendered[ext] = render(nb, options)
            except Exception as exc:
                raise ExportFailed(
                    f"{fmt} export of {playbook.name} failed: {type(exc).__name__}: {exc}; "
                    f"no deliverable written"
                ) from exc
        try:
            running_path.unlink()
            for fmt in formats:
                ext = EXPORTERS[fmt][0]
                _write_new(staging / f"{stem}.{ext}", rendered[ext])
            _write_new(staging / f"{stem}.ipynb", nbformat.writes(nb).encode("utf-8"))
            if key.finish(staging / f"{stem}.key.csv") is not None:  # mode 0600, moved with the set
                names = [*names, f"{stem}.key.csv"]
            if "html" in formats and plotlyjs == "shared":
                from branch_consult.export.html_exporter import write_shared_plotlyjs

                write_shared_plotlyjs(out)
            _commit(staging, out, names)
        except OSError as exc:
            raise _write_failed(out, exc) from None
    finally:
        finished = True
        if (staging / _COMMIT_MARK).is_file():
            try:
                _move_set(staging, out)  # finish a set already recorded as complete
            except OSError:
                finished = False  # keep the recorded set: the next run into `out` finishes it
        if finished:
            shutil.rmtree(staging, ignore_errors=True)
    failed_nb.unlink(missing_ok=True)
    outputs = {fmt: out / f"{stem}.{EXPORTERS[fmt][0]}" for fmt in formats}
    return RunResult(
        playbook=playbook.name,
        parameters=values,
        notebook=out / f"{stem}.ipynb",
        outputs=outputs,
        provenance=provenance,
        seconds=round(time.perf_counter() - started, 3),
    )
