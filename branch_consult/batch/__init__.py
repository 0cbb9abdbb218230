"""Batch generation: one playbook run per item (branch, person...), on a Dask cluster.

The playbook declares what it iterates over in its notebook metadata
(`branch_consult.batch: {parameter: branch_id, items: {table: branches, column: branch_id}}`);
`run_batch` validates the parameters once, runs each item with `run.run_playbook` on
Dask workers, records every item in `manifest.json` as it finishes (so a re-run resumes)
and writes an offline `index.html` over the deliverables.
"""

from branch_consult.batch.lock import BatchLocked, batch_lock
from branch_consult.batch.manifest import Manifest
from branch_consult.batch.runner import BatchResult, run_batch
from branch_consult.batch.spec import BatchSpec, batch_spec

__all__ = [
    "BatchLocked",
    "BatchResult",
    "BatchSpec",
    "Manifest",
    "batch_lock",
    "batch_spec",
    "run_batch",
]
