"""Commands about playbooks: list, show parameters, run, open in JupyterLab, demo.

A thin shell over `branch_consult.playbooks` and `branch_consult.run`: user errors
(bad parameter, unknown playbook, unreadable data) print one red message and exit 2;
a failing cell exits 1 naming the cell; never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from branch_consult.cli.app import app
from branch_consult.cli.options import DataOption, ParamsFileOption, ReportLangOption

T = TypeVar("T")
USER_ERROR = 2


def _fail(message: str, code: int = USER_ERROR) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _guard(action: Callable[[], T]) -> T:
    """Run `action`, turning the library's user-facing errors into a red line and an exit code.

    Every such error derives from `errors.BranchConsultError` and carries its exit code;
    anything else is a bug and keeps its traceback. Ctrl-C (or SIGTERM) prints one line
    and exits 130 after the run has cleaned up (kernel stopped, staging folder removed).
    """
    from branch_consult.data import DataProblems
    from branch_consult.data.sources import SourceUnavailable
    from branch_consult.errors import INTERRUPTED, BranchConsultError

    previous = _terminate_as_interrupt()
    try:
        return action()
    except SourceUnavailable as exc:
        raise _fail(f"error: {exc}", exc.exit_code) from None
    except DataProblems as exc:
        raise _fail(f"error: the data cannot be used:\n{exc}", exc.exit_code) from None
    except BranchConsultError as exc:
        raise _fail(f"error: {exc}", exc.exit_code) from None
    except KeyboardInterrupt:
        raise _fail(
            "interrupted: nothing was delivered by the unfinished run", INTERRUPTED
        ) from None
    finally:
        _restore(previous)


def _terminate_as_interrupt() -> Any:
    """SIGINT and SIGTERM end a run quietly: the `finally` blocks stop the kernel and clean up.

    Logging is silenced from the signal on, so the kernel client's complaints while the
    kernel is being stopped ("Kernel died ...", unretrieved task errors) do not bury
    the one line the command prints.
    """
    import logging
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: Any) -> None:
        logging.disable(logging.CRITICAL)
        raise KeyboardInterrupt

    return {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}


def _restore(previous: Any) -> None:
    import signal

    for sig, handler in (previous or {}).items():
        signal.signal(sig, handler)


@app.command("playbooks")
def playbooks_command(
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the descriptions (zh|en).")
    ] = "en",
) -> None:
    """List the playbooks with a one-line description."""
    from branch_consult.playbooks import list_playbooks, playbooks_dir

    found = list_playbooks()
    if not found:
        raise _fail(f"error: no playbooks in {playbooks_dir()}")
    width = max(len(pb.name) for pb in found)
    for pb in found:
        typer.echo(f"{pb.name.ljust(width)}  {pb.description(lang) or pb.title(lang)}")


@app.command("params")
def params_command(
    playbook: Annotated[
        str, typer.Argument(help="Playbook name (see `branch-consult playbooks`).")
    ],
) -> None:
    """Show a playbook's parameters: name, type, default and help."""
    from branch_consult.playbooks import get_playbook

    pb = _guard(lambda: get_playbook(playbook))
    schema = _guard(lambda: pb.params)
    rows = [("name", "type", "default", "help")]
    for s in schema.specs:
        extra = f" (one of: {', '.join(map(str, s.choices))})" if s.choices else ""
        extra += f" [{s.kind}]" if s.kind else ""
        rows.append((s.name, s.type, repr(s.default), s.help + extra))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        typer.echo("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])


def _split_formats(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]


@app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run_command(
    ctx: typer.Context,
    playbook: Annotated[str, typer.Argument(help="Playbook name or path to a notebook.")],
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the deliverables (default: the workspace's out/, else ./out)."
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "-p",
            "--param",
            metavar="NAME VALUE",
            help="A parameter (repeatable): -p month 2026-10 (or -p month=2026-10).",
        ),
    ] = None,
    params_file: ParamsFileOption = None,
    lang: ReportLangOption = None,
    formats: Annotated[
        str,
        typer.Option("--formats", help="Comma-separated: docx,html,pdf (pdf needs LibreOffice)."),
    ] = "docx,html",
    plotlyjs: Annotated[
        str, typer.Option("--plotlyjs", help="inline (one file) or shared (plotly.min.js beside).")
    ] = "inline",
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing deliverables of the same name.")
    ] = False,
) -> None:
    """Run a playbook and write its deliverables; prints the written paths."""
    from branch_consult.run import run_playbook

    values = _given_values(param, list(ctx.args), params_file)
    from branch_consult.workspace import default_out

    result = _guard(
        lambda: run_playbook(
            playbook,
            data=data,
            out_dir=out or _guard(default_out),
            params=values,
            lang=lang,
            formats=_split_formats(formats),
            plotlyjs=plotlyjs,
            force=force,
        )
    )
    for path in result.paths:
        typer.echo(str(path))


