"""CLI: listing, parameters, run errors as one red line (exit 2), lab environment, real runs."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from tests.run.test_run import spy_papermill, write_tiny_bank

runner = CliRunner()
SIMPLE = str(Path(__file__).parent.parent / "notebooks" / "simple.ipynb")


def test_playbooks_lists_bank_overview():
    result = runner.invoke(app, ["playbooks"])
    assert result.exit_code == 0
    assert "bank_overview" in result.output and "comparing all branches" in result.output


def test_params_shows_types_defaults_and_help():
    result = runner.invoke(app, ["params", "bank_overview"])
    assert result.exit_code == 0
    line = next(ln for ln in result.output.splitlines() if ln.startswith("lang"))
    assert "str" in line and "'zh'" in line and "one of: zh, en" in line


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "bank_ovrview"], "did you mean 'bank_overview'"),
        (
            ["run", "bank_overview", "-p", "lnag", "en"],
            "unknown parameter 'lnag' (did you mean 'lang'?)",
        ),
        (["run", "bank_overview", "--lang", "fr"], "'lang': 'fr' is not one of zh, en"),
        (["run", "bank_overview", "-p", "month"], "-p month needs a value"),
        (["run", "bank_overview", "--data", "/nonexistent/bank"], "/nonexistent/bank"),
        (["params", "nope"], "unknown playbook 'nope'"),
    ],
)
def test_user_errors_exit_2_without_traceback(args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def test_run_merges_params_file_under_p_values(monkeypatch, tmp_path):
    calls = []
    spy_papermill(monkeypatch, calls)
    pfile = tmp_path / "p.yaml"
    pfile.write_text("name: fromfile\ncount: 4\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "run",
            SIMPLE,
            "--out",
            str(tmp_path / "o"),
            "--params",
            str(pfile),
            "-p",
            "name",
            "cli",
            "-p",
            "ratio=0.1",
            "--formats",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls[0]["name"] == "cli" and calls[0]["count"] == 4 and calls[0]["ratio"] == 0.1
    printed = result.output.split()
    assert str(tmp_path / "o" / "simple_cli_en.html") in printed


@pytest.mark.slow
def test_lab_serves_the_playbooks_with_the_sample_data(tmp_path):
    """A real JupyterLab on loopback: it lists the playbooks, and a kernel it starts sees the sample data."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from branch_consult.data import sample_path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "bc-test-token"
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "HOME": str(tmp_path),
    }
    env.pop("BRANCH_CONSULT_DATA", None)
    env.pop("BRANCH_CONSULT_WORKSPACE", None)
    from branch_consult.workspace import init

    ws = init(tmp_path / "ws").root  # lab opens a workspace, never the package or the checkout
    cli = [sys.executable, "-m", "branch_consult.cli", "lab", "--no-browser", "--port", str(port)]
    server = subprocess.Popen(
        cli, env=env, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )

    def api(path, method="GET", body=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    try:
        deadline = time.time() + 60
        while True:
            try:
                api("/api/status")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode(errors="replace")
                assert time.time() < deadline, "JupyterLab did not start within 60 s"
                time.sleep(0.5)
        names = {item["name"] for item in api("/api/contents")["content"]}
        assert {"playbooks", "data", "out", "branch-consult.toml"} <= names
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab?token={token}", timeout=10
        ) as lab:
            assert lab.status == 200
        kernel = api("/api/kernels", "POST", {"name": "python3"})
        assert kernel["name"] == "python3"
        # the server hands its environment to the kernels it starts: the sample data is the default
        assert server_env_of(server.pid).get("BRANCH_CONSULT_DATA") == str(
            sample_path()
        )  # data/ is empty
        assert server_env_of(server.pid).get("BRANCH_CONSULT_WORKSPACE") == str(ws)
        # `lab` became JupyterLab (no wrapper process): SIGTERM reaches the server itself,
        # which stops its kernels; nothing is left running
        import psutil

        assert "jupyterlab" in " ".join(psutil.Process(server.pid).cmdline())
        started = psutil.Process(server.pid).children(recursive=True)
        assert started, "the kernel the test started is not a child of the server"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        gone, alive = psutil.wait_procs(started, timeout=15)
        assert alive == [], f"left running after SIGTERM: {[p.cmdline() for p in alive]}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        server.stdout.close()


def server_env_of(pid: int) -> dict[str, str]:
    """Environment of the JupyterLab process started by the `lab` command (its child)."""
    import subprocess

    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True
    ).stdout.split()
    env: dict[str, str] = {}
    for p in [str(pid), *children]:
        try:
            with open(f"/proc/{p}/environ", "rb") as fh:
                raw = fh.read().split(b"\0")
        except OSError:
            continue
        for item in raw:
            if b"=" in item:
                k, v = item.split(b"=", 1)
                env.setdefault(k.decode(), v.decode(errors="replace"))
        if "BRANCH_CONSULT_DATA" in env:
            break
    return env


@pytest.mark.slow
def test_run_bank_overview_for_real(tmp_path):
    data = write_tiny_bank(tmp_path / "bank")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            "bank_overview",
            "--data",
            str(data),
            "--out",
            str(out),
            "-p",
            "month",
            "2026-09",
            "--formats",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "bank_overview_2026-09_zh.html").exists()
    again = runner.invoke(
        app,
        [
            "run",
            "bank_overview",
            "--data",
            str(data),
            "--out",
            str(out),
            "-p",
            "month",
            "2026-09",
            "--formats",
            "html",
        ],
    )
    assert again.exit_code == 2 and "pass --force to replace" in again.output
    assert "全行网点经营概览" in (out / "bank_overview_2026-09_zh.html").read_text(encoding="utf-8")
