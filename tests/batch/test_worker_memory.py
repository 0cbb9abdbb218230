"""What a batch worker keeps between items must not grow with the number of items.

Measured (docs/batch.md): Dask's statistical profiler kept one call tree per second of an
item's deep stacks, 0.7–2.5 MB of a worker's own memory per item; the warm plugin pauses it
for the batch and resumes it after, leaving a cluster's workers as found.
"""

import time

import pytest
from distributed import Client, LocalCluster

from branch_consult.batch.worker import PLUGIN_NAME, PROFILER_CALLBACKS, WarmWorker


def _deep(depth: int, seconds: float) -> int:
    """Busy for `seconds` at the bottom of `depth` frames: what the profiler samples."""
    if depth:
        return _deep(depth - 1, seconds) + 1
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return 0


def _profile_kept(dask_worker) -> dict:
    running = [
        name for name in PROFILER_CALLBACKS if dask_worker.periodic_callbacks[name].is_running()
    ]
    return {
        "running": running,
        "history": len(dask_worker.profile_history) + len(dask_worker.profile_keys_history),
        "samples": dask_worker.profile_recent["count"]
        + sum(p["count"] for p in dask_worker.profile_keys.values()),
    }


@pytest.fixture
def client():
    # in-process worker: the test sees the worker object itself; no processes left behind
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_the_warm_plugin_pauses_the_workers_profile_and_resumes_it(client):
    (before,) = client.run(_profile_kept).values()
    assert before["running"] == list(PROFILER_CALLBACKS)  # Dask's default: on

    client.register_plugin(WarmWorker(recycle_every=0, renderer=False))
    client.submit(_deep, 40, 2.5, pure=False).result()
    (during,) = client.run(_profile_kept).values()
    # without the pause: ~250 samples of 40-frame stacks and a tree per second, kept 1,000 s
    assert during == {"running": [], "history": 0, "samples": 0}

    client.unregister_worker_plugin(PLUGIN_NAME)
    (after,) = client.run(_profile_kept).values()
    assert after["running"] == list(PROFILER_CALLBACKS)  # the worker is left as found