def _given_values(
    param: list[str] | None, extra: list[str], params_file: Path | None
) -> dict[str, Any]:
    """The parameters a user gave: the --params YAML file, overridden by -p pairs."""
    from branch_consult.params import load_params_file, merge_params

    cli_values = _pairs(param or [], extra)
    return _guard(
        lambda: merge_params(load_params_file(str(params_file)) if params_file else {}, cli_values)
    )


def _pairs(items: list[str], extra: list[str]) -> dict[str, Any]:
    """`-p NAME VALUE` (the VALUE arrives among the extra arguments, in order) or `-p NAME=VALUE`.

    Unknown options are let through to here so that a value like `-5` reaches its
    parameter; a leftover `--something` is then reported as an unknown option.
    """
    values: dict[str, Any] = {}
    for item in items:
        if "=" in item:
            name, value = item.split("=", 1)
        elif extra and not extra[0].startswith("--"):
            name, value = item, extra.pop(0)
        else:
            raise _fail(f"error: -p {item} needs a value: -p {item} VALUE")
        values[_text_arg(name.strip(), "parameter name")] = _text_arg(
            value, f"parameter {name.strip()!r}"
        )
    options = [e for e in extra if e.startswith("-")]
    if options:
        raise _fail(f"error: no such option: {options[0]} (see branch-consult run --help)")
    if extra:
        raise _fail(f"error: unexpected argument(s): {' '.join(extra)}")
    return values


def _text_arg(value: str, what: str) -> str:
    """A command-line value that is not valid text in the terminal's encoding is refused by name."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
        raise _fail(
            f"error: {what}: the value is not UTF-8 text ({raw[:20]!r}); "
            "set the terminal to UTF-8 or write it in a --params file saved as UTF-8"
        ) from None
    return value


@app.command("lab")
def lab_command(
    data: Annotated[
        str | None,
        typer.Option(
            "--data", help="Data the notebooks open by default (default: the workspace's)."
        ),
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port for JupyterLab.")] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
) -> None:
    """Open the workspace in JupyterLab: its playbooks and data, outputs kept in the workspace."""
    from branch_consult.workspace import lab_environment

    root, env = _guard(lambda: lab_environment(data))
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines run as root
        cmd.append("--allow-root")
    from branch_consult.data.db_url import mask_url

    typer.echo(f"JupyterLab in {root} (data: {mask_url(env['BRANCH_CONSULT_DATA'])})")
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(root)
    # Become JupyterLab: a terminate signal sent to this command then reaches the server
    # itself, which stops its kernels; nothing is left running behind a dead parent.
    os.execve(sys.executable, cmd, env)


#: what `demo` produces: (playbook, parameters, languages), every built-in playbook once
DEMO_JOBS: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("bank_overview", {}, ("zh", "en")),
    ("branch_diagnostic", {}, ("zh", "en")),  # the diagnostic's default branch
    ("staff_fit_review", {}, ("zh", "en")),  # the planted pair
    ("campaign_plan", {"stage": "plan"}, ("zh",)),
    ("campaign_plan", {"stage": "review"}, ("en",)),
    ("workshop_handout", {"edition": "participant"}, ("zh",)),
    ("workshop_handout", {"edition": "trainer"}, ("zh",)),
    ("workshop_results", {}, ("zh",)),
]
#: what `demo` ends with: one small batch (playbook, items, jobs) into <out>/batch, with its index
#: page; the healthy branch, the lunch-queue branch and the branch with unowned top customers
DEMO_BATCH: tuple[str, str, int] = ("branch_diagnostic", "B001,B003,B005", 2)


@app.command("demo")
def demo_command(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the demo deliverables (default: out/demo)."),
    ] = None,
    formats: Annotated[
        str,
        typer.Option(
            "--formats",
            help="Comma-separated: docx,html,pdf (default: all three, pdf when LibreOffice is installed).",
        ),
    ] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Replace the deliverables of an earlier demo.")
    ] = False,
) -> None:
    """One deliverable set of every built-in playbook from the embedded samples; prints the paths.

    The bank overview and a branch diagnostic in Chinese and English, the planted staff-fit
    case, the deposit-drive campaign plan and its review, both editions of a workshop
    handout, and the sample class's quiz results; then a small batch of branch diagnostics
    (Word and HTML) into <out>/batch with its index page.
    """
    from branch_consult.batch import run_batch
    from branch_consult.export.office import find_office
    from branch_consult.run import run_playbook
    from branch_consult.workspace import default_out

    formats = formats or ("docx,html,pdf" if find_office() else "docx,html")

    out = out or _guard(default_out) / "demo"
    for name, params, langs in DEMO_JOBS:
        for lang in langs:
            result = _guard(
                partial(
                    run_playbook,
                    name,
                    out_dir=out,
                    params=params,
                    lang=lang,
                    formats=_split_formats(formats),
                    force=force,
                )
            )
            for path in result.paths:
                typer.echo(str(path))

    playbook, items, jobs = DEMO_BATCH
    batch = _guard(
        lambda: run_batch(
            playbook,
            out_dir=out / "batch",
            items=items,
            formats=[f for f in _split_formats(formats) if f != "pdf"],
            jobs=jobs,
        )
    )
    typer.echo(f"batch of {playbook} over {items}: index page {batch.index}")
