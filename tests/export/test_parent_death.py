"""A helper process started `with_parent_death` stops when the process that started it dies,
even when that process is threaded (a Dask worker) and is killed outright."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from branch_consult.export.office import with_parent_death

_STARTER = r"""
import subprocess, sys, threading, os
from branch_consult.export.office import with_parent_death
threading.Thread(target=lambda: __import__("time").sleep(60), daemon=True).start()
child = subprocess.Popen(with_parent_death(["sleep", "60"]))
print(child.pid, flush=True)
sys.stdin.read()  # until killed
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_the_helper_stops_when_its_starter_is_killed():
    with subprocess.Popen(
        [sys.executable, "-c", _STARTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as starter:
        assert starter.stdout is not None
        helper = psutil.Process(int(starter.stdout.readline()))
        deadline = time.monotonic() + 10
        while helper.name() != "sleep" and time.monotonic() < deadline:  # setpriv execs into it
            time.sleep(0.05)
        assert helper.name() == "sleep"
        starter.kill()
    try:
        helper.wait(timeout=10)
    except psutil.TimeoutExpired:
        helper.kill()
        pytest.fail("the helper outlived the process that started it")


def test_the_command_is_kept_whole():
    command = with_parent_death(["soffice", "--headless", "a b"])
    assert command[-3:] == ["soffice", "--headless", "a b"]
