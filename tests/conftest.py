"""Shared fixtures: the tiny hand-made bank in every kind of source."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tiny_bank import write_folder  # noqa: E402

from branch_consult.data import clear_cache  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "bank_csv", "csv")


@pytest.fixture
def tiny_parquet(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "bank_parquet", "parquet")


#: How the tests start Debian's Chromium (no sandbox as root, nothing phoning home).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium():
    """A headless Chromium driven by Playwright (the system browser, not a downloaded one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def _private_config_and_result_cache(tmp_path_factory):
    """Tests (and the kernels they start) never touch the user's pseudonym secret or result cache."""
    import os

    keep = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "BRANCH_CONSULT_CACHE_DIR")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg_config"))
    os.environ["BRANCH_CONSULT_CACHE_DIR"] = str(tmp_path_factory.mktemp("result_cache"))
    yield
    for key, value in keep.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session", autouse=True)
def _stop_warm_renderers():
    """The Word exporter keeps one Chromium warm for charts until exit: stop it before the check below."""
    yield
    for name, module in list(sys.modules.items()):
        get_renderer = (
            getattr(module, "get_renderer", None) if name.startswith("branch_consult") else None
        )
        if callable(get_renderer):
            get_renderer().stop()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a test left a child process running (a server, a kernel, a browser)."""
    import psutil

    children = psutil.Process().children(recursive=True)
    _, alive = psutil.wait_procs(children, timeout=5)
    if not alive:
        return
    lines = []
    for proc in alive:
        try:
            lines.append(f"  pid {proc.pid}: {' '.join(proc.cmdline())[:200]}")
            proc.kill()
        except psutil.Error:
            continue
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            "\ntests left processes running (now killed):\n" + "\n".join(lines), red=True
        )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
